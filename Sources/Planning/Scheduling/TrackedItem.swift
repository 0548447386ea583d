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

    /// One empty item, shared by every copy (it holds only its one box of values): what a moved item's
    /// old place holds until its array goes.
    package static let vacant = TrackedItem(
        item: ScheduledItem(
            id: "", uid: "", schoolID: "", activityID: "", slot: 0, kind: .protocolReview, title: "",
            description: nil, date: CalendarDate(year: 1970, month: 1, day: 1), start: nil, durationMinutes: 0,
            timeZone: "", announced: false, adminOnly: false, owner: "", presence: [], relatedTo: nil, timeContext: nil,
            source: nil),
        status: .scheduled, sequence: 0, noticeDate: nil, changedOn: CalendarDate(year: 1970, month: 1, day: 1))
}

extension Array where Element == TrackedItem {
    /// The items by school, each school's in the order given, moved out of this array rather than
    /// copied: a copy retains every string of the item again (a state's year is 780,000 items, and
    /// grouping it by copies was a twentieth of `check`).
    public consuming func movedBySchool() -> [String: [TrackedItem]] {
        // Where each school's items are first, then each school's list made at its size: appended
        // one by one, the lists of items (not of positions) were grown and copied again and again.
        var positions: [String: [Int]] = [:]
        withUnsafeBufferPointer { items in
            for index in items.indices { positions[items[index].item.schoolID, default: []].append(index) }
        }
        var bySchool: [String: [TrackedItem]] = [:]
        bySchool.reserveCapacity(positions.count)
        for (school, places) in positions { bySchool[school] = moveOut(places) }
        return bySchool
    }

    /// The items at `positions` (each once), in that order, moved into a list of their own made at
    /// its size; their places here hold `TrackedItem.vacant`, which is shared, until this array
    /// goes.
    package mutating func moveOut(_ positions: [Int]) -> [TrackedItem] {
        let vacant = TrackedItem.vacant
        return withUnsafeMutableBufferPointer { items in
            [TrackedItem](unsafeUninitializedCapacity: positions.count) { list, count in
                for (offset, place) in positions.enumerated() {
                    (list.baseAddress! + offset).moveInitialize(from: items.baseAddress! + place, count: 1)
                    (items.baseAddress! + place).initialize(to: vacant)
                }
                count = positions.count
            }
        }
    }

