public import Dates

/// Expands a calendar's events into occurrences, always within a window and a count.
///
/// Honours TZID (wall time holds across daylight saving), RDATE, EXDATE, RECURRENCE-ID overrides,
/// all-day dates, COUNT and UNTIL. Rules libical 3.0.16 gets wrong are expanded by
/// `ReferenceExpansion` instead (see `RecurrenceRule.libicalFault`).
public struct RecurrenceExpander: Sendable {
    /// At most this many occurrences when neither a limit nor an end is given.
    public static let defaultLimit = 1_000
    /// With no end (`before`, `limit`, COUNT or UNTIL), an event stops this many years past its DTSTART.
    public static let defaultYears = 5
    /// Never more than this many, whatever was asked.
    public static let hardLimit = 100_000

    /// Occurrences starting at or after this wall time (in each event's own zone).
    public var from: WallTime?
    /// Occurrences starting before this wall time.
    public var before: WallTime?
    public var limit: Int?

    public init(from: WallTime? = nil, before: WallTime? = nil, limit: Int? = nil) {
        self.from = from
        self.before = before
        self.limit = limit
    }

    /// Every occurrence in the window, in time order, at most `limit` (or the defaults).
    public func expand(_ document: CalendarDocument) throws(RecurrenceError) -> [Occurrence] {
        try Libical.withLock { () throws(RecurrenceError) -> [Occurrence] in
            let zones = CalendarZones(definitions: document.timeZoneDefinitions)
            let cap = min(limit ?? (before == nil ? Self.defaultLimit : Self.hardLimit), Self.hardLimit)
            let deadline = ContinuousClock.now + .seconds(1)
            var overrides: [String: [Event]] = [:]
            for event in document.events where event.recurrenceID != nil {
                overrides[event.uid, default: []].append(event)
            }
            var all: [Occurrence] = []
            for event in document.events {
                for case let tzid? in [event.start.tzid, event.end?.tzid] where zones.zone(tzid) == nil {
                    throw .unknownTimeZone(tzid, uid: event.uid)
                }
                if event.recurrenceID != nil {
                    // An override stands in for the slot it names; alone, it is a plain event.
                    if inWindow(event.start) { all.append(occurrence(event, at: event.start, zones: zones)) }
                    continue
                }
                let replaced = Set((overrides[event.uid] ?? []).compactMap { $0.recurrenceID.map(zones.instant) })
                var count = 0
                for start in try starts(of: event, zones: zones, cap: cap, deadline: deadline) {
                    let slot = zones.instant(start)
                    if replaced.contains(slot) || !inWindow(start) { continue }
                    all.append(occurrence(event, at: start, zones: zones))
                    count += 1
                    if count >= cap { break }
                }
            }
            all.sort { ($0.instant, $0.uid) < ($1.instant, $1.uid) }
            return Array(all.prefix(cap))
        }
    }

    private func inWindow(_ time: EventTime) -> Bool {
        let wall = time.wallTime
        return (from.map { wall >= $0 } ?? true) && (before.map { wall < $0 } ?? true)
    }

