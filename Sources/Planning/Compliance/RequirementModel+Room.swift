public import Dates

/// How many more drills one of a rule's windows can still take, and what limits it.
public struct Room: Sendable {
    /// The most drills that can still count, up to the number asked about.
    public var count: Int
    /// What holds it below that number (`the rule allows at most 2 in Semester 2`); nil when
    /// nothing does.
    public var limit: String?
}

extension RequirementModel {
    /// How many of `wanted` more drills can still count for a constraint from `from` on, given the
    /// drills that already count for its rule (their days, `dayNumbers`, held and scheduled; the
    /// times of day they use, `usedTimes`): on days with students, within every maximum of the rule, its spacing and its distinct
    /// times of day. Both `check` (at risk, or cannot be met?) and the scheduler (why a re-plan could
    /// not place a drill) ask this one question, so they agree.
    ///
    /// Drills go on the earliest day each limit leaves, which is the most there can be: moving a
    /// drill earlier never breaks the spacing to a later one, and a period holding the earlier day
    /// but not the later one ends before any later drill. Only the rule's own limits are weighed
    /// (not one drill a day at the school, nor other rules' maxima), so a shortfall it calls final
    /// is final; one it lets pass may still be.
    public func room(
        _ constraintIndex: Int, from: CalendarDate, dayNumbers: [Int], usedTimes: Set<TimeOfDay>, wanted: Int
    ) -> Room {
        let constraint = constraints[constraintIndex]
        let entry = entries[constraint.entry]
        let rule = entry.rule
        guard wanted > 0 else { return Room(count: 0) }
        // A time of day the rule asks for that the school's day does not have.
        let times = TimeOfDay.drillContexts.filter {
            school.bellSchedule.has($0) && (rule.condition.during.isEmpty || rule.condition.during.contains($0))
        }
        if !rule.condition.during.isEmpty && times.isEmpty {
            return Room(
                count: 0,
                limit: "the bell schedule has no " + rule.condition.during.map(\.words).joined(separator: " or "))
        }
        let start = max(from, constraint.span.lowerBound)
        let days =
            start > constraint.span.upperBound
            ? []
            : (start.dayNumber...constraint.span.upperBound.dayNumber).filter {
                year.isInstructionalDay(CalendarDate(dayNumber: $0))
            }
        guard !days.isEmpty else {
            return Room(count: 0, limit: "no day with students is left by \(constraint.span.upperBound)")
        }
        let maxima = entry.constraints.filter { constraints[$0].atMost != nil }
        // Earliest days first, as many a day as the limits allow, stopping once `wanted` fit.
        func fit(spacing: Int?) -> (count: Int, full: [Int]) {
            var used = maxima.map { index in dayNumbers.filter { constraints[index].span.contains(dayNumber: $0) }.count
            }
            var placed: [Int] = []
            for day in days {
                while placed.count < wanted {
                    let inside = maxima.indices.filter { constraints[maxima[$0]].span.contains(dayNumber: day) }
                    if inside.contains(where: { used[$0] >= constraints[maxima[$0]].atMost! }) { break }
                    if let spacing, spacing > 0,
                        (dayNumbers + placed).contains(where: { abs($0 - day) < spacing })
                    {
                        break
                    }
                    placed.append(day)
                    for position in inside { used[position] += 1 }
                }
                if placed.count == wanted { break }
            }
            let full = maxima.indices.filter {
                used[$0] >= constraints[maxima[$0]].atMost! && constraints[maxima[$0]].span.upperBound >= start
            }
            return (placed.count, full.map { maxima[$0] })
        }
        let byMaxima = fit(spacing: nil)
        if byMaxima.count < wanted {
            let periods = byMaxima.full.map { index in
                let there = dayNumbers.filter { constraints[index].span.contains(dayNumber: $0) }.count
                return "at most \(constraints[index].atMost!) in \(constraints[index].periodName)"
                    + (there == 0 ? "" : " (\(there) already counted there)")
            }
            return Room(count: byMaxima.count, limit: "the rule allows " + periods.joined(separator: ", "))
        }
        var count = byMaxima.count
        if let spacing = rule.minSpacingDays, spacing > 0 {
            count = fit(spacing: spacing).count
            if count < wanted {
                return Room(
                    count: count,
                    limit: "its drills must be at least \(spacing) day\(spacing == 1 ? "" : "s") apart, "
                        + "and \(days.count) day\(days.count == 1 ? " is" : "s are") left")
            }
        }
        if rule.condition.distinctTimes {
            let free = times.filter { !usedTimes.contains($0) }
            if free.count < wanted {
                return Room(
                    count: free.count,
                    limit: "each must be at a time of day not used yet, and "
                        + (free.isEmpty
                            ? "none is left"
                            : "only " + free.map(\.words).joined(separator: ", ")
                                + " \(free.count == 1 ? "is" : "are") left"))
            }
        }
        return Room(count: count)
    }
}

extension ClosedRange<CalendarDate> {
    fileprivate func contains(dayNumber: Int) -> Bool {
        lowerBound.dayNumber <= dayNumber && dayNumber <= upperBound.dayNumber
    }
}
