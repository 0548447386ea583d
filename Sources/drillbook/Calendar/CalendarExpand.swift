import ArgumentParser
import DrillbookKit
import Foundation
import ICalendar

/// `drillbook calendar expand FILE [--from D] [--to D] [--limit N] [--json]`
///
/// ```
/// $ drillbook calendar expand Calendars/lakeside-2027-2028.ics --from 2027-08-01 --limit 2
/// 2027-08-16           2027-08-17           First Day of School
/// 2027-09-06           2027-09-07           Labor Day - No School
/// ```
struct CalendarExpand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expand",
        abstract: "List the occurrences of every event in an .ics file, in time order.",
        discussion: """
            Recurrences are expanded with their time zones, EXDATE, RDATE and RECURRENCE-ID overrides. \
            Without --limit or --to it stops at \(RecurrenceExpander.defaultLimit) occurrences or \
            \(RecurrenceExpander.defaultYears) years after each event's start.
            """
    )

    @Argument(help: "The .ics file.")
    var file: String

    @Option(
        help:
            "First day (2027-09-01) or time (2027-09-01T08:00) to list, in each event's own zone (in --zone's, with --zone)."
    )
    var from: String?

    @Option(help: "Last day to list (up to the end of that day), or a time to stop before; zoned as --from.")
    var to: String?

    @Option(help: "At most this many occurrences.")
    var limit: Int?

    @Option(help: "Show UTC times and times of other zones in this zone (America/Chicago).")
    var zone: String?

    @Flag(help: "Print a JSON array of {uid, summary, start, end}.")
    var json = false

    func validate() throws {
        if let from, DateArgument.wallTime(from, endOfDay: false) == nil {
            throw ValidationError("--from \"\(from)\" is not a date (2027-09-01) or time (2027-09-01T08:00)")
        }
        if let to, DateArgument.wallTime(to, endOfDay: true) == nil {
            throw ValidationError("--to \"\(to)\" is not a date (2027-09-01) or time (2027-09-01T08:00)")
        }
        if let from, let to, let first = DateArgument.wallTime(from, endOfDay: false),
            let last = DateArgument.wallTime(to, endOfDay: true), last <= first
        {
            throw ValidationError("--to \(to) is not after --from \(from)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let inspection: CalendarInspection
        do {
            inspection = try CalendarFiles.load(path: file)
        } catch {
            printError(error.description)
            throw ExitStatus.error
        }
        for warning in CalendarProblem.summarized(inspection.warnings) { printError("warning: \(warning)") }
        let expander = RecurrenceExpander(
            from: from.flatMap { DateArgument.wallTime($0, endOfDay: false) },
            before: to.flatMap { DateArgument.wallTime($0, endOfDay: true) },
            limit: limit, zone: zone)
        let occurrences: [Occurrence]
        do {
            let expansion = try expander.expansion(inspection.document)
            occurrences = expansion.occurrences
            if expansion.truncated && limit == nil {
                printError(
                    "note: stopped at \(RecurrenceExpander.defaultLimit) occurrences; give --to or --limit for more")
            }
        } catch {
            printError("\(file): \(error.description)")
            throw ExitStatus.error
        }
        if json {
            print(try OccurrenceJSON.render(occurrences))
        } else {
            for occurrence in occurrences {
                let zone = occurrence.start.tzid.map { "  (\($0))" } ?? ""
                let start = occurrence.start.description.padded(to: 20)
                let end = occurrence.end.description.padded(to: 20)
                printText("\(start) \(end) \(occurrence.summary)\(zone)")
            }
        }
    }
}

/// The JSON shape of shared/DESIGN.md: `[{"uid","summary","start","end"}]`, local ISO 8601 times.
enum OccurrenceJSON {
    struct Row: Encodable {
        var uid: String
        var summary: String
        var start: String
        var end: String
    }

    static func render(_ occurrences: [Occurrence]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let rows = occurrences.map {
            Row(uid: $0.uid, summary: $0.summary, start: $0.start.description, end: $0.end.description)
        }
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}
