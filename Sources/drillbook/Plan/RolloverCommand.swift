import ArgumentParser
import DrillbookKit

/// `drillbook rollover --to 2028-2029 [--calendar FILE]`: start the next school year from the same plan.
struct RolloverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollover",
        abstract: "Start the next school year from the same plan, keeping every earlier year's items, log and audit.",
        discussion: """
            The plan's year and calendar are replaced (a starter calendar is written when --calendar is not \
            given) and the year left behind is kept under earlier_years, so `drillbook check --year` still \
            reads it. Then run `drillbook schedule`.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "The next school year, like 2028-2029.") var to: String
    @Option(help: "The district's calendar for that year (relative to the plan's folder).") var calendar: String?

    func run() throws {
        let resources = try options.resources()
        let lines = try wrap { () throws(DrillbookError) in
            try Rollover.run(
                planFile: options.plan, to: to, calendar: calendar, resources: resources, today: asOf.day)
        }
        for line in lines { print(line) }
    }
}
