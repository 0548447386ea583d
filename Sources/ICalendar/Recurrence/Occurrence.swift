/// One occurrence of an event, with the event's own form of time (zoned, UTC, floating or all-day).
public struct Occurrence: Hashable, Sendable {
    public var uid: String
    public var summary: String
    public var start: EventTime
    /// Exclusive end; DTSTART's day plus one for an all-day event with no DTEND.
    public var end: EventTime
    /// Seconds since the Unix epoch of `start` (floating times and dates read as UTC): the sort key.
    public var instant: Int

    public init(uid: String, summary: String, start: EventTime, end: EventTime, instant: Int) {
        self.uid = uid
        self.summary = summary
        self.start = start
        self.end = end
        self.instant = instant
    }
}

/// Why a calendar's recurrences cannot be expanded.
public enum RecurrenceError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooSlow(String)
    case unknownTimeZone(String, uid: String)
    /// The window holds more occurrences than the expander keeps.
    case tooMany(Int)

    public var description: String {
        switch self {
        case .tooSlow(let rule):
            "RRULE \(rule) matches too few times to expand within a second; give a nearer --to"
        case .tooMany(let maximum):
            "the calendar has more than \(maximum) occurrences in the window; give a nearer --to or a --limit"
        case .unknownTimeZone(let tzid, let uid) where uid.isEmpty:
            "time zone \"\(tzid)\" is unknown (expected an Olson name such as America/Chicago)"
        case .unknownTimeZone(let tzid, let uid):
            "event \(uid): time zone \"\(tzid)\" is unknown and the file does not define it"
        }
    }
}
