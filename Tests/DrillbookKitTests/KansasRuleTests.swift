import Dates
import DrillbookKit
import Planning
import Testing

/// Kansas (K.A.R. 22-18-2, K.S.A. 31-133), checked alone.
@Suite struct KansasRuleTests {
    /// Three crisis drills a year of whatever crisis the district practises: a lockdown, a shelter
    /// from a chemical leak, an evacuation for a gas leak. Until 2026-12-05 only lockdowns counted.
    /// Fire and tornado drills are drills of their own and do not count.
    @Test func anyCrisisDrillCountsTowardTheThree() throws {
        let kansas = try StateRuleTests.Alone("KS")
        let year = kansas.test.year
        let days = year.days.filter { year.isInstructionalDay($0) }
        func drills(_ types: [String]) -> [Completion] {
            types.enumerated().map { index, type in
                var drill = kansas.fireDrill(index + 1, on: days[index * 40 + 10])
                drill.kind = .drill(type)
                return drill
            }
        }
        #expect(kansas.findings(drills(["lockdown", "shelter-in-place", "evacuation"]), rule: "ks-crisis").isEmpty)
        #expect(kansas.findings(drills(["lockout", "active-threat", "bomb-threat"]), rule: "ks-crisis").isEmpty)
        let short = kansas.findings(drills(["lockdown", "fire", "tornado"]), rule: "ks-crisis")
        #expect(short.map(\.message).first?.hasPrefix("1 of 3") == true, "\(short.map(\.message))")
    }

    /// Tornado drills: two, unannounced, during school hours and not at dismissal.
    @Test func tornadoDrillsAreUnannouncedAndNotAtDismissal() throws {
        let kansas = try StateRuleTests.Alone("KS")
        let year = kansas.test.year
        let days = year.days.filter { year.isInstructionalDay($0) }
        let dismissal = kansas.test.school.bellSchedule.dismissal.start.adding(minutes: 5)
        func log(at time: ClockTime) -> [Completion] {
            [20, 120].enumerated().map { index, day in
                var drill = kansas.fireDrill(
                    index + 1, on: days[day], hour: time.minutes / 60, minute: time.minutes % 60)
                drill.kind = .drill("tornado")
                return drill
            }
        }
        #expect(kansas.findings(log(at: ClockTime(hour: 10, minute: 15)), rule: "ks-tornado").isEmpty)
        let late = kansas.findings(log(at: dismissal), rule: "ks-tornado")
        #expect(late.map(\.message).first?.hasPrefix("0 of 2 tornado drills") == true, "\(late.map(\.message))")
        let tornado = try #require(kansas.test.loaded.plan.activities.first { $0.kind == .drill("tornado") })
        #expect(!tornado.announced)
        #expect(kansas.test.items.contains { $0.kind == .drill("tornado") && !$0.announced })
    }
}
