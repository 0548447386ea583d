public import Dates

/// Every rule of the selected sets that applies to one school, compiled to constraints over drill
/// events for one school year. The scheduler meets these constraints and the checker judges them:
/// both read this one model, so a plan the scheduler makes is a plan the checker passes.
///
/// A rule becomes one constraint per period of each of its counts (at least N, at most M drills of
/// its types, in its windows, meeting its conditions, between two dates) and one for its
/// `first_within`. Rules are independent: one drill counts for every rule it meets, so "five a
/// year, three by December 1" is two rules (5 a year; 3 by Dec 1), never 3 + 2.
public struct RequirementModel: Sendable {
    /// A rule that applies to the school, with the set it comes from.
    public struct Entry: Sendable {
        public var jurisdiction: String
        public var rule: ComplianceRule
        /// The source's title, for citing.
        public var source: String
        /// Entries whose counted drills also count for this one (substitution), by index.
        public var substitutes: [Int] = []
        /// Its constraints, by index into `constraints`.
        public var constraints: [Int] = []
        /// The fewest drills its `max_days` spacing asks for in the year (0 without one).
        public var gapMinimum = 0
        /// The entry whose counted drills its `share` is of (nil without one, or when that rule
        /// does not apply to the school).
        public var shareOf: Int?
    }

    /// At least (and at most) so many of an entry's drills between two days.
    public struct Constraint: Sendable {
        public var entry: Int
        public var span: ClosedRange<CalendarDate>
        public var atLeast: Int
        public var atMost: Int?
        public var per: PeriodKind
        /// `Semester 1`, `October 2027`, `2027-2028`.
        public var periodName: String
        /// The rule's `first_within`: the first drill of the year.
        public var isFirst = false
        /// One run of the rule's `max_days` spacing: judged with its neighbours, as one gap.
        public var isGap = false
    }

    public let year: SchoolYear
    public let school: School
    public var entries: [Entry] = []
    public var constraints: [Constraint] = []

    /// Types whose drills keep students inside the building.
    static let insideTypes: Set<String> = [
        "lockdown", "lockout", "secure", "shelter-in-place", "severe-weather", "tornado", "earthquake",
    ]

    public init(ruleSets: [ComplianceRuleSet], school: School, year: SchoolYear) {
        self.year = year
        self.school = school
        let whole = Term(name: year.name, first: year.first, last: year.last)
        for set in ruleSets {
            for rule in set.rules where rule.when?.holds(school.attributes) ?? true {
                let index = entries.count
                entries.append(
                    Entry(
                        jurisdiction: set.jurisdiction, rule: rule,
                        source: set.sources[rule.source ?? ""] ?? rule.source ?? set.title))
                // A rule that only substitutes still has a span its drills count in: the year.
                let counts = rule.counts.isEmpty ? [RuleCount(atLeast: 0, per: .year)] : rule.counts
                for count in counts {
                    for period in year.periods(count.per) {
                        guard let span = span(of: rule, in: period) else { continue }
                        add(
                            Constraint(
                                entry: index, span: span, atLeast: count.atLeast, atMost: count.atMost, per: count.per,
                                periodName: count.per == .year ? year.name : period.name))
                    }
                }
                if let first = rule.firstWithin, let window = span(of: rule, in: whole),
                    let span = intersect(window, year.span(of: first, period: whole))
                {
                    add(
                        Constraint(
                            entry: index, span: span, atLeast: 1, per: .year, periodName: year.name, isFirst: true))
                }
                if let gap = rule.maxGap, let span = span(of: rule, in: whole) { addGaps(gap, entry: index, in: span) }
            }
        }
        for index in entries.indices {
            guard let share = entries[index].rule.share else { continue }
            entries[index].shareOf = entries.indices.first {
                entries[$0].jurisdiction == entries[index].jurisdiction && entries[$0].rule.id == share.of
            }
        }
        // Substitution reaches every rule, of any set, that counts the replaced rule's types.
        for (index, entry) in entries.enumerated() where !entry.rule.substitutesFor.isEmpty {
            let replaced = Set(
                entries.filter { entry.rule.substitutesFor.contains($0.rule.id) }.flatMap(\.rule.drills))
            for target in entries.indices
            where target != index && !replaced.isDisjoint(with: entries[target].rule.drills) {
                entries[target].substitutes.append(index)
            }
        }
    }

