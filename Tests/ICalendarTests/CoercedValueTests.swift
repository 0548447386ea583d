import Testing

@testable import ICalendar

/// Values libical 3.0.16 reads without a word though RFC 5545 does not allow them (it takes
/// `SEQUENCE:abc` as 0): `validate` reports each on its line, once (a second report would mean
/// libical now says so itself, and the check can go), and reading keeps a file whose events
/// mean the same while refusing one whose zone offsets cannot be read.
@Suite struct CoercedValueTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var line: String
        var says: String?
        var kind: CalendarProblem.Kind = .coercedValue
        var inZone = false
        var testDescription: String { line }
    }

    static let cases: [Case] = [
        Case(line: "SEQUENCE:abc", says: "SEQUENCE \"abc\" is not a whole number"),
        Case(line: "SEQUENCE:-1", says: "SEQUENCE \"-1\" is not a whole number from 0"),
        Case(line: "SEQUENCE:1.5", says: "SEQUENCE \"1.5\" is not a whole number"),
        Case(line: "SEQUENCE:99999999999999999999", says: "is not a whole number from 0 to 2147483647"),
        Case(line: "SEQUENCE:+3", says: nil),
        Case(line: "SEQUENCE:0", says: nil),
        Case(line: "PRIORITY:high", says: "PRIORITY \"high\" is not a whole number from 0 to 9"),
        Case(line: "PRIORITY:10", says: "PRIORITY \"10\" is not a whole number from 0 to 9"),
        Case(line: "PRIORITY:9", says: nil),
        Case(line: "STATUS:DONE", says: "STATUS \"DONE\" is not a VEVENT status (TENTATIVE, CONFIRMED or CANCELLED)"),
        Case(line: "STATUS:NEEDS-ACTION", says: "is not a VEVENT status"),
        Case(line: "STATUS:cancelled", says: nil),
        Case(line: "TRANSP:SOMETIMES", says: "TRANSP \"SOMETIMES\" is not OPAQUE or TRANSPARENT"),
        Case(line: "TRANSP:Transparent", says: nil),
        Case(line: "TZOFFSETFROM:abc", says: "TZOFFSETFROM \"abc\" is not a UTC offset", kind: .timeZone, inZone: true),
        Case(line: "TZOFFSETFROM:+2500", says: "is not a UTC offset", kind: .timeZone, inZone: true),
        Case(line: "TZOFFSETFROM:-05", says: "is not a UTC offset", kind: .timeZone, inZone: true),
        Case(line: "TZOFFSETFROM:-0000", says: "\"-0000\" is not allowed; UTC is +0000", inZone: true),
        Case(line: "TZOFFSETFROM:-050030", says: nil, inZone: true),
        Case(line: "TZOFFSETFROM:+0545", says: nil, inZone: true),
    ]

    /// A calendar of one zone and one event; `line` is the zone's TZOFFSETFROM or the event's last line.
    static func calendar(_ example: Case) -> String {
        let lines =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN", "BEGIN:VTIMEZONE", "TZID:Test/Zone",
                "BEGIN:STANDARD", "DTSTART:19700101T000000", example.inZone ? example.line : "TZOFFSETFROM:-0500",
                "TZOFFSETTO:-0500", "END:STANDARD", "END:VTIMEZONE", "BEGIN:VEVENT", "UID:a@test",
                "DTSTAMP:20270801T120000Z", "DTSTART;TZID=Test/Zone:20270902T090000", "SUMMARY:Drill",
            ] + (example.inZone ? [] : [example.line]) + ["END:VEVENT", "END:VCALENDAR"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test(arguments: cases)
    func aValueLibicalTakesSilentlyIsReportedOnItsLine(_ example: Case) throws {
        let text = Self.calendar(example)
        let inspection = CalendarReader.inspect(Array(text.utf8), file: "test.ics")
        guard let says = example.says else {
            #expect(inspection.problems.isEmpty, "\(inspection.problems)")
            return
        }
        let line = text.split(separator: "\r\n").firstIndex { $0 == example.line }! + 1
        #expect(inspection.problems.count == 1, "\(inspection.problems)")
        let problem = try #require(inspection.problems.first)
        #expect(problem.line == line)
        #expect(problem.message.contains(says), "\(problem.message)")
        #expect(problem.kind == example.kind)
        #expect(problem.kind.breaksRFC, "validate calls it an error")
        // Reading for use keeps what means the same and refuses a zone it cannot place times in.
        if example.kind.isTolerable {
            #expect(try CalendarReader.read(text).document.events.count == 1)
        } else {
            #expect(throws: CalendarReadError.self) { try CalendarReader.read(text) }
        }
    }

    /// libical takes an INTEGER's leading digits and drops the rest without a word: why its silence
    /// needs a correction.
    @Test func libicalTakesTheLeadingDigitsOfAnInteger() throws {
        let text = Self.calendar(Case(line: "SEQUENCE:7abc", says: ""))
        let inspection = CalendarReader.inspect(Array(text.utf8), file: "test.ics")
        #expect(inspection.document.events.first?.sequence == 7)
        #expect(inspection.problems.map(\.kind) == [.coercedValue])
    }
}

extension CoercedValueTests {
    /// VALUE=DATE is found as a whole parameter in any case, among others, and nothing like it is.
    @Test func valueDateIsFoundAmongTheParameters() {
        for yes in [";VALUE=DATE", ";value=date", ";TZID=America/Chicago;VALUE=DATE", ";Value=Date;X-A=1"] {
            #expect(ReaderWalk.declaresDate(Substring(yes)), "\(yes)")
        }
        for no in ["", ";VALUE=DATE-TIME", ";VALUE=DAT", ";X-VALUE=DATE", ";TZID=VALUE", ";VALUE=DATEX;A=B"] {
            #expect(!ReaderWalk.declaresDate(Substring(no)), "\(no)")
        }
    }
}

extension CoercedValueTests {
    /// A to-do's status is checked against a to-do's values, and the message does not claim it is read.
    @Test func aToDoStatusIsCheckedAsAToDos() {
        let text =
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN", "BEGIN:VTODO", "UID:t@test",
                "DTSTAMP:20270801T120000Z", "status:TENTATIVE", "STATUS:IN-PROCESS", "END:VTODO", "END:VCALENDAR",
            ].joined(separator: "\r\n") + "\r\n"
        let problems = CalendarReader.inspect(Array(text.utf8), file: "todo.ics").problems
        #expect(problems.map(\.line) == [7], "\(problems)")
        #expect(problems.first?.message.hasSuffix("IN-PROCESS or CANCELLED)") == true, "\(problems)")
    }
}