    /// The start of each occurrence of a master event, as the event's own form of time.
    private func starts(of event: Event, zones: CalendarZones, cap: Int, deadline: ContinuousClock.Instant)
        throws(RecurrenceError) -> [EventTime]
    {
        let start = event.start
        // A rule that ends by itself (COUNT, UNTIL), or a count asked for, bounds the expansion; a
        // rule that never ends, with no count asked for, stops `defaultYears` after DTSTART.
        let ends = limit != nil || (event.recurrence.map { $0.count != nil || $0.until != nil } ?? true)
        let first = start.wallTime.date
        let year = min(first.year + (ends ? 9999 : Self.defaultYears), 9999)
        let last = CalendarDate(
            year: year, month: first.month, day: min(first.day, CalendarDate.daysIn(month: first.month, year: year)))
        // Up to, not including, the same day `defaultYears` later.
        let horizon: WallTime = before ?? WallTime(date: last).adding(seconds: -1)
        var walls: [WallTime] = [start.wallTime]
        if let rule = event.recurrence {
            // Enough to fill the cap after the window's start, and no more than COUNT asks for.
            let wanted = rule.count ?? (cap + (from == nil ? 0 : Self.hardLimit))
            let limit = min(wanted, Self.hardLimit * 2)
            var generated: [WallTime]
            if rule.libicalFault == nil {
                generated = LibicalIteration.occurrences(
                    of: rule, start: start.wallTime, allDay: start.isAllDay, through: horizon, limit: limit)
            } else {
                generated = try ReferenceExpansion(rule: rule, start: start.wallTime, allDay: start.isAllDay)
                    .occurrences(through: horizon, limit: limit, deadline: deadline)
            }
            if let until = rule.until {
                let last = untilWallTime(until, for: start, zones: zones)
                generated = generated.filter { $0 <= last }
            }
            // DTSTART is always the first occurrence (RFC 5545 section 3.8.5.3); COUNT includes it.
            walls = Array(Set(walls + generated)).sorted()
            if let count = rule.count { walls = Array(walls.prefix(count)) }
        }
        var times = walls.map(start.with(wallTime:))
        times += event.recurrenceDates.map { rdate in sameForm(rdate, as: start, zones: zones) }
        let excluded = Set(event.exceptionDates.map { zones.instant(sameForm($0, as: start, zones: zones)) })
        times = times.filter { !excluded.contains(zones.instant($0)) }
        return Array(Set(times)).sorted { zones.instant($0) < zones.instant($1) }
    }

    /// UNTIL as a wall time in the event's own zone.
    private func untilWallTime(_ until: EventTime, for start: EventTime, zones: CalendarZones) -> WallTime {
        switch (until, start) {
        case (.date(let date), _): WallTime(date: date, hour: 23, minute: 59, second: 59)
        case (.utc(let wall), .zoned(_, let tzid)): zones.wallTime(atInstant: wall.secondsSinceEpoch, in: tzid)
        default: until.wallTime
        }
    }

    /// An EXDATE or RDATE in the form of DTSTART (a UTC EXDATE for a zoned event, say).
    private func sameForm(_ time: EventTime, as start: EventTime, zones: CalendarZones) -> EventTime {
        switch (time, start) {
        case (.utc(let wall), .zoned(_, let tzid)):
            return start.with(wallTime: zones.wallTime(atInstant: wall.secondsSinceEpoch, in: tzid))
        case (.date(let date), .zoned), (.date(let date), .floating), (.date(let date), .utc):
            return start.with(
                wallTime: WallTime(
                    date: date, hour: start.wallTime.hour, minute: start.wallTime.minute, second: start.wallTime.second)
            )
        default:
            return time
        }
    }

    /// An occurrence starting at `start`, as long as the event: nominal days keep the wall clock,
    /// exact seconds are added to the instant (RFC 5545 section 3.3.6).
    private func occurrence(_ event: Event, at start: EventTime, zones: CalendarZones) -> Occurrence {
        var days = 0
        var seconds = 0
        if let end = event.end {
            if event.start.isAllDay {
                days = end.wallTime.date.dayNumber - event.start.wallTime.date.dayNumber
            } else {
                seconds = zones.instant(end) - zones.instant(event.start)
            }
        } else if let duration = event.duration {
            days = duration.days
            seconds = duration.seconds
        } else if event.start.isAllDay {
            days = 1
        }
        let shifted = start.with(
            wallTime: WallTime(
                date: start.wallTime.date.adding(days: days), hour: start.wallTime.hour, minute: start.wallTime.minute,
                second: start.wallTime.second))
        let end: EventTime
        switch shifted {
        case .zoned(_, let tzid) where seconds != 0:
            end = shifted.with(wallTime: zones.wallTime(atInstant: zones.instant(shifted) + seconds, in: tzid))
        default:
            end = shifted.with(wallTime: shifted.wallTime.adding(seconds: seconds))
        }
        return Occurrence(uid: event.uid, summary: event.summary, start: start, end: end, instant: zones.instant(start))
    }
}
