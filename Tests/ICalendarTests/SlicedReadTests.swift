import Dates
import Foundation
import Testing

@testable import ICalendar

/// A large calendar is read a slice at a time (libical's tree of the whole file is never held):
/// what the read finds must be exactly what reading the file whole finds.
@Suite struct SlicedReadTests {
    static func expectSame(_ bytes: [UInt8], _ file: String, sliceSizes: [Int] = [1, 2, 5]) {
        let whole = CalendarReader.inspect(bytes, file: file, sliceSize: Int.max)
        for size in sliceSizes {
            let sliced = CalendarReader.inspect(bytes, file: file, sliceSize: size)
            #expect(sliced.problems == whole.problems, "slices of \(size): \(sliced.problems) vs \(whole.problems)")
            #expect(sliced.document == whole.document, "slices of \(size)")
        }
    }

    /// Zones defined after the events that use them, a known zone never defined (said once), a UID
    /// given twice in different slices, overrides in other slices than their series (Outlook's
    /// all-day ones matched by date), bad dates, rules and durations, alarms, a to-do, Google's
    /// X-WR-TIMEZONE applied to every slice's events, a long line.
    static let faulty: String = {
        func event(_ body: String) -> String { "BEGIN:VEVENT\r\n\(body)DTSTAMP:20270801T000000Z\r\nEND:VEVENT\r\n" }
        var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Sliced//EN\r\nX-WR-TIMEZONE:America/Chicago\r\n"
        text += event("UID:series\r\nSUMMARY:Weekly\r\nDTSTART;VALUE=DATE:20270906\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\n")
        text += event("UID:utc\r\nSUMMARY:Google writes UTC\r\nDTSTART:20270907T140000Z\r\nDTEND:20270907T150000Z\r\n")
        text += event("UID:zoned\r\nSUMMARY:Zoned\r\nDTSTART;TZID=America/Chicago:20270908T090000\r\nDURATION:PT1H\r\n")
        text += event("UID:bad-date\r\nSUMMARY:No such day\r\nDTSTART;VALUE=DATE:20270931\r\n")
        text += event("UID:east\r\nSUMMARY:Undefined\r\nDTSTART;TZID=America/New_York:20270910T090000\r\n")
        text += event(
            "UID:series\r\nSUMMARY:Moved\r\nRECURRENCE-ID;TZID=America/Chicago:20270913T000000\r\n"
                + "DTSTART;VALUE=DATE:20270914\r\n")
        text +=
            "BEGIN:VTIMEZONE\r\nTZID:America/Chicago\r\nBEGIN:STANDARD\r\nDTSTART:19701101T020000\r\n"
            + "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0600\r\nEND:STANDARD\r\n"
            + "BEGIN:DAYLIGHT\r\nDTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
            + "TZOFFSETFROM:-0600\r\nTZOFFSETTO:-0500\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        text += event("UID:east-2\r\nSUMMARY:Undefined again\r\nDTSTART;TZID=America/New_York:20270911T090000\r\n")
        text += event("UID:rule\r\nSUMMARY:Bad rule\r\nDTSTART;VALUE=DATE:20270915\r\nRRULE:FREQ=WEEKLY;BYDAYY=MO\r\n")
        text += event("UID:long\r\nSUMMARY:Long\r\nDTSTART;VALUE=DATE:20270916\r\nDURATION:PT99999H\r\n")
        text += event(
            "UID:both\r\nSUMMARY:Both\r\nDTSTART;TZID=America/Chicago:20270917T090000\r\n"
                + "DTEND;TZID=America/Chicago:20270917T100000\r\nDURATION:PT1H\r\n")
        text += "BEGIN:VTODO\r\nUID:todo\r\nSUMMARY:A task\r\nDTSTAMP:20270801T000000Z\r\nEND:VTODO\r\n"
        text += event(
            "UID:alarm\r\nSUMMARY:With alarm\r\nDTSTART;VALUE=DATE:20270920\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                + "DESCRIPTION:Soon\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n")
        text += event("UID:zoned\r\nSUMMARY:Same UID again\r\nDTSTART;VALUE=DATE:20270921\r\n")
        text += event(
            "UID:wide\r\nSUMMARY:" + String(repeating: "x", count: 90) + "\r\nDTSTART;VALUE=DATE:20270922\r\n")
        text += event(
            "UID:series\r\nSUMMARY:Moved again\r\nRECURRENCE-ID;VALUE=DATE:20270920\r\nDTSTART;VALUE=DATE:20270921\r\n")
        return text + "END:VCALENDAR\r\n"
    }()

    @Test func aCalendarWithEveryKindOfFaultReadsTheSameInSlices() throws {
        let bytes = Array(Self.faulty.utf8)
        // Sliced for real (the test is not comparing the whole read with itself).
        #expect(CalendarSlices(ContentLineScanner(file: "f", bytes: bytes), bytes: bytes, size: 2) != nil)
        let whole = CalendarReader.inspect(bytes, file: "faulty.ics", sliceSize: Int.max)
        #expect(whole.problems.count >= 6, "\(whole.problems)")
        #expect(whole.document.events.count >= 12)
        Self.expectSame(bytes, "faulty.ics")
    }

    /// libical hands back a VTIMEZONE written after the events before them: each event must still be
    /// paired with its own lines (one cursor over the text's blocks paired every event after the
    /// zone with the one before it: rules dropped, faults reported on the wrong line or on line 1).
    @Test func eventsBeforeTheirZoneKeepTheirOwnLines() throws {
        let read = CalendarReader.inspect(Array(Self.faulty.utf8), file: "faulty.ics", sliceSize: Int.max)
        let series = read.document.events.first { $0.uid == "series" && $0.recurrenceID == nil }
        #expect(series?.recurrences.map(\.description) == ["FREQ=WEEKLY;COUNT=5"])
        let lines = Self.faulty.components(separatedBy: "\r\n")
        func line(_ text: String) -> Int { (lines.firstIndex { $0.contains(text) } ?? -1) + 1 }
        let found = Dictionary(read.problems.map { ($0.message, $0.line) }, uniquingKeysWith: min)
        #expect(found.first { $0.key.contains("2027-09-31") }?.value == line("20270931"))
        #expect(found.first { $0.key.contains("PT99999H") }?.value == line("PT99999H"))
        #expect(found.first { $0.key.contains("BYDAYY") }?.value == line("BYDAYY"))
        #expect(!read.problems.contains { $0.line == 1 }, "\(read.problems)")
    }

    /// Every client fixture, whether it can be sliced or is read whole.
    @Test(arguments: ClientQuirkTests.fixtures.map { "quirks/\($0)" } + ["broken.ics"])
    func everyFixtureReadsTheSameInSlices(_ name: String) throws {
        Self.expectSame(try fixture(name), name)
    }

    /// A file laid out otherwise (a blank line between components, a property after them) is read
    /// whole: slicing it could change what libical sees.
    @Test func onlyAPlainlyLaidOutCalendarIsSliced() {
        let zone = Self.faulty.components(separatedBy: "BEGIN:VTIMEZONE")[1].components(separatedBy: "END:VTIMEZONE")[0]
        let zonesAlone =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Sliced//EN\r\n"
            + String(repeating: "BEGIN:VTIMEZONE\(zone)END:VTIMEZONE\r\n", count: 3) + "END:VCALENDAR\r\n"
        for odd in [
            zonesAlone,
            Self.faulty.replacingOccurrences(of: "END:VTODO\r\n", with: "END:VTODO\r\n\r\n"),
            Self.faulty.replacingOccurrences(of: "END:VCALENDAR", with: "CALSCALE:GREGORIAN\r\nEND:VCALENDAR"),
        ] {
            let bytes = Array(odd.utf8)
            #expect(CalendarSlices(ContentLineScanner(file: "f", bytes: bytes), bytes: bytes, size: 2) == nil)
            Self.expectSame(bytes, "odd.ics")
        }
    }
}
