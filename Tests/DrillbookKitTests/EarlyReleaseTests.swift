import Dates
import DrillbookKit
import Foundation
import Planning
import Testing

/// Early-release days (students dismissed at 12:30 on the example calendar's two "Early Release
/// Day"s): school days, but no drill is placed on one, a re-plan moves a drill published there
/// before the calendar said so, and no drill is made up on one.
@Suite struct EarlyReleaseTests {
    static let earlyDays = [day("2027-10-29"), day("2027-12-17")]

    @Test func theExampleCalendarsEarlyReleaseDaysAreRead() throws {
        let loaded = try Planner.load(planFile: "\(try exampleFolder())/drillbook.yaml", resources: resources)
        for year in loaded.years.values {
            #expect(year.days.filter(year.isEarlyRelease) == Self.earlyDays)
            #expect(Self.earlyDays.allSatisfy(year.isSchoolDay))
        }
    }

    /// A plan's own `early_release` matchers replace the default ones.
    @Test func aPlanNamesItsOwnEarlyReleaseEvents() throws {
        let plan = try planFile(
            examplePlan(
                replacing: "  testing: [\"CATEGORIES:TESTING\"]\n",
                with: "  testing: [\"CATEGORIES:TESTING\"]\n  early_release: [\"SUMMARY:/^Spring Semester$/\"]\n"))
        let loaded = try Planner.load(planFile: plan, resources: resources)
        let year = try #require(loaded.years["lincoln-hs"])
        let early = year.days.filter(year.isEarlyRelease)
        #expect(early.count > 100 && early.allSatisfy { $0 >= day("2028-01-01") }, "\(early.prefix(3))")
        #expect(!Self.earlyDays.contains { year.isEarlyRelease($0) }, "the default matchers still read")
    }

    @Test func noDrillIsPlacedOrMadeUpOnAnEarlyReleaseDay() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let items = try Planner.published(loaded, store: store)
        let drills = items.filter { $0.item.kind.isDrill && $0.item.relatedTo == nil }
        #expect(drills.count > 30)
        #expect(!drills.contains { Self.earlyDays.contains($0.item.date) }, "a drill on an early-release day")
        // Nothing done by mid-December: the late drills' make-up days skip December 17th.
        let report = Overdue.evaluate(
            items, completions: [], asOf: day("2027-12-16"), ladder: loaded.plan.ladder, years: loaded.years)
        let madeUp = report.filter { $0.item.kind.isDrill }.compactMap(\.makeUp)
        #expect(!madeUp.isEmpty)
        #expect(!madeUp.contains(day("2027-12-17")))
    }

    /// A district scheduled by a release that did not read early-release days (or whose calendar
    /// named them later): its next re-plan moves each future drill off them, saying why, and
    /// leaves every other item where it was.
    @Test func aReplanMovesDrillsOffEarlyReleaseDays() throws {
        let folder = try exampleFolder()
        var loaded = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        let read = loaded.years
        for school in loaded.years.keys { loaded.years[school]!.earlyRelease = [] }
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        let before = try Planner.published(loaded, store: store)
        let stranded = before.filter {
            $0.item.kind.isDrill && $0.item.relatedTo == nil && Self.earlyDays.contains($0.item.date)
        }
        #expect(!stranded.isEmpty, "the example places a drill on an early-release day when it is not read")
        loaded.years = read
        let result = try Planner.run(loaded, store: store, asOf: day("2027-09-15"))
        let moved = result.moved.filter { $0.to.item.relatedTo == nil }
        #expect(Set(moved.map(\.to.item.uid)) == Set(stranded.map(\.item.uid)))
        for (_, to) in moved {
            #expect(result.reasons[to.item.uid] == "now an early-release day")
            #expect(!Self.earlyDays.contains(to.item.date) && to.item.date > day("2027-09-15"))
        }
    }
}
