import ArgumentParser
import DrillbookKit
import Planning

/// `drillbook history ITEM`: an item and every record of it, corrections included.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show an item and every completion recorded for it.")

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Argument(help: "The item's id.")
    var item: String

    func run() throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        let items = try wrap { () throws(DrillbookError) in try Planner.published(loaded, store: store) }
        let tracked = try wrap { () throws(DrillbookError) in try Tracker.item(item, in: items) }
        let completions = try wrap { () throws(DrillbookError) in try Tracker.completions(loaded, store: store) }
            .filter { $0.itemUID == tracked.item.uid }
        let status = tracked.status(
            on: asOf.day, completions: Completion.current(completions), ladder: loaded.plan.ladder,
            yearEnd: loaded.years[tracked.item.schoolID]?.last)
        let scheduled = tracked.item
        printText(
            "\(scheduled.id): \(scheduled.title), \(scheduled.date)" + (scheduled.start.map { " \($0)" } ?? "")
                + " (\(status))")
        printText("  uid \(scheduled.uid), sequence \(tracked.sequence)")
        if completions.isEmpty { printText("  no completion recorded") }
        let superseded = Set(completions.compactMap(\.corrects))
        for completion in completions {
            let mark = superseded.contains(completion.id) ? " [corrected]" : ""
            printText(
                "  #\(completion.id) \(completion.startedAt)" + (completion.endedAt.map { " to \($0)" } ?? "")
                    + ", recorded by \(completion.recordedBy) on \(completion.recordedOn) (\(completion.source.rawValue))"
                    + (completion.corrects.map { ", corrects #\($0)" } ?? "") + mark)
            for field in EvidenceField.allCases {
                if let value = completion.evidence[field] { printText("      \(field.rawValue): \(value)") }
            }
        }
    }
}
