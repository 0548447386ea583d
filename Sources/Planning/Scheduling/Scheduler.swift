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
    /// Every activity: the toolkit's and the plan's, and one drill series per drill type.
    public var activities: [Activity] {
        didSet { activityPositions = Self.positions(activities) }
    }
    /// Each activity's position in `activities` by id (the first, should an id repeat): a re-plan
    /// looks up every published item's activity, and a search copied each one it passed.
    private var activityPositions: [String: Int]
    /// The rules the drills must meet: the selected rule sets, and the plan's own drill activities.
    public var rules: [ComplianceRuleSet]
    /// Whether the drill search keeps a day's verdict from round to round until the drill a round
    /// adds touches it; false works every verdict out again every round. Tests compare the two.
    var reusesVerdicts = true

    /// Drill activities with a cadence of their own (a plan's bus evacuation each semester) add
    /// that cadence as rules beside `rules`.
    public init(districtID: String, activities: [Activity], rules: [ComplianceRuleSet] = []) {
        self.districtID = districtID
        self.activities = activities
        activityPositions = Self.positions(activities)
        let own = activities.filter { !$0.cadence.isEmpty }.compactMap(DrillSeries.rule(from:))
        self.rules =
            rules
            + (own.isEmpty ? [] : [ComplianceRuleSet(jurisdiction: "plan", title: "The plan's own drills", rules: own)])
    }

    private static func positions(_ activities: [Activity]) -> [String: Int] {
        var positions: [String: Int] = [:]
        for (position, activity) in activities.enumerated() where positions[activity.id] == nil {
            positions[activity.id] = position
        }
        return positions
    }

    /// Every item for `school` in `year`, in time order; throws when a constraint cannot be met.
    ///
    /// `fixed` occurrences (done, past or announced) keep their day: other placements work around them.
    public func schedule(_ school: School, year: SchoolYear, fixed: [FixedOccurrence] = []) throws(SchedulingError)
        -> [ScheduledItem]
    {
        var skipped: [SchedulingError] = []
        return try schedule(school, year: year, fixed: fixed, notBefore: nil, skipped: &skipped)
    }

    /// A re-plan: every new placement falls after `notBefore` with its notices too (never into the
    /// past, never inside a notice's lead time); an occurrence that no longer fits anywhere is left
    /// out and reported in `skipped` instead of failing the run. `held` are the school's drills as
    /// its log has them (done items and drills recorded without one): they count for the rules on
    /// the day they were held and make no item, so the drills placed are what `check` still finds
    /// missing.
    public func schedule(
        _ school: School, year: SchoolYear, fixed: [FixedOccurrence], held: [DrillEvent] = [],
        notBefore: CalendarDate?, skipped: inout [SchedulingError]
    ) throws(SchedulingError) -> [ScheduledItem] {
        var state = Placement(school: school, year: year, notBefore: notBefore)
        var pinned: [String: [Int: CalendarDate]] = [:]
        var pinnedDrills: [PlannedDrill] = []
        activities.withUnsafeBufferPointer { activities in
            for occurrence in fixed where occurrence.schoolID == school.id {
                guard let position = activityPositions[occurrence.activityID] else { continue }
                if case .drill(let type) = activities[position].kind {
                    pinnedDrills.append(
                        PlannedDrill(
                            type: type, date: occurrence.date, context: occurrence.timeContext,
                            presence: Set(occurrence.presence.compactMap(PresenceRole.init(rawValue:))),
                            slot: occurrence.slot, counts: occurrence.counts, droppable: occurrence.droppable,
                            placedOn: occurrence.placedOn))
                } else {
                    pinned[occurrence.activityID, default: [:]][occurrence.slot] = occurrence.date
                }
                state.record(occurrence.date, for: activities[position])
            }
        }
        for event in held where event.state == .held {
            pinnedDrills.append(
                PlannedDrill(
                    type: event.type, date: event.date, context: event.context, presence: event.presence, slot: nil,
                    isItem: false, hour: event.hour))
            if year.noStudents(on: event.date) == nil { state.recordDrill(event.date) }
        }
        // Drills first: they have the hardest rules; then the rest, each in id order.
        let model = RequirementModel(ruleSets: rules, school: school, year: year)
        let drills = try chooseDrills(
            model: model, school: school, year: year, fixed: pinnedDrills, state: &state, skipped: &skipped)
        var items = drillItems(
            drills.filter(\.isItem), held: drills.filter { !$0.isItem }, model: model, school: school, year: year,
            state: &state)
        for activity in activities.filter({ !$0.kind.isDrill }).sorted(by: { $0.id < $1.id }) {
            let days = try place(
                activity, school: school, year: year, pinned: pinned[activity.id] ?? [:], state: &state,
                skipped: &skipped)
            for (slot, day) in days.sorted(by: { $0.key < $1.key }) {
                let item = makeItem(activity, slot: slot, day: day, school: school, year: year, state: &state)
                items.append(item)
                appendFollowUps(of: item, activity: activity, school: school, year: year, state: &state, to: &items)
            }
        }
        // Positions sorted, each item compared where it lies, then moved once into its place: a
        // sort of the items themselves copied them as it went.
        let order = items.withUnsafeBufferPointer { items in
            items.indices.sorted { ScheduledItem.isInTimeOrder(items[$0], items[$1]) }
        }
        items.permute(order)
        return items
    }

    /// Items for the chosen drills: each type's drills are slots 1, 2, ... of its series in date
    /// order (kept slots stay), run as the series says, with the notice every rule it counts for owes.
    private func drillItems(
        _ drills: [PlannedDrill], held: [PlannedDrill], model: RequirementModel, school: School, year: SchoolYear,
        state: inout Placement
    ) -> [ScheduledItem] {
        // Where a rule asks different hours (MT), the items are made once aside to see their starts:
        // only drills that count (not one done, which counts by its record's hour in `held`, nor
        // one whose day passed unrecorded), keyed by day, as a school holds one drill a day.
        var starts: [CalendarDate: (start: ClockTime, context: TimeOfDay)] = [:]
        if model.entries.contains(where: \.rule.condition.distinctHours) {
            var aside = state
            starts = hourStarts(
                drillItems(
                    drills.filter(\.counts), held: [], model: model, school: school, year: year, state: &aside,
                    retime: [:]),
                held: held, model: model, school: school)
        }
        return drillItems(drills, held: held, model: model, school: school, year: year, state: &state, retime: starts)
    }

    private func drillItems(
        _ drills: [PlannedDrill], held: [PlannedDrill], model: RequirementModel, school: School, year: SchoolYear,
        state: inout Placement, retime: [CalendarDate: (start: ClockTime, context: TimeOfDay)]
    ) -> [ScheduledItem] {
        var items: [ScheduledItem] = []
        for (type, ofType) in Dictionary(grouping: drills, by: \.type).sorted(by: { $0.key < $1.key }) {
            let series =
                activities.first { $0.kind == .drill(type) }
                ?? DrillSeries.activities(
                    rules: [],
                    planDrills: [
                        Activity(id: "\(type)-drill", kind: .drill(type), title: "", cadence: [])
                    ])[0]
            var taken = Set(ofType.compactMap(\.slot))
            var next = 1
            for drill in ofType.sorted(by: { ($0.slot ?? Int.max, $0.date) < ($1.slot ?? Int.max, $1.date) }) {
                var slot = drill.slot ?? 0
                if drill.slot == nil {
                    while taken.contains(next) { next += 1 }
                    slot = next
                    taken.insert(slot)
                }
                var activity = series
                if let context = drill.context { activity.timeOfDay = context }
                activity.presence += drill.presence.sorted().map(\.rawValue).filter { !activity.presence.contains($0) }
                if drill.slot == nil { state.record(drill.date, for: activity) }
                var item = makeItem(activity, slot: slot, day: drill.date, school: school, year: year, state: &state)
                if drill.counts, let moved = retime[item.date] {
                    (item.start, item.timeContext) = (moved.start, moved.context)
                }
                let owed = model.obligations(
                    DrillEvent(
                        type: type, date: drill.date, context: item.timeContext,
                        presence: Set(item.presence.compactMap(PresenceRole.init(rawValue:)))))
                activity.notice = activity.notice.merged(owed.notice)
                items.append(item)
                appendFollowUps(of: item, activity: activity, school: school, year: year, state: &state, to: &items)
            }
        }
        return items
    }

    // MARK: - Days

    /// The day of each occurrence, in slot order (slot n is the n-th placed, so a pinned slot keeps
    /// its number and its UID whatever moves around it).
    private func place(
        _ activity: Activity, school: School, year: SchoolYear, pinned: [Int: CalendarDate], state: inout Placement,
        skipped: inout [SchedulingError]
    ) throws(SchedulingError) -> [Int: CalendarDate] {
        let plan = Cadence(activity.cadence, year: year)
        var chosen: [CalendarDate] = []
        var slots: [Int: CalendarDate] = [:]
        var slot = 0
        let lead = activity.notice.leadDays
        for (period, count) in zip(plan.periods, plan.counts) where count > 0 {
            // A re-plan pins most periods whole: their days need no candidates worked out.
            if (slot + 1...slot + count).allSatisfy({ pinned[$0] != nil }) {
                for _ in 0..<count {
                    slot += 1
                    chosen.append(pinned[slot]!)
                    slots[slot] = pinned[slot]!
                }
                continue
            }
            let windows = activity.windows.map { year.span(of: $0, period: period) }
            var candidates = year.openDays(in: period, within: windows)
            if state.notBefore != nil {
                let placed = state  // read through `inout` in the filter, the struct was copied per day
                candidates.removeAll { !placed.allows($0, leadDays: lead) }
            }
            for index in 0..<count {
                slot += 1
                if let day = pinned[slot] {
                    chosen.append(day)
                    slots[slot] = day
                    candidates.removeAll { $0 == day }
                    continue
                }
                var pool = candidates
                if chosen.isEmpty, let first = activity.firstWithin {
                    let span = year.span(of: first, period: period)
                    pool = pool.filter(span.contains)
                }
                let stretch = Array(pool[(index * pool.count / count)..<((index + 1) * pool.count / count)])
                let salt = stableHash("\(districtID)/\(school.id)/\(activity.id)/\(slot)")
                guard
                    let day = state.pick(from: stretch, orFrom: pool, for: activity, after: chosen.last, salt: salt)
                else {
                    let windowNote = activity.windows.isEmpty && activity.firstWithin == nil ? "" : " inside its window"
                    let error = SchedulingError(
                        schoolID: school.id, activityID: activity.id,
                        constraint:
                            "no instructional day left in \(period.name) (\(period.first) to \(period.last))\(windowNote) "
                            + "for occurrence \(index + 1) of \(count), once closures, staff-only days, testing "
                            + "windows and other drills are kept clear"
                            + (state.notBefore.map { ", after \($0) and its notices' lead time" } ?? ""))
                    guard state.notBefore != nil else { throw error }
                    skipped.append(error)
                    continue
                }
                slots[slot] = day
                chosen.append(day)
                candidates.removeAll { $0 == day }
                state.record(day, for: activity)
            }
        }
        return slots
    }
}

