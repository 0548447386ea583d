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
    /// Whether it counts for the rules (a kept drill whose day passed unrecorded does not).
    var counts = true
    /// Whether it is a scheduled item (a held drill's record counts without making one).
    var isItem = true
    /// A kept drill a re-plan may leave out when every rule is met without it.
    var droppable = false
    /// When a droppable drill was placed on its day: the most recent go first.
    var placedOn: CalendarDate?
    /// The clock hour a held drill started in (its record's), for rules that ask different hours.
    var hour: Int?
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
        var natives: [String: [(constraint: Int, via: Int, span: Range<Int>)]] = [:]
        for (index, constraint) in constraints.enumerated() {
            for type in model.entries[constraint.entry].rule.drills {
                natives[type, default: []].append((index, -1, offsets(constraint.span, firstDay, dayCount)))
            }
        }
        let byTypeDay = natives.mapValues { DayIndex(dayCount: dayCount, spans: $0) }
        // Substitution: a drill a substituting rule counts also counts for the rules whose types it
        // replaces (PA's security drill in place of a fire drill), up to that rule's yearly cap.
        var substitutes: [String: [(constraint: Int, via: Int, span: Range<Int>)]] = [:]
        for entry in model.entries {
            for via in entry.substitutes {
                for index in entry.constraints {
                    for type in model.entries[via].rule.drills {
                        substitutes[type, default: []].append(
                            (index, via, offsets(constraints[index].span, firstDay, dayCount)))
                    }
                }
            }
        }
        let viaTypeDay = substitutes.mapValues { DayIndex(dayCount: dayCount, spans: $0) }
        var viaUsed = Array(repeating: 0, count: model.entries.count)
        let viaCap = model.entries.map { $0.rule.substitutesAtMost ?? Int.max }
        let seriesTypes = Set(model.entries.compactMap(\.rule.drills.first))
        let openDays = year.days.filter { year.isOpenForDrills($0) }
        let openOffsets = openDays.map { $0.dayNumber - firstDay }
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
        // What each constraint asks, a `share` rule's year count set below.
        var asked = constraints.map(\.atLeast)
        let atMost = constraints.map(\.atMost)
        let spacingOf = model.entries.map(\.rule.minSpacingDays)
        let isGap = constraints.map(\.isGap)
        let distinctOf = model.entries.map(\.rule.condition.distinctTimes)
        var givenUp: Set<Int> = []
        // A constraint few drill types can meet weighs more than one many can (NY's first eight take
        // evacuation drills too, a spring lockdown only a lockdown); then the tighter window.
        let typeWeight = model.entries.map { 1.0 / Double(max(1, $0.rule.drills.count)) }
        let spanWeight = constraints.map {
            1.0 / Double($0.span.upperBound.dayNumber - $0.span.lowerBound.dayNumber + 1)
        }

        var drills = fixed
        var counts = Array(repeating: 0, count: constraints.count)
        // Whether a drill of `type` at `context` with `presence` meets each rule's conditions: they do
        // not depend on the day, so the candidate loop asks once per kind of drill, not once per day.
        func meeting(_ type: String, _ context: TimeOfDay?, _ presence: Set<PresenceRole>) -> [Bool] {
            model.entries.indices.map { model.meetsCondition($0, type: type, context: context, presence: presence) }
        }
        // The constraints a drill counts for, into a buffer the candidate loop reuses. (What it reads
        // of the loop's changing state comes in as arguments: a captured `var` is checked for
        // exclusive access at run time on every read, a tenth of the placement.)
        func contributions(
            into result: inout [Int], _ type: String, _ offset: Int, _ context: TimeOfDay?,
            _ presence: Set<PresenceRole>, _ meets: [Bool], _ typeDays: DayIndex?, _ viaDays: DayIndex?,
            _ viaUsed: [Int]
        ) {
            // Emptied one element at a time: `removeAll(keepingCapacity:)` went through the
            // generic `replaceSubrange`, 2 % of the placement for lists of one or two.
            while result.popLast() != nil {}
            guard offset >= 0, offset < dayCount else { return }
            if let typeDays {
                for slot in typeDays.range(offset) where meets[entryOf[typeDays.constraints[slot]]] {
                    result.append(typeDays.constraints[slot])
                }
            }
            guard let viaDays else { return }
            // Worked out only for a day some substitution may count on (most days have none).
            lazy var day = CalendarDate(dayNumber: firstDay + offset)
            for slot in viaDays.range(offset) {
                let index = viaDays.constraints[slot]
                let via = viaDays.vias[slot]
                if !result.contains(index) && viaUsed[via] < viaCap[via] && meets[entryOf[index]]
                    && model.countsNatively(via, type: type, date: day, context: context, presence: presence)
                {
                    result.append(index)
                }
            }
        }
        // The drills each rule counts so far (their day numbers, for spacing; their times of day).
        var byEntry = Array(repeating: [Int](), count: model.entries.count)
        var contextsByEntry = Array(repeating: Set<TimeOfDay>(), count: model.entries.count)
        var contributed: [Int] = []
        func count(_ drill: PlannedDrill) {
            let offset = drill.date.dayNumber - firstDay
            let typeDays = byTypeDay[drill.type]
            let viaDays = viaTypeDay[drill.type]
            contributions(
                into: &contributed, drill.type, offset, drill.context, drill.presence,
                meeting(drill.type, drill.context, drill.presence), typeDays, viaDays, viaUsed)
            let inYear = offset >= 0 && offset < dayCount
            // A drill that stands in for another type uses one of its rule's substitutions.
            if inYear, let viaDays {
                let native = typeDays.map { days in Set(days.range(offset).map { days.constraints[$0] }) } ?? []
                for slot in viaDays.range(offset)
                where contributed.contains(viaDays.constraints[slot]) && !native.contains(viaDays.constraints[slot]) {
                    viaUsed[viaDays.vias[slot]] += 1
                    break
                }
            }
            for index in contributed { counts[index] += 1 }
            for entry in Set(contributed.map { entryOf[$0] }) {
                byEntry[entry].append(drill.date.dayNumber)
                if let context = drill.context { contextsByEntry[entry].insert(context) }
            }
        }
        // A kept drill on a day without students (a closure added since) counts for nothing, as in `check`.
        for drill in drills where drill.counts && year.noStudents(on: drill.date) == nil { count(drill) }
        // A window that closed before a re-plan's first free day takes no new drill: its shortfall
        // is `check`'s to report (cannot be met), not a placement that failed.
        if let notBefore = state.notBefore {
            for index in constraints.indices where constraints[index].span.upperBound <= notBefore {
                givenUp.insert(index)
            }
        }

        // A share rule's drills: its year count asks its share of what its base rule asks (NV: half
        // of ten monthly drills), so the search puts them where they also meet the base's counts.
        for entry in model.entries.indices {
            guard let share = model.entries[entry].rule.share, let base = model.entries[entry].shareOf,
                let constraint = model.entries[entry].constraints.first(where: {
                    constraints[$0].per == .year && !constraints[$0].isFirst && !constraints[$0].isGap
                })
            else { continue }
            asked[constraint] = max(asked[constraint], share.needed(of: model.asked(base)))
        }
        let atLeast = asked

        // What each constraint asks for, worked out once (every round asked it of every unmet
        // constraint again): a type, maybe a time of day, maybe who must be there; each distinct
        // want once in `wants`, with what the candidate loop reads of it. Worked out when a first
        // round runs: a re-plan that pins every drill needs none.
        func makeWants() -> (wants: [Want], of: [[Int]]) {
            var wants: [Want] = []
            let wantsOf: [[Int]] = constraints.indices.map { index in
                let rule = model.entries[constraints[index].entry].rule
                // Of several types, only those some rule places first: a rule that also counts a
                // tornado drill as a severe-weather drill never brings tornado drills to a school
                // no tornado rule asks them of.
                let types = rule.drills.count > 1 ? rule.drills.filter(seriesTypes.contains) : rule.drills
                let contexts: [TimeOfDay?] =
                    rule.condition.during.isEmpty ? [nil] : rule.condition.during.filter(school.bellSchedule.has)
                let presence = Set(rule.condition.present)
                var list: [Int] = []
                for type in types where !rule.condition.studentsInside || RequirementModel.insideTypes.contains(type) {
                    for context in contexts {
                        let position =
                            wants.firstIndex { $0.type == type && $0.context == context && $0.presence == presence }
                            ?? {
                                wants.append(
                                    Want(
                                        type: type, context: context, presence: presence,
                                        meets: meeting(type, context, presence),
                                        salt: stableHash("\(districtID)/\(school.id)/\(type)")))
                                return wants.count - 1
                            }()
                        if !list.contains(position) { list.append(position) }
                    }
                }
                return list
            }
            return (wants, wantsOf)
        }
        var wants: [Want] = []
        var wantsOf: [[Int]] = []
        // On a re-plan, which open days each notice lead leaves a drill: worked out for a lead the
        // first time a round needs it (most re-plans pin every drill and need none).
        var allowedByLead: [Int: [Bool]] = [:]
        // Each want's verdict on each open day (want by want, day by day), kept from round to
        // round: a round adds one drill, which changes what its own type, the rules it counted for
        // and the week around its day see, and nothing else (worked out after each drill is
        // counted). Every round weighed every day for every want again, three in four unchanged.
        // A verdict holds while its epoch is its want's: a want forgets all its days in one step.
        var verdictList: [Verdict] = []
        var epochs: [Int] = []
        let dayTotal = openDays.count
        // Each want's best day (the first of its highest score), while it holds: a want the new
        // drill does not touch sees only the days of that week lose (drills nearer, the day taken),
        // so its best stands unless it lies in that week.
        var wantBests: [(position: Int, score: Score)?] = []
        var wantBestEpochs: [Int] = []
        // Per drill type, what its days can count for: the rules (a constraint's count, spacing and
        // times of day are its rule's) and the substituting rules.
        var reaches: [String: Reach] = [:]
        func reach(of type: String) -> Reach {
            if let known = reaches[type] { return known }
            var touched = Reach(
                entries: Array(repeating: false, count: model.entries.count),
                vias: Array(repeating: false, count: model.entries.count))
            for days in [byTypeDay[type], viaTypeDay[type]].compactMap({ $0 }) {
                for (constraint, via) in zip(days.constraints, days.vias) {
                    touched.entries[entryOf[constraint]] = true
                    if via >= 0 { touched.vias[via] = true }
                }
            }
            reaches[type] = touched
            return touched
        }

        while true {
            let unmet = constraints.indices.filter { counts[$0] < atLeast[$0] && !givenUp.contains($0) }
            guard !unmet.isEmpty else { break }
            if wantsOf.isEmpty {
                (wants, wantsOf) = makeWants()
                verdictList = Array(repeating: Verdict(), count: wants.count * dayTotal)
                epochs = Array(repeating: 0, count: wants.count)
                wantBests = Array(repeating: nil, count: wants.count)
                wantBestEpochs = Array(repeating: -1, count: wants.count)
            }
            // The wants of the unmet constraints, in the order they first come.
            var wanted: [Int] = []
            var isWanted = Array(repeating: false, count: wants.count)
            for index in unmet {
                for position in wantsOf[index] where !isWanted[position] {
                    isWanted[position] = true
                    wanted.append(position)
                }
            }
            // Whether a drill of the type on day `offset` would count toward some unmet constraint.
            func helps(_ days: DayIndex?, _ offset: Int, _ counts: [Int]) -> Bool {
                guard let days else { return false }
                return days.range(offset).contains { counts[days.constraints[$0]] < atLeast[days.constraints[$0]] }
            }
            let counted = counts
            let substitutionsUsed = viaUsed
            let daysByEntry = byEntry
            let usedContexts = contextsByEntry
            var candidateBuffer: [Int] = []
            candidateBuffer.reserveCapacity(contributed.capacity)
            // The placement as a constant for the candidate loop: read through `inout`, the whole
            // struct was copied for every day weighed (a third of this function's own time).
            let placed = state
            // The best so far: its want, its open day, its score (the first of equal scores wins).
            var best: (want: Int, position: Int, score: Score)?
            for wantPosition in wanted {
                let epoch = epochs[wantPosition]
                if wantBestEpochs[wantPosition] != epoch {
                    wantBests[wantPosition] = bestDay(of: wantPosition, epoch: epoch)
                    wantBestEpochs[wantPosition] = epoch
                }
                if let own = wantBests[wantPosition], best.map({ own.score > $0.score }) ?? true {
                    best = (wantPosition, own.position, own.score)
                }
            }
            // The first day of the highest score for a want, each day's verdict worked out again
            // where it is not known.
            func bestDay(of wantPosition: Int, epoch: Int) -> (position: Int, score: Score)? {
                var best: (position: Int, score: Score)?
                let want = wants[wantPosition]
                let typeSalt = want.salt
                let typeDays = byTypeDay[want.type]
                let viaDays = viaTypeDay[want.type]
                let leadDays = lead[want.type] ?? 0
                if placed.notBefore != nil, allowedByLead[leadDays] == nil {
                    allowedByLead[leadDays] = openDays.map { placed.allows($0, leadDays: leadDays) }
                }
                let allowed = allowedByLead[leadDays]
                let meets = want.meets
                // The verdicts and the candidate buffer held here for the loop: read and written
                // where the enclosing function keeps them, every day weighed retained them and
                // checked exclusive access at run time (a tenth of the placement).
                var verdicts = [Verdict]()
                swap(&verdicts, &verdictList)
                var candidate = [Int]()
                swap(&candidate, &candidateBuffer)
                defer {
                    swap(&verdicts, &verdictList)
                    swap(&candidate, &candidateBuffer)
                }
                // Worked out for the first day that needs them (a `lazy var` retained its list on
                // every read).
                var sameType: [Int] = []
                var allDays: [Int] = []
                var nearbyKnown = false
                let base = wantPosition * dayTotal
                for (position, offset) in openOffsets.enumerated() where !placed.hasDrill(offset: offset) {
                    if verdicts[base + position].epoch != epoch {
                        var verdict = Verdict(epoch: epoch)
                        defer { verdicts[base + position] = verdict }
                        // Most days help no unmet constraint: tell that without building the list.
                        if viaDays?.range(offset).isEmpty ?? true, !helps(typeDays, offset, counted) { continue }
                        if let allowed, !allowed[position] { continue }
                        var context = want.context
                        contributions(
                            into: &candidate, want.type, offset, context, want.presence, meets, typeDays, viaDays,
                            substitutionsUsed)
                        guard candidate.contains(where: { counted[$0] < atLeast[$0] }) else { continue }
                        // Hard limits: maxima, spacing, and a time of day of its own where a rule asks.
                        var allowed = true
                        let dayNumber = firstDay + offset
                        for index in candidate {
                            let entry = entryOf[index]
                            if let most = atMost[index], counted[index] + 1 > most { allowed = false }
                            if let spacing = spacingOf[entry],
                                daysByEntry[entry].contains(where: { abs($0 - dayNumber) < spacing })
                            {
                                allowed = false
                            }
                            if distinctOf[entry] {
                                let used = usedContexts[entry]
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
                            contributions(
                                into: &candidate, want.type, offset, context, want.presence,
                                meeting(want.type, context, want.presence), typeDays, viaDays, substitutionsUsed)
                        }
                        var weighted = 0.0
                        var tightness = 0.0
                        var early = Int.min
                        for index in candidate where counted[index] < atLeast[index] {
                            weighted += typeWeight[entryOf[index]]
                            tightness += spanWeight[index]
                            if isGap[index] { early = -dayNumber }
                        }
                        if !nearbyKnown {
                            sameType = drills.filter { $0.type == want.type }.map(\.date.dayNumber)
                            allDays = placed.drillDayNumbers
                            nearbyKnown = true
                        }
                        let spread = Self.nearest(sameType, to: dayNumber, within: 60)
                        let apart = Self.nearest(allDays, to: dayNumber, within: 7)
                        let salt = Int(UInt64(truncatingIfNeeded: typeSalt &+ dayNumber &* 2_654_435_761) % 1_000_003)
                        verdict.score = (weighted, early, tightness, spread, apart, salt)
                        verdict.context = context
                    }
                    guard let score = verdicts[base + position].score else { continue }
                    if let best, score <= best.score { continue }
                    best = (position, score)
                }
                return best
            }
            let choice = best.map { best in
                PlannedDrill(
                    type: wants[best.want].type, date: openDays[best.position],
                    context: verdictList[best.want * dayTotal + best.position].context,
                    presence: wants[best.want].presence
                )
            }
            guard let chosen = choice else {
                let tightest = unmet.min {
                    (constraints[$0].span.upperBound.dayNumber - constraints[$0].span.lowerBound.dayNumber)
                        < (constraints[$1].span.upperBound.dayNumber - constraints[$1].span.lowerBound.dayNumber)
                }!
                let entry = entryOf[tightest]
                let room = model.room(
                    tightest, from: state.notBefore?.adding(days: 1) ?? year.first, dayNumbers: byEntry[entry],
                    usedTimes: contextsByEntry[entry], wanted: atLeast[tightest] - counts[tightest])
                let error = unplaceable(
                    tightest, model: model, counts: counts, asked: atLeast[tightest], school: school, limit: room.limit)
                // On a re-plan, what can no longer be met is reported and the rest still placed.
                guard state.notBefore != nil else { throw error }
                skipped.append(error)
                givenUp.insert(tightest)
                continue
            }
            drills.append(chosen)
            state.recordDrill(chosen.date)
            let viasBefore = viaUsed
            count(chosen)
            // What the new drill changed: its type's spread, the counts, spacing and times of day of
            // the rules it counted for, a substitution it used, and the week around its day (how far
            // apart drills are). A want none of that reaches keeps its verdicts beyond that week.
            guard reusesVerdicts else {
                for position in epochs.indices { epochs[position] += 1 }
                continue
            }
            let chosenOffset = chosen.date.dayNumber - firstDay
            let entries = contributed.map { entryOf[$0] }
            let vias = viaUsed.indices.filter { viaUsed[$0] != viasBefore[$0] }
            // The open days less than a week from it (`apart` weighs up to 7 days).
            var weekStart = 0
            var weekEnd = openOffsets.count
            while weekStart < weekEnd {
                let middle = (weekStart + weekEnd) / 2
                if openOffsets[middle] <= chosenOffset - 7 { weekStart = middle + 1 } else { weekEnd = middle }
            }
            weekEnd = weekStart
            while weekEnd < openOffsets.count, openOffsets[weekEnd] < chosenOffset + 7 { weekEnd += 1 }
            let week = weekStart..<weekEnd
            for position in wants.indices {
                let touched = reach(of: wants[position].type)
                if wants[position].type == chosen.type || entries.contains(where: { touched.entries[$0] })
                    || vias.contains(where: { touched.vias[$0] })
                {
                    epochs[position] += 1
                } else {
                    for day in week {
                        verdictList[position * dayTotal + day].epoch = -1
                        if wantBests[position]?.position == day { wantBestEpochs[position] = -1 }
                    }
                }
            }
        }
        // A kept drill a re-plan may leave out: one every constraint its day and type can reach
        // has more than it asks (by the search's own tallies; the exact judgement follows).
        let candidates = drills.indices.filter { index in
            let drill = drills[index]
            let offset = drill.date.dayNumber - firstDay
            guard drill.droppable, drill.counts, offset >= 0, offset < dayCount, year.noStudents(on: drill.date) == nil
            else { return false }
            let meets = meeting(drill.type, drill.context, drill.presence)
            if let days = byTypeDay[drill.type] {
                for slot in days.range(offset) where meets[entryOf[days.constraints[slot]]] {
                    if counts[days.constraints[slot]] <= atLeast[days.constraints[slot]] { return false }
                }
            }
            if let days = viaTypeDay[drill.type] {
                for slot in days.range(offset) where counts[days.constraints[slot]] <= atLeast[days.constraints[slot]] {
                    return false
                }
            }
            return true
        }
        return candidates.isEmpty ? drills : withoutNeedless(drills, candidates: candidates, model: model, year: year)
    }

    /// The drills with the `candidates` no rule needs left out, the most recently placed first (a
    /// make-up a late record made needless, not the drill planned months before it), then the
    /// latest: one counts for nothing a rule still lacks when, without it, every constraint keeps
    /// at least what it asks (or, one already short, keeps its count). Judged as `check` counts,
    /// substitution caps included.
    private func withoutNeedless(
        _ drills: [PlannedDrill], candidates: [Int], model: RequirementModel, year: SchoolYear
    ) -> [PlannedDrill] {
        let constraints = model.constraints
        func counting(_ drill: PlannedDrill) -> Bool { drill.counts && year.noStudents(on: drill.date) == nil }
        var events = drills.indices.filter { counting(drills[$0]) }.map { index in
            (
                index,
                DrillEvent(
                    type: drills[index].type, date: drills[index].date, context: drills[index].context,
                    presence: drills[index].presence)
            )
        }
        func tallies(_ events: [(Int, DrillEvent)]) -> [Int] {
            var result = Array(repeating: 0, count: constraints.count)
            let list = events.map(\.1)
            for entry in model.entries.indices {
                let counted = model.counted(entry, in: list)
                for constraint in model.entries[entry].constraints {
                    result[constraint] = counted.filter { constraints[constraint].span.contains(list[$0].date) }.count
                }
            }
            return result
        }
        var before = tallies(events)
        // A share met stays met (NV: dropping a lockdown can leave fewer than half).
        let sharing = model.entries.indices.filter { model.entries[$0].shareOf != nil }
        func sharesMet(_ events: [(Int, DrillEvent)]) -> [Bool] {
            let list = events.map(\.1)
            return sharing.map { entry in
                let (needed, mine) = model.share(entry, in: list)!
                return mine.count >= needed
            }
        }
        var sharesBefore = sharesMet(events)
        var dropped = Set<Int>()
        let order = candidates.sorted {
            let (first, second) = (drills[$0], drills[$1])
            if first.placedOn != second.placedOn {
                return (first.placedOn?.dayNumber ?? Int.min) > (second.placedOn?.dayNumber ?? Int.min)
            }
            return first.date > second.date
        }
        for index in order {
            let without = events.filter { $0.0 != index }
            let after = tallies(without)
            let sharesAfter = sharesMet(without)
            if constraints.indices.allSatisfy({ after[$0] >= constraints[$0].atLeast || after[$0] == before[$0] }),
                zip(sharesBefore, sharesAfter).allSatisfy({ !$0 || $1 })
            {
                dropped.insert(index)
                events = without
                before = after
                sharesBefore = sharesAfter
            }
        }
        return drills.indices.filter { !dropped.contains($0) }.map { drills[$0] }
    }

    /// Days from `day` to the nearest of `days`, at most `cap`.
    private static func nearest(_ days: [Int], to day: Int, within cap: Int) -> Int {
        var nearest = cap
        for other in days { nearest = min(nearest, abs(other - day)) }
        return nearest
    }

    /// A candidate's rank: rules helped (weighted by how few types each takes); for one that helps
    /// a `max_days` run, the earlier day; how tight their windows are, days from the nearest drill
    /// of its type (to 60) and of any type (to 7), a hash.
    ///
    /// Earlier first is what makes runs cheap: in a stretch with no drill, the days that meet the
    /// most runs (a whole run's worth) start at the first run's last day, and a drill there leaves
    /// the next stretch as long as possible, which is the classic fewest-points cover of
    /// intervals. Spread (the farthest day) put a drill mid-stretch and left two short stretches,
    /// each taking a drill of its own.
    private typealias Score = (Double, Int, Double, Int, Int, Int)

    /// What the candidate loop found for one want on one open day.
    private struct Verdict {
        /// Its want's epoch when worked out; another (or -1): something it depends on changed since.
        var epoch = -1
        /// Nil: no candidate that day (it helps nothing, or a hard limit rules it out).
        var score: Score?
        /// The time of day a rule of distinct times gave it.
        var context: TimeOfDay?
    }

    /// What a drill type's days can count for: the rules of their constraints, and the
    /// substituting rules, each as flags by rule index.
    private struct Reach {
        var entries: [Bool]
        var vias: [Bool]
    }

    /// A kind of drill some constraint asks for, with what the candidate loop reads of it.
    private struct Want {
        var type: String
        var context: TimeOfDay?
        var presence: Set<PresenceRole>
        /// Whether such a drill meets each rule's conditions.
        var meets: [Bool]
        /// Spreads the schools' drills of the type over different days.
        var salt: Int
    }

    /// A constraint's span as offsets into the year (clamped to it; empty when outside).
    private func offsets(_ span: ClosedRange<CalendarDate>, _ firstDay: Int, _ dayCount: Int) -> Range<Int> {
        let lower = max(span.lowerBound.dayNumber - firstDay, 0)
        let upper = min(span.upperBound.dayNumber - firstDay + 1, dayCount)
        return lower < upper ? lower..<upper : 0..<0
    }

    /// Why a constraint took no drill: the rule's own limits where they forbid one (`limit`, from
    /// `RequirementModel.room`), else the days the school's calendar and other drills leave.
    private func unplaceable(
        _ index: Int, model: RequirementModel, counts: [Int], asked: Int, school: School, limit: String?
    ) -> SchedulingError {
        let constraint = model.constraints[index]
        let entry = model.entries[constraint.entry]
        let condition = entry.rule.condition
        let why =
            limit
            ?? "no free instructional day left, once closures, staff-only days, testing windows and other drills are kept clear"
        return SchedulingError(
            schoolID: school.id,
            activityID: entry.jurisdiction == "plan" ? entry.rule.id : "\(entry.jurisdiction)/\(entry.rule.id)",
            constraint:
                "\(counts[index]) of \(asked) \(entry.rule.drillWords) drill\(asked == 1 ? "" : "s")"
                + (condition.words.isEmpty ? "" : " \(condition.words)")
                + " between \(constraint.span.lowerBound) and \(constraint.span.upperBound): \(why)")
    }
}

