/// A field of a drill record, by the ids shared/FORMATS.md section 2 gives: one list for the plan,
/// rule files, CLI flags (`--head-count`), JSON and CSV.
public enum EvidenceField: String, Hashable, Sendable, CaseIterable, Codable {
    case startedAt = "started_at"
    case endedAt = "ended_at"
    case scenario
    case conductedBy = "conducted_by"
    case notificationMethod = "notification_method"
    case headCount = "head_count"
    case studentsPresent = "students_present"
    /// class, passing, lunch, arrival or dismissal.
    case timeContext = "time_context"
    /// Who was there, from the closed list of `PresenceRole`s (`law_enforcement; fire`).
    case present
    /// Free text from before `present` existed: kept as a note, counts for no rule.
    case agenciesPresent = "agencies_present"
    /// The day families were told of the drill (for a drill logged without a notice item).
    case familiesNotified = "families_notified"
    /// The day police, fire and EMS were told.
    case respondersNotified = "responders_notified"
    case weather
    case problems
    case timeToEvacuate = "time_to_evacuate"
    case timeToAccount = "time_to_account"
    case strengths
    case improvements
    case signedOffBy = "signed_off_by"
    case notes
    case attachments

    /// `--head-count`.
    public var flag: String { "--" + rawValue.replacingUnderscores }

    /// What a value must look like, when not free text.
    public var shape: Shape {
        switch self {
        case .startedAt, .endedAt: .dateTime
        case .familiesNotified, .respondersNotified: .date
        case .headCount, .studentsPresent: .count
        case .timeToEvacuate, .timeToAccount: .minutes
        case .timeContext: .choice(TimeOfDay.drillContexts.map(\.rawValue))
        case .present: .roles
        default: .text
        }
    }

    public enum Shape: Hashable, Sendable {
        case text, dateTime, date, count, minutes
        /// `;`-separated `PresenceRole`s.
        case roles
        case choice([String])
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}
