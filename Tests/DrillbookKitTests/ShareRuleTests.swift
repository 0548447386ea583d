import Dates
import DrillbookKit
import Foundation
import Planning
import Testing

/// `share: {at_least: 1/2, of: RULE}`: Nevada's "at least half of the drills must be lockdown
/// drills", of the monthly drills its statute asks. Until 2026-12-05 NV read "5 lockdowns a year",
/// right for a year of ten months only.
@Suite struct ShareRuleTests {
    /// The first school day of each month of the starter year.
    static func firsts(_ year: SchoolYear) -> [CalendarDate] {
        var firsts: [CalendarDate] = []
        for date in year.days where year.isSchoolDay(date) {
            if firsts.last.map({ ($0.year, $0.month) != (date.year, date.month) }) ?? true { firsts.append(date) }
        }
        return firsts
    }

    @Test func halfOfNevadasMonthlyDrillsAreLockdownsWhateverElseTheYearHolds() throws {
        let nevada = try StateRuleTests.Alone("NV")
        let months = Self.firsts(nevada.test.year)
        let half = (months.count + 1) / 2
        func drill(_ id: Int, _ type: String, on date: CalendarDate) -> Completion {
            var drill = nevada.fireDrill(id, on: date)
            drill.kind = .drill(type)
            return drill
        }
        func log(lockdowns: Int) -> [Completion] {
            months.enumerated().map { index, date in drill(index + 1, index < lockdowns ? "lockdown" : "fire", on: date)
            }
        }
        #expect(nevada.findings(log(lockdowns: half), rule: "nv-lockdown").isEmpty)
        #expect(nevada.findings(log(lockdowns: half), rule: "nv-monthly").isEmpty)
        let short = nevada.findings(log(lockdowns: half - 1), rule: "nv-lockdown")
        #expect(
            short.map(\.message) == [
                "\(half - 1) of the drills nv-monthly counts are lockdown drills; at least half of the "
                    + "\(months.count) it asks (\(half)) must be"
            ])
        #expect(short.first?.rules.map(\.id) == ["nv-lockdown", "nv-monthly"])
        #expect(short.first?.itemIDs.count == months.count - half + 1, "the drills that are not lockdowns")
        // A fire drill more each month (the fire code's) does not raise what the statute asks.
        let moreFire =
            log(lockdowns: half)
            + months.enumerated().map { drill(100 + $0.offset, "fire", on: $0.element.adding(days: 1)) }
        #expect(nevada.findings(moreFire, rule: "nv-lockdown").isEmpty)
        // During the year, a shortfall the rest of the year can make up is at risk.
        let middle = months[months.count / 2]
        let early = log(lockdowns: 0).filter { $0.startedAt.date < middle }
        let atRisk = nevada.findings(early, rule: "nv-lockdown", asOf: middle)
        #expect(atRisk.map(\.severity) == [.atRisk])
    }

    /// An eleven-month year asks six: five lockdowns of eleven monthly drills is short (the old
    /// reading, five a year, passed it).
    @Test func anElevenMonthYearAsksSixLockdowns() throws {
        let nevada = try StateRuleTests.Alone("NV")
        let rules = nevada.test.loaded.plan.rules.filter { $0.jurisdiction == "NV" }
        let year = SchoolYear(name: "2027-2028", first: day("2027-08-09"), last: day("2028-06-16"))
        let months = Self.firsts(year)
        #expect(months.count == 11)
        let log = months.enumerated().map { index, date in
            var drill = nevada.fireDrill(index + 1, on: date)
            drill.kind = .drill(index < 5 ? "lockdown" : "fire")
            return drill
        }
        let findings = ComplianceChecker(ruleSets: rules).check(
            school: nevada.test.school, year: year, items: [], completions: log, asOf: year.last.adding(days: 1)
        ).findings
        #expect(
            findings.map(\.message) == [
                "5 of the drills nv-monthly counts are lockdown drills; at least half of the 11 it asks (6) must be"
            ])
    }

    /// The scheduler meets the share with the fewest drills: one a month, at least half of them
    /// lockdowns, on generated years of different lengths.
    @Test func theSchedulerMakesHalfOfTheMonthlyDrillsLockdowns() throws {
        let nevada = try StateRuleTests.Alone("NV")
        let rules = nevada.test.loaded.plan.rules.filter { $0.jurisdiction == "NV" }
        // A rule with only a share still makes its type a series of its own (its title, owner, notice).
        let series = DrillSeries.activities(rules: rules, planDrills: [])
        #expect(series.first { $0.kind == .drill("lockdown") }?.title == "Lockdown drill")
        var random = SeededRandom(seed: 12)
        // Generated years run August to May (ten months); add years of nine, eleven and twelve,
        // where "five a year" was wrong.
        let lengths = [
            SchoolYear(name: "2027-2028", first: day("2027-09-07"), last: day("2028-05-26")),
            SchoolYear(name: "2027-2028", first: day("2027-08-09"), last: day("2028-06-16")),
            SchoolYear(name: "2027-2028", first: day("2027-07-12"), last: day("2028-06-23")),
        ]
        for year in (0..<2).map({ _ in StateRuleTests.generatedYear(&random) }) + lengths {
            let items = try Scheduler(districtID: "d", activities: [], rules: rules).schedule(
                nevada.test.school, year: year)
            let findings = ComplianceChecker(ruleSets: rules).check(
                school: nevada.test.school, year: year, items: StateRuleTests.tracked(items), completions: [],
                asOf: year.first.adding(days: -1)
            ).findings
            #expect(findings.isEmpty, "\(year.first)...\(year.last): \(findings.map(\.message))")
            let model = RequirementModel(ruleSets: rules, school: nevada.test.school, year: year)
            let asked = model.asked(model.entries.firstIndex { $0.rule.id == "nv-monthly" }!)
            let drills = items.filter { $0.relatedTo == nil && $0.kind.isDrill }
            #expect(drills.count == asked, "\(year.first)...\(year.last): one drill a month")
            #expect(
                drills.filter { $0.kind == .drill("lockdown") }.count >= (asked + 1) / 2,
                "\(year.first)...\(year.last): \(asked) months")
        }
    }

    @Test func aShareWrittenWronglyIsNamed() throws {
        let folder = try exampleFolder()
        func error(
            _ schema: Int, _ share: String,
            base: String = "{id: local-any, drill: any, require: {count: 1, per: month}}"
        )
            throws -> String
        {
            try ComplianceTests.writeLocal(
                folder, "local.yaml",
                "schema: drillbook-compliance/\(schema)\njurisdiction: local\nrules:\n  - \(base)\n"
                    + "  - {id: local-lockdown, drill: lockdown, share: \(share)}\n")
            return ComplianceTests.loadError(folder)
        }
        #expect(try error(2, "{at_least: 1/2, of: local-any}") == "")
        let old = try error(
            1, "{at_least: 1/2, of: local-any}",
            base: "{id: local-any, drill: fire, require: {count: 1, per: month}}")
        #expect(old.contains("share needs schema: drillbook-compliance/2"), "\(old)")
        #expect(
            try error(2, "{at_least: 0.5, of: local-any}").contains(
                "\"0.5\" is not a share (expected a fraction below 1"))
        #expect(try error(2, "{at_least: 3/2, of: local-any}").contains("\"3/2\" is not a share"))
        #expect(try error(2, "{at_least: 1/2}").contains("a share needs at_least and of"))
        #expect(
            try error(2, "{at_least: 1/2, of: local-fire}").contains(
                "rule local-lockdown takes a share of \"local-fire\", which is not another rule of this file"))
        #expect(
            try error(
                2, "{at_least: 1/2, of: local-any}",
                base: "{id: local-any, drill: any, share: {at_least: 1/4, of: local-lockdown}}"
            )
            .contains("which is itself a share"))
    }
}
