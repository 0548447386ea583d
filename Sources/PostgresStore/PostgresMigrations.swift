import PostgresNIO
import Store

/// Named, append-only migrations, as GRDB's migrator keeps them for SQLite: each runs once, in
/// order, and its name is recorded in `drillbook_migrations` (the names are the SQLite migrations'
/// own, so one list says what both engines hold; a step PostgreSQL alone needs is named
/// `postgres: …`). The missing ones run in one transaction, so a failure leaves the database as it
/// was; servers starting at once take turns through an advisory lock, and the one that comes second
/// finds nothing left to do.
struct PostgresMigrations {
    private var steps: [(name: String, sql: [String])] = []

    mutating func register(_ name: String, _ sql: [String]) { steps.append((name, sql)) }

    func run(on pool: PostgresPool) throws {
        try pool.transaction(writing: "drillbook migrations") { session in
            try session.execute("CREATE TABLE IF NOT EXISTS drillbook_migrations (identifier text PRIMARY KEY)")
            let done = Set(
                try session.query("SELECT identifier FROM drillbook_migrations").compactMap { $0.text("identifier") })
            for step in steps where !done.contains(step.name) {
                for statement in step.sql { try session.execute(statement) }
                try session.execute("INSERT INTO drillbook_migrations (identifier) VALUES ($1)", [.text(step.name)])
            }
        }
    }
}

/// Sealing and checking rows in PostgreSQL: the same canonical bytes as SQLite's `RowHasher`, from
/// each cell's value mapped to the SQLite storage class it would have (`CanonicalRow`).
enum PostgresRowSeal {
    /// Seals the rows of `table` whose key is one of `keys`: writes their `row_hash` and returns the
    /// names and hashes the audit entry must carry.
    static func seal(_ session: PostgresSession, _ table: SealedTable, keys: [String]) throws -> [String: String] {
        var sealed: [String: String] = [:]
        let condition = lookup(table)
        for key in keys {
            for row in try session.query(
                "SELECT *, CAST(\(table.key) AS text) AS seal_key FROM \(table.name) WHERE \(condition)", [.text(key)])
            {
                let hash = self.hash(row)
                try session.execute(
                    "UPDATE \(table.name) SET row_hash = $2 WHERE \(condition)", [.text(key), .text(hash)])
                sealed["\(table.name):\(key)"] = hash
            }
        }
        return sealed
    }

    /// The condition that finds a sealed row by its key given as text (`$1`) through the table's
    /// primary key: comparing `CAST(key AS text)` would read the whole table for every row sealed.
    static func lookup(_ table: SealedTable) -> String {
        switch table.name {
        case "item": "uid = $1"
        case "incident": "id = $1"
        case "incident_event":
            "incident_id = split_part($1, '/', 1) AND seq = CAST(split_part($1, '/', 2) AS bigint)"
        default: "id = CAST($1 AS bigint)"
        }
    }

    /// The table's content columns (all but `row_hash`), as the schema has them now.
    static func contentColumns(_ session: PostgresSession, _ table: String) throws -> Set<String> {
        Set(
            try session.query(
                """
                SELECT CAST(column_name AS text) AS name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1
                """, [.text(table)]
            ).compactMap { $0.text("name") }.filter { $0 != "row_hash" })
    }

    /// `$1, $2, ... $count`.
    static func placeholders(_ count: Int, from first: Int = 1) -> String {
        (first..<(first + count)).map { "$\($0)" }.joined(separator: ", ")
    }

    /// `($1, $2), ($3, $4)`: `rows` tuples of `columns` parameters, for a multi-row `INSERT`.
    static func placeholders(columns: Int, rows: Int) -> String {
        (0..<rows).map { "(" + placeholders(columns, from: $0 * columns + 1) + ")" }.joined(separator: ", ")
    }

    /// The hash of a row's content: every column but the seal and the keys a query adds.
    static func hash(_ row: PostgresRow) -> String {
        var hasher = SortedHasher()
        return hasher.hash(row)
    }

    /// Rows of one statement hashed, their content columns sorted by name once, from the first.
    struct SortedHasher {
        private var order: [(name: String, index: Int)]?
        /// Where the row's key and its stored seal are, found once: looked up by name in each row,
        /// each was a walk over the row's cells (a cell made and released per column) for every
        /// row of the year.
        private var keyIndex: Int?
        private var sealIndex: Int?

        mutating func hash(_ row: PostgresRow) -> String { hash(Array(row)) }

