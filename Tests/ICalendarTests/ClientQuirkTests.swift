import Dates
import Foundation
import Testing

@testable import ICalendar

/// One fixture per real client's quirk (Fixtures/quirks, named by the client that writes it): each is
/// read for use, says what it set right once per kind, and expands as python's
/// `recurring-ical-events` expands the same file.
@Suite struct ClientQuirkTests {
    /// What reading each fixture must report, by kind; nothing else may be reported.
    static let expected: [String: [CalendarProblem.Kind]] = [
        "apple-thisandfuture.ics": [.undefinedKnownZone],
        "calendarlabs-holidays.ics": [.lineLength],
        // An edit's history kept in the file (python recurring-ical-events' issues 148, 163, 164).
        "caldav-edit-history.ics": [.supersededCopy, .supersededCopy],
        "concatenated-feeds.ics": [.outsideCalendar, .secondCalendar, .outsideCalendar],
        // Confluence Team Calendars: its own properties (eight an event), and ORGANIZER folded at 73
        // octets with the continuation's leading space lost (python recurring-ical-events' issue 61).
        "confluence-lost-fold.ics": Array(repeating: .unknownProperty, count: 8) + [.lostFold]
            + Array(repeating: .unknownProperty, count: 8),
        "excel-bom.ics": [.byteOrderMark],
        // A feed cached by a script that notes the time after END:VCALENDAR (python icalendar's
        // issue 350).
        "feed-cache-trailing-comment.ics": [.outsideCalendar],
        "exchange-cdo-spaced-byday.ics": [.spacedRulePart],
        // A meeting request whose body went into DESCRIPTION with its line breaks raw (ics-parser's
        // issue 343).
        "exchange-invitation-raw-line-breaks.ics": [.rawLineBreak],
        // Exchange's published feeds name zones the Windows way and may leave the VTIMEZONEs out.
        "exchange-windows-zone-names.ics": [.undefinedKnownZone, .undefinedKnownZone],
        // Exchange's name for a zone of its user's making, its VTIMEZONE left out (once per name).
        "exchange-customized-time-zone.ics": [.placeholderZone],
        // Exchange 2010's zone of no name: `TZID:` in its VTIMEZONE (offsets +0000), `TZID=` on times.
        "exchange-2010-blank-tzid.ics": [.placeholderZone, .placeholderZone],
        // Proton Calendar's quoted VALUE on SUMMARY; an x-name VALUE (RFC 5545 allows one) is no fault.
        "proton-value-on-summary.ics": [.coercedValue],
        "google-birthday-date-with-z.ics": [.dateWithZ, .dateWithZ],
        // Google's early exports: dates without VALUE=DATE, an override's RECURRENCE-ID at a UTC midnight.
        "google-early-all-day.ics": [
            .dateWithoutValueType, .undefinedKnownZone, .dateWithoutValueType, .dateWithoutValueType,
            .dateWithoutValueType, .allDayRecurrenceID,
        ],
        "google-x-wr-timezone.ics": [.wrTimeZone, .emptyRulePart, .emptyRulePart],
        // libical's samples of RFC 2446's iTIP messages (`incoming.ics`) give an event's UID twice.
        "libical-itip-repeated-uid.ics": [.repeatedProperty],
        "mac-cr-line-ends.ics": [.loneCR],
        // The VALARM of ical.js's `samples/forced_types.ics` (Mozilla's calendar code): no TRIGGER.
        "mozilla-alarm-without-trigger.ics": [.alarm],
        "nested-vevent.ics": [.nestedEvent],
        "outlook-all-day.ics": [.allDayEndEqual, .allDayRecurrenceID],
        // Outlook 2003's "Save as iCalendar" wrote the system code page.
        "outlook-windows-1252.ics": [.windows1252],
        // RFC 2445 let events leave out UID and DTSTAMP; older exporters did (three events, two each).
        "rfc2445-no-uid-dtstamp.ics": Array(repeating: .missingMetadata, count: 6),
        "rfc2445-several-rrules.ics": [.undefinedKnownZone, .severalRules],
        "sabredav-rdate-period.ics": [],
        // A school website's event export: an end typed before the start, a holiday ending at a
        // UTC midnight (python recurring-ical-events' issue 201), a timed event ending on a date.
        "school-site-export-ends.ics": [.undefinedKnownZone, .swappedEnd, .mixedEndKind, .mixedEndKind],
        // Sixt's reservations give ORGANIZER parameters and no value (python icalendar's issue 348),
        // in its VFREEBUSY and its VEVENT; an X- name with `=` for its colon (python icalendar's
        // issue 168, Apple's X-APPLE-RADIUS taken apart).
        "sixt-valueless-organizer.ics": [.valuelessProperty, .valuelessProperty, .valuelessProperty],
        // SOGo 3.2 escapes GEO's semicolon as in a text (ical4j's `samples/invalid`).
        "sogo-geo-escaped-semicolon.ics": [.coercedValue],
        "thunderbird-moved-occurrence.ics": [.undefinedKnownZone, .zeroDurationBesideEnd],
    ]

