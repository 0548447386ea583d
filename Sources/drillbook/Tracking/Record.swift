import ArgumentParser
import Dates
import DrillbookKit
import Planning

/// `drillbook record KIND --school ID --on ...`: a drill that was not scheduled.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log a drill that was not scheduled (or a real event a rule lets count as one).",
        discussion: """
            It counts for the open scheduled item of the same kind nearest its day, within a month. Records are \
            never changed: --corrects ID adds a record that replaces one made with no item (a wrong day, time or \
            kind); a record that completes an item is corrected with drillbook complete ITEM --corrects ID.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Argument(help: "The drill: fire, lockdown, ... or drill/fire.")
    var kind: String

    @Option(help: "The school's id.")
    var school: String

    @Option(help: "When it started (2027-09-03T10:15).")
    var on: String

    @Option(help: "When it ended.")
    var end: String?

    @Option(help: "How long it took (12m).")
    var duration: String?

    @OptionGroup var evidence: EvidenceOptions

    @Option(help: "The id of a record with no item this one corrects.")
    var corrects: Int?

    @Option(name: .customLong("as"), help: "Who is recording (default: the login name).")
    var actor: String?

    func run() throws {
        guard let activityKind = ActivityKind(spelled: kind), activityKind.isDrill else {
            throw ValidationError(
                "\"\(kind)\" is not a drill (expected one of: \(ActivityKind.drillTypes.joined(separator: ", ")))")
        }
        let loaded = try options.load()
        let zone = TimeInputOption.zone(of: "\(school)/", in: loaded)
        let start = try TimeInputOption.wallTime(on, flag: "--on", zone: zone)
        var finish = try end.map { text in try TimeInputOption.wallTime(text, flag: "--end", zone: zone) }
        if let duration {
            guard let seconds = DurationArgument.seconds(duration) else {
                throw ValidationError("--duration \"\(duration)\" is not like 12m (at most 24h)")
            }
            finish = start.adding(seconds: seconds)
        }
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        let (completion, item) = try wrap { () throws(DrillbookError) in
            try Tracker.record(
                kind: activityKind, school: school, loaded: loaded, store: store, startedAt: start, endedAt: finish,
                evidence: evidence.fields, corrects: corrects, actor: actor, asOf: asOf.day)
        }
        for warning in Tracker.recordWarnings([completion], loaded: loaded) { printError("warning: \(warning)") }
        printText(
            "recorded completion \(completion.id): \(activityKind) at \(school) on \(start)"
                + (item.map { ", counted for \($0.id)" } ?? "")
                + (completion.corrects.map { " (corrects \($0))" } ?? ""))
    }
}