extension Notice {
    /// Days before an occurrence its first notice goes out.
    public var leadDays: Int { max(familiesDays ?? 0, ((respondersHours ?? 0) + 23) / 24) }
}

/// An occurrence that must stay on its day when the year is placed again.
public struct FixedOccurrence: Hashable, Sendable {
    public var schoolID: String
    public var activityID: String
    public var slot: Int
    public var date: CalendarDate
    /// For a drill: its time of day and who is to be there, which the rules count.
    public var timeContext: TimeOfDay?
    public var presence: [String]
    /// For a drill: whether it counts for the rules on its day, as `check` judges it. A drill whose
    /// day passed unrecorded counts for nothing, and one done counts by its record (the day it was
    /// held, given as a held drill); either keeps its day and UID all the same.
    public var counts: Bool
    /// For a drill: kept only while it is needed. A re-plan's future drill not yet announced stays
    /// where it is, unless the drills around it (a record made late, a drill held early) meet every
    /// rule without it: then it is left out, and so cancelled, rather than held for nothing.
    public var droppable: Bool
    /// For a droppable drill: the day the run that put it on its day ran (its item's
    /// `changed_on`). Of the drills no rule needs, the most recently placed go first: a make-up
    /// that a record made late leaves needless, before the drills planned earlier.
    public var placedOn: CalendarDate?

    public init(
        schoolID: String, activityID: String, slot: Int, date: CalendarDate, timeContext: TimeOfDay? = nil,
        presence: [String] = [], counts: Bool = true, droppable: Bool = false, placedOn: CalendarDate? = nil
    ) {
        self.schoolID = schoolID
        self.activityID = activityID
        self.slot = slot
        self.date = date
        self.timeContext = timeContext
        self.presence = presence
        self.counts = counts
        self.droppable = droppable
        self.placedOn = placedOn
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
