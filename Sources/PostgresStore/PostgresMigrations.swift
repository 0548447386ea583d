import PostgresNIO
import Store

/// Named, append-only migrations, as GRDB's migrator keeps them for SQLite: each runs once, in
/// order, and its name is recorded in `drillbook_migrations` (the names are the SQLite migrations'
/// own, so one list says what both engines hold). The missing ones run in one transaction, so a
/// failure leaves the database as it was; servers starting at once take turns through an advisory
/// lock, and the one that comes second finds nothing left to do.
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
        for key in keys {
            for row in try session.query(
                "SELECT *, CAST(\(table.key) AS text) AS seal_key FROM \(table.name) WHERE CAST(\(table.key) AS text) = $1",
                [.text(key)])
            {
                let hash = self.hash(row)
                try session.execute(
                    "UPDATE \(table.name) SET row_hash = $1 WHERE CAST(\(table.key) AS text) = $2",
                    [.text(hash), .text(key)])
                sealed["\(table.name):\(key)"] = hash
            }
        }
        return sealed
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
        CanonicalRow.hash(
            row.filter { !["row_hash", "seal_key", "seal_rowid"].contains($0.columnName) }
                .map { ($0.columnName, $0.canonical) })
    }

    /// Every difference between the sealed tables and the hashes the audit entries recorded.
    static func differences(_ session: PostgresSession, audit: String, tables: [SealedTable]) throws -> [String] {
        var ledger = SealLedger()
        for row in try session.query("SELECT seq, rows FROM \(audit) WHERE rows <> '{}' ORDER BY seq") {
            guard let text = row.text("rows"), let seq = row.integer("seq") else { continue }
            try ledger.record(text, seq: seq)
        }
        for table in tables {
            for row in try session.query("SELECT *, CAST(\(table.key) AS text) AS seal_key FROM \(table.name)") {
                ledger.check(
                    "\(table.name):\(row.text("seal_key") ?? "")", hash: hash(row), stored: row.text("row_hash"))
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
        let last = try session.query("SELECT seq, hash FROM \(table) ORDER BY seq DESC LIMIT 1").first
        let seq = (last?.integer("seq") ?? 0) + 1
        let previous = last?.text("hash") ?? AuditLog.genesis
        let sealed = AuditLog.encode(rows: rows)
        let hash = AuditLog.hash(
            seq: seq, at: context.at, asOf: context.asOf, actor: context.actor, action: action, subject: subject,
            detail: detail, rows: sealed, previous: previous)
        try session.execute(
            """
            INSERT INTO \(table) (seq, at, as_of, actor, action, subject, detail, rows, format, previous_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 2, $9, $10)
            """,
            [
                .integer(seq), .text(context.at), .text(context.asOf), .text(context.actor), .text(action),
                .text(subject), .text(detail), .text(sealed), .text(previous), .text(hash),
            ])
    }

    /// Every entry, in order.
    static func entries(_ session: PostgresSession, table: String) throws -> [AuditEntry] {
        try session.query("SELECT * FROM \(table) ORDER BY seq").map { row in
            AuditEntry(
                seq: row.integer("seq") ?? 0, at: row.text("at") ?? "", asOf: row.text("as_of") ?? "",
                actor: row.text("actor") ?? "", action: row.text("action") ?? "", subject: row.text("subject") ?? "",
                detail: row.text("detail") ?? "", previousHash: row.text("previous_hash") ?? "",
                hash: row.text("hash") ?? "")
        }
    }

    /// Checks the chain, then every sealed row against it; with `head`, that the chain still holds it.
    static func verify(_ session: PostgresSession, table: String, sealed: [SealedTable], head expected: String?)
        throws -> AuditVerification
    {
        var chain = AuditChainWalk()
        for row in try session.query("SELECT * FROM \(table) ORDER BY seq") {
            let entry = AuditChainWalk.Entry(
                seq: row.integer("seq"), format: row.integer("format"), at: row.text("at"), asOf: row.text("as_of"),
                actor: row.text("actor"), action: row.text("action"), subject: row.text("subject"),
                detail: row.text("detail"), rows: row.text("rows"), previousHash: row.text("previous_hash"),
                hash: row.text("hash"))
            guard chain.follow(entry) else { break }
        }
        if let (seq, reason) = chain.broken { return .broken(seq: seq, reason: reason) }
        if let expected, expected != chain.head,
            try session.query("SELECT 1 FROM \(table) WHERE hash = $1", [.text(expected)]).isEmpty
        {
            return .lostHead(expected, entries: chain.entries)
        }
        let differences = try PostgresRowSeal.differences(session, audit: table, tables: sealed)
        if !differences.isEmpty { return .tampered(differences) }
        return .intact(entries: chain.entries, head: chain.head)
    }
}
