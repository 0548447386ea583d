import ArgumentParser
import DrillbookKit
import Foundation

/// `drillbook`: a school year of safety preparation, planned, published as calendars and tracked.
@main
struct Drillbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drillbook",
        abstract: "Plan, publish and track a school year of safety preparation.",
        discussion: """
            Exit codes: 0 ok, 1 error (bad input, named by file and line), 3 findings, 64 usage.
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Validate.self, Schedule.self, List.self, Export.self, Check.self, Complete.self, Record.self,
            History.self,
            ImportLog.self, OverdueCommand.self, Audit.self, PlaybookCommand.self, IncidentCommand.self, Demo.self,
            RolloverCommand.self, Backup.self, Restore.self, Serve.self, FeedCommand.self, UserCommand.self,
            APIKeyCommand.self, IntakeCommand.self, DatabaseCommand.self, DistrictCommand.self,
            CalendarCommand.self,
        ]
    )

    /// Prints a `Failure` without ArgumentParser's "Error:" prefix and exits 1.
    static func main() async {
        // A mail command that exits without reading its input must not kill the run: writes to
        // closed pipes fail as errors instead, and the alert stays owed.
        signal(SIGPIPE, SIG_IGN)
        Allocator.oneArenaPerCore()
        do {
            var command = try parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            printError(failure.description)
            Self.exit(withError: ExitStatus.error)
        } catch {
            Self.exit(withError: error)
        }
    }
}

/// Exit codes shared by every command (shared/DESIGN.md, "CLI").
enum ExitStatus {
    static let error = ExitCode(1)
    static let findings = ExitCode(3)
}
