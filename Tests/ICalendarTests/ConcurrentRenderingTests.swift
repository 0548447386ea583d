import Dates
import Dispatch
import Synchronization
import Testing

@testable import ICalendar

/// Rendering events takes no lock (`Libical.rendering`): libical's own per-thread state is all it
/// touches. ThreadSanitizer cannot see into libical, so this renders the same varied events on
/// many threads at once, beside parses that take the lock and change libical's error states (each
/// parsing its slices on one more thread, `SliceReader`), and expects every text to be the one a
/// single thread makes, and every read what a whole-file read finds.
@Suite struct ConcurrentRenderingTests {
    static func events() throws -> [Event] {
        let stamp = WallTime(year: 2027, month: 8, day: 1, hour: 12)
        var events: [Event] = []
        for index in 0..<60 {
            let day = CalendarDate(year: 2027, month: 9, day: 1).adding(days: index)
            var event = Event(
                uid: "event-\(index)@test",
                summary: "Drill \(index): " + String(repeating: "évacuation ", count: index % 9),
                start: index % 3 == 0
                    ? .date(day)
                    : index % 3 == 1
                        ? .zoned(WallTime(date: day, hour: 9, minute: index % 60), tzid: "America/Chicago")
                        : .utc(WallTime(date: day, hour: 14)),
                description: index % 2 == 0
                    ? "Line one\nline two, with; punctuation\\ and a long tail " + String(repeating: "x", count: index)
                    : nil,
                location: "Room \(index)", categories: ["DRILL", "Cat, \(index)"], status: .confirmed,
                sequence: index % 4, stamp: stamp,
                alarms: index % 5 == 0 ? [Alarm(triggerOffset: -900, description: "Soon")] : [],
                extraProperties: [ExtraProperty(name: "X-DRILLBOOK-KIND", value: "drill/\(index)")])
            if index % 3 == 1 {
                event.end = .zoned(WallTime(date: day, hour: 10), tzid: "America/Chicago")
                event.recurrences = [try RecurrenceRule(parsing: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=\(index + 2)")]
                event.exceptionDates = [.zoned(WallTime(date: day.adding(days: 7), hour: 9), tzid: "America/Chicago")]
            }
            events.append(event)
        }
        return events
    }

    @Test func eventsRenderedOnManyThreadsAtOnceAreTheTextsOneThreadMakes() throws {
        let events = try Self.events()
        @Sendable func writer() throws -> CalendarStreamWriter {
            try CalendarStreamWriter(
                header: CalendarDocument(), timeZones: ["America/Chicago": 2027],
                stamp: WallTime(year: 2027, month: 8, day: 1), output: { _ in })
        }
        let expected = try writer().renderEach(events)
        #expect(expected.count == events.count)
        #expect(expected[1].contains("TZID=America/Chicago") && expected[2].contains("Z\r\n"))
        let calendar =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//T//EN\r\n" + expected.joined()
            + "BEGIN:VEVENT\r\nUID:bad\r\nDTSTAMP:20270801T120000Z\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let whole = CalendarReader.inspect(Array(calendar.utf8), file: "mixed.ics", sliceSize: Int.max)
        #expect(whole.document.events.count == events.count && !whole.problems.isEmpty)
        let bytes = Array(calendar.utf8)
        #expect(CalendarSlices(ContentLineScanner(file: "f", bytes: bytes), bytes: bytes, size: 4) != nil)
        let mismatches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 96) { round in
            if round % 4 == 0 {
                // A read beside the renderings: it takes the lock, sets libical's error states, and
                // (in slices of 4) parses each next slice on another thread while it reads this one.
                let inspection = CalendarReader.inspect(Array(calendar.utf8), file: "mixed.ics", sliceSize: 4)
                if inspection.document != whole.document || inspection.problems != whole.problems {
                    mismatches.add(1, ordering: .relaxed)
                }
            } else if let texts = try? writer().renderEach(events), texts == expected {
                return
            } else {
                mismatches.add(1, ordering: .relaxed)
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
    }
}
