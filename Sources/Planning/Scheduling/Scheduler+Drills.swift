import Dates

/// A drill the scheduler chose, or keeps from an earlier run.
struct PlannedDrill: Hashable {
    var type: String
    var date: CalendarDate
    /// Nil: the series' own time of day (rotating); set when a rule asks for one.
    var context: TimeOfDay?
    var presence: Set<PresenceRole>
    /// Kept from a fixed occurrence, so its UID stays.
    var slot: Int?
}

/// Choosing a school's drills: the fewest that meet every constraint of the requirement model.
///
/// Greedy set multicover, one drill at a time: among every drill type, time of day and free day
/// that some unmet constraint asks for, add the drill that meets the most unmet constraints at
/// once; ties go to the drill that helps the tightest windows, then to the day farthest from drills
/// of the same type (spread through the year), then to a stable hash (schools differ). Maxima, the
/// spacing rules, distinct times of day and "one drill a day" are hard limits on each candidate.
///
/// Why greedy is enough here: a school's year has some 180 days and at most a few dozen
/// constraints, most of them per-period counts of one type, where greedy is exact (each drill
/// serves one period of each count, and it always takes the one serving the most). Where windows
/// overlap (NY's first eight by December 31, MI's lockdown by December 1 and one at lunch) the
/// gain ranking puts the drill in the overlap. The state tests check the result has no redundant
/// drill: dropping any one scheduled drill breaks a rule.
extension Scheduler {
    func chooseDrills(
        model: RequirementModel, school: School, year: SchoolYear, fixed: [PlannedDrill], state: inout Placement,
        skipped: inout [SchedulingError]
    ) throws(SchedulingError) -> [PlannedDrill] {
        let constraints = model.constraints
        let firstDay = year.first.dayNumber
        let dayCount = year.last.dayNumber - firstDay + 1
        // Per type, per day of the year: the constraints a drill of that type that day may count for.
        var byTypeDay: [String: [[Int]]] = [:]
        for (index, constraint) in constraints.enumerated() {
            for type in model.entries[constraint.entry].rule.drills {
                if byTypeDay[type] == nil { byTypeDay[type] = Array(repeating: [], count: dayCount) }
                var day = max(constraint.span.lowerBound.dayNumber, firstDay)
                while day <= min(constraint.span.upperBound.dayNumber, year.last.dayNumber) {
                    byTypeDay[type]![day - firstDay].append(index)
                    day += 1
                }
            }
        }
        // Substitution: a drill a substituting rule counts also counts for the rules whose types it
        // replaces (PA's security drill in place of a fire drill), up to that rule's yearly cap.
        var viaTypeDay: [String: [[(constraint: Int, via: Int)]]] = [:]
        for entry in model.entries {
            for via in entry.substitutes {
                for index in entry.constraints {
                    let span = constraints[index].span
                    for type in model.entries[via].rule.drills {
                        if viaTypeDay[type] == nil { viaTypeDay[type] = Array(repeating: [], count: dayCount) }
                        var day = max(span.lowerBound.dayNumber, firstDay)
                        while day <= min(span.upperBound.dayNumber, year.last.dayNumber) {
                            viaTypeDay[type]![day - firstDay].append((index, via))
                            day += 1
                        }
                    }
                }
            }
        }
        var viaUsed = Array(repeating: 0, count: model.entries.count)
        let seriesTypes = Set(model.entries.compactMap(\.rule.drills.first))
        let openDays = year.days.filter { year.isInstructionalDay($0) && !year.isTesting($0) }
        // The notice a drill of each type owes: on a re-plan, a new drill leaves room for it.
        var lead: [String: Int] = [:]
        for entry in model.entries {
            for type in entry.rule.drills {
                lead[type] = max(lead[type] ?? 0, entry.rule.notice?.leadDays ?? 0, entry.rule.schedule.notice.leadDays)
            }
        }
        for activity in activities {
            if case .drill(let type) = activity.kind { lead[type] = max(lead[type] ?? 0, activity.notice.leadDays) }
        }
        // Flat copies of what the candidate loop reads for every day it weighs: reading them through
        // `model.entries[...].rule` copied the rule (and retained its arrays) each time.
        let entryOf = constraints.map(\.entry)
        let atLeast = constraints.map(\.atLeast)
        let atMost = constraints.map(\.atMost)
        let spacingOf = model.entries.map(\.rule.minSpacingDays)
        let distinctOf = model.entries.map(\.rule.condition.distinctTimes)
        let duringOf = model.entries.map(\.rule.condition.during)
        let presentOf = model.entries.map(\.rule.condition.present)
        let insideOf = model.entries.map(\.rule.condition.studentsInside)
        func meets(_ entry: Int, _ type: String, _ context: TimeOfDay?, _ presence: Set<PresenceRole>) -> Bool {
            if !duringOf[entry].isEmpty && !duringOf[entry].contains(where: { $0 == context }) { return false }
            if !presentOf[entry].allSatisfy(presence.contains) { return false }
            if insideOf[entry] && !RequirementModel.insideTypes.contains(type) { return false }
            return true
        }
        var givenUp: Set<Int> = []
        // A constraint few drill types can meet weighs more than one many can (NY's first eight take
        // evacuation drills too, a spring lockdown only a lockdown); then the tighter window.
        let typeWeight = model.entries.map { 1.0 / Double(max(1, $0.rule.drills.count)) }
        let spanWeight = constraints.map {
            1.0 / Double($0.span.upperBound.dayNumber - $0.span.lowerBound.dayNumber + 1)
        }

        var drills = fixed
        var counts = Array(repeating: 0, count: constraints.count)
        func contributions(_ type: String, _ day: CalendarDate, _ context: TimeOfDay?, _ presence: Set<PresenceRole>)
            -> [Int]
        {
            contributions(type, day, context, presence, byTypeDay[type] ?? [], viaTypeDay[type] ?? [])
        }
        // The same, with the type's day tables looked up once by the caller (the candidate loop).
        func contributions(
            _ type: String, _ day: CalendarDate, _ context: TimeOfDay?, _ presence: Set<PresenceRole>,
            _ typeDays: [[Int]], _ viaDays: [[(constraint: Int, via: Int)]]
        ) -> [Int] {
            var result: [Int] = []
            contributions(into: &result, type, day, context, presence, typeDays, viaDays)
            return result
        }
        // The same into a buffer the candidate loop reuses (it asks for every day it weighs).
        func contributions(
            into result: inout [Int], _ type: String, _ day: CalendarDate, _ context: TimeOfDay?,
            _ presence: Set<PresenceRole>, _ typeDays: [[Int]], _ viaDays: [[(constraint: Int, via: Int)]]
        ) {
            result.removeAll(keepingCapacity: true)
            let offset = day.dayNumber - firstDay
            guard offset >= 0, offset < dayCount else { return }
            if !typeDays.isEmpty {
                for index in typeDays[offset] where meets(entryOf[index], type, context, presence) {
                    result.append(index)
                }
            }
            guard !viaDays.isEmpty else { return }
            for (index, via) in viaDays[offset]
            where !result.contains(index) && viaUsed[via] < (model.entries[via].rule.substitutesAtMost ?? Int.max)
                && model.countsNatively(via, type: type, date: day, context: context, presence: presence)
                && meets(entryOf[index], type, context, presence)
            {
                result.append(index)
            }
        }
        // The drills each rule counts so far, for its spacing and distinct times of day.
        var byEntry = Array(repeating: [PlannedDrill](), count: model.entries.count)
        func count(_ drill: PlannedDrill) {
            let contributed = contributions(drill.type, drill.date, drill.context, drill.presence)
            let offset = drill.date.dayNumber - firstDay
            let inYear = offset >= 0 && offset < dayCount
            let native = Set(inYear ? byTypeDay[drill.type]?[offset] ?? [] : [])
            // A drill that stands in for another type uses one of its rule's substitutions.
            for (index, via) in inYear ? viaTypeDay[drill.type]?[offset] ?? [] : []
            where contributed.contains(index) && !native.contains(index) {
                viaUsed[via] += 1
                break
            }
            for index in contributed { counts[index] += 1 }
            for entry in Set(contributed.map { constraints[$0].entry }) { byEntry[entry].append(drill) }
        }
        for drill in drills { count(drill) }

        while true {
            let unmet = constraints.indices.filter { counts[$0] < constraints[$0].atLeast && !givenUp.contains($0) }
            guard !unmet.isEmpty else { break }
            // What unmet constraints ask for: a type, maybe a time of day, maybe who must be there.
            var wanted: [(type: String, context: TimeOfDay?, presence: Set<PresenceRole>)] = []
            for index in unmet {
                let rule = model.entries[constraints[index].entry].rule
                let types = rule.drills.count > 4 ? rule.drills.filter(seriesTypes.contains) : rule.drills
                let contexts: [TimeOfDay?] =
                    rule.condition.during.isEmpty ? [nil] : rule.condition.during.filter(school.bellSchedule.has)
                for type in types where !rule.condition.studentsInside || RequirementModel.insideTypes.contains(type) {
                    for context in contexts
                    where !wanted.contains(where: {
                        $0.type == type && $0.context == context && $0.presence == Set(rule.condition.present)
                    }) {
                        wanted.append((type, context, Set(rule.condition.present)))
                    }
                }
            }
            var best: (drill: PlannedDrill, score: (Double, Double, Int, Int, Int))?
            var contributed: [Int] = []
            for want in wanted {
                let typeSalt = stableHash("\(districtID)/\(school.id)/\(want.type)")
                let sameType = drills.filter { $0.type == want.type }.map(\.date.dayNumber)
                let allDays = state.drillDayNumbers
                let typeDays = byTypeDay[want.type] ?? []
                let viaDays = viaTypeDay[want.type] ?? []
                let leadDays = lead[want.type] ?? 0
                for day in openDays where !state.hasDrill(on: day) && state.allows(day, leadDays: leadDays) {
                    var context = want.context
                    // Most days help no unmet constraint: tell that without building the list.
                    let offset = day.dayNumber - firstDay
                    if !(typeDays.isEmpty ? [] : typeDays[offset]).contains(where: { counts[$0] < atLeast[$0] })
                        && (viaDays.isEmpty || viaDays[offset].isEmpty)
                    {
                        continue
                    }
                    contributions(into: &contributed, want.type, day, context, want.presence, typeDays, viaDays)
                    guard contributed.contains(where: { counts[$0] < atLeast[$0] }) else { continue }
                    // Hard limits: maxima, spacing, and a time of day of its own where a rule asks.
                    var allowed = true
                    let dayNumber = day.dayNumber
                    for index in contributed {
                        let entry = entryOf[index]
                        if let most = atMost[index], counts[index] + 1 > most { allowed = false }
                        if let spacing = spacingOf[entry],
                            byEntry[entry].contains(where: { abs($0.date.dayNumber - dayNumber) < spacing })
                        {
                            allowed = false
                        }
                        if distinctOf[entry] {
                            let others = byEntry[entry]
                            let used = Set(others.compactMap(\.context))
                            if let chosen = context {
                                if used.contains(chosen) { allowed = false }
                            } else if let free = TimeOfDay.drillContexts.first(where: {
                                school.bellSchedule.has($0) && !used.contains($0)
                            }) {
                                context = free
                            } else {
                                allowed = false
                            }
                        }
                        if !allowed { break }
                    }
                    guard allowed else { continue }
                    if context != want.context {
                        contributions(into: &contributed, want.type, day, context, want.presence, typeDays, viaDays)
                    }
                    var weighted = 0.0
                    var tightness = 0.0
                    for index in contributed where counts[index] < atLeast[index] {
                        weighted += typeWeight[entryOf[index]]
                        tightness += spanWeight[index]
                    }
                    // Only a candidate that could win needs its finer preferences worked out.
                    if let best, (weighted, tightness) < (best.score.0, best.score.1) { continue }
                    var spread = 60
                    for other in sameType { spread = min(spread, abs(other - day.dayNumber)) }
                    var apart = 7
                    for other in allDays { apart = min(apart, abs(other - day.dayNumber)) }
                    let salt = Int(UInt64(truncatingIfNeeded: typeSalt &+ day.dayNumber &* 2_654_435_761) % 1_000_003)
                    let score = (weighted, tightness, spread, apart, salt)
                    if best.map({ score > $0.score }) ?? true {
                        best = (
                            PlannedDrill(type: want.type, date: day, context: context, presence: want.presence), score
                        )
                    }
                }
            }
            guard let chosen = best?.drill else {
                let tightest = unmet.min {
                    (constraints[$0].span.upperBound.dayNumber - constraints[$0].span.lowerBound.dayNumber)
                        < (constraints[$1].span.upperBound.dayNumber - constraints[$1].span.lowerBound.dayNumber)
                }!
                let error = unplaceable(tightest, model: model, counts: counts, school: school)
                // On a re-plan, what can no longer be met is reported and the rest still placed.
                guard state.notBefore != nil else { throw error }
                skipped.append(error)
                givenUp.insert(tightest)
                continue
            }
            drills.append(chosen)
            state.recordDrill(chosen.date)
            count(chosen)
        }
        return drills
    }

    private func unplaceable(_ index: Int, model: RequirementModel, counts: [Int], school: School) -> SchedulingError {
        let constraint = model.constraints[index]
        let entry = model.entries[constraint.entry]
        let condition = entry.rule.condition
        let missing = condition.during.filter { !school.bellSchedule.has($0) }
        let why =
            !missing.isEmpty && missing.count == condition.during.count
            ? "the bell schedule has no " + missing.map(\.words).joined(separator: " or ")
            : "no free instructional day left, once closures, staff-only days, testing windows and other drills are kept clear"
        return SchedulingError(
            schoolID: school.id,
            activityID: entry.jurisdiction == "plan" ? entry.rule.id : "\(entry.jurisdiction)/\(entry.rule.id)",
            constraint:
                "\(counts[index]) of \(constraint.atLeast) \(entry.rule.drillWords) drill\(constraint.atLeast == 1 ? "" : "s")"
                + (condition.words.isEmpty ? "" : " \(condition.words)")
                + " between \(constraint.span.lowerBound) and \(constraint.span.upperBound): \(why)")
    }
}
