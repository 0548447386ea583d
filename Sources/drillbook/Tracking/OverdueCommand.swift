import ArgumentParser
import Dates
import DrillbookKit
import Foundation
import Planning
import Store

/// `drillbook overdue [--as-of D] [--json] [--notify]`.
struct OverdueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overdue",
        abstract: "List what is due soon and what is overdue, with make-up dates; with --notify, send each alert once.",
        discussion: """
            Exit 0 when nothing is overdue (due-soon items alone are 0), 3 when something is, 1 when an alert \
            could not be sent (it is tried again on the next run).
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Send the alerts (mail and webhook, as the plan's alerts section says).")
    var notify = false

    @Option(name: .customLong("as"), help: "Who is sending (default: the login name).")
    var actor: String?

    func validate() throws {
        if notify, let problem = ScheduleRecords.leaseProblem() { throw ValidationError(problem) }
    }

    func run() throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        var report = try wrap { () throws(DrillbookError) in try Notifier.evaluate(loaded, store: store, asOf: asOf.day)
        }
        if notify {
            let resources = try options.resources()
            report = try wrap { () throws(DrillbookError) in
                try Notifier.notify(
                    report, loaded: loaded, store: store, resources: resources, asOf: asOf.day, actor: actor)
            }
        }
        let schools = Dictionary(uniqueKeysWithValues: loaded.plan.schools.map { ($0.school.id, $0.school) })
        if json {
            print(try OverdueJSON.render(report.findings))
        } else {
            if report.findings.isEmpty { printText("nothing due or overdue on \(asOf.day)") }
            for finding in report.findings {
                printText(
                    "\(finding.kind.rawValue.padded(to: 13)) \(schools[finding.item.schoolID].map { Notifier.summary(finding, school: $0) } ?? finding.item.id)"
                )
            }
            let ended = try wrap { () throws(DrillbookError) in
                try Notifier.yearsEnded(loaded, store: store, asOf: asOf.day)
            }
            for (last, ids, missed) in ended {
                let which = ids.count == loaded.plan.schools.count ? "every school" : ids.joined(separator: ", ")
                printText(
                    "year-ended    The school year ended on \(last) at \(which): \(missed) item\(missed == 1 ? "" : "s") never done "
                        + "\(missed == 1 ? "is" : "are") missed, not overdue (drillbook list --as-of \(asOf.day) marks them, check judges the year)"
                )
            }
        }
        // Late steps of open incidents: to their role holders only, with no facts.
        var lateIncidentSteps = false
        let incidentsPath = Incidents.databasePath(planFile: options.plan, explicit: nil)
        if IncidentDatabase.exists(incidentsPath) {
            let resources = try options.resources()
            let folder = (options.plan as NSString).deletingLastPathComponent
            let library = try wrap { () throws(DrillbookError) in
                try PlaybookLibrary.load(resources: resources, planFolder: folder.isEmpty ? "." : folder)
            }
            let incidents = Incidents(
                loaded: loaded, library: library,
                store: try wrap { () throws(DrillbookError) in
                    try IncidentDatabase.open(incidentsPath, plan: options.plan, schedule: options.databasePath)
                },
                now: try IncidentCommand.Options.now(
                    zone: TimeZone(identifier: loaded.plan.district.timeZone) ?? .current),
                actor: Actor.name(actor))
            let late = try wrap { () throws(DrillbookError) in try incidents.lateSteps() }
            lateIncidentSteps = late.contains { !$0.exercise }
            for step in late where !json {
                printText(
                    "incident-step incident \(step.incident)\(step.exercise ? " [EXERCISE]" : ""): \(step.step) (\(step.title)) late since \(step.due), for \(step.role)"
                )
            }
            if notify {
                let result = try wrap { () throws(DrillbookError) in
                    try incidents.notifyLate(
                        late, scheduleStore: store, resources: resources, asOf: asOf.day.description)
                }
                report.sent += result.sent
                report.failures += result.failures
            }
        }
        for line in report.sent { printError("sent \(line)") }
        if report.alreadySent > 0 { printError("\(report.alreadySent) alerts were sent before and not again") }
        if report.deferred > 0 {
            printError(
                "\(report.deferred) alerts held back: their recipient heard about the item within the ladder's min_interval"
            )
        }
        for warning in report.warnings { printError("warning: \(warning)") }
        for failure in report.failures { printError("failed: \(failure)") }
        if !report.failures.isEmpty { throw ExitStatus.error }
        if report.hasOverdue || lateIncidentSteps { throw ExitStatus.findings }
    }
}

/// `overdue --json`.
enum OverdueJSON {
    struct Row: Encodable {
        var id: String
        var school: String
        var title: String
        var date: String
        var kind: String
        var status: String
        var daysOverdue: Int
        var step: String
        var owner: String
        var makeUp: String?
    }

    static func render(_ findings: [AlertFinding]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let rows = findings.map {
            Row(
                id: $0.item.id, school: $0.item.schoolID, title: $0.item.title, date: $0.item.date.description,
                kind: $0.kind.rawValue, status: $0.status.name, daysOverdue: $0.daysOverdue, step: $0.step,
                owner: $0.item.owner,
                makeUp: $0.makeUp?.description)
        }
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}
