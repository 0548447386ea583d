public import Dates

/// Expands a calendar's events into occurrences, always within a window and a count.
///
/// Honours TZID (wall time holds across daylight saving), RDATE (with its own end for a PERIOD),
/// EXDATE, RECURRENCE-ID overrides (RANGE=THISANDFUTURE carrying its change to every later
/// occurrence), several RRULEs (their union), all-day dates, COUNT and UNTIL. Rules libical 3.0.16
/// gets wrong are expanded by `ReferenceExpansion` instead (see `RecurrenceRule.libicalFault`).
public struct RecurrenceExpander: Sendable {
    /// At most this many occurrences when neither a limit nor an end is given.
    public static let defaultLimit = 1_000
    /// With no end (`before`, `limit`, COUNT or UNTIL), an event stops this many years past its DTSTART.
    public static let defaultYears = 5
    /// More occurrences than this in a window is refused, never silently cut.
    public static let maximumOccurrences = 1_000_000

    /// Occurrences starting at or after this wall time (in each event's own zone, or in `zone` when
    /// set: the window is in the times shown).
    public var from: WallTime?
    /// Occurrences starting before this wall time.
    public var before: WallTime?
    public var limit: Int?
    /// When set, times in UTC or in another zone come out as the same instant in this zone, so a
    /// timed closure written in UTC falls on the school's own date. Floating times and dates stay.
    public var zone: String?
    /// Overrides `maximumOccurrences` (tests).
    var maximum = RecurrenceExpander.maximumOccurrences

    public init(from: WallTime? = nil, before: WallTime? = nil, limit: Int? = nil, zone: String? = nil) {
        self.from = from
        self.before = before
        self.limit = limit
        self.zone = zone
    }

    /// What an expansion gave: the occurrences, and whether a count (asked for, or the default
    /// without an end) stopped it before the calendar ran out.
    public struct Expansion: Sendable {
        public var occurrences: [Occurrence]
        /// True when more occurrences follow the last one listed.
        public var truncated: Bool
    }

    /// Every occurrence in the window, in time order, at most `limit` (or the defaults).
    public func expand(_ document: CalendarDocument) throws(RecurrenceError) -> [Occurrence] {
        try expansion(document).occurrences
    }

    /// Every occurrence in the window, in time order, saying whether a count stopped it.
    public func expansion(_ document: CalendarDocument) throws(RecurrenceError) -> Expansion {
        try Libical.withLock { () throws(RecurrenceError) -> Expansion in
            let zones = CalendarZones(definitions: document.timeZoneDefinitions)
            if let zone, zones.zone(zone) == nil { throw .unknownTimeZone(zone, uid: "") }
            // A count asked for (or the default one without an end) cuts the list; with no count,
            // a window holding more than `maximum` occurrences is refused instead.
            let asked = limit.map { min($0, maximum) } ?? (before == nil ? Self.defaultLimit : nil)
            let cap = asked ?? maximum
            let deadline = ContinuousClock.now + .seconds(1)
            var overrides: [String: [Event]] = [:]
            for event in document.events where event.recurrenceID != nil {
                overrides[event.uid, default: []].append(event)
            }
            var all: [Occurrence] = []
            var truncated = false
            for event in document.events {
                for case let tzid? in [event.start.tzid, event.end?.tzid] where zones.zone(tzid) == nil {
                    throw .unknownTimeZone(tzid, uid: event.uid)
                }
                if event.recurrenceID != nil {
                    // An override stands in for the slot it names; alone, it is a plain event.
                    let moved = localized(occurrence(event, at: event.start, zones: zones), zones: zones)
                    if inWindow(moved.start) { all.append(moved) }
                    continue
                }
                let changes = overrides[event.uid] ?? []
                let replaced = Set(
                    changes.compactMap { $0.recurrenceID.map { slot($0, of: event.start, zones: zones) } })
                // RANGE=THISANDFUTURE overrides, latest first: each later occurrence takes the nearest one before it.
                let future = changes.filter(\.overridesFuture).compactMap { change in
                    change.recurrenceID.map { (slot: slot($0, of: event.start, zones: zones), change: change) }
                }.sorted { $0.slot > $1.slot }
                let periods = Dictionary(
                    event.recurrencePeriods.map {
                        (zones.instant(sameForm($0.start, as: event.start, zones: zones)), $0)
                    },
                    uniquingKeysWith: { first, _ in first })
                var count = 0
                let span = span(of: event, zones: zones)
                let (starts, cut) = try starts(of: event, zones: zones, cap: cap, asked: asked, deadline: deadline)
                truncated = truncated || cut
                // Most series have no overrides and no periods: their occurrences need no slot or
                // instant worked out here (each is a time zone conversion).
                let keyed = !replaced.isEmpty || !future.isEmpty
                for (instant, start) in starts {
                    let key = keyed ? slot(start, of: event.start, zones: zones) : 0
                    if keyed && replaced.contains(key) { continue }
                    var occurrence: Occurrence
                    if keyed, let changed = future.first(where: { $0.slot < key })?.change {
                        occurrence = self.occurrence(
                            changed, at: shifted(start, by: changed, zones: zones), zones: zones)
                    } else {
                        occurrence = self.occurrence(event, at: start, instant: instant, span: span, zones: zones)
                    }
                    if !periods.isEmpty, let period = periods[instant] {
                        occurrence.end = sameForm(period.end, as: event.start, zones: zones)
                    }
                    occurrence = localized(occurrence, zones: zones)
                    guard inWindow(occurrence.start) else { continue }
                    all.append(occurrence)
                    count += 1
                    if count > cap { break }
                }
            }
            all.sort { ($0.instant, $0.uid) < ($1.instant, $1.uid) }
            if all.count > cap {
                guard asked != nil else { throw .tooMany(maximum) }
                truncated = true
            }
            return Expansion(occurrences: Array(all.prefix(cap)), truncated: truncated)
        }
    }

