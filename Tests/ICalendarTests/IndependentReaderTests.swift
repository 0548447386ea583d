import Foundation
import Testing

@testable import ICalendar

/// Our files read by python's `icalendar` (not libical, not our reader): the same instants come back.
@Suite struct IndependentReaderTests {
    @Test func pythonIcalendarReadsTheSameInstants() throws {
        let events = [
            Event(
                uid: "chicago", summary: "Lockdown drill — Lincoln ✓",
                start: .zoned(wall("2027-09-02T09:00:00"), tzid: "America/Chicago"),
                end: .zoned(wall("2027-09-02T09:20:00"), tzid: "America/Chicago")),
            Event(
                uid: "chicago-winter", summary: "Fire drill",
                start: .zoned(wall("2028-01-12T13:15:00"), tzid: "America/Chicago"),
                end: .zoned(wall("2028-01-12T13:30:00"), tzid: "America/Chicago")),
            Event(
                uid: "new-york", summary: "Tabletop exercise",
                start: .zoned(wall("2028-03-17T08:00:00"), tzid: "America/New_York"),
                end: .zoned(wall("2028-03-17T10:00:00"), tzid: "America/New_York")),
            Event(
                uid: "phoenix", summary: "Team meeting",
                start: .zoned(wall("2027-07-01T15:00:00"), tzid: "America/Phoenix"),
                end: .zoned(wall("2027-07-01T16:00:00"), tzid: "America/Phoenix")),
            Event(
                uid: "honolulu", summary: "Partner call",
                start: .zoned(wall("2027-12-01T10:00:00"), tzid: "Pacific/Honolulu"),
                end: .zoned(wall("2027-12-01T10:30:00"), tzid: "Pacific/Honolulu")),
            Event(
                uid: "utc", summary: "Webhook test", start: .utc(wall("2027-09-02T14:00:00")),
                end: .utc(wall("2027-09-02T14:05:00"))),
            Event(uid: "all-day", summary: "Staff day", start: .date(day("2027-08-09")), end: .date(day("2027-08-14"))),
            Event(
                uid: "long", summary: String(repeating: "Évacuation — sécurité ✓ ", count: 8),
                start: .date(day("2027-10-01")), end: .date(day("2027-10-02"))),
        ]
        let text = try CalendarWriter(stamp: wall("2027-08-01T12:00:00")).write(CalendarDocument(events: events))
        let rows = try runChecker("read_instants.py", input: text).split(separator: "\n").map {
            $0.split(separator: "\t").map(String.init)
        }
        let expected = [
            ["chicago", "Lockdown drill — Lincoln ✓", "2027-09-02T14:00:00Z", "2027-09-02T14:20:00Z"],
            ["chicago-winter", "Fire drill", "2028-01-12T19:15:00Z", "2028-01-12T19:30:00Z"],
            ["new-york", "Tabletop exercise", "2028-03-17T12:00:00Z", "2028-03-17T14:00:00Z"],
            ["phoenix", "Team meeting", "2027-07-01T22:00:00Z", "2027-07-01T23:00:00Z"],
            ["honolulu", "Partner call", "2027-12-01T20:00:00Z", "2027-12-01T20:30:00Z"],
            ["utc", "Webhook test", "2027-09-02T14:00:00Z", "2027-09-02T14:05:00Z"],
            ["all-day", "Staff day", "2027-08-09", "2027-08-14"],
            ["long", String(repeating: "Évacuation — sécurité ✓ ", count: 8), "2027-10-01", "2027-10-02"],
        ]
        #expect(rows == expected)
    }

    @Test func expansionOfTheExampleCalendarAgreesWithRecurringIcalEvents() throws {
        let path = packageRoot.appendingPathComponent("Calendars/lakeside-2027-2028.ics")
        let data = try Data(contentsOf: path)
        let document = try CalendarReader.read([UInt8](data), file: path.path).document
        let ours = try RecurrenceExpander(from: wall("2027-01-01T00:00:00"), before: wall("2029-01-01T00:00:00"))
            .expand(document).map(\.start.description).sorted()
        let theirs = try runChecker(
            "expand.py", arguments: ["2027-01-01", "2029-01-01"], input: String(decoding: data, as: UTF8.self)
        )
        .split(separator: "\n").map(String.init)
        #expect(ours == theirs)
        #expect(ours.contains("2027-11-11T18:30:00"), "the moved November board meeting")
        #expect(!ours.contains("2027-12-16T18:30:00"), "the cancelled December board meeting")
    }

    /// Rules in both of our engines against python-dateutil (floating times, DTSTART in step).
    @Test func rulesAgreeWithDateutil() throws {
        let rules: [(String, String)] = [
            ("20270901T080000", "FREQ=DAILY;INTERVAL=3"),
            ("20270901T080000", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
            ("20270906T150000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
            ("20270902T090000", "FREQ=MONTHLY;BYDAY=1TH"),
            ("20270929T090000", "FREQ=MONTHLY;BYDAY=-1WE"),
            ("20270915T090000", "FREQ=MONTHLY;BYMONTHDAY=15"),
            ("20270831T090000", "FREQ=MONTHLY;BYMONTHDAY=-1"),
            ("20270901T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"),
            ("20270930T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
            ("20271001T090000", "FREQ=YEARLY;BYMONTH=10;BYDAY=1FR"),
            ("20280301T090000", "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1"),
            ("20280229T090000", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
            ("20270101T090000", "FREQ=YEARLY;BYYEARDAY=1,-1"),
            ("20270104T090000", "FREQ=YEARLY;BYWEEKNO=1,27;BYDAY=MO"),
            ("20270103T090000", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU"),
            ("20270901T090000", "FREQ=HOURLY;INTERVAL=5;BYHOUR=8,9,10,11,12,13,14,15"),
            ("20270901T090000", "FREQ=MINUTELY;INTERVAL=45;BYHOUR=9,10,11"),
            // Intervals longer than a day: the walk leaps to the day of the next period.
            ("20270901T090000", "FREQ=HOURLY;INTERVAL=37"),
            ("20270901T090000", "FREQ=MINUTELY;INTERVAL=50000"),
            ("20270901T090000", "FREQ=MINUTELY;INTERVAL=2000;BYHOUR=9,10,11,12,13,14,15,16,17"),
            ("20270901T090000", "FREQ=SECONDLY;INTERVAL=100003;BYHOUR=9,10,11,12,13,14,15,16,17"),
            ("20270901T093000", "FREQ=DAILY;BYHOUR=9,13;BYMINUTE=0,30;BYSETPOS=2,-1"),
            ("20270905T090000", "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,SA;WKST=SU"),
            ("20270902T090000", "FREQ=MONTHLY;INTERVAL=4;BYMONTHDAY=2,-2"),
        ]
        let count = 40
        let input = rules.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n")
        let theirs = try runChecker("rrule.py", arguments: [String(count)], input: input).split(separator: "\n")
        #expect(theirs.count == rules.count)
        for (index, (start, rule)) in rules.enumerated() where index < theirs.count {
            let ours = try expand(rule, from: start, zone: nil, limit: count).joined(separator: ",")
            #expect(ours == String(theirs[index]), "\(rule) from \(start)")
        }
    }
}
