import Dates
import Foundation
import Testing

@testable import ICalendar

/// `calendar validate`'s checks: every fault the foundation issue lists is caught, on its line.
@Suite struct ValidatorTests {
    /// A clean calendar of one event; `event` lines replace its body, `header` its calendar lines.
    static func calendar(
        header: [String] = ["VERSION:2.0", "PRODID:-//Test//Test//EN"],
        event: [String] = ["UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:Drill"],
        after: [String] = []
    ) -> [String] {
        ["BEGIN:VCALENDAR"] + header + ["BEGIN:VEVENT"] + event + ["END:VEVENT"] + after + ["END:VCALENDAR"]
    }

    static func problems(_ lines: [String], ending: String = "\r\n") -> [CalendarProblem] {
        let text = lines.joined(separator: ending) + ending
        return CalendarReader.inspect(Array(text.utf8), file: "test.ics").problems
    }

    struct Fault: CustomTestStringConvertible, Sendable {
        var name: String
        var lines: [String]
        var line: Int
        var says: String
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "missing VERSION", lines: calendar(header: ["PRODID:x"]), line: 1, says: "no VERSION"),
        Fault(name: "missing PRODID", lines: calendar(header: ["VERSION:2.0"]), line: 1, says: "no PRODID"),
        Fault(
            name: "missing UID", lines: calendar(event: ["DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000"]),
            line: 4, says: "VEVENT has no UID"),
        Fault(
            name: "missing DTSTAMP", lines: calendar(event: ["UID:a", "DTSTART:20270902T090000"]), line: 4,
            says: "VEVENT has no DTSTAMP"),
        Fault(
            name: "misspelled RRULE part",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "RRULE:FREQ=WEEKLY;BYDAYY=MO",
            ]),
            line: 8, says: "RRULE part \"BYDAYY\" is unknown (did you mean BYDAY?)"),
        Fault(
            name: "unknown RRULE part",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "RRULE:FREQ=DAILY;EVERY=2",
            ]),
            line: 8, says: "RRULE part \"EVERY\" is unknown"),
        Fault(
            name: "COUNT with UNTIL",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000",
                "RRULE:FREQ=DAILY;COUNT=3;UNTIL=20271001",
            ]), line: 8, says: "both COUNT and UNTIL"),
        Fault(
            name: "impossible date",
            lines: calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270931"]), line: 7,
            says: "DTSTART 2027-09-31 does not exist (September 2027 has 30 days)"),
        Fault(
            name: "year zero",
            lines: calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:00000101T090000Z"]), line: 7,
            says: "DTSTART 0000-01-01T09:00:00 is not a valid date and time (years run from 0001 to 9999)"),
        Fault(
            name: "February 29 of a common year",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "EXDATE:20270229T090000",
            ]),
            line: 8, says: "EXDATE 2027-02-29 does not exist (February 2027 has 28 days)"),
        Fault(
            name: "DTEND before DTSTART",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "DTEND:20270902T083000",
            ]),
            line: 8, says: "DTEND 2027-09-02T08:30:00 is before DTSTART 2027-09-02T09:00:00"),
        Fault(
            name: "all-day DTEND before DTSTART",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270902", "DTEND;VALUE=DATE:20270901",
            ]), line: 8, says: "DTEND is exclusive (a one-day event ends 2027-09-03)"),
        Fault(
            name: "DATE value given a time",
            lines: calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270902T090000"]),
            line: 7,
            says: "DTSTART has VALUE=DATE but \"20270902T090000\" has a time"),
        Fault(
            name: "TZID without VTIMEZONE",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=America/Chicago:20270902T090000",
            ]),
            line: 7, says: "TZID \"America/Chicago\" has no VTIMEZONE in this file"),
        Fault(
            name: "line over 75 octets",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000",
                "SUMMARY:" + String(repeating: "x", count: 70),
            ]),
            line: 8, says: "line is 78 octets long"),
        Fault(
            name: "fold splitting a UTF-8 character",
            lines: [],  // built from raw octets in catchesSplitCharacter
            line: 9, says: "fold splits a UTF-8 character"),
        Fault(
            name: "duplicate UID",
            lines: calendar(after: [
                "BEGIN:VEVENT", "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270903T090000", "END:VEVENT",
            ]),
            line: 11, says: "UID \"a@test\" is used again (first at line 5)"),
        Fault(
            name: "VALARM without TRIGGER",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "BEGIN:VALARM", "ACTION:DISPLAY",
                "DESCRIPTION:x", "END:VALARM",
            ]), line: 8, says: "VALARM has no TRIGGER"),
        Fault(
            name: "truncated file", lines: Array(calendar().prefix(6)), line: 6,
            says: "file ends inside VEVENT begun at line 4: it is truncated (missing END:VEVENT, END:VCALENDAR)"),
        Fault(
            name: "bare line that is not a property",
            lines: calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "Bring a clipboard",
            ]),
            line: 8, says: "\"Bring a clipboard\" is not a property"),
    ]

    @Test(arguments: faults)
    func catchesFault(_ fault: Fault) {
        // The fold fault needs raw octets: split "é" (C3 A9) across a fold by hand.
        if fault.name.hasPrefix("fold") { return catchesSplitCharacter(fault) }
        let found = Self.problems(fault.lines)
        let hit = found.first { $0.line == fault.line && $0.description.contains(fault.says) }
        #expect(
            hit != nil,
            "expected test.ics:\(fault.line): …\(fault.says)…, got:\n\(found.map(\.description).joined(separator: "\n"))"
        )
        // `validate` calls every one but the long line an error; reading a calendar for use refuses
        // all but those no event's meaning hangs on.
        #expect(hit.map { $0.kind.breaksRFC || fault.name.hasPrefix("line") } ?? false)
        #expect(hit.map { $0.kind.isTolerable == Self.readPast.contains(fault.name) } ?? false, "\(fault.name)")
    }

    /// Faults reading for use passes over with a warning: what real files have that changes no
    /// event (an event without DTSTART, or with a date that does not exist, is still refused).
    static let readPast: Set<String> = [
        "line over 75 octets", "TZID without VTIMEZONE", "missing VERSION", "missing PRODID", "missing UID",
        "missing DTSTAMP", "VALARM without TRIGGER", "duplicate UID", "DTEND before DTSTART", "COUNT with UNTIL",
    ]

    /// A date with a Z is read as the date only where the series is all-day; on a timed series it
    /// could mean midnight UTC or the day, and is refused.
    @Test func aDateWithAZIsReadOnlyOnAnAllDaySeries() throws {
        let allDay = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270902", "RDATE:20270909Z,20270916Z",
            "EXDATE:20270902Z", "SUMMARY:Drill",
        ])
        let read = try CalendarReader.read(allDay.joined(separator: "\r\n"))
        #expect(read.document.events.first?.recurrenceDates == [.date(day("2027-09-09")), .date(day("2027-09-16"))])
        #expect(read.document.events.first?.exceptionDates == [.date(day("2027-09-02"))])
        #expect(read.warnings.map(\.kind) == [.dateWithZ, .dateWithZ])
        let timed = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "RDATE:20270909Z", "SUMMARY:Drill",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(timed.joined(separator: "\r\n")) }
        let notADate = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270902", "RDATE:20270931Z", "SUMMARY:Drill",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(notADate.joined(separator: "\r\n")) }
    }

    /// An RDATE or EXDATE of no dates changes no occurrence: read with a warning, an error to `validate`.
    @Test func anEmptyDateListIsReadAsNoDates() throws {
        let lines = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270902", "RRULE:FREQ=WEEKLY;COUNT=3",
            "EXDATE;VALUE=DATE:", "RDATE:", "SUMMARY:Drill",
        ])
        let read = try CalendarReader.read(lines.joined(separator: "\r\n"))
        #expect(read.warnings.map(\.kind) == [.emptyDateList, .emptyDateList])
        let days = try RecurrenceExpander(
            from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"), zone: "UTC"
        ).expand(read.document).map(\.start)
        #expect(days == [.date(day("2027-09-02")), .date(day("2027-09-09")), .date(day("2027-09-16"))])
        let found = Self.problems(lines)
        #expect(found.count == 2 && found.allSatisfy { $0.kind.breaksRFC }, "\(found)")
    }

    /// Copies of one occurrence with the same SEQUENCE: the later DTSTAMP is the newer (RFC 5546
    /// 2.1.5), wherever it stands in the file; python's reader takes the first copy instead.
    @Test func ofTwoCopiesTheLaterStampIsRead() throws {
        func copy(_ stamp: String, _ summary: String) -> [String] {
            [
                "BEGIN:VEVENT", "UID:a", "DTSTAMP:\(stamp)", "DTSTART;VALUE=DATE:20270902", "SUMMARY:\(summary)",
                "END:VEVENT",
            ]
        }
        let lines =
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"] + copy("20270805T100000Z", "newer")
            + copy("20270801T100000Z", "older") + ["END:VCALENDAR"]
        let read = try CalendarReader.read(lines.joined(separator: "\r\n"))
        #expect(read.document.events.map(\.summary) == ["newer"])
        #expect(read.warnings.map(\.kind) == [.supersededCopy])
        #expect(Self.problems(lines).map(\.kind) == [.supersededCopy])
        #expect(Self.problems(lines).allSatisfy { $0.kind.breaksRFC })
    }

    /// A reminder libical cannot read (`TRIGGER;VALUE=TIME`, python recurring-ical-events' issue
    /// 186) leaves its event as it was: read for use, an error to `validate`.
    @Test func anUnreadableReminderLeavesItsEvent() throws {
        let lines = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:Drill", "BEGIN:VALARM",
            "ACTION:DISPLAY", "DESCRIPTION:x", "TRIGGER;VALUE=TIME:083000", "END:VALARM",
        ])
        let read = try CalendarReader.read(lines.joined(separator: "\r\n"))
        #expect(read.document.events.map(\.summary) == ["Drill"])
        #expect(read.warnings.map(\.kind).allSatisfy { $0 == .alarm } && !read.warnings.isEmpty, "\(read.warnings)")
        #expect(!Self.problems(lines).isEmpty && Self.problems(lines).allSatisfy { $0.kind.breaksRFC })
    }

    /// An override's UID names its series: without one it is refused even for use.
    @Test func anOverrideWithoutAUIDIsRefusedForUse() {
        let override = Self.calendar(event: [
            "DTSTAMP:20270801T120000Z", "RECURRENCE-ID:20270902T090000", "DTSTART:20270902T100000",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(override.joined(separator: "\r\n")) }
        let plain = Self.calendar(event: ["DTSTART:20270902T100000", "SUMMARY:Staff meeting"])
        let read = try? CalendarReader.read(plain.joined(separator: "\r\n"))
        #expect(read?.document.events.map(\.summary) == ["Staff meeting"])
        #expect(read?.warnings.map(\.kind) == [.missingMetadata, .missingMetadata])
    }

    func catchesSplitCharacter(_ fault: Fault) {
        var bytes: [UInt8] = []
        for line in Self.calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000"]).dropLast(2) {
            bytes += Array(line.utf8) + [13, 10]
        }
        bytes += Array("SUMMARY:Caf".utf8) + [0xC3, 13, 10, 0x20, 0xA9] + [13, 10]
        bytes += Array("END:VEVENT\r\nEND:VCALENDAR\r\n".utf8)
        let found = CalendarReader.inspect(bytes, file: "test.ics").problems
        #expect(found.contains { $0.line == fault.line && $0.description.contains(fault.says) }, "\(found)")
    }

    @Test func lfOnlyLineEndsAreReportedOnce() {
        let found = Self.problems(Self.calendar(), ending: "\n")
        #expect(
            found.map(\.description) == [
                "test.ics:1: line ends are LF only (10 lines from here); RFC 5545 requires CRLF"
            ])
    }

    @Test func theExampleDistrictCalendarIsClean() throws {
        let path = packageRoot.appendingPathComponent("Calendars/lakeside-2027-2028.ics").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let inspection = CalendarReader.inspect(bytes, file: path)
        #expect(inspection.problems.isEmpty, "\(inspection.problems)")
        #expect(inspection.document.events.count == 26)
    }

    @Test func aCleanCalendarHasNoProblems() {
        #expect(Self.problems(Self.calendar()).isEmpty)
    }

    @Test func readingToleratesLineEndsAndLengthButNotErrors() throws {
        let long = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000",
            "SUMMARY:" + String(repeating: "y", count: 80),
        ])
        let text = long.joined(separator: "\n") + "\n"
        let read = try CalendarReader.read(text)
        #expect(read.warnings.map(\.kind) == [.lineEnding, .lineLength])
        #expect(read.document.events.first?.summary == String(repeating: "y", count: 80))
        let broken = Self.calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270931T090000"])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(broken.joined(separator: "\r\n")) }
    }
}

