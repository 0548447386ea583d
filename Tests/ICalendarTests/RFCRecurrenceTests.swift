import Testing

@testable import ICalendar

/// RFC 5545 section 3.8.5.3's examples (DTSTART in America/New_York), with the RFC's own answers.
@Suite struct RFCRecurrenceTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var rule: String
        var start: String
        var expected: [String]
        var limit: Int? = nil
        var exceptions: [String] = []
        var testDescription: String { rule }
    }

    static let nine = "09:00:00"

    static let examples: [Example] = [
        Example(
            rule: "FREQ=DAILY;COUNT=10", start: "19970902T090000",
            expected: at(nine, (2...11).map { "1997-09-\($0 < 10 ? "0" : "")\($0)" })),
        Example(
            rule: "FREQ=DAILY;INTERVAL=10;COUNT=5", start: "19970902T090000",
            expected: at(nine, ["1997-09-02", "1997-09-12", "1997-09-22", "1997-10-02", "1997-10-12"])),
        Example(
            rule: "FREQ=DAILY;INTERVAL=2", start: "19970902T090000",
            expected: at(nine, ["1997-09-02", "1997-09-04", "1997-09-06", "1997-09-08"]), limit: 4),
        Example(
            rule: "FREQ=WEEKLY;COUNT=10", start: "19970902T090000",
            expected: at(
                nine,
                [
                    "1997-09-02", "1997-09-09", "1997-09-16", "1997-09-23", "1997-09-30", "1997-10-07", "1997-10-14",
                    "1997-10-21", "1997-10-28", "1997-11-04",
                ])),
        Example(
            rule: "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", start: "19970901T090000",
            expected: at(
                nine,
                [
                    "1997-09-01", "1997-09-03", "1997-09-05", "1997-09-15", "1997-09-17", "1997-09-19", "1997-09-29",
                    "1997-10-01", "1997-10-03", "1997-10-13", "1997-10-15", "1997-10-17", "1997-10-27", "1997-10-29",
                    "1997-10-31", "1997-11-10", "1997-11-12", "1997-11-14", "1997-11-24", "1997-11-26", "1997-11-28",
                    "1997-12-08", "1997-12-10", "1997-12-12", "1997-12-22",
                ])),
        Example(
            rule: "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH", start: "19970902T090000",
            expected: at(
                nine,
                [
                    "1997-09-02", "1997-09-04", "1997-09-09", "1997-09-11", "1997-09-16", "1997-09-18", "1997-09-23",
                    "1997-09-25", "1997-09-30", "1997-10-02",
                ])),
        Example(
            rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", start: "19970902T090000",
            expected: at(
                nine,
                [
                    "1997-09-02", "1997-09-04", "1997-09-16", "1997-09-18", "1997-09-30", "1997-10-02", "1997-10-14",
                    "1997-10-16",
                ])),
        Example(
            rule: "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", start: "19970905T090000",
            expected: at(
                nine,
                [
                    "1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05", "1998-01-02", "1998-02-06", "1998-03-06",
                    "1998-04-03", "1998-05-01", "1998-06-05",
                ])),
        Example(
            rule: "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", start: "19970907T090000",
            expected: at(
                nine,
                [
                    "1997-09-07", "1997-09-28", "1997-11-02", "1997-11-30", "1998-01-04", "1998-01-25", "1998-03-01",
                    "1998-03-29", "1998-05-03", "1998-05-31",
                ])),
        Example(
            rule: "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", start: "19970922T090000",
            expected: at(nine, ["1997-09-22", "1997-10-20", "1997-11-17", "1997-12-22", "1998-01-19", "1998-02-16"])),
        Example(
            rule: "FREQ=MONTHLY;BYMONTHDAY=-3", start: "19970928T090000",
            expected: at(nine, ["1997-09-28", "1997-10-29", "1997-11-28", "1997-12-29", "1998-01-29", "1998-02-26"]),
            limit: 6),
        Example(
            rule: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", start: "19970902T090000",
            expected: at(
                nine,
                [
                    "1997-09-02", "1997-09-15", "1997-10-02", "1997-10-15", "1997-11-02", "1997-11-15", "1997-12-02",
                    "1997-12-15", "1998-01-02", "1998-01-15",
                ])),
        Example(
            rule: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", start: "19970930T090000",
            expected: at(
                nine,
                [
                    "1997-09-30", "1997-10-01", "1997-10-31", "1997-11-01", "1997-11-30", "1997-12-01", "1997-12-31",
                    "1998-01-01", "1998-01-31", "1998-02-01",
                ])),
        Example(
            rule: "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", start: "19970910T090000",
            expected: at(
                nine,
                [
                    "1997-09-10", "1997-09-11", "1997-09-12", "1997-09-13", "1997-09-14", "1997-09-15", "1999-03-10",
                    "1999-03-11", "1999-03-12", "1999-03-13",
                ])),
        Example(
            rule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", start: "19970902T090000",
            expected: at(
                nine,
                [
                    "1997-09-02", "1997-09-09", "1997-09-16", "1997-09-23", "1997-09-30", "1997-11-04", "1997-11-11",
                    "1997-11-18", "1997-11-25", "1998-01-06",
                ]), limit: 10),
        Example(
            rule: "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", start: "19970610T090000",
            expected: at(
                nine,
                [
                    "1997-06-10", "1997-07-10", "1998-06-10", "1998-07-10", "1999-06-10", "1999-07-10", "2000-06-10",
                    "2000-07-10", "2001-06-10", "2001-07-10",
                ])),
        Example(
            rule: "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", start: "19970310T090000",
            expected: at(
                nine,
                [
                    "1997-03-10", "1999-01-10", "1999-02-10", "1999-03-10", "2001-01-10", "2001-02-10", "2001-03-10",
                    "2003-01-10", "2003-02-10", "2003-03-10",
                ])),
        Example(
            rule: "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", start: "19970101T090000",
            expected: at(
                nine,
                [
                    "1997-01-01", "1997-04-10", "1997-07-19", "2000-01-01", "2000-04-09", "2000-07-18", "2003-01-01",
                    "2003-04-10", "2003-07-19", "2006-01-01",
                ])),
        Example(
            rule: "FREQ=YEARLY;BYDAY=20MO", start: "19970519T090000",
            expected: at(nine, ["1997-05-19", "1998-05-18", "1999-05-17"]), limit: 3),
        Example(
            rule: "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", start: "19970512T090000",
            expected: at(nine, ["1997-05-12", "1998-05-11", "1999-05-17"]), limit: 3),
        Example(
            rule: "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", start: "19970313T090000",
            expected: at(
                nine,
                [
                    "1997-03-13", "1997-03-20", "1997-03-27", "1998-03-05", "1998-03-12", "1998-03-19", "1998-03-26",
                    "1999-03-04", "1999-03-11", "1999-03-18", "1999-03-25",
                ]), limit: 11),
        Example(
            rule: "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", start: "19970605T090000",
            expected: at(
                nine,
                [
                    "1997-06-05", "1997-06-12", "1997-06-19", "1997-06-26", "1997-07-03", "1997-07-10", "1997-07-17",
                    "1997-07-24", "1997-07-31", "1997-08-07", "1997-08-14", "1997-08-21", "1997-08-28", "1998-06-04",
                ]), limit: 14),
        Example(
            rule: "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", start: "19970902T090000",
            expected: at(nine, ["1998-02-13", "1998-03-13", "1998-11-13", "1999-08-13", "2000-10-13"]), limit: 5,
            exceptions: ["1997-09-02T09:00:00"]),
        Example(
            rule: "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", start: "19970913T090000",
            expected: at(
                nine,
                [
                    "1997-09-13", "1997-10-11", "1997-11-08", "1997-12-13", "1998-01-10", "1998-02-07", "1998-03-07",
                    "1998-04-11", "1998-05-09", "1998-06-13",
                ]), limit: 10),
        Example(
            rule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", start: "19961105T090000",
            expected: at(nine, ["1996-11-05", "2000-11-07", "2004-11-02"]), limit: 3),
        Example(
            rule: "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", start: "19970904T090000",
            expected: at(nine, ["1997-09-04", "1997-10-07", "1997-11-06"])),
        Example(
            rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", start: "19970929T090000",
            expected: at(
                nine,
                ["1997-09-29", "1997-10-30", "1997-11-27", "1997-12-30", "1998-01-29", "1998-02-26", "1998-03-30"]),
            limit: 7),
        Example(
            rule: "FREQ=MINUTELY;INTERVAL=15;COUNT=6", start: "19970902T090000",
            expected: ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"].map { "1997-09-02T\($0):00" }),
        Example(
            rule: "FREQ=MINUTELY;INTERVAL=90;COUNT=4", start: "19970902T090000",
            expected: ["09:00", "10:30", "12:00", "13:30"].map { "1997-09-02T\($0):00" }),
        Example(
            rule: "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", start: "19970902T090000",
            expected: ["09:00", "09:20", "09:40", "10:00"].map { "1997-09-02T\($0):00" }, limit: 4),
        Example(
            rule: "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", start: "19970902T090000",
            expected: ["1997-09-02T16:20:00", "1997-09-02T16:40:00", "1997-09-03T09:00:00"], limit: 25),
        Example(
            rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", start: "19970805T090000",
            expected: at(nine, ["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"])),
        Example(
            rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", start: "19970805T090000",
            expected: at(nine, ["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"])),
        Example(
            rule: "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", start: "20070115T090000",
            expected: at(nine, ["2007-01-15", "2007-01-30", "2007-02-15", "2007-03-15", "2007-03-30"])),
    ]

    @Test(arguments: examples)
    func matchesTheRFC(_ example: Example) throws {
        var got = try expand(example.rule, from: example.start, limit: example.limit, exceptions: example.exceptions)
        // The 20-minute example checks the day's end and the next day's start.
        if example.rule.hasPrefix("FREQ=MINUTELY;INTERVAL=20") { got = Array(got.suffix(3)) }
        #expect(got == example.expected)
    }

    @Test func dailyUntilChristmasEveUTC() throws {
        let got = try expand("FREQ=DAILY;UNTIL=19971224T000000Z", from: "19970902T090000")
        #expect(got.count == 113)
        #expect(got.last == "1997-12-23T09:00:00")
    }

    @Test func everyDayInJanuaryForThreeYearsBothWays() throws {
        let yearly = try expand(
            "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", from: "19980101T090000")
        let daily = try expand("FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", from: "19980101T090000")
        #expect(yearly.count == 93)
        #expect(yearly == daily)
        #expect(yearly.last == "2000-01-31T09:00:00")
    }

    @Test func weeklyUntilChristmasEve() throws {
        let got = try expand("FREQ=WEEKLY;UNTIL=19971224T000000Z", from: "19970902T090000")
        #expect(got.count == 17)
        #expect(got.last == "1997-12-23T09:00:00")
    }
}
