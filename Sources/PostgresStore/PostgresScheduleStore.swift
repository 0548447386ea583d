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
    /// Rows per `INSERT`: items go as one array per column, activity versions as three parameters a
    /// row (PostgreSQL takes at most 65,535).
    static let batch = 2_000

    public var location: String { pool.shown }
    public var readsAreRoundTrips: Bool { true }

    /// Connects to the database at `url` and brings its tables up to date; with `district`, that
    /// district's own tables in a database of many (`PostgresDistricts.open`).
    public init(url: String, district: PostgresDistricts.Scope? = nil) throws(StoreError) {
        pool = try PostgresPool(url: url, schema: district?.schema)
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
            var items: [TrackedItem] = []
            try session.forEach(
                """
                SELECT \(Self.itemColumns) FROM item WHERE year = $1
                ORDER BY date COLLATE "C", start_minutes NULLS FIRST, id COLLATE "C"
                """, [.text(year)]
            ) { row in items.append(ItemRows.tracked(row.map(\.canonical))) }
            return items
        }
    }

    public func items(year: String, school: String) throws(StoreError) -> [TrackedItem] {
        try pool.single("cannot read the schedule") { session in
            var items: [TrackedItem] = []
            try session.forEach(
                """
                SELECT \(Self.itemColumns) FROM item WHERE year = $1 AND school_id = $2
                ORDER BY date COLLATE "C", start_minutes NULLS FIRST, id COLLATE "C"
                """, [.text(year), .text(school)]
            ) { row in items.append(ItemRows.tracked(row.map(\.canonical))) }
            return items
        }
    }

    /// A row's values, bound as its columns' types.
    private static func binds(_ values: [CanonicalRow.Value]) -> [PostgresSession.Value] {
        values.enumerated().map { index, value in
            booleans.contains(index) ? .bool(value.integer == 1) : PostgresSession.Value(value)
        }
    }

    /// The positions of `item`'s integer columns; every other is text or boolean.
    private static let integers = Set(
        ItemRows.columns.indices.filter {
            ["slot", "start_minutes", "duration_minutes", "sequence"].contains(ItemRows.columns[$0])
        })

    /// One `INSERT` of many items: each column one array parameter, zipped by `unnest` (a VALUES
    /// list of as many rows made the server parse and plan every row). A column with NULLs
    /// in it comes with an array of flags saying which.
    private static func insert(_ rows: [[CanonicalRow.Value]], hashes: [String]?) -> (String, [PostgresSession.Value]) {
        var values: [PostgresSession.Value] = []
        var arrays: [String] = []
        var selected: [String] = []
        for (index, column) in ItemRows.columns.enumerated() {
            let cells = rows.map { $0[index] }
            let type = booleans.contains(index) ? "boolean" : integers.contains(index) ? "bigint" : "text"
            switch type {
            case "boolean": values.append(.bools(cells.map { $0.integer == 1 }))
            case "bigint": values.append(.integers(cells.map { $0.integer ?? 0 }))
            default: values.append(.texts(cells.map { $0.text ?? "" }))
            }
            arrays.append("$\(values.count)::\(type)[]")
            if cells.contains(.null) {
                values.append(.bools(cells.map { $0 == .null }))
                arrays.append("$\(values.count)::boolean[]")
                selected.append("CASE WHEN u.\(column)_null THEN NULL ELSE u.\(column) END")
            } else {
                selected.append("u.\(column)")
            }
        }
        let names = ItemRows.columns.enumerated().flatMap { index, column in
            rows.contains { $0[index] == .null } ? [column, column + "_null"] : [column]
        }
        if let hashes {
            values.append(.texts(hashes))
            arrays.append("$\(values.count)::text[]")
            selected.append("u.row_hash")
        } else {
            selected.append("NULL")
        }
        let sql =
            "INSERT INTO item (\(itemColumns), row_hash) SELECT \(selected.joined(separator: ", ")) "
            + "FROM unnest(\(arrays.joined(separator: ", "))) AS u(\((names + (hashes == nil ? [] : ["row_hash"])).joined(separator: ", ")))"
        return (sql, values)
    }

    public func apply(
        _ result: ReplanResult, year: String, asOf: CalendarDate, versions: [String: String]?, audit: AuditContext
    ) throws(StoreError) {
        do {
            try pool.transaction(writing: Self.writers) { session in
                if let versions { try Self.saveVersions(session, versions, year: year) }
                // New rows carry their seal from the values written, while the table has exactly the
                // columns written (a column added behind Drillbook's back is sealed from the row read).
                let fromValues = try PostgresRowSeal.contentColumns(session, "item") == Set(ItemRows.columns)
                // In the order SQLite's inserts take (school by school, by id): the indexes on ids
                // and UIDs grow at one end.
                let order = ItemRows.insertionOrder(result.added)
                let added = result.added
                var hashes: [String] = []
                hashes.reserveCapacity(added.count)
                // Two statements in flight while the next one's rows are made and sealed (on every
                // core): the server's work and this side's overlap (one in flight left the server
                // idle between statements: a state's first schedule 20.7 -> 18.2 s with two).
                var pipeline = PostgresSession.Pipeline(session)
                // The audit entry's list written school by school as the rows are sealed, while the
                // server inserts (as SQLite's `SealPipeline` does): made after the last statement, a
                // state's 780,000 names hashed into a dictionary and sorted took 2 s on one core.
                var list = SortedJSONBlocks(capacity: fromValues ? added.count * 160 : 0)
                var school: [(String, String)] = []
                var schoolID = ""
                for start in stride(from: 0, to: added.count, by: Self.batch) {
                    let end = min(added.count, start + Self.batch)
                    let parts = [([[CanonicalRow.Value]], [String])](concurrentlyComputing: (end - start + 255) / 256) {
                        part in
                        let rows = ((start + part * 256)..<min(end, start + (part + 1) * 256)).map {
                            ItemRows.values(added[order[$0]], year: year)
                        }
                        let sealed = rows.map {
                            fromValues ? ItemRows.hash($0) : ""
                        }
                        return (rows, sealed)
                    }
                    let sealed = parts.flatMap(\.1)
                    hashes += sealed
                    let (sql, values) = Self.insert(parts.flatMap(\.0), hashes: fromValues ? sealed : nil)
                    try pipeline.send(sql, values)
                    guard fromValues && list.inOrder else { continue }
                    added.withUnsafeBufferPointer { added in
                        for (index, hash) in zip(start..<end, sealed) {
                            if added[order[index]].item.schoolID != schoolID {
                                list.append(school)
                                school.removeAll(keepingCapacity: true)
                                schoolID = added[order[index]].item.schoolID
                            }
                            school.append(("item:\(added[order[index]].item.uid)", hash))
                        }
                    }
                }
                try pipeline.finish()
                list.append(school)
                school = []
                var rows: [String: String] = [:]
                var touched: [String] = []
                let changed = result.moved.map(\.to) + result.cancelled + result.renoticed
                // The list as written, when the added rows are all it names and came in order.
                let written = fromValues && changed.isEmpty ? list.finish() : nil
                if written == nil {
                    if fromValues {
                        for (position, hash) in zip(order, hashes) { rows["item:\(added[position].item.uid)"] = hash }
                    } else {
                        touched = result.added.map(\.item.uid)
                    }
                }
                let update =
                    "UPDATE item SET (\(Self.itemColumns)) = (\(PostgresRowSeal.placeholders(ItemRows.columns.count))) "
                    + "WHERE uid = $\(ItemRows.columns.count + 1)"
                for item in changed {
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
                if let written {
                    try PostgresAuditLog.append(
                        session, table: "audit", context: audit, action: "schedule", subject: year,
                        detail: ScheduleRecords.scheduleDetail(result), sealed: written)
                } else {
                    try PostgresAuditLog.append(
                        session, table: "audit", context: audit, action: "schedule", subject: year,
                        detail: ScheduleRecords.scheduleDetail(result), rows: rows)
                }
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
            var completions: [Completion] = []
            try session.forEach(
                "SELECT \(CompletionRows.selection) FROM completion WHERE year = $1 ORDER BY id", [.text(year)]
            ) { row in completions.append(CompletionRows.completion(row.map(\.canonical))) }
            return completions
        }
    }

    public func add(_ completions: [Completion], audit: AuditContext) throws(StoreError) -> [Completion] {
        do {
            return try pool.transaction(writing: Self.writers) { session in
                try Self.refuseConflicts(session, completions)
                guard !completions.isEmpty else { return [] }
                // Numbers first, so each row's seal is worked out from the values written (as a
                // first schedule's items are) and a whole log goes in a few statements.
                let ids = try session.query(
                    "SELECT nextval(pg_get_serial_sequence('completion', 'id')) AS id FROM generate_series(1, $1)",
                    [.integer(completions.count)]
                ).compactMap { $0.integer("id") }.sorted()
                let columns = CompletionRows.selection.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                let fromValues = try PostgresRowSeal.contentColumns(session, "completion") == Set(columns)
                var stored: [Completion] = []
                var values: [PostgresSession.Value] = []
                var entries: [PostgresAuditLog.Entry] = []
                for (completion, id) in zip(completions, ids) {
                    var saved = completion
                    saved.id = id
                    stored.append(saved)
                    let row = [CanonicalRow.Value.integer(Int64(id))] + CompletionRows.insertValues(completion)
                    let hash = CanonicalRow.hash(columns: columns, values: row)
                    values += row.map(PostgresSession.Value.init) + [fromValues ? .text(hash) : .null]
                    entries.append(
                        (
                            completion.corrects != nil ? "correct" : completion.source.rawValue,
                            completion.itemUID ?? "\(completion.schoolID)/\(completion.kind)",
                            CompletionRows.auditDetail(completion, id: id),
                            fromValues ? ["completion:\(id)": hash] : [:]
                        ))
                }
                let perStatement = 60_000 / (columns.count + 1)
                for start in stride(from: 0, to: completions.count, by: perStatement) {
                    let count = min(perStatement, completions.count - start)
                    try session.execute(
                        "INSERT INTO completion (\(columns.joined(separator: ", ")), row_hash) VALUES "
                            + PostgresRowSeal.placeholders(columns: columns.count + 1, rows: count),
                        Array(values[(start * (columns.count + 1))..<((start + count) * (columns.count + 1))]))
                }
                if !fromValues {
                    for index in entries.indices {
                        entries[index].rows = try PostgresRowSeal.seal(
                            session, ScheduleRecords.completionTable, keys: [String(ids[index])])
                    }
                }
                try PostgresAuditLog.append(session, table: "audit", context: audit, entries: entries)
                return stored
            }
        } catch let refusal as Refusal {
            throw StoreError(message: "nothing was recorded: \(refusal.message)", conflict: true)
        } catch {
            throw StoreError(message: "nothing was recorded (\(error))")
        }
    }

    /// Refuses, in the writers' lock, a completion of an item already done or a correction of a
    /// record already corrected, by what is stored or by an earlier one of the same call: of two
    /// runs recording the same item at once, on any server, the second is refused. The first such
    /// completion in order is named, as storing them one by one would.
    private static func refuseConflicts(_ session: PostgresSession, _ completions: [Completion]) throws {
        var corrected = Set<Int>()
        var done = Set<String>()
        let corrects = Array(Set(completions.compactMap(\.corrects)))
        let items = Array(Set(completions.filter { $0.corrects == nil }.compactMap(\.itemUID)))
        for start in stride(from: 0, to: corrects.count, by: 10_000) {
            let part = corrects[start..<min(corrects.count, start + 10_000)]
            for row in try session.query(
                "SELECT corrects FROM completion WHERE corrects IN (\(PostgresRowSeal.placeholders(part.count)))",
                part.map { .integer($0) })
            {
                if let id = row.integer("corrects") { corrected.insert(id) }
            }
        }
        for start in stride(from: 0, to: items.count, by: 10_000) {
            let part = items[start..<min(items.count, start + 10_000)]
            for row in try session.query(
                """
                SELECT c.item_uid FROM completion c WHERE c.item_uid IN (\(PostgresRowSeal.placeholders(part.count)))
                AND NOT EXISTS (SELECT 1 FROM completion d WHERE d.corrects = c.id)
                """, part.map { .text($0) })
            {
                if let uid = row.text("item_uid") { done.insert(uid) }
            }
        }
        for completion in completions {
            if let corrects = completion.corrects {
                guard corrected.insert(corrects).inserted else {
                    throw Refusal("completion \(corrects) was corrected already")
                }
            } else if let uid = completion.itemUID {
                guard !done.contains(uid) else { throw Refusal("\(uid) is already done") }
            }
            // Stored, it stands: a later completion of the same item in this call is refused.
            if let uid = completion.itemUID { done.insert(uid) }
        }
    }

    // MARK: - Audit

    public func auditEntries() throws(StoreError) -> [AuditEntry] {
        try read("cannot read the audit log") { session in try PostgresAuditLog.entries(session, table: "audit") }
    }

    public func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification {
        try read("cannot read the audit log") { session in
            try PostgresAuditLog.verify(
                session, table: "audit", sealed: ScheduleRecords.sealedTables, head: expected, pool: pool)
        }
    }

    public func lastChange() throws(StoreError) -> (seq: Int, at: String?) {
        try pool.single("cannot read the audit log") { session in try Self.lastChange(session) }
    }

    static func lastChange(_ session: PostgresSession) throws -> (seq: Int, at: String?) {
        let row = try session.query("SELECT seq, at FROM audit ORDER BY seq DESC LIMIT 1").first
        return (row?.integer("seq") ?? 0, row?.text("at"))
    }
}