    static var fixtures: [String] {
        let folder = packageRoot.appendingPathComponent("Tests/ICalendarTests/Fixtures/quirks")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasSuffix(".ics")
        }
        .sorted()
    }

    @Test func everyFixtureHasItsExpectations() {
        #expect(Set(Self.fixtures) == Set(Self.expected.keys))
    }

    @Test(arguments: ClientQuirkTests.fixtures)
    func readsWithOneWarningPerQuirk(_ name: String) throws {
        let read = try CalendarReader.read(try fixture("quirks/\(name)"), file: name)
        #expect(read.problems.map(\.kind) == Self.expected[name], "\(read.problems)")
        #expect(read.problems.allSatisfy { $0.line > 0 })
        #expect(!read.document.events.isEmpty)
    }

    /// Fixtures python's readers refuse or garble, with what they mean: Google's `RDATE:20131210Z`
    /// raises BrokenCalendarProperty in `icalendar` (ical.js, Mozilla's reader, takes it as the date,
    /// as Drillbook does); Windows-1252 text comes out as U+FFFD there.
    static let pythonMisreads: [String: [String]] = [
        // python's icalendar refuses the whole file (dateutil: "mandatory TZID not found").
        "exchange-2010-blank-tzid.ics": [
            "2027-09-15T15:00:00\t2027-09-15T16:00:00\tStaff training: lockdown procedure",
            "2027-10-08\t2027-10-09\tNo school - teacher work day",
        ],
        // dateutil refuses the spaced BYDAY ("UNTIL parameter has a bad format").
        "exchange-cdo-spaced-byday.ics": (6...10).map {
            "2027-09-\($0 < 10 ? "0" : "")\($0)T14:00:00Z\t2027-09-\($0 < 10 ? "0" : "")\($0)T14:30:00Z\tSafety team daily check-in"
        },
        // python's recurring-ical-events stops at the repeated UID (a list where it wants a key).
        "libical-itip-repeated-uid.ics": [
            "2027-09-15T15:00:00Z\t2027-09-15T16:00:00Z\tThreat assessment team meeting"
        ],
        "outlook-windows-1252.ics": [
            "2027-09-16\t2027-09-17\tDía de la Independencia (Mexico) – family night at Lincoln Caféteria",
            "2027-10-08\t2027-10-09\tTeacher’s In-Service Day – No School",
        ],
        // python reads the holiday as a timed event from a UTC midnight; its DTSTART says all-day.
        "school-site-export-ends.ics": [
            "2027-09-23T23:00:00Z\t2027-09-24T00:00:00Z\tParent safety night",
            "2027-10-11\t2027-10-13\tFall break - no school",
            "2027-10-20T18:00:00Z\t2027-10-21T05:00:00Z\tStaff training (afternoon)",
        ],
        "google-birthday-date-with-z.ics": [
            "2027-12-10\t2027-12-11\tPrincipal Lee's birthday", "2028-12-10\t2028-12-11\tPrincipal Lee's birthday",
        ],
        // python reads each date as a midnight in the zone (05:00Z), not as the day it names. Drillbook
        // once moved the override's UTC midnight into X-WR-TIMEZONE, the evening before, and kept it
        // beside the day it replaces.
        "google-early-all-day.ics": [
            "2027-10-11\t2027-10-12\tFall holiday", "2028-10-09\t2028-10-10\tFall holiday (staff day)",
        ],
    ]

    /// The same occurrences, starts, ends and summaries as python's reader. The one difference is
    /// Outlook's all-day DTEND equal to DTSTART, which python keeps as a day of no length and
    /// Drillbook reads as the one day it means.
    @Test(arguments: ClientQuirkTests.fixtures)
    func expandsAsRecurringIcalEventsDoes(_ name: String) throws {
        let bytes = try fixture("quirks/\(name)")
        let read = try CalendarReader.read(bytes, file: name)
        let ours = try RecurrenceExpander(
            from: wall("2027-01-01T00:00:00"), before: wall("2029-01-01T00:00:00"), zone: "UTC"
        ).expand(read.document).map { occurrence in
            [occurrence.start, occurrence.end].map { time in
                switch time {
                case .zoned(let wall, _): wall.description + "Z"
                default: time.description
                }
            }.joined(separator: "\t") + "\t" + occurrence.summary
        }.sorted()
        if let meant = Self.pythonMisreads[name] { return #expect(ours == meant) }
        let theirs = try runChecker(
            "expand_rows.py", arguments: ["2027-01-01", "2029-01-01"], input: String(decoding: bytes, as: UTF8.self)
        ).split(separator: "\n").map { row in
            let cells = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == 3, cells[0] == cells[1], let date = CalendarDate(cells[0]) else { return String(row) }
            return [cells[0], date.adding(days: 1).description, cells[2]].joined(separator: "\t")
        }.sorted()
        #expect(ours == theirs)
        #expect(!ours.isEmpty)
    }
}