        private mutating func hash(_ cells: [PostgresCell]) -> String {
            let order =
                self.order
                ?? cells.enumerated().map { ($1.columnName, $0) }
                .filter { !["row_hash", "seal_key", "seal_rowid"].contains($0.0) }.sorted { $0.0 < $1.0 }
            if self.order == nil {
                self.order = order
                keyIndex = cells.firstIndex { $0.columnName == "seal_key" }
                sealIndex = cells.firstIndex { $0.columnName == "row_hash" }
            }
            return CanonicalRow.hash(sorted: order.map { ($0.name, cells[$0.index].canonical) })
        }

        /// A row's key (its `seal_key` column), the hash of its content, and the seal it carries.
        mutating func seal(_ row: PostgresRow) -> (key: String?, hash: String, stored: String?) {
            let cells = Array(row)
            let hash = hash(cells)
            return (keyIndex.flatMap { cells[$0].text }, hash, sealIndex.flatMap { cells[$0].text })
        }
    }

    /// Every difference between the sealed tables and the hashes the audit entries recorded (in
    /// `ledger`, filled by the chain's walk).
    static func differences(_ session: PostgresSession, ledger: consuming SealLedger, tables: [SealedTable]) throws
        -> [String]
    {
        for table in tables {
            var hasher = SortedHasher()
            try session.forEach("SELECT *, CAST(\(table.key) AS text) AS seal_key FROM \(table.name)") { row in
                let (key, hash, stored) = hasher.seal(row)
                ledger.check("\(table.name):\(key ?? "")", hash: hash, stored: stored)
            }
        }
        return ledger.differences(tables: tables)
    }
}

