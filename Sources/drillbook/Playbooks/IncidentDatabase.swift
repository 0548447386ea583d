import ArgumentParser
import DrillbookKit
import Foundation
import PostgresStore
import Store

/// Where the incidents live: a SQLite file (the default, beside the plan) or, given a server URL
/// (`postgres://user@host:port/database`, by `--incidents-db` or DRILLBOOK_INCIDENTS_DB), a
/// PostgreSQL database. Every incident command, `audit` and `serve` open it here.
enum IncidentDatabase {
    /// `--incidents-db`'s help, the same for every command that takes it.
    static let help: ArgumentHelp =
        "The incidents database: a file, or postgres://user@host:port/database (default: drillbook-incidents.sqlite beside the plan, or DRILLBOOK_INCIDENTS_DB)."

    /// Whether `location` names a PostgreSQL server rather than a file.
    static func isServer(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// The store at `location`, made or brought up to date. In PostgreSQL, a district registered
    /// in its schedule database (`schedule`) keeps its incidents in a schema of its own here too.
    static func open(_ location: String, plan: String, schedule: String) throws(DrillbookError) -> any IncidentStore {
        guard isServer(location) else { return try Incidents.openStore(location) }
        let scope = try ScheduleDatabase.district(schedule, plan: plan)
        do {
            return try PostgresIncidentStore(
                url: location,
                district: try scope.map { (scope) throws(StoreError) in
                    try PostgresDistricts.incidentScope(url: location, scope)
                })
        } catch { throw .store(error.description) }
    }

    /// Whether there is a database to read at `location` (a server always answers for itself).
    static func exists(_ location: String) -> Bool {
        isServer(location) || FileManager.default.fileExists(atPath: location)
    }

    /// `backup` and `restore` copy files; a server's database is PostgreSQL's to copy.
    static func refuseCopy(_ location: String, _ command: String) throws(DrillbookError) {
        guard isServer(location) else { return }
        throw .usage(
            "the incidents database is in PostgreSQL: `drillbook \(command)` copies SQLite files; "
                + "use pg_dump and pg_restore for it (README, \"State-wide deployment\"), "
                + "and --incidents-db FILE to \(command) a file")
    }
}