extension ValidatorTests {
    @Test func brokenFixtureKeepsWhatCanBeRead() throws {
        let inspection = CalendarReader.inspect(try fixture("broken.ics"), file: "broken.ics")
        #expect(inspection.problems.count == 11)
        // The zone is known to tzdata; the end written before the start is read the other way
        // round; the all-day DTEND equal to its DTSTART is read as one day.
        #expect(
            inspection.warnings.map(\.kind) == [
                .missingMetadata, .supersededCopy, .undefinedKnownZone, .swappedEnd, .alarm, .allDayEndEqual,
                .missingMetadata,
            ])
        // The events before the cut are read; the one with an impossible start is not.
        #expect(inspection.document.events.map(\.summary) == ["Lockdown drill", "After-action review"])
    }
}

extension ValidatorTests {
    @Test func readingToleratesAKnownZoneWithoutVTimezoneButNotAnUnknownOne() throws {
        func text(_ tzid: String) -> String {
            Self.calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=\(tzid):20270902T090000"])
                .joined(separator: "\r\n") + "\r\n"
        }
        let read = try CalendarReader.read(text("America/Chicago"))
        #expect(read.warnings.map(\.kind) == [.undefinedKnownZone])
        #expect(read.document.events.first?.start == .zoned(wall("2027-09-02T09:00:00"), tzid: "America/Chicago"))
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(text("Lakeside/Standard")) }
    }

    /// Globally unique TZIDs (a leading "/") as Evolution, old Lightning and others write them,
    /// without a VTIMEZONE: the Olson name they end in, at the instant that zone gives.
    @Test(arguments: [
        ("/freeassociation.sourceforge.net/Europe/Berlin", "2027-09-02T07:00:00"),
        ("/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "2027-09-02T07:00:00"),
        ("/mozilla.org/20070129_1/America/New_York", "2027-09-02T13:00:00"),
        ("/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires", "2027-09-02T12:00:00"),
        ("/Europe/Stockholm", "2027-09-02T07:00:00"),
    ])
    func aGloballyUniqueTZIDReadsAsTheZoneItEndsIn(tzid: String, utc: String) throws {
        let text =
            Self.calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=\(tzid):20270902T090000"])
            .joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        // The longest TZIDs make a line over 75 octets as well.
        #expect(read.warnings.map(\.kind).filter { $0 != .lineLength } == [.undefinedKnownZone])
        let starts = try RecurrenceExpander(
            from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"), zone: "UTC"
        ).expand(read.document).map(\.start)
        #expect(starts == [.zoned(wall(utc), tzid: "UTC")])
    }

    @Test func aGloballyUniqueTZIDEndingInNoZoneIsRefused() {
        let text =
            Self.calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=/lakeside.example/Bell:20270902T090000",
            ])
            .joined(separator: "\r\n") + "\r\n"
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(text) }
    }

    /// Windows names as Outlook and Exchange write them, without a VTIMEZONE (or with a misspelt
    /// one, as python recurring-ical-events' issue 107): the zone CLDR maps each to, daylight
    /// saving included, and the warning says which zone was read.
    @Test(
        arguments: [
            ("Pacific Standard Time", "America/Los_Angeles", "2027-09-02T16:00:00", "2027-12-02T17:00:00"),
            ("Eastern Standard Time", "America/New_York", "2027-09-02T13:00:00", "2027-12-02T14:00:00"),
            ("W. Europe Standard Time", "Europe/Berlin", "2027-09-02T07:00:00", "2027-12-02T08:00:00"),
            ("US Mountain Standard Time", "America/Phoenix", "2027-09-02T16:00:00", "2027-12-02T16:00:00"),
            // CLDR names some zones by tzdata's older names, which libical knows as well.
            ("US Eastern Standard Time", "America/Indianapolis", "2027-09-02T13:00:00", "2027-12-02T14:00:00"),
            ("India Standard Time", "Asia/Calcutta", "2027-09-02T03:30:00", "2027-12-02T03:30:00"),
            // tzdata's older names themselves, as older exporters wrote them: known zones, nothing to say.
            ("US/Eastern", nil, "2027-09-02T13:00:00", "2027-12-02T14:00:00"),
            ("US/Pacific", nil, "2027-09-02T16:00:00", "2027-12-02T17:00:00"),
        ] as [(String, String?, String, String)])
    func aWindowsZoneNameReadsAsTheZoneCLDRGivesIt(tzid: String, olson: String?, september: String, december: String)
        throws
    {
        let text =
            Self.calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=\(tzid):20270902T090000",
                "RRULE:FREQ=MONTHLY;COUNT=4",
            ])
            .joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.warnings.map(\.kind) == [.undefinedKnownZone])
        let message = read.warnings.first?.message ?? ""
        #expect(
            message.hasSuffix("has no VTIMEZONE in this file" + (olson.map { "; read as \($0)" } ?? "")), "\(message)")
        let starts = try RecurrenceExpander(
            from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"), zone: "UTC"
        ).expand(read.document).map(\.start)
        #expect(starts.first == .zoned(wall(september), tzid: "UTC"))
        #expect(starts.last == .zoned(wall(december), tzid: "UTC"))
    }

    /// A DTEND of the other kind is read in DTSTART's: a date-time ending an all-day event ends on
    /// its day (the day after, when it is past midnight); a date ending a timed event, at its
    /// midnight in the event's zone.
    @Test(arguments: [
        ("DTSTART;VALUE=DATE:20271011", "DTEND:20271013T000000Z", EventTime.date(day("2027-10-13"))),
        ("DTSTART;VALUE=DATE:20271011", "DTEND:20271012T150000Z", .date(day("2027-10-13"))),
        ("DTSTART;VALUE=DATE:20271011", "DTEND:20271009T000000Z", .date(day("2027-10-12"))),
        (
            "DTSTART;TZID=America/Chicago:20271020T130000", "DTEND;VALUE=DATE:20271021",
            .zoned(wall("2027-10-21T00:00:00"), tzid: "America/Chicago")
        ),
    ])
    func anEndOfTheOtherKindIsReadInTheStartsKind(start: String, end: String, read: EventTime) throws {
        let text =
            Self.calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", start, end]).joined(separator: "\r\n") + "\r\n"
        let calendar = try CalendarReader.read(text)
        #expect(calendar.warnings.map(\.kind).filter { $0 != .undefinedKnownZone } == [.mixedEndKind])
        #expect(calendar.document.events.first?.end == read)
    }

    /// A single event's end before its start is read the other way round; a series' is refused, as
    /// its DTSTART places every occurrence and names each RECURRENCE-ID.
    @Test func anEndBeforeTheStartIsSwappedOnlyOutsideASeries() throws {
        let single = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "DTEND:20270902T083000Z",
        ])
        let read = try CalendarReader.read(single.joined(separator: "\r\n") + "\r\n")
        #expect(read.warnings.map(\.kind) == [.swappedEnd])
        #expect(read.document.events.first?.start == .utc(wall("2027-09-02T08:30:00")))
        #expect(read.document.events.first?.end == .utc(wall("2027-09-02T09:00:00")))
        let series = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "DTEND:20270902T083000Z",
            "RRULE:FREQ=WEEKLY;COUNT=3",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(series.joined(separator: "\r\n") + "\r\n") }
    }

    /// An X- property whose declared VALUE libical cannot read is passed over: RFC 5545 lets readers
    /// ignore X- properties. The same fault in a property an event's time hangs on refuses the file.
    @Test func anXPropertysUnreadableValueIsPassedOverButADatesIsNot() throws {
        let xProperty = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "X-MAYBE;VALUE=BOOLEAN:MAYBE",
        ])
        let read = try CalendarReader.read(xProperty.joined(separator: "\r\n") + "\r\n")
        #expect(read.warnings.map(\.kind) == [.coercedValue])
        #expect(
            read.warnings.first?.message
                == "an X- property's \"MAYBE\" is not a BOOLEAN value; the property is not read")
        #expect(read.document.events.count == 1)
        let exdate = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "RRULE:FREQ=DAILY;COUNT=3",
            "EXDATE:soon",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(exdate.joined(separator: "\r\n") + "\r\n") }
    }

    /// A COUNT of 0 or less beside an UNTIL (an exporter's "no count") is read without it; a real
    /// COUNT beside an UNTIL ends the series at whichever comes first (as libical and python's
    /// dateutil read it); a COUNT of nothing alone is still refused.
    @Test func aRuleWithCountAndUntilEndsAtTheFirst() throws {
        func text(_ rule: String) -> String {
            Self.calendar(event: ["UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270906", rule])
                .joined(separator: "\r\n") + "\r\n"
        }
        for count in ["-1", "0"] {
            let read = try CalendarReader.read(text("RRULE:FREQ=WEEKLY;UNTIL=20271004;COUNT=\(count);BYDAY=MO"))
            #expect(read.warnings.map(\.kind) == [.countWithUntil])
            let starts = try RecurrenceExpander(
                from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"), zone: "UTC"
            ).expand(read.document).map(\.start)
            #expect(
                starts == ["2027-09-06", "2027-09-13", "2027-09-20", "2027-09-27", "2027-10-04"].map { .date(day($0)) })
        }
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(text("RRULE:FREQ=WEEKLY;COUNT=-1")) }
        for (rule, last) in [("UNTIL=20271004;COUNT=3", "2027-09-20"), ("UNTIL=20270920;COUNT=5", "2027-09-20")] {
            let read = try CalendarReader.read(text("RRULE:FREQ=WEEKLY;\(rule)"))
            #expect(read.warnings.map(\.kind) == [.countWithUntil])
            let starts = try RecurrenceExpander(
                from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"), zone: "UTC"
            ).expand(read.document).map(\.start)
            #expect(starts.count == 3 && starts.last == .date(day(last)), "\(rule): \(starts)")
        }
    }

    /// An UNTIL of another kind than DTSTART (python recurring-ical-events' issue 75 calendar: a
    /// date ending a series at noon UTC) breaks RFC 5545, and `validate` said the file was clean. It
    /// is reported at the RRULE; reading takes it as libical and the clients do: a date is through
    /// the end of that day, a local time is in the event's zone. An UNTIL of the right kind is no
    /// problem, and it still cuts at its instant.
    @Test(
        arguments: [
            ("DTSTART:20270906T120000Z", "UNTIL=20270920", 3, "through the end of 2027-09-20"),
            ("DTSTART;VALUE=DATE:20270906", "UNTIL=20270920T000000Z", 3, "through 2027-09-20"),
            ("DTSTART;TZID=America/Chicago:20270906T090000", "UNTIL=20270920T090000", 3, "read in America/Chicago"),
            ("DTSTART:20270906T090000", "UNTIL=20270920T085959Z", 2, "read as 2027-09-20T08:59:59 local time"),
            ("DTSTART;TZID=America/Chicago:20270906T090000", "UNTIL=20270920T140000Z", 3, nil),
            ("DTSTART;TZID=America/Chicago:20270906T090000", "UNTIL=20270920T135959Z", 2, nil),
            ("DTSTART;VALUE=DATE:20270906", "UNTIL=20270919", 2, nil),
        ] as [(String, String, Int, String?)])
    func anUntilOfAnotherKindIsReportedAndReadAsMeant(_ start: String, _ until: String, _ count: Int, _ says: String?)
        throws
    {
        let lines = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", start, "RRULE:FREQ=WEEKLY;\(until)", "SUMMARY:Drill",
        ])
        let found = Self.problems(lines).filter { $0.kind != .undefinedKnownZone }
        if let says {
            #expect(found.map(\.kind) == [.untilKind], "\(found)")
            #expect(found.map(\.line) == [8])
            #expect(found.first?.message.contains(says) == true, "\(found)")
        } else {
            #expect(found.isEmpty, "\(found)")
        }
        let read = try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n")
        let starts = try RecurrenceExpander(from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"))
            .expand(read.document)
        #expect(starts.count == count, "\(starts.map(\.start))")
    }

    /// RFC 5545 requires DTSTART only in a calendar without METHOD, and RFC 5546 sends REPLY,
    /// CANCEL, REFRESH and DECLINECOUNTER without one (ical4j's `incoming.ics`). Such an event is a
    /// warning and is not read; its UID names the event it answers, so a second answer is no copy.
    /// Without METHOD, or with PUBLISH (which RFC 5546 gives a DTSTART), it is still an error.
    @Test(arguments: [("METHOD:REPLY", false), ("METHOD:cancel", false), ("METHOD:PUBLISH", true), (nil, true)])
    func anAnswerWithoutStartIsNoError(_ method: String?, _ refused: Bool) throws {
        let answer = [
            "UID:a", "DTSTAMP:20270801T120000Z", "SEQUENCE:1", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@x.example",
        ]
        let lines =
            Self.calendar(
                header: ["VERSION:2.0", "PRODID:-//Test//Test//EN"] + (method.map { [$0] } ?? []), event: answer
            )
            .dropLast() + ["BEGIN:VEVENT"] + answer + ["END:VEVENT", "END:VCALENDAR"]
        let found = Self.problems(Array(lines))
        #expect(
            found.map(\.kind)
                == (refused
                    ? [.missingProperty, .missingProperty, .supersededCopy]
                    : [.messageWithoutStart, .messageWithoutStart]),
            "\(found)")
        #expect(found.allSatisfy { $0.kind.breaksRFC == refused })
        if refused {
            #expect(throws: CalendarReadError.self) {
                try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n")
            }
        } else {
            #expect(try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n").document.events.isEmpty)
        }
    }

    /// RFC 5545 has no PERIOD of dates: libical read `19970101/19970102` as one, which stretched
    /// the event's own occurrence to the next day while `validate` said clean (collective
    /// icalendar's issue 1633 calendar). It is refused at its line, as a PERIOD that ends before it
    /// starts is; a PERIOD of date-times is read.
    @Test(arguments: [
        ("RDATE;VALUE=PERIOD:19970101/19970102", "is given in dates"),
        ("RDATE;VALUE=PERIOD:19970103T090000Z/19970104", "is given in dates"),
        ("RDATE;VALUE=PERIOD:19970103/PT1H", "is given in dates"),
        ("RDATE;VALUE=PERIOD:19970103T090000Z/19970103T080000Z", "ends 1997-01-03T08:00:00Z before it starts"),
    ])
    func aPeriodInDatesIsRefused(_ rdate: String, _ says: String) throws {
        let lines = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:19970101T180000Z", rdate, "SUMMARY:Drill",
        ])
        let found = Self.problems(lines)
        #expect(found.map(\.line) == [8], "\(found)")
        #expect(found.first?.message.contains(says) == true, "\(found)")
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n") }
        let fine = Self.calendar(event: [
            "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:19970101T180000Z",
            "RDATE;VALUE=PERIOD:19970103T090000Z/19970103T100000Z", "SUMMARY:Drill",
        ])
        let read = try CalendarReader.read(fine.joined(separator: "\r\n") + "\r\n")
        #expect(read.problems.isEmpty, "\(read.problems)")
        let spans = try RecurrenceExpander(from: wall("1997-01-01T00:00:00"), before: wall("1997-02-01T00:00:00"))
            .expand(read.document).map { "\($0.start)/\($0.end)" }
        #expect(spans == ["1997-01-01T18:00:00Z/1997-01-01T18:00:00Z", "1997-01-03T09:00:00Z/1997-01-03T10:00:00Z"])
    }

    /// The file's own VTIMEZONE of a Windows name is its zone, whatever CLDR says the name means.
    @Test func aWindowsNameWithItsOwnVTimezoneKeepsTheFilesRules() throws {
        let text =
            (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
            + [
                "BEGIN:VTIMEZONE", "TZID:Pacific Standard Time", "BEGIN:STANDARD", "DTSTART:16010101T000000",
                "TZOFFSETFROM:-0300", "TZOFFSETTO:-0300", "END:STANDARD", "END:VTIMEZONE",
            ]
            + [
                "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z",
                "DTSTART;TZID=Pacific Standard Time:20270902T090000", "END:VEVENT", "END:VCALENDAR",
            ]).joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.warnings.isEmpty, "\(read.warnings)")
        let starts = try RecurrenceExpander(
            from: wall("2027-01-01T00:00:00"), before: wall("2028-01-01T00:00:00"), zone: "UTC"
        ).expand(read.document).map(\.start)
        #expect(starts == [.zoned(wall("2027-09-02T12:00:00"), tzid: "UTC")])
    }

    /// A name that is neither Olson's nor Windows' is still refused, and the error says both forms.
    @Test func aZoneNameNoTableKnowsIsRefusedNamingBothForms() throws {
        let text =
            Self.calendar(event: [
                "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=Lakeside Standard Time:20270902T090000",
            ])
            .joined(separator: "\r\n") + "\r\n"
        do {
            _ = try CalendarReader.read(text)
            Issue.record("an unknown zone was read")
        } catch {
            #expect("\(error)".contains("\"Lakeside Standard Time\" has no VTIMEZONE"))
            #expect("\(error)".contains("or a Windows name such as Pacific Standard Time"))
        }
    }

    /// CLDR's table as Debian ships it: every Windows name stands for a zone libical has (the fixed
    /// offsets too: `UTC-11` is Etc/GMT+11), and the names US schools' Exchange servers write stand
    /// for their zones.
    @Test func everyWindowsNameIsAZone() throws {
        let table = try WindowsZones.load(WindowsZones.path).olson
        #expect(table.count > 130)
        let unread = table.filter { CalendarZones.builtin($0.key) == nil }
        #expect(unread.isEmpty, "\(unread)")
        for (windows, olson) in [
            ("Hawaiian Standard Time", "Pacific/Honolulu"), ("Alaskan Standard Time", "America/Anchorage"),
            ("Pacific Standard Time", "America/Los_Angeles"), ("Mountain Standard Time", "America/Denver"),
            ("US Mountain Standard Time", "America/Phoenix"), ("Central Standard Time", "America/Chicago"),
            ("Eastern Standard Time", "America/New_York"), ("US Eastern Standard Time", "America/Indianapolis"),
            ("SA Western Standard Time", "America/La_Paz"), ("West Pacific Standard Time", "Pacific/Port_Moresby"),
        ] {
            #expect(CalendarZones.olsonName(windows) == olson, "\(windows)")
        }
        // Names libical knows need nothing worked out; names of nothing stay nothing.
        #expect(CalendarZones.olsonName("America/Chicago") == nil)
        #expect(CalendarZones.olsonName("Lakeside Standard Time") == nil)
    }
}

