public import Dates

/// A VEVENT: one calendar entry, possibly recurring.
public struct Event: Hashable, Sendable {
    /// How an event's status reads in STATUS.
    public enum Status: String, Hashable, Sendable {
        case tentative = "TENTATIVE"
        case confirmed = "CONFIRMED"
        case cancelled = "CANCELLED"
    }

    public var uid: String
    public var summary: String
    public var description: String?
    public var location: String?
    public var categories: [String]
    public var status: Status?
    /// Bumped each time the event is published changed, so clients replace their copy.
    public var sequence: Int
    /// When this copy was written, in UTC; the writer fills in its clock when nil.
    public var stamp: WallTime?
    public var start: EventTime
    /// Exclusive end; for an all-day event the day after the last day.
    public var end: EventTime?
    /// Used when `end` is nil (DURATION instead of DTEND).
    public var duration: EventDuration?
    /// Every RRULE: RFC 5545 expects one; RFC 2445 allowed several, whose union the event is.
    public var recurrences: [RecurrenceRule]
    /// The one RRULE of an event (the first of several).
    public var recurrence: RecurrenceRule? {
        get { recurrences.first }
        set { recurrences = newValue.map { [$0] } ?? [] }
    }
    public var exceptionDates: [EventTime]
    public var recurrenceDates: [EventTime]
    /// RDATE;VALUE=PERIOD: extra occurrences that carry their own end.
    public var recurrencePeriods: [EventPeriod] = []
    /// Set on an override of one occurrence of a recurring event with the same UID.
    public var recurrenceID: EventTime?
    /// RECURRENCE-ID;RANGE=THISANDFUTURE: the override's changes apply to every later occurrence too.
    public var overridesFuture = false
    public var alarms: [Alarm]
    /// X- properties, in order (`X-DRILLBOOK-ITEM`).
    public var extraProperties: [ExtraProperty]

    public init(
        uid: String, summary: String, start: EventTime, end: EventTime? = nil, duration: EventDuration? = nil,
        description: String? = nil, location: String? = nil, categories: [String] = [], status: Status? = nil,
        sequence: Int = 0, stamp: WallTime? = nil, recurrence: RecurrenceRule? = nil,
        exceptionDates: [EventTime] = [], recurrenceDates: [EventTime] = [], recurrenceID: EventTime? = nil,
        alarms: [Alarm] = [], extraProperties: [ExtraProperty] = []
    ) {
        self.uid = uid
        self.summary = summary
        self.start = start
        self.end = end
        self.duration = duration
        self.description = description
        self.location = location
        self.categories = categories
        self.status = status
        self.sequence = sequence
        self.stamp = stamp
        self.recurrences = recurrence.map { [$0] } ?? []
        self.exceptionDates = exceptionDates
        self.recurrenceDates = recurrenceDates
        self.recurrenceID = recurrenceID
        self.alarms = alarms
        self.extraProperties = extraProperties
    }
}

/// A VALARM: a reminder some time before (negative) or after the start.
///
/// Google and Outlook ignore alarms in subscribed calendars: a courtesy, not Drillbook's alert system.
public struct Alarm: Hashable, Sendable {
    /// Seconds relative to the event's start; -900 is fifteen minutes before.
    public var triggerOffset: Int
    public var description: String

    public init(triggerOffset: Int, description: String) {
        self.triggerOffset = triggerOffset
        self.description = description
    }
}

/// A property Drillbook carries without interpreting (`X-WR-TIMEZONE`, `X-DRILLBOOK-ITEM`).
public struct ExtraProperty: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A DURATION: nominal days (which keep the wall clock across daylight saving) and exact seconds.
public struct EventDuration: Hashable, Sendable {
    public var days: Int
    public var seconds: Int

    public init(days: Int = 0, seconds: Int = 0) {
        self.days = days
        self.seconds = seconds
    }
}

/// A PERIOD value: a start and an exclusive end (`20270915T140000Z/PT2H` once read).
public struct EventPeriod: Hashable, Sendable {
    public var start: EventTime
    public var end: EventTime

    public init(start: EventTime, end: EventTime) {
        self.start = start
        self.end = end
    }
}