/// Files that no reader can take whole: refused with the line, or read with a warning, never cut
/// short without a word.
@Suite struct CalendarLimitTests {
    static func calendar(_ body: [String]) -> [UInt8] {
        Array(
            ((["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"] + body + ["END:VCALENDAR"])
                .joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// libical 3.0.16 searches a VTIMEZONE rule that never matches without end; it is refused at
    /// its line, and no event in that zone is expanded.
    @Test(arguments: ["FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"])
    func aZoneRuleThatNeverMatchesIsRefused(_ rule: String) throws {
        let bytes = Self.calendar([
            "BEGIN:VTIMEZONE", "TZID:Never", "BEGIN:STANDARD", "DTSTART:19700101T000000", "RRULE:\(rule)",
            "TZOFFSETFROM:-0500", "TZOFFSETTO:-0600", "END:STANDARD", "END:VTIMEZONE", "BEGIN:VEVENT", "UID:a",
            "DTSTAMP:20270801T120000Z", "DTSTART;TZID=Never:20271001T090000", "DTEND;TZID=Never:20271001T100000",
            "SUMMARY:x", "END:VEVENT",
        ])
        let inspection = CalendarReader.inspect(bytes, file: "never.ics")
        #expect(inspection.errors.map(\.line) == [8], "\(inspection.problems)")
        #expect(inspection.errors.first?.message.contains("VTIMEZONE \"Never\"") == true)
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(bytes, file: "never.ics") }
    }

    /// libical 3.0.16 keeps a zone rule's INTERVAL in a `short` and its COUNT in an `int`: a
    /// DAYLIGHT rule every 65,537 years became one every year (65537 wraps to 1), so an event in
    /// that zone moved by an hour and `validate` called the file clean. Such a rule is refused at
    /// its line, like one that never matches.
    @Test(arguments: [
        "FREQ=YEARLY;INTERVAL=65537;BYMONTH=3;BYDAY=2SU", "FREQ=YEARLY;COUNT=4294967297;BYMONTH=3;BYDAY=2SU",
    ])
    func aZoneRuleLibicalWouldWrapIsRefused(_ rule: String) throws {
        let bytes = Self.calendar([
            "BEGIN:VTIMEZONE", "TZID:Wrapped", "BEGIN:STANDARD", "DTSTART:19701101T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
            "BEGIN:DAYLIGHT", "DTSTART:19700308T020000", "RRULE:\(rule)", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400",
            "END:DAYLIGHT", "END:VTIMEZONE", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z",
            "DTSTART;TZID=Wrapped:20270601T090000", "DTEND;TZID=Wrapped:20270601T100000", "SUMMARY:x", "END:VEVENT",
        ])
        let inspection = CalendarReader.inspect(bytes, file: "wrapped.ics")
        #expect(inspection.errors.map(\.line) == [14], "\(inspection.problems)")
        #expect(inspection.errors.first?.message.contains("VTIMEZONE \"Wrapped\"") == true)
        #expect(inspection.errors.first?.message.contains("INTERVAL above 32767") == true)
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(bytes, file: "wrapped.ics") }
    }

    /// libical drops a text property whose VALUE it does not take, and its errors for two such lines
    /// came back paired with each other's lines. The text is read as it stands, each complaint at
    /// its own line; a VALUE naming an x-name or iana-token type is RFC 5545's and no complaint.
    /// A property after the calendar's END is left unread with a warning; one before its BEGIN, in
    /// a file that is no calendar yet, still refuses the file.
    @Test func aPropertyAfterTheCalendarIsNotReadAndOneBeforeItIsRefused() throws {
        let calendar = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a",
            "DTSTAMP:20270801T120000Z", "DTSTART:20270901T090000Z", "SUMMARY:Drill", "END:VEVENT", "END:VCALENDAR",
        ]
        let after = try CalendarReader.read((calendar + ["X-COMMENT:Cached"]).joined(separator: "\r\n") + "\r\n")
        #expect(after.document.events.map(\.uid) == ["a"])
        #expect(after.warnings.map(\.kind) == [.outsideCalendar])
        #expect(after.warnings.first?.line == 11)
        #expect(after.warnings.first?.message == "property X-COMMENT follows END:VCALENDAR and is not read")
        #expect(throws: CalendarReadError.self) {
            try CalendarReader.read((["X-COMMENT:Cached"] + calendar).joined(separator: "\r\n") + "\r\n")
        }
    }

    /// Lines that are no property after a text property are its text's line breaks, blank lines
    /// and lines with a colon (`Passcode: 4412`, a link) among them; the same lines after a
    /// property of another kind still refuse the file.
    @Test func rawLineBreaksInATextAreItsLines() throws {
        let file = packageRoot.appendingPathComponent(
            "Tests/ICalendarTests/Fixtures/quirks/exchange-invitation-raw-line-breaks.ics")
        let read = try CalendarReader.read(String(decoding: try Data(contentsOf: file), as: UTF8.self))
        #expect(read.warnings.map(\.line) == [9])
        #expect(read.warnings.first?.message.contains("(8 such lines from here)") == true)
        let event = try #require(read.document.events.first)
        #expect(
            event.description
                == "Dear team,\n\nThe threat assessment team meets on Monday to review this term's\nreports. "
                + "Please bring your notes.\n\nJoin the video call\nhttps://meet.lakeside.example/j/5550123\n"
                + "Passcode: 4412")
        #expect(event.summary == "Threat assessment team: term review")
        #expect(event.location == "District office, room 2")
        let afterStart = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a",
            "DTSTAMP:20270801T120000Z", "DTSTART:20270901T090000Z", "Dear team,", "SUMMARY:Drill", "END:VEVENT",
            "END:VCALENDAR",
        ]
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(afterStart.joined(separator: "\r\n")) }
        // A property gone wrong after a text is no text of it (node-ical's `event-with-valarm`): an
        // ORGANIZER with no value is left out, with a warning; a line of text starting with a
        // property's name in lower case is text.
        func withDescription(_ lines: [String]) -> String {
            ([
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a",
                "DTSTAMP:20270801T120000Z", "DTSTART:20270901T090000Z", "DESCRIPTION:Drill",
            ] + lines + ["END:VEVENT", "END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
        }
        let organizer = try CalendarReader.read(withDescription(["ORGANIZER=\"mailto:a@b.example\""]))
        #expect(organizer.document.events.first?.description == "Drill")
        #expect(organizer.warnings.map(\.kind) == [.valuelessProperty])
        #expect(throws: CalendarReadError.self) {
            try CalendarReader.read(withDescription(["DTEND=\"20270901T100000Z\""]))
        }
        let text = try CalendarReader.read(
            withDescription(["Summary of the term: three drills", "Location to follow"]))
        #expect(
            text.document.events.first?.description == "Drill\nSummary of the term: three drills\nLocation to follow")
    }

    @Test func aTextPropertyWithAnOddValueTypeKeepsItsText() throws {
        let bytes = Self.calendar([
            "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART:20270915T140000Z",
            "SUMMARY;VALUE=INTEGER:Fire drill\\, Lincoln", "DESCRIPTION;VALUE=INTEGER:Meet at the\\nfront gate",
            "LOCATION;VALUE=X-PLACE:Gym", "END:VEVENT",
        ])
        let inspection = CalendarReader.inspect(bytes, file: "odd.ics")
        #expect(inspection.problems.map(\.kind) == [.coercedValue, .coercedValue], "\(inspection.problems)")
        #expect(inspection.problems.map(\.line) == [8, 9])
        #expect(inspection.problems.map { $0.message.prefix(11) } == ["SUMMARY has", "DESCRIPTION"])
        let event = try #require(try CalendarReader.read(bytes, file: "odd.ics").document.events.first)
        #expect(event.summary == "Fire drill, Lincoln")
        #expect(event.description == "Meet at the\nfront gate")
        #expect(event.location == "Gym")
    }

    /// Exchange's "Customized Time Zone" with no VTIMEZONE names no zone anyone can know: its times
    /// are read as floating (the school's own wall clock) with one warning, where the file was
    /// refused; any other unknown TZID is still refused.
    @Test func exchangesCustomZoneIsReadAsLocalTime() throws {
        let read = try CalendarReader.read(
            try fixture("quirks/exchange-customized-time-zone.ics"), file: "exchange.ics")
        #expect(read.problems.map(\.line) == [25], "\(read.problems)")
        #expect(
            read.document.events.map(\.start) == [
                .floating(WallTime("20270914T153000")!),
                .zoned(WallTime("20270921T150000")!, tzid: "Central Standard Time"),
                .floating(WallTime("20271005T100000")!),
            ])
        let other = Self.calendar([
            "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;TZID=Mars/Olympus_Mons:20270915T140000",
            "END:VEVENT",
        ])
        #expect(throws: CalendarReadError.self) { try CalendarReader.read(other, file: "mars.ics") }
    }

    /// Properties registered after RFC 5545, RELATED-TO;VALUE=UID and an earlier round trip's
    /// X-LIC-ERROR are no errors; an unregistered name is a warning.
    @Test func newerPropertiesAndPastNotesAreNoErrors() throws {
        let bytes = Self.calendar([
            "NAME:Lakeside", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20271001",
            "SUMMARY:x", "STRUCTURED-DATA;VALUE=TEXT:{}", "LINK;VALUE=URI:https://example.org/x",
            "RELATED-TO;VALUE=UID:b",
            "X-LIC-ERROR;X-LIC-ERRORTYPE=VALUE-PARSE-ERROR:No value for LOCATION", "CONCEPT:https://example.org/c",
            "FROBNICATE:yes", "END:VEVENT",
        ])
        let read = try CalendarReader.read(bytes, file: "newer.ics")
        #expect(read.problems.map(\.kind) == [.pastLibicalError, .unknownProperty], "\(read.problems)")
        #expect(read.problems.map(\.line) == [13, 15])
        #expect(read.problems.allSatisfy { !$0.kind.breaksRFC })
    }

    /// A window with more occurrences than the expander keeps is refused, not silently cut (so a later
    /// lookup of the last event cannot fail); a count asked for still cuts.
    @Test func aWindowPastTheMaximumIsRefusedNotCut() throws {
        let events = (0..<50).map { index in
            Event(uid: "e\(index)", summary: "Event \(index)", start: .date(day("2027-09-01")))
        }
        var expander = RecurrenceExpander(from: wall("2027-07-01T00:00:00"), before: wall("2028-07-01T00:00:00"))
        expander.maximum = 40
        #expect(throws: RecurrenceError.tooMany(40)) { try expander.expand(CalendarDocument(events: events)) }
        expander.maximum = 50
        #expect(try expander.expand(CalendarDocument(events: events)).count == 50)
        let cut = try RecurrenceExpander(limit: 10).expansion(CalendarDocument(events: events))
        #expect(cut.occurrences.count == 10 && cut.truncated)
    }

    /// A timed closure a calendar gives in UTC falls on the school's own date in its zone.
    @Test func aUTCTimeFallsOnTheLocalDate() throws {
        let event = Event(uid: "snow", summary: "Snow day", start: .utc(wall("2028-01-16T03:00:00")))
        let local = try RecurrenceExpander(zone: "America/Chicago").expand(CalendarDocument(events: [event]))
        #expect(local.first?.start == .zoned(wall("2028-01-15T21:00:00"), tzid: "America/Chicago"))
    }

    /// A CR-only file and one very long line are read in one pass each (libical's own string reader
    /// searched the rest of the text for every 80 bytes). Checked by size, not time: the values come through whole.
    @Test func aLongLineAndManyCRLinesComeThroughWhole() throws {
        let long = String(repeating: "a", count: 2_000_000)
        let bytes = Self.calendar([
            "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20271001", "SUMMARY:x",
            "DESCRIPTION:\(long)", "END:VEVENT",
        ])
        let read = try CalendarReader.read(bytes, file: "long.ics")
        #expect(read.document.events.first?.description?.count == long.count)
        let cr = bytes.filter { $0 != 0x0A }
        #expect(try CalendarReader.read(cr, file: "cr.ics").document.events.first?.description?.count == long.count)
    }
}

/// libical's parser messages come out in Drillbook's words, at the line of the value they name.
@Suite struct LibicalMessageTests {
    @Test func valuesLibicalCannotParseAreNamedByLineInOwnWords() throws {
        let bytes = CalendarLimitTests.calendar([
            "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20271001", "SUMMARY:x",
            "DTEND:notadate", "CLASS;X-A=\"q:x", "TRIGGER:-PTx", "FOO BAR:x", "END:VEVENT",
        ])
        let inspection = CalendarReader.inspect(bytes, file: "bad.ics")
        #expect(
            inspection.problems.map(\.description) == [
                "bad.ics:9: DTEND \"notadate\" is not a DATE-TIME value; the property is not read",
                "bad.ics:10: \"CLASS;X-A=\"q:x\" is CLASS with no value (expected NAME:value); nothing hangs on it, so it is not read",
                "bad.ics:11: TRIGGER \"-PTx\" is not a DURATION value; the property is not read",
                "bad.ics:12: \"FOO BAR:x\" is not a property (expected NAME:value, or a fold starting with a space)",
            ])
        #expect(!inspection.problems.contains { $0.message.contains("Removing entire property") })
    }
}
