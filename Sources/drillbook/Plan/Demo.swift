import ArgumentParser
import Dates
import DrillbookKit
import Foundation
import Planning

/// `drillbook demo`: the example district end to end in a temporary folder.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the example district end to end in a temporary folder: init, schedule, export, summary.")

    @Option(help: "Work here instead of a new temporary folder.")
    var dir: String?

    @Option(help: "Drillbook's Templates folder.")
    var templates: String?

    @Option(name: .customLong("as-of"), help: "Take this day as today (default 2027-08-01, before the example year).")
    var asOf = "2027-08-01"

    func run() throws {
        guard let today = CalendarDate(asOf) else { throw ValidationError("--as-of \"\(asOf)\" is not a date") }
        let folder =
            dir
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "drillbook-demo-\(UUID().uuidString.prefix(8))"
            ).path
        let resources: Resources
        do { resources = try Resources.locate(explicit: templates) } catch { throw Failure(error.description) }
        let files = try wrap { () throws(DrillbookError) in
            try Initializer.write(
                to: folder, example: true, state: "TX", year: "2027-2028", resources: resources, today: today)
        }
        print("1. init --example: \(files.joined(separator: ", "))")
        let loaded = try wrap { () throws(DrillbookError) in try Planner.load(planFile: files[0], resources: resources)
        }
        let store = try wrap { () throws(DrillbookError) in try Planner.openStore("\(folder)/drillbook.sqlite") }
        let first = try wrap { () throws(DrillbookError) in try Planner.run(loaded, store: store, asOf: today) }
        print("2. schedule --as-of \(today): \(first.added.count) items added")
        let again = try wrap { () throws(DrillbookError) in try Planner.run(loaded, store: store, asOf: today) }
        print(
            "   schedule again: "
                + (again.isEmpty
                    ? "no change" : "\(again.added.count + again.moved.count + again.cancelled.count) changes"))
        let items = try wrap { () throws(DrillbookError) in try Planner.published(loaded, store: store) }
        let paths = try wrap { () throws(DrillbookError) in
            try Exporter(loaded: loaded, asOf: today).export(items, to: "\(folder)/out")
        }
        print("3. export --out \(folder)/out: \(paths.count) calendars")
        print()
        for planned in loaded.plan.schools {
            let mine = items.filter { $0.item.schoolID == planned.school.id }
            let drills = mine.filter { $0.item.kind.isDrill }
            print("\(planned.school.name) (\(planned.school.id)): \(mine.count) items, \(drills.count) drills")
            for tracked in drills.prefix(3) {
                let item = tracked.item
                print(
                    "   \(item.id)  \(item.date) \(item.start.map { "\($0)" } ?? "")  \(item.title)\(item.announced ? "" : " (unannounced)")"
                )
            }
            print("   calendars: \(folder)/out/\(planned.school.id)-{admin,staff,families}.ics")
        }
        print()
        print(
            "Import a staff file into Outlook, Google Calendar or Apple Calendar, or publish \(folder)/out on a web server to subscribe."
        )
        print("Try: drillbook list --plan \(files[0]) --school lincoln-hs --kind drill")
    }
}
