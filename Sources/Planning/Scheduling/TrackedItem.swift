public import Dates

/// A scheduled item as published: what the calendar said, its SEQUENCE, and whether it still stands.
public struct TrackedItem: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case scheduled, cancelled
    }

    public var item: ScheduledItem
    public var status: Status
    /// RFC 5545 SEQUENCE: bumped each time a published item changes, so clients move it.
    public var sequence: Int
    /// When families are told (the date of its families notice): from then on it no longer moves.
    public var noticeDate: CalendarDate?
    /// The `--as-of` day of the run that last changed it; its DTSTAMP.
    public var changedOn: CalendarDate

    public init(
        item: ScheduledItem, status: Status = .scheduled, sequence: Int = 0, noticeDate: CalendarDate? = nil,
        changedOn: CalendarDate
    ) {
        self.item = item
        self.status = status
        self.sequence = sequence
        self.noticeDate = noticeDate
        self.changedOn = changedOn
    }

    /// Announced to families by `day`: its notice has gone out.
    public func isAnnounced(by day: CalendarDate) -> Bool { noticeDate.map { $0 <= day } ?? false }
}

/// What a re-plan changes in the published schedule.
public struct ReplanResult: Sendable {
    public var added: [TrackedItem] = []
    public var moved: [(from: TrackedItem, to: TrackedItem)] = []
    public var cancelled: [TrackedItem] = []
    /// Items that differ from the new plan but stay put: done, in the past, or announced.
    public var kept: [TrackedItem] = []
    public var unchanged = 0
    /// Items that stay as published whose families notice day changed (the notice moved off a new
    /// closure): stored, not re-published (their calendar entry is the same).
    public var renoticed: [TrackedItem] = []
    /// Why each moved or cancelled item had to change, by UID (`closure added: Snow Day`).
    public var reasons: [String: String] = [:]
    /// What a re-plan could not place again (its window closed, or no day is left after today).
    public var skipped: [SchedulingError] = []

    public var isEmpty: Bool { added.isEmpty && moved.isEmpty && cancelled.isEmpty }
}

/// Compares a fresh schedule with what was published and decides what may change.
///
/// Only future items that are not done and not yet announced move; a moved item keeps its UID and
/// gets SEQUENCE + 1; an item the plan no longer has is cancelled (and published as cancelled); an
/// announced item whose day became a closure (a snow day) is cancelled and a make-up takes its place.
public enum Replan {
    public static func diff(
        published: [TrackedItem], planned: [ScheduledItem], asOf: CalendarDate,
        isClosed: (_ schoolID: String, _ date: CalendarDate) -> Bool
    ) -> ReplanResult {
        var result = ReplanResult()
        // Positions, not copies: a state's year is most of a million items, each a dozen strings.
        let old = Dictionary(published.indices.map { (published[$0].item.uid, $0) }, uniquingKeysWith: { a, _ in a })
        // Announced, then the day was lost (a snow day): it is cancelled with its notices and review,
        // and a make-up with fresh notices takes its place.
        let lost = Set(
            published.filter {
                $0.status == .scheduled && $0.item.relatedTo == nil && !$0.item.id.hasSuffix("-makeup")
                    && $0.item.date > asOf && $0.isAnnounced(by: asOf) && isClosed($0.item.schoolID, $0.item.date)
            }.map(\.item.id))
        let madeUp = Set(published.filter { $0.item.id.hasSuffix("-makeup") }.map(\.item.id))
        // The plan's entries for a lost slot (the item, its notices, its review) become the make-up's.
        let planned =
            lost.isEmpty && madeUp.isEmpty
            ? planned
            : planned.map { item in
                let main = item.relatedTo ?? item.id
                guard lost.contains(main) || madeUp.contains(main + "-makeup") else { return item }
                var item = item
                item.uid = makeUpUID(item.uid)
                item.id += "-makeup"
                item.relatedTo = item.relatedTo.map { $0 + "-makeup" }
                return item
            }
        let notices = Dictionary(
            planned.filter { $0.adminOnly && $0.id.contains("families-notice") }.compactMap { item in
                item.relatedTo.map { ($0, item.date) }
            }, uniquingKeysWith: min)
        let plannedUIDs = Set(planned.map(\.uid))
        for item in planned {
            let noticeDate = notices[item.id]
            guard let position = old[item.uid] else {
                result.added.append(TrackedItem(item: item, noticeDate: noticeDate, changedOn: asOf))
                continue
            }
            let before = published[position]
            if before.status == .scheduled && before.item == item {
                if before.noticeDate == noticeDate {
                    result.unchanged += 1
                } else if !before.isAnnounced(by: asOf) {
                    var renoticed = before
                    renoticed.noticeDate = noticeDate
                    result.renoticed.append(renoticed)
                } else {
                    result.unchanged += 1
                }
                continue
            }
            let locked = before.item.date <= asOf || before.isAnnounced(by: asOf)
            if before.status == .scheduled && locked {
                result.kept.append(before)
                continue
            }
            if before.status == .cancelled && item.date <= asOf { continue }
            var moved = TrackedItem(item: item, noticeDate: noticeDate, changedOn: asOf)
            moved.sequence = before.sequence + 1
            result.moved.append((before, moved))
        }
        for before in published where before.status == .scheduled && !plannedUIDs.contains(before.item.uid) {
            // A lost item and what follows it are cancelled, past notices included: they served a day that is gone.
            if before.item.date > asOf || lost.contains(before.item.relatedTo ?? before.item.id) {
                result.cancelled.append(cancel(before, asOf))
            }
        }
        return result
    }

    static func makeUpUID(_ uid: String) -> String {
        uid.hasSuffix("@drillbook") ? String(uid.dropLast(10)) + "/makeup@drillbook" : uid + "/makeup"
    }

    private static func cancel(_ item: TrackedItem, _ asOf: CalendarDate) -> TrackedItem {
        var cancelled = item
        cancelled.status = .cancelled
        cancelled.sequence += 1
        cancelled.changedOn = asOf
        return cancelled
    }
}
