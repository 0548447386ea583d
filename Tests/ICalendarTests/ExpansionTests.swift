import Dates
import Testing

@testable import ICalendar

/// RDATE, EXDATE and RECURRENCE-ID read from a file, and the expander's bounds.
@Suite struct ExpansionTests {
    static func read(_ eventLines: [String]...) throws -> CalendarDocument {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
        for event in eventLines { lines += ["BEGIN:VEVENT", "DTSTAMP:20270801T120000Z"] + event + ["END:VEVENT"] }
        lines.append("END:VCALENDAR")
        return try CalendarReader.read(lines.joined(separator: "\r\n") + "\r\n").document
    }

    @Test func rdateAddsAndExdateRemovesAndOverridesReplace() throws {
        let document = try Self.read(
            [
                "UID:drills", "SUMMARY:Drill", "DTSTART:20270906T100000", "DTEND:20270906T102000",
                "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE:20270913T100000", "RDATE:20270911T090000",
                "RDATE;VALUE=PERIOD:20270925T090000/20270925T093000",
            ],
            [
                "UID:drills", "SUMMARY:Drill (moved)", "RECURRENCE-ID:20270920T100000", "DTSTART:20270921T140000",
                "DTEND:20270921T142000",
            ]
        )
        let got = try RecurrenceExpander().expand(document)
        #expect(
            got.map { "\($0.start) \($0.end) \($0.summary)" } == [
                "2027-09-06T10:00:00 2027-09-06T10:20:00 Drill",
                "2027-09-11T09:00:00 2027-09-11T09:20:00 Drill",
                "2027-09-21T14:00:00 2027-09-21T14:20:00 Drill (moved)",
                "2027-09-25T09:00:00 2027-09-25T09:30:00 Drill",  // a PERIOD keeps its own end
                "2027-09-27T10:00:00 2027-09-27T10:20:00 Drill",
            ])
    }

    @Test func anEndlessRuleStopsAtTheDefaults() throws {
        let document = try Self.read(["UID:daily", "SUMMARY:Check", "DTSTART:20270901T080000", "RRULE:FREQ=DAILY"])
        #expect(try RecurrenceExpander().expand(document).count == RecurrenceExpander.defaultLimit)
        let yearly = try Self.read(["UID:y", "SUMMARY:Review", "DTSTART;VALUE=DATE:20270901", "RRULE:FREQ=YEARLY"])
        let years = try RecurrenceExpander().expand(yearly).map(\.start.description)
        #expect(years == ["2027-09-01", "2028-09-01", "2029-09-01", "2030-09-01", "2031-09-01"])
    }

    @Test func theWindowIsInEachEventsWallTime() throws {
        let document = try Self.read(
            ["UID:w", "SUMMARY:Meeting", "DTSTART;TZID=America/Chicago:20270901T150000", "RRULE:FREQ=DAILY;COUNT=5"])
        let got = try RecurrenceExpander(from: wall("2027-09-02T15:00:00"), before: wall("2027-09-04T00:00:00"))
            .expand(document).map(\.start.description)
        #expect(got == ["2027-09-02T15:00:00", "2027-09-03T15:00:00"])
    }
}