    /// `max_days` spacing as constraints the scheduler already meets: one drill in each run of
    /// `gap.length` consecutive days of the kind in `span`, every run from the first day on (a span
    /// shorter than one run is one run). A drill-free stretch of such days is then exactly the
    /// runs it holds, which `check` reports together. `max_months`: one in each run of so many
    /// calendar months, each run cut to `span`, runs with no school day left out.
    private mutating func addGaps(_ gap: MaxGap, entry index: Int, in span: ClosedRange<CalendarDate>) {
        // Each run's first and last day: the run is a drill-free stretch's building block.
        var runs: [ClosedRange<CalendarDate>] = []
        switch gap.unit {
        case .days(let kind):
            let days = (span.lowerBound.dayNumber...span.upperBound.dayNumber).map(CalendarDate.init(dayNumber:))
                .filter { year.counts($0, as: kind) }
            guard let first = days.first, let last = days.last else { return }
            entries[index].gapMinimum = max(1, days.count / gap.length)
            runs =
                days.count > gap.length
                ? (0...(days.count - gap.length)).map { days[$0]...days[$0 + gap.length - 1] } : [first...last]
        case .months:
            var starts: [CalendarDate] = [span.lowerBound]
            while case let next = starts.last!.firstOfMonth(addingMonths: 1), next <= span.upperBound {
                starts.append(next)
            }
            entries[index].gapMinimum = max(1, starts.count / gap.length)
            let ends = starts.map { min($0.firstOfMonth(addingMonths: 1).adding(days: -1), span.upperBound) }
            runs =
                starts.count > gap.length
                ? (0...(starts.count - gap.length)).map { starts[$0]...ends[$0 + gap.length - 1] }
                : [span.lowerBound...span.upperBound]
            runs = runs.filter { run in
                (run.lowerBound.dayNumber...run.upperBound.dayNumber).contains {
                    year.isSchoolDay(CalendarDate(dayNumber: $0))
                }
            }
        }
        for run in runs {
            add(
                Constraint(
                    entry: index, span: run, atLeast: 1, per: .year,
                    periodName: "the \(gap.words) from \(run.lowerBound)", isGap: true))
        }
    }

    private mutating func add(_ constraint: Constraint) {
        entries[constraint.entry].constraints.append(constraints.count)
        constraints.append(constraint)
    }

    /// The days of `period` a rule's windows leave; nil when none.
    private func span(of rule: ComplianceRule, in period: Term) -> ClosedRange<CalendarDate>? {
        guard period.first <= year.last, period.last >= year.first else { return nil }
        var span: ClosedRange<CalendarDate>? = max(period.first, year.first)...min(period.last, year.last)
        for window in rule.windows { span = span.flatMap { intersect($0, year.span(of: window, period: period)) } }
        return span
    }

    private func intersect(_ a: ClosedRange<CalendarDate>, _ b: ClosedRange<CalendarDate>) -> ClosedRange<CalendarDate>?
    {
        let low = max(a.lowerBound, b.lowerBound)
        let high = min(a.upperBound, b.upperBound)
        return low <= high ? low...high : nil
    }

    /// The drills a rule asks for in the year: its largest count, the periods of a kind added up
    /// (not its `first_within`), or the fewest its `max_days` spacing takes.
    public func asked(_ entry: Int) -> Int {
        var byKind: [PeriodKind: Int] = [:]
        for index in entries[entry].constraints where !constraints[index].isFirst && !constraints[index].isGap {
            byKind[constraints[index].per, default: 0] += constraints[index].atLeast
        }
        return max(byKind.values.max() ?? 0, entries[entry].gapMinimum)
    }

    /// A `share` rule's numbers among `events`: how many of them it asks (its share of what its
    /// base rule asks), and the drills it counts that the base rule counts too. Nil for a rule
    /// without a share (or whose base does not apply to the school).
    public func share(_ entry: Int, in events: [DrillEvent]) -> (needed: Int, mine: [Int])? {
        guard let share = entries[entry].rule.share, let base = entries[entry].shareOf else { return nil }
        let total = Set(counted(base, in: events))
        return (share.needed(of: asked(base)), counted(entry, in: events).filter(total.contains))
    }

    // MARK: - What counts

    /// Whether a drill meets a rule's conditions (time of day, who was there, students inside).
    public func meetsCondition(_ entry: Int, type: String, context: TimeOfDay?, presence: Set<PresenceRole>) -> Bool {
        let condition = entries[entry].rule.condition
        if !condition.during.isEmpty && !condition.during.contains(where: { $0 == context }) { return false }
        if !condition.present.allSatisfy(presence.contains) { return false }
        if condition.studentsInside && !Self.insideTypes.contains(type) { return false }
        return true
    }

