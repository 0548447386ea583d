import ArgumentParser
import DrillbookKit

/// `drillbook audit verify | head`.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the audit log's hash chain, or print its head to keep elsewhere.",
        subcommands: [Verify.self, Head.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the chain; exit 1 naming the first bad entry.")
        @OptionGroup var options: PlanOptions
        @Option(help: "A head printed earlier by `audit head`: the chain must still contain it.")
        var head: String?

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in try Planner.openStore(options.databasePath) }
            let result = try wrap { () throws(DrillbookError) in try AuditCheck.verify(store, head: head) }
            print(result)
        }
    }

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the chain's last hash.")
        @OptionGroup var options: PlanOptions

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in try Planner.openStore(options.databasePath) }
            print(try wrap { () throws(DrillbookError) in try AuditCheck.head(store) })
        }
    }
}
