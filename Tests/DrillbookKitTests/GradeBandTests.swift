import Dates
import Foundation
import Testing

@testable import DrillbookKit
@testable import Planning

/// Rules by grade band: a school's lowest grade, read from its `grades`, chooses which of a
/// state's counts it owes (ME: 10, 8 or 6 evacuation drills for K-4, 5-8 and 9-12, a mixed-grade
/// school following its lowest grade; UT: a monthly drill in elementary schools). Every school
/// was held to the strictest band before, so a Maine high school with its six drills was told it
/// was four short.
@Suite struct GradeBandTests {
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

    /// The example district's three schools (K-5, 6-8, 9-12) under Maine's rules, then Utah's.
    @Test func eachSchoolOwesItsBandsCount() throws {
        func rules(_ state: String, grades: [String: String] = [:]) throws -> [String: [String]] {
            let folder = try exampleFolder()
            let plan = "\(folder)/drillbook.yaml"
            var text = try String(contentsOfFile: plan, encoding: .utf8)
                .replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, \(state)]")
            for (from, to) in grades {
                text = text.replacingOccurrences(of: "grades: \(from)\n", with: "grades: \(to)\n")
            }
            try text.write(toFile: plan, atomically: true, encoding: .utf8)
            let loaded = try Planner.load(planFile: plan, resources: resources)
            return Dictionary(
                uniqueKeysWithValues: loaded.plan.schools.map { planned in
                    (planned.school.grades, loaded.requirements(planned.school.id)!.entries.map(\.rule.id))
                })
        }
        let maine = try rules("ME")
        #expect(maine["K-5"]!.contains("me-evacuation") && !maine["K-5"]!.contains("me-evacuation-5-8"))
        #expect(maine["6-8"]!.contains("me-evacuation-5-8") && !maine["6-8"]!.contains("me-evacuation"))
        #expect(maine["9-12"]!.contains("me-evacuation-9-12") && !maine["9-12"]!.contains("me-evacuation-5-8"))
        // A mixed-grade school follows its lowest grade.
        let mixed = try rules("ME", grades: ["9-12": "6-12"])
        #expect(mixed["6-12"]!.contains("me-evacuation-5-8") && !mixed["6-12"]!.contains("me-evacuation-9-12"))
        let utah = try rules("UT")
        #expect(utah["K-5"]!.contains("ut-elementary-monthly"))
        #expect(!utah["6-8"]!.contains("ut-elementary-monthly") && !utah["9-12"]!.contains("ut-elementary-monthly"))
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
