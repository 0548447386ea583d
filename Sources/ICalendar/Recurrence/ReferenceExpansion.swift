import Dates
import Foundation

/// RFC 5545's recurrence rule, expanded as section 3.3.10 defines it, in wall time.
///
/// Each period (a year, month, week or day; an hour, minute or second for finer rules) gives a set of
/// candidate times: BYxxx parts narrow or widen it as the RFC's table says, BYSETPOS picks from it,
/// and candidates before DTSTART are dropped. Only rules libical gets wrong come here.
struct ReferenceExpansion {
    var rule: RecurrenceRule
    var start: WallTime
    var allDay: Bool

    /// Times from DTSTART on, up to and including `horizon`, at most `limit` of them.
    /// Stops with an error when `deadline` passes (a rule that matches almost nothing over a far horizon).
    func occurrences(through horizon: WallTime, limit: Int, deadline: ContinuousClock.Instant) throws(RecurrenceError)
        -> [WallTime]
    {
        var result: [WallTime] = []
        if rule.hasNoPossibleDay { return result }
        if rule.frequency < .daily {
            try subDaily(through: horizon, limit: limit, deadline: deadline, into: &result)
            return result
        }
        var period = 0
        while result.count < limit {
            let days = self.days(ofPeriod: period)
            period += 1
            guard let first = days.first, first <= horizon.date else { break }
            if period % 64 == 0 && ContinuousClock.now > deadline { throw .tooSlow(rule.description) }
            var set: [WallTime] = []
            for day in days where matches(day) {
                if allDay {
                    set.append(WallTime(date: day))
                } else {
                    for hour in hours {
                        for minute in minutes {
                            for second in seconds {
                                set.append(WallTime(date: day, hour: hour, minute: minute, second: second))
                            }
                        }
                    }
                }
            }
            for time in pick(set) where time >= start {
                guard time <= horizon, result.count < limit else { return result }
                result.append(time)
            }
        }
        return result
    }

    // MARK: - Periods of a day or longer

    private func days(ofPeriod index: Int) -> [CalendarDate] {
        let step = index * rule.interval
        switch rule.frequency {
        case .yearly:
            let year = start.date.year + step
            guard year <= 9999 else { return [] }
            let first = CalendarDate(year: year, month: 1, day: 1)
            return (0..<(CalendarDate.isLeap(year) ? 366 : 365)).map { first.adding(days: $0) }
        case .monthly:
            let first = start.date.firstOfMonth(addingMonths: step)
            guard first.year <= 9999 else { return [] }
            return (0..<CalendarDate.daysIn(month: first.month, year: first.year)).map { first.adding(days: $0) }
        case .weekly:
            let back = (start.date.weekday.rawValue - rule.weekStart.rawValue + 7) % 7
            let first = start.date.adding(days: step * 7 - back)
            return (0..<7).map { first.adding(days: $0) }
        default:
            return [start.date.adding(days: step)]
        }
    }

    private var hours: [Int] { rule.byHour.isEmpty ? [start.hour] : rule.byHour.sorted() }
    private var minutes: [Int] { rule.byMinute.isEmpty ? [start.minute] : rule.byMinute.sorted() }
    private var seconds: [Int] { rule.bySecond.isEmpty ? [start.second] : rule.bySecond.sorted() }

    /// Whether a day of the period passes the rule's day-level parts, with the parts the RFC
    /// takes from DTSTART when a rule names none.
    func matches(_ day: CalendarDate) -> Bool {
        let r = rule
        if !r.byMonth.isEmpty && !r.byMonth.contains(day.month) { return false }
        if !r.byWeekNo.isEmpty && !r.byWeekNo.contains(where: { weekNumber(of: day, is: $0) }) { return false }
        if !r.byYearDay.isEmpty {
            let length = CalendarDate.isLeap(day.year) ? 366 : 365
            if !r.byYearDay.contains(where: { $0 > 0 ? day.ordinal == $0 : day.ordinal == length + $0 + 1 }) {
                return false
            }
        }
        if !r.byMonthDay.isEmpty {
            let length = CalendarDate.daysIn(month: day.month, year: day.year)
            if !r.byMonthDay.contains(where: { $0 > 0 ? day.day == $0 : day.day == length + $0 + 1 }) { return false }
        }
        if !r.byDay.isEmpty && !r.byDay.contains(where: { matches(day, $0) }) { return false }
        let namesDay = !r.byDay.isEmpty || !r.byMonthDay.isEmpty || !r.byYearDay.isEmpty
        switch r.frequency {
        case .yearly where !namesDay && r.byWeekNo.isEmpty:
            return day.day == start.date.day && (!r.byMonth.isEmpty || day.month == start.date.month)
        case .monthly where !namesDay:
            return day.day == start.date.day
        case .weekly where r.byDay.isEmpty:
            return day.weekday == start.date.weekday
        default:
            return true
        }
    }

    /// `2TU` is the second Tuesday of the month in a MONTHLY rule or a YEARLY rule with BYMONTH,
    /// of the year otherwise.
    private func matches(_ day: CalendarDate, _ entry: RecurrenceRule.WeekdayEntry) -> Bool {
        guard day.weekday == entry.weekday else { return false }
        guard let ordinal = entry.ordinal, rule.byWeekNo.isEmpty else { return true }
        let inMonth = rule.frequency == .monthly || !rule.byMonth.isEmpty
        let position = inMonth ? day.day : day.ordinal
        let length =
            inMonth
            ? CalendarDate.daysIn(month: day.month, year: day.year) : (CalendarDate.isLeap(day.year) ? 366 : 365)
        return ordinal > 0 ? (position - 1) / 7 + 1 == ordinal : (length - position) / 7 + 1 == -ordinal
    }

