public import Store

/// `drillbook db migrate`: a district's SQLite database copied into an empty PostgreSQL database,
/// row for row, its audit chain and every row's seal as they are. Row seals are the same bytes on
/// both engines (`CanonicalRow`), so the copy verifies against the source's own chain and head;
/// it is checked inside the copy's transaction, and a copy that does not verify is never committed.
public enum PostgresImport {
    /// Which of a district's two databases.
    public enum Database: Sendable {
        case schedule, incidents
    }

    /// What was copied, and the chain both sides hold.
    public struct Report: Sendable {
        public var rows: Int
        public var tables: Int
        public var sealedRows: Int
        public var entries: Int
        public var head: String
    }

    /// Copies the SQLite database at `path` (brought up to date first) into the empty PostgreSQL
    /// database at `url` (with `district`, into that registered district's empty tables). Refused
    /// when the source's chain does not verify or the target holds rows.
    public static func copy(
        _ database: Database, from path: String, to url: String, district: PostgresDistricts.Scope? = nil
    ) throws(StoreError) -> Report {
        let tables: [String]
        let sealed: [SealedTable]
        let audit: String
        let lock: String
        let source: AuditVerification
        let pool: PostgresPool
        // Opening a file as the other kind of database would add that kind's tables to it.
        let found: Set<String>
        do { found = try SQLiteTables.names(path) } catch {
            throw StoreError(message: "\(path): not a SQLite database Drillbook can read (\(error))")
        }
        switch (database, found.contains("item"), found.contains("incident")) {
        case (.schedule, false, true):
            throw StoreError(message: "\(path) is an incidents database: copy it with --incidents")
        case (.schedule, false, _):
            throw StoreError(message: "\(path) is not a Drillbook schedule database (it has no items table)")
        case (.incidents, _, false):
            throw StoreError(message: "\(path) is not a Drillbook incidents database (it has no incidents table)")
        default: break
        }
        switch database {
        case .schedule:
            source = try SQLiteScheduleStore(path: path).verifyAudit()
            pool = try PostgresScheduleStore(url: url, district: district).pool
            (tables, sealed, audit, lock) = (
                SQLiteTables.schedule, ScheduleRecords.sealedTables, "audit", PostgresScheduleStore.writers
            )
        case .incidents:
            source = try SQLiteIncidentStore(path: path).verifyAudit(head: nil)
            pool = try PostgresIncidentStore(url: url, district: district).pool
            (tables, sealed, audit, lock) = (
                SQLiteTables.incidents, IncidentRecords.sealedTables, IncidentRecords.auditTable,
                PostgresIncidentStore.writers
            )
        }
        guard case .intact(let entries, let head) = source else {
            throw StoreError(
                message:
                    "\(path): its audit chain does not verify (`drillbook audit verify` says why); nothing was copied")
        }
        return try pool.write(lock, "\(pool.shown): nothing was copied") { session in
            for table in tables where !(try session.query("SELECT 1 FROM \(table) LIMIT 1").isEmpty) {
                throw Refusal(
                    "\(pool.shown): \(table) holds rows already; `db migrate` copies into an empty database; nothing was copied"
                )
            }
            let types = try columnTypes(session)
            var rows = 0
            try SQLiteTables.read(path, tables: tables) { table, columns, values in
                try insert(session, table: table, columns: columns, rows: values, types: types)
                rows += values.count
            }
            // Numbers given out from here on follow the copied ones.
            for table in tables where types["\(table).id"] == "bigint" {
                try session.execute(
                    "SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE(max(id), 0) + 1, false) FROM \(table)",
                    [.text(table)])
            }
            let copied = try PostgresAuditLog.verify(session, table: audit, sealed: sealed, head: head)
            guard copied == .intact(entries: entries, head: head) else {
                throw Refusal("\(pool.shown): the copy does not verify (\(copied)); nothing was copied")
            }
            let before = try SQLiteTables.rowHashes(path, tables: sealed)
            let after = try rowHashes(session, tables: sealed)
            guard before == after else {
                let differing = Set(before.keys).symmetricDifference(after.keys).union(
                    before.keys.filter { after[$0] != nil && after[$0]! != before[$0]! })
                throw Refusal(
                    "\(pool.shown): row hashes differ after the copy (\(differing.sorted().prefix(3).joined(separator: ", "))); nothing was copied"
                )
            }
            return Report(rows: rows, tables: tables.count, sealedRows: after.count, entries: entries, head: head)
        }
    }

    /// `table.column` -> PostgreSQL's name of its type (`bigint`, `text`, `boolean`...).
    private static func columnTypes(_ session: PostgresSession) throws -> [String: String] {
        var types: [String: String] = [:]
        for row in try session.query(
            """
            SELECT CAST(table_name AS text) AS t, CAST(column_name AS text) AS c, CAST(data_type AS text) AS type
            FROM information_schema.columns WHERE table_schema = current_schema()
            """)
        {
            types["\(row.text("t") ?? "").\(row.text("c") ?? "")"] = row.text("type")
        }
        return types
    }

    /// Writes `rows` into `table`, each value as its column's type, in multi-row `INSERT`s.
    private static func insert(
        _ session: PostgresSession, table: String, columns: [String], rows: [[CanonicalRow.Value]],
        types: [String: String]
    ) throws {
        guard !rows.isEmpty else { return }
        let columnTypes = try columns.map { column in
            guard let type = types["\(table).\(column)"] else {
                throw Refusal("\(table).\(column) has no column to go to in PostgreSQL; nothing was copied")
            }
            return type
        }
        let perStatement = max(1, 60_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let part = rows[start..<min(rows.count, start + perStatement)]
            var binds: [PostgresSession.Value] = []
            binds.reserveCapacity(part.count * columns.count)
            for (offset, row) in part.enumerated() {
                for (index, value) in row.enumerated() {
                    guard let bound = bind(value, as: columnTypes[index]) else {
                        throw Refusal(
                            "\(table) row \(start + offset + 1), \(columns[index]): \(value) cannot be kept as \(columnTypes[index]); nothing was copied"
                        )
                    }
                    binds.append(bound)
                }
            }
            try session.execute(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                    + PostgresRowSeal.placeholders(columns: columns.count, rows: part.count),
                binds)
        }
    }

    /// A value SQLite held, as a column of `type` keeps it; nil when it cannot be kept so.
    private static func bind(_ value: CanonicalRow.Value, as type: String) -> PostgresSession.Value? {
        switch (value, type) {
        case (.null, _): .null
        case (.integer(let number), "boolean"): .bool(number != 0)
        case (.integer(let number), "bigint"): .integer(Int(number))
        case (.integer(let number), "double precision"): .double(Double(number))
        case (.real(let number), "double precision"): .double(number)
        case (.text(let text), "text"): .text(text)
        case (.blob(let bytes), "bytea"): .bytes(bytes)
        case (.text(let text), "bytea"): .bytes(Array(text.utf8))
        default: nil
        }
    }

    /// Every sealed row's key and the `row_hash` it carries, as `SQLiteTables.rowHashes` reads them.
    private static func rowHashes(_ session: PostgresSession, tables: [SealedTable]) throws -> [String: String?] {
        var hashes: [String: String?] = [:]
        for table in tables {
            for row in try session.query(
                "SELECT CAST(\(table.key) AS text) AS seal_key, row_hash FROM \(table.name)")
            {
                hashes["\(table.name):\(row.text("seal_key") ?? "")"] = row.text("row_hash")
            }
        }
        return hashes
    }
}
