import Dates
import DrillbookKit
import Foundation
import ICalendar
import Planning
import Testing

/// `init` writes plans that validate and schedule, for any year, and never overwrites one.
@Suite struct InitTests {
    @Test(arguments: ["2026-2027", "2027-2028", "2030-2031"])
    func theStarterPlanSchedules(year: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-init-\(UUID().uuidString)"
        ).path
        let files = try Initializer.write(
            to: folder, example: false, state: "OH", year: year, resources: resources, today: day("2026-11-23"))
        let calendar = try String(contentsOfFile: files[1], encoding: .utf8)
        #expect(CalendarReader.inspect(Array(calendar.utf8), file: files[1]).problems.isEmpty)
        let loaded = try Planner.load(planFile: files[0], resources: resources)
        #expect(loaded.plan.district.state == "OH")
        let items = try Planner.schedule(loaded)
        #expect(items.filter(\.kind.isDrill).count >= 12)
        let first = loaded.years["main-school"]!.first
        #expect(first.month == 8 && first.weekday == .monday)
    }

    @Test func theDefaultYearIsTheNextOneToStart() {
        #expect(Initializer.defaultYear(after: day("2026-11-23")) == "2027-2028")
        #expect(Initializer.defaultYear(after: day("2027-03-01")) == "2027-2028")
        #expect(Initializer.defaultYear(after: day("2027-07-01")) == "2028-2029")
    }

    /// `--state` with `--example` was passed over: a Michigan district got Texas's rules.
    @Test(arguments: [
        ("MI", "America/Detroit"), ("OH", "America/New_York"), ("CA", "America/Los_Angeles"), ("TX", "America/Chicago"),
    ])
    func theExampleMovesToTheStateAsked(state: String, zone: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-init-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = try Initializer.write(
            to: folder, example: true, state: state, year: "2027-2028", resources: resources,
            today: day("2026-11-23"))
        let loaded = try Planner.load(planFile: files[0], resources: resources)
        #expect(loaded.plan.district.state == state)
        #expect(loaded.plan.district.timeZone == zone)
        #expect(loaded.plan.rules.map(\.jurisdiction) == ["baseline", state])
        #expect(loaded.plan.schools.count == 3)
        #expect(try Planner.schedule(loaded).filter(\.kind.isDrill).count >= 12)
    }

    @Test func initRefusesToOverwriteAPlan() throws {
        let folder = try exampleFolder()
        #expect(throws: DrillbookError.self) {
            try Initializer.write(
                to: folder, example: false, state: "TX", year: "2027-2028", resources: resources,
                today: day("2026-11-23"))
        }
    }
}