    /// RFC 5545 week numbers: week 1 is the first week, starting on WKST, with four days in the year.
    private func weekNumber(of day: CalendarDate, is wanted: Int) -> Bool {
        func firstWeek(_ year: Int) -> Int {
            let fourth = CalendarDate(year: year, month: 1, day: 4)
            return fourth.dayNumber - (fourth.weekday.rawValue - rule.weekStart.rawValue + 7) % 7
        }
        var year = day.year + 1
        while day.dayNumber < firstWeek(year) { year -= 1 }
        let week = (day.dayNumber - firstWeek(year)) / 7 + 1
        let weeks = (firstWeek(year + 1) - firstWeek(year)) / 7
        return wanted > 0 ? week == wanted : week == weeks + wanted + 1
    }

    /// BYSETPOS: the n-th (or n-th from last) of a period's sorted set.
    private func pick(_ set: [WallTime]) -> [WallTime] {
        let sorted = Array(Set(set)).sorted()
        guard !rule.bySetPos.isEmpty else { return sorted }
        let picked = rule.bySetPos.compactMap { position -> WallTime? in
            let index = position > 0 ? position - 1 : sorted.count + position
            return sorted.indices.contains(index) ? sorted[index] : nil
        }
        return Array(Set(picked)).sorted()
    }

    // MARK: - Hours, minutes, seconds

    /// Finer rules walk day by day, so one that matches almost nothing (Feb 30 every second) costs
    /// a glance per day rather than a search without end.
    private func subDaily(
        through horizon: WallTime, limit: Int, deadline: ContinuousClock.Instant, into result: inout [WallTime]
    ) throws(RecurrenceError) {
        let unit = rule.frequency == .hourly ? 3600 : rule.frequency == .minutely ? 60 : 1
        let hours = rule.byHour.isEmpty ? Array(0..<24) : rule.byHour.sorted()
        let minutes =
            !rule.byMinute.isEmpty ? rule.byMinute.sorted() : rule.frequency == .hourly ? [start.minute] : Array(0..<60)
        let seconds =
            !rule.bySecond.isEmpty
            ? rule.bySecond.sorted() : rule.frequency == .secondly ? Array(0..<60) : [start.second]
        let origin = start.secondsSinceEpoch / unit
        var periodSet: [WallTime] = []
        var currentPeriod: Int?
        func flush() -> Bool {
            for time in pick(periodSet) where time >= start {
                guard time <= horizon, result.count < limit else { return false }
                result.append(time)
            }
            periodSet.removeAll()
            return true
        }
        // Whether a period from the one holding second `low` to the one holding `high` (seconds
        // since the epoch) is a multiple of INTERVAL from DTSTART's: an hour or minute with none is
        // passed over whole (every 100,003 seconds between 9 and 17 looked at each of 32,400
        // seconds a day).
        func reaches(_ low: Int, _ high: Int) -> Bool {
            let first = max(low / unit - origin, 0)
            let last = high / unit - origin
            guard first <= last else { return false }
            let remainder = first % rule.interval
            let (next, overflow) = first.addingReportingOverflow(remainder == 0 ? 0 : rule.interval - remainder)
            return !overflow && next <= last
        }
        var day = start.date
        var examined = 0
        while day <= horizon.date && result.count < limit {
            examined += 1
            if examined % 64 == 0 && ContinuousClock.now > deadline { throw .tooSlow(rule.description) }
            // The day's times fall in periods `first...last`; with no multiple of INTERVAL among them
            // none of its times occurs, and the walk goes straight to the day of the next multiple
            // (every 2^32 minutes looked at each of five years' minutes, and timed out).
            let dayStart = WallTime(date: day).secondsSinceEpoch
            let first = max(dayStart / unit - origin, 0)
            let remainder = first % rule.interval
            let (next, overflow) = first.addingReportingOverflow(remainder == 0 ? 0 : rule.interval - remainder)
            if overflow { break }
            if next > (dayStart + 86_399) / unit - origin {
                let (period, pastOrigin) = origin.addingReportingOverflow(next)
                let (seconds, pastSeconds) = period.multipliedReportingOverflow(by: unit)
                guard !pastOrigin, !pastSeconds, seconds / 86_400 <= horizon.date.dayNumber else { break }
                day = max(WallTime(secondsSinceEpoch: seconds).date, day.adding(days: 1))
                continue
            }
            if matches(day) {
                for hour in hours {
                    let hourStart = dayStart + hour * 3_600
                    guard reaches(hourStart, hourStart + 3_599) else { continue }
                    for minute in minutes {
                        let minuteStart = hourStart + minute * 60
                        guard reaches(minuteStart, minuteStart + 59) else { continue }
                        for second in seconds {
                            let time = WallTime(date: day, hour: hour, minute: minute, second: second)
                            let period = time.secondsSinceEpoch / unit - origin
                            guard period >= 0, period % rule.interval == 0 else { continue }
                            if period != currentPeriod {
                                guard flush() else { return }
                                currentPeriod = period
                            }
                            periodSet.append(time)
                        }
                    }
                }
            }
            day = day.adding(days: 1)
        }
        _ = flush()
    }
}
