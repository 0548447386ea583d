import Dates

@testable import ICalendar

/// Occurrence starts of one event, as local wall times (`2027-09-02T09:00:00`) or dates.
func expand(
    _ rule: String, from start: String, zone: String? = "America/New_York", limit: Int? = nil,
    before: String? = nil, exceptions: [String] = []
) throws -> [String] {
    let wallStart = WallTime(start) ?? WallTime(date: CalendarDate(start)!)
    let eventStart: EventTime =
        start.count == 8 ? .date(wallStart.date) : zone.map { .zoned(wallStart, tzid: $0) } ?? .floating(wallStart)
    let event = Event(
        uid: "rfc", summary: rule, start: eventStart, recurrence: try RecurrenceRule(parsing: rule),
        exceptionDates: exceptions.map { eventStart.with(wallTime: WallTime($0)!) })
    let expander = RecurrenceExpander(
        before: before.map { WallTime($0) ?? WallTime(date: CalendarDate($0)!) }, limit: limit)
    return try expander.expand(CalendarDocument(events: [event])).map(\.start.description)
}

/// `["1997-09-02", "1997-09-03"]` at a time of day: `["1997-09-02T09:00:00", ...]`.
func at(_ time: String, _ dates: [String]) -> [String] { dates.map { "\($0)T\(time)" } }
