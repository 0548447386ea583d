import Dates
import DrillbookKit
import Foundation
import Testing

@testable import Planning

/// For baseline and every state file, on the starter calendar and on generated years: the schedule
/// Drillbook makes checks clean before the year; a log holding exactly that schedule checks clean
/// after it; no drill is redundant; and every way to break each rule is found, naming that rule and
/// no rule the break does not touch.
@Suite struct StateRuleTests {
    static let states = ComplianceTests.states

    /// The state's plan (one school), its year and the rule sets `check` judges.
    static func plan(_ state: String) throws -> LoadedPlan {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-rules-\(UUID().uuidString)"
        )
        .path
        _ = try Initializer.write(
            to: folder, example: false, state: state, year: "2027-2028", resources: resources, today: day("2027-01-10"))
        // Ohio reads smoke detectors and sprinklers with no default: the starter plan says.
        return try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
    }

    /// A log of exactly `items`: each drill held on its day and time with every field its rules
    /// require, each notice given on its day.
    static func exactLog(_ items: [ScheduledItem], loaded: LoadedPlan, school: School, year: SchoolYear)
        -> [Completion]
    {
        let model = RequirementModel(ruleSets: loaded.plan.rules, school: school, year: year)
        var completions: [Completion] = []
        for item in items where item.kind.isDrill || item.id.contains("-notice-") {
            let start = WallTime(date: item.date, hour: item.start?.hour ?? 8, minute: item.start?.minute ?? 0)
            var evidence: [EvidenceField: String] = [:]
            if case .drill(let type) = item.kind, item.relatedTo == nil {
                let event = DrillEvent(
                    type: type, date: item.date, context: item.timeContext,
                    presence: Set(item.presence.compactMap(PresenceRole.init(rawValue:))), state: .held)
                for field in model.obligations(event).requiredFields { evidence[field] = sample(field) }
                evidence[.timeContext] = item.timeContext?.rawValue
                let roles = item.presence.filter { PresenceRole(rawValue: $0) != nil }
                if !roles.isEmpty { evidence[.present] = roles.joined(separator: "; ") }
            }
            completions.append(
                Completion(
                    id: completions.count + 1, year: loaded.plan.year, itemUID: item.uid, schoolID: school.id,
                    kind: item.kind, startedAt: start, evidence: evidence, recordedBy: "test", recordedOn: item.date,
                    source: .complete))
        }
        return completions
    }

    static func sample(_ field: EvidenceField) -> String {
        switch field.shape {
        case .count: "300"
        case .minutes: "4:30"
        case .dateTime: "2027-09-01T10:00:00"
        case .date: "2027-08-01"
        case .choice(let choices): choices[0]
        case .roles: "law_enforcement"
        case .text: "recorded"
        }
    }

    static func tracked(_ items: [ScheduledItem]) -> [TrackedItem] {
        items.map { TrackedItem(item: $0, changedOn: day("2027-07-01")) }
    }

    struct Case {
        var loaded: LoadedPlan
        var school: School
        var year: SchoolYear
        var items: [ScheduledItem]
        var log: [Completion]
        var checker: ComplianceChecker

        func findings(_ log: [Completion], items: [ScheduledItem]? = nil, asOf: CalendarDate? = nil)
            -> [ComplianceFinding]
        {
            checker.check(
                school: school, year: year, items: StateRuleTests.tracked(items ?? self.items), completions: log,
                asOf: asOf ?? year.last.adding(days: 1)
            ).findings
        }
    }

    /// A state's starter year judged by the state's own set alone: baseline beside it (a monthly
    /// fire drill) would hide what the state's rule adds.
    struct Alone {
        var test: Case
        var checker: ComplianceChecker

        init(_ state: String) throws {
            let test = try StateRuleTests.make(state)
            self.test = test
            checker = ComplianceChecker(ruleSets: test.loaded.plan.rules.filter { $0.jurisdiction == state })
        }

        /// A fire drill recorded (not scheduled) on `date` at `hour:minute`.
        func fireDrill(_ id: Int, on date: CalendarDate, hour: Int = 10, minute: Int = 0) -> Completion {
            Completion(
                id: id, year: test.loaded.plan.year, itemUID: nil, schoolID: test.school.id, kind: .drill("fire"),
                startedAt: WallTime(date: date, hour: hour, minute: minute), recordedBy: "test", recordedOn: date,
                source: .record)
        }

        /// What one rule finds in `log`, by default after the year.
        func findings(_ log: [Completion], rule: String, asOf: CalendarDate? = nil) -> [ComplianceFinding] {
            checker.check(
                school: test.school, year: test.year, items: [], completions: log,
                asOf: asOf ?? test.year.last.adding(days: 1)
            ).findings.filter { $0.ruleID == rule }
        }
    }

    static func make(_ state: String, year custom: SchoolYear? = nil, bells: BellSchedule? = nil) throws -> Case {
        let loaded = try plan(state)
        var school = loaded.plan.schools[0].school
        if let bells { school.bellSchedule = bells }
        let year = custom ?? loaded.years[school.id]!
        let scheduler = Scheduler(
            districtID: loaded.plan.district.id, activities: loaded.plan.activities,
            rules: loaded.plan.rules)
        let items = try scheduler.schedule(school, year: year)
        return Case(
            loaded: loaded, school: school, year: year, items: items,
            log: exactLog(items, loaded: loaded, school: school, year: year),
            checker: ComplianceChecker(ruleSets: loaded.plan.rules))
    }

    @Test(arguments: states)
    func theScheduleAndItsExactLogCheckClean(state: String) throws {
        let test = try Self.make(state)
        // A rule that asks for drills asks for them in some period of the year: a window that never
        // falls in the year (Apr-Jul read as July 2027 to April 2028) would silently drop it.
        let model = RequirementModel(ruleSets: test.loaded.plan.rules, school: test.school, year: test.year)
        for entry in model.entries where entry.rule.counts.contains(where: { $0.atLeast > 0 }) {
            #expect(
                entry.constraints.contains { model.constraints[$0].atLeast > 0 },
                "\(state) \(entry.rule.id) has no period in the year")
        }
        let plan = test.findings([], asOf: test.year.first.adding(days: -30))
        #expect(plan.isEmpty, "\(state) plan: \(plan.map(\.message))")
        let log = test.findings(test.log)
        #expect(log.isEmpty, "\(state) log: \(log.map(\.message))")
    }

    /// Every drill the scheduler placed is needed: dropping it from the log breaks a rule it counted
    /// for, and only such a rule.
    @Test(arguments: states)
    func noDrillIsRedundant(state: String) throws {
        let test = try Self.make(state)
        let model = RequirementModel(ruleSets: test.loaded.plan.rules, school: test.school, year: test.year)
        for completion in test.log where completion.kind.isDrill {
            guard
                let event = DrillEvent.held(
                    completion, school: test.school, itemID: nil, firstRecordedOn: completion.recordedOn)
            else { continue }
            let touched = Set(model.obligations(event).rules)
            let findings = test.findings(test.log.filter { $0.id != completion.id })
            #expect(
                !findings.isEmpty,
                "\(state): dropping the \(completion.kind) drill of \(completion.startedAt.date) breaks nothing")
            for finding in findings {
                #expect(
                    !touched.isDisjoint(with: finding.rules),
                    "\(state): dropping \(completion.startedAt.date) flags \(finding.rules) (\(finding.message))")
            }
        }
    }

    /// A type a rule only also counts is never placed, nor made a series: every drill series is a
    /// type some rule (or the plan) places first, and every drill placed is of a type some rule
    /// that applies to the school places first. Counting tornado drills for baseline's
    /// severe-weather rule once brought tornado drills to Texas.
    @Test(arguments: states)
    func onlyTypesSomeRulePlacesFirstAreScheduled(state: String) throws {
        let test = try Self.make(state)
        let first = Set(test.loaded.plan.rules.flatMap(\.rules).compactMap(\.drills.first))
        let model = RequirementModel(ruleSets: test.loaded.plan.rules, school: test.school, year: test.year)
        let applying = Set(model.entries.compactMap(\.rule.drills.first))
        let planned = Set(test.loaded.plan.activities.filter { !$0.cadence.isEmpty }.map(\.kind))
        for activity in test.loaded.plan.activities {
            guard case .drill(let type) = activity.kind else { continue }
            #expect(first.contains(type) || planned.contains(activity.kind), "\(state): a \(type) series")
        }
        for item in test.items where item.relatedTo == nil {
            guard case .drill(let type) = item.kind, !planned.contains(item.kind) else { continue }
            #expect(applying.contains(type), "\(state): \(item.id) is a \(type) drill no rule places")
        }
    }

    /// Each rule, each way it can be broken: the finding names it, and nothing untouched is flagged.
    @Test(arguments: states)
    func everyBreakOfEveryRuleIsFound(state: String) throws {
        let test = try Self.make(state)
        let model = RequirementModel(ruleSets: test.loaded.plan.rules, school: test.school, year: test.year)
        let events = test.log.compactMap { completion in
            DrillEvent.held(completion, school: test.school, itemID: nil, firstRecordedOn: completion.recordedOn).map {
                (completion, $0)
            }
        }
        for (index, entry) in model.entries.enumerated() {
            let reference = RuleReference(jurisdiction: entry.jurisdiction, id: entry.rule.id)
            let counted = events.filter { model.mayCount(index, $0.1) }
            func expectFound(_ log: [Completion], _ what: String, touched: [Completion], extra: [RuleReference] = []) {
                let findings = test.findings(log)
                #expect(findings.contains { $0.rules.contains(reference) }, "\(state) \(reference): \(what) not found")
                let allowed = Set(
                    touched.compactMap {
                        DrillEvent.held($0, school: test.school, itemID: nil, firstRecordedOn: $0.recordedOn)
                    }.flatMap { model.obligations($0).rules } + extra)
                for finding in findings where allowed.isDisjoint(with: finding.rules) {
                    Issue.record("\(state) \(reference): \(what) also flags \(finding.rules): \(finding.message)")
                }
            }
            // Drop every drill of one tight period.
            if let constraint = entry.constraints.map({ model.constraints[$0] }).first(where: { $0.atLeast > 0 }) {
                let dropped = counted.filter { constraint.span.contains($0.1.date) }.map(\.0)
                expectFound(
                    test.log.filter { c in !dropped.contains { $0.id == c.id } }, "dropping \(constraint.periodName)",
                    touched: dropped)
            }
            guard let (target, _) = counted.first else { continue }
            func changed(_ change: (inout Completion) -> Void) -> [Completion] {
                test.log.map { completion in
                    var completion = completion
                    if completion.id == target.id { change(&completion) }
                    return completion
                }
            }
            let rule = entry.rule
            // Each counted drill at the wrong time of day.
            if !rule.condition.during.isEmpty {
                let wrong = TimeOfDay.drillContexts.first { !rule.condition.during.contains($0) }!
                let moved = counted.map(\.0)
                let log = test.log.map { completion in
                    var completion = completion
                    if moved.contains(where: { $0.id == completion.id }) {
                        completion.evidence[.timeContext] = wrong.rawValue
                    }
                    return completion
                }
                expectFound(log, "at \(wrong)", touched: moved)
            }
            if !rule.condition.present.isEmpty {
                let moved = counted.map(\.0)
                let log = test.log.map { completion in
                    var completion = completion
                    if moved.contains(where: { $0.id == completion.id }) {
                        completion.evidence[.present] = nil
                        completion.evidence[.agenciesPresent] = "police invited, could not come"
                    }
                    return completion
                }
                expectFound(log, "without presence", touched: moved)
            }
            if let field = rule.requiredEvidence.first {
                expectFound(changed { $0.evidence[field] = nil }, "without \(field)", touched: [target])
            }
            if let within = rule.evidenceWithinDays {
                expectFound(
                    changed { $0.recordedOn = $0.startedAt.date.adding(days: within + 1) }, "recorded late",
                    touched: [target])
            }
            if rule.notice?.familiesDays != nil || rule.notice?.respondersHours != nil {
                let item = test.items.first { $0.uid == target.itemUID }!
                let notices = Set(test.items.filter { $0.relatedTo == item.id }.map(\.uid))
                expectFound(
                    test.log.filter { !notices.contains($0.itemUID ?? "") }, "without notice", touched: [target])
            }
            if let constraint = entry.constraints.map({ model.constraints[$0] }).first(where: { $0.atMost != nil }) {
                let have = counted.filter { constraint.span.contains($0.1.date) }.count
                var log = test.log
                let extra = (have...constraint.atMost!).map { offset in
                    var copy = target
                    copy.id = 10_000 + offset
                    copy.itemUID = nil
                    copy.startedAt = WallTime(date: constraint.span.lowerBound.adding(days: offset % 5), hour: 10)
                    return copy
                }
                log += extra
                expectFound(log, "over its maximum", touched: extra + [target])
            }
        }
    }

    /// The drill search keeps each day's verdict between rounds and forgets only what the round's
    /// drill touched: it must choose exactly what working every verdict out every round chooses,
    /// on the starter year and on generated ones, for a first schedule and for a re-plan from
    /// mid-year (pinned first half, second half placed again after the day with its notices).
    @Test(arguments: states)
    func keptVerdictsChooseWhatFreshOnesDo(state: String) throws {
        let loaded = try Self.plan(state)
        let school = loaded.plan.schools[0].school
        var random = SeededRandom(seed: UInt64(state.unicodeScalars.reduce(11) { $0 * 31 + Int($1.value) }))
        var years = [loaded.years[school.id]!]
        for _ in 0..<2 { years.append(Self.generatedYear(&random)) }
        var kept = Scheduler(
            districtID: loaded.plan.district.id, activities: loaded.plan.activities, rules: loaded.plan.rules)
        var fresh = kept
        kept.reusesVerdicts = true
        fresh.reusesVerdicts = false
        for year in years {
            let items = try kept.schedule(school, year: year)
            #expect(items == (try fresh.schedule(school, year: year)), "\(state) \(year.first)...\(year.last)")
            let midYear = CalendarDate(year: 2027, month: 12, day: 15)
            let pinned = items.filter { $0.relatedTo == nil && $0.date <= midYear }.map {
                FixedOccurrence(
                    schoolID: $0.schoolID, activityID: $0.activityID, slot: $0.slot, date: $0.date,
                    timeContext: $0.timeContext, presence: $0.presence)
            }
            var keptSkipped: [SchedulingError] = []
            var freshSkipped: [SchedulingError] = []
            let replanned = try kept.schedule(
                school, year: year, fixed: pinned, notBefore: midYear, skipped: &keptSkipped)
            #expect(
                replanned
                    == (try fresh.schedule(
                        school, year: year, fixed: pinned, notBefore: midYear, skipped: &freshSkipped)),
                "\(state) re-plan from \(midYear)")
            #expect(keptSkipped.map(\.constraint) == freshSkipped.map(\.constraint))
            #expect(replanned.contains { $0.kind.isDrill && $0.date > midYear }, "\(state): nothing placed again")
        }
    }

    /// A 2027-2028 year starting August 10 to 24, ending May 20 to 31, with 5 to 25 closures.
    static func generatedYear(_ random: inout SeededRandom) -> SchoolYear {
        let first = CalendarDate(year: 2027, month: 8, day: Int.random(in: 10...24, using: &random))
        let last = CalendarDate(year: 2028, month: 5, day: Int.random(in: 20...31, using: &random))
        let closures = (0..<Int.random(in: 5...25, using: &random)).map { _ in
            SchoolClosure(
                date: first.adding(days: Int.random(in: 0...(last.dayNumber - first.dayNumber), using: &random)),
                reason: "Closed")
        }
        return SchoolYear(name: "2027-2028", first: first, last: last, closures: closures)
    }

    /// Generated years: random closures, testing windows and bell schedules; the schedule still
    /// checks clean, and so does its exact log.
    @Test(arguments: states)
    func generatedYearsCheckClean(state: String) throws {
        var random = SeededRandom(seed: UInt64(state.unicodeScalars.reduce(7) { $0 * 31 + Int($1.value) }))
        for _ in 0..<3 {
            let first = CalendarDate(year: 2027, month: 8, day: Int.random(in: 10...24, using: &random))
            let last = CalendarDate(year: 2028, month: 5, day: Int.random(in: 20...31, using: &random))
            var closures: [SchoolClosure] = []
            for _ in 0..<Int.random(in: 5...20, using: &random) {
                let date = first.adding(days: Int.random(in: 0...(last.dayNumber - first.dayNumber), using: &random))
                closures.append(SchoolClosure(date: date, reason: "Closed"))
            }
            let testingStart = CalendarDate(
                year: 2028, month: Int.random(in: 3...4, using: &random), day: Int.random(in: 1...20, using: &random))
            let year = SchoolYear(
                name: "2027-2028", first: first, last: last, closures: closures,
                testing: [
                    Term(
                        name: "Testing", first: testingStart,
                        last: testingStart.adding(days: Int.random(in: 4...12, using: &random)))
                ])
            let withRecess = Bool.random(using: &random)
            let bells = BellSchedule(
                day: TimeRange("07:45-14:50")!, passing: Bool.random(using: &random) ? [TimeRange("09:00-09:06")!] : [],
                lunch: [TimeRange("11:00-11:30")!], recess: withRecess ? [TimeRange("10:00-10:15")!] : [])
            let test = try Self.make(state, year: year, bells: bells)
            let plan = test.findings([], asOf: year.first.adding(days: -1))
            #expect(plan.isEmpty, "\(state) \(first)...\(last): \(plan.map(\.message))")
            let log = test.findings(test.log)
            #expect(log.isEmpty, "\(state) \(first)...\(last) log: \(log.map(\.message))")
        }
    }
}

