import Foundation
import Testing

/// `drillbook calendar validate` and `calendar expand`, run as a user runs them.
@Suite struct CalendarCommandTests {
    static let example = "Calendars/lakeside-2027-2028.ics"

    /// A calendar of `lines` (CRLF-ended) in a fresh folder, named `name`.
    static func calendar(_ name: String, _ lines: [String]) throws -> URL {
        let file = try Drillbook.temporaryFolder().appendingPathComponent(name)
        try (lines.joined(separator: "\r\n") + "\r\n").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func validateAcceptsTheExampleCalendar() throws {
        let result = try Drillbook.run("calendar", "validate", Self.example)
        #expect(result.status == 0)
        #expect(result.stdout == "1 file clean\n")
    }

    @Test func validateNamesEachProblemByFileAndLineAndExitsOne() throws {
        let folder = try Drillbook.temporaryFolder()
        let file = folder.appendingPathComponent("broken.ics")
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z",
            "DTSTART;VALUE=DATE:20270931", "RRULE:FREQ=WEEKLY;BYDAYY=MO", "END:VEVENT", "END:VCALENDAR",
        ]
        try (lines.joined(separator: "\r\n") + "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try Drillbook.run("calendar", "validate", file.path, Self.example)
        #expect(result.status == 1)
        #expect(
            result.stdout.split(separator: "\n") == [
                "\(file.path):7: DTSTART 2027-09-31 does not exist (September 2027 has 30 days)",
                "\(file.path):8: RRULE part \"BYDAYY\" is unknown (did you mean BYDAY?); expected one of FREQ, INTERVAL, COUNT, UNTIL, BYSECOND, BYMINUTE, BYHOUR, BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST",
            ])
        #expect(result.stderr.contains("2 problems in 2 files"))
    }

    /// libical 3.0.16 prints "icalparser.c:786: Encountered END before BEGIN" to standard error
    /// for an END with no BEGIN: the user reads Drillbook's own line for it, and nothing of libical's.
    @Test func anEndWithoutBeginIsToldInDrillbooksWordsOnly() throws {
        let file = try Self.calendar(
            "stray-end.ics",
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a",
                "DTSTAMP:20270801T120000Z", "DTSTART:20270901T090000Z", "SUMMARY:Drill", "END:VEVENT", "END:VCALENDAR",
                "END:VCALENDAR",
            ])
        for command in ["validate", "expand"] {
            let result = try Drillbook.run("calendar", command, file.path)
            #expect(result.status == 1)
            let said = (result.stdout + result.stderr).split(separator: "\n")
            #expect(said.contains { $0.hasSuffix("stray-end.ics:11: END:VCALENDAR has no BEGIN:VCALENDAR before it") })
            #expect(!said.contains { $0.contains("icalparser") || $0.contains("Encountered") }, "\(said)")
        }
    }

    /// A calendar's values quoted in a problem reach the terminal as text: no escape sequence of
    /// the file's (clear the screen, recolour, retitle the window) is sent.
    @Test func validateShowsTheControlCharactersItQuotes() throws {
        let folder = try Drillbook.temporaryFolder()
        let file = folder.appendingPathComponent("hostile.ics")
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z",
            "DTSTART:20270901T090000Z", "RRULE:FREQ=DAILY;BYDAY=\u{1B}[2J", "SUMMARY:\u{1B}]0;owned\u{7}Drill",
            "END:VEVENT", "END:VCALENDAR",
        ]
        try (lines.joined(separator: "\r\n") + "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try Drillbook.run("calendar", "validate", file.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("RRULE BYDAY value \"\\u{1B}[2J\" is not a weekday"), "\(result.stdout)")
        #expect(!result.stdout.utf8.contains(0x1B) && !result.stderr.utf8.contains(0x1B))
        var fixed = lines
        fixed[7] = "RRULE:FREQ=DAILY;COUNT=1"
        try (fixed.joined(separator: "\r\n") + "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let expanded = try Drillbook.run("calendar", "expand", file.path)
        #expect(expanded.status == 0, "\(expanded.stderr)")
        #expect(expanded.stdout.contains("\\u{1B}]0;owned\\u{7}Drill"), "\(expanded.stdout)")
        #expect(!expanded.stdout.utf8.contains(0x1B) && !expanded.stdout.utf8.contains(0x07))
    }

    @Test func validateOfAMissingFileIsAnError() throws {
        let result = try Drillbook.run("calendar", "validate", "no-such.ics")
        #expect(result.status == 1)
        #expect(result.stderr.contains("no-such.ics: cannot be read (no such file)"))
    }

    @Test func expandPrintsJSONInTimeOrder() throws {
        let result = try Drillbook.run(
            "calendar", "expand", Self.example, "--from", "2027-11-01", "--to", "2027-11-30", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        struct Row: Decodable, Equatable {
            var uid: String
            var summary: String
            var start: String
            var end: String
        }
        let rows = try JSONDecoder().decode([Row].self, from: Data(result.stdout.utf8))
        #expect(rows.map(\.start) == ["2027-11-05", "2027-11-11T18:30:00", "2027-11-22"])
        #expect(
            rows[1]
                == Row(
                    uid: "2027-board-meetings@lakeside-isd.example",
                    summary: "Board of Trustees Regular Meeting (moved for Thanksgiving week)",
                    start: "2027-11-11T18:30:00", end: "2027-11-11T20:30:00"))
        #expect(rows[2].end == "2027-11-27", "all-day end is exclusive")
    }

    @Test func expandStopsAtTheLimit() throws {
        let result = try Drillbook.run("calendar", "expand", Self.example, "--limit", "2")
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 2)
        #expect(result.stdout.hasPrefix("2027-08-09"))
    }

    @Test func expandRefusesAMalformedCalendar() throws {
        let folder = try Drillbook.temporaryFolder()
        let file = folder.appendingPathComponent("cut.ics")
        try "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n".write(
            to: file, atomically: true, encoding: .utf8)
        let result = try Drillbook.run("calendar", "expand", file.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cut.ics:5: file ends inside VEVENT begun at line 4"))
        #expect(result.stdout.isEmpty)
    }

    @Test func expandRejectsABadDateAsUsage() throws {
        let result = try Drillbook.run("calendar", "expand", Self.example, "--from", "2027-02-30")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--from \"2027-02-30\" is not a date"))
        let swapped = try Drillbook.run(
            "calendar", "expand", Self.example, "--from", "2027-12-01", "--to", "2027-11-01")
        #expect(swapped.status == 64 && swapped.stderr.contains("--to 2027-11-01 is not after --from 2027-12-01"))
    }
}

