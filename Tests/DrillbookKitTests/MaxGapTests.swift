import Dates
import DrillbookKit
import Foundation
import Testing

@testable import Planning

/// A rule's `spacing: {max_days: N, day_kind: K}`: no run of N days of the kind without a counted
/// drill (Tennessee's fire drills, at least once every 30 school days). A monthly count stood in
/// for it before, which passed a 40-school-day gap across two months and flagged a December
/// without one that the law allows.
@Suite struct MaxGapTests {
    /// Tennessee's starter year, judged by the TN set alone (baseline's monthly fire drill would
    /// hide a gap).
    struct Tennessee {
        var state: StateRuleTests.Alone
        var test: StateRuleTests.Case { state.test }
        var checker: ComplianceChecker { state.checker }
        /// The year's school days, in order: a gap is measured in these.
        var schoolDays: [CalendarDate]

        init() throws {
            state = try StateRuleTests.Alone("TN")
            let year = state.test.year
            schoolDays = year.days.filter { year.isSchoolDay($0) }
        }

        /// Fire drills held on these school days (by index; a staff-only day moves to the next day with students).
        func log(_ indexes: [Int]) -> [Completion] {
            indexes.enumerated().map { position, index in
                var date = schoolDays[index]
                while !test.year.isInstructionalDay(date) { date = date.adding(days: 1) }
                return state.fireDrill(position + 1, on: date)
            }
        }

        func findings(_ log: [Completion], asOf: CalendarDate? = nil) -> [ComplianceFinding] {
            state.findings(log, rule: "tn-fire", asOf: asOf)
        }

        /// The finding for the school days between two held drills.
        func gapMessage(after: Completion, before: Completion) -> String {
            let between = schoolDays.filter { $0 > after.startedAt.date && $0 < before.startedAt.date }
            return "no fire drill held in the \(between.count) school days from \(between.first!) to \(between.last!); "
                + "at least one every 30 school days is asked"
        }

        /// Two in the first 30 school days, then one on every 30th: the most a drill-free run can be.
        var everyThirtieth: [Int] {
            [10] + Array(stride(from: 29, to: schoolDays.count, by: 30))
        }
    }

    @Test func drillsThirtySchoolDaysApartMeetTennesseesRuleWhateverTheMonths() throws {
        let tn = try Tennessee()
        let days = tn.everyThirtieth
        #expect(days.last! >= tn.schoolDays.count - 30, "the last run of the year holds a drill")
        let log = tn.log(days)
        #expect(tn.findings(log).isEmpty, "\(tn.findings(log).map(\.message))")
        // The law's rhythm is not the calendar's: some month of the year has no fire drill at all,
        // which the old monthly stand-in flagged.
        let months = Set(log.map { $0.startedAt.date.year * 12 + $0.startedAt.date.month })
        let yearMonths = Set(tn.schoolDays.map { $0.year * 12 + $0.month })
        #expect(!yearMonths.subtracting(months).isEmpty)
        let tally = tn.checker.check(
            school: tn.test.school, year: tn.test.year, items: [], completions: log,
            asOf: tn.test.year.last.adding(days: 1)
        ).tallies.first { $0.rule.id == "tn-fire" }!
        #expect(tally.required == tn.schoolDays.count / 30)
    }

    @Test func oneGapIsOneFindingNamingItsDays() throws {
        let tn = try Tennessee()
        let days = tn.everyThirtieth
        // Drop one drill: the stretch between its neighbours is one finding, not one per run.
        let log = tn.log(days.filter { $0 != days[3] })
        let findings = tn.findings(log)
        #expect(findings.count == 1, "\(findings.map(\.message))")
        #expect(findings.first?.severity == .unmet)
        #expect(findings.first?.message == tn.gapMessage(after: log[2], before: log[3]))
        // Thirty school days with no drill is a gap; twenty-nine is not (everyThirtieth's own).
        let later = tn.log(days.map { $0 == days[2] ? days[2] + 1 : $0 })
        #expect(tn.findings(later).map(\.message) == [tn.gapMessage(after: later[1], before: later[2])])
        // The year's end closes a gap too: no drill in its last 30 school days.
        let early = tn.log(days.filter { $0 < tn.schoolDays.count - 31 })
        #expect(tn.findings(early).map(\.message).contains { $0.contains(" to \(tn.schoolDays.last!);") })
    }

    @Test func duringTheYearAGapsClosedRunsCannotBeMetAndItsOpenOnesAreAtRisk() throws {
        let tn = try Tennessee()
        let asOf = tn.schoolDays[100]
        let held = tn.everyThirtieth.filter { $0 < 60 }
        let findings = tn.findings(tn.log(held), asOf: asOf)
        #expect(Set(findings.map(\.severity)) == [.cannotBeMet, .atRisk], "\(findings.map(\.message))")
        let risk = findings.first { $0.severity == .atRisk }!
        #expect(risk.fix.hasPrefix("hold and record") && risk.fix.contains("between \(asOf) and "), "\(risk.fix)")
        // Held on time up to the day checked, nothing is lost yet: only the rest is at risk.
        let onTime = tn.findings(tn.log(tn.everyThirtieth.filter { $0 < 100 }), asOf: asOf)
        #expect(onTime.map(\.severity) == [.atRisk], "\(onTime.map(\.message))")
    }