    /// Appends every item of `other`, moved, not copied (a copy retained every string of the item,
    /// and freeing `other` released them again: a state's first schedule did that for 780,000
    /// items on one core); `other`'s places hold `TrackedItem.vacant`, which is shared.
    package mutating func append(moving other: inout [TrackedItem]) {
        let vacant = TrackedItem.vacant
        // (No reserve here: made exactly to size on every call, a list appended to part after part
        // would be copied each time. The caller reserves the whole.)
        other.withUnsafeMutableBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for place in source.indices {
                append((base + place).move())
                (base + place).initialize(to: vacant)
            }
        }
    }

    /// Items of one school, in time order as a published year is (date, then start with all-day
    /// first), items at equal times in the order given: stable, whatever the sort's own guarantee.
    package mutating func putInTimeOrder() {
        let order = withUnsafeBufferPointer { items in
            items.indices.sorted {
                (items[$0].item.date, items[$0].item.start?.minutes ?? -1, $0)
                    < (items[$1].item.date, items[$1].item.start?.minutes ?? -1, $1)
            }
        }
        guard !order.elementsEqual(indices) else { return }
        self = moveOut(order)
    }
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

    /// No change.
    public init() {}
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
        diff(published: published, positions: positions(published), planned: planned, asOf: asOf, isClosed: isClosed)
    }

    /// Each published item's position by UID (the first, should a UID repeat).
    public static func positions(_ published: [TrackedItem]) -> [String: Int] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(published.count)
        published.withUnsafeBufferPointer { published in
            for index in published.indices where positions[published[index].item.uid] == nil {
                positions[published[index].item.uid] = index
            }
        }
        return positions
    }

    /// The same, with `positions` from `positions(_:)` (a re-plan has already made them).
    ///
    /// Items are read in place by position and copied only into the result: a state's year is most of
    /// a million items, each a dozen strings, and a copy retains every one of them.
    public static func diff(
        published: [TrackedItem], positions old: [String: Int], planned: [ScheduledItem], asOf: CalendarDate,
        isClosed: (_ schoolID: String, _ date: CalendarDate) -> Bool
    ) -> ReplanResult {
        published.withUnsafeBufferPointer { published in
            diff(published: published, positions: old, planned: planned, asOf: asOf, isClosed: isClosed)
        }
    }

    private static func diff(
        published: UnsafeBufferPointer<TrackedItem>, positions old: [String: Int], planned: [ScheduledItem],
        asOf: CalendarDate, isClosed: (_ schoolID: String, _ date: CalendarDate) -> Bool
    ) -> ReplanResult {
        var result = ReplanResult()
        // Announced, then the day was lost (a snow day): it is cancelled with its notices and review,
        // and a make-up with fresh notices takes its place.
        var lost: Set<String> = []
        var madeUp: Set<String> = []
        for index in published.indices {
            if published[index].item.id.hasSuffix("-makeup") {
                madeUp.insert(published[index].item.id)
            } else if published[index].status == .scheduled && published[index].item.relatedTo == nil
                && published[index].item.date > asOf && published[index].isAnnounced(by: asOf)
                && isClosed(published[index].item.schoolID, published[index].item.date)
            {
                lost.insert(published[index].item.id)
            }
        }
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
        var notices: [String: CalendarDate] = [:]
        for index in planned.indices where planned[index].adminOnly {
            if let main = planned[index].relatedTo, planned[index].id.utf8.contains(noticeMarker) {
                notices[main] = min(notices[main] ?? planned[index].date, planned[index].date)
            }
        }
        // Which published items the plan still has, by position: no set of every UID.
        var matched = [Bool](repeating: false, count: published.count)
        // Planned items read in place, copied only into the result.
        planned.withUnsafeBufferPointer { planned in
            for index in planned.indices {
                let noticeDate = notices.isEmpty ? nil : notices[planned[index].id]
                guard let position = old[planned[index].uid] else {
                    result.added.append(TrackedItem(item: planned[index], noticeDate: noticeDate, changedOn: asOf))
                    continue
                }
                matched[position] = true
                let status = published[position].status
                if status == .scheduled && published[position].item == planned[index] {
                    if published[position].noticeDate == noticeDate {
                        result.unchanged += 1
                    } else if !published[position].isAnnounced(by: asOf) {
                        var renoticed = published[position]
                        renoticed.noticeDate = noticeDate
                        result.renoticed.append(renoticed)
                    } else {
                        result.unchanged += 1
                    }
                    continue
                }
                let locked = published[position].item.date <= asOf || published[position].isAnnounced(by: asOf)
                if status == .scheduled && locked {
                    result.kept.append(published[position])
                    continue
                }
                if status == .cancelled && planned[index].date <= asOf { continue }
                var moved = TrackedItem(item: planned[index], noticeDate: noticeDate, changedOn: asOf)
                moved.sequence = published[position].sequence + 1
                result.moved.append((published[position], moved))
            }
        }
        for index in published.indices where !matched[index] && published[index].status == .scheduled {
            // A lost item and what follows it are cancelled, past notices included: they served a day that is gone.
            if published[index].item.date > asOf
                || lost.contains(published[index].item.relatedTo ?? published[index].item.id)
            {
                result.cancelled.append(cancel(published[index], asOf))
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

/// The part of a families notice's id that says what it is (`…/fire-drill-1/families-notice`).
let noticeMarker = Array("families-notice".utf8)
/// The same of a responders notice.
let respondersNoticeMarker = Array("responders-notice".utf8)

extension String.UTF8View {
    /// Whether `needle` occurs in these bytes (a plain byte search, not `StringProtocol.contains`,
    /// which compares characters).
    func contains(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first, count >= needle.count else { return false }
        var start = startIndex
        while let found = self[start...].firstIndex(of: first) {
            if self[found...].starts(with: needle) { return true }
            start = index(after: found)
        }
        return false
    }
}