/// The audit chain in PostgreSQL: the same entries and hashes as `AuditLog` writes in SQLite.
enum PostgresAuditLog {
    /// The audit table's columns, as the SQLite table has them after its seal columns were added.
    static func createTable(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            seq bigint PRIMARY KEY, at text NOT NULL, as_of text NOT NULL, actor text NOT NULL,
            action text NOT NULL, subject text NOT NULL, detail text NOT NULL, previous_hash text NOT NULL,
            hash text NOT NULL, rows text NOT NULL DEFAULT '{}', format bigint NOT NULL DEFAULT 1)
        """
    }

    /// Appends one entry inside the caller's (writing, so locked) transaction.
    static func append(
        _ session: PostgresSession, table: String, context: AuditContext, action: String, subject: String,
        detail: String, rows: [String: String] = [:]
    ) throws {
        try append(session, table: table, context: context, entries: [(action, subject, detail, rows)])
    }

    /// An entry to append: what was done, to what, and the rows it sealed.
    typealias Entry = (action: String, subject: String, detail: String, rows: [String: String])

    /// Appends entries in order, each chained to the one before, in as few statements as fit: an
    /// imported log appends one entry per record.
    static func append(_ session: PostgresSession, table: String, context: AuditContext, entries: [Entry]) throws {
        try append(
            session, table: table, context: context,
            encoded: entries.map { ($0.action, $0.subject, $0.detail, AuditLog.encode(rows: $0.rows)) })
    }

    /// The same for one entry whose rows are already encoded as `AuditLog.encode(rows:)` encodes
    /// them (a first schedule's list, written as its rows were sealed).
    static func append(
        _ session: PostgresSession, table: String, context: AuditContext, action: String, subject: String,
        detail: String, sealed: String
    ) throws {
        try append(session, table: table, context: context, encoded: [(action, subject, detail, sealed)])
    }

    private static func append(
        _ session: PostgresSession, table: String, context: AuditContext,
        encoded entries: [(action: String, subject: String, detail: String, sealed: String)]
    ) throws {
        let last = try session.query("SELECT seq, hash FROM \(table) ORDER BY seq DESC LIMIT 1").first
        var seq = last?.integer("seq") ?? 0
        var previous = last?.text("hash") ?? AuditLog.genesis
        var values: [PostgresSession.Value] = []
        for entry in entries {
            seq += 1
            let sealed = entry.sealed
            let hash = AuditLog.hash(
                seq: seq, at: context.at, asOf: context.asOf, actor: context.actor, action: entry.action,
                subject: entry.subject, detail: entry.detail, rows: sealed, previous: previous)
            values += [
                .integer(seq), .text(context.at), .text(context.asOf), .text(context.actor), .text(entry.action),
                .text(entry.subject), .text(entry.detail), .text(sealed), .integer(2), .text(previous), .text(hash),
            ]
            previous = hash
        }
        let columns = 11
        let perStatement = 5_000
        for start in stride(from: 0, to: values.count, by: perStatement * columns) {
            let part = Array(values[start..<min(values.count, start + perStatement * columns)])
            try session.execute(
                "INSERT INTO \(table) (seq, at, as_of, actor, action, subject, detail, rows, format, previous_hash, hash) "
                    + "VALUES " + PostgresRowSeal.placeholders(columns: columns, rows: part.count / columns),
                part)
        }
    }

    /// Every entry, in order. Without its list of sealed rows, which an entry does not show: a
    /// state's first schedule's is 117 MB, and read here it left the pooled connection's buffer
    /// that large (`inlineRows`), slowing every later statement on it (`drillbook serve` lists the
    /// log for its audit page).
    static func entries(_ session: PostgresSession, table: String) throws -> [AuditEntry] {
        try session.query(
            "SELECT seq, at, as_of, actor, action, subject, detail, previous_hash, hash FROM \(table) ORDER BY seq"
        ).map { row in
            AuditEntry(
                seq: row.integer("seq") ?? 0, at: row.text("at") ?? "", asOf: row.text("as_of") ?? "",
                actor: row.text("actor") ?? "", action: row.text("action") ?? "", subject: row.text("subject") ?? "",
                detail: row.text("detail") ?? "", previousHash: row.text("previous_hash") ?? "",
                hash: row.text("hash") ?? "")
        }
    }

    /// An entry's rows longer than this are read after the walk, on a connection of their own
    /// (`PostgresPool.aside`): a state's first schedule names 780,000 rows in 117 MB.
    static let inlineRows = 262_144

    /// Checks the chain, then every sealed row against it; with `head`, that the chain still holds it.
    ///
    /// With `pool`, entries whose rows are longer than `inlineRows` are read on a connection of
    /// their own that sees the same snapshot, and so never pass through this session's; without
    /// one (a transaction that wrote what it verifies, which no other can see), here after the
    /// walk.
    static func verify(
        _ session: PostgresSession, table: String, sealed: [SealedTable], head expected: String?,
        pool: PostgresPool? = nil
    ) throws -> AuditVerification {
        var chain = AuditChainWalk()
        var ledger = SealLedger()
        // A list of rows that does not read is reported once the chain is known to hold, as in SQLite.
        var unreadable: (any Error)?
        var later: [AuditChainWalk.Entry] = []
        func record(_ rows: String, seq: Int) {
            guard unreadable == nil, rows != "{}" else { return }
            do { try ledger.record(rows, seq: seq) } catch { unreadable = error }
        }
        try session.forEach(
            """
            SELECT seq, format, at, as_of, actor, action, subject, detail, previous_hash, hash,
                CASE WHEN octet_length(rows) <= \(inlineRows) THEN rows END AS rows,
                octet_length(rows) > \(inlineRows) AS rows_later
            FROM \(table) ORDER BY seq
            """
        ) { row in
            guard chain.broken == nil else { return }
            let entry = AuditChainWalk.Entry(
                seq: row.integer("seq"), format: row.integer("format"), at: row.text("at"), asOf: row.text("as_of"),
                actor: row.text("actor"), action: row.text("action"), subject: row.text("subject"),
                detail: row.text("detail"), rows: row.text("rows"), previousHash: row.text("previous_hash"),
                hash: row.text("hash"))
            if row[column: "rows_later"].flatMap({ try? $0.decode(Bool.self) }) == true {
                if chain.followLater(entry) { later.append(entry) }
            } else if chain.follow(entry), let rows = entry.rows, let seq = entry.seq {
                record(rows, seq: seq)
            }
        }
        if !later.isEmpty {
            func settle(_ reader: PostgresSession) throws {
                for var entry in later {
                    entry.rows = try reader.query("SELECT rows FROM \(table) WHERE seq = $1", [.integer(entry.seq)])
                        .first?.text("rows")
                    guard chain.settle(entry), let rows = entry.rows, let seq = entry.seq else { continue }
                    record(rows, seq: seq)
                }
            }
            if let pool, let snapshot = try session.query("SELECT pg_export_snapshot() AS id").first?.text("id") {
                try pool.aside(snapshot: snapshot, settle)
            } else {
                try settle(session)
            }
        }
        if let (seq, reason) = chain.broken { return .broken(seq: seq, reason: reason) }
        if let unreadable { throw unreadable }
        if let expected, expected != chain.head,
            try session.query("SELECT 1 FROM \(table) WHERE hash = $1", [.text(expected)]).isEmpty
        {
            return .lostHead(expected, entries: chain.entries)
        }
        let differences = try PostgresRowSeal.differences(session, ledger: ledger, tables: sealed)
        if !differences.isEmpty { return .tampered(differences) }
        return .intact(entries: chain.entries, head: chain.head)
    }
}
