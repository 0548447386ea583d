public import Dates

/// Something that needs telling on a given day: a reminder before an item, a notice that it is
/// overdue (repeated, then escalated), or a families notice that is due to go out.
public struct AlertFinding: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case reminder, overdue, escalated
        case familyNotice = "family-notice"
    }

    public var item: ScheduledItem
    public var kind: Kind
    public var status: ItemStatus
    /// The ladder step, unique per item: an alert for the same item and step is sent once
    /// (`reminder`, `overdue-0`, `overdue-1`, `escalated-2`, `family-notice`).
    public var step: String
    /// Contact roles to tell; `district.safety_lead` is the district's.
    public var roles: [String]
    /// For an overdue item: the next day it could still happen under the same rules.
    public var makeUp: CalendarDate?
    /// For a families notice: the drill it announces.
    public var announces: ScheduledItem?

    public init(
        item: ScheduledItem, kind: Kind, status: ItemStatus, step: String, roles: [String], makeUp: CalendarDate? = nil,
        announces: ScheduledItem? = nil
    ) {
        self.item = item
        self.kind = kind
        self.status = status
        self.step = step
        self.roles = roles
        self.makeUp = makeUp
        self.announces = announces
    }

    public var daysOverdue: Int {
        if case .overdue(let days) = status { return days }
        return 0
    }
}

/// Overdue evaluation: pure, from the schedule, the completions and a day.
public enum Overdue {
    public static func evaluate(
        _ items: [TrackedItem], completions: [Completion], asOf: CalendarDate, ladder: AlertLadder,
        years: [String: SchoolYear]
    ) -> [AlertFinding] {
        evaluate(bySchool: items.movedBySchool(), completions: completions, asOf: asOf, ladder: ladder, years: years)
    }

    /// The same, of a year already by school (`ScheduleStore.itemsBySchool`), each school's items in
    /// time order.
    public static func evaluate(
        bySchool: [String: [TrackedItem]], completions: [Completion], asOf: CalendarDate, ladder: AlertLadder,
        years: [String: SchoolYear]
    ) -> [AlertFinding] {
        evaluate(bySchool: bySchool, log: CompletionLog(completions), asOf: asOf, ladder: ladder, years: years)
    }

    /// The same, against a log already indexed.
    public static func evaluate(
        bySchool: [String: [TrackedItem]], log: CompletionLog, asOf: CalendarDate, ladder: AlertLadder,
        years: [String: SchoolYear]
    ) -> [AlertFinding] {
        // Each school's items, notices and make-up days are its own: schools are judged on every core
        // (one core judging a state's 10,000 was most of `overdue`), then sorted as one list.
        let schools = Array(bySchool)
        var findings: [AlertFinding] = []
        do {
            let parts = [[AlertFinding]](concurrentlyComputing: schools.count) { index in
                guard let year = years[schools[index].key], asOf <= year.last else { return [] }
                let items = schools[index].value
                return evaluate(items, Array(items.indices), log: log, asOf: asOf, ladder: ladder, year: year)
            }
            // One list, sorted where it lies: a state's findings (each with its item) held once
            // more for a joined copy and again for a sorted one raised its run's peak.
            findings.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for part in parts { findings += part }
        }
        findings.sort { ($0.item.date, $0.item.id) < ($1.item.date, $1.item.id) }
        return findings
    }

