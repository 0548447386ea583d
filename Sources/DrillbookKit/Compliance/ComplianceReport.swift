public import Dates
import Foundation
public import Planning
public import Store

/// `drillbook check`: every school against the plan's rule sets, in the mode the day gives.
public struct ComplianceReport: Sendable {
    public struct SchoolResult: Sendable {
        public var school: School
        public var tallies: [RuleTally]
        public var findings: [ComplianceFinding]
        /// The year's items and completions, for the chart and the drill log.
        public var items: [TrackedItem]
        public var completions: [Completion]

        /// Drills whose day passed with no record (after the year: missed for good).
        public func missed(asOf: CalendarDate) -> [ScheduledItem] {
            let done = Set(completions.compactMap(\.itemUID))
            // Read in place: a filter's closure took a copy of every item of the year.
            return items.withUnsafeBufferPointer { items in
                items.indices.filter {
                    items[$0].status == .scheduled && items[$0].item.kind.isDrill && items[$0].item.relatedTo == nil
                        && items[$0].item.date < asOf && !done.contains(items[$0].item.uid)
                }.map { items[$0].item }
            }
        }
    }

    public var mode: CheckMode
    public var asOf: CalendarDate
    public var year: SchoolYear
    /// The district's name, for the report's heading.
    public var district: String
    public var ruleSets: [String]
    /// The rule sets as read, for the drill log's columns.
    public var rules: [ComplianceRuleSet]
    /// Every rule a district's own files add or replace, with the file: named in every report.
    public var localRules: [String]
    public var schools: [SchoolResult]
    /// The audit log's head when the report was made, verified: printed (JSON, HTML) so it can be
    /// kept elsewhere. Nil when the chain does not hold, or was not asked for.
    public var auditHead: String?

    public var findings: [ComplianceFinding] { schools.flatMap(\.findings) }

