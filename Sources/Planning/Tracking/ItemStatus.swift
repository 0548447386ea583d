public import Dates

/// Where an item stands on a given day.
public enum ItemStatus: Hashable, Sendable, CustomStringConvertible {
    case scheduled
    /// Due within the ladder's reminder window.
    case dueSoon(days: Int)
    /// Not done, and past its day by more than the ladder's grace.
    case overdue(days: Int)
    case done(late: Bool)
    case cancelled

    public var description: String {
        switch self {
        case .scheduled: "scheduled"
        case .dueSoon(let days): days == 0 ? "due today" : "due in \(days) day\(days == 1 ? "" : "s")"
        case .overdue(let days): "overdue \(days) day\(days == 1 ? "" : "s")"
        case .done(let late): late ? "done late" : "done"
        case .cancelled: "cancelled"
        }
    }

    /// A word for JSON and filters: scheduled, due-soon, overdue, done, done-late, cancelled.
    public var name: String {
        switch self {
        case .scheduled: "scheduled"
        case .dueSoon: "due-soon"
        case .overdue: "overdue"
        case .done(let late): late ? "done-late" : "done"
        case .cancelled: "cancelled"
        }
    }
}

/// When reminders and overdue notices go out (the plan's `alerts.ladder`).
public struct AlertLadder: Hashable, Sendable {
    /// Remind the owner this many days before.
    public var remindBefore: Int = 7
    /// An item is overdue this many days after its day.
    public var overdueAfter: Int = 1
    /// Repeat the overdue notice every this many days.
    public var repeatEvery: Int = 7
    /// Escalate to the district safety lead after this many days overdue.
    public var escalateAfter: Int = 14

    public init() {}
}

extension TrackedItem {
    /// The item's status on `day`, given the completions that stand for it.
    public func status(on day: CalendarDate, completions: [Completion], ladder: AlertLadder) -> ItemStatus {
        if status == .cancelled { return .cancelled }
        if let done = completions.filter({ $0.itemUID == item.uid }).map(\.startedAt.date).min() {
            return .done(late: done > item.date)
        }
        let days = day.dayNumber - item.date.dayNumber
        if days >= ladder.overdueAfter { return .overdue(days: days) }
        if days <= 0 && -days <= ladder.remindBefore { return .dueSoon(days: -days) }
        return .scheduled
    }
}
