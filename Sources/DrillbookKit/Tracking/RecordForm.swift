public import Dates
import Foundation
public import Planning

/// The record form of the web app (`complete` and `record` in a browser): which evidence fields to
/// ask for, and each problem of a filled-in form beside its field, by the same checks and the same
/// rule derivation as the CLI, so the form refuses exactly what `complete` would.
public enum RecordForm {
    /// One input of the form.
    public struct Field: Sendable {
        public var id: String
        public var label: String
        /// `text`, `number`, `date`, `datetime-local`, `select`, `roles`, `textarea`.
        public var input: String
        public var choices: [String]
        /// The rules that require it, or empty.
        public var requiredBy: [String]
        public var hint: String
    }

    /// The fields a drill of `kind` at `school` held at `startedAt` owes, required ones first; the
    /// rest of the evidence list follows as optional.
    public static func fields(
        _ loaded: LoadedPlan, kind: ActivityKind, school: String, startedAt: WallTime, evidence: [EvidenceField: String]
    ) -> [Field] {
        let owed = loaded.owed(kind: kind, school: school, startedAt: startedAt, evidence: evidence).evidence
        let offered = EvidenceField.allCases.filter {
            ![.startedAt, .endedAt, .attachments, .agenciesPresent].contains($0)
        }
        return offered.map { field in
            Field(
                id: field.rawValue, label: label(field), input: input(field), choices: choices(field),
                requiredBy: (owed[field] ?? []).map(\.description), hint: hint(field))
        }.sorted { !$0.requiredBy.isEmpty && $1.requiredBy.isEmpty }
    }

    /// Each problem by field id (`started_at`, `ended_at`, evidence ids); empty when the form can be
    /// saved. `startedText` and `endedText` are as typed (`2027-09-03T10:15`, the browser's form).
    public static func problems(
        _ loaded: LoadedPlan, kind: ActivityKind, school: String, startedText: String, endedText: String,
        evidence: [EvidenceField: String], asOf: CalendarDate
    ) -> [String: String] {
        var problems: [String: String] = [:]
        let started = DateTimeArgument.wallTime(startedText.trimmingCharacters(in: .whitespaces))
        if let started {
            if started.date > asOf {
                problems["started_at"] = "is after today (\(asOf)): a record cannot be in the future"
            } else if let name = SchoolYearName(loaded.plan.year), !name.days.contains(started.date) {
                problems["started_at"] = "is outside the \(loaded.plan.year) school year"
            }
        } else {
            problems["started_at"] = "is not a date and time like 2027-09-03T10:15"
        }
        let endText = endedText.trimmingCharacters(in: .whitespaces)
        if !endText.isEmpty {
            if let ended = DateTimeArgument.wallTime(endText) {
                if let started, ended <= started { problems["ended_at"] = "is not after the start \(started)" }
                if let started, ended.secondsSinceEpoch - started.secondsSinceEpoch > 86_400 {
                    problems["ended_at"] = "is more than a day after the start \(started)"
                }
            } else {
                problems["ended_at"] = "is not a date and time like 2027-09-03T10:25"
            }
        }
        var normalized: [EvidenceField: String] = [:]
        for (field, value) in evidence where !value.trimmingCharacters(in: .whitespaces).isEmpty {
            do { normalized[field] = try EvidenceValue.normalized(value, for: field) } catch {
                problems[field.rawValue] = "is not \(error.expected)"
            }
        }
        if let started {
            let owed = loaded.owed(kind: kind, school: school, startedAt: started, evidence: normalized).evidence
            for (field, rules) in owed where problems[field.rawValue] == nil && normalized[field] == nil {
                problems[field.rawValue] = "is required by \(rules.map(\.description).joined(separator: ", "))"
            }
        }
        return problems
    }

    static func label(_ field: EvidenceField) -> String {
        switch field {
        case .headCount: "Head count (staff and students)"
        case .studentsPresent: "Students present"
        case .conductedBy: "Conducted by"
        case .notificationMethod: "How occupants were told (alarm, PA, ...)"
        case .timeContext: "Time of day"
        case .present: "Who was present"
        case .familiesNotified: "Day families were told"
        case .respondersNotified: "Day police, fire and EMS were told"
        case .timeToEvacuate: "Time to evacuate"
        case .timeToAccount: "Time to account for everyone"
        case .signedOffBy: "Signed off by"
        default:
            field.rawValue.prefix(1).uppercased() + field.rawValue.dropFirst().replacingOccurrences(of: "_", with: " ")
        }
    }

    static func input(_ field: EvidenceField) -> String {
        switch field.shape {
        case .count: "number"
        case .date: "date"
        case .dateTime: "datetime-local"
        case .choice: "select"
        case .roles: "roles"
        case .minutes: "text"
        case .text: [.problems, .strengths, .improvements, .notes].contains(field) ? "textarea" : "text"
        }
    }

    static func choices(_ field: EvidenceField) -> [String] {
        switch field.shape {
        case .choice(let choices): choices
        case .roles: PresenceRole.allCases.map(\.rawValue)
        default: []
        }
    }

    static func hint(_ field: EvidenceField) -> String {
        switch field.shape {
        case .minutes: "e.g. 4m30s or 4:30"
        case .count: "a whole number"
        default: ""
        }
    }
}
