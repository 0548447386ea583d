import Dates
import DrillbookKit
import Foundation
import Planning
import Store
import Testing

/// `check` on the example district and fresh plans; local rules; malformed rule files; report formats.
@Suite struct ComplianceTests {
    static func scheduled(_ folder: String) throws -> (LoadedPlan, ScheduleStore) {
        let loaded = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-07-01"))
        return (loaded, store)
    }

    @Test func theExampleDistrictChecksCleanAndAnEmptyLogDoesNot() throws {
        let (loaded, store) = try Self.scheduled(try exampleFolder())
        let plan = try ComplianceReport.make(loaded, store: store, asOf: day("2027-07-01"), school: nil)
        #expect(plan.mode == .plan && plan.findings.isEmpty, "\(plan.text)")
        #expect(plan.ruleSets == ["baseline", "TX"])
        let after = try ComplianceReport.make(loaded, store: store, asOf: day("2028-05-27"), school: "lincoln-hs")
        #expect(after.mode == .log && !after.findings.isEmpty)
        #expect(
            after.findings.contains {
                $0.ruleID == "tx-lockdown" && $0.message == "0 of 1 lockdown drill in Semester 1 recorded"
            })
        #expect(after.html.contains("<svg") && after.html.contains("Lincoln High School"))
        #expect(after.csv.hasPrefix("school,drill,started_at,ended_at,item,"))
    }

    /// Every state with a rule file in Templates/compliance.
    static let states: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(resources.templates)/compliance")) ?? [])
        .filter { $0.hasSuffix(".yaml") && $0 != "baseline.yaml" }.map { String($0.dropLast(5)) }.sorted()

    @Test func everyRowOfTheStateTableHasARuleFile() {
        #expect(Self.states.count == 51)
    }

    @Test(arguments: states)
    func aFreshInitPlanChecksClean(state: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-state-\(UUID().uuidString)"
        ).path
        _ = try Initializer.write(
            to: folder, example: false, state: state, year: "2027-2028", resources: resources, today: day("2027-01-10"))
        let (loaded, store) = try Self.scheduled(folder)
        #expect(loaded.plan.ruleSets == ["baseline", state])
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2027-07-01"), school: nil)
        #expect(report.findings.isEmpty, "\(report.text)")
    }

    @Test func aLocalRuleReplacesOnlyAReplaceableOne() throws {
        let folder = try exampleFolder()
        try FileManager.default.createDirectory(atPath: "\(folder)/compliance", withIntermediateDirectories: true)
        let local = """
            schema: drillbook-compliance/1
            jurisdiction: Lakeside Fire Marshal
            sources: {marshal: {title: "Lakeside Fire Marshal letter, 2027"}}
            rules:
              - {id: tx-fire, drill: fire, require: {count: 1, per: month}, source: marshal, confidence: H}
              - {id: lakeside-bus, drill: bus-evacuation, require: {count: 2, per: year}, source: marshal}
            """
        try local.write(toFile: "\(folder)/compliance/lakeside.yaml", atomically: true, encoding: .utf8)
        let (loaded, store) = try Self.scheduled(folder)
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2027-07-01"), school: nil)
        #expect(report.localRules.contains("tx-fire (TX)") && report.localRules.contains("lakeside-bus (local)"))
        #expect(report.findings.isEmpty, "\(report.text)")
        try local.replacingOccurrences(of: "id: tx-fire", with: "id: tx-lockdown").write(
            toFile: "\(folder)/compliance/lakeside.yaml", atomically: true, encoding: .utf8)
        #expect(
            performing: { _ = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources) },
            throws: {
                "\($0)".contains("rule tx-lockdown of TX is not replaceable")
            })
    }

    @Test func aRuleUsingAShapeWronglyIsNamedByFileRuleAndField() throws {
        let folder = try exampleFolder()
        try FileManager.default.createDirectory(atPath: "\(folder)/compliance", withIntermediateDirectories: true)
        try """
        schema: drillbook-compliance/1
        jurisdiction: local
        rules:
          - id: lunch-lockdown
            drill: lockdown
            require: {count: 1, per: year}
            condition: {during: [recess]}
        """.write(toFile: "\(folder)/compliance/mine.yaml", atomically: true, encoding: .utf8)
        #expect(
            performing: { _ = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources) },
            throws: {
                "\($0)".contains("mine.yaml:7: rules[0].condition.during: \"recess\" is not a time of day")
            })
    }
}

extension ComplianceTests {
    /// For every state file: drop the drills a rule counts and that rule, by id, is reported.
    @Test(arguments: states)
    func breakingEachRuleGivesItsFinding(state: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-break-\(UUID().uuidString)"
        ).path
        _ = try Initializer.write(
            to: folder, example: false, state: state, year: "2027-2028", resources: resources, today: day("2027-01-10"))
        let (loaded, store) = try Self.scheduled(folder)
        let items = try Planner.published(loaded, store: store)
        let school = loaded.plan.schools[0].school
        let year = loaded.years[school.id]!
        let checker = ComplianceChecker(ruleSets: loaded.plan.rules)
        // AZ, ID, HI, ND and DC have no statewide counts: their files say so and hold no rules.
        let stateRules = loaded.plan.rules.first { $0.jurisdiction == state }!.rules
        #expect(stateRules.isEmpty == ["AZ", "DC", "HI", "ID", "ND"].contains(state))
        for rule in stateRules where rule.when.map({ school.attributes[$0.attribute] == $0.equals }) ?? true {
            let broken = items.filter { $0.item.kind != .drill(rule.drill) }
            let findings = checker.check(
                school: school, year: year, items: broken, completions: [], asOf: day("2027-07-01")
            ).findings
            #expect(findings.contains { $0.ruleID == rule.id && $0.jurisdiction == state }, "\(state) \(rule.id)")
        }
    }
}
