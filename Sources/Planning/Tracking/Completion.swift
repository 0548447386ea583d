public import Dates

/// A record that something was done: a scheduled item completed, or a drill (or a real event that
/// counts as one) that was not scheduled. Never overwritten: a correction is a new record that
/// names the one it corrects.
public struct Completion: Hashable, Sendable {
    public enum Source: String, Hashable, Sendable {
        case complete, record, `import`
    }

    /// Assigned by the store.
    public var id: Int
    public var year: String
    /// The item it completes; nil for an unscheduled drill that matched none.
    public var itemUID: String?
    public var schoolID: String
    public var kind: ActivityKind
    /// School-local wall time.
    public var startedAt: WallTime
    public var endedAt: WallTime?
    /// Evidence by field id, except started_at and ended_at.
    public var evidence: [EvidenceField: String]
    /// The completion this one corrects, if any.
    public var corrects: Int?
    public var recordedBy: String
    public var recordedOn: CalendarDate
    public var source: Source

    public init(
        id: Int = 0, year: String, itemUID: String?, schoolID: String, kind: ActivityKind, startedAt: WallTime,
        endedAt: WallTime? = nil, evidence: [EvidenceField: String] = [:], corrects: Int? = nil, recordedBy: String,
        recordedOn: CalendarDate, source: Source
    ) {
        self.id = id
        self.year = year
        self.itemUID = itemUID
        self.schoolID = schoolID
        self.kind = kind
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.evidence = evidence
        self.corrects = corrects
        self.recordedBy = recordedBy
        self.recordedOn = recordedOn
        self.source = source
    }
}

extension Completion {
    /// The completions that stand: each correction replaces the record it corrects.
    public static func current(_ all: [Completion]) -> [Completion] {
        let corrected = Set(all.compactMap(\.corrects))
        return all.filter { !corrected.contains($0.id) }
    }
}