extension ValidatorTests {
    /// Google Calendar writes `LOCATION:` and `DESCRIPTION:` with nothing after them; RFC 5545 allows
    /// an empty TEXT value. The file is clean and its event is read; an empty DTSTART is a fault on its line.
    @Test func emptyTextValuesAreLegalAndAnEmptyDateIsNot() throws {
        let google = Self.calendar(
            header: ["PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0"],
            event: [
                "DTSTART;VALUE=DATE:20270906", "DTEND;VALUE=DATE:20270907", "DTSTAMP:20270101T000000Z",
                "UID:a@google.com", "SUMMARY:Labor Day", "LOCATION:", "DESCRIPTION:", "CATEGORIES:",
            ])
        let text = google.joined(separator: "\r\n") + "\r\n"
        let read = CalendarReader.inspect(Array(text.utf8), file: "google.ics")
        #expect(read.problems.isEmpty, "\(read.problems)")
        #expect(read.document.events.map(\.summary) == ["Labor Day"])
        let empty = Self.problems(
            Self.calendar(event: ["UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:", "SUMMARY:"]))
        #expect(empty.contains { $0.line == 7 && $0.message == "DTSTART has no value" }, "\(empty)")
        // Empty X- values (Confluence's X-WR-CALDESC:, Google's X-GOOGLE-CALENDAR-CONTENT-TITLE:) are
        // as legal as empty TEXT; libical names them all "X" when it drops them, which read as a fault.
        let xEmpty = Self.problems(
            Self.calendar(
                header: ["VERSION:2.0", "PRODID:-//Atlassian Confluence//Calendar Plugin 1.0//EN", "X-WR-CALDESC:"],
                event: [
                    "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:Drill",
                    "X-GOOGLE-CALENDAR-CONTENT-TITLE:",
                ]))
        #expect(xEmpty.isEmpty, "\(xEmpty)")
        // Thunderbird's `CLASS:`: an error to validate, read past for use; an empty DTSTART is not.
        let classEmpty = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:Drill", "CLASS:",
        ])
        #expect(Self.problems(classEmpty).map(\.kind) == [.coercedValue])
        #expect(try CalendarReader.read(classEmpty.joined(separator: "\r\n")).document.events.count == 1)
        #expect(throws: CalendarReadError.self) {
            try CalendarReader.read(
                Self.calendar(event: ["UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:", "SUMMARY:Drill"])
                    .joined(separator: "\r\n"))
        }
        #expect(!empty.contains { $0.message.contains("SUMMARY") || $0.message.contains("Removing entire property") })
    }
}

