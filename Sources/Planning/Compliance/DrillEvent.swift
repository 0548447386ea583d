public import Dates

/// A drill as the requirement model sees it: held (a record) or still scheduled, with what the
/// rules judge: its type, day, time of day, who was there, notices given and evidence recorded.
public struct DrillEvent: Hashable, Sendable {
    public enum State: String, Hashable, Sendable {
        case held, scheduled
        /// Scheduled for a day already past and not recorded: counts for nothing, but is named in
        /// the finding about the shortfall it leaves.
        case missed
    }

    public var type: String
    /// The day it was held, or is scheduled for.
    public var date: CalendarDate
    public var context: TimeOfDay?
    /// The school-local clock hour it starts in (0 to 23); nil when not known (a record with no time).
    public var hour: Int?
    public var presence: Set<PresenceRole>
    public var state: State
    /// The scheduled item it is, or completes (`lincoln-hs/lockdown-drill-2`).
    public var itemID: String?
    public var completionID: Int?
    /// When families and responders were told (a held notice), or are to be (a scheduled one).
    public var familiesNoticeOn: CalendarDate?
    public var respondersNoticeOn: CalendarDate?
    public var evidence: [EvidenceField: String]
    /// When the drill was first recorded: a later correction keeps this day.
    public var firstRecordedOn: CalendarDate?

    public init(
        type: String, date: CalendarDate, context: TimeOfDay? = nil, presence: Set<PresenceRole> = [],
        state: State = .scheduled, itemID: String? = nil, completionID: Int? = nil,
        familiesNoticeOn: CalendarDate? = nil, respondersNoticeOn: CalendarDate? = nil,
        evidence: [EvidenceField: String] = [:], firstRecordedOn: CalendarDate? = nil, hour: Int? = nil
    ) {
        self.type = type
        self.hour = hour
        self.date = date
        self.context = context
        self.presence = presence
        self.state = state
        self.itemID = itemID
        self.completionID = completionID
        self.familiesNoticeOn = familiesNoticeOn
        self.respondersNoticeOn = respondersNoticeOn
        self.evidence = evidence
        self.firstRecordedOn = firstRecordedOn
    }

    /// `lincoln-hs/fire-drill-3 (2027-10-04)` or `the fire drill of 2027-10-04`.
    public var label: String {
        itemID.map { "\($0) (\(date))" } ?? "the \(type.dashesAsSpaces) drill of \(date)"
    }
}

extension DrillEvent {
    /// A held drill from its record: the time of day from `time_context` or, when not given, from
    /// its start against the school's bells; presence from the structured `present` field only.
    public static func held(
        _ completion: Completion, school: School, itemID: String?, firstRecordedOn: CalendarDate
    ) -> DrillEvent? {
        guard case .drill(let type) = completion.kind else { return nil }
        let context =
            completion.evidence[.timeContext].flatMap(TimeOfDay.init(rawValue:))
            ?? school.bellSchedule.context(
                at: ClockTime(hour: completion.startedAt.hour, minute: completion.startedAt.minute))
        return DrillEvent(
            type: type, date: completion.startedAt.date, context: context,
            presence: PresenceRole.parse(completion.evidence[.present] ?? ""), state: .held, itemID: itemID,
            completionID: completion.id,
            familiesNoticeOn: completion.evidence[.familiesNotified].flatMap { CalendarDate($0) },
            respondersNoticeOn: completion.evidence[.respondersNotified].flatMap { CalendarDate($0) },
            evidence: completion.evidence, firstRecordedOn: firstRecordedOn,
            hour: completion.startedAt.hour == 0 && completion.startedAt.minute == 0 ? nil : completion.startedAt.hour)
    }
}

extension PresenceRole {
    /// `law_enforcement; fire` as stored: unknown words count for nothing.
    public static func parse(_ text: String) -> Set<PresenceRole> {
        Set(
            text.split(whereSeparator: { $0 == ";" || $0 == "," }).compactMap {
                PresenceRole(
                    rawValue: String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()))
            })
    }
}
