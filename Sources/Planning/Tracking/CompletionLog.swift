public import Dates

/// A year's completions indexed once, so that judging every item of a district is linear in items
/// plus completions: the records that stand (corrections applied), each school's, the day each item
/// was first done, and each record's correction chain.
public struct CompletionLog: Sendable {
    /// Every record, corrected ones included, oldest first.
    public let all: [Completion]
    /// The records that stand: each correction replaces the record it corrects.
    public let standing: [Completion]
    /// Where each record is in `all`, by its id.
    private let byID: [Int: Int]
    private let standingBySchool: [String: [Completion]]
    private let doneOn: [String: CalendarDate]

    public init(_ all: [Completion]) {
        self.all = all
        let corrected = Set(all.compactMap(\.corrects))
        // Without corrections the records that stand are all of them: the same array, not a copy
        // (a state's half year is 380,000 records, each string retained once more).
        standing = corrected.isEmpty ? all : all.filter { !corrected.contains($0.id) }
        // Positions, not records: a record kept here was every string of it retained again.
        var byID: [Int: Int] = [:]
        byID.reserveCapacity(all.count)
        for position in all.indices where byID[all[position].id] == nil { byID[all[position].id] = position }
        self.byID = byID
        standingBySchool = Dictionary(grouping: standing, by: \.schoolID)
        // Room made at once: grown by doubling, a state's half year rehashed its 380,000 uids into
        // fresh memory again and again.
        var doneOn: [String: CalendarDate] = [:]
        doneOn.reserveCapacity(standing.count)
        for completion in standing {
            guard let uid = completion.itemUID else { continue }
            doneOn[uid] = min(doneOn[uid] ?? completion.startedAt.date, completion.startedAt.date)
        }
        self.doneOn = doneOn
    }

    /// The standing records of one school, oldest first.
    public func standing(school: String) -> [Completion] { standingBySchool[school] ?? [] }

    /// The earliest day a standing record says the item was done, if one does.
    public func doneOn(_ itemUID: String) -> CalendarDate? { doneOn[itemUID] }

    /// Whether a standing record completes the item.
    public func isDone(_ itemUID: String) -> Bool { doneOn[itemUID] != nil }

    /// The day the drill behind `completion` was first recorded: corrections keep the original's day.
    public func firstRecorded(_ completion: Completion) -> CalendarDate {
        var current = completion
        var earliest = completion.recordedOn
        var seen: Set<Int> = [completion.id]
        while let previous = current.corrects.flatMap({ byID[$0].map { all[$0] } }), seen.insert(previous.id).inserted {
            earliest = min(earliest, previous.recordedOn)
            current = previous
        }
        return earliest
    }
}