    /// The occurrence in `zone`, when one is set.
    private func localized(_ occurrence: Occurrence, zones: CalendarZones) -> Occurrence {
        guard let zone else { return occurrence }
        func moved(_ time: EventTime) -> EventTime {
            switch time {
            case .utc, .zoned: .zoned(zones.wallTime(atInstant: zones.instant(time), in: zone), tzid: zone)
            case .date, .floating: time
            }
        }
        var result = occurrence
        result.start = moved(occurrence.start)
        result.end = moved(occurrence.end)
        return result
    }

    private func inWindow(_ time: EventTime) -> Bool {
        let wall = time.wallTime
        return (from.map { wall >= $0 } ?? true) && (before.map { wall < $0 } ?? true)
    }

    /// Which occurrence of a series a time names: its day for an all-day series (Outlook names an
    /// all-day occurrence by a midnight date-time), its instant otherwise.
    private func slot(_ time: EventTime, of start: EventTime, zones: CalendarZones) -> Int {
        if start.isAllDay { return time.wallTime.date.dayNumber * 86_400 }
        return zones.instant(sameForm(time, as: start, zones: zones))
    }

    /// A later occurrence moved as a THISANDFUTURE override moved its own: by the same wall-clock
    /// difference between its RECURRENCE-ID and its DTSTART.
    private func shifted(_ start: EventTime, by change: Event, zones: CalendarZones) -> EventTime {
        guard let recurrenceID = change.recurrenceID else { return start }
        let original = sameForm(recurrenceID, as: start, zones: zones)
        let moved = sameForm(change.start, as: start, zones: zones)
        let delta = moved.wallTime.secondsSinceEpoch - original.wallTime.secondsSinceEpoch
        return start.with(wallTime: start.wallTime.adding(seconds: delta))
    }