extension ValidatorTests {
    /// Real clients' quirks that reading sets right and reports once: a byte-order mark (Windows
    /// tools), lines ending in CR alone (old Mac exports), an RRULE with a trailing or doubled ";"
    /// (Google). The events are read as meant.
    @Test func readingSetsRightABOMCRLineEndsAndEmptyRRULEParts() throws {
        let lines = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270906T090000", "RRULE:FREQ=WEEKLY;;COUNT=3;",
            "SUMMARY:Drill",
        ])
        let text = lines.joined(separator: "\r") + "\r"
        let read = try CalendarReader.read([0xEF, 0xBB, 0xBF] + Array(text.utf8), file: "quirks.ics")
        #expect(read.problems.map(\.kind) == [.loneCR, .byteOrderMark, .emptyRulePart], "\(read.problems)")
        #expect(read.problems.map(\.line) == [1, 1, 8])
        let event = try #require(read.document.events.first)
        #expect(event.summary == "Drill" && event.recurrence?.count == 3)
    }
}

extension ValidatorTests {
    @Test func aFileThatIsNotACalendarSaysSoOnce() {
        let problems = CalendarReader.inspect(Array("name,date\nfoo,2027-01-01\n".utf8), file: "log.csv").problems
        #expect(
            problems.map(\.description) == [
                "log.csv:1: not an iCalendar file: it has no BEGIN:VCALENDAR (it starts with \"name,date\")"
            ])
    }

    /// IANA-registered properties of RFC 7986 and RFC 9253 are not errors.
    @Test func registeredNewerPropertiesAreNotFaults() {
        let problems = Self.problems(
            Self.calendar(
                header: [
                    "VERSION:2.0", "PRODID:-//Test//Test//EN", "NAME:School year", "COLOR:red",
                    "REFRESH-INTERVAL;VALUE=DURATION:PT12H", "SOURCE;VALUE=URI:https://x.example/c.ics",
                ],
                event: [
                    "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:Drill",
                    "RELATED-TO;VALUE=UID:b@test", "CONFERENCE;VALUE=URI:https://meet.example/x",
                    "IMAGE;VALUE=URI:https://x.example/i.png",
                ]))
        #expect(problems.isEmpty, "\(problems)")
    }
}

