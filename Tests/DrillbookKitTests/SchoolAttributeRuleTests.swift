import Dates
import Foundation
import Testing

@testable import DrillbookKit
@testable import Planning

/// Rules that depend on what a school is. Grade bands: a school's lowest grade, read from its
/// `grades`, chooses which of a state's counts it owes (ME: 10, 8 or 6 evacuation drills for K-4,
/// 5-8 and 9-12, a mixed-grade school following its lowest grade; UT: a monthly drill in
/// elementary schools; CA: monthly fire drills, or two a year in high schools). Bus riders, hazard
/// zones, year-round schools. Each was declared and not read before: every school was held to the
/// strictest band, and a school without buses owed bus drills.
@Suite struct SchoolAttributeRuleTests {
    /// The rules that apply to each of the example district's schools (harbor-es K-5, ridge-ms 6-8,
    /// lincoln-hs 9-12) under baseline and `state`, with the plan's text changed by `edits`.
    static func rulesBySchool(_ state: String, edits: [(String, String)] = []) throws -> [String: Set<String>] {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        var text = try String(contentsOfFile: plan, encoding: .utf8)
            .replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, \(state)]")
        for (from, to) in edits {
            #expect(text.contains(from), "\(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: resources)
        return Dictionary(
            uniqueKeysWithValues: loaded.plan.schools.map { planned in
                (planned.school.id, Set(loaded.requirements(planned.school.id)!.entries.map(\.rule.id)))
            })
    }

    /// The high school's attributes line, to add to.
    static let highSchool = "bus_riders: true, summer_session: false}"

    @Test func theLowestGradeIsReadFromTheWaysPlansWriteGrades() {
        let cases: [(String, Int?)] = [
            ("K-5", 0), ("K-12", 0), ("KG-2", 0), ("Kindergarten", 0), ("PK-8", -1), ("Pre-K-5", -1), ("prek", -1),
            ("TK-6", -1), ("6-8", 6), ("9-12", 9), ("Grades 9-12", 9), ("grade 5", 5), ("12", 12), ("K, 2-4", 0),
            (" 7-8", 7), ("Kids", nil), ("13", nil), ("0-5", nil), ("", nil), ("middle", nil),
        ]
        for (grades, lowest) in cases {
            #expect(RuleSetAttributes.lowestGrade(grades) == lowest, "\(grades)")
        }
    }