/// The constraints each day of the year may count a drill for, flattened: day `d`'s are
/// `constraints[starts[d]..<starts[d + 1]]` (with the substituting rule beside each in `vias`), so
/// the candidate loop indexes arrays instead of copying a list per day.
struct DayIndex {
    private var starts: [Int]
    private(set) var constraints: [Int]
    private(set) var vias: [Int]

    /// From spans of day offsets, in the order given (a day lists its constraints in that order).
    init(dayCount: Int, spans: [(constraint: Int, via: Int, span: Range<Int>)]) {
        var perDay = Array(repeating: 0, count: dayCount + 1)
        for entry in spans {
            for day in entry.span { perDay[day + 1] += 1 }
        }
        for day in 0..<dayCount { perDay[day + 1] += perDay[day] }
        starts = perDay
        var next = perDay
        constraints = Array(repeating: 0, count: perDay[dayCount])
        vias = Array(repeating: 0, count: perDay[dayCount])
        for entry in spans {
            for day in entry.span {
                constraints[next[day]] = entry.constraint
                vias[next[day]] = entry.via
                next[day] += 1
            }
        }
    }

    /// The slots of day `offset`'s constraints.
    func range(_ offset: Int) -> Range<Int> { starts[offset]..<starts[offset + 1] }
}
