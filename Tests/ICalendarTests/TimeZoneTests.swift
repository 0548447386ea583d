import Dates
import Foundation
import Testing

@testable import ICalendar

/// School-local wall time holds across daylight saving; the instant moves with the offset.
@Suite struct TimeZoneTests {
    /// Weekly occurrences of a zoned event as (local wall time, UTC instant).
    func weekly(_ zone: String, from start: String, count: Int) throws -> [(String, String)] {
        let wallStart = WallTime(start)!
        let event = Event(
            uid: "dst", summary: "Team meeting", start: .zoned(wallStart, tzid: zone),
            end: .zoned(wallStart.adding(seconds: 3600), tzid: zone),
            recurrence: try RecurrenceRule(parsing: "FREQ=WEEKLY;COUNT=\(count)"))
        return try RecurrenceExpander().expand(CalendarDocument(events: [event])).map {
            ($0.start.description, WallTime(secondsSinceEpoch: $0.instant).description + "Z")
        }
    }

    @Test func chicagoKeepsNineOClockWhenDaylightSavingEndsOnNovember7() throws {
        let got = try weekly("America/Chicago", from: "2027-10-26T09:00:00", count: 3)
        #expect(got.map(\.0) == ["2027-10-26T09:00:00", "2027-11-02T09:00:00", "2027-11-09T09:00:00"])
        #expect(got.map(\.1) == ["2027-10-26T14:00:00Z", "2027-11-02T14:00:00Z", "2027-11-09T15:00:00Z"])
    }

    @Test func newYorkKeepsEightOClockWhenDaylightSavingStarts() throws {
        let got = try weekly("America/New_York", from: "2028-03-03T08:00:00", count: 3)
        #expect(got.map(\.0) == ["2028-03-03T08:00:00", "2028-03-10T08:00:00", "2028-03-17T08:00:00"])
        #expect(got.map(\.1) == ["2028-03-03T13:00:00Z", "2028-03-10T13:00:00Z", "2028-03-17T12:00:00Z"])
    }

    @Test func phoenixHasNoDaylightSaving() throws {
        let got = try weekly("America/Phoenix", from: "2028-03-03T09:00:00", count: 3)
        #expect(got.map(\.1) == ["2028-03-03T16:00:00Z", "2028-03-10T16:00:00Z", "2028-03-17T16:00:00Z"])
    }

    @Test func honoluluHasNoDaylightSaving() throws {
        let got = try weekly("Pacific/Honolulu", from: "2027-10-26T09:00:00", count: 3)
        #expect(got.map(\.1) == ["2027-10-26T19:00:00Z", "2027-11-02T19:00:00Z", "2027-11-09T19:00:00Z"])
    }

    @Test func anHourLongEventAcrossTheFallBackEndsAnHourLater() throws {
        // 01:30 CDT + 1 hour of elapsed time is 01:30 CST on the night clocks go back.
        let event = Event(
            uid: "night", summary: "Overnight check",
            start: .zoned(wall("2027-11-07T01:00:00"), tzid: "America/Chicago"),
            end: .zoned(wall("2027-11-07T01:30:00"), tzid: "America/Chicago"))
        let got = try RecurrenceExpander().expand(CalendarDocument(events: [event]))
        #expect(got.map(\.end.description) == ["2027-11-07T01:30:00"])
    }

    /// The plan reader takes `canWrite`'s word for a zone: for every name tzdata knows (and the bare
    /// UTC and GMT, which tzdata knows and libical does not), it must be what writing says.
    @Test func canWriteSaysWhichZonesAWriteAccepts() throws {
        let writer = CalendarWriter(stamp: wall("2027-08-01T00:00:00"))
        var writable = 0
        for tzid in TimeZone.knownTimeZoneIdentifiers + ["UTC", "GMT"] {
            let start = wall("2027-11-07T09:00:00")
            let event = Event(
                uid: "z", summary: "Drill", start: .zoned(start, tzid: tzid),
                end: .zoned(start.adding(seconds: 900), tzid: tzid))
            let written = (try? writer.write(CalendarDocument(events: [event]))) != nil
            #expect(CalendarWriter.canWrite(timeZone: tzid) == written, "\(tzid)")
            if written { writable += 1 }
        }
        #expect(writable > 400)
        #expect(!CalendarWriter.canWrite(timeZone: "UTC") && CalendarWriter.canWrite(timeZone: "Etc/UTC"))
    }

    @Test func allDayEventsStayOnTheirDatesAcrossDaylightSaving() throws {
        let event = Event(
            uid: "review", summary: "Protocol review", start: .date(day("2027-11-01")), end: .date(day("2027-11-02")),
            recurrence: try RecurrenceRule(parsing: "FREQ=WEEKLY;COUNT=3"))
        let got = try RecurrenceExpander().expand(CalendarDocument(events: [event]))
        #expect(got.map(\.start.description) == ["2027-11-01", "2027-11-08", "2027-11-15"])
        #expect(got.map(\.end.description) == ["2027-11-02", "2027-11-09", "2027-11-16"])
    }
}

