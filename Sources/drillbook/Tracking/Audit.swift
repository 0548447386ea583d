import ArgumentParser
import DrillbookKit
import Foundation

/// `drillbook audit verify | head`: the schedule database's chain, and the incidents database's own
/// when there is one.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the audit chains and every record against them, or print their heads to keep elsewhere.",
        subcommands: [Verify.self, Head.self])

    struct Databases: ParsableArguments {
        @OptionGroup var options: PlanOptions
        @Option(help: IncidentDatabase.help)
        var incidentsDb: String?

        /// The schedule database, which must exist: verifying must not create an empty one and call it intact.
        func schedule() throws -> String {
            let path = options.databasePath
            guard ScheduleDatabase.exists(path) else {
                printError("\(path): no such database; nothing to verify")
                throw ExitStatus.error
            }
            return path
        }

        /// The incidents database, when it exists (explicitly named, it must).
        func incidents() throws -> String? {
            let path = Incidents.databasePath(planFile: options.plan, explicit: incidentsDb)
            if IncidentDatabase.exists(path) { return path }
            if incidentsDb != nil {
                printError("\(path): no such database; nothing to verify")
                throw ExitStatus.error
            }
            return nil
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk both chains and check every record against them; exit 1 naming the first difference.")
        @OptionGroup var databases: Databases
        @Option(help: "A head printed earlier by `audit head`: the chain must still contain it.")
        var head: String?
        @Option(help: "The same for the incidents database's chain.")
        var incidentsHead: String?

        /// A mistyped head is the user's mistake, not a broken chain: "zz", a hash cut short or one
        /// in capitals was reported as "audit log broken ... entries were cut from its end".
        func validate() throws {
            for (flag, value) in [("--head", head), ("--incidents-head", incidentsHead)] {
                guard let value else { continue }
                let hash = value.headHash
                guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
                else {
                    throw ValidationError(
                        "\(flag) \"\(value)\" is not a head (expected the 64 hex digits `drillbook audit head` prints)")
                }
            }
        }

        func run() throws {
            let path = try databases.schedule()
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(path, plan: databases.options.plan)
            }
            print(try wrap { () throws(DrillbookError) in try AuditCheck.verify(store, head: head?.headHash) })
            if let incidents = try databases.incidents() {
                let store = try wrap { () throws(DrillbookError) in
                    try IncidentDatabase.open(incidents, plan: databases.options.plan, schedule: path)
                }
                print(
                    try wrap { () throws(DrillbookError) in
                        try AuditCheck.verify(store, head: incidentsHead?.headHash)
                    })
            }
        }
    }

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each chain's last hash and its number of entries.")
        @OptionGroup var databases: Databases

        func run() throws {
            let path = try databases.schedule()
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(path, plan: databases.options.plan)
            }
            print(try wrap { () throws(DrillbookError) in try AuditCheck.head(store) })
            if let incidents = try databases.incidents() {
                let store = try wrap { () throws(DrillbookError) in
                    try IncidentDatabase.open(incidents, plan: databases.options.plan, schedule: path)
                }
                print("incidents " + (try wrap { () throws(DrillbookError) in try AuditCheck.head(store) }))
            }
        }
    }
}

extension String {
    /// The hash of a head as `audit head` prints it (`HASH (N entries)`), or as given.
    var headHash: String { String(split(separator: " ").first ?? Substring(self)).lowercased() }
}