    /// The scheduler meets the rule alone (no monthly baseline beside it), on generated years, with
    /// the fewest drills: one per 30 school days for the runs, and the second of the first 30 days.
    @Test func theSchedulerLeavesNoRunWithoutADrill() throws {
        let tn = try Tennessee()
        let rules = tn.test.loaded.plan.rules.filter { $0.jurisdiction == "TN" }
        var random = SeededRandom(seed: 30)
        for _ in 0..<4 {
            let year = StateRuleTests.generatedYear(&random)
            let (first, last) = (year.first, year.last)
            let scheduler = Scheduler(districtID: "d", activities: [], rules: rules)
            let items = try scheduler.schedule(tn.test.school, year: year)
            let findings = ComplianceChecker(ruleSets: rules).check(
                school: tn.test.school, year: year, items: StateRuleTests.tracked(items), completions: [],
                asOf: first.adding(days: -1)
            ).findings
            #expect(findings.isEmpty, "\(first)...\(last): \(findings.map(\.message))")
            let schoolDays = year.days.filter { year.isSchoolDay($0) }
            let fire = items.filter { $0.kind == .drill("fire") && $0.relatedTo == nil }.map(\.date)
            var previous = -1
            for date in fire + [year.last.adding(days: 1)] {
                let index = schoolDays.firstIndex { $0 >= date } ?? schoolDays.count
                #expect(
                    index - previous <= 30, "\(first)...\(last): \(index - previous - 1) school days before \(date)")
                previous = index
            }
            #expect(fire.count <= schoolDays.count / 30 + 1, "\(fire.count) fire drills in \(schoolDays.count) days")
        }
    }

    @Test func aSpacingShapeUsedWronglyIsNamed() throws {
        let folder = try exampleFolder()
        func error(_ schema: Int, _ spacing: String) throws -> String {
            try ComplianceTests.localRuleError(
                folder, schema: schema, rule: "{id: fire-gap, drill: fire, spacing: \(spacing)}")
        }
        #expect(try error(1, "{max_days: 30}").contains("spacing max_days needs schema: drillbook-compliance/2"))
        #expect(try error(2, "{day_kind: school}").contains("day_kind measures max_days, which is missing"))
        #expect(try error(2, "{min_days: 40, max_days: 30}").contains("min_days 40 is more than max_days 30"))
        #expect(
            try error(2, "{max_days: 30, day_kind: weekly}").contains(
                "\"weekly\" is unknown (expected one of: calendar, school"))
        #expect(try error(2, "{max_days: 30, day_kind: school}") == "")
        #expect(try error(1, "{max_months: 2}").contains("spacing max_months needs schema: drillbook-compliance/2"))
        #expect(try error(2, "{max_days: 30, max_months: 2}").contains("say max_days or max_months, not both"))
        #expect(try error(2, "{max_months: 2, day_kind: school}").contains("max_months counts calendar months"))
        #expect(try error(2, "{max_months: 13}").contains("13"))
        #expect(try error(2, "{max_months: 2}") == "")
    }

    /// Utah's elementary fire drill "every other month" (`spacing: {max_months: 2}`): no two
    /// calendar months in a row of the school year without one, whatever the days between. Before
    /// 2026-12-05 an elementary school with two fire drills a year checked clean.
    @Test func utahsElementaryFireDrillsComeEveryOtherMonth() throws {
        let utah = try StateRuleTests.Alone("UT")
        let year = utah.test.year
        let model = RequirementModel(ruleSets: utah.test.loaded.plan.rules, school: utah.test.school, year: year)
        #expect(model.entries.contains { $0.rule.id == "ut-elementary-fire" }, "the starter school is K-12")
        // The first school day of each month, by month number.
        var firsts: [Int: CalendarDate] = [:]
        for date in year.days where year.isInstructionalDay(date) && firsts[date.month] == nil {
            firsts[date.month] = date
        }
        let order = firsts.values.sorted()
        let months = order.map(\.month)
        // Every other month from the first: months 1, 3, 5, ... of the year, and its last month.
        var chosen = stride(from: 0, to: order.count, by: 2).map { order[$0] }
        if order.count % 2 == 0 { chosen.append(order.last!) }
        let log = chosen.enumerated().map { utah.fireDrill($0.offset + 1, on: $0.element) }
        #expect(utah.findings(log, rule: "ut-elementary-fire").isEmpty, "\(months)")
        // One dropped: the months on either side of it and its own make one stretch of three.
        let dropped = chosen[2]
        let findings = utah.findings(log.filter { $0.startedAt.date != dropped }, rule: "ut-elementary-fire")
        let before = order[order.firstIndex(of: dropped)! - 1]
        let after = order[order.firstIndex(of: dropped)! + 1]
        let end = after.firstOfMonth(addingMonths: 1).adding(days: -1)
        #expect(
            findings.map(\.message) == [
                "no fire drill held in the 3 months from \(before.firstOfMonth(addingMonths: 0)) to \(end); "
                    + "at least one every 2 months is asked"
            ])
        // Two a year, as the secondary rule asks, is not enough for an elementary school.
        let twice = [log[0], log[log.count / 2]]
        #expect(utah.findings(twice, rule: "ut-elementary-fire").count >= 2)
        // A secondary school has no such rule.
        var school = utah.test.school
        school.attributes["lowest_grade"] = "9"
        let secondary = RequirementModel(ruleSets: utah.test.loaded.plan.rules, school: school, year: year)
        #expect(!secondary.entries.contains { $0.rule.id == "ut-elementary-fire" })
    }
}
