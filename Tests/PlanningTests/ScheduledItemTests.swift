import Dates
import Testing

@testable import Planning

/// An item's values are held once and shared by its copies: a copy changed must never change the
/// item it came from (a re-plan rewords the copy it stores, not the published item it compares
/// with), and two items are equal, and hash alike, by their values, however they were made.
@Suite struct ScheduledItemTests {
    @Test func changingACopyLeavesTheOriginalAsItWas() {
        let published = ReplanTests.item(1, on: "2027-09-15")
        var reworded = published
        reworded.title = "Lockdown drill (new words)"
        reworded.presence.append("police")
        reworded.date = CalendarDate(year: 2027, month: 9, day: 16)
        #expect(published.title == "Lockdown drill")
        #expect(published.presence.isEmpty)
        #expect(published.date == CalendarDate(year: 2027, month: 9, day: 15))
        #expect(reworded.title == "Lockdown drill (new words)" && reworded.presence == ["police"])
        #expect(reworded != published)
        // Changed back, field by field: equal again though each holds values of its own.
        reworded.title = published.title
        reworded.presence = []
        reworded.date = published.date
        #expect(reworded == published)
    }

    @Test func equalValuesAreEqualAndHashAlikeWhereverTheyWereMade() {
        let first = ReplanTests.item(2, on: "2027-10-04")
        let again = ReplanTests.item(2, on: "2027-10-04")
        let copy = first
        #expect(first == again && first == copy)
        #expect(first.hashValue == again.hashValue)
        #expect(Set([first, again, copy]).count == 1)
        // Every field counts: one differing in any one of them is another item.
        var others: [ScheduledItem] = []
        func changed(_ change: (inout ScheduledItem) -> Void) {
            var item = first
            change(&item)
            others.append(item)
        }
        changed { $0.id += "x" }
        changed { $0.uid += "x" }
        changed { $0.schoolID += "x" }
        changed { $0.activityID += "x" }
        changed { $0.slot += 1 }
        changed { $0.kind = .drill("fire") }
        changed { $0.title += "x" }
        changed { $0.description = "x" }
        changed { $0.date = CalendarDate(year: 2027, month: 10, day: 5) }
        changed { $0.start = nil }
        changed { $0.durationMinutes += 1 }
        changed { $0.timeZone = "America/Denver" }
        changed { $0.announced.toggle() }
        changed { $0.adminOnly.toggle() }
        changed { $0.owner += "x" }
        changed { $0.presence = ["fire"] }
        changed { $0.relatedTo = "x" }
        changed { $0.timeContext = .lunch }
        changed { $0.source = "x" }
        for (index, other) in others.enumerated() { #expect(other != first, "field \(index)") }
        #expect(Set(others + [first]).count == others.count + 1)
    }
}
