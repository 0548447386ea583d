import ArgumentParser
import DrillbookKit
import ICalendar

/// `drillbook calendar validate FILE...`
///
/// ```
/// $ drillbook calendar validate broken.ics
/// broken.ics:7: DTSTART 2025-09-31 does not exist (September 2025 has 30 days)
/// broken.ics:9: RRULE part "BYDAYY" is unknown (did you mean BYDAY?); expected one of FREQ, ...
/// ```
struct CalendarValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check .ics files against RFC 5545; one line per problem, FILE:LINE: what is wrong.",
        discussion: "Exits 0 when every file is clean, 1 when any has a problem."
    )

    @Argument(help: "The .ics files to check.")
    var files: [String]

    func run() throws {
        var problems = 0
        for file in files {
            do {
                let inspection = try CalendarFiles.inspect(path: file)
                for problem in inspection.problems { print(problem) }
                problems += inspection.problems.count
            } catch {
                printError(error.description)
                problems += 1
            }
        }
        if problems > 0 {
            printError(
                "\(problems) problem\(problems == 1 ? "" : "s") in \(files.count) file\(files.count == 1 ? "" : "s")")
            throw ExitStatus.error
        }
        print("\(files.count) file\(files.count == 1 ? "" : "s") clean")
    }
}