    /// The start of each occurrence of a master event, as the event's own form of time, and whether
    /// a count asked for stopped the rules early.
    private func starts(of event: Event, zones: CalendarZones, cap: Int, asked: Int?, deadline: ContinuousClock.Instant)
        throws(RecurrenceError) -> ([(instant: Int, time: EventTime)], Bool)
    {
        let start = event.start
        // A rule that ends by itself (COUNT, UNTIL), or a count asked for, bounds the expansion; a
        // rule that never ends, with no count asked for, stops `defaultYears` after DTSTART.
        let ends = limit != nil || event.recurrences.allSatisfy { $0.count != nil || $0.until != nil }
        let first = start.wallTime.date
        let year = min(first.year + (ends ? 9999 : Self.defaultYears), 9999)
        let last = CalendarDate(
            year: year, month: first.month, day: min(first.day, CalendarDate.daysIn(month: first.month, year: year)))
        // Up to, not including, the same day `defaultYears` later.
        let horizon: WallTime = before ?? WallTime(date: last).adding(seconds: -1)
        var byRule: [[WallTime]] = []
        var cut = false
        for rule in event.recurrences {
            // Enough to fill the cap after the window's start, and no more than COUNT asks for.
            let enough = from == nil && asked != nil ? cap : cap + maximum
            let limit = min(rule.count ?? enough, enough)
            // UNTIL ends the walk too (a day past it, so no zone offset can cut the last one; the
            // filter below is exact): walking a 2028 UNTIL out to the window's end in 2100 took
            // thousands of steps per event.
            let untilWall = rule.until.map { untilWallTime($0, for: start, zones: zones) }
            let through = untilWall.map { min(horizon, $0.adding(seconds: 86_400)) } ?? horizon
            var generated: [WallTime]
            if rule.libicalFault == nil {
                generated = LibicalIteration.occurrences(
                    of: rule, start: start.wallTime, allDay: start.isAllDay, through: through, limit: limit)
            } else {
                generated = try ReferenceExpansion(rule: rule, start: start.wallTime, allDay: start.isAllDay)
                    .occurrences(through: through, limit: limit, deadline: deadline)
            }
            if generated.count >= limit && limit < (rule.count ?? .max) {
                // The rule goes on past what was generated: harmless when the caller asked for the
                // first `cap` from the start, a lost occurrence otherwise.
                guard from == nil && asked != nil else { throw .tooMany(maximum) }
                cut = true
            }
            if let last = untilWall { generated = generated.filter { $0 <= last } }
            // DTSTART is always the first occurrence (RFC 5545 section 3.8.5.3); COUNT includes it.
            // An iterator's times come in order and from DTSTART on: then no set or sort is needed.
            var ruled: [WallTime]
            if zip(generated, generated.dropFirst()).allSatisfy({ $0 < $1 }),
                generated.first.map({ $0 >= start.wallTime }) ?? true
            {
                ruled = generated.first == start.wallTime ? generated : [start.wallTime] + generated
            } else {
                ruled = Array(Set([start.wallTime] + generated)).sorted()
            }
            if let count = rule.count, ruled.count > count { ruled = Array(ruled.prefix(count)) }
            byRule.append(ruled)
        }
        let walls =
            byRule.count == 1 ? byRule[0] : Array(Set([start.wallTime] + byRule.flatMap { $0 })).sorted()
        var times = walls.map(start.with(wallTime:))
        let dated = !event.recurrenceDates.isEmpty || !event.recurrencePeriods.isEmpty
        times += event.recurrenceDates.map { rdate in sameForm(rdate, as: start, zones: zones) }
        times += event.recurrencePeriods.map { sameForm($0.start, as: start, zones: zones) }
        // Each instant worked out once (a zone conversion): for the exclusions, the order, and the
        // occurrence made from it.
        var timed = (dated ? Array(Set(times)) : times).map { (instant: zones.instant($0), time: $0) }
        if !event.exceptionDates.isEmpty {
            let excluded = Set(event.exceptionDates.map { zones.instant(sameForm($0, as: start, zones: zones)) })
            timed.removeAll { excluded.contains($0.instant) }
        }
        if !zip(timed, timed.dropFirst()).allSatisfy({ $0.instant <= $1.instant }) {
            timed.sort { $0.instant < $1.instant }
        }
        return (timed, cut)
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
        occurrence(event, at: start, instant: zones.instant(start), span: span(of: event, zones: zones), zones: zones)
    }

    /// How long each occurrence of `event` lasts: whole days, then seconds of elapsed time.
    private func span(of event: Event, zones: CalendarZones) -> (days: Int, seconds: Int) {
        if let end = event.end {
            if event.start.isAllDay { return (end.wallTime.date.dayNumber - event.start.wallTime.date.dayNumber, 0) }
            return (0, zones.instant(end) - zones.instant(event.start))
        } else if let duration = event.duration {
            return (duration.days, duration.seconds)
        }
        return (event.start.isAllDay ? 1 : 0, 0)
    }

    /// An occurrence at `start` lasting `span` (worked out once per series).
    private func occurrence(
        _ event: Event, at start: EventTime, instant: Int, span: (days: Int, seconds: Int), zones: CalendarZones
    ) -> Occurrence {
        let shifted =
            span.days == 0
            ? start
            : start.with(
                wallTime: WallTime(
                    date: start.wallTime.date.adding(days: span.days), hour: start.wallTime.hour,
                    minute: start.wallTime.minute, second: start.wallTime.second))
        let end: EventTime
        switch shifted {
        case .zoned(_, let tzid) where span.seconds != 0:
            let from = span.days == 0 ? instant : zones.instant(shifted)
            end = shifted.with(wallTime: zones.wallTime(atInstant: from + span.seconds, in: tzid))
        default:
            end = shifted.with(wallTime: shifted.wallTime.adding(seconds: span.seconds))
        }
        return Occurrence(uid: event.uid, summary: event.summary, start: start, end: end, instant: instant)
    }
}
