import Dates
import DrillbookKit
import Foundation
import Planning
import Testing

/// Work spread over the cores gives what one core gives.
@Suite struct ParallelWorkTests {
    /// Schools are placed on several threads: the district's schedule is the same as placing each
    /// school alone, in plan order, run after run.
    @Test func placingSchoolsAtOnceChangesNothing() throws {
        let plan = try planFile(
            try examplePlan(replacing: "schools:\n", with: "schools:\n" + Self.extraSchools(9)))
        let loaded = try Planner.load(planFile: plan, resources: resources)
        #expect(loaded.plan.schools.count == 12)
        let scheduler = Scheduler(
            districtID: loaded.plan.district.id, activities: loaded.plan.activities, rules: loaded.plan.rules)
        let alone = try loaded.plan.schools.flatMap {
            try scheduler.schedule($0.school, year: loaded.years[$0.school.id]!)
        }
        for _ in 0..<3 {
            #expect(try Planner.schedule(loaded) == alone)
        }
    }

    /// Schools are exported on several threads, in batches: every file is byte for byte what one
    /// thread makes (the feed renders the same calendar school after school), and the district's
    /// files keep the plan's order across batches.
    @Test func exportingSchoolsAtOnceChangesNothing() throws {
        let plan = try planFile(
            try examplePlan(replacing: "schools:\n", with: "schools:\n" + Self.extraSchools(37)))
        let loaded = try Planner.load(planFile: plan, resources: resources)
        let store = try Planner.openStore(URL(fileURLWithPath: plan).deletingLastPathComponent().path + "/db.sqlite")
        let asOf = day("2027-08-01")
        _ = try Planner.run(loaded, store: store, asOf: asOf, actor: "test")
        let items = try Planner.published(loaded, store: store)
        let exporter = Exporter(loaded: loaded, asOf: asOf)
        let folder = URL(fileURLWithPath: plan).deletingLastPathComponent().path + "/out"
        let files = try exporter.export(items, to: folder)
        #expect(files.count == (loaded.plan.schools.count + 1) * 3)
        for audience in Audience.allCases {
            let district = try String(contentsOfFile: "\(folder)/district-\(audience.rawValue).ics", encoding: .utf8)
            #expect(district == (try exporter.calendar(items, school: nil, audience: audience)))
            for school in ["harbor-es", "extra-0", "extra-36"] {
                let file = try String(contentsOfFile: "\(folder)/\(school)-\(audience.rawValue).ics", encoding: .utf8)
                #expect(file == (try exporter.calendar(items, school: school, audience: audience)))
            }
        }
    }

    static func extraSchools(_ count: Int) -> String {
        (0..<count).map { index in
            """
              - id: extra-\(index)
                name: Extra School \(index)
                bell_schedule: \(index % 2 == 0 ? "secondary" : "elementary")
                contacts:
                  principal: {name: Principal \(index)}
                  safety_coordinator: {name: Coordinator \(index)}
                  threat_assessment_lead: {name: Lead \(index)}
                  law_enforcement: {name: Officer \(index)}
                  fire: {name: Fire Marshal}
                  mental_health: {name: Counselor \(index)}
                  communications: {name: Communications}

            """
        }.joined()
    }
}
