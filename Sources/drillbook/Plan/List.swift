import ArgumentParser
import Dates
import DrillbookKit
import Foundation
import Planning

/// `drillbook list`: the stored schedule, filtered.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the scheduled items with their short ids.")

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "Only this school (its id).")
    var school: String?

    @Option(help: "From this day (2027-09-01).")
    var from: String?

    @Option(help: "Up to and including this day.")
    var to: String?

    @Option(help: "Only this kind: drill, drill/fire, team-meeting, ...")
    var kind: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Include cancelled items.")
    var all = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, CalendarDate(value) == nil {
                throw ValidationError("\(name) \"\(value)\" is not a date (2027-09-01)")
            }
        }
        // An empty range is a typo (the two swapped), not a question whose answer is "nothing".
        if let first = from.flatMap(CalendarDate.init), let last = to.flatMap(CalendarDate.init), last < first {
            throw ValidationError("--to \(last) is before --from \(first)")
        }
    }

    func run() throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        var items = try wrap { () throws(DrillbookError) in try Planner.published(loaded, store: store) }
        if let school, !loaded.plan.schools.contains(where: { $0.school.id == school }) {
            throw Failure(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let stored = !items.isEmpty
        // A kind no item has is a typo, not an empty answer (`--kind nope` said "no items").
        if let kind, stored,
            !items.contains(where: {
                $0.item.kind.description == kind || $0.item.kind.description.hasPrefix(kind + "/")
            })
        {
            let kinds = Set(items.map { $0.item.kind.description.split(separator: "/").first.map(String.init) ?? "" })
            throw Failure(
                "kind \"\(kind)\" matches no scheduled item (kinds: \(kinds.sorted().joined(separator: ", ")), "
                    + "or one of them with its type, such as drill/fire)")
        }
        items = items.filter { tracked in
            let item = tracked.item
            return (all || tracked.status == .scheduled) && (school.map { item.schoolID == $0 } ?? true)
                && (from.flatMap { CalendarDate($0) }.map { item.date >= $0 } ?? true)
                && (to.flatMap { CalendarDate($0) }.map { item.date <= $0 } ?? true)
                && (kind.map { item.kind.description == $0 || item.kind.description.hasPrefix($0 + "/") } ?? true)
        }
        let completions = try wrap { () throws(DrillbookError) in try Tracker.completions(loaded, store: store) }
        let statuses = ItemJSON.statuses(items, loaded: loaded, completions: completions, asOf: asOf.day)
        if json {
            print(try ItemListJSON.render(items, statuses: statuses))
            return
        }
        if items.isEmpty { printText(stored ? "no items match" : "no items (run `drillbook schedule` first?)") }
        let width = items.map(\.item.id.count).max() ?? 0
        for (tracked, status) in zip(items, statuses) {
            let item = tracked.item
            let time = item.start.map { "\($0)" } ?? "all day"
            let status = status == .scheduled ? "" : "  [\(status)]"
            printText(
                "\(item.id.padded(to: width)) \(item.date) \(time.padded(to: 7)) \(item.title)\(status)"
            )
        }
    }
}

/// `list --json`: one object per item (the shape the API's `/api/v1/items` gives too).
enum ItemListJSON {
    static func render(_ items: [TrackedItem], statuses: [ItemStatus]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let rows = zip(items, statuses).map { ItemJSON.Row($0, status: $1) }
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}
