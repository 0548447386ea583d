public import Dates
import Foundation
public import Planning
public import Store

/// The schedule database in PostgreSQL (`--db postgres://…`): the same tables, rows, audit chain and
/// row seals as `SQLiteScheduleStore`, hash for hash, so `audit verify` and every command answer
/// alike on both. Every write that the audit chain records takes the database's advisory lock
/// first: two servers on one database append to one chain in turn, and claim each alert once.
public final class PostgresScheduleStore: ScheduleStore {
    let pool: PostgresPool
    /// The lock every audited write takes.
    static let writers = "drillbook schedule"
    /// Sessions are written on every sign-in and are not audited: they do not wait for the schedule.
    static let sessionWriters = "drillbook sessions"
    /// Rows per multi-row `INSERT`: 25 parameters each, well under PostgreSQL's 65,535.
    static let batch = 500

    public var location: String { pool.shown }

    /// Connects to the database at `url` and brings its tables up to date.
    public init(url: String) throws(StoreError) {
        pool = try PostgresPool(url: url)
        do {
            try Self.migrations.run(on: pool)
        } catch {
            throw StoreError(message: "\(pool.shown): cannot open the schedule database (\(error))")
        }
    }

    func write<T>(_ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        try pool.write(Self.writers, failure, body)
    }

    func read<T>(_ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        try pool.read(failure, body)
    }

    // MARK: - Items

    /// `item`'s content columns, for `SELECT` and `INSERT`.
    private static let itemColumns = ItemRows.columns.joined(separator: ", ")
    /// The positions of `item`'s boolean columns (SQLite keeps them as 0 and 1).
    private static let booleans = Set(
        ItemRows.columns.indices.filter { ["announced", "admin_only"].contains(ItemRows.columns[$0]) })

    public func items(year: String, onEveryCore: Bool) throws(StoreError) -> [TrackedItem] {
        try read("cannot read the schedule") { session in
            // Bytewise order ("C"), NULL start first: the order SQLite gives, whatever the database's collation.
            try session.query(
                """
                SELECT \(Self.itemColumns) FROM item WHERE year = $1
                ORDER BY date COLLATE "C", start_minutes NULLS FIRST, id COLLATE "C"
                """, [.text(year)]
            ).map { row in ItemRows.tracked(row.map(\.canonical)) }
        }
    }

    /// A row's values, bound as its columns' types.
    private static func binds(_ values: [CanonicalRow.Value]) -> [PostgresSession.Value] {
        values.enumerated().map { index, value in
            booleans.contains(index) ? .bool(value.integer == 1) : PostgresSession.Value(value)
        }
    }

    public func apply(
        _ result: ReplanResult, year: String, asOf: CalendarDate, versions: [String: String]?, audit: AuditContext
    ) throws(StoreError) {
        do {
            try pool.transaction(writing: Self.writers) { session in
                if let versions { try Self.saveVersions(session, versions, year: year) }
                let added = result.added.map { ItemRows.values($0, year: year) }
                // New rows carry their seal from the values written, while the table has exactly the
                // columns written (a column added behind Drillbook's back is sealed from the row read).
                let fromValues = try PostgresRowSeal.contentColumns(session, "item") == Set(ItemRows.columns)
                let hashes =
                    fromValues
                    ? [[String]](concurrentlyComputing: (added.count + 1_023) / 1_024) { part in
                        added[(part * 1_024)..<min(added.count, (part + 1) * 1_024)].map {
                            CanonicalRow.hash(columns: ItemRows.columns, values: $0)
                        }
                    }.flatMap { $0 } : []
                let placeholders = PostgresRowSeal.placeholders(columns: ItemRows.columns.count + 1, rows: Self.batch)
                for start in stride(from: 0, to: added.count, by: Self.batch) {
                    let end = min(added.count, start + Self.batch)
                    var values: [PostgresSession.Value] = []
                    values.reserveCapacity((end - start) * (ItemRows.columns.count + 1))
                    for index in start..<end {
                        values += Self.binds(added[index])
                        values.append(fromValues ? .text(hashes[index]) : .null)
                    }
                    let tuples =
                        end - start == Self.batch
                        ? placeholders
                        : PostgresRowSeal.placeholders(columns: ItemRows.columns.count + 1, rows: end - start)
                    try session.execute("INSERT INTO item (\(Self.itemColumns), row_hash) VALUES \(tuples)", values)
                }
                var rows: [String: String] = [:]
                var touched: [String] = []
                if fromValues {
                    for (item, hash) in zip(result.added, hashes) { rows["item:\(item.item.uid)"] = hash }
                } else {
                    touched = result.added.map(\.item.uid)
                }
                let update =
                    "UPDATE item SET (\(Self.itemColumns)) = (\(PostgresRowSeal.placeholders(ItemRows.columns.count))) "
                    + "WHERE uid = $\(ItemRows.columns.count + 1)"
                for item in result.moved.map(\.to) + result.cancelled + result.renoticed {
                    try session.execute(update, Self.binds(ItemRows.values(item, year: year)) + [.text(item.item.uid)])
                    touched.append(item.item.uid)
                }
                rows.merge(try PostgresRowSeal.seal(session, ScheduleRecords.itemTable, keys: touched)) { $1 }
                try session.execute(
                    "INSERT INTO schedule_run (year, as_of, added, moved, cancelled) VALUES ($1, $2, $3, $4, $5)",
                    [
                        .text(year), .text(asOf.description), .integer(result.added.count),
                        .integer(result.moved.count), .integer(result.cancelled.count),
                    ])
                try PostgresAuditLog.append(
                    session, table: "audit", context: audit, action: "schedule", subject: year,
                    detail: ScheduleRecords.scheduleDetail(result), rows: rows)
            }
        } catch {
            throw StoreError(message: "the schedule was not saved (\(error)); nothing changed")
        }
    }

