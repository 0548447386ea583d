import ArgumentParser

/// `drillbook calendar`: check and read iCalendar files.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Check and expand iCalendar (.ics) files.",
        subcommands: [CalendarValidate.self, CalendarExpand.self]
    )
}
