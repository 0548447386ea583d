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
        var errors = 0
        var warnings = 0
        for file in files {
            do {
                let inspection = try CalendarFiles.inspect(path: file)
                let (broken, notes) = (
                    inspection.problems.filter(\.kind.breaksRFC), inspection.problems.filter { !$0.kind.breaksRFC }
                )
                for problem in broken { printText(problem.description) }
                // One line per kind of warning: 500 long lines are one finding, not 500.
                for warning in CalendarProblem.summarized(notes, label: "warning: ") { printText(warning) }
                errors += broken.count
                warnings += notes.count
            } catch {
                printError(error.description)
                errors += 1
            }
        }
        let filesText = "\(files.count) file\(files.count == 1 ? "" : "s")"
        let warningsText = warnings == 0 ? "" : " (\(warnings) warning\(warnings == 1 ? "" : "s"))"
        if errors > 0 {
            printError("\(errors) problem\(errors == 1 ? "" : "s") in \(filesText)\(warningsText)")
            throw ExitStatus.error
        }
        printText("\(filesText) \(warnings == 0 ? "clean" : "valid")\(warningsText)")
    }
}
