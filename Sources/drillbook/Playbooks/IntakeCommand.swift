import ArgumentParser
import DrillbookKit
import Foundation
import Store

/// `drillbook intake source add | list | revoke`: tip lines and alert services that post reports.
struct IntakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake", abstract: "Sources that post reports to /api/v1/intake, signed with their secret.",
        subcommands: [Source.self])

    struct Source: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (prints the secret), list or revoke an intake source.",
            subcommands: [Add.self, ListSources.self, Revoke.self])
    }

    /// The incidents database, where sources and their secrets live.
    struct Options: ParsableArguments {
        @OptionGroup var plan: PlanOptions
        @Option(help: IncidentDatabase.help)
        var incidentsDB: String?

        func store() throws -> any IncidentStore {
            try wrap { () throws(DrillbookError) in
                try IncidentDatabase.open(
                    Incidents.databasePath(planFile: plan.plan, explicit: incidentsDB), plan: plan.plan,
                    schedule: plan.databasePath)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a source; prints its secret, shown this once (keep it in the sender's configuration).")
        @OptionGroup var options: Options
        @Argument(help: "The source's name, sent as X-Drillbook-Source (letters, digits, - and _).") var name: String

        func validate() throws {
            guard !name.isEmpty, name.count <= 64,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else { throw ValidationError("source name \"\(name)\": use letters, digits, - and _ (at most 64)") }
        }

        func run() throws {
            let store = try options.store()
            let secret = Tokens.random()
            do { try store.addIntakeSource(name: name, secret: secret, at: Accounts.iso(Date())) } catch {
                throw Failure(error.description)
            }
            print("intake source \(name) added; its secret (shown once):")
            print(secret)
        }
    }

    struct ListSources: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every source, revoked ones marked.")
        @OptionGroup var options: Options

        func run() throws {
            let sources: [(name: String, createdAt: String, revokedAt: String?)]
            do { sources = try options.store().intakeSources() } catch { throw Failure("\(error)") }
            if sources.isEmpty { print("no intake sources (`drillbook intake source add NAME`)") }
            for source in sources {
                print("\(source.name)  added \(source.createdAt)" + (source.revokedAt.map { "  REVOKED \($0)" } ?? ""))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a source: its reports answer 401 at once.")
        @OptionGroup var options: Options
        @Argument var name: String

        func run() throws {
            do { try options.store().revokeIntakeSource(name, at: Accounts.iso(Date())) } catch {
                throw Failure("\(error)")
            }
            print("revoked intake source \(name)")
        }
    }
}
