import Dates
import Testing

@testable import ICalendar

/// Rules Debian's libical 3.0.16 expands wrongly or never finishes, found by comparing it with
/// RFC 5545 and python-dateutil. Each DTSTART is in step with its rule (RFC 5545 leaves other
/// starts undefined, and always counts DTSTART as the first occurrence). Each test shows libical's own answer is wrong (so the correction
/// is still needed: if one fails there, libical was fixed and the rule can go back to it) and that
/// Drillbook gives RFC 5545's answer.
@Suite struct LibicalCorrectionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var rule: String
        var start: String
        var expected: [String]
        var testDescription: String { rule }
    }

    static let cases: [Case] = [
        // BYWEEKNO: libical returns a Tuesday for BYDAY=MO,TH, out of order, and week 53 in years without one.
        Case(
            rule: "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,TH;COUNT=8", start: "19970102T090000",
            expected: at(
                "09:00:00",
                [
                    "1997-01-02", "1997-12-29", "1998-01-01", "1999-01-04", "1999-01-07", "2000-01-03", "2000-01-06",
                    "2001-01-01",
                ])),
        Case(
            rule: "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;COUNT=3", start: "19981228T090000",
            expected: at("09:00:00", ["1998-12-28", "2004-12-27", "2009-12-28"])),
        Case(
            rule: "FREQ=YEARLY;BYWEEKNO=20;COUNT=4", start: "19980511T090000",
            expected: at("09:00:00", ["1998-05-11", "1998-05-12", "1998-05-13", "1998-05-14"])),
        // A weekday repeated in BYDAY: libical emits each such day twice.
        Case(
            rule: "FREQ=WEEKLY;BYDAY=TU,TU,TH;COUNT=6", start: "19970902T090000",
            expected: at(
                "09:00:00", ["1997-09-02", "1997-09-04", "1997-09-09", "1997-09-11", "1997-09-16", "1997-09-18"])),
        // BYSETPOS with WEEKLY, with BYHOUR, and in a YEARLY set of month days.
        Case(
            rule: "FREQ=WEEKLY;BYDAY=MO,FR;BYSETPOS=-1;COUNT=4", start: "19970905T090000",
            expected: at("09:00:00", ["1997-09-05", "1997-09-12", "1997-09-19", "1997-09-26"])),
        Case(
            rule: "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO;BYHOUR=9,17;COUNT=4", start: "19970929T170000",
            expected: at("17:00:00", ["1997-09-29", "1997-10-27", "1997-11-24", "1997-12-29"])),
        Case(
            rule: "FREQ=DAILY;BYSETPOS=1;BYHOUR=9,17;COUNT=4", start: "19970902T090000",
            expected: at("09:00:00", ["1997-09-02", "1997-09-03", "1997-09-04", "1997-09-05"])),
        Case(
            rule: "FREQ=YEARLY;BYSETPOS=3;BYMONTHDAY=1,15;COUNT=3", start: "19980201T090000",
            expected: at("09:00:00", ["1998-02-01", "1999-02-01", "2000-02-01"])),
        // Negative BYMONTHDAY outside MONTHLY: libical keeps DTSTART's month, or finds nothing.
        Case(
            rule: "FREQ=YEARLY;BYMONTHDAY=-1;COUNT=6", start: "19970930T090000",
            expected: at(
                "09:00:00", ["1997-09-30", "1997-10-31", "1997-11-30", "1997-12-31", "1998-01-31", "1998-02-28"])),
        Case(
            rule: "FREQ=DAILY;BYMONTHDAY=-1;COUNT=6", start: "19970930T090000",
            expected: at(
                "09:00:00", ["1997-09-30", "1997-10-31", "1997-11-30", "1997-12-31", "1998-01-31", "1998-02-28"])),
    ]

    @Test(arguments: cases)
    func drillbookGivesRFCAnswerWhereLibicalDoesNot(_ example: Case) throws {
        let rule = try RecurrenceRule(parsing: example.rule)
        #expect(rule.libicalFault != nil, "this rule must not reach libical's iterator")
        let start = WallTime(example.start)!
        let raw = Libical.withLock {
            LibicalIteration.occurrences(
                of: rule, start: start, allDay: false, through: WallTime(year: 2030, month: 1, day: 1),
                limit: example.expected.count
            ).map(\.description)
        }
        #expect(raw != example.expected, "libical 3.0.16 now gets \(example.rule) right: route it back to libical")
        #expect(try expand(example.rule, from: example.start, zone: nil) == example.expected)
    }

    @Test func ruleThatMakesLibicalSpinReturnsWithinASecond() throws {
        // libical 3.0.16 never returns from icalrecur_iterator_next for this rule.
        let clock = ContinuousClock()
        var got: [String] = []
        let elapsed = try clock.measure {
            got = try expand("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", from: "19970902T090000", zone: nil)
        }
        #expect(got == ["1997-09-02T09:00:00"], "only DTSTART, which always counts")
        #expect(elapsed < .seconds(5), "a hang would never return; the engine gives up after one second")
    }

    @Test func secondlyRuleWithFarWindowIsBounded() throws {
        let clock = ContinuousClock()
        var got: [String] = []
        let elapsed = try clock.measure {
            got = try expand(
                "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=8;BYMINUTE=0", from: "20270101T000000", zone: nil,
                limit: 3)
        }
        #expect(got == ["2027-01-01T00:00:00", "2028-02-29T08:00:00", "2028-02-29T08:00:01"])
        #expect(elapsed < .seconds(5), "a hang would never return; the engine gives up after one second")
    }

    @Test func impossibleYearlyRuleGivesOnlyItsStart() throws {
        #expect(
            try expand("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", from: "19970902T090000", zone: nil) == [
                "1997-09-02T09:00:00"
            ])
    }

    /// libical 3.0.16 keeps INTERVAL in a 16-bit field: 65,537 days reads as 1 (every day), so the rule
    /// goes to the reference expansion, which keeps the interval as written.
    @Test func anIntervalLibicalCannotHoldIsExpandedAsWritten() throws {
        let text = "FREQ=DAILY;INTERVAL=65537;COUNT=3"
        let rule = try RecurrenceRule(parsing: text)
        #expect(rule.libicalFault != nil, "this rule must not reach libical's iterator")
        let raw = Libical.withLock {
            LibicalIteration.occurrences(
                of: rule, start: WallTime("20270101T090000")!, allDay: false,
                through: WallTime(year: 2030, month: 1, day: 1), limit: 3
            ).map(\.description)
        }
        #expect(raw == at("09:00:00", ["2027-01-01", "2027-01-02", "2027-01-03"]), "libical reads 65,537 as 1")
        #expect(
            try expand(text, from: "20270101T090000", zone: nil, before: "2400-01-01")
                == at("09:00:00", ["2027-01-01", "2206-06-09", "2385-11-14"]))
        // In seconds, such an interval is every 11 hours and 6 minutes and 40 seconds.
        #expect(
            try expand("FREQ=SECONDLY;INTERVAL=40000;COUNT=3", from: "20270101T000000", zone: nil) == [
                "2027-01-01T00:00:00", "2027-01-01T11:06:40", "2027-01-01T22:13:20",
            ])
    }

    /// The reader takes such a rule whether libical wrapped it (65,537) or refused it (32,768), and
    /// keeps the interval as written; the writer refuses it rather than write INTERVAL=1.
    @Test(arguments: [32_768, 65_537, 4_294_967_297])
    func anIntervalLibicalCannotHoldIsReadAndNotMiswritten(_ interval: Int) throws {
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", "BEGIN:VEVENT", "UID:a",
            "DTSTAMP:20270801T120000Z", "DTSTART:20270101T090000Z", "RRULE:FREQ=MINUTELY;INTERVAL=\(interval);COUNT=2",
            "SUMMARY:x", "END:VEVENT", "END:VCALENDAR",
        ]
        let read = try CalendarReader.read(Array((lines.joined(separator: "\r\n") + "\r\n").utf8), file: "big.ics")
        #expect(read.problems.isEmpty, "\(read.problems)")
        let event = try #require(read.document.events.first)
        #expect(event.recurrences.map(\.interval) == [interval])
        // The second occurrence where the interval puts it, when it falls in the expander's five years.
        let second = WallTime("20270101T090000")!.adding(seconds: interval * 60)
        let expected = ["2027-01-01T09:00:00Z"] + (second.date.year < 2032 ? [second.description + "Z"] : [])
        #expect(
            try RecurrenceExpander(before: nil, limit: nil).expand(read.document).map(\.start.description)
                == expected)
        #expect(throws: CalendarWriteError.numberTooLarge(event.recurrences[0].description, uid: "a")) {
            try CalendarWriter(stamp: WallTime("20270801T120000")!).write(read.document)
        }
    }

    /// A COUNT past libical's 32-bit field: libical refuses 3,000,000,000 and reads 4,294,967,298 as 2;
    /// the rule is read with its COUNT, which the expansion applies, and not written.
    @Test(arguments: [3_000_000_000, 4_294_967_298])
    func aCountLibicalCannotHoldIsReadAndNotMiswritten(_ count: Int) throws {
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", "BEGIN:VEVENT", "UID:a",
            "DTSTAMP:20270801T120000Z", "DTSTART:20270101T090000Z", "RRULE:FREQ=DAILY;COUNT=\(count)", "SUMMARY:x",
            "END:VEVENT", "END:VCALENDAR",
        ]
        let read = try CalendarReader.read(Array((lines.joined(separator: "\r\n") + "\r\n").utf8), file: "many.ics")
        #expect(read.problems.isEmpty, "\(read.problems)")
        let event = try #require(read.document.events.first)
        #expect(event.recurrences.map(\.count) == [count])
        #expect(
            try RecurrenceExpander(before: nil, limit: 4).expand(read.document).map(\.start.description) == [
                "2027-01-01T09:00:00Z", "2027-01-02T09:00:00Z", "2027-01-03T09:00:00Z", "2027-01-04T09:00:00Z",
            ])
        #expect(throws: CalendarWriteError.numberTooLarge(event.recurrences[0].description, uid: "a")) {
            try CalendarWriter(stamp: WallTime("20270801T120000")!).write(read.document)
        }
    }

    /// A length built through the API that libical's 32-bit duration fields cannot hold, or that the
    /// reader would refuse, is a write error, not a trap (`UInt32(abs(Int.min))`) or a wrapped line;
    /// a DURATION with days and seconds of different signs is refused rather than written with one
    /// sign for both. Ten years, the reader's limit, is written and read back as it was.
    @Test(arguments: [
        (EventDuration(days: Int.min), [Alarm](), "longer than ten years"),
        (EventDuration(seconds: 4_294_967_297), [], "longer than ten years"),
        (EventDuration(days: 3_000, seconds: 86_400 * 700), [], "longer than ten years"),
        (EventDuration(days: 1, seconds: -3_600), [], "mixes signs"),
        (EventDuration(seconds: 1_800), [Alarm(triggerOffset: Int.min, description: "x")], "alarm TRIGGER"),
        (EventDuration(seconds: 1_800), [Alarm(triggerOffset: 2_147_483_648, description: "x")], "alarm TRIGGER"),
    ])
    func aLengthLibicalCannotHoldIsAnErrorNotATrap(_ duration: EventDuration, _ alarms: [Alarm], _ reason: String)
        throws
    {
        var event = Event(uid: "a", summary: "x", start: .utc(WallTime("20270101T090000")!))
        event.duration = duration
        event.alarms = alarms
        let writer = CalendarWriter(stamp: WallTime("20270801T120000")!)
        do {
            _ = try writer.write(CalendarDocument(events: [event]))
            Issue.record("written")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("event a:"))
        }
        event.duration = EventDuration(days: 3_660)
        event.alarms = [Alarm(triggerOffset: -DurationText.tenYears, description: "x")]
        let text = try writer.write(CalendarDocument(events: [event]))
        let read = try CalendarReader.read(Array(text.utf8), file: "back.ics")
        #expect(read.problems.isEmpty, "\(read.problems)")
        #expect(read.document.events.first?.duration == EventDuration(days: 3_660))
        #expect(read.document.events.first?.alarms.map(\.triggerOffset) == [-DurationText.tenYears])
    }

    /// libical 3.0.16 reads each number of a duration into 32 bits and wraps the rest: P4294967297D is
    /// one day, -PT4294967296S no offset. The reader judges the text's own digits, so each is refused
    /// at its line (the reminder is left out; the event stands without it) instead of read as another.
    @Test(arguments: [
        ("DURATION:P4294967297D", "DURATION P4294967297D is longer than ten years"),
        (
            "RDATE;VALUE=PERIOD:20270102T090000Z/P4294967297D",
            "RDATE period duration must be positive and at most ten years"
        ),
        (
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT4294967296S\r\nEND:VALARM",
            "TRIGGER -PT4294967296S is more than ten years from its event; the reminder is not read"
        ),
    ])
    func aDurationLibicalWrapsIsRefusedAtItsLine(_ example: (line: String, message: String)) throws {
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", "BEGIN:VEVENT", "UID:a",
                "DTSTAMP:20270801T120000Z",
                "DTSTART:20270101T090000Z", "SUMMARY:x", example.line, "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let inspection = CalendarReader.inspect(Array(text.utf8), file: "long.ics")
        #expect(inspection.problems.map(\.message) == [example.message])
        #expect(inspection.problems.map(\.line) == [example.line.hasPrefix("BEGIN:VALARM") ? 12 : 9])
        #expect(inspection.document.events.first?.alarms.isEmpty != false)
    }

    /// The text's magnitude, in seconds, whatever libical's fields would hold.
    @Test func durationTextIsReadInInt() {
        #expect(DurationText.seconds("P1W2DT3H4M5S") == 788_645)
        #expect(DurationText.seconds("-PT15M") == 900)
        #expect(DurationText.seconds("P4294967297D") == 4_294_967_297 * 86_400)
        #expect(DurationText.seconds("P99999999999999999999D") == .max)
        #expect(DurationText.seconds("P1X") == nil)
        #expect(DurationText.seconds("20270101T090000Z") == nil)
    }

    /// BYDAY is a union: "1FR,FR" is every Friday. libical agrees with RFC 5545 here; python-dateutil
    /// intersects the two and answers first Fridays only, so it is no reference for this shape.
    @Test func bydayWithAndWithoutOrdinalIsAUnion() throws {
        let got = try expand("FREQ=MONTHLY;BYDAY=1FR,FR;COUNT=5", from: "19970905T090000", zone: nil)
        #expect(got == at("09:00:00", ["1997-09-05", "1997-09-12", "1997-09-19", "1997-09-26", "1997-10-03"]))
    }
}
