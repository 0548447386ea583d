import ArgumentParser
import DrillbookKit
import Foundation
import Store

/// `drillbook check [--school ID] [--as-of D] [--format text|json|csv|html]`.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the plan (before the year), the log and the rest of the plan (during), or the log (after) against the rule sets.",
        discussion:
            "Exit 0 when compliant, 3 with findings. csv prints the state drill log with the fields the rules require (--public: without names, problems and notes); import-log reads it back."
    )

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "Only this school.") var school: String?
    @Option(help: "An earlier school year the plan kept (after `drillbook rollover`), like 2027-2028.")
    var year: String?
    @Option(help: "text, json, csv or html.") var format = "text"
    @Flag(help: "With --format csv: leave out names, problems and notes (for a website posting).")
    var `public` = false

    func validate() throws {
        guard ["text", "json", "csv", "html"].contains(format) else {
            throw ValidationError("--format must be text, json, csv or html")
        }
    }

    func run() throws {
        // The chain is verified (for the head the report prints) while the plan is read: neither
        // needs the other, and a state's plan is a second on one core. Only a database that is
        // there is opened first, so a plan error still leaves no database behind, and still comes
        // before the database's own error.
        let path = options.databasePath
        let open = { () throws(DrillbookError) -> any ScheduleStore in
            try ScheduleDatabase.open(path, plan: options.plan)
        }
        let early = ScheduleDatabase.exists(path) ? Result(catching: open) : nil
        // Only the JSON and HTML reports print the head; text and the drill log verify nothing
        // they do not show (`audit verify` is the command for that).
        let printsHead = format == "json" || format == "html"
        let pending = printsHead ? (try? early?.get()).map(AuditCheck.PendingHead.init) : nil
        // Not left running on an error: the process would end under its reads.
        defer { _ = pending?.value }
        let loaded = try options.load(year: year)
        let store = try wrap { () throws(DrillbookError) in try (early ?? Result(catching: open)).get() }
        let report = try wrap { () throws(DrillbookError) in
            try ComplianceReport.make(
                loaded, store: store, asOf: asOf.day, school: school, auditHead: pending, verifyingAudit: printsHead)
        }
        switch format {
        case "json": print(try report.json())
        case "csv": print(report.csv(public: `public`), terminator: "")
        case "html": print(report.html, terminator: "")
        default: printText(report.text)
        }
        if !report.findings.isEmpty { throw ExitStatus.findings }
    }
}
