import ArgumentParser
import Dates
import DrillbookKit
import Foundation
import ICalendar
import Planning

/// `--plan`, `--db` and `--templates`, shared by the commands that read a plan.
struct PlanOptions: ParsableArguments {
    @Option(help: "The plan file.")
    var plan = "drillbook.yaml"

    @Option(
        help:
            "The schedule database: a file, or postgres://user@host:port/database (default: drillbook.sqlite beside the plan, or DRILLBOOK_DB)."
    )
    var db: String?

    @Option(help: "Drillbook's Templates folder (default: DRILLBOOK_TEMPLATES, the installed copy, or the checkout's).")
    var templates: String?

    func resources() throws -> Resources {
        do { return try Resources.locate(explicit: templates) } catch { throw Failure(error.description) }
    }

    /// The plan as read; `year` reads an earlier school year it kept (`rollover`).
    func load(year: String? = nil) throws -> LoadedPlan {
        let loaded: LoadedPlan
        let resources = try resources()
        do { loaded = try Planner.load(planFile: plan, resources: resources, year: year) } catch {
            throw Failure(error.description)
        }
        for warning in CalendarProblem.summarized(loaded.warnings) { printError("warning: \(warning)") }
        for notice in loaded.notices { printError("warning: \(notice)") }
        return loaded
    }

    var databasePath: String { Planner.databasePath(planFile: plan, explicit: db) }
}

/// `--as-of`: the day commands take as today (or DRILLBOOK_NOW).
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "Take this day as today (2027-09-01); default DRILLBOOK_NOW, else today.")
    var asOf: String?

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil {
            throw ValidationError("--as-of \"\(asOf)\" is not a date (expected e.g. 2027-09-01)")
        }
        // Never ignored: a DRILLBOOK_NOW that cannot be read stops the command.
        if asOf == nil, let now = ProcessInfo.processInfo.environment["DRILLBOOK_NOW"],
            TimeInput.instant(now, zone: TimeZone(identifier: "UTC")!) == nil
        {
            throw ValidationError("DRILLBOOK_NOW \"\(now)\" is not \(TimeInput.forms)")
        }
    }

    var day: CalendarDate {
        if let asOf, let day = CalendarDate(asOf) { return day }
        if let now = ProcessInfo.processInfo.environment["DRILLBOOK_NOW"], let day = TimeInput.writtenDate(now) {
            return day
        }
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }
}

/// An error already worded for the user: printed as is, exit 1.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--on` and `--end`: every form `TimeInput` takes; a time without a zone is the school's.
enum TimeInputOption {
    static func wallTime(_ text: String, flag: String, zone: TimeZone) throws -> WallTime {
        guard let time = TimeInput.wallTime(text, zone: zone) else {
            throw ValidationError("\(flag) \"\(text)\" is not \(TimeInput.forms)")
        }
        return time
    }

    /// The zone of the school an item id (`lincoln-hs/fire-drill-3`) or `school/` names, else the district's.
    static func zone(of id: String, in loaded: LoadedPlan) -> TimeZone {
        let school = loaded.plan.schools.first { id.hasPrefix($0.school.id + "/") }?.school
        return loaded.zone(of: school?.id ?? "")
    }
}