extension TimeZoneTests {
    /// Outlook names zones by Windows names and defines them in the file: the file's VTIMEZONE rules.
    @Test func aZoneDefinedOnlyInTheFileIsHonoured() throws {
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook 16.0//EN",
                "BEGIN:VTIMEZONE", "TZID:Central Standard Time",
                "BEGIN:STANDARD", "DTSTART:16011104T020000", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
                "TZOFFSETFROM:-0500", "TZOFFSETTO:-0600", "END:STANDARD",
                "BEGIN:DAYLIGHT", "DTSTART:16010311T020000", "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
                "TZOFFSETFROM:-0600", "TZOFFSETTO:-0500", "END:DAYLIGHT", "END:VTIMEZONE",
                "BEGIN:VEVENT", "UID:outlook-1", "DTSTAMP:20270801T120000Z",
                "DTSTART;TZID=Central Standard Time:20271101T090000",
                "DTEND;TZID=Central Standard Time:20271101T100000",
                "RRULE:FREQ=WEEKLY;COUNT=2", "SUMMARY:Safety committee", "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.problems.isEmpty, "\(read.problems)")
        let got = try RecurrenceExpander().expand(read.document)
        #expect(got.map(\.start.description) == ["2027-11-01T09:00:00", "2027-11-08T09:00:00"])
        #expect(
            got.map { WallTime(secondsSinceEpoch: $0.instant).description } == [
                "2027-11-01T14:00:00", "2027-11-08T15:00:00",
            ])
    }

    /// RFC 5545's own example of section 4 puts a meeting on March 12, 1998 at 8:30 in New York
    /// under a VTIMEZONE whose first observance is October 25, 1998: the file says nothing of March,
    /// and libical took the first observance's TZOFFSETFROM (-0400), an hour off. Apple's iCal wrote
    /// observances from the file's year on, the first "from" +0000: earlier events came out as UTC,
    /// ten hours off in Sydney. Before the first observance a zone tzdata knows by name is read by
    /// tzdata (13:30Z, EST), once warned; from it on, the file's own definition holds, even where it
    /// departs from tzdata, and a name tzdata does not know keeps libical's reading.
    @Test(arguments: [
        ("America/New_York", "19981025T020000", "-0400", "-0500", "19980312T083000", "1998-03-12T13:30:00", true),
        ("Australia/Sydney", "20060325T160000", "+0000", "+1000", "20030109T200000", "2003-01-09T09:00:00", true),
        ("America/New_York", "19981025T020000", "-0400", "-0500", "19981201T083000", "1998-12-01T13:30:00", false),
        ("America/New_York", "19800101T000000", "-0300", "-0300", "19981201T083000", "1998-12-01T11:30:00", false),
        ("Lakeside Local", "19981025T020000", "-0400", "-0500", "19980312T083000", "1998-03-12T12:30:00", false),
    ])
    func aTimeBeforeTheFilesZoneBeginsIsReadByTzdata(
        _ tzid: String, _ onset: String, _ from: String, _ to: String, _ start: String, _ instant: String,
        _ warned: Bool
    ) throws {
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//RDU Software//NONSGML HandCal//EN",
                "BEGIN:VTIMEZONE", "TZID:\(tzid)", "BEGIN:STANDARD", "DTSTART:\(onset)", "TZOFFSETFROM:\(from)",
                "TZOFFSETTO:\(to)", "END:STANDARD", "END:VTIMEZONE",
                "BEGIN:VEVENT", "UID:guid-1.example.com", "DTSTAMP:19980309T231000Z",
                "DTSTART;TZID=\(tzid):\(start)", "SUMMARY:XYZ Project Review", "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.problems.map(\.kind) == (warned ? [.beforeZoneOnset] : []), "\(read.problems)")
        #expect(read.problems.map(\.line) == (warned ? [15] : []))
        #expect(read.problems.allSatisfy { !$0.kind.breaksRFC })
        let got = try RecurrenceExpander().expand(read.document)
        #expect(got.map { WallTime(secondsSinceEpoch: $0.instant).description } == [instant])
        // Shown back in the zone, the instant is the wall time it was written as.
        let shown = try RecurrenceExpander(zone: tzid).expand(read.document)
        #expect(shown.map(\.start.wallTime) == [WallTime(start)!])
    }
}