    /// Every attribute a shipped rule set declares is read by one of its rules: a declared one that
    /// nothing reads (baseline's `bus_riders` and `hazard_zone` were) tells a school its answer
    /// matters when it changes nothing. Summer sessions are the one declared ahead of their rules.
    @Test func everyDeclaredAttributeIsRead() throws {
        let folder = "\(resources.templates)/compliance"
        var declared: [String: String] = [:]
        var read: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
            let set = try RuleSetReader.read(
                try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8), file: file)
            for name in set.attributes.keys { declared[name] = file }
            for rule in set.rules { read.formUnion(rule.when?.attributes ?? []) }
        }
        #expect(!declared.isEmpty)
        for (name, file) in declared where !read.contains(name) && name != "summer_session" {
            Issue.record("\(file) declares \(name), which no rule reads")
        }
    }

    /// The example district's three schools (K-5, 6-8, 9-12) under Maine's, Utah's and
    /// California's rules.
    @Test func eachSchoolOwesItsBandsCount() throws {
        let maine = try Self.rulesBySchool("ME")
        #expect(maine["harbor-es"]!.contains("me-evacuation") && !maine["harbor-es"]!.contains("me-evacuation-5-8"))
        #expect(maine["ridge-ms"]!.contains("me-evacuation-5-8") && !maine["ridge-ms"]!.contains("me-evacuation"))
        #expect(
            maine["lincoln-hs"]!.contains("me-evacuation-9-12") && !maine["lincoln-hs"]!.contains("me-evacuation-5-8"))
        // A mixed-grade school follows its lowest grade.
        let mixed = try Self.rulesBySchool("ME", edits: [("grades: 9-12\n", "grades: 6-12\n")])
        #expect(
            mixed["lincoln-hs"]!.contains("me-evacuation-5-8") && !mixed["lincoln-hs"]!.contains("me-evacuation-9-12"))
        let utah = try Self.rulesBySchool("UT")
        #expect(utah["harbor-es"]!.contains("ut-elementary-monthly") && !utah["harbor-es"]!.contains("ut-fire-january"))
        for secondary in ["ridge-ms", "lincoln-hs"] {
            #expect(!utah[secondary]!.contains("ut-elementary-monthly") && utah[secondary]!.contains("ut-fire-january"))
        }
        let california = try Self.rulesBySchool("CA")
        #expect(california["harbor-es"]!.isSuperset(of: ["ca-fire", "ca-earthquake"]))
        #expect(california["ridge-ms"]!.isSuperset(of: ["ca-fire", "ca-earthquake"]))
        #expect(california["lincoln-hs"]!.isSuperset(of: ["ca-fire-secondary", "ca-earthquake-secondary"]))
        #expect(california["lincoln-hs"]!.isDisjoint(with: ["ca-fire", "ca-earthquake"]))
    }

    /// A school whose students ride no bus owes no bus evacuation drill, in every state that asks one.
    @Test func aSchoolWithoutBusRidersOwesNoBusDrill() throws {
        for (state, rules) in [
            ("AR", ["ar-bus"]), ("IL", ["il-bus"]), ("NH", ["nh-bus"]), ("PA", ["pa-bus-first-week", "pa-bus-march"]),
            ("TN", ["tn-bus"]),
        ] {
            let applied = try Self.rulesBySchool(
                state, edits: [(Self.highSchool, "bus_riders: false, summer_session: false}")])
            #expect(applied["lincoln-hs"]!.isDisjoint(with: rules), "\(state)")
            #expect(applied["ridge-ms"]!.isSuperset(of: rules), "\(state)")
        }
    }

    /// Washington adds a pedestrian evacuation drill in a lahar or tsunami zone; Oregon three
    /// earthquake drills in a tsunami zone.
    @Test func aHazardZoneAddsItsDrills() throws {
        for zone in ["lahar", "tsunami"] {
            let washington = try Self.rulesBySchool(
                "WA", edits: [(Self.highSchool, "bus_riders: true, summer_session: false, hazard_zone: \(zone)}")])
            #expect(washington["lincoln-hs"]!.contains("wa-pedestrian-evacuation"), "\(zone)")
            #expect(!washington["ridge-ms"]!.contains("wa-pedestrian-evacuation"))
        }
        let oregon = try Self.rulesBySchool(
            "OR", edits: [(Self.highSchool, "bus_riders: true, summer_session: false, hazard_zone: tsunami}")])
        #expect(oregon["lincoln-hs"]!.contains("or-earthquake-tsunami"))
        #expect(!oregon["ridge-ms"]!.contains("or-earthquake-tsunami"))
    }

    /// Rhode Island's extra egress drill in the first 30 days is owed by schools not open
    /// year-round: a school that says `year_round: true` has no such rule, the others (by default) do.
    @Test func rhodeIslandsYearRoundSchoolsOweNoExtraEarlyDrill() throws {
        let applied = try Self.rulesBySchool(
            "RI", edits: [(Self.highSchool, "bus_riders: true, summer_session: false, year_round: true}")])
        #expect(applied.values.allSatisfy { $0.contains("ri-egress") })
        #expect(!applied["lincoln-hs"]!.contains("ri-egress-first"))
        #expect(applied["ridge-ms"]!.contains("ri-egress-first") && applied["harbor-es"]!.contains("ri-egress-first"))
    }

    /// A Maine high school that held its six drills (two in the first two weeks) meets the fire
    /// count; the same six at an elementary school are four short.
    @Test func aMaineHighSchoolsSixDrillsAreEnough() throws {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        try String(contentsOfFile: plan, encoding: .utf8)
            .replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, ME]")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: resources)
        let checker = ComplianceChecker(ruleSets: loaded.plan.rules)
        for planned in loaded.plan.schools {
            let school = planned.school
            let year = loaded.years[school.id]!
            let days = year.days.filter { year.isInstructionalDay($0) }
            let log = [1, 3, 30, 60, 90, 120].enumerated().map { position, index in
                Completion(
                    id: position + 1, year: loaded.plan.year, itemUID: nil, schoolID: school.id, kind: .drill("fire"),
                    startedAt: WallTime(date: days[index], hour: 10), recordedBy: "test", recordedOn: days[index],
                    source: .record)
            }
            let findings = checker.check(
                school: school, year: year, items: [], completions: log, asOf: year.last.adding(days: 1)
            ).findings.filter { $0.ruleID.hasPrefix("me-evacuation") }
            if school.grades == "9-12" {
                #expect(findings.isEmpty, "\(findings.map(\.message))")
            } else {
                #expect(
                    findings.map(\.message).contains { $0.hasPrefix(school.grades == "K-5" ? "6 of 10" : "6 of 8") })
            }
        }
    }

    /// Utah's secondary fire drill counts in the first 10 school days from January 1 (`of: "01-01"`):
    /// the winter break's days do not count, so the window runs past them into the year's first
    /// school days, and ends on the tenth.
    @Test func aWindowCountsFromADayOfTheCalendar() throws {
        let utah = try StateRuleTests.Alone("UT")
        let year = utah.test.year
        let model = RequirementModel(ruleSets: utah.test.loaded.plan.rules, school: utah.test.school, year: year)
        // The starter school is K-12: elementary, so it has no such rule; a 9-12 school does.
        #expect(!model.entries.contains { $0.rule.id == "ut-fire-january" })
        var school = utah.test.school
        school.attributes["lowest_grade"] = "9"
        let secondary = RequirementModel(ruleSets: utah.test.loaded.plan.rules, school: school, year: year)
        let index = try #require(secondary.entries.firstIndex { $0.rule.id == "ut-fire-january" })
        let span = secondary.constraints[secondary.entries[index].constraints[0]].span
        let january = year.days.filter { $0 >= CalendarDate(year: 2028, month: 1, day: 1) && year.isSchoolDay($0) }
        #expect(span == CalendarDate(year: 2028, month: 1, day: 1)...january[9])
    }

    @Test func aGradeBandWrittenWronglyIsNamed() throws {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        let text = try String(contentsOfFile: plan, encoding: .utf8)
            .replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, ME]")
        try text.replacingOccurrences(of: "grades: 6-8\n", with: "grades: middle school\n")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(
            ComplianceTests.loadError(folder).contains(
                "grades: \"middle school\" does not start with a grade (PK, TK, K or 1 to 12), and the ME rules read"),
            "\(ComplianceTests.loadError(folder))")
        // Said outright, the attribute wins over grades.
        try text.replacingOccurrences(
            of: "grades: 6-8\n", with: "grades: middle school\n"
        ).replacingOccurrences(
            of: "attributes: {sprinklers: true, bus_riders: true}\n    contacts:\n      principal: {name: Omar Haddad",
            with:
                "attributes: {sprinklers: true, bus_riders: true, lowest_grade: 6}\n    contacts:\n      principal: {name: Omar Haddad"
        ).write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(ComplianceTests.loadError(folder) == "")
        try ComplianceTests.writeLocal(
            folder, "local.yaml",
            "schema: drillbook-compliance/2\njurisdiction: local\nattributes: {wing: {type: text}}\nrules:\n  - {id: x, drill: fire, require: {count: 1, per: year}, when: {attribute: wing, at_least: 2}}\n"
        )
        #expect(
            ComplianceTests.loadError(folder).contains("at_least and at_most compare a number; wing is declared text"))
    }
}