/// A small, seeded generator (SplitMix64): the same years on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension StateRuleTests {
    /// A fire drill's time is never public: whichever rules ask for it, unless every rule says announced.
    @Test(arguments: states)
    func fireDrillsAreUnannounced(state: String) throws {
        let test = try Self.make(state)
        for item in test.items where item.kind == .drill("fire") && item.relatedTo == nil {
            #expect(!item.announced, "\(state) \(item.id)")
        }
    }

    /// A drill starts in the time of day its item says, on the starter bells and on the generated
    /// ones: `complete` records the item's start, and `check` reads a record's time of day from it
    /// (a class-time drill at 13:15 fell in a 13:10-13:17 passing period).
    @Test(arguments: states)
    func eachDrillStartsInTheTimeOfDayItSays(state: String) throws {
        let bells = [
            nil,
            BellSchedule(
                day: TimeRange("07:45-14:50")!, passing: [TimeRange("09:00-09:06")!, TimeRange("12:55-13:02")!],
                lunch: [TimeRange("11:00-11:30")!], recess: [TimeRange("10:00-10:15")!]),
        ]
        for bell in bells {
            let test = try Self.make(state, bells: bell)
            for item in test.items where item.kind.isDrill && item.relatedTo == nil {
                guard let start = item.start, let context = item.timeContext else { continue }
                #expect(test.school.bellSchedule.context(at: start) == context, "\(state) \(item.id) at \(start)")
            }
        }
    }

    /// Changing the rule sets moves or cancels drills of a series; it never adds a second drill
    /// under a new UID for a slot the series already had.
    @Test func aRuleSetChangeMovesDrillsInsteadOfDuplicatingThem() throws {
        var (plan, loaded, store) = try scheduledExample(asOf: "2027-07-01")
        let before = try Planner.published(loaded, store: store).filter {
            $0.item.kind.isDrill && $0.item.relatedTo == nil
        }
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        try text.replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, MI]")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        loaded = try Planner.load(planFile: plan, resources: resources)
        let result = try Planner.run(loaded, store: store, asOf: day("2027-07-02"))
        let oldUIDs = Set(before.map(\.item.uid))
        for added in result.added where added.item.kind.isDrill && added.item.relatedTo == nil {
            #expect(!oldUIDs.contains(added.item.uid))
            let sameSeries = before.filter {
                $0.item.activityID == added.item.activityID && $0.item.schoolID == added.item.schoolID
            }
            #expect(added.item.slot > sameSeries.count, "\(added.item.id) added although its series had that slot")
        }
        #expect(!result.moved.isEmpty)
        let after = try Planner.published(loaded, store: store).filter {
            $0.status == .scheduled && $0.item.kind.isDrill && $0.item.relatedTo == nil
        }
        #expect(Set(after.map(\.item.uid)).count == after.count)
    }
}