/// TZIDs that are a zone's display name (Outlook Web Access, Exchange's feeds; node-ical's fixtures
/// `Office-2012-owa`, `windows-quoted-tz-rrule`, `test_with_tz_list`, `music-school-weekly-until`):
/// read by what they say, and only where what they say agrees with itself.
@Suite struct ZoneDisplayNameTests {
    @Test(arguments: [
        ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
        ("(UTC-05:00) Eastern Time (US and Canada)", "America/New_York"),
        ("(UTC-06:00) Central Time (US & Canada)", "America/Chicago"),
        ("(UTC-07:00) Mountain Time (US & Canada)", "America/Denver"),
        ("(UTC-08:00) Pacific Time (US & Canada)", "America/Los_Angeles"),
        // Windows' own display names, through CLDR's table of them.
        ("(UTC-10:00) Hawaii", "Pacific/Honolulu"),
        ("(GMT+10:00) Canberra, Melbourne, Sydney", "Australia/Sydney"),
        ("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Calcutta"),
        ("(UTC-06:00) Saskatchewan", "America/Regina"),
        ("(UTC-03:30) Newfoundland", "America/St_Johns"),
        ("(UTC-06:00) Central America", "America/Guatemala"),
        ("(UTC-03:00) Greenland", "America/Godthab"),
        ("(UTC-05:00) Indiana (East)", "America/Indianapolis"),
        ("(GMT-05:00) Indiana (East)", "America/Indianapolis"),
        ("(UTC+01:00) West Central Africa", "Africa/Lagos"),
        ("(UTC-04:00) Atlantic Time (Canada)", "America/Halifax"),
        // Others, by what they say.
        ("(UTC-10:00) Hawaii (US)", "US/Hawaii"),
        ("(GMT+10:00) Melbourne, Sydney", "Australia/Melbourne"),
        ("(UTC+05:30) Kolkata, Mumbai", "Asia/Kolkata"),
        ("(GMT-06:00) Saskatchewan, Canada", "Canada/Saskatchewan"),
        ("(UTC -03:30) Newfoundland", "America/St_Johns"),
        ("(UTC -06:00) Central America", "America/Guatemala"),
        ("Amsterdam, Belgrade, Berlin, Brussels, Budapest, Madrid, Paris, Prague, Stockholm", "Europe/Amsterdam"),
        ("UTC+01", "Etc/GMT-1"),
        ("(GMT +01:00)", "Etc/GMT-1"),
        ("UTC-05", "Etc/GMT+5"),
    ])
    func aDisplayNameReadsAsTheZoneItDescribes(tzid: String, olson: String) {
        #expect(CalendarZones.olsonName(tzid) == olson)
    }

    /// Each of Windows' display names CLDR lists (139 in Debian's) reads as its Windows name's zone.
    @Test func everyWindowsDisplayNameIsItsZone() throws {
        let table = try WindowsZones.load(WindowsZones.path)
        #expect(table.displayNames.count > 130)
        for (displayName, windows) in table.displayNames {
            #expect(CalendarZones.olsonName(displayName) == table.olson[windows], "\(displayName)")
        }
    }

    /// A city whose zone has another offset than the one written, a place tzdata has no zone for,
    /// an offset no whole-hour zone has, and names that are no display name: still refused.
    @Test(arguments: [
        "(UTC+09:00) Berlin", "(UTC-05:00) Mars Time", "(UTC+05:30)", "Europe/Germany", " 1", "UTC+01x", "Berlin",
        "(UTC-05:00) Newfoundland", "(UTC+01:00) Saskatchewan",
    ])
    func aDisplayNameThatSaysTooLittleOrContradictsItselfIsRefused(tzid: String) throws {
        #expect(CalendarZones.olsonName(tzid) == nil)
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a",
                "DTSTAMP:20270801T120000Z", "DTSTART;TZID=\"\(tzid)\":20270915T090000", "SUMMARY:x", "END:VEVENT",
                "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(text) }
    }

    /// Read for use, the time is the zone's: 09:00 in New York in September is 13:00 UTC.
    @Test func anOutlookWebAccessTimeIsReadInItsZone() throws {
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:Microsoft Exchange Server 2010", "BEGIN:VEVENT", "UID:a",
                "DTSTAMP:20270801T120000Z", "DTSTART;TZID=\"(UTC-05:00) Eastern Time (US & Canada)\":20270915T090000",
                "DTEND;TZID=\"(UTC-05:00) Eastern Time (US & Canada)\":20270915T100000", "SUMMARY:Lockdown drill",
                "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.warnings.map(\.kind) == [.undefinedKnownZone])
        #expect(read.warnings.first?.message.hasSuffix("read as America/New_York") == true)
        let occurrence = try #require(try RecurrenceExpander().expand(read.document).first)
        #expect(WallTime(secondsSinceEpoch: occurrence.instant).description == "2027-09-15T13:00:00")
    }
}

extension TimeZoneTests {
    /// An Outlook export (node-ical's `test_with_int_tzid`) names its own zone `TZID: 1` and its
    /// times `TZID= 1`; libical keeps the one without the space and the other with it. They are
    /// the same zone: 11:00 in January under it (+0100) is 10:00 UTC, and nothing is refused.
    @Test func aZoneNamedWithASpaceIsTheFilesOwnZone() throws {
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
                "BEGIN:VTIMEZONE", "TZID: 1", "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
                "BEGIN:DAYLIGHT",
                "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE", "BEGIN:VEVENT",
                "UID:a", "DTSTAMP:20231221T141000Z", "DTSTART;TZID= 1:20240108T110000", "DTEND;TZID= 1:20240108T120000",
                "SUMMARY:Atelier", "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.problems.isEmpty, "\(read.problems)")
        let occurrence = try #require(try RecurrenceExpander().expand(read.document).first)
        #expect(WallTime(secondsSinceEpoch: occurrence.instant).description == "2024-01-08T10:00:00")
    }
}
