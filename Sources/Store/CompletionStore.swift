import Dates
import Foundation
import GRDB
public import Planning

/// Completions: appended, never changed. Every write also appends to the audit log, in the same
/// transaction.
extension SQLiteScheduleStore {
    /// Every completion of `year`, oldest first.
    public func completions(year: String) throws(StoreError) -> [Completion] {
        do {
            return try database.read { db in
                var completions: [Completion] = []
                let select = try db.makeStatement(
                    sql: "SELECT \(CompletionRecord.selection) FROM completion WHERE year = ? ORDER BY id")
                let rows = try Row.fetchCursor(select, arguments: [year])
                let columns = ColumnReader(select)
                while try rows.next() != nil { completions.append(CompletionRecord(columns).completion) }
                return completions
            }
        } catch {
            throw StoreError(message: "cannot read completions (\(error))")
        }
    }

    /// The drill records of `year`, oldest first, with their time of day and who was present taken
    /// from the evidence by SQLite: a re-plan of a state's half year read 380,000 records whole (each
    /// one's evidence decoded by Foundation, 325 MiB held) for these two fields.
    public func drillRecords(year: String) throws(StoreError) -> [Completion] {
        do {
            return try database.read { db in
                var records: [Completion] = []
                let select = try db.makeStatement(
                    sql: """
                        SELECT id, item_uid, school_id, kind, started_at, corrects,
                        CASE WHEN json_valid(evidence) THEN json_extract(evidence, '$.time_context') END,
                        CASE WHEN json_valid(evidence) THEN json_extract(evidence, '$.present') END
                        FROM completion WHERE year = ? AND kind LIKE 'drill/%' ORDER BY id
                        """)
                let rows = try Row.fetchCursor(select, arguments: [year])
                let row = ColumnReader(select)
                var schools = TextPool()
                var kinds = TextPool(capacity: 64)
                let epoch = WallTime(year: 1970, month: 1, day: 1)
                while try rows.next() != nil {
                    var evidence: [EvidenceField: String] = [:]
                    if let context = row.text(6) { evidence[.timeContext] = context }
                    if let present = row.text(7) { evidence[.present] = present }
                    let started = WallTime(row.string(4)) ?? epoch
                    records.append(
                        Completion(
                            id: row.integer(0) ?? 0, year: year, itemUID: row.text(1),
                            schoolID: row.string(2, pool: &schools),
                            kind: ActivityKind(row.string(3, pool: &kinds)) ?? .drill("fire"), startedAt: started,
                            evidence: evidence, corrects: row.integer(5), recordedBy: "", recordedOn: started.date,
                            source: .complete))
                }
                return records
            }
        } catch {
            throw StoreError(message: "cannot read drill records (\(error))")
        }
    }

    /// Appends completions (one, or a whole imported log) and their audit entries, all or nothing;
    /// returns them with their ids.
    public func add(_ completions: [Completion], audit: AuditContext) throws(StoreError) -> [Completion] {
        do {
            return try write(adding: completions.count) { db in
                var stored: [Completion] = []
                // Every record stored, then all sealed in one go, then audited in order, one entry
                // each: sealed and audited one at a time, each record read its row back and the
                // audit head again (a state's half year of 380,000 records took 25 s). What is
                // stored and audited is the same.
                var entries: [(id: Int, action: String, subject: String, detail: String)] = []
                entries.reserveCapacity(completions.count)
                for completion in completions {
                    // Compare and set, in the write transaction: of two runs recording the same item
                    // (or correcting the same record) at once, the second is refused.
                    if let corrects = completion.corrects {
                        // (Cached statements: an imported log runs these once per record, and
                        // preparing them again each time was most of the import.)
                        let already =
                            try Int.fetchOne(
                                db.cachedStatement(sql: "SELECT count(*) FROM completion WHERE corrects = ?"),
                                arguments: [corrects]) ?? 0
                        guard already == 0 else { throw Refusal("completion \(corrects) was corrected already") }
                    } else if let uid = completion.itemUID {
                        let standing =
                            try Int.fetchOne(
                                db.cachedStatement(
                                    sql: """
                                        SELECT count(*) FROM completion c WHERE c.item_uid = ?
                                        AND NOT EXISTS (SELECT 1 FROM completion d WHERE d.corrects = c.id)
                                        """), arguments: [uid]) ?? 0
                        guard standing == 0 else { throw Refusal("\(uid) is already done") }
                    }
                    var record = CompletionRecord(completion)
                    try record.insertRow(db)
                    let id = Int(db.lastInsertedRowID)
                    var saved = completion
                    saved.id = id
                    record.id = id
                    stored.append(saved)
                    entries.append(
                        (
                            id, completion.corrects != nil ? "correct" : completion.source.rawValue,
                            completion.itemUID ?? "\(completion.schoolID)/\(completion.kind)", record.auditDetail
                        ))
                }
                let table = ScheduleRecords.completionTable
                let hashes = try RowSeal.seal(db, table, keys: entries.map(\.id))
                var head = try AuditLog.head(db)
                for entry in entries {
                    let name = "\(table.name):\(entry.id)"
                    try AuditLog.append(
                        db, context: audit, action: entry.action, subject: entry.subject, detail: entry.detail,
                        sealed: AuditLog.encode(rows: hashes[name].map { [name: $0] } ?? [:]), after: &head)
                }
                return stored
            }
        } catch let refusal as Refusal {
            throw StoreError(message: "nothing was recorded: \(refusal.message)", conflict: true)
        } catch {
            throw StoreError(message: "nothing was recorded (\(error))")
        }
    }
}

