import Dates
import DrillbookKit
import Foundation
import Testing

@testable import Planning

/// A rule's `condition: {distinct_hours: true}`: its counted drills start in as many clock hours
/// as it asks drills (Montana's eight disaster drills "at different hours of the day or evening",
/// which were read and not checked before: eight drills at 10:00 checked clean).
@Suite struct DistinctHoursTests {
    struct Montana {
        var state: StateRuleTests.Alone
        var test: StateRuleTests.Case { state.test }
        var days: [CalendarDate]

        init() throws {
            state = try StateRuleTests.Alone("MT")
            let year = state.test.year
            days = year.days.filter { year.isInstructionalDay($0) }
        }

        /// Fire drills held three weeks apart, at these hours (minute 10; nil: no time, 00:00).
        func log(_ hours: [Int?]) -> [Completion] {
            hours.enumerated().map { position, hour in
                state.fireDrill(
                    position + 1, on: days[position * 15 + 3], hour: hour ?? 0, minute: hour == nil ? 0 : 10)
            }
        }

        func findings(_ log: [Completion]) -> [ComplianceFinding] { state.findings(log, rule: "mt-disaster") }
    }

    @Test func eightDrillsAtOneHourBreakTheRuleAndEightHoursMeetIt() throws {
        let mt = try Montana()
        let same = mt.findings(mt.log(Array(repeating: 10, count: 8)))
        #expect(
            same.map(\.message) == [
                "drills start in 1 different hour of the day (10:00); 8 at different hours are asked"
            ])
        #expect(same.first?.severity == .unmet)
        #expect(same.first?.itemIDs.count == 7, "the seven that repeat an hour are named")
        #expect(mt.findings(mt.log(Array(8...15))).isEmpty)
        // Seven hours and one repeated: one short. Two with no time show no hour and are named.
        let short = mt.findings(mt.log([8, 9, 10, 11, 12, 13, 14, 14]))
        #expect(short.map(\.message).first?.hasPrefix("drills start in 7 different hours") == true)
        let untimed = mt.findings(mt.log([8, 9, 10, 11, 12, 13, nil, nil]))
        #expect(untimed.first?.message.hasSuffix("; 2 recorded with no time show no hour") == true)
        #expect(untimed.first?.itemIDs.count == 2)
    }

    /// The scheduler moves drills that repeat an hour to hours not used yet, keeping a time of day
    /// a rule asks for; a second run makes the same times.
    @Test func theSchedulerSpreadsTheDrillsOverTheHours() throws {
        let mt = try Montana()
        let drills = mt.test.items.filter { $0.kind.isDrill && $0.relatedTo == nil }
        #expect(drills.count >= 8)
        #expect(Set(drills.compactMap { $0.start.map { $0.minutes / 60 } }).count >= 8)
        let scheduler = Scheduler(
            districtID: mt.test.loaded.plan.district.id, activities: mt.test.loaded.plan.activities,
            rules: mt.test.loaded.plan.rules)
        #expect(try scheduler.schedule(mt.test.school, year: mt.test.year) == mt.test.items)
        // Each drill's start falls in the time of day its item says.
        for drill in drills {
            #expect(mt.test.school.bellSchedule.context(at: drill.start!) == drill.timeContext, "\(drill.id)")
        }
    }
}
