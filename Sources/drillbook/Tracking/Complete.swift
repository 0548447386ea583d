import ArgumentParser
import Dates
import DrillbookKit
import Planning

/// `drillbook complete ITEM`: record that a scheduled item was done, with its evidence.
struct Complete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record that a scheduled item was done, with the evidence a drill log asks for.",
        discussion: """
            A time after --as-of, an unknown item or a field the rules require but missing is refused and \
            nothing is written. Records are never changed: --corrects ID adds a corrected record.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Argument(help: "The item's id, as `drillbook list` prints it.")
    var item: String

    @Option(help: "When it started (2027-09-03T10:15); default: its scheduled time.")
    var on: String?

    @Option(help: "When it ended.")
    var end: String?

    @Option(help: "How long it took (12m, 1h).")
    var duration: String?

    @OptionGroup var evidence: EvidenceOptions

    @Option(help: "The id of a completion this one corrects.")
    var corrects: Int?

    @Option(name: .customLong("as"), help: "Who is recording (default: the login name).")
    var actor: String?

    func run() throws {
        let loaded = try options.load()
        // A time with a zone becomes the item's school's wall time.
        let zone = TimeInputOption.zone(of: item, in: loaded)
        let start = try on.map { text in try TimeInputOption.wallTime(text, flag: "--on", zone: zone) }
        let finish = try end.map { text in try TimeInputOption.wallTime(text, flag: "--end", zone: zone) }
        let minutes = try duration.map { text in
            guard let seconds = DurationArgument.seconds(text) else {
                throw ValidationError("--duration \"\(text)\" is not like 12m (at most 24h)")
            }
            return seconds / 60
        }
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        let completion = try wrap { () throws(DrillbookError) in
            try Tracker.complete(
                item, loaded: loaded, store: store, startedAt: start, endedAt: finish, durationMinutes: minutes,
                evidence: evidence.fields, corrects: corrects, actor: actor, asOf: asOf.day)
        }
        for warning in Tracker.recordWarnings([completion], loaded: loaded) { printError("warning: \(warning)") }
        printText(
            "recorded completion \(completion.id) for \(item): \(completion.startedAt)"
                + (completion.corrects.map { " (corrects \($0))" } ?? ""))
    }
}

/// `12m`, `1h`, `90s`.
enum DurationArgument {
    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        // At most a day: a drill's length, and no arithmetic that can overflow.
        guard let unit = text.last.flatMap({ units[$0] }), let value = Int(text.dropLast()), value > 0,
            value <= 86_400 / unit
        else {
            return nil
        }
        return value * unit
    }
}
