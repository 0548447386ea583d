public import Dates

/// What is checked, chosen by the day against the school year.
public enum CheckMode: String, Sendable {
    /// Before the first day: every rule met by scheduled items.
    case plan
    /// During the year: the log so far, and the rest of the schedule projected.
    case duringYear = "during-year"
    /// After the last day: the log alone.
    case log
}

/// One rule not met (or at risk), with what would fix it.
public struct ComplianceFinding: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        /// The plan or the log falls short.
        case unmet
        /// Past periods cannot be made up any more.
        case cannotBeMet = "cannot-be-met"
        /// The log so far plus the rest of the schedule falls short.
        case atRisk = "at-risk"
        /// A record lacks what the rule requires, or came too late.
        case evidence
    }

    public var schoolID: String
    public var ruleID: String
    public var jurisdiction: String
    public var source: String
    public var confidence: String?
    public var severity: Severity
    public var message: String
    public var fix: String
}

/// A rule's numbers at one school, for the report's table.
public struct RuleTally: Hashable, Sendable {
    public var ruleID: String
    public var jurisdiction: String
    public var drill: String
    public var required: Int
    public var scheduled: Int
    public var done: Int
    public var source: String
}

/// Checks one school's year against rule sets. Pure: schedule, completions and the day are given.
public struct ComplianceChecker: Sendable {
    public var ruleSets: [ComplianceRuleSet]

    public init(ruleSets: [ComplianceRuleSet]) { self.ruleSets = ruleSets }

    public static func mode(on day: CalendarDate, year: SchoolYear) -> CheckMode {
        day < year.first ? .plan : day > year.last ? .log : .duringYear
    }

