import Dates

/// What a school's year already holds while the scheduler fills it: which days have a drill, which
/// kinds fall when, what times are taken after school.
struct Placement {
    let school: School
    let year: SchoolYear
    private var drillDays: Set<CalendarDate> = []
    /// `drillDays` as one flag per day of the year, for the scheduler's inner loop (a set lookup
    /// hashes; this indexes). Days outside the year are answered by the set.
    private var drillFlags: [Bool]
    private let firstDay: Int
    private var daysByKind: [String: [CalendarDate]] = [:]
    private var itemsPerDay: [CalendarDate: Int] = [:]
    private var afterSchoolEnds: [CalendarDate: ClockTime] = [:]

    /// On a re-plan, the day new placements (and their notices) must come after.
    let notBefore: CalendarDate?

    init(school: School, year: SchoolYear, notBefore: CalendarDate? = nil) {
        self.school = school
        self.year = year
        self.notBefore = notBefore
        firstDay = year.first.dayNumber
        drillFlags = Array(repeating: false, count: max(0, year.last.dayNumber - year.first.dayNumber + 1))
    }

    private mutating func insertDrill(_ day: CalendarDate) {
        drillDays.insert(day)
        let offset = day.dayNumber - firstDay
        if drillFlags.indices.contains(offset) { drillFlags[offset] = true }
    }

    /// Whether a new placement may take `day`: after `notBefore`, with its notice (moved back to a
    /// weekday, as notices are) after it too.
    func allows(_ day: CalendarDate, leadDays: Int) -> Bool {
        guard let notBefore else { return true }
        guard day > notBefore else { return false }
        guard leadDays > 0 else { return true }
        var notice = day.adding(days: -leadDays)
        while notice.weekday == .saturday || notice.weekday == .sunday || year.closures[notice] != nil {
            notice = notice.adding(days: -1)
        }
        return notice > notBefore
    }

    /// The first day of `stretch`, from a stable offset, that keeps the rules; the preferences
    /// (a week from the same kind, another weekday than last time, a day not already busy) are
    /// dropped one pass at a time, and the whole period is tried when the stretch has no room.
    func pick(
        from stretch: [CalendarDate], orFrom period: [CalendarDate], for activity: Activity,
        after previous: CalendarDate?,
        salt: Int
    ) -> CalendarDate? {
        // The days of the same kind are looked up once (the key is a string made from the kind),
        // as day numbers: each candidate is measured against each of them, and a date's day
        // number is worked out from its year, month and day every time it is asked.
        let sameKind = (daysByKind[activity.kind.description] ?? []).map(\.dayNumber)
        let previousWeekday = previous?.weekday
        for strict in [true, false] {
            for candidates in [stretch, period] where !candidates.isEmpty {
                let offset = salt % candidates.count
                for step in 0..<candidates.count {
                    let day = candidates[(offset + step) % candidates.count]
                    if allows(day, for: activity, sameKind: sameKind, afterWeekday: previousWeekday, strict: strict) {
                        return day
                    }
                }
            }
        }
        return nil
    }

    private func allows(
        _ day: CalendarDate, for activity: Activity, sameKind: [Int], afterWeekday previous: Weekday?, strict: Bool
    ) -> Bool {
        let dayNumber = day.dayNumber
        if activity.kind.isDrill && hasDrill(on: day) { return false }
        if sameKind.contains(dayNumber) { return false }
        if let spacing = activity.minSpacingDays, sameKind.contains(where: { abs($0 - dayNumber) < spacing }) {
            return false
        }
        guard strict else { return true }
        if sameKind.contains(where: { abs($0 - dayNumber) < 7 }) { return false }
        if let previous, previous == day.weekday { return false }
        return (itemsPerDay[day] ?? 0) < (activity.kind.isDrill ? 2 : 1)
    }

    /// Whether a drill already takes `day` (one drill a day).
    func hasDrill(on day: CalendarDate) -> Bool {
        let offset = day.dayNumber - firstDay
        return drillFlags.indices.contains(offset) ? drillFlags[offset] : drillDays.contains(day)
    }

    /// Whether a drill already takes the day `offset` days into the year.
    func hasDrill(offset: Int) -> Bool {
        drillFlags.indices.contains(offset) ? drillFlags[offset] : drillDays.contains(year.first.adding(days: offset))
    }

    /// The day numbers of every drill placed so far.
    var drillDayNumbers: [Int] { drillDays.map(\.dayNumber) }

