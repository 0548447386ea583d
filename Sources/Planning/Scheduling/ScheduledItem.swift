public import Dates

/// One placed occurrence: a drill, a meeting, a campaign day, a notice, a review.
public struct ScheduledItem: Hashable, Sendable {
    /// The short id people type: `lincoln-hs/lockdown-drill-2`.
    public var id: String
    /// The calendar UID: stable across re-plans, from district, year, school, activity and slot.
    public var uid: String
    public var schoolID: String
    public var activityID: String
    /// 1-based ordinal of this occurrence in the year.
    public var slot: Int
    public var kind: ActivityKind
    public var title: String
    public var description: String?
    public var date: CalendarDate
    /// Nil for an all-day item.
    public var start: ClockTime?
    public var durationMinutes: Int
    /// Olson name of the school's zone: times are the school's wall clock.
    public var timeZone: String
    public var announced: Bool
    /// A task for administrators only (notices to send): never on staff or family calendars.
    public var adminOnly: Bool
    public var owner: String
    public var presence: [String]
    /// For a review or a notice: the id of the item it serves.
    public var relatedTo: String?
    /// For a drill: whether it falls in class, passing time, lunch, arrival or dismissal.
    public var timeContext: TimeOfDay?
    public var source: String?

    public init(
        id: String, uid: String, schoolID: String, activityID: String, slot: Int, kind: ActivityKind, title: String,
        description: String? = nil, date: CalendarDate, start: ClockTime?, durationMinutes: Int, timeZone: String,
        announced: Bool, adminOnly: Bool = false, owner: String, presence: [String] = [], relatedTo: String? = nil,
        timeContext: TimeOfDay? = nil, source: String? = nil
    ) {
        self.id = id
        self.uid = uid
        self.schoolID = schoolID
        self.activityID = activityID
        self.slot = slot
        self.kind = kind
        self.title = title
        self.description = description
        self.date = date
        self.start = start
        self.durationMinutes = durationMinutes
        self.timeZone = timeZone
        self.announced = announced
        self.adminOnly = adminOnly
        self.owner = owner
        self.presence = presence
        self.relatedTo = relatedTo
        self.timeContext = timeContext
        self.source = source
    }

    /// Where it sits in time, for sorting and comparing.
    public var sortKey: (Int, Int, String) { (date.dayNumber, start?.minutes ?? -1, id) }

    /// Whether `a` comes before `b` by `sortKey`, without making the keys: a key works out the
    /// date's day number and retains the id, twice per comparison of a sort.
    public static func isInTimeOrder(_ a: ScheduledItem, _ b: ScheduledItem) -> Bool {
        if a.date != b.date { return a.date < b.date }
        let (first, second) = (a.start?.minutes ?? -1, b.start?.minutes ?? -1)
        if first != second { return first < second }
        return a.id < b.id
    }
}

/// Why a school's year cannot be planned: the activity, the school and the constraint that failed.
public struct SchedulingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var schoolID: String
    public var activityID: String
    public var constraint: String

    public init(schoolID: String, activityID: String, constraint: String) {
        self.schoolID = schoolID
        self.activityID = activityID
        self.constraint = constraint
    }

    public var description: String { "cannot place \(activityID) at \(schoolID): \(constraint)" }
}