    // MARK: - Activity versions

    public func activityVersions(year: String) throws(StoreError) -> [String: String] {
        try read("cannot read the activity versions") { session in
            var result: [String: String] = [:]
            for row in try session.query(
                "SELECT activity_id, fingerprint FROM activity_version WHERE year = $1", [.text(year)])
            {
                guard let activity = row.text("activity_id") else { continue }
                result[activity] = row.text("fingerprint")
            }
            return result
        }
    }

    public func saveVersions(_ versions: [String: String], year: String) throws(StoreError) {
        try write("cannot store the activity versions") { session in
            try Self.saveVersions(session, versions, year: year)
        }
    }

    private static func saveVersions(_ session: PostgresSession, _ versions: [String: String], year: String) throws {
        try session.execute("DELETE FROM activity_version WHERE year = $1", [.text(year)])
        let sorted = versions.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: sorted.count, by: batch) {
            let part = sorted[start..<min(sorted.count, start + batch)]
            try session.execute(
                "INSERT INTO activity_version (year, activity_id, fingerprint) VALUES "
                    + PostgresRowSeal.placeholders(columns: 3, rows: part.count),
                part.flatMap { [.text(year), .text($0.key), .text($0.value)] })
        }
    }

    // MARK: - Completions

    public func completions(year: String) throws(StoreError) -> [Completion] {
        try read("cannot read completions") { session in
            try session.query(
                "SELECT \(CompletionRows.selection) FROM completion WHERE year = $1 ORDER BY id", [.text(year)]
            ).map { CompletionRows.completion($0.map(\.canonical)) }
        }
    }

    public func add(_ completions: [Completion], audit: AuditContext) throws(StoreError) -> [Completion] {
        do {
            return try pool.transaction(writing: Self.writers) { session in
                var stored: [Completion] = []
                for completion in completions {
                    // Checked under the writers' lock: of two runs recording the same item (or
                    // correcting the same record) at once, on any server, the second is refused.
                    if let corrects = completion.corrects {
                        guard
                            try session.query(
                                "SELECT 1 FROM completion WHERE corrects = $1", [.integer(corrects)]
                            ).isEmpty
                        else { throw Refusal("completion \(corrects) was corrected already") }
                    } else if let uid = completion.itemUID {
                        guard
                            try session.query(
                                """
                                SELECT 1 FROM completion c WHERE c.item_uid = $1
                                AND NOT EXISTS (SELECT 1 FROM completion d WHERE d.corrects = c.id)
                                """, [.text(uid)]
                            ).isEmpty
                        else { throw Refusal("\(uid) is already done") }
                    }
                    let id =
                        try session.query(
                            """
                            INSERT INTO completion (year, item_uid, school_id, kind, started_at, ended_at, evidence,
                                corrects, recorded_by, recorded_on, source)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
                            """, CompletionRows.insertValues(completion).map(PostgresSession.Value.init)
                        ).first?.integer("id") ?? 0
                    var saved = completion
                    saved.id = id
                    stored.append(saved)
                    try PostgresAuditLog.append(
                        session, table: "audit", context: audit,
                        action: completion.corrects != nil ? "correct" : completion.source.rawValue,
                        subject: completion.itemUID ?? "\(completion.schoolID)/\(completion.kind)",
                        detail: CompletionRows.auditDetail(completion, id: id),
                        rows: try PostgresRowSeal.seal(session, ScheduleRecords.completionTable, keys: [String(id)]))
                }
                return stored
            }
        } catch let refusal as Refusal {
            throw StoreError(message: "nothing was recorded: \(refusal.message)", conflict: true)
        } catch {
            throw StoreError(message: "nothing was recorded (\(error))")
        }
    }

    // MARK: - Audit

    public func auditEntries() throws(StoreError) -> [AuditEntry] {
        try read("cannot read the audit log") { session in try PostgresAuditLog.entries(session, table: "audit") }
    }

    public func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification {
        try read("cannot read the audit log") { session in
            try PostgresAuditLog.verify(
                session, table: "audit", sealed: ScheduleRecords.sealedTables, head: expected)
        }
    }

    public func lastChange() throws(StoreError) -> (seq: Int, at: String?) {
        try read("cannot read the audit log") { session in try Self.lastChange(session) }
    }

    static func lastChange(_ session: PostgresSession) throws -> (seq: Int, at: String?) {
        let row = try session.query("SELECT seq, at FROM audit ORDER BY seq DESC LIMIT 1").first
        return (row?.integer("seq") ?? 0, row?.text("at"))
    }
}
