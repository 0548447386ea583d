import ArgumentParser
import DrillbookKit
import Foundation
import Planning

/// `drillbook validate`: lint the plan, its calendars and rule files, and try the schedule.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the plan, its calendars, templates and rule sets; place the year without storing it.")

    @OptionGroup var options: PlanOptions

    func run() throws {
        let loaded = try options.load()
        let items: [ScheduledItem]
        do { items = try Planner.schedule(loaded) } catch { throw Failure(error.description) }
        let plan = loaded.plan
        let year = loaded.years.values.first!
        printText("\(plan.file): \(plan.district.name), \(plan.year) (\(year.first) to \(year.last))")
        printText(
            "  \(plan.schools.count) schools, \(plan.activities.count) activities (\(plan.activities.filter(\.kind.isDrill).count) drills from \(plan.ruleSets.joined(separator: ", ")) and the plan)"
        )
        printText("  \(items.count) items would be placed; the plan is valid")
        // A state whose rules Drillbook ships but the plan does not select is most likely an
        // oversight (compliance.rules defaults to the baseline alone): said, not refused, since a
        // district may keep its state's rules in a local file of another name.
        let templates = try options.resources().templates
        let states = Set([plan.district.state] + plan.schools.map(\.school.state))
        for state in states.sorted() where !plan.ruleSets.contains(state) {
            guard FileManager.default.fileExists(atPath: "\(templates)/compliance/\(state).yaml") else { continue }
            printError(
                "warning: \(plan.file): the plan's schools are in \(state), but compliance.rules does not select "
                    + "\(state)'s drill rules (it selects \(plan.ruleSets.joined(separator: ", "))); add \(state) to check them"
            )
        }
    }
}

/// `drillbook schedule`: place every activity, store, and show what changed.
struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Place every activity of the year, store it, and show what was added, moved and cancelled.",
        discussion: """
            Items already done, in the past or announced to families do not move. Run it again after \
            changing the plan or the calendar; with no change it changes nothing.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Flag(help: "List every added item, not just the count per school.")
    var verbose = false

    @Option(name: .customLong("as"), help: "Who is scheduling, for the audit log (default: the login name).")
    var actor: String?

    func run() throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        let result = try wrap { () throws(DrillbookError) in
            try Planner.run(loaded, store: store, asOf: asOf.day, actor: actor)
        }
        printText(ScheduleReport.render(result, verbose: verbose))
    }
}

/// Runs a DrillbookKit call, turning its error into a `Failure` for the user.
func wrap<T>(_ body: () throws(DrillbookError) -> T) throws -> T {
    do { return try body() } catch { throw Failure(error.description) }
}

/// What `schedule` prints.
enum ScheduleReport {
    static func render(_ result: ReplanResult, verbose: Bool) -> String {
        var lines: [String] = []
        if result.isEmpty { lines.append("no change (\(result.unchanged) items unchanged)") }
        // Positions by school, the items read where they lie: grouping the items themselves copied
        // every one of a state's first schedule on one core.
        let added = result.added.withUnsafeBufferPointer { items in
            var bySchool: [String: [Int]] = [:]
            for position in items.indices { bySchool[items[position].item.schoolID, default: []].append(position) }
            return bySchool
        }
        for school in added.keys.sorted() {
            lines.append("added \(added[school]!.count) items at \(school)")
            if verbose { lines += added[school]!.map { "  + \(line(result.added[$0].item))" } }
        }
        // An item whose day and time stay but whose words or details changed is updated, not moved.
        var updated = 0
        for (from, to) in result.moved {
            let reason = (result.reasons[to.item.uid].map { " (\($0))" } ?? "") + ", sequence \(to.sequence)"
            if when(from.item) == when(to.item) {
                updated += 1
                lines.append("updated \(to.item.id): \(when(to.item))" + reason)
            } else {
                lines.append("moved \(to.item.id): \(when(from.item)) -> \(when(to.item))" + reason)
            }
        }
        for item in result.cancelled {
            lines.append(
                "cancelled \(item.item.id): \(when(item.item)) \(item.item.title)"
                    + (result.reasons[item.item.uid].map { " (\($0))" } ?? ""))
        }
        let announced = Set(result.added.lazy.filter(\.item.adminOnly).compactMap(\.item.relatedTo))
        for added in result.added where added.item.relatedTo == nil && added.item.id.hasSuffix("-makeup") {
            lines.append(
                "make-up \(added.item.id): \(when(added.item)), announced anew"
                    + (announced.contains(added.item.id) ? " (its notices added)" : ""))
        }
        for skipped in result.skipped { lines.append("not placed again: \(skipped)") }
        if !result.kept.isEmpty { lines.append("kept \(result.kept.count) items that are done, past or announced") }
        if !result.isEmpty {
            lines.append(
                "\(result.added.count) added, \(result.moved.count - updated) moved, "
                    + (updated > 0 ? "\(updated) updated, " : "")
                    + "\(result.cancelled.count) cancelled, \(result.unchanged) unchanged"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func when(_ item: ScheduledItem) -> String { "\(item.date)" + (item.start.map { " \($0)" } ?? "") }
    static func line(_ item: ScheduledItem) -> String { "\(item.id)  \(when(item))  \(item.title)" }
}