    /// One school's findings, from the positions of its items in `items`. (A school the plan no
    /// longer has owes nothing, its items are cancelled at the next schedule; after the year,
    /// nothing more is owed: what was not done is missed. The caller skips both.)
    static func evaluate(
        _ items: [TrackedItem], _ positions: [Int], log: CompletionLog, asOf: CalendarDate, ladder: AlertLadder,
        year: SchoolYear
    ) -> [AlertFinding] {
        // A notice's drill is of the same school: looked up among the school's items.
        var byID: [String: Int] = [:]
        byID.reserveCapacity(positions.count)
        var findings: [AlertFinding] = []
        // Items read in place, each field where it lies: an item bound to a name is a copy, every
        // string of it retained and released again, for each of a state's 780,000 items.
        items.withUnsafeBufferPointer { items in
            for position in positions where byID[items[position].item.id] == nil {
                byID[items[position].item.id] = position
            }
        }
        items.withUnsafeBufferPointer { items in
            for position in positions where items[position].status == .scheduled {
                if items[position].item.adminOnly {
                    // A families notice goes out on its day, while the drill it announces is still
                    // ahead, not cancelled and not already held.
                    guard items[position].item.id.utf8.contains(noticeMarker), items[position].item.date <= asOf,
                        !log.isDone(items[position].item.uid),
                        let drill = items[position].item.relatedTo.flatMap({ byID[$0] }),
                        items[drill].status == .scheduled, items[drill].item.date >= asOf,
                        !log.isDone(items[drill].item.uid)
                    else { continue }
                    findings.append(
                        AlertFinding(
                            item: items[position].item, kind: .familyNotice, status: .scheduled, step: "family-notice",
                            roles: ["communications"], announces: items[drill].item))
                    continue
                }
                // Only an item due soon or overdue makes a finding: one further ahead makes none, done
                // or not, and is not looked up in the log (a state's every item hashed its UID there).
                let days = asOf.dayNumber - items[position].item.date.dayNumber
                guard days >= ladder.overdueAfter || (days <= 0 && -days <= ladder.remindBefore) else { continue }
                let status = items[position].status(on: asOf, log: log, ladder: ladder, yearEnd: year.last)
                func roles(_ step: String) -> [String] {
                    (ladder.roles[step] ?? []).map { $0 == "owner" ? items[position].item.owner : $0 }
                }
                switch status {
                case .dueSoon:
                    findings.append(
                        AlertFinding(
                            item: items[position].item, kind: .reminder, status: status, step: "reminder",
                            roles: roles("reminder")))
                case .overdue(let days):
                    let late = days - ladder.overdueAfter - ladder.escalateAfter
                    let escalated = late >= 0
                    findings.append(
                        AlertFinding(
                            item: items[position].item, kind: escalated ? .escalated : .overdue, status: status,
                            step: escalated ? "escalated-\(late / max(1, ladder.repeatEvery))" : "overdue",
                            roles: roles(escalated ? "escalated" : "overdue")))
                default:
                    continue
                }
            }
        }
        assignMakeUps(&findings, items: items, positions, asOf: asOf, year: year)
        return findings
    }

    /// Proposes a make-up day for each of one school's overdue items: distinct (one a day, none on a
    /// day that already has a drill), instructional, outside testing windows, late enough for the
    /// item's notices to go out first, and spread out when many are due.
    static func assignMakeUps(
        _ findings: inout [AlertFinding], items: [TrackedItem], _ positions: [Int], asOf: CalendarDate,
        year: SchoolYear
    ) {
        let late = findings.indices.filter { findings[$0].kind == .overdue || findings[$0].kind == .escalated }
        guard !late.isEmpty else { return }
        // Indexed once (not per finding): the school's drill days, and each item's earliest admin-only
        // notice, by the item it serves (the lead a make-up day must leave).
        var taken: Set<CalendarDate> = []
        var firstNotice: [String: CalendarDate] = [:]
        items.withUnsafeBufferPointer { items in
            for position in positions {
                let date = items[position].item.date
                if items[position].status == .scheduled && items[position].item.kind.isDrill { taken.insert(date) }
                if items[position].item.adminOnly, let served = items[position].item.relatedTo {
                    firstNotice[served] = min(firstNotice[served] ?? date, date)
                }
            }
        }
        let open = year.days.filter { $0 > asOf && year.isOpen($0) }
        // With many due, leave a day between make-ups where the year has room.
        let gap = open.count >= late.count * 2 ? 2 : 1
        var last: CalendarDate?
        for index in late.sorted(by: { findings[$0].item.date < findings[$1].item.date }) {
            let item = findings[index].item
            let lead = firstNotice[item.id].map { item.date.dayNumber - $0.dayNumber } ?? 0
            // A drill is not made up on an early-release day, where the planner places none.
            let fits = { (day: CalendarDate) in
                !taken.contains(day) && day.dayNumber - asOf.dayNumber > lead
                    && !(item.kind.isDrill && year.isEarlyRelease(day))
            }
            let day =
                open.first { day in fits(day) && (last.map { day.dayNumber - $0.dayNumber >= gap } ?? true) }
                ?? open.first(where: fits)
            findings[index].makeUp = day
            if let day {
                taken.insert(day)
                last = day
            }
        }
    }
}