    /// The report of `loaded`'s schools (or only one) as of a day; `auditHead`, when given, is the
    /// verification of `store`'s chain already under way (else one is started here). With
    /// `verifyingAudit` false and no `auditHead`, the chain is not verified and the report's
    /// `auditHead` is nil: for a report that prints no head (text, the drill log, the web
    /// dashboard), where verifying it was a third of a state's `check` spent on nothing shown.
    public static func make(
        _ loaded: LoadedPlan, store: any ScheduleStore, asOf: CalendarDate, school only: String?,
        auditHead pending: AuditCheck.PendingHead? = nil, verifyingAudit: Bool = true
    )
        throws(DrillbookError)
        -> ComplianceReport
    {
        if let only, !loaded.plan.schools.contains(where: { $0.school.id == only }) {
            throw .usage(
                "school \"\(only)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        // The audit chain is verified (for the head the report prints) on a reader of its own while
        // the schools are judged: the two take about as long, and the pool reads in parallel.
        let auditHead = pending ?? (verifyingAudit ? AuditCheck.PendingHead(store) : nil)
        defer { _ = auditHead?.value }
        // Indexed once: each school's share is a lookup, so a district is linear in items + records.
        // (The year read on this core: the other is verifying the chain. The log read and indexed
        // beside it: after the year, on its own, it left a core idle for a second of a state's check.)
        let records = ReadBeside { () throws(DrillbookError) in
            CompletionLog(try Tracker.completions(loaded, store: store))
        }
        defer { records.wait() }
        let itemsBySchool = try Planner.publishedBySchool(loaded, store: store, onEveryCore: false)
        let log = try records.value()
        let checker = ComplianceChecker(ruleSets: loaded.plan.rules)
        // Schools are judged on every core (each on its own: the checker is pure), in plan order:
        // one core judging a state's 10,000 schools was the longer half of `check`, and the other
        // core sat idle once the chain was verified.
        let schools = loaded.plan.schools.filter { only == nil || $0.school.id == only }.map(\.school)
        let results = [SchoolResult](concurrentlyComputing: schools.count) { index in
            let school = schools[index]
            let mine = itemsBySchool[school.id] ?? []
            let (tallies, findings) = checker.check(
                school: school, year: loaded.years[school.id]!, items: mine, log: log, asOf: asOf)
            return SchoolResult(
                school: school, tallies: tallies, findings: findings, items: mine,
                completions: log.standing(school: school.id))
        }
        let year = loaded.years[results.first?.school.id ?? ""] ?? loaded.years.values.first!
        return ComplianceReport(
            mode: ComplianceChecker.mode(on: asOf, year: year), asOf: asOf, year: year,
            district: loaded.plan.district.name, ruleSets: loaded.plan.ruleSets, rules: loaded.plan.rules,
            localRules: localRules(loaded.plan.rules), schools: results,
            auditHead: auditHead?.value)
    }

    /// `TX/tx-fire (replaced by compliance/lakeside.yaml)`, `local/lakeside-bus (compliance/lakeside.yaml)`.
    static func localRules(_ sets: [ComplianceRuleSet]) -> [String] {
        sets.flatMap { set in
            set.rules.compactMap { rule in
                if let file = set.localFile { return "\(set.jurisdiction)/\(rule.id) (\(file))" }
                if let source = rule.source, source.hasPrefix("local: ") {
                    return "\(set.jurisdiction)/\(rule.id) (replaced by \(source.dropFirst(7)))"
                }
                return nil
            }
        }
    }

    /// `1 finding`, `3 findings`.
    static func count(_ findings: Int) -> String { findings == 1 ? "1 finding" : "\(findings) findings" }

    // MARK: - Text, JSON, CSV

    public var text: String {
        var head = "\(mode.rawValue) check as of \(asOf), rule sets: \(ruleSets.joined(separator: ", "))"
        if !localRules.isEmpty { head += "\nlocal rules in force: \(localRules.joined(separator: ", "))" }
        // Each school's part on every core: a state's report is 37 MB of text, which one core took
        // a second and a half to write while the other waited.
        let report = self
        let parts = [String](concurrentlyComputing: schools.count) { report.text(report.schools[$0]) }
        return ([head] + parts).joined(separator: "\n")
    }

    /// One school's part of the text report, after a blank line.
    func text(_ result: SchoolResult) -> String {
        var lines = [
            "",
            "\(result.school.name) (\(result.school.id)): "
                + (result.findings.isEmpty ? "compliant" : Self.count(result.findings.count)),
        ]
        for tally in result.tallies {
            lines.append(
                "  \(tally.rule): \(tally.drills.isEmpty ? "any" : tally.drills), required \(tally.required), "
                    + "counted \(tally.counted) (\(tally.done) done, \(tally.scheduledAhead) scheduled ahead)")
        }
        let missed = result.missed(asOf: asOf)
        if !missed.isEmpty {
            lines.append(
                "  missed (day passed, no record): "
                    + missed.map { "\($0.id) (\($0.date))" }.joined(separator: ", "))
        }
        for finding in result.findings {
            lines.append(
                "  \(finding.severity.rawValue): \(finding.rules.map(\.description).joined(separator: ", ")): "
                    + finding.message)
            lines.append(
                "      source: \(finding.source)" + (finding.confidence.map { " (confidence \($0))" } ?? "")
                    + "; fix: \(finding.fix)")
        }
        return lines.joined(separator: "\n")
    }

    /// One object: the day, the mode, the rule sets, and per school its tallies and findings.
    public func json() throws -> String {
        struct Tally: Encodable {
            var rule: String
            var jurisdiction: String
            var drills: String
            var required: Int
            var counted: Int
            var scheduledAhead: Int
            var done: Int
            var dates: [String]
            var source: String
        }
        struct Finding: Encodable {
            var rule: String
            var jurisdiction: String
            var rules: [String]
            var severity: String
            var message: String
            var fix: String
            var source: String
            var confidence: String?
            var itemIds: [String]
        }
        struct School: Encodable {
            var id: String
            var name: String
            var compliant: Bool
            var missed: [String]
            var tallies: [Tally]
            var findings: [Finding]
        }
        struct Report: Encodable {
            var asOf: String
            var mode: String
            var district: String
            var year: String
            var ruleSets: [String]
            var localRules: [String]
            var findingCount: Int
            var auditHead: String?
            var schools: [School]
        }
        let report = Report(
            asOf: asOf.description, mode: mode.rawValue, district: district, year: year.name, ruleSets: ruleSets,
            localRules: localRules, findingCount: findings.count, auditHead: auditHead,
            schools: schools.map { result in
                School(
                    id: result.school.id, name: result.school.name, compliant: result.findings.isEmpty,
                    missed: result.missed(asOf: asOf).map(\.id),
                    tallies: result.tallies.map {
                        Tally(
                            rule: $0.rule.id, jurisdiction: $0.rule.jurisdiction, drills: $0.drills,
                            required: $0.required, counted: $0.counted, scheduledAhead: $0.scheduledAhead,
                            done: $0.done,
                            dates: $0.dates.map(\.description), source: $0.source)
                    },
                    findings: result.findings.map {
                        Finding(
                            rule: $0.ruleID, jurisdiction: $0.jurisdiction, rules: $0.rules.map(\.description),
                            severity: $0.severity.rawValue, message: $0.message, fix: $0.fix, source: $0.source,
                            confidence: $0.confidence, itemIds: $0.itemIDs)
                    })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
