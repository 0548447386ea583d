import Dates
import Foundation
import Testing

@testable import Planning

/// Re-planning: what moves, what stays, what is cancelled, and SEQUENCE.
@Suite struct ReplanTests {
    static func item(_ n: Int, on date: String, uid: String? = nil) -> ScheduledItem {
        ScheduledItem(
            id: "lincoln-hs/lockdown-drill-\(n)", uid: uid ?? "d/2027-2028/lincoln-hs/lockdown-drill/\(n)@drillbook",
            schoolID: "lincoln-hs", activityID: "lockdown-drill", slot: n, kind: .drill("lockdown"),
            title: "Lockdown drill",
            date: day(date), start: ClockTime(hour: 10), durationMinutes: 20, timeZone: "America/Chicago",
            announced: true,
            owner: "safety_coordinator")
    }

    static func notice(for item: ScheduledItem, on date: String) -> ScheduledItem {
        var notice = item
        notice.id = item.id.replacingOccurrences(of: "drill-", with: "drill-families-notice-")
        notice.uid = item.uid + "/families-notice"
        notice.adminOnly = true
        notice.relatedTo = item.id
        notice.date = day(date)
        return notice
    }

    static func publish(_ items: [ScheduledItem], asOf: String) -> [TrackedItem] {
        let result = Replan.diff(published: [], planned: items, asOf: day(asOf)) { _, _ in false }
        return result.added
    }

    /// A re-plan's parts are joined into the year's list by moving their items: the list gets every
    /// item whole and in order, also when a part's list is shared (then it is copied, not emptied
    /// under its other holder).
    @Test func partsAreJoinedByMovingTheirItemsWhole() {
        let first = Self.publish([Self.item(1, on: "2027-09-10"), Self.item(2, on: "2028-02-10")], asOf: "2027-08-01")
        var second = Self.publish([Self.item(3, on: "2027-10-10")], asOf: "2027-08-01")
        let shared = second
        var joined: [TrackedItem] = []
        var part = first
        joined.append(moving: &part)
        joined.append(moving: &second)
        #expect(joined.map(\.item) == first.map(\.item) + shared.map(\.item))
        #expect(joined.map(\.item.title) == ["Lockdown drill", "Lockdown drill", "Lockdown drill"])
        // What was moved out holds nothing; the other holder of the shared list still has its items.
        #expect(part.count == 2 && part.allSatisfy { $0.item.uid.isEmpty })
        #expect(shared.map(\.item.id) == ["lincoln-hs/lockdown-drill-3"])
    }

    @Test func noChangeChangesNothing() {
        let plan = [Self.item(1, on: "2027-09-10"), Self.item(2, on: "2028-02-10")]
        let published = Self.publish(plan, asOf: "2027-08-01")
        let again = Replan.diff(published: published, planned: plan, asOf: day("2027-08-02")) { _, _ in false }
        #expect(again.isEmpty)
        #expect(again.unchanged == 2)
    }

    @Test func aFutureItemMovesKeepingItsUIDWithTheNextSequence() {
        let published = Self.publish([Self.item(1, on: "2027-09-10")], asOf: "2027-08-01")
        let result = Replan.diff(
            published: published, planned: [Self.item(1, on: "2027-09-14")], asOf: day("2027-08-05")
        ) { _, _ in false }
        #expect(result.moved.count == 1)
        #expect(result.moved[0].to.item.uid == published[0].item.uid)
        #expect(result.moved[0].to.sequence == 1)
        #expect(result.moved[0].to.item.date == day("2027-09-14"))
    }

    @Test func pastAndAnnouncedItemsStayPut() {
        let drill = Self.item(1, on: "2027-09-10")
        let published = Self.publish([drill, Self.notice(for: drill, on: "2027-09-03")], asOf: "2027-08-01")
        #expect(published[0].noticeDate == day("2027-09-03"))
        let moved = Self.item(1, on: "2027-09-20")
        let plan = [moved, Self.notice(for: moved, on: "2027-09-13")]
        // Before the notice goes out the drill may move; after it, or once past, it may not.
        #expect(
            Replan.diff(published: published, planned: plan, asOf: day("2027-09-01")) { _, _ in false }.moved.count == 2
        )
        let announced = Replan.diff(published: published, planned: plan, asOf: day("2027-09-05")) { _, _ in false }
        #expect(announced.moved.filter { $0.to.item.id == drill.id }.isEmpty)
        #expect(announced.kept.map(\.item.id).contains(drill.id))
        let past = Replan.diff(published: published, planned: plan, asOf: day("2027-09-11")) { _, _ in false }
        #expect(past.moved.isEmpty)
    }

    @Test func aVanishedFutureItemIsCancelledAndAPastOneKept() {
        let published = Self.publish(
            [Self.item(1, on: "2027-09-10"), Self.item(2, on: "2027-10-10")], asOf: "2027-08-01")
        let result = Replan.diff(published: published, planned: [], asOf: day("2027-09-20")) { _, _ in false }
        #expect(result.cancelled.map(\.item.id) == ["lincoln-hs/lockdown-drill-2"])
        #expect(result.cancelled[0].status == .cancelled)
        #expect(result.cancelled[0].sequence == 1)
    }

    @Test func anAnnouncedItemLostToASnowDayIsCancelledAndMadeUp() {
        let drill = Self.item(1, on: "2028-01-20")
        let published = Self.publish([drill, Self.notice(for: drill, on: "2028-01-13")], asOf: "2027-08-01")
        let makeUpDay = Self.item(1, on: "2028-01-25")
        let plan = [makeUpDay, Self.notice(for: makeUpDay, on: "2028-01-18")]
        let snow = day("2028-01-20")
        let result = Replan.diff(published: published, planned: plan, asOf: day("2028-01-19")) { _, date in date == snow
        }
        // The drill and its notice are cancelled; the make-up comes with a fresh notice.
        #expect(result.cancelled.map(\.item.uid) == [drill.uid, drill.uid + "/families-notice"])
        let freshNotice = result.added.first { $0.item.adminOnly }
        #expect(freshNotice?.item.relatedTo == "lincoln-hs/lockdown-drill-1-makeup")
        #expect(freshNotice?.item.date == day("2028-01-18"))
        let makeUp = result.added.first { $0.item.kind.isDrill }
        #expect(makeUp?.item.uid == "d/2027-2028/lincoln-hs/lockdown-drill/1/makeup@drillbook")
        #expect(makeUp?.item.id == "lincoln-hs/lockdown-drill-1-makeup")
        #expect(makeUp?.item.date == day("2028-01-25"))
        // The next run with the same plan finds the make-up in place and changes nothing for the drill.
        var stored = published.map { tracked in result.cancelled.first { $0.item.uid == tracked.item.uid } ?? tracked }
        stored += result.added
        let next = Replan.diff(published: stored, planned: plan, asOf: day("2028-01-19")) { _, date in date == snow }
        #expect(next.added.isEmpty && next.cancelled.isEmpty && next.moved.isEmpty)
    }
}