    public func check(
        school: School, year: SchoolYear, items: [TrackedItem], completions: [Completion], asOf: CalendarDate
    ) -> (tallies: [RuleTally], findings: [ComplianceFinding]) {
        let mode = Self.mode(on: asOf, year: year)
        let scheduled = items.filter {
            $0.status == .scheduled && $0.item.schoolID == school.id && $0.item.relatedTo == nil && $0.item.kind.isDrill
        }
        .map(\.item)
        let done = Completion.current(completions).filter { $0.schoolID == school.id && $0.kind.isDrill }
        let notices = Dictionary(
            items.filter { $0.item.schoolID == school.id && $0.item.id.contains("families-notice") }.compactMap {
                tracked in
                tracked.item.relatedTo.map { ($0, tracked.item.date) }
            }, uniquingKeysWith: min)
        var tallies: [RuleTally] = []
        var findings: [ComplianceFinding] = []
        let all = ruleSets.flatMap { set in set.rules.map { (set, $0) } }
        for (set, rule) in all {
            if let when = rule.when, (school.attributes[when.attribute] ?? "") != when.equals { continue }
            // Drills of this type, and of types whose rules substitute for this one.
            var types: Set<String> = [rule.drill]
            for (_, other) in all where other.substitutesFor.contains(rule.id) { types.insert(other.drill) }
            let source = set.sources[rule.source ?? ""] ?? rule.source ?? set.title
            func finding(_ severity: ComplianceFinding.Severity, _ message: String, _ fix: String) {
                findings.append(
                    ComplianceFinding(
                        schoolID: school.id, ruleID: rule.id, jurisdiction: set.jurisdiction, source: source,
                        confidence: rule.confidence, severity: severity, message: message, fix: fix))
            }
            let planned = scheduled.filter { types.contains(drillType($0.kind)) && meets(rule, item: $0) }
            let logged = done.filter { types.contains(drillType($0.kind)) && meets(rule, completion: $0) }
            let plannedDays = planned.map(\.date)
            let loggedDays = logged.map(\.startedAt.date)
            var requiredTotal = 0
            for requirement in rule.requirements {
                let periods = year.periods(requirement.per)
                requiredTotal = max(requiredTotal, requirement.count * periods.count)
                for period in periods {
                    var span = [period.first...period.last]
                    span += rule.windows.map { year.span(of: $0, period: period) }
                    func count(_ days: [CalendarDate]) -> Int {
                        days.filter { day in span.allSatisfy { $0.contains(day) } }.count
                    }
                    let name = requirement.per == .year ? "the year" : period.name
                    let need = requirement.count
                    let what = "\(need) \(rule.drill) drill\(need == 1 ? "" : "s") in \(name)" + windowNote(rule)
                    let fix =
                        "schedule or hold \(rule.drill) drills between \(period.first) and \(period.last)"
                        + windowNote(rule)
                    switch mode {
                    case .plan:
                        let have = count(plannedDays)
                        if have < need { finding(.unmet, "\(have) of \(what) scheduled", fix) }
                    case .log:
                        let have = count(loggedDays)
                        if have < need {
                            finding(
                                .unmet, "\(have) of \(what) recorded",
                                "record any held (drillbook complete or record); plan more for next year")
                        }
                    case .duringYear:
                        let have = count(loggedDays)
                        if period.last < asOf {
                            if have < need {
                                finding(
                                    .cannotBeMet, "\(have) of \(what) recorded and the period has ended",
                                    "record any held; note the shortfall for the state")
                            }
                        } else {
                            let ahead = count(plannedDays.filter { $0 >= asOf })
                            if have + ahead < need {
                                finding(.atRisk, "\(have) recorded and \(ahead) still scheduled of \(what)", fix)
                            }
                        }
                    }
                }
            }
            if let first = rule.firstWithin {
                let span = year.span(of: first, period: Term(name: year.name, first: year.first, last: year.last))
                let days =
                    mode == .plan
                    ? plannedDays : loggedDays + (mode == .duringYear ? plannedDays.filter { $0 >= asOf } : [])
                if !days.contains(where: span.contains)
                    && (mode != .duringYear || asOf > span.upperBound || !plannedDays.contains(where: span.contains))
                {
                    finding(
                        mode == .plan ? .unmet : .cannotBeMet, "no \(rule.drill) drill by \(span.upperBound)",
                        "hold the first \(rule.drill) drill by \(span.upperBound)")
                }
            }
            if let spacing = rule.minSpacingDays {
                let days = (mode == .plan ? plannedDays : loggedDays).sorted()
                for (a, b) in zip(days, days.dropFirst()) where b.dayNumber - a.dayNumber < spacing {
                    finding(
                        .unmet, "\(rule.drill) drills on \(a) and \(b) are closer than \(spacing) days",
                        "move one of them")
                }
            }
            if mode != .log, let notice = rule.notice, let days = notice.familiesDays {
                for item in planned where item.date >= asOf {
                    let given = notices[item.id]
                    if given == nil || item.date.dayNumber - given!.dayNumber < days {
                        finding(
                            .unmet, "\(item.id) on \(item.date) has no families notice \(days) days before",
                            "add notice: {families: \(days)d} to the drill")
                    }
                }
            }
            if mode != .plan {
                for completion in logged {
                    let missing = rule.requiredEvidence.filter { completion.evidence[$0] == nil }
                    if !missing.isEmpty {
                        finding(
                            .evidence,
                            "the \(rule.drill) drill of \(completion.startedAt.date) lacks "
                                + missing.map(\.rawValue).joined(separator: ", "),
                            "drillbook complete ITEM --corrects \(completion.id) with the missing fields")
                    }
                    if let within = rule.evidenceWithinDays,
                        completion.recordedOn.dayNumber - completion.startedAt.date.dayNumber > within
                    {
                        finding(
                            .evidence,
                            "the \(rule.drill) drill of \(completion.startedAt.date) was recorded after \(within) days",
                            "record drills promptly")
                    }
                }
            }
            tallies.append(
                RuleTally(
                    ruleID: rule.id, jurisdiction: set.jurisdiction, drill: rule.drill, required: requiredTotal,
                    scheduled: planned.count,
                    done: logged.count, source: source))
        }
        return (tallies, findings)
    }

    private func drillType(_ kind: ActivityKind) -> String {
        if case .drill(let type) = kind { return type }
        return ""
    }

    private func windowNote(_ rule: ComplianceRule) -> String {
        rule.windows.isEmpty ? "" : " (inside the rule's window)"
    }

    /// A scheduled drill meets a rule's conditions by its time of day and who is to be there.
    private func meets(_ rule: ComplianceRule, item: ScheduledItem) -> Bool {
        if !rule.condition.during.isEmpty && !rule.condition.during.contains(item.timeContext?.rawValue ?? "") {
            return false
        }
        if !rule.condition.present.allSatisfy(item.presence.contains) { return false }
        return true
    }

    /// A recorded drill meets them by its evidence.
    private func meets(_ rule: ComplianceRule, completion: Completion) -> Bool {
        if !rule.condition.during.isEmpty && !rule.condition.during.contains(completion.evidence[.timeContext] ?? "") {
            return false
        }
        if !rule.condition.present.isEmpty && (completion.evidence[.agenciesPresent] ?? "").isEmpty { return false }
        return true
    }
}