extension ValidatorTests {
    /// A duration past what libical's 32-bit fields hold trapped the reader; now it is a fault on its line.
    @Test(arguments: ["PT1193047H", "P9999999999W", "P100000D"])
    func anOverlongDurationIsAFaultNotACrash(duration: String) {
        let problems = Self.problems(
            Self.calendar(event: [
                "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "DURATION:\(duration)",
                "SUMMARY:Drill",
            ]))
        #expect(problems.contains { $0.line == 8 && $0.message.hasSuffix("is longer than ten years") }, "\(problems)")
    }

    /// An end no file can write (year 10000) was read and printed as `10000-01-30`; a duration that
    /// ends on the last day still reads.
    @Test func aDurationEndingPastTheYear9999IsAFault() {
        func problems(_ start: String) -> [CalendarProblem] {
            Self.problems(
                Self.calendar(event: [
                    "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:\(start)", "DURATION:P30D", "SUMMARY:Drill",
                ]))
        }
        #expect(
            problems("99991231T100000Z").map(\.description) == [
                "test.ics:8: DTSTART 9999-12-31T10:00:00Z plus its DURATION ends after 9999-12-31, the last day "
                    + "iCalendar can write"
            ])
        #expect(problems("99991201T000000Z").isEmpty)
    }
}

