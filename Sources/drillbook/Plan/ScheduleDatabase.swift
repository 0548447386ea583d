import DrillbookKit
import Foundation
import PostgresStore
import Store

/// Where the schedule lives: a SQLite file (the default, `drillbook.sqlite` beside the plan) or,
/// given a server URL (`postgres://user@host:port/database`, by `--db` or DRILLBOOK_DB), a
/// PostgreSQL database. Every command that reads or writes the schedule opens it here.
///
/// A PostgreSQL database may hold many districts (`drillbook district add`): then the plan's
/// `district.id` picks the district's own tables, and a district not registered there is refused.
enum ScheduleDatabase {
    /// The store at `location` for the district of the plan at `plan`, made or brought up to date
    /// (`serving`: for `drillbook serve`).
    static func open(_ location: String, plan: String, serving: Bool = false) throws(DrillbookError)
        -> any ScheduleStore
    {
        guard IncidentDatabase.isServer(location) else { return try Planner.openStore(location, serving: serving) }
        let scope = try district(location, plan: plan)
        do { return try PostgresScheduleStore(url: location, district: scope) } catch {
            throw .store(error.description)
        }
    }

    /// Where the plan's district is in the database at `location`: nil for a file, or a database
    /// of one district.
    static func district(_ location: String, plan: String) throws(DrillbookError) -> PostgresDistricts.Scope? {
        guard IncidentDatabase.isServer(location) else { return nil }
        let id: String
        do { id = try PlanReader.districtID(file: plan) } catch { throw .plan(error) }
        do { return try PostgresDistricts.scope(url: location, district: id) } catch {
            throw .store(error.description)
        }
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
