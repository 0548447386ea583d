import ArgumentParser
import DrillbookKit
import Planning

/// `drillbook import-log FILE.csv|FILE.xlsx [--sheet NAME] [--mapping FILE]`.
struct ImportLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-log",
        abstract:
            "Import a spreadsheet drill log (CSV as Excel or Google Sheets save it, or an .xlsx workbook): every row or none; bad rows are named by line; rows already recorded are skipped.",
        discussion: """
            Columns by header: school, kind, started_at, and optionally ended_at, item and evidence fields \
            (head_count, conducted_by, ...). A --mapping YAML renames other headers and drill names: \
            columns: {"Drill Date": started_at}, kinds: {"Fire Drill": fire}.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Argument(help: "The CSV file or .xlsx workbook.")
    var file: String

    @Option(help: "The worksheet of an .xlsx workbook to read (default: the first).")
    var sheet: String?

    @Option(help: "A YAML file mapping the spreadsheet's headers and drill names.")
    var mapping: String?

    @Option(name: .customLong("as"), help: "Who is importing (default: the login name).")
    var actor: String?

    func run() throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        let names = try mapping.map { path in
            try wrap { () throws(DrillbookError) in try LogImporter.readMapping(path) }
        }
        let outcome = try wrap { () throws(DrillbookError) in
            try LogImporter.run(
                file: file, sheet: sheet, mapping: names ?? LogImporter.Mapping(), loaded: loaded, store: store,
                actor: actor,
                asOf: asOf.day)
        }
        if outcome.readAsWindows1252 {
            printError("note: \(file) is not UTF-8; read as Windows-1252, as Excel saves \"CSV (Comma delimited)\"")
        }
        let warnings = Tracker.recordWarnings(outcome.imported, loaded: loaded)
        for warning in warnings.prefix(20) { printError("warning: \(warning)") }
        if warnings.count > 20 { printError("warning: and \(warnings.count - 20) more like these") }
        let matched = outcome.imported.filter { $0.itemUID != nil }.count
        printText(
            "imported \(outcome.imported.count) rows from \(file) (\(matched) counted for scheduled items)"
                + (outcome.alreadyRecorded > 0 ? "; \(outcome.alreadyRecorded) already recorded, skipped" : ""))
    }
}