extension StateRuleTests {
    /// The example district's real calendar and its three schools (an elementary bell schedule with
    /// no passing periods among them), under every state's rules.
    @Test(arguments: states)
    func theExampleDistrictUnderEachStatesRulesChecksClean(state: String) throws {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        var text = try String(contentsOfFile: plan, encoding: .utf8)
        text = text.replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, \(state)]")
            .replacingOccurrences(
                of: "attributes: {sprinklers: true, bus_riders: true}",
                with: "attributes: {sprinklers: true, smoke_detectors: false, bus_riders: true}"
            )
            .replacingOccurrences(
                of: "attributes: {sprinklers: true, bus_riders: true, summer_session: false}",
                with: "attributes: {sprinklers: false, smoke_detectors: false}")
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: resources)
        let items = try Planner.schedule(loaded)
        let checker = ComplianceChecker(ruleSets: loaded.plan.rules)
        for planned in loaded.plan.schools {
            let school = planned.school
            let year = loaded.years[school.id]!
            let mine = items.filter { $0.schoolID == school.id }
            let log = Self.exactLog(mine, loaded: loaded, school: school, year: year)
            for (completions, asOf) in [
                ([Completion](), year.first.adding(days: -1)), (log, year.last.adding(days: 1)),
            ] {
                let findings = checker.check(
                    school: school, year: year, items: Self.tracked(mine), completions: completions, asOf: asOf
                ).findings
                #expect(findings.isEmpty, "\(state) \(school.id) \(asOf): \(findings.map(\.message))")
            }
        }
    }
}