extension ValidatorTests {
    /// 50,000 nested components overflowed the stack; past 32 levels the file is refused on the line.
    @Test func deeplyNestedComponentsAreRefusedNotACrash() {
        let depth = 50_000
        let lines =
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x"] + Array(repeating: "BEGIN:X-NEST", count: depth)
            + Array(repeating: "END:X-NEST", count: depth) + ["END:VCALENDAR"]
        let problems = Self.problems(lines)
        #expect(
            problems.map(\.description) == [
                "test.ics:35: components nest more than 32 deep here; the file is not read further"
            ])
    }
}

extension ValidatorTests {
    @Test func warningsAreOnePerKindWithACount() {
        let long = String(repeating: "A", count: 100)
        let problems = Self.problems(
            Self.calendar(event: [
                "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:\(long)",
                "DESCRIPTION:\(long)", "LOCATION:\(long)",
            ]))
        #expect(problems.count == 3)
        #expect(
            CalendarProblem.summarized(problems) == [
                "test.ics:8: line is 108 octets long; RFC 5545 folds lines at 75 octets (and 2 more like it)"
            ])
    }
}

extension ValidatorTests {
    /// Outlook writes a one-day all-day event with DTEND equal to DTSTART: read as that one day.
    @Test func anAllDayEndEqualToItsStartIsReadAsOneDay() throws {
        let lines = Self.calendar(event: [
            "UID:snow@outlook", "DTSTAMP:20280101T000000Z", "DTSTART;VALUE=DATE:20280126", "DTEND;VALUE=DATE:20280126",
            "SUMMARY:No School - Snow Day",
        ])
        let read = try CalendarReader.read(Array((lines.joined(separator: "\r\n") + "\r\n").utf8), file: "outlook.ics")
        #expect(read.problems.map(\.kind) == [.allDayEndEqual])
        let event = try #require(read.document.events.first)
        #expect(event.end == .date(CalendarDate(year: 2028, month: 1, day: 27)))
    }
}

extension ValidatorTests {
    /// Each fault libical 3.0.16's parser notes in an X-LIC-ERROR (every message `icalparser.c`
    /// writes), met in a file: what the user reads is Drillbook's own wording, on the fault's line,
    /// never libical's ("Invalid VALUE type for property RDATE: VALUE=TIME" reached users as it was).
    /// A component name libical opens without a word (`BEGIN:`) is a fault of the file too.
    @Test(arguments: [
        (["RDATE;VALUE=TIME:083000"], "RDATE does not take VALUE=TIME"),
        (["DTEND;VALUE=BOOLEAN:TRUE"], "DTEND does not take VALUE=BOOLEAN"),
        (["DTEND:notadate"], "DTEND \"notadate\" is not a DATE-TIME value"),
        (["DTEND:"], "DTEND has no value"),
        (["SUMMARY;=x:Drill"], "parameter \"=x\""),
        (["X@Y:1"], "X@Y"),
        (["BEGIN:V@X", "END:V@X"], "BEGIN:V@X is not a component name"),
        (["BEGIN:", "END:"], "BEGIN: is not a component name"),
    ])
    func libicalsOwnWordsNeverReachTheUser(lines: [String], says: String) {
        let problems = Self.problems(
            Self.calendar(event: ["UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z"] + lines))
        let words = [
            "Invalid VALUE", "Can't parse", "Cant parse", "Parse error", "Got a ", "Removing entire", "No value for",
        ]
        #expect(!problems.isEmpty, "\(lines) is a fault")
        for problem in problems {
            #expect(!words.contains { problem.message.contains($0) }, "\(problem.message)")
        }
        #expect(problems.contains { $0.line == 8 && $0.message.contains(says) }, "\(problems.map(\.message))")
    }
}

