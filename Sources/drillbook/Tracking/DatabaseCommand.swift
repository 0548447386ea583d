import ArgumentParser
import DrillbookKit
import Foundation
import PostgresStore
import Store

/// `drillbook db migrate --from drillbook.sqlite --to postgres://…`.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Move a district's databases from SQLite files to PostgreSQL.",
        subcommands: [Migrate.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy a SQLite database into an empty PostgreSQL database, verified by its row hashes and audit chain on both sides.",
            discussion: """
                The copy is one transaction: it is checked against the source's audit chain and head before it \
                is committed, and a copy that does not verify leaves the target empty. The source is only read \
                (and brought up to date first, as any command would). Afterwards, point --db (or, with \
                --incidents, --incidents-db) at the URL.
                """)

        @Option(help: "The SQLite file: a schedule database (drillbook.sqlite), or with --incidents an incidents one.")
        var from: String
        @Option(help: "The empty PostgreSQL database: postgres://user@host:port/database.")
        var to: String
        @Flag(help: "Copy an incidents database (drillbook-incidents.sqlite).")
        var incidents = false
        @Option(
            help:
                "Into this district's tables, in a database of many (`drillbook district add` registered it; its tables must be empty)."
        )
        var district: String?

        func validate() throws {
            guard IncidentDatabase.isServer(to) else {
                throw ValidationError("--to \"\(to)\" is not a PostgreSQL URL (postgres://user@host:port/database)")
            }
            guard !IncidentDatabase.isServer(from) else {
                throw ValidationError(
                    "--from \"\(from)\" must be a SQLite file (the copy goes from a file to a server)")
            }
        }

        func run() throws {
            // Opening a path that is not there would make an empty database and copy that.
            guard FileManager.default.fileExists(atPath: from) else {
                printError("\(from): no such database; nothing was copied")
                throw ExitStatus.error
            }
            let report = try wrap { () throws(DrillbookError) in
                do {
                    var scope: PostgresDistricts.Scope?
                    if let district {
                        // Registered in the schedule database: with --incidents, --to is the incidents
                        // one, which keeps no registry (the district's schema is made there).
                        let schema = try PostgresDistricts.schema(of: district)
                        if !incidents {
                            guard try PostgresDistricts.list(url: to).contains(where: { $0.district == district })
                            else {
                                throw StoreError(
                                    message:
                                        "district \(district) is not registered there: run `drillbook district add` first; nothing was copied"
                                )
                            }
                        }
                        let named = PostgresDistricts.Scope(district: district, schema: schema)
                        scope = incidents ? try PostgresDistricts.incidentScope(url: to, named) : named
                    }
                    return try PostgresImport.copy(
                        incidents ? .incidents : .schedule, from: from, to: to, district: scope)
                } catch { throw .store("\(error)") }
            }
            print("copied \(from): \(report.rows) rows in \(report.tables) tables")
            print("row hashes equal on both sides: \(report.sealedRows) sealed rows")
            print("audit log intact on both sides: \(report.entries) entries, head \(report.head)")
        }
    }
}