    /// A drill on `day`, before its item is made.
    mutating func recordDrill(_ day: CalendarDate) { insertDrill(day) }

    mutating func record(_ day: CalendarDate, for activity: Activity) {
        if activity.kind.isDrill { insertDrill(day) }
        daysByKind[activity.kind.description, default: []].append(day)
        itemsPerDay[day, default: 0] += 1
    }

    /// An after-school start on `day` that follows whatever already meets then.
    mutating func afterSchoolStart(on day: CalendarDate, minutes: Int) -> ClockTime {
        let start = afterSchoolEnds[day] ?? school.bellSchedule.day.end.adding(minutes: 30)
        afterSchoolEnds[day] = start.adding(minutes: minutes)
        return start
    }

    /// The `count`-th instructional, non-testing day after `day`, or nil past the last day.
    func schoolDay(_ count: Int, after day: CalendarDate) -> CalendarDate? {
        var found = 0
        var current = day
        while current < year.last {
            current = current.adding(days: 1)
            if year.isInstructionalDay(current) {
                found += 1
                if found == count { return current }
            }
        }
        return nil
    }
}

extension SchoolYear {
    /// The days of `period` a new placement may take (`isOpen`) inside every one of `windows`, in
    /// order. Days are counted, and a date made only of a day that passes: the planner asks this of
    /// every period of every activity of every school, and a date's day number is worked out from
    /// its year, month and day each time it is asked.
    func openDays(in period: Term, within windows: [ClosedRange<CalendarDate>]) -> [CalendarDate] {
        let first = max(period.first, self.first).dayNumber
        let last = min(period.last, self.last).dayNumber
        guard first <= last else { return [] }
        let spans = windows.map { $0.lowerBound.dayNumber...$0.upperBound.dayNumber }
        var days: [CalendarDate] = []
        days.reserveCapacity(last - first + 1)
        for day in first...last where isOpen(dayNumber: day) && spans.allSatisfy({ $0.contains(day) }) {
            days.append(CalendarDate(dayNumber: day))
        }
        return days
    }

    /// The span of days a window allows, measured from the year's first day or `period`'s start.
    func span(of window: Window, period: Term) -> ClosedRange<CalendarDate> {
        let none = last.adding(days: 1)...last.adding(days: 1)
        switch window {
        case .within(let days, let from, let kind):
            let anchor = self.anchor(from, period: period)
            return anchor...(day(days, of: kind, from: anchor) ?? last)
        case .after(let days, let from, let kind):
            guard let end = day(days, of: kind, from: anchor(from, period: period)), end < last else { return none }
            return end.adding(days: 1)...last
        case .by(let month, let day):
            let end = date(of: MonthDay(month: month, day: day))
            return end >= first ? first...end : none
        case .inMonth(let month):
            let start = date(of: MonthDay(month: month, day: 1))
            return
                start...CalendarDate(
                    year: start.year, month: month, day: CalendarDate.daysIn(month: month, year: start.year))
        case .between(let from, let to):
            // In order (04-01 to 07-31): both in one calendar year; wrapping (11-15 to 06-30): across New Year.
            let start = date(of: from)
            let end =
                from <= to
                ? CalendarDate(
                    year: start.year, month: to.month,
                    day: min(to.day, CalendarDate.daysIn(month: to.month, year: start.year)))
                : date(of: to)
            return start <= end ? start...end : none
        }
    }

    /// The day a window counts from.
    private func anchor(_ from: WindowAnchor, period: Term) -> CalendarDate {
        switch from {
        case .year: first
        case .period: period.first
        case .day(let monthDay): date(of: monthDay)
        }
    }

    /// The `count`-th day of a kind from `anchor` on (counting `anchor`), or nil past the last day.
    private func day(_ count: Int, of kind: DayKind, from anchor: CalendarDate) -> CalendarDate? {
        var remaining = count
        var current = anchor
        while current <= last {
            if counts(current, as: kind) {
                remaining -= 1
                if remaining == 0 { return current }
            }
            current = current.adding(days: 1)
        }
        return nil
    }

    /// A month-day in this school year: July to December in the first calendar year, else the second.
    func date(of monthDay: MonthDay) -> CalendarDate {
        let calendarYear = monthDay.month >= 7 ? first.year : first.year + 1
        let days = CalendarDate.daysIn(month: monthDay.month, year: calendarYear)
        return CalendarDate(year: calendarYear, month: monthDay.month, day: min(monthDay.day, days))
    }
}