/// A write refused inside its transaction (another run got there first).
package struct Refusal: Error {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// Rows of `completion` for another engine, as SQLite would hold them.
package enum CompletionRows {
    /// The columns `completion(_:)` reads, in order (`id` first).
    package static var selection: String { CompletionRecord.selection }

    /// The completion a row of `selection`'s values holds.
    package static func completion(_ values: [CanonicalRow.Value]) -> Completion {
        CompletionRecord(values: values).completion
    }

    /// The values of `selection` but `id`, in order, that a completion is stored as.
    package static func insertValues(_ completion: Completion) -> [CanonicalRow.Value] {
        CompletionRecord(completion).insertValues
    }

    /// The audit entry's detail for a completion stored as `id`.
    package static func auditDetail(_ completion: Completion, id: Int) -> String {
        var record = CompletionRecord(completion)
        record.id = id
        return record.auditDetail
    }
}

/// A row of `completion`.
struct CompletionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "completion"

    var id: Int?
    var year: String
    var itemUID: String?
    var schoolID: String
    var kind: String
    var startedAt: String
    var endedAt: String?
    var evidence: String
    var corrects: Int?
    var recordedBy: String
    var recordedOn: String
    var source: String

    enum CodingKeys: String, CodingKey {
        case id, year, kind, evidence, corrects, source
        case itemUID = "item_uid"
        case schoolID = "school_id"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case recordedBy = "recorded_by"
        case recordedOn = "recorded_on"
    }

    /// The columns `init(_ row: ColumnReader)` reads, in order: a year's log is read whole by `check` and
    /// `overdue`, and the coder's per-field lookups were most of that time.
    static let selection =
        "id, year, item_uid, school_id, kind, started_at, ended_at, evidence, corrects, recorded_by, recorded_on, source"

    /// A row of `selection`'s values, as another engine gives them.
    init(values: [CanonicalRow.Value]) {
        id = values[0].integer
        year = values[1].text ?? ""
        itemUID = values[2].text
        schoolID = values[3].text ?? ""
        kind = values[4].text ?? ""
        startedAt = values[5].text ?? ""
        endedAt = values[6].text
        evidence = values[7].text ?? ""
        corrects = values[8].integer
        recordedBy = values[9].text ?? ""
        recordedOn = values[10].text ?? ""
        source = values[11].text ?? ""
    }

    /// The insert of `insertValues`.
    static let insertSQL: String = {
        let columns = selection.split(separator: ", ").dropFirst()
        return
            "INSERT INTO completion (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    }()

    /// The values of the columns an insert writes (all of `selection` but `id`), in order.
    var insertValues: [CanonicalRow.Value] {
        [
            .text(year), itemUID.map(CanonicalRow.Value.text) ?? .null, .text(schoolID), .text(kind),
            .text(startedAt), endedAt.map(CanonicalRow.Value.text) ?? .null, .text(evidence),
            corrects.map { .integer(Int64($0)) } ?? .null, .text(recordedBy), .text(recordedOn), .text(source),
        ]
    }

    /// Inserts the row (SQLite numbers its `id`) through a statement prepared once per connection:
    /// GRDB's record insert encoded the record and built its statement for every record, a sixth
    /// of importing a log.
    func insertRow(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(binding: insertValues.map(\.databaseValue))
    }

    /// The current row of a statement that selects `selection`.
    init(_ row: ColumnReader) {
        id = row.integer(0)
        year = row.string(1)
        itemUID = row.text(2)
        schoolID = row.string(3)
        kind = row.string(4)
        startedAt = row.string(5)
        endedAt = row.text(6)
        evidence = row.string(7)
        corrects = row.integer(8)
        recordedBy = row.string(9)
        recordedOn = row.string(10)
        source = row.string(11)
    }

    init(_ completion: Completion) {
        id = completion.id == 0 ? nil : completion.id
        year = completion.year
        itemUID = completion.itemUID
        schoolID = completion.schoolID
        kind = completion.kind.description
        startedAt = completion.startedAt.description
        endedAt = completion.endedAt?.description
        let fields = Dictionary(uniqueKeysWithValues: completion.evidence.map { ($0.key.rawValue, $0.value) })
        // `JSONEncoder.sorted`'s bytes, written directly: an imported log makes two per record.
        evidence = SortedJSON.object(fields)
        corrects = completion.corrects
        recordedBy = completion.recordedBy
        recordedOn = completion.recordedOn.description
        source = completion.source.rawValue
    }

    var completion: Completion {
        let fields =
            evidence == "{}"
            ? [:] : (try? JSONDecoder().decode([String: String].self, from: Data(evidence.utf8))) ?? [:]
        var values: [EvidenceField: String] = [:]
        for (key, value) in fields { if let field = EvidenceField(rawValue: key) { values[field] = value } }
        return Completion(
            id: id ?? 0, year: year, itemUID: itemUID, schoolID: schoolID, kind: ActivityKind(kind) ?? .drill("fire"),
            startedAt: WallTime(startedAt) ?? WallTime(year: 1970, month: 1, day: 1),
            endedAt: endedAt.flatMap { WallTime($0) },
            evidence: values, corrects: corrects, recordedBy: recordedBy,
            recordedOn: CalendarDate(recordedOn) ?? CalendarDate(year: 1970, month: 1, day: 1),
            source: Completion.Source(rawValue: source) ?? .complete)
    }

    var auditDetail: String {
        var fields: [String: String] = [
            "school": schoolID, "kind": kind, "started_at": startedAt, "evidence": evidence,
        ]
        if let endedAt { fields["ended_at"] = endedAt }
        if let corrects { fields["corrects"] = String(corrects) }
        if let id { fields["completion"] = String(id) }
        return SortedJSON.object(fields)
    }
}

extension JSONEncoder {
    /// Keys sorted, so the same record always gives the same text (and the same audit hash).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
