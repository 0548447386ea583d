public import Dates
import Foundation
import ICalendar

/// `drillbook rollover --to 2028-2029 [--calendar FILE]`: the plan moves on to the next school year.
///
/// The plan's `year:` and `calendar:` are replaced (a starter calendar is written when none is
/// given) and the year left behind is kept under `earlier_years:` with its calendar, so `check
/// --year` still reads it. The database holds every year side by side: items, records, alerts and
/// the audit log of the earlier year stay as they were. The edit keeps the plan's comments and
/// layout, and is written only once the new plan reads cleanly.
public enum Rollover {
    public static func run(
        planFile: String, to next: String, calendar given: String?, resources: Resources, today: CalendarDate
    ) throws(DrillbookError) -> [String] {
        let loaded = try Planner.load(planFile: planFile, resources: resources)
        let current = loaded.plan.year
        guard let nextName = SchoolYearName(next) else {
            throw .usage("--to \"\(next)\" is not a school year like 2028-2029")
        }
        guard let currentName = SchoolYearName(current), nextName.first > currentName.first else {
            throw .usage("--to \(next) is not after the plan's year \(current)")
        }
        guard loaded.plan.earlierYears[next] == nil else {
            throw .usage("the plan already kept \(next) as an earlier year")
        }
        guard var text = String(data: FileManager.default.contents(atPath: planFile) ?? Data(), encoding: .utf8) else {
            throw .usage("\(planFile): cannot be read")
        }
        let folder = loaded.plan.folder
        func absolute(_ path: String) -> String { path.hasPrefix("/") || folder.isEmpty ? path : "\(folder)/\(path)" }
        var written: [String] = []
        let calendar: String
        if let given {
            guard FileManager.default.fileExists(atPath: absolute(given)) else {
                throw .usage("--calendar \(given): no such file (a path relative to the plan's folder)")
            }
            calendar = given
        } else {
            calendar = "calendar-\(next).ics"
            guard !FileManager.default.fileExists(atPath: absolute(calendar)) else {
                throw .usage("\(absolute(calendar)) already exists: pass it with --calendar, or move it away")
            }
            do {
                let ics = try CalendarWriter(stamp: WallTime(date: today)).write(
                    StarterCalendar.document(startingIn: nextName.first))
                try Data(ics.utf8).write(to: URL(fileURLWithPath: absolute(calendar)))
            } catch {
                throw .usage("cannot write \(absolute(calendar)) (\(error))")
            }
            written.append(absolute(calendar))
        }
        var lines = text.components(separatedBy: "\n")
        guard let yearLine = lines.firstIndex(where: { $0.hasPrefix("year:") }),
            let calendarLine = lines.firstIndex(where: { $0.hasPrefix("calendar:") })
        else { throw .usage("\(planFile): no top-level year: and calendar: lines to change") }
        let oldCalendar = value(of: lines[calendarLine])
        lines[yearLine] = "year: \(next)"
        lines[calendarLine] =
            "calendar: \(calendar)   # \(given == nil ? "a starter calendar: replace it with the district's" : "the district's calendar")"
        let entry = "\(current): \(oldCalendar)"
        if let earlier = lines.firstIndex(where: { $0.hasPrefix("earlier_years:") }) {
            let rest = value(of: lines[earlier])
            if rest.hasPrefix("{") && rest.hasSuffix("}") {
                let inside = rest.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                lines[earlier] = "earlier_years: {" + (inside.isEmpty ? entry : "\(inside), \(entry)") + "}"
            } else {
                lines.insert("  \(entry)", at: earlier + 1)
            }
        } else {
            lines.insert(
                "earlier_years: {\(entry)}   # kept by rollover: drillbook check --year \(current)",
                at: calendarLine + 1)
        }
        text = lines.joined(separator: "\n")
        // Read the new plan from a copy first: a plan that does not read is not written.
        let trial = planFile + ".rollover"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: trial))
            defer { try? FileManager.default.removeItem(atPath: trial) }
            _ = try Planner.load(planFile: trial, resources: resources)
            // Written whole or not at all (a temporary file renamed over the plan).
            try Data(text.utf8).write(to: URL(fileURLWithPath: planFile), options: .atomic)
        } catch let error as DrillbookError {
            for file in written { try? FileManager.default.removeItem(atPath: file) }
            throw error
        } catch {
            throw .usage("cannot write \(planFile) (\(error))")
        }
        return written.map { "wrote \($0)" } + [
            "\(planFile): now for \(next), calendar \(calendar); \(current) kept (drillbook check --year \(current))",
            "next: drillbook validate --plan \(planFile) && drillbook schedule --plan \(planFile)",
        ]
    }

    /// The value of a `key: value   # comment` line.
    static func value(of line: String) -> String {
        var rest = line[line.index(after: line.firstIndex(of: ":")!)...]
        if let hash = rest.range(of: " #") { rest = rest[..<hash.lowerBound] }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}
