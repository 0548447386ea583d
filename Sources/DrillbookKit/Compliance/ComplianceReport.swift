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
    }

    public var mode: CheckMode
    public var asOf: CalendarDate
    public var year: SchoolYear
    public var ruleSets: [String]
    /// Rules a district's own files add or replace.
    public var localRules: [String]
    public var schools: [SchoolResult]

    public var findings: [ComplianceFinding] { schools.flatMap(\.findings) }

    public static func make(_ loaded: LoadedPlan, store: ScheduleStore, asOf: CalendarDate, school only: String?)
        throws(DrillbookError)
        -> ComplianceReport
    {
        if let only, !loaded.plan.schools.contains(where: { $0.school.id == only }) {
            throw .usage(
                "school \"\(only)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let items = try Planner.published(loaded, store: store)
        let completions = try Tracker.completions(loaded, store: store)
        let checker = ComplianceChecker(ruleSets: loaded.plan.rules)
        var results: [SchoolResult] = []
        for planned in loaded.plan.schools where only == nil || planned.school.id == only {
            let year = loaded.years[planned.school.id]!
            let (tallies, findings) = checker.check(
                school: planned.school, year: year, items: items, completions: completions, asOf: asOf)
            results.append(
                SchoolResult(
                    school: planned.school, tallies: tallies, findings: findings,
                    items: items.filter { $0.item.schoolID == planned.school.id },
                    completions: Completion.current(completions).filter { $0.schoolID == planned.school.id }))
        }
        let year = loaded.years[results.first?.school.id ?? ""] ?? loaded.years.values.first!
        let local = loaded.plan.rules.flatMap { set in
            set.rules.filter { $0.source?.hasPrefix("local:") == true || set.jurisdiction == "local" }.map {
                "\($0.id) (\(set.jurisdiction))"
            }
        }
        return ComplianceReport(
            mode: ComplianceChecker.mode(on: asOf, year: year), asOf: asOf, year: year, ruleSets: loaded.plan.ruleSets,
            localRules: local,
            schools: results)
    }

    // MARK: - Text, JSON, CSV

    public var text: String {
        var lines = ["\(mode.rawValue) check as of \(asOf), rule sets: \(ruleSets.joined(separator: ", "))"]
        if !localRules.isEmpty { lines.append("local rules in force: \(localRules.joined(separator: ", "))") }
        for result in schools {
            lines.append("")
            lines.append(
                "\(result.school.name) (\(result.school.id)): "
                    + (result.findings.isEmpty ? "compliant" : "\(result.findings.count) findings"))
            for tally in result.tallies {
                lines.append(
                    "  \(tally.jurisdiction)/\(tally.ruleID): \(tally.drill), required \(tally.required), scheduled \(tally.scheduled), done \(tally.done)"
                )
            }
            for finding in result.findings {
                lines.append(
                    "  \(finding.severity.rawValue): \(finding.jurisdiction)/\(finding.ruleID): \(finding.message)")
                lines.append(
                    "      source: \(finding.source)" + (finding.confidence.map { " (confidence \($0))" } ?? "")
                        + "; fix: \(finding.fix)")
            }
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        struct Row: Encodable {
            var school: String
            var rule: String
            var jurisdiction: String
            var severity: String
            var message: String
            var source: String
            var confidence: String?
            var fix: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(
            decoding: try encoder.encode(
                findings.map {
                    Row(
                        school: $0.schoolID, rule: $0.ruleID, jurisdiction: $0.jurisdiction,
                        severity: $0.severity.rawValue,
                        message: $0.message, source: $0.source, confidence: $0.confidence, fix: $0.fix)
                }), as: UTF8.self)
    }

    /// The drill log with the fields the rules require, for a state portal or a website posting.
    public var csv: String {
        let required = Set(schools.flatMap { _ in [EvidenceField]() })
        var fields = EvidenceField.allCases.filter { $0 != .startedAt && $0 != .endedAt && $0 != .attachments }
        fields.removeAll { required.contains($0) }
        func cell(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [
            (["school", "drill", "started_at", "ended_at", "item"] + fields.map(\.rawValue)).joined(separator: ",")
        ]
        for result in schools {
            let ids = Dictionary(result.items.map { ($0.item.uid, $0.item.id) }, uniquingKeysWith: { a, _ in a })
            for completion in result.completions.sorted(by: { $0.startedAt < $1.startedAt })
            where completion.kind.isDrill {
                let row =
                    [
                        result.school.id, completion.kind.description.replacingOccurrences(of: "drill/", with: ""),
                        completion.startedAt.description, completion.endedAt?.description ?? "",
                        completion.itemUID.flatMap { ids[$0] } ?? "",
                    ] + fields.map { completion.evidence[$0] ?? "" }
                lines.append(row.map(cell).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