extension StateRuleTests {
    /// New Mexico asks one drill in each of the first four weeks (five school days each, from the
    /// first day): its four first drills held in the first week meet the counts by type but leave
    /// weeks two to four empty, each its own finding (the 20 school days alone called it compliant).
    @Test func newMexicosFirstFourWeeksTakeADrillEach() throws {
        let test = try Self.make("NM")
        let schoolDays = test.year.days.filter { test.year.isSchoolDay($0) }
        let firstWeek = Array(schoolDays.prefix(5))
        let firstFour = Set(schoolDays.prefix(20))
        let weeks = (0..<4).map { Set(schoolDays[($0 * 5)..<($0 * 5 + 5)]) }
        let drills = test.log.filter { $0.kind.isDrill && firstFour.contains($0.startedAt.date) }
        #expect(weeks.allSatisfy { week in drills.filter { week.contains($0.startedAt.date) }.count == 1 })
        var moved = 0
        let crowded = test.log.map { completion in
            var completion = completion
            if drills.contains(where: { $0.id == completion.id }), !firstWeek.contains(completion.startedAt.date) {
                let start = completion.startedAt
                completion.startedAt = WallTime(
                    date: firstWeek[moved + 1], hour: start.hour, minute: start.minute, second: start.second)
                completion.endedAt = nil
                completion.recordedOn = firstWeek[moved + 1]
                moved += 1
            }
            return completion
        }
        #expect(moved == 3)
        let flagged = Set(test.findings(crowded).flatMap(\.rules).map(\.id))
        #expect(flagged.isSuperset(of: ["nm-week-2", "nm-week-3", "nm-week-4"]), "\(flagged)")
        #expect(flagged.isDisjoint(with: ["nm-week-1", "nm-shelter-first", "nm-evacuation-first", "nm-fire-first"]))
    }
}