    /// Whether a drill counts for a rule by its own type: in one of the rule's spans, meeting its conditions.
    public func countsNatively(
        _ entry: Int, type: String, date: CalendarDate, context: TimeOfDay?, presence: Set<PresenceRole>
    )
        -> Bool
    {
        entries[entry].rule.drills.contains(type)
            && entries[entry].constraints.contains { constraints[$0].span.contains(date) }
            && meetsCondition(entry, type: type, context: context, presence: presence)
    }

    /// Whether a drill may count for a rule, by its type or as a substitute (before any cap).
    public func mayCount(_ entry: Int, _ event: DrillEvent) -> Bool {
        if countsNatively(entry, type: event.type, date: event.date, context: event.context, presence: event.presence) {
            return true
        }
        return entries[entry].substitutes.contains { substitute in
            countsNatively(
                substitute, type: event.type, date: event.date, context: event.context, presence: event.presence)
                && entries[entry].constraints.contains { constraints[$0].span.contains(event.date) }
                && meetsCondition(entry, type: event.type, context: event.context, presence: event.presence)
        }
    }

    /// The events that count for a rule: its own, and substitutes up to their rule's cap, taken in
    /// time order where the rule's own drills leave a period short.
    public func counted(_ entry: Int, in events: [DrillEvent]) -> [Int] {
        let native = events.indices.filter {
            let event = events[$0]
            return countsNatively(
                entry, type: event.type, date: event.date, context: event.context, presence: event.presence)
        }
        guard !entries[entry].substitutes.isEmpty else { return native }
        var result = native
        var have = Dictionary(
            uniqueKeysWithValues: entries[entry].constraints.map { index in
                (index, native.filter { constraints[index].span.contains(events[$0].date) }.count)
            })
        for substitute in entries[entry].substitutes {
            var allowance = entries[substitute].rule.substitutesAtMost ?? Int.max
            let candidates = events.indices.filter { index in
                !result.contains(index) && mayCount(entry, events[index])
                    && countsNatively(
                        substitute, type: events[index].type, date: events[index].date,
                        context: events[index].context, presence: events[index].presence)
            }.sorted { events[$0].date < events[$1].date }
            for index in candidates where allowance > 0 {
                let short = entries[entry].constraints.filter {
                    constraints[$0].span.contains(events[index].date) && have[$0]! < constraints[$0].atLeast
                }
                guard !short.isEmpty || entries[substitute].rule.substitutesAtMost == nil else { continue }
                for constraint in entries[entry].constraints
                where constraints[constraint].span.contains(events[index].date) {
                    have[constraint]! += 1
                }
                result.append(index)
                allowance -= 1
            }
        }
        return result.sorted()
    }

    // MARK: - What a drill owes

    /// What one drill owes for every rule it may count for: the longest notice, the evidence
    /// fields (with the rules that ask for each) and the shortest deadline for its record. This is
    /// the one place `complete`, `record`, `import-log` and `check` learn what a drill must carry.
    public func obligations(_ event: DrillEvent) -> Obligations {
        var result = Obligations()
        for index in entries.indices where mayCount(index, event) {
            let rule = entries[index].rule
            let reference = RuleReference(jurisdiction: entries[index].jurisdiction, id: rule.id)
            result.rules.append(reference)
            if let notice = rule.notice {
                result.notice = result.notice.merged(notice)
                if notice.familiesDays != nil { result.familiesNoticeRules.append(reference) }
                if notice.respondersHours != nil { result.respondersNoticeRules.append(reference) }
            }
            for field in rule.requiredEvidence { result.evidence[field, default: []].append(reference) }
            if let within = rule.evidenceWithinDays {
                if result.evidenceWithinDays.map({ within < $0 }) ?? true {
                    result.evidenceWithinDays = within
                    result.evidenceWithinRule = reference
                }
            }
        }
        return result
    }
}

/// A rule by its set and id: `TX/tx-fire`.
public struct RuleReference: Hashable, Sendable, CustomStringConvertible {
    public var jurisdiction: String
    public var id: String

    public init(jurisdiction: String, id: String) {
        self.jurisdiction = jurisdiction
        self.id = id
    }

    public var description: String { "\(jurisdiction)/\(id)" }
}

/// What a drill owes, derived from every rule it counts for.
public struct Obligations: Sendable {
    public var rules: [RuleReference] = []
    public var notice = Notice()
    public var familiesNoticeRules: [RuleReference] = []
    public var respondersNoticeRules: [RuleReference] = []
    /// Each required field with the rules that require it.
    public var evidence: [EvidenceField: [RuleReference]] = [:]
    public var evidenceWithinDays: Int?
    public var evidenceWithinRule: RuleReference?

    public init() {}

    /// The required fields, in the order `EvidenceField` lists them.
    public var requiredFields: [EvidenceField] { EvidenceField.allCases.filter { evidence[$0] != nil } }
}
