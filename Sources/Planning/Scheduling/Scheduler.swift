public import Dates

/// Places every activity of the plan on one school's real calendar. Pure and deterministic: the same
/// plan and calendar always give the same items.
///
/// Each activity's cadence is met period by period; a period's candidate days (instructional, no
/// closure, no testing window, inside the activity's windows) are cut into as many equal stretches
/// as occurrences, and each occurrence takes a day in its stretch, offset by a stable hash so schools
/// and activities land on different weekdays. Drills never share a day, occurrences of one kind keep
/// a week apart where they can, times of day rotate, notices go before the events that owe them and
/// a review follows each drill.
public struct Scheduler: Sendable {
    public var districtID: String
    public var activities: [Activity]

    public init(districtID: String, activities: [Activity]) {
        self.districtID = districtID
        self.activities = activities
    }

    /// Every item for `school` in `year`, in time order; throws when a constraint cannot be met.
    ///
    /// `fixed` occurrences (done, past or announced) keep their day: other placements work around them.
    public func schedule(_ school: School, year: SchoolYear, fixed: [FixedOccurrence] = []) throws(SchedulingError)
        -> [ScheduledItem]
    {
        var state = Placement(school: school, year: year)
        var pinned: [String: [Int: CalendarDate]] = [:]
        for occurrence in fixed where occurrence.schoolID == school.id {
            guard let activity = activities.first(where: { $0.id == occurrence.activityID }) else { continue }
            pinned[activity.id, default: [:]][occurrence.slot] = occurrence.date
            state.record(occurrence.date, for: activity)
        }
        // Drills first: they have the hardest rules; then the rest, each in id order.
        let ordered =
            activities.filter(\.kind.isDrill).sorted { $0.id < $1.id }
            + activities.filter { !$0.kind.isDrill }.sorted { $0.id < $1.id }
        var items: [ScheduledItem] = []
        for activity in ordered where activity.onlyWhere?.holds(for: school) ?? true {
            let days = try place(
                activity, school: school, year: year, pinned: pinned[activity.id] ?? [:], state: &state)
            for (index, day) in days.enumerated() {
                let item = makeItem(activity, slot: index + 1, day: day, school: school, year: year, state: &state)
                items.append(item)
                items += followUps(of: item, activity: activity, school: school, year: year, state: &state)
            }
        }
        return items.sorted { $0.sortKey < $1.sortKey }
    }

    // MARK: - Days

    /// The day of each occurrence, in slot order (slot n is the n-th placed, so a pinned slot keeps
    /// its number and its UID whatever moves around it).
    private func place(
        _ activity: Activity, school: School, year: SchoolYear, pinned: [Int: CalendarDate], state: inout Placement
    ) throws(SchedulingError) -> [CalendarDate] {
        let plan = Cadence(activity.cadence, year: year)
        var chosen: [CalendarDate] = []
        for (period, count) in zip(plan.periods, plan.counts) where count > 0 {
            let windows = activity.windows.map { year.span(of: $0, period: period) }
            var candidates = year.days(in: period).filter { day in
                year.isInstructionalDay(day) && !year.isTesting(day) && windows.allSatisfy { $0.contains(day) }
            }
            for index in 0..<count {
                if let day = pinned[chosen.count + 1] {
                    chosen.append(day)
                    candidates.removeAll { $0 == day }
                    continue
                }
                var pool = candidates
                if chosen.isEmpty, let first = activity.firstWithin {
                    let span = year.span(of: first, period: period)
                    pool = pool.filter(span.contains)
                }
                let stretch = Array(pool[(index * pool.count / count)..<((index + 1) * pool.count / count)])
                let salt = stableHash("\(districtID)/\(school.id)/\(activity.id)/\(chosen.count + 1)")
                guard
                    let day = state.pick(from: stretch, orFrom: pool, for: activity, after: chosen.last, salt: salt)
                else {
                    let windowNote = activity.windows.isEmpty && activity.firstWithin == nil ? "" : " inside its window"
                    throw SchedulingError(
                        schoolID: school.id, activityID: activity.id,
                        constraint:
                            "no instructional day left in \(period.name) (\(period.first) to \(period.last))\(windowNote) "
                            + "for occurrence \(index + 1) of \(count), once closures, staff-only days, testing "
                            + "windows and other drills are kept clear")
                }
                chosen.append(day)
                candidates.removeAll { $0 == day }
                state.record(day, for: activity)
            }
        }
        return chosen
    }
}

/// An occurrence that must stay on its day when the year is placed again.
public struct FixedOccurrence: Hashable, Sendable {
    public var schoolID: String
    public var activityID: String
    public var slot: Int
    public var date: CalendarDate

    public init(schoolID: String, activityID: String, slot: Int, date: CalendarDate) {
        self.schoolID = schoolID
        self.activityID = activityID
        self.slot = slot
        self.date = date
    }
}

/// How many occurrences each period of the finest kind a cadence names must hold.
struct Cadence {
    var periods: [Term]
    var counts: [Int]

    init(_ requirements: [Requirement], year: SchoolYear) {
        let finest = requirements.map(\.per).min() ?? .year
        periods = year.periods(finest)
        counts = periods.map { _ in requirements.filter { $0.per == finest }.map(\.count).max() ?? 0 }
        // A coarser rule (two a year) tops up the finest periods inside it, in turn.
        for requirement in requirements where requirement.per != finest {
            for outer in year.periods(requirement.per) {
                let inside = periods.indices.filter { outer.contains(periods[$0].first) }
                guard !inside.isEmpty else { continue }
                var turn = 0
                while inside.map({ counts[$0] }).reduce(0, +) < requirement.count {
                    counts[inside[turn % inside.count]] += 1
                    turn += 1
                }
            }
        }
    }
}

/// FNV-1a, 64 bits: the same on every run and machine (Swift's `Hasher` is seeded per process).
public func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}

/// A stable offset for spreading occurrences.
func stableHash(_ text: String) -> Int { Int(fnv1a(text) % 1_000_003) }
