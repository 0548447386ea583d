import ArgumentParser
import DrillbookKit

/// `drillbook export --out DIR`: the calendars staff and families import or subscribe to.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write the stored schedule as .ics files: OUT/<school>-<audience>.ics and OUT/district-<audience>.ics.",
        discussion: """
            admin: everything with exact times. staff: announced items; an unannounced drill only as an \
            all-day "Safety drill this week". families: announced drills, campaigns and family messages only.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "The folder to write to.")
    var out: String

    @Option(help: "Only this school (no district files).")
    var school: String?

    @Option(help: "Only this audience: admin, staff or families.")
    var audience: String?

    func validate() throws {
        if let audience, Audience(rawValue: audience) == nil {
            throw ValidationError("--audience \"\(audience)\" is unknown (expected admin, staff or families)")
        }
    }

    func run() throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in
            try ScheduleDatabase.open(options.databasePath, plan: options.plan)
        }
        let bySchool = try wrap { () throws(DrillbookError) in try Planner.publishedBySchool(loaded, store: store) }
        guard !bySchool.isEmpty else {
            throw Failure("nothing is scheduled for \(loaded.plan.year): run `drillbook schedule` first")
        }
        let files = try wrap { () throws(DrillbookError) in
            try Exporter(loaded: loaded, asOf: asOf.day).exportFiles(
                bySchool: bySchool, to: out, school: school,
                audiences: audience.flatMap(Audience.init(rawValue:)).map { [$0] } ?? Audience.allCases)
        }
        for path in files.paths { print(path) }
        // Standard output stays the list of files, which scripts read; what changed is for people.
        let count = files.paths.count
        printError(
            "\(count - files.unchanged.count) of \(count) calendar\(count == 1 ? "" : "s") written, "
                + "\(files.unchanged.count) unchanged (left as they were)")
    }
}
