import ArgumentParser
import DrillbookKit
import Foundation

/// `drillbook init`: write a starter plan and calendar, or the example district.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write a commented starter drillbook.yaml and a starter calendar (or, with --example, the example district)."
    )

    @Option(
        help: "Two-letter state code (with --example, the example district moved to that state's rules and time zone).")
    var state = "TX"

    @Option(help: "School year, like 2027-2028 (default: the next one starting after today).")
    var year: String?

    @Flag(help: "Copy the example district (Lakeside ISD) and its calendar instead.")
    var example = false

    @Option(help: "The folder to write into.")
    var dir = "."

    @Option(help: "Drillbook's Templates folder.")
    var templates: String?

    @OptionGroup var asOf: AsOfOption

    func validate() throws {
        guard state.count == 2, state == state.uppercased() else {
            throw ValidationError("--state expects a code like TX")
        }
        // The example's calendar is its year's: `rollover` carries a plan to another year.
        if example, let year, year != "2027-2028" {
            throw ValidationError(
                "--year \(year): the example district's calendar is for 2027-2028; write it, then carry it over with `drillbook rollover --to \(year)`"
            )
        }
    }

    func run() throws {
        let resources: Resources
        do { resources = try Resources.locate(explicit: templates) } catch { throw Failure(error.description) }
        let files = try wrap { () throws(DrillbookError) in
            try Initializer.write(
                to: dir, example: example, state: state,
                year: example ? "2027-2028" : (year ?? Initializer.defaultYear(after: asOf.day)), resources: resources,
                today: asOf.day)
        }
        for file in files { print("wrote \(file)") }
        print("next: drillbook validate --plan \(files[0]) && drillbook schedule --plan \(files[0])")
    }
}
