import Dates
import Foundation
import Testing

@testable import ICalendar

/// What `CalendarWriter` puts in a file, read back by libical and checked line by line.
@Suite struct WriterTests {
    static let stamp = WallTime(year: 2027, month: 8, day: 1, hour: 12)

    static func drill(uid: String = "lincoln-hs/fire-1@lakeside-isd", summary: String = "Fire drill") -> Event {
        Event(
            uid: uid, summary: summary,
            start: .zoned(WallTime(year: 2027, month: 9, day: 2, hour: 9), tzid: "America/Chicago"),
            end: .zoned(WallTime(year: 2027, month: 9, day: 2, hour: 9, minute: 20), tzid: "America/Chicago"),
            description: "Evacuate; account for every student.", location: "Lincoln High School",
            categories: ["drill/fire", "announced"], status: .confirmed, sequence: 2,
            alarms: [Alarm(triggerOffset: -900, description: "Fire drill in 15 minutes")],
            extraProperties: [ExtraProperty(name: "X-DRILLBOOK-ITEM", value: "lincoln-hs/fire-1")])
    }

    static func document(_ events: [Event]) -> CalendarDocument {
        CalendarDocument(name: "Lincoln High School (staff)", description: "Safety drills", events: events)
    }

    @Test func roundTripKeepsEveryField() throws {
        let allDay = Event(
            uid: "lincoln-hs/review@lakeside-isd", summary: "Protocol review",
            start: .date(day("2027-09-06")), end: .date(day("2027-09-07")))
        let weekly = Event(
            uid: "team@lakeside-isd", summary: "Threat assessment team",
            start: .zoned(wall("2027-09-01T15:30:00"), tzid: "America/Chicago"),
            end: .zoned(wall("2027-09-01T16:30:00"), tzid: "America/Chicago"),
            recurrence: try RecurrenceRule(parsing: "FREQ=WEEKLY;COUNT=10;BYDAY=WE"),
            exceptionDates: [.zoned(wall("2027-09-15T15:30:00"), tzid: "America/Chicago")])
        let text = try CalendarWriter(stamp: Self.stamp).write(Self.document([Self.drill(), allDay, weekly]))
        let read = try CalendarReader.read(text).document
        var expected = [Self.drill(), allDay, weekly]
        for index in expected.indices { expected[index].stamp = Self.stamp }
        #expect(read.events == expected)
        #expect(read.name == "Lincoln High School (staff)")
        #expect(read.method == "PUBLISH")
    }

    @Test func writesCRLFAndFoldsAt75OctetsOnCharacterBoundaries() throws {
        let summary =
            "Évacuation incendie — exercice de sécurité de l’école élémentaire Lincoln "
            + String(repeating: "✓", count: 60) + " 🚒🚒🚒 end"
        let text = try CalendarWriter(stamp: Self.stamp).write(Self.document([Self.drill(summary: summary)]))
        let bytes = Array(text.utf8)
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") {
                #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"), "bare LF at octet \(index)")
                lines.append(current.last == UInt8(ascii: "\r") ? current.dropLast() : current)
                current = []
            } else {
                current.append(byte)
            }
        }
        #expect(current.isEmpty, "file must end with CRLF")
        for line in lines {
            #expect(line.count <= 75, "line of \(line.count) octets")
            #expect(String(validating: line, as: UTF8.self) != nil, "a fold split a UTF-8 character")
        }
        #expect(try CalendarReader.read(text).document.events.first?.summary == summary)
    }

    @Test func addsOneVTimezonePerZoneWithThePlainOlsonName() throws {
        var other = Self.drill(uid: "denver@lakeside-isd")
        other.start = .zoned(wall("2027-09-03T09:00:00"), tzid: "America/Denver")
        other.end = nil
        let text = try CalendarWriter(stamp: Self.stamp).write(
            Self.document([Self.drill(), other, Self.drill(uid: "2")]))
        #expect(text.components(separatedBy: "BEGIN:VTIMEZONE").count == 3)
        #expect(text.contains("TZID:America/Chicago\r\n"))
        #expect(text.contains("TZID:America/Denver\r\n"))
        #expect(text.contains("DTSTART;TZID=America/Chicago:20270902T090000\r\n"))
        #expect(!text.contains("freeassociation"))
        // History is cut: no 1883 railway time in a 2027 calendar.
        #expect(!text.contains("1883"))
        #expect(CalendarReader.inspect(Array(text.utf8), file: "out.ics").problems.isEmpty)
    }

    @Test func allDayEventsUseDateValuesWithExclusiveEnd() throws {
        let event = Event(
            uid: "a", summary: "Staff day", start: .date(day("2027-08-09")), end: .date(day("2027-08-10")))
        let text = try CalendarWriter(stamp: Self.stamp).write(Self.document([event]))
        #expect(text.contains("DTSTART;VALUE=DATE:20270809\r\n"))
        #expect(text.contains("DTEND;VALUE=DATE:20270810\r\n"))
    }

    @Test func outputIsByteIdenticalForTheSameInput() throws {
        let writer = CalendarWriter(stamp: Self.stamp)
        let first = try writer.write(Self.document([Self.drill(), Self.drill(uid: "b")]))
        let second = try writer.write(Self.document([Self.drill(), Self.drill(uid: "b")]))
        #expect(first == second)
        #expect(first.contains("DTSTAMP:20270801T120000Z\r\n"))
        #expect(first.contains("METHOD:PUBLISH\r\n"))
    }

    @Test func unknownZoneIsAnErrorNotAFloatingTime() throws {
        var event = Self.drill()
        event.start = .zoned(wall("2027-09-02T09:00:00"), tzid: "America/Lakeside")
        #expect(throws: CalendarWriteError.unknownTimeZone("America/Lakeside", uid: event.uid)) {
            try CalendarWriter(stamp: Self.stamp).write(Self.document([event]))
        }
    }
}

