public import Dates
import Foundation
import ICalendar

/// `drillbook init`: a starter plan with its calendar, or the example district.
public enum Initializer {
    /// The school year a new plan is for: the next one starting (July 1) after `today`.
    public static func defaultYear(after today: CalendarDate) -> String {
        let start = today.month >= 7 ? today.year + 1 : today.year
        return "\(start)-\(start + 1)"
    }

    /// Writes `drillbook.yaml` and its calendar into `folder`; refuses to overwrite a plan.
    /// Returns the files written.
    public static func write(
        to folder: String, example: Bool, state: String, year: String, resources: Resources, today: CalendarDate
    ) throws(DrillbookError) -> [String] {
        let plan = "\(folder)/drillbook.yaml"
        guard !FileManager.default.fileExists(atPath: plan) else {
            throw .usage("\(plan) already exists; Drillbook will not overwrite a plan (move it away first)")
        }
        guard StateZones.zones[state] != nil else {
            throw .usage(
                "--state \"\(state)\" is not a US state or DC (expected one of: "
                    + StateZones.zones.keys.sorted().joined(separator: ", ") + ")")
        }
        guard let name = SchoolYearName(year) else {
            throw .usage("--year \"\(year)\" is not a school year like 2027-2028")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if example {
                let calendar = "\(folder)/lakeside-2027-2028.ics"
                let text = try String(
                    contentsOfFile: "\(resources.templates)/examples/lakeside/drillbook.yaml", encoding: .utf8)
                try Data(exampleText(text, state: state, resources: resources).utf8).write(
                    to: URL(fileURLWithPath: plan))
                if !FileManager.default.fileExists(atPath: calendar) {
                    try FileManager.default.copyItem(
                        atPath: "\(resources.calendars)/lakeside-2027-2028.ics", toPath: calendar)
                }
                return [plan, calendar]
            }
            let calendarName = "calendar-\(year).ics"
            let calendar = try CalendarWriter(stamp: WallTime(date: today)).write(
                StarterCalendar.document(startingIn: name.first))
            try Data(calendar.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(calendarName)"))
            // The state's rule set when Drillbook has one, on top of the model fire code.
            let stateRules = FileManager.default.fileExists(atPath: "\(resources.templates)/compliance/\(state).yaml")
            let zone = StateZones.zones[state]!
            let text = StarterPlan.text(
                state: state, year: year, calendar: calendarName, rules: stateRules ? "baseline, \(state)" : "baseline",
                zone: zone.zone, others: zone.others)
            try Data(text.utf8).write(to: URL(fileURLWithPath: plan))
            return [plan, "\(folder)/\(calendarName)"]
        } catch let error as DrillbookError {
            throw error
        } catch {
            throw .usage("cannot write the starter plan into \(folder) (\(error.localizedDescription))")
        }
    }
}

extension Initializer {
    /// The example district (a Texas one) moved to `state`: its rule set (the model fire code alone
    /// where Drillbook has none for the state) and the state's main time zone. `--state` was once
    /// passed over without a word, and a Michigan district was shown Texas's rules.
    static func exampleText(_ text: String, state: String, resources: Resources) -> String {
        guard state != "TX", let zone = StateZones.zones[state]?.zone else { return text }
        let hasRules = FileManager.default.fileExists(atPath: "\(resources.templates)/compliance/\(state).yaml")
        return
            text
            .replacingOccurrences(of: "example district (Texas)", with: "example district (moved to \(state))")
            .replacingOccurrences(of: "\n  state: TX\n", with: "\n  state: \(state)\n")
            .replacingOccurrences(of: "\n  time_zone: America/Chicago\n", with: "\n  time_zone: \(zone)\n")
            .replacingOccurrences(
                of: "rules: [baseline, TX]", with: hasRules ? "rules: [baseline, \(state)]" : "rules: [baseline]"
            )
            // What the starter plan says of its school too: Ohio's rules ask (ORC 3781.104), Texas's do not.
            .replacingOccurrences(
                of: "attributes: {sprinklers: true,", with: "attributes: {sprinklers: true, smoke_detectors: true,")
    }
}

/// The commented starter `drillbook.yaml`.
enum StarterPlan {
    static func text(state: String, year: String, calendar: String, rules: String, zone: String, others: [String])
        -> String
    {
        let zoneNote =
            others.isEmpty
            ? "an Olson name; every school's default"
            : "most of \(state); elsewhere in the state: \(others.joined(separator: ", "))"
        return """
            # Drillbook plan: the source of truth for a school year of safety preparation.
            # Edit it, then run `drillbook validate` and `drillbook schedule`. Paths are relative to this file.
            schema: drillbook/1
            district:
              id: my-district                    # lower-case letters, digits and dashes: used in file names and UIDs
              name: My School District
              state: \(state)
              time_zone: \(zone)   # \(zoneNote)
              safety_lead: {name: District Safety Lead, email: safety@district.example}
            year: \(year)
            calendar: \(calendar)   # a starter calendar: replace it with your district's published .ics
            calendar_mapping:                    # how your calendar names things (PROPERTY:value or PROPERTY:/regex/)
              first_day: ["SUMMARY:/First Day of School/"]
              last_day: ["SUMMARY:/Last Day of School/"]
              semester: ["CATEGORIES:SEMESTER"]  # events spanning each semester
              closure: ["CATEGORIES:HOLIDAY", "SUMMARY:/No School/"]
              staff_only: ["CATEGORIES:STAFF-DEVELOPMENT"]
              testing: ["CATEGORIES:TESTING"]    # no drills during testing windows
            bell_schedules:
              main: {day: "08:00-15:30", passing: ["09:50-09:57", "13:10-13:17"], lunch: ["11:30-12:00", "12:05-12:35"]}
            schools:
              - id: main-school
                name: Main School
                grades: K-12
                bell_schedule: main
                attributes: {sprinklers: true, smoke_detectors: true, bus_riders: true}   # what the rule sets read: confirm
                contacts:                        # roles activities name as owner or presence
                  principal: {name: Principal, email: principal@district.example}
                  safety_coordinator: {name: Safety Coordinator, email: safety-coordinator@district.example}
                  threat_assessment_lead: {name: Threat Assessment Lead, email: tat@district.example}
                  law_enforcement: {name: School Resource Officer, agency: Police Department}
                  fire: {name: Fire Marshal, agency: Fire Department}
                  mental_health: {name: Counseling Partner, agency: Community Counseling}
                  communications: {name: Communications, email: communications@district.example}
            activities:
              - use: toolkit-year                # the CISA/FBI toolkit's year of preparation (Templates/plans)
            # Drills come from the rule sets: baseline is the model fire code and common drills, then the state's.
            # A file in compliance/ beside this plan adds rules or replaces one marked replaceable.
            compliance: {rules: [\(rules)], local: compliance/}

            """
    }
}
