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
        let current = Completion.current(completions)
        let byID = Dictionary(items.map { ($0.item.id, $0) }, uniquingKeysWith: { first, _ in first })
        var findings: [AlertFinding] = []
        for tracked in items where tracked.status == .scheduled {
            let item = tracked.item
            if item.adminOnly {
                // A families notice goes out on its day, while the drill it announces is still ahead.
                guard item.id.contains("families-notice"), item.date <= asOf,
                    let drill = item.relatedTo.flatMap({ byID[$0] }), drill.status == .scheduled,
                    drill.item.date >= asOf
                else { continue }
                findings.append(
                    AlertFinding(
                        item: item, kind: .familyNotice, status: .scheduled, step: "family-notice",
                        roles: ["communications"],
                        announces: drill.item))
                continue
            }
            let status = tracked.status(on: asOf, completions: current, ladder: ladder)
            switch status {
            case .dueSoon:
                findings.append(
                    AlertFinding(item: item, kind: .reminder, status: status, step: "reminder", roles: [item.owner]))
            case .overdue(let days):
                let round = (days - ladder.overdueAfter) / ladder.repeatEvery
                let escalated = days >= ladder.escalateAfter
                findings.append(
                    AlertFinding(
                        item: item, kind: escalated ? .escalated : .overdue, status: status,
                        step: "\(escalated ? "escalated" : "overdue")-\(round)",
                        roles: [item.owner, "principal"] + (escalated ? ["district.safety_lead"] : []),
                        makeUp: years[item.schoolID].flatMap {
                            makeUpDay(for: item, after: asOf, year: $0, items: items)
                        }))
            default:
                continue
            }
        }
        return findings.sorted { ($0.item.date, $0.item.id) < ($1.item.date, $1.item.id) }
    }

    /// The next instructional day after `asOf`, outside testing windows, with no other drill that day
    /// at the school (for a drill), before the year ends.
    static func makeUpDay(for item: ScheduledItem, after asOf: CalendarDate, year: SchoolYear, items: [TrackedItem])
        -> CalendarDate?
    {
        let drillDays = Set(
            items.filter { $0.status == .scheduled && $0.item.schoolID == item.schoolID && $0.item.kind.isDrill }.map(
                \.item.date))
        var day = max(asOf, year.first.adding(days: -1))
        while day < year.last {
            day = day.adding(days: 1)
            if year.isInstructionalDay(day) && !year.isTesting(day) && !(item.kind.isDrill && drillDays.contains(day)) {
                return day
            }
        }
        return nil
    }
}
