import ArgumentParser
import DrillbookKit

/// `drillbook backup --out DIR`.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the schedule and incidents databases consistently (while others write), with their audit heads."
    )

    @OptionGroup var options: PlanOptions
    @Option(
        help: "The incidents database (default: drillbook-incidents.sqlite beside the plan, or DRILLBOOK_INCIDENTS_DB)."
    )
    var incidentsDb: String?
    @Option(help: "A new folder for the copies (made 0700); existing files are never overwritten.")
    var out: String

    func run() throws {
        let incidents = Incidents.databasePath(planFile: options.plan, explicit: incidentsDb)
        let lines = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.refuseCopy(options.databasePath, "backup")
            try IncidentDatabase.refuseCopy(incidents, "backup")
            return try Backups.backup(schedule: options.databasePath, incidents: incidents, to: out)
        }
        for line in lines { print(line) }
    }
}

/// `drillbook restore --from DIR`.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup back; both audit chains of the copy are verified first, or nothing is replaced.")

    @OptionGroup var options: PlanOptions
    @Option(help: "The incidents database to replace (default: beside the plan, or DRILLBOOK_INCIDENTS_DB).")
    var incidentsDb: String?
    @Option(help: "A folder written by `drillbook backup`.")
    var from: String

    func run() throws {
        let incidents = Incidents.databasePath(planFile: options.plan, explicit: incidentsDb)
        let lines = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.refuseCopy(options.databasePath, "restore")
            try IncidentDatabase.refuseCopy(incidents, "restore")
            return try Backups.restore(from: from, schedule: options.databasePath, incidents: incidents)
        }
        for line in lines { print(line) }
    }
}