extension WriterTests {
    /// libical 3.0.16 folds between the CR and LF of a line whose last fold is exactly full (a bare
    /// CR), or adds an empty continuation line; the wrapper mends both.
    @Test(arguments: 70...80)
    func aValueThatFillsTheLastFoldKeepsItsLineEnd(length: Int) throws {
        let uid = String(repeating: "u", count: length - 10) + "@drillbook"
        let text = try CalendarWriter(stamp: Self.stamp).write(Self.document([Self.drill(uid: uid)]))
        #expect(!text.contains("\r\r"))
        #expect(!text.contains("\n \r\n") && !text.contains("\n \n"))
        let inspection = CalendarReader.inspect(Array(text.utf8), file: "out.ics")
        #expect(inspection.problems.isEmpty, "\(inspection.problems)")
        #expect(inspection.document.events.first?.uid == uid)
    }

    @Test func repairMendsBothShapesOfTheFault() {
        // The two shapes libical writes (seen with values of 73 and 74 octets after "UID:" and a fold).
        let value = String(repeating: "u", count: 73)
        #expect(Libical.repairFolds("UID:\r\n \(value)\r\r\n \nEND") == "UID:\r\n \(value)\r\nEND")
        #expect(Libical.repairFolds("UID:\r\n \(value)u\r\n \r\nEND") == "UID:\r\n \(value)u\r\nEND")
    }
}

extension WriterTests {
    /// Events that share lines, and lines that only look alike: the same wall time in two zones,
    /// floating and UTC, a day and a midnight; values that fill a fold to 73, 74, 75, 76 octets.
    static func lookAlikes() throws -> [Event] {
        let wall = WallTime(year: 2027, month: 9, day: 2, hour: 9)
        let times: [EventTime] = [
            .zoned(wall, tzid: "America/Chicago"), .zoned(wall, tzid: "America/New_York"), .floating(wall), .utc(wall),
            .date(wall.date), .utc(WallTime(date: wall.date)),
        ]
        var events: [Event] = []
        for (index, start) in times.enumerated() {
            for length in 73...76 {
                var event = drill(
                    uid: "look-\(index)-\(length)@test", summary: String(repeating: "é", count: length / 2))
                event.start = start
                event.end = times[(index + length) % times.count]
                event.location = length % 2 == 0 ? "Lincoln High School" : String(repeating: "L", count: length - 9)
                event.status = [nil, .tentative, .confirmed, .cancelled][length % 4]
                event.sequence = length % 3
                event.stamp = length % 2 == 0 ? nil : wall
                event.categories = length % 2 == 0 ? ["drill", "fire"] : ["drill, fire"]
                if length == 74 {
                    event.end = nil
                    event.duration = EventDuration(days: 1, seconds: 600)
                    event.recurrenceID = start
                    event.overridesFuture = true
                    event.recurrenceDates = [start]
                    event.recurrencePeriods = [
                        EventPeriod(start: .utc(wall), end: .utc(WallTime(date: wall.date, hour: 10)))
                    ]
                }
                events.append(event)
            }
        }
        return events
    }

    /// An event's text made line by line, with lines shared from event to event, is the text libical
    /// writes for the whole event, whatever came before it.
    @Test func sharedLinesMakeTheTextLibicalWritesForTheWholeEvent() throws {
        let writer = CalendarWriter(stamp: Self.stamp)
        let events = try Self.lookAlikes() + ConcurrentRenderingTests.events() + [Self.drill()]
        // libical's text of each event as a whole: its VEVENT in a calendar of its own.
        let whole = try events.map { event in
            let text = try writer.write(CalendarDocument(events: [event]))
            let start = try #require(text.range(of: "BEGIN:VEVENT\r\n"))
            let end = try #require(text.range(of: "END:VEVENT\r\n", options: .backwards))
            return String(text[start.lowerBound..<end.upperBound])
        }
        for order in [Array(events.indices), events.indices.reversed(), events.indices.shuffled()] {
            var shared: [CalendarWriter.SharedLine: String] = [:]
            for index in order {
                let text = try writer.text(for: events[index], shared: &shared)
                #expect(text == whole[index], "\(events[index].uid)")
            }
            #expect(shared.count > 30 && shared.count < events.count * 6)
        }
    }
}
