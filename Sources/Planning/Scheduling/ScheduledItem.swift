public import Dates

/// One placed occurrence: a drill, a meeting, a campaign day, a notice, a review.
public struct ScheduledItem: Hashable, Sendable {
    /// The values, held once and shared by every copy of the item: an item passes by value from the
    /// store to the planner, the diff, the checker and the exporter, and a copy of a dozen strings
    /// and arrays retained and released each of them (a fifth of a state's re-plan). Changing a
    /// value (rare: a re-plan's new wording, a make-up's UID) makes the changed copy its own.
    @usableFromInline struct Values: Hashable, Sendable {
        @usableFromInline var id: String
        @usableFromInline var uid: String
        @usableFromInline var schoolID: String
        @usableFromInline var activityID: String
        @usableFromInline var slot: Int
        @usableFromInline var kind: ActivityKind
        @usableFromInline var title: String
        @usableFromInline var description: String?
        @usableFromInline var date: CalendarDate
        @usableFromInline var start: ClockTime?
        @usableFromInline var durationMinutes: Int
        @usableFromInline var timeZone: String
        @usableFromInline var announced: Bool
        @usableFromInline var adminOnly: Bool
        @usableFromInline var owner: String
        @usableFromInline var presence: [String]
        @usableFromInline var relatedTo: String?
        @usableFromInline var timeContext: TimeOfDay?
        @usableFromInline var source: String?
    }

    @usableFromInline final class Box: Sendable {
        @usableFromInline let values: Values
        @usableFromInline init(_ values: Values) { self.values = values }
    }

    @usableFromInline var box: Box

    /// The short id people type: `lincoln-hs/lockdown-drill-2`.
    public var id: String {
        @inlinable get { box.values.id }
        set { change { $0.id = newValue } }
    }
    /// The calendar UID: stable across re-plans, from district, year, school, activity and slot.
    public var uid: String {
        @inlinable get { box.values.uid }
        set { change { $0.uid = newValue } }
    }
    public var schoolID: String {
        @inlinable get { box.values.schoolID }
        set { change { $0.schoolID = newValue } }
    }
    public var activityID: String {
        @inlinable get { box.values.activityID }
        set { change { $0.activityID = newValue } }
    }
    /// 1-based ordinal of this occurrence in the year.
    public var slot: Int {
        @inlinable get { box.values.slot }
        set { change { $0.slot = newValue } }
    }
    public var kind: ActivityKind {
        @inlinable get { box.values.kind }
        set { change { $0.kind = newValue } }
    }
    public var title: String {
        @inlinable get { box.values.title }
        set { change { $0.title = newValue } }
    }
    public var description: String? {
        @inlinable get { box.values.description }
        set { change { $0.description = newValue } }
    }
    public var date: CalendarDate {
        @inlinable get { box.values.date }
        set { change { $0.date = newValue } }
    }
    /// Nil for an all-day item.
    public var start: ClockTime? {
        @inlinable get { box.values.start }
        set { change { $0.start = newValue } }
    }
    public var durationMinutes: Int {
        @inlinable get { box.values.durationMinutes }
        set { change { $0.durationMinutes = newValue } }
    }
    /// Olson name of the school's zone: times are the school's wall clock.
    public var timeZone: String {
        @inlinable get { box.values.timeZone }
        set { change { $0.timeZone = newValue } }
    }
    public var announced: Bool {
        @inlinable get { box.values.announced }
        set { change { $0.announced = newValue } }
    }
    /// A task for administrators only (notices to send): never on staff or family calendars.
    public var adminOnly: Bool {
        @inlinable get { box.values.adminOnly }
        set { change { $0.adminOnly = newValue } }
    }
    public var owner: String {
        @inlinable get { box.values.owner }
        set { change { $0.owner = newValue } }
    }
    public var presence: [String] {
        @inlinable get { box.values.presence }
        set { change { $0.presence = newValue } }
    }
    /// For a review or a notice: the id of the item it serves.
    public var relatedTo: String? {
        @inlinable get { box.values.relatedTo }
        set { change { $0.relatedTo = newValue } }
    }
    /// For a drill: whether it falls in class, passing time, lunch, arrival or dismissal.
    public var timeContext: TimeOfDay? {
        @inlinable get { box.values.timeContext }
        set { change { $0.timeContext = newValue } }
    }
    public var source: String? {
        @inlinable get { box.values.source }
        set { change { $0.source = newValue } }
    }

    @usableFromInline mutating func change(_ body: (inout Values) -> Void) {
        var values = box.values
        body(&values)
        box = Box(values)
    }

    public init(
        id: String, uid: String, schoolID: String, activityID: String, slot: Int, kind: ActivityKind, title: String,
        description: String? = nil, date: CalendarDate, start: ClockTime?, durationMinutes: Int, timeZone: String,
        announced: Bool, adminOnly: Bool = false, owner: String, presence: [String] = [], relatedTo: String? = nil,
        timeContext: TimeOfDay? = nil, source: String? = nil
    ) {
        box = Box(
            Values(
                id: id, uid: uid, schoolID: schoolID, activityID: activityID, slot: slot, kind: kind, title: title,
                description: description, date: date, start: start, durationMinutes: durationMinutes,
                timeZone: timeZone, announced: announced, adminOnly: adminOnly, owner: owner, presence: presence,
                relatedTo: relatedTo, timeContext: timeContext, source: source))
    }

    @inlinable public static func == (lhs: ScheduledItem, rhs: ScheduledItem) -> Bool {
        lhs.box === rhs.box || lhs.box.values == rhs.box.values
    }

    public func hash(into hasher: inout Hasher) { box.values.hash(into: &hasher) }

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