extension ValidatorTests {
    /// A line that is no property right after a line of fold length is a fold whose leading space
    /// was lost (Confluence's export, scripts that trim lines): read as the continuation, so the
    /// text comes back whole, with one warning. After a short line nothing says it was a fold: in a
    /// text it is a line break left raw (`rawLineBreaksInATextAreItsLines`), after any other
    /// property the file is still refused there.
    @Test func aFoldThatLostItsSpaceIsReadAsOneOnlyAfterALineOfFoldLength() throws {
        let text = "Walk the reunification route with the district's transportation lead, Daniel Latham, then debrief"
        let cut = 73 - "DESCRIPTION:".count
        let lost = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "SUMMARY:Drill",
            "DESCRIPTION:" + text.prefix(cut), String(text.dropFirst(cut)),
        ])
        let read = try CalendarReader.read(Array((lost.joined(separator: "\r\n") + "\r\n").utf8), file: "lost.ics")
        #expect(read.problems.map(\.kind) == [.lostFold])
        #expect(read.problems.first?.line == 10)
        #expect(read.document.events.first?.description == text)
        let inspected = CalendarReader.inspect(Array((lost.joined(separator: "\r\n") + "\r\n").utf8), file: "lost.ics")
        #expect(
            inspected.problems.filter(\.kind.breaksRFC).map(\.kind) == [.lostFold], "validate still calls it a fault")

        // A property folded before its colon (a long ATTENDEE) is no lost fold, after any line.
        let attendee = "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=ia"
        let folded = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "SUMMARY:Drill",
            "DESCRIPTION:" + text.prefix(cut), " " + text.dropFirst(cut), attendee,
            " m.revelation@gmail.com;X-NUM-GUESTS=0:mailto:iam.revelation@gmail.com",
        ])
        #expect(
            try CalendarReader.read(Array((folded.joined(separator: "\r\n") + "\r\n").utf8), file: "folded.ics")
                .problems.isEmpty)

        let short = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "SUMMARY:Drill",
            "URL:https://lakeside.example/reunification-route", "then debrief",
        ])
        let bytes = Array((short.joined(separator: "\r\n") + "\r\n").utf8)
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(bytes, file: "short.ics") }
        #expect(
            CalendarReader.inspect(bytes, file: "short.ics").errors.map(\.message) == [
                "\"then debrief\" is not a property (expected NAME:value, or a fold starting with a space)"
            ])
    }
}

extension ValidatorTests {
    /// A fault in a component no reading uses (a to-do's reminder with an absolute TRIGGER written
    /// without VALUE=DATE-TIME, as allenporter/ical's and node-ical's fixtures have it; a journal's
    /// date that is none) leaves the events as they are: read for use with warnings, still a fault
    /// to `validate`. The same fault in an event, or in an event nested in such a component, is
    /// still refused.
    @Test func aFaultInAComponentNotReadLeavesTheEvents() throws {
        let todo = [
            "BEGIN:VTODO", "UID:t", "DTSTAMP:20270801T120000Z", "DUE:notadate", "BEGIN:VALARM", "ACTION:AUDIO",
            "TRIGGER:19980403T120000Z", "END:VALARM", "END:VTODO", "BEGIN:VJOURNAL", "UID:j",
            "DTSTAMP:20270801T120000Z", "DTSTART:someday", "END:VJOURNAL",
        ]
        let lines = Self.calendar(after: todo)
        let text = lines.joined(separator: "\r\n") + "\r\n"
        let read = try CalendarReader.read(text)
        #expect(read.document.events.map(\.summary) == ["Drill"])
        #expect(
            read.warnings.count == 3 && read.warnings.allSatisfy { $0.kind == .unusedComponent }, "\(read.warnings)")
        #expect(read.warnings.map(\.line) == [13, 16, 22])
        #expect(read.warnings.first?.message.hasSuffix("(in VTODO of line 10, which is not read)") == true)
        #expect(Self.problems(lines).filter(\.kind.breaksRFC).count == 3, "validate still calls each a fault")

        let inEvent = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270931", "SUMMARY:Drill",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(inEvent.joined(separator: "\r\n") + "\r\n") }
        let nested = Self.calendar(after: [
            "BEGIN:VTODO", "UID:t", "DTSTAMP:20270801T120000Z", "BEGIN:VEVENT", "UID:n", "DTSTAMP:20270801T120000Z",
            "DTSTART:20270931", "END:VEVENT", "END:VTODO",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(nested.joined(separator: "\r\n") + "\r\n") }
    }
}

extension ValidatorTests {
    /// A day that does not exist is a fault wherever a date stands: a to-do's DTSTART and DUE, a
    /// journal's date, a free/busy period's end, an event's reminder at an absolute time and an
    /// RDATE period's end (each was read without a word, as libical keeps February 30th). Where no
    /// reading uses it, the events are still read, with a warning; a reminder is left out; an
    /// event's RDATE refuses the file, as its DTSTART would.
    @Test func aDayThatDoesNotExistIsAFaultInEveryComponent() throws {
        let others = [
            "BEGIN:VTODO", "UID:t", "DTSTAMP:20270801T120000Z", "DTSTART:20270230T090000", "DUE;VALUE=DATE:20271301",
            "COMPLETED:20270931T100000Z", "END:VTODO", "BEGIN:VJOURNAL", "UID:j", "DTSTAMP:20270801T120000Z",
            "DTSTART;VALUE=DATE:20270229", "END:VJOURNAL", "BEGIN:VFREEBUSY", "UID:f", "DTSTAMP:20270801T120000Z",
            "FREEBUSY:20270902T090000Z/20270931T100000Z", "END:VFREEBUSY",
        ]
        let lines = Self.calendar(
            event: [
                "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000", "SUMMARY:Drill", "BEGIN:VALARM",
                "ACTION:DISPLAY", "DESCRIPTION:Drill", "TRIGGER;VALUE=DATE-TIME:20270431T080000Z", "END:VALARM",
            ], after: others)
        let faults = Self.problems(lines).filter(\.kind.breaksRFC)
        #expect(
            faults.map(\.line) == [12, 18, 19, 20, 25, 30],
            "\(faults.map { "\($0.line): \($0.message)" })")
        #expect(faults.first?.message == "TRIGGER 2027-04-31 does not exist (April 2027 has 30 days)")
        #expect(faults.map(\.message).contains { $0.hasPrefix("DUE 2027-13-01") && $0.contains("not a valid date") })
        #expect(
            faults.map(\.message).contains(
                "DTSTART 2027-02-29 does not exist (February 2027 has 28 days) (in VJOURNAL of line 22, which is not read)"
            ))

        let read = try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n")
        #expect(read.document.events.map(\.summary) == ["Drill"])
        #expect(read.document.events.first?.alarms.isEmpty == true, "the reminder on April 31st is left out")

        let period = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z",
            "RDATE;VALUE=PERIOD:20270903T090000Z/20270931T100000Z", "SUMMARY:Drill",
        ])
        #expect(
            Self.problems(period).map(\.message) == [
                "RDATE period end 2027-09-31 does not exist (September 2027 has 30 days)"
            ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(period.joined(separator: "\r\n") + "\r\n") }
    }
}

