import Dates
import DrillbookKit
import Foundation
import Planning
import Testing

/// Work spread over the cores gives what one core gives.
@Suite struct ParallelPlacementTests {
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
