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

    /// Fire drills (four) and tornado drills (two) count during school hours, not at dismissal;
    /// both are placed unannounced.
    @Test(arguments: [("fire", 4), ("tornado", 2)])
    func drillsAtDismissalDoNotCount(type: String, count: Int) throws {
        let kansas = try StateRuleTests.Alone("KS")
        let year = kansas.test.year
        let days = year.days.filter { year.isInstructionalDay($0) }
        let dismissal = kansas.test.school.bellSchedule.dismissal.start.adding(minutes: 5)
        func log(at time: ClockTime) -> [Completion] {
            (0..<count).map {
                var drill = kansas.fireDrill(
                    $0 + 1, on: days[$0 * 30 + 5], hour: time.minutes / 60, minute: time.minutes % 60)
                drill.kind = .drill(type)
                return drill
            }
        }
        #expect(kansas.findings(log(at: ClockTime(hour: 10, minute: 15)), rule: "ks-\(type)").isEmpty)
        let late = kansas.findings(log(at: dismissal), rule: "ks-\(type)")
        #expect(
            late.map(\.message).first?.hasPrefix("0 of \(count) \(type) drills during class time") == true,
            "\(late.map(\.message))")
        let activity = try #require(kansas.test.loaded.plan.activities.first { $0.kind == .drill(type) })
        #expect(!activity.announced)
        #expect(
            kansas.test.items.contains { $0.kind == .drill(type) }
                && !kansas.test.items.contains {
                    $0.kind == .drill(type) && $0.announced
                })
    }
}
