import ArgumentParser

/// `drillbook`: a school year of safety preparation, planned, published as calendars and tracked.
@main
struct Drillbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drillbook",
        abstract: "Plan, publish and track a school year of safety preparation.",
        discussion: """
            Exit codes: 0 ok, 1 error (bad input, named by file and line), 3 findings, 64 usage.
            """,
        version: "0.1.0",
        subcommands: [CalendarCommand.self]
    )
}

/// Exit codes shared by every command (shared/DESIGN.md, "CLI").
enum ExitStatus {
    static let error = ExitCode(1)
    static let findings = ExitCode(3)
}