extension ValidatorTests {
    /// A property RFC 5545 allows once, given again the same (parameters and value): read once with
    /// a warning, still a fault to `validate`. Given again with anything different, it is refused as
    /// before: which of the two was meant is not known.
    @Test func aPropertyGivenTwiceTheSameIsReadOnce() throws {
        let same = Self.calendar(event: [
            "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=America/Chicago:20270902T090000",
            "SUMMARY:Drill", "DTSTART;TZID=America/Chicago:20270902T090000", "UID:a@test",
        ])
        let read = try CalendarReader.read(same.joined(separator: "\r\n") + "\r\n")
        #expect(read.document.events.count == 1)
        #expect(read.document.events.first?.uid == "a@test")
        #expect(
            read.warnings.filter { $0.kind == .repeatedProperty }.map(\.message) == [
                "DTSTART is given twice in one VEVENT, the same both times (first at line 7); read once",
                "UID is given twice in one VEVENT, the same both times (first at line 5); read once",
            ])
        let faults = Self.problems(same).filter { $0.kind.breaksRFC }
        #expect(faults.filter { $0.kind == .repeatedProperty }.count == 2, "validate still calls each a fault")

        for (first, second) in [
            ("DTSTART:20270902T090000", "DTSTART:20270902T100000"),
            ("DTSTART;TZID=America/Chicago:20270902T090000", "DTSTART;TZID=America/Denver:20270902T090000"),
            ("SUMMARY:Drill", "SUMMARY:Fire drill"),
        ] {
            let differing = Self.calendar(event: ["UID:a@test", "DTSTAMP:20270801T120000Z", first, second])
            #expect(throws: CalendarReadError.self, "\(second)") {
                try CalendarReader.read(differing.joined(separator: "\r\n") + "\r\n")
            }
        }
    }
}

extension ValidatorTests {
    /// A value libical cannot read in a property no event's day, time or identity hangs on (GEO,
    /// CREATED, DTSTAMP...) leaves the property out where the file is read for use,
    /// with a warning; `validate` still calls it an error. The same in a property that places the
    /// event (DTEND, EXDATE, DURATION) still refuses the file.
    @Test func anUnreadableValueNoEventHangsOnIsReadPast() throws {
        for line in ["GEO:41.87811\\;-87.62980", "CREATED:notadate", "DTSTAMP:202103206T200210Z"] {
            let lines = Self.calendar(event: [
                "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "SUMMARY:Drill", line,
            ])
            let problems = Self.problems(lines).filter(\.kind.breaksRFC)
            let read = try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n")
            #expect(read.document.events.map(\.summary) == ["Drill"], "\(line)")
            #expect(read.warnings.map(\.kind) == [.coercedValue], "\(line): \(read.warnings)")
            #expect(problems.count == 1 && problems[0].line == 9, "\(line): validate still calls it an error")
        }
        for line in ["DTEND:2027090T100000Z", "EXDATE:notadate", "DURATION:PT1X"] {
            let lines = Self.calendar(event: [
                "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:20270902T090000Z", "SUMMARY:Drill", line,
            ])
            #expect(throws: CalendarReadError.self, "\(line)") {
                try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n")
            }
        }
    }
}

extension ValidatorTests {
    /// A VTIMEZONE observance whose onset does not exist (`DTSTART:19700230T020000`) is a fault to
    /// `validate`; a file read for use keeps the zone as libical reads it, with a warning (it was
    /// read so without a word, and refusing a feed for a 1970 onset loses every event in it).
    @Test func anObservanceOnsetThatDoesNotExistIsAFaultNotARefusal() throws {
        let zone = [
            "BEGIN:VTIMEZONE", "TZID:Custom", "BEGIN:STANDARD", "DTSTART:19700230T020000", "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0600", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD", "BEGIN:DAYLIGHT",
            "DTSTART:19700308T020000", "TZOFFSETFROM:-0600", "TZOFFSETTO:-0500",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
            "END:DAYLIGHT", "END:VTIMEZONE",
        ]
        let lines =
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN"] + zone + [
                "BEGIN:VEVENT", "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=Custom:20270902T090000",
                "SUMMARY:Drill", "END:VEVENT", "END:VCALENDAR",
            ]
        #expect(
            Self.problems(lines).filter(\.kind.breaksRFC).map(\.message) == [
                "DTSTART 1970-02-30 does not exist (February 1970 has 28 days)"
            ])
        let read = try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n")
        #expect(read.warnings.map(\.line) == [7])
        #expect(read.document.events.first?.start == .zoned(wall("2027-09-02T09:00:00"), tzid: "Custom"))
    }
}

extension ValidatorTests {
    /// libical tells a DATE-TIME's form by its length: fifteen characters ending in Z were read as
    /// another local time, the Z dropped (`2027013T000000Z` as January 3, ical4j's `boeing.ics`
    /// has a DTSTAMP so). Such a time that places an event refuses the file; ISO 8601's extended
    /// form, which libical reads right, is a warning where the file is used and an error to
    /// `validate`.
    @Test func aDateTimeLibicalWouldMisreadByItsLengthIsAnError() throws {
        func lines(_ start: String, exdate: String = "EXDATE:20270908T090000Z") -> [String] {
            Self.calendar(event: [
                "UID:a@test", "DTSTAMP:20270801T120000Z", "DTSTART:\(start)", "RRULE:FREQ=WEEKLY;COUNT=3", exdate,
                "SUMMARY:Drill",
            ])
        }
        for start in ["2027013T000000Z", "20270901T09000Z"] {
            #expect(throws: CalendarReadError.self, "\(start)") {
                try CalendarReader.read(lines(start).joined(separator: "\r\n") + "\r\n")
            }
            #expect(Self.problems(lines(start)).map(\.line) == [7], "\(start)")
        }
        #expect(throws: CalendarReadError.self) {
            try CalendarReader.read(
                lines("20270901T090000Z", exdate: "EXDATE:20270908T090000Z,2027915T090000Z").joined(separator: "\r\n")
                    + "\r\n")
        }
        let extended = lines("2027-09-01T09:00:00Z")
        let read = try CalendarReader.read(extended.joined(separator: "\r\n") + "\r\n")
        #expect(read.warnings.map(\.kind) == [.coercedValue])
        #expect(read.document.events.first?.start == .utc(wall("2027-09-01T09:00:00")))
        #expect(Self.problems(extended).filter(\.kind.breaksRFC).count == 1)
        #expect(Self.problems(lines("20270901T090000Z")).isEmpty)
    }
}