extension StateRuleTests {
    /// Where the law names several drill types for one rule, a drill of each counts: NJ's school
    /// security drill (a bomb threat or active shooter drill, not only a lockdown), OR's safety
    /// threat drills, WI's tornado or other hazard drills and safety incident drills, DE's
    /// lockdown or intruder drills. Each counted only a lockdown (or a tornado drill) before.
    @Test(arguments: [
        ("NJ", "nj-security", "bomb-threat"), ("NJ", "nj-security", "active-threat"),
        ("NJ", "nj-security", "evacuation"), ("OR", "or-safety-threat", "lockout"),
        ("OR", "or-safety-threat", "shelter-in-place"), ("WI", "wi-tornado", "earthquake"),
        ("WI", "wi-safety", "secure"), ("DE", "de-lockdown", "active-threat"),
    ])
    func aDrillOfEachTypeTheLawNamesCounts(state: String, rule: String, type: String) throws {
        let alone = try Alone(state)
        let year = alone.test.year
        let day = year.days.filter { year.isInstructionalDay($0) }[40]
        var drill = alone.fireDrill(1, on: day)
        drill.kind = .drill(type)
        let tally = alone.checker.check(
            school: alone.test.school, year: year, items: [], completions: [drill], asOf: year.last.adding(days: 1)
        ).tallies.first { $0.rule.id == rule }
        #expect(tally?.counted == 1, "\(state) \(rule) \(type)")
        // And a type the rule does not name does not.
        drill.kind = .drill("reunification")
        let other = alone.checker.check(
            school: alone.test.school, year: year, items: [], completions: [drill], asOf: year.last.adding(days: 1)
        ).tallies.first { $0.rule.id == rule }
        #expect(other?.counted == 0)
    }
}
