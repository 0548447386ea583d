public import Dates

/// When an event starts or ends, in one of iCalendar's four forms.
///
/// School-local wall time is the truth: a zoned time keeps its wall clock and its Olson zone
/// name, and turns into an instant only through libical's zone rules (`CalendarZones`).
public enum EventTime: Hashable, Sendable, CustomStringConvertible {
    /// An all-day date (`DTSTART;VALUE=DATE:20270902`).
    case date(CalendarDate)
    /// A wall time in a named zone (`DTSTART;TZID=America/Chicago:20270902T090000`).
    case zoned(WallTime, tzid: String)
    /// A UTC instant (`DTSTART:20270902T140000Z`).
    case utc(WallTime)
    /// A wall time with no zone, the same clock reading everywhere (`DTSTART:20270902T090000`).
    case floating(WallTime)

    /// The wall clock reading; an all-day date reads as its midnight.
    public var wallTime: WallTime {
        switch self {
        case .date(let date): WallTime(date: date)
        case .zoned(let wall, _), .utc(let wall), .floating(let wall): wall
        }
    }

    public var isAllDay: Bool {
        if case .date = self { return true }
        return false
    }

    /// The zone name of a zoned time.
    public var tzid: String? {
        if case .zoned(_, let tzid) = self { return tzid }
        return nil
    }

    /// The same form and zone with another wall time (an all-day date keeps only the date).
    public func with(wallTime wall: WallTime) -> EventTime {
        switch self {
        case .date: .date(wall.date)
        case .zoned(_, let tzid): .zoned(wall, tzid: tzid)
        case .utc: .utc(wall)
        case .floating: .floating(wall)
        }
    }

    /// ISO 8601 as `calendar expand --json` prints it: `2027-09-02` for a date, local
    /// `2027-09-02T09:00:00` for zoned and floating times, `2027-09-02T14:00:00Z` for UTC.
    public var description: String {
        switch self {
        case .date(let date): date.description
        case .zoned(let wall, _), .floating(let wall): wall.description
        case .utc(let wall): wall.description + "Z"
        }
    }
}
