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
    /// The school year has ended and it was never done: it produces no more alerts.
    case missed

    public var description: String {
        switch self {
        case .scheduled: "scheduled"
        case .dueSoon(let days): days == 0 ? "due today" : "due in \(days) day\(days == 1 ? "" : "s")"
        case .overdue(let days): "overdue \(days) day\(days == 1 ? "" : "s")"
        case .done(let late): late ? "done late" : "done"
        case .cancelled: "cancelled"
        case .missed: "missed"
        }
    }

    /// A word for JSON and filters: scheduled, due-soon, overdue, done, done-late, cancelled, missed.
    public var name: String {
        switch self {
        case .scheduled: "scheduled"
        case .dueSoon: "due-soon"
        case .overdue: "overdue"
        case .done(let late): late ? "done-late" : "done"
        case .cancelled: "cancelled"
        case .missed: "missed"
        }
    }
}

/// When reminders and overdue notices go out, and to whom (the plan's `alerts.ladder`).
///
/// A reminder `remindBefore` days before; overdue on the `overdueAfter`-th day late; escalated
/// `escalateAfter` days after that, then again every `repeatEvery` days. Whatever steps fall in it,
/// one recipient hears about one item at most once every `minInterval` days.
public struct AlertLadder: Hashable, Sendable {
    public var remindBefore: Int = 7
    public var overdueAfter: Int = 1
    /// Days after the first overdue notice.
    public var escalateAfter: Int = 7
    public var repeatEvery: Int = 7
    public var minInterval: Int = 3
    /// Contact roles per step; `owner` is the item's owner, `district.safety_lead` the district's.
    public var roles: [String: [String]] = [
        "reminder": ["owner"], "overdue": ["owner", "principal"],
        "escalated": ["owner", "principal", "district.safety_lead"],
    ]

    public init() {}

    /// The steps, in the order they come.
    public static let steps = ["reminder", "overdue", "escalated"]
}

extension TrackedItem {
    /// The item's status on `day`, given the completions that stand for it; after `yearEnd` an item
    /// never done is missed.
    public func status(
        on day: CalendarDate, completions: [Completion], ladder: AlertLadder, yearEnd: CalendarDate? = nil
    ) -> ItemStatus {
        status(
            on: day, doneOn: completions.filter({ $0.itemUID == item.uid }).map(\.startedAt.date).min(),
            ladder: ladder, yearEnd: yearEnd)
    }

    /// The item's status on `day` from a district's indexed completions (for many items at once).
    public func status(on day: CalendarDate, log: CompletionLog, ladder: AlertLadder, yearEnd: CalendarDate? = nil)
        -> ItemStatus
    {
        status(on: day, doneOn: log.doneOn(item.uid), ladder: ladder, yearEnd: yearEnd)
    }

    private func status(on day: CalendarDate, doneOn: CalendarDate?, ladder: AlertLadder, yearEnd: CalendarDate?)
        -> ItemStatus
    {
        if status == .cancelled { return .cancelled }
        if let done = doneOn { return .done(late: done > item.date) }
        if let yearEnd, day > yearEnd { return .missed }
        let days = day.dayNumber - item.date.dayNumber
        if days >= ladder.overdueAfter { return .overdue(days: days) }
        if days <= 0 && -days <= ladder.remindBefore { return .dueSoon(days: -days) }
        return .scheduled
    }
}