/// The README's `calendar validate` example, kept true: the output for the broken fixture, line by line.
@Suite struct ReadmeExampleTests {
    @Test func validateOutputMatchesTheGoldenFile() throws {
        let result = try Drillbook.run("calendar", "validate", "Tests/ICalendarTests/Fixtures/broken.ics")
        let golden = try String(
            contentsOf: Drillbook.packageRoot.appendingPathComponent("Tests/DrillbookEndToEndTests/broken.expected"),
            encoding: .utf8)
        #expect(result.status == 1)
        #expect(result.stdout.split(whereSeparator: \.isNewline) == golden.split(whereSeparator: \.isNewline))
        #expect(result.stderr == "11 problems in 1 file\n")
    }
}

/// What `calendar validate` calls an error and what a warning, on real clients' files.
@Suite struct ValidateSeverityTests {
    @Test func warningsAloneExitZeroOnePerKind() throws {
        let folder = try Drillbook.temporaryFolder()
        let file = folder.appendingPathComponent("google.ics")
        let long = String(repeating: "x", count: 90)
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "X-WR-TIMEZONE:America/Chicago", "BEGIN:VEVENT", "UID:a", "DTSTAMP:20270801T120000Z",
            "DTSTART:20270913T140000Z", "LOCATION:", "DESCRIPTION:" + long, "COMMENT:" + long, "END:VEVENT",
            "END:VCALENDAR",
        ]
        try (lines.joined(separator: "\r\n") + "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let result = try Drillbook.run("calendar", "validate", file.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.split(separator: "\n") == [
                "\(file.path):4: warning: X-WR-TIMEZONE America/Chicago: the UTC and floating times of 1 event read in that zone, as Google Calendar shows them",
                "\(file.path):10: warning: line is 102 octets long; RFC 5545 folds lines at 75 octets (and 1 more like it)",
                "1 file valid (3 warnings)",
            ])
    }

    @Test func expandSaysWhenTheDefaultCountStoppedIt() throws {
        let file = try CalendarCommandTests.calendar(
            "daily.ics",
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN", "BEGIN:VEVENT", "UID:a",
                "DTSTAMP:20270801T120000Z", "DTSTART;VALUE=DATE:20270901", "RRULE:FREQ=DAILY", "SUMMARY:Every day",
                "END:VEVENT", "END:VCALENDAR",
            ])
        let result = try Drillbook.run("calendar", "expand", file.path)
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 1000)
        #expect(result.stderr.contains("stopped at 1000 occurrences"))
    }
}
