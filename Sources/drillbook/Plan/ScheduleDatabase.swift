import DrillbookKit
import Foundation
import PostgresStore
import Store

/// Where the schedule lives: a SQLite file (the default, `drillbook.sqlite` beside the plan) or,
/// given a server URL (`postgres://user@host:port/database`, by `--db` or DRILLBOOK_DB), a
/// PostgreSQL database. Every command that reads or writes the schedule opens it here.
enum ScheduleDatabase {
    /// The store at `location`, made or brought up to date.
    static func open(_ location: String) throws(DrillbookError) -> any ScheduleStore {
        guard IncidentDatabase.isServer(location) else { return try Planner.openStore(location) }
        do { return try PostgresScheduleStore(url: location) } catch { throw .store(error.description) }
    }

    /// Whether there is a database to read at `location` (a server always answers for itself).
    static func exists(_ location: String) -> Bool {
        IncidentDatabase.isServer(location) || FileManager.default.fileExists(atPath: location)
    }

    /// `backup` and `restore` copy files; a server's database is PostgreSQL's to copy.
    static func refuseCopy(_ location: String, _ command: String) throws(DrillbookError) {
        guard IncidentDatabase.isServer(location) else { return }
        throw .usage(
            "the schedule database is in PostgreSQL: `drillbook \(command)` copies SQLite files; "
                + "use pg_dump and pg_restore for it (README, \"State-wide deployment\"), "
                + "and --db FILE to \(command) a file")
    }
}
