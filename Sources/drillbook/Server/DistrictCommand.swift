import ArgumentParser
import DrillbookKit
import Foundation
import Planning
import PostgresStore

/// `drillbook district add --plan FILE --db postgres://…` and `district list`: many districts in one
/// PostgreSQL database, each in a schema of its own, served together by one `drillbook serve`.
struct DistrictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district", abstract: "Register districts in one PostgreSQL database, served together.",
        discussion: """
            Each registered district's schedule (and, with --incidents-db postgres://…, its incidents) lives in \
            a schema of its own; commands given its plan and the database's URL reach only its tables, and \
            `drillbook serve --db URL` serves every registered district under /d/<district>/ (at / while there \
            is only one).
            """,
        subcommands: [Add.self, List.self])

    /// The database's URL, which must be a server: a SQLite file is one district's.
    static func server(_ options: PlanOptions) throws -> String {
        let location = options.databasePath
        guard IncidentDatabase.isServer(location) else {
            throw ValidationError(
                "many districts in one database need PostgreSQL: give --db postgres://user@host:port/database (or DRILLBOOK_DB); a SQLite file holds one district"
            )
        }
        return location
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register the plan's district: make its tables in a schema of its own.")
        @OptionGroup var options: PlanOptions
        @Option(help: IncidentDatabase.help)
        var incidentsDB: String?

        func run() throws {
            let url = try DistrictCommand.server(options)
            // A plan that does not load is not registered: `serve` would fail on it later.
            let loaded = try options.load()
            let plan = URL(fileURLWithPath: options.plan).standardizedFileURL.path
            let incidents = Incidents.databasePath(planFile: options.plan, explicit: incidentsDB)
            let added = try wrap { () throws(DrillbookError) in
                do {
                    return try PostgresDistricts.add(
                        url: url, district: loaded.plan.district.id, plan: plan,
                        incidents: IncidentDatabase.isServer(incidents) ? incidents : nil)
                } catch { throw .store("\(error)") }
            }
            if let before = added.movedFrom {
                print("\(added.district): its plan is now \(plan) (was \(before)); its tables are as they were")
                return
            }
            print("registered \(added.district) (\(loaded.plan.district.name)): schema \(added.schema), plan \(plan)")
            let count = try wrap { () throws(DrillbookError) in
                do { return try PostgresDistricts.list(url: url).count } catch { throw .store("\(error)") }
            }
            if count > 1 {
                print(
                    "served by `drillbook serve` at /d/\(added.district)/ (server.base_url must end in /d/\(added.district))"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered districts.")
        @Option(help: "The database: postgres://user@host:port/database (default DRILLBOOK_DB).")
        var db: String?
        @Flag(help: "As JSON.") var json = false

        func run() throws {
            guard let url = db ?? ProcessInfo.processInfo.environment["DRILLBOOK_DB"], IncidentDatabase.isServer(url)
            else {
                throw ValidationError("give --db postgres://user@host:port/database (or DRILLBOOK_DB)")
            }
            let all = try wrap { () throws(DrillbookError) in
                do { return try PostgresDistricts.list(url: url) } catch { throw .store("\(error)") }
            }
            if json {
                let rows = all.map {
                    ["district": $0.district, "schema": $0.schema, "plan": $0.plan, "added": $0.addedAt]
                }
                let data = try JSONSerialization.data(
                    withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            if all.isEmpty { print("no district is registered: the database holds one district's tables, or none") }
            for district in all { print("\(district.district)\t\(district.schema)\t\(district.plan)") }
        }
    }
}
