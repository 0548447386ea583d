import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// Who is acting, and on what day: stamped on every audit entry.
public struct AuditContext: Sendable {
    public var actor: String
    /// The command's `--as-of` day.
    public var asOf: String
    /// The real time of the change, in UTC (`2027-09-03T20:14:05Z`).
    public var at: String

    public init(actor: String, asOf: String, at: String) {
        self.actor = actor
        self.asOf = asOf
        self.at = at
    }
}

/// One entry of the audit log.
public struct AuditEntry: Hashable, Sendable {
    public var seq: Int
    public var at: String
    public var asOf: String
    public var actor: String
    public var action: String
    public var subject: String
    public var detail: String
    public var previousHash: String
    public var hash: String

    package init(
        seq: Int, at: String, asOf: String, actor: String, action: String, subject: String, detail: String,
        previousHash: String, hash: String
    ) {
        self.seq = seq
        self.at = at
        self.asOf = asOf
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The append-only audit log, chained by SHA-256: each entry's hash covers its fields, the rows it
/// seals (`RowSeal`) and the hash before it, so an entry edited, removed or inserted behind
/// Drillbook's back breaks the chain. The schedule database keeps it in `audit`, the incidents
/// database in `incident_audit`.
package enum AuditLog {
    package static let genesis = String(repeating: "0", count: 64)

    /// Entries written before the v6 migration: fields joined by newlines (a newline inside a field
    /// could shift a boundary); kept so those entries still verify.
    static func hashV1(
        seq: Int, at: String, asOf: String, actor: String, action: String, subject: String, detail: String,
        previous: String
    ) -> String {
        sha256Hex([String(seq), at, asOf, actor, action, subject, detail, previous].joined(separator: "\n"))
    }

    /// Every field length-prefixed (`5:hello`, so no content can pass for a boundary), the sealed
    /// rows included.
    package static func hash(
        seq: Int, at: String, asOf: String, actor: String, action: String, subject: String, detail: String,
        rows: String, previous: String
    ) -> String {
        var rows = rows
        return rows.withUTF8 { rows in
            hash(
                seq: seq, at: at, asOf: asOf, actor: actor, action: action, subject: subject, detail: detail,
                rows: rows, previous: previous)
        }
    }

    /// The same, with the rows as their bytes: read where SQLite holds them, a state's first
    /// schedule's entry is not made into a string of 100 MB first.
    package static func hash(
        seq: Int, at: String, asOf: String, actor: String, action: String, subject: String, detail: String,
        rows: UnsafeBufferPointer<UInt8>, previous: String
    ) -> String {
        // Each field goes into the hash from its own bytes: the entry of a state's first schedule
        // names 780,000 sealed rows (100 MB of text), which a buffer of the whole entry copied once
        // more, into memory the kernel had to clear first.
        var hasher = SHA256()
        var prefix: [UInt8] = []
        prefix.reserveCapacity(40)
        func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            prefix.removeAll(keepingCapacity: true)
            appendDecimal(Int64(bytes.count), to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            hasher.update(data: prefix)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        }
        func add(_ field: String) {
            var field = field
            field.withUTF8 { add($0) }
        }
        add(String(seq))
        for field in [at, asOf, actor, action, subject, detail] { add(field) }
        add(rows)
        add(previous)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            writeHex(hasher.finalize(), into: buffer)
            return 64
        }
    }

    /// Appends one entry inside the caller's transaction, naming the rows it sealed.
    static func append(
        _ db: Database, table: String = "audit", context: AuditContext, action: String, subject: String,
        detail: String, rows: [String: String] = [:]
    ) throws {
        try append(
            db, table: table, context: context, action: action, subject: subject, detail: detail,
            sealed: encode(rows: rows))
    }

    /// The text of an entry's `rows`: the sealed rows' hashes by name, keys sorted.
    package static func encode(rows: [String: String]) -> String {
        SortedJSON.object(rows)
    }

    /// The same, with `rows` already encoded by `encode(rows:)` (beside the work that sealed them).
    static func append(
        _ db: Database, table: String = "audit", context: AuditContext, action: String, subject: String,
        detail: String, sealed: String
    ) throws {
        var last = try head(db, table: table)
        try append(
            db, table: table, context: context, action: action, subject: subject, detail: detail, sealed: sealed,
            after: &last)
    }

    /// The number and hash of the last entry of `table` (0 and the genesis hash when it is empty).
    static func head(_ db: Database, table: String = "audit") throws -> (seq: Int, hash: String) {
        // Cached: an imported log appends one entry per record, thousands in one transaction.
        let last = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, hash FROM \(table) ORDER BY seq DESC LIMIT 1"))
        return ((last?.anyInt("seq") ?? 0), last?.anyText("hash") ?? genesis)
    }

    /// The same, after the entry `last` (read by `head` in the same transaction, and moved on to the
    /// new entry): for a caller appending many entries, who need not read the head back each time.
    static func append(
        _ db: Database, table: String = "audit", context: AuditContext, action: String, subject: String,
        detail: String, sealed: String, after last: inout (seq: Int, hash: String)
    ) throws {
        let seq = last.seq + 1
        let previous = last.hash
        let hash = hash(
            seq: seq, at: context.at, asOf: context.asOf, actor: context.actor, action: action, subject: subject,
            detail: detail, rows: sealed, previous: previous)
        try db.cachedStatement(
            sql: """
                INSERT INTO \(table) (seq, at, as_of, actor, action, subject, detail, rows, format, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?)
                """
        ).execute(
            arguments: [
                seq, context.at, context.asOf, context.actor, action, subject, detail, sealed, previous, hash,
            ])
        last = (seq, hash)
    }

    /// Every entry of an audit table, in order.
    static func entries(_ db: Database, table: String) throws -> [AuditEntry] {
        // Read as stored, whatever was written there: a value of the wrong type shows as text (and
        // `verify` names the entry), it does not stop the listing.
        try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY seq").map { row in
            func shown(_ column: String) -> String { row.text(column) ?? "\(row[column] as DatabaseValue)" }
            return AuditEntry(
                seq: row.integer("seq").map(Int.init) ?? 0, at: shown("at"), asOf: shown("as_of"),
                actor: shown("actor"),
                action: shown("action"), subject: shown("subject"), detail: shown("detail"),
                previousHash: shown("previous_hash"), hash: shown("hash"))
        }
    }

    /// The audit table's columns (`audit`, `incident_audit`).
    static func createTable(_ db: Database, _ name: String) throws {
        try db.create(table: name) { table in
            table.primaryKey("seq", .integer)
            table.column("at", .text).notNull()
            table.column("as_of", .text).notNull()
            table.column("actor", .text).notNull()
            table.column("action", .text).notNull()
            table.column("subject", .text).notNull()
            table.column("detail", .text).notNull()
            table.column("previous_hash", .text).notNull()
            table.column("hash", .text).notNull()
        }
    }

    /// Adds the v6 columns: the rows an entry seals, and the hash format.
    static func addSealColumns(_ db: Database, _ name: String) throws {
        try db.alter(table: name) { table in
            table.add(column: "rows", .text).notNull().defaults(to: "{}")
            table.add(column: "format", .integer).notNull().defaults(to: 1)
        }
    }

    /// Walks the chain of `table`: the first entry whose number, link or hash is wrong, or the
    /// entries and the last hash. With `ledger`, each good entry's sealed rows are recorded in it
    /// on the way, so the rows' check does not read the entries a second time.
    static func walk(_ db: Database, table: String, ledger: inout SealLedger) throws -> (
        entries: Int, head: String, broken: (Int, String)?
    ) {
        var chain = AuditChainWalk()
        let columns = [
            "seq", "format", "at", "as_of", "actor", "action", "subject", "detail", "rows", "previous_hash", "hash",
        ]
        let select = try db.makeStatement(sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY seq")
        let statement = select.sqliteStatement
        // Every field read without trusting its type: someone with the file can write a number
        // where text was, and that must be reported as a change, not crash the check. Text is
        // read as GRDB reads it (to the first NUL), as the chain has always been checked.
        func text(_ index: Int32) -> String? {
            guard sqlite3_column_type(statement, index) == SQLITE_TEXT,
                let start = sqlite3_column_text(statement, index)
            else { return nil }
            return String(cString: start)
        }
        func integer(_ index: Int32) -> Int? {
            sqlite3_column_type(statement, index) == SQLITE_INTEGER ? Int(sqlite3_column_int64(statement, index)) : nil
        }
        // A list of rows that does not read is reported once the chain is known to hold: a broken
        // link further on is the finding that says more.
        var unreadable: StoreError?
        let rows = try Row.fetchCursor(select)
        // The rows as SQLite holds them, to the first NUL as `text` reads: a state's first schedule's
        // entry is 100 MB, which a string of it copied (into memory the kernel had to clear first).
        func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard sqlite3_column_type(statement, index) == SQLITE_TEXT,
                let start = sqlite3_column_text(statement, index)
            else { return nil }
            return UnsafeBufferPointer(start: start, count: strlen(start))
        }
        let empty = Array("{}".utf8)
        while try rows.next() != nil {
            let entry = AuditChainWalk.Entry(
                seq: integer(0), format: integer(1), at: text(2), asOf: text(3), actor: text(4), action: text(5),
                subject: text(6), detail: text(7), rows: nil, previousHash: text(9), hash: text(10))
            let sealed = bytes(8)
            guard chain.follow(entry, rows: sealed) else { break }
            if unreadable == nil, let sealed, !sealed.elementsEqual(empty), let seq = entry.seq {
                do { try ledger.record(sealed, seq: seq) } catch { unreadable = error }
            }
        }
        if chain.broken == nil, let unreadable { throw unreadable }
        return (chain.entries, chain.head, chain.broken)
    }

    /// Checks the chain, then every sealed row against it; with `head`, that the chain still holds a
    /// head kept outside the database (entries cut from the end, or a chain rewritten end to end).
    static func verify(_ db: Database, table: String, sealed: [SealedTable], head expected: String?) throws
        -> AuditVerification
    {
        let chain = try verifyChain(db, table: table, head: expected)
        if let verdict = chain.verdict { return verdict }
        let differences = try RowSeal.differences(db, ledger: chain.ledger, tables: sealed)
        if !differences.isEmpty { return .tampered(differences) }
        return .intact(entries: chain.entries, head: chain.head)
    }

    /// The chain's half of `verify`: a verdict when the chain does not hold (or lost the kept
    /// head), else its entries, its head and the rows its entries recorded, for the rows' half.
    static func verifyChain(_ db: Database, table: String, head expected: String?) throws -> CheckedChain {
        var ledger = SealLedger()
        let (entries, head, broken) = try walk(db, table: table, ledger: &ledger)
        var chain = CheckedChain(verdict: nil, ledger: ledger, entries: entries, head: head)
        if let (seq, reason) = broken {
            chain.verdict = .broken(seq: seq, reason: reason)
        } else if let expected, expected != head,
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE hash = ?", arguments: [expected]) == 0
        {
            chain.verdict = .lostHead(expected, entries: entries)
        }
        return chain
    }

    /// A chain's half of `verify` and the rows' half read apart from it: the verdict, or nil when
    /// the two reads saw different heads (a write came between them) and so cannot be joined.
    static func verdict(_ chain: consuming CheckedChain, rows: HashedRows, sealed: [SealedTable]) -> AuditVerification?
    {
        if let verdict = chain.verdict { return verdict }
        guard rows.head.seq == chain.entries, rows.head.hash == chain.head else { return nil }
        rows.check(into: &chain.ledger)
        let differences = chain.ledger.differences(tables: sealed)
        return differences.isEmpty ? .intact(entries: chain.entries, head: chain.head) : .tampered(differences)
    }

    /// Seals every row of `tables` as it is now, in one entry (the v6 migration, for rows written
    /// before rows were sealed).
    static func sealAll(_ db: Database, table: String, tables: [SealedTable]) throws {
        var rows: [String: String] = [:]
        for sealed in tables {
            let keys = try String.fetchAll(db, sql: "SELECT CAST(\(sealed.key) AS TEXT) FROM \(sealed.name)")
            rows.merge(try RowSeal.seal(db, sealed, keys: keys), uniquingKeysWith: { $1 })
        }
        guard !rows.isEmpty else { return }
        let now = ISO8601DateFormatter().string(from: Date())
        try append(
            db, table: table, context: AuditContext(actor: "drillbook", asOf: String(now.prefix(10)), at: now),
            action: "seal", subject: "rows written before rows were sealed", detail: "{}", rows: rows)
    }
}

/// What `audit verify` found.
public enum AuditVerification: Sendable, Equatable {
    case intact(entries: Int, head: String)
    /// The first entry whose hash, link or number is wrong, and why.
    case broken(seq: Int, reason: String)
    /// The chain holds, but rows differ from what it recorded: each named, the earliest entry first.
    case tampered([String])

    /// A chain of `entries` that no longer holds the head kept elsewhere.
    package static func lostHead(_ head: String, entries: Int) -> Self {
        .broken(
            seq: entries,
            reason:
                "the chain no longer contains the kept head \(head): entries were cut from its end or it was rewritten")
    }
}

extension SQLiteScheduleStore {
    static let sealedAtV7 = ScheduleRecords.sealedAtV7
    static let sealedTables = ScheduleRecords.sealedTables

    public func auditEntries() throws(StoreError) -> [AuditEntry] {
        do { return try database.read { db in try AuditLog.entries(db, table: "audit") } } catch {
            throw StoreError(message: "cannot read the audit log (\(error))")
        }
    }

    public func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification {
        // The rows are read and hashed on a reader of their own while this thread walks the chain
        // on another (`HashedRows`). Neither read waits for the other while it holds a reader, so
        // any number of verifications can share the pool. When a write came between the two reads
        // (the heads they saw differ), everything is read again in one.
        let hashed = HashedRowsRead()
        let group = DispatchGroup()
        let database = self.database
        DispatchQueue.global().async(group: group) {
            hashed.rows = try? database.read { db in
                try HashedRows.read(db, audit: "audit", sealed: Self.sealedTables)
            }
        }
        do {
            let chain = try database.read { db in try AuditLog.verifyChain(db, table: "audit", head: expected) }
            group.wait()
            if let verdict = chain.verdict { return verdict }
            if let rows = hashed.rows, let verdict = AuditLog.verdict(chain, rows: rows, sealed: Self.sealedTables) {
                return verdict
            }
            return try database.read { db in
                try AuditLog.verify(db, table: "audit", sealed: Self.sealedTables, head: expected)
            }
        } catch {
            group.wait()
            throw StoreError(message: "cannot read the audit log (\(error))")
        }
    }

    static func registerSeals(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: sealed rows") { db in
            try AuditLog.addSealColumns(db, "audit")
            for table in sealedAtV7 {
                try db.alter(table: table.name) { $0.add(column: "row_hash", .text) }
            }
            try AuditLog.sealAll(db, table: "audit", tables: sealedAtV7)
        }
    }
}

/// What `verifyChain` found: `verdict` when the chain does not hold, else the chain's entries, its
/// head and what its entries recorded of the rows.
struct CheckedChain {
    var verdict: AuditVerification?
    var ledger: SealLedger
    var entries: Int
    var head: String
}

/// The rows `verifyAudit` hashes on another thread, read back after that thread's group is waited for.
private final class HashedRowsRead: @unchecked Sendable {
    var rows: HashedRows?
}

/// The chain check itself, whichever engine reads the entries: each entry in turn, its number,
/// its link to the one before and its hash.
package struct AuditChainWalk {
    /// An entry as stored, each field nil where the stored value is not of its type.
    package struct Entry {
        package var seq: Int?
        package var format: Int?
        package var at, asOf, actor, action, subject, detail, rows, previousHash, hash: String?

        package init(
            seq: Int?, format: Int?, at: String?, asOf: String?, actor: String?, action: String?, subject: String?,
            detail: String?, rows: String?, previousHash: String?, hash: String?
        ) {
            self.seq = seq
            self.format = format
            self.at = at
            self.asOf = asOf
            self.actor = actor
            self.action = action
            self.subject = subject
            self.detail = detail
            self.rows = rows
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// Entries seen so far (the broken one included).
    package private(set) var entries = 0
    /// The last good entry's hash.
    package private(set) var head = AuditLog.genesis
    /// The first entry found wrong, and why.
    package private(set) var broken: (Int, String)?

    package init() {}

    /// Checks the next entry; false (and `broken` set) when it is wrong, and the walk stops there.
    package mutating func follow(_ entry: Entry) -> Bool {
        guard var rows = entry.rows else { return follow(entry, rows: nil) }
        return rows.withUTF8 { follow(entry, rows: $0) }
    }

    /// The same, with the entry's rows given as their bytes (valid for the call; `entry.rows` is
    /// not read): the walk over SQLite hashes them where SQLite holds them.
    package mutating func follow(_ entry: Entry, rows: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let seq = linked(entry) else { return false }
        if let reason = Self.wrong(entry, rows: rows, previous: head) {
            broken = (seq, reason)
            return false
        }
        head = entry.hash!
        return true
    }

    /// Follows an entry whose rows are read after the walk (`settle`): until then its stored hash
    /// stands in for the one its content gives, so the entries after it are checked against it.
    /// For PostgreSQL, where a row of 100 MB left its connection's read buffer that large and made
    /// every later row of the walk cost a copy of it.
    package mutating func followLater(_ entry: Entry) -> Bool {
        guard let seq = linked(entry) else { return false }
        guard let hash = entry.hash, entry.format != nil, entry.at != nil, entry.asOf != nil, entry.actor != nil,
            entry.action != nil, entry.subject != nil, entry.detail != nil
        else {
            broken = (seq, "its content was changed after it was written (a field of the wrong type)")
            return false
        }
        unsettled[seq] = head
        head = hash
        return true
    }

    /// `settle(_:rows:)` with the entry's own `rows`.
    package mutating func settle(_ entry: Entry) -> Bool {
        guard var rows = entry.rows else { return settle(entry, rows: nil) }
        return rows.withUTF8 { settle(entry, rows: $0) }
    }

    /// Checks an entry `followLater` took on trust against its rows: a wrong one breaks the chain
    /// there, unless an earlier entry broke it already. False when it is wrong.
    package mutating func settle(_ entry: Entry, rows: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let seq = entry.seq, let previous = unsettled.removeValue(forKey: seq) else { return false }
        guard let reason = Self.wrong(entry, rows: rows, previous: previous) else { return true }
        if broken.map({ seq < $0.0 }) ?? true {
            broken = (seq, reason)
            entries = seq
        }
        return false
    }

    /// Entries `followLater` took on trust, by number, with the hash before each.
    private var unsettled: [Int: String] = [:]

    /// Counts the entry and checks its number and link to the one before; its number when both hold.
    private mutating func linked(_ entry: Entry) -> Int? {
        entries += 1
        guard let seq = entry.seq else {
            broken = (entries, "its number is not a number")
            return nil
        }
        if seq != entries {
            broken = (entries, "entry \(entries) is missing")
            return nil
        }
        if entry.previousHash != head {
            broken = (seq, "it does not follow entry \(seq - 1)")
            return nil
        }
        return seq
    }

    /// Why an entry's content does not give its hash (after `previous`), or nil when it does.
    private static func wrong(_ entry: Entry, rows: UnsafeBufferPointer<UInt8>?, previous: String) -> String? {
        guard let seq = entry.seq, let format = entry.format, let at = entry.at, let asOf = entry.asOf,
            let actor = entry.actor, let action = entry.action, let subject = entry.subject, let detail = entry.detail,
            let sealed = rows
        else {
            return "its content was changed after it was written (a field of the wrong type)"
        }
        let hash =
            format == 1
            ? AuditLog.hashV1(
                seq: seq, at: at, asOf: asOf, actor: actor, action: action, subject: subject, detail: detail,
                previous: previous)
            : AuditLog.hash(
                seq: seq, at: at, asOf: asOf, actor: actor, action: action, subject: subject, detail: detail,
                rows: sealed, previous: previous)
        return hash == entry.hash ? nil : "its content was changed after it was written"
    }
}

/// The sealed rows' check, whichever engine reads them: the hash each audit entry recorded for
/// each row (the latest wins), then every row as it is now against it.
package struct SealLedger {
    /// What the entries recorded for the rows of one table, by key (`lincoln-hs/...` of
    /// `item:lincoln-hs/...`): a row is looked up by its key as read, with no name made of it.
    package struct Table {
        /// Each recorded key's position, the key's bytes kept in `keys`: a row is looked up by the
        /// bytes SQLite hands over, and no string is made of a key unless a finding names it (a
        /// string for each of a state's 1.2 million recorded keys, and another for each row
        /// checked, were a fifth of `audit verify`).
        private var index: [ByteKey: Int] = [:]
        private let keys = ByteArena()
        /// The 64 hex digits of each recorded hash, kept inline (a string each was 780,000 more
        /// allocations at 10,000 schools); zero bytes for a recorded value that is no such hash,
        /// which no row's hash equals.
        private var hashes: [SIMD64<UInt8>] = []
        private var seqs: [Int] = []
        private var seen: [Bool] = []
        fileprivate var found: [(seq: Int, text: String)] = []
        fileprivate let name: String

        fileprivate init(name: String) { self.name = name }

        /// 64 bytes as one value; anything else as zero bytes.
        private static func digits(_ bytes: UnsafeBufferPointer<UInt8>) -> SIMD64<UInt8> {
            guard bytes.count == 64, let start = bytes.baseAddress else { return .zero }
            return UnsafeRawPointer(start).loadUnaligned(as: SIMD64<UInt8>.self)
        }

        fileprivate mutating func record(_ key: UnsafeBufferPointer<UInt8>, hash: UnsafeBufferPointer<UInt8>, seq: Int)
        {
            if let at = index[ByteKey(key)] {
                // The latest entry's hash stands, in whatever order entries are recorded (PostgreSQL
                // records a very large entry after the walk).
                guard seq >= seqs[at] else { return }
                hashes[at] = Self.digits(hash)
                seqs[at] = seq
            } else {
                index[keys.keep(key)] = hashes.count
                hashes.append(Self.digits(hash))
                seqs.append(seq)
                seen.append(false)
            }
        }

        fileprivate mutating func reserve(_ count: Int) {
            index.reserveCapacity(index.count + count)
            hashes.reserveCapacity(hashes.count + count)
            seqs.reserveCapacity(seqs.count + count)
            seen.reserveCapacity(seen.count + count)
        }

        /// A row as it is now: its key, its content's hash as hex digits, and whether the
        /// `row_hash` it carries is that hash. The key's bytes need only last the call.
        mutating func check(_ key: UnsafeBufferPointer<UInt8>, hex: UnsafeBufferPointer<UInt8>, storedMatches: Bool) {
            // A key seen twice (a table without a unique key) is a row no entry accounts for.
            guard let at = index[ByteKey(key)], !seen[at] else {
                found.append(
                    (
                        Int.max,
                        "\(name):\(String(decoding: key, as: UTF8.self)) is in no audit entry: it was added behind Drillbook's back"
                    ))
                return
            }
            seen[at] = true
            let digits = Self.digits(hex)
            let recorded = digits != .zero && hashes[at] == digits
            if !recorded || !storedMatches {
                found.append(
                    (
                        seqs[at],
                        "\(name):\(String(decoding: key, as: UTF8.self)) differs from what audit entry \(seqs[at]) recorded: it was changed"
                    ))
            }
        }

        /// Rows named but never checked: deleted.
        fileprivate func missing() -> [(seq: Int, text: String)] {
            index.compactMap { key, at in
                seen[at]
                    ? nil
                    : (
                        seqs[at],
                        "\(name):\(key.text), recorded by audit entry \(seqs[at]), is missing: it was deleted"
                    )
            }
        }
    }

    private var tables: [String: Table] = [:]

    package init() {}

    /// The rows an entry (`seq`) names: its `rows` text. (The chain walk before this has vouched
    /// for every entry's fields and their types.)
    package mutating func record(_ text: String, seq: Int) throws(StoreError) {
        var text = text
        var failure: StoreError?
        text.withUTF8 { bytes in
            do throws(StoreError) { try record(bytes, seq: seq) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The same, from the text's bytes.
    package mutating func record(_ text: UnsafeBufferPointer<UInt8>, seq: Int) throws(StoreError) {
        // Read as written (`SortedJSON`), a pair at a time, else by Foundation's general reader: a
        // first schedule's entry names every row of the year, and reading it took most of `audit
        // verify` (and of `check`, which verifies). Recording a pair twice changes nothing, so pairs
        // read before `SortedJSON` gives up stand when Foundation reads them all again.
        let large = text.count > 128_000
        var reserved = false
        let read = SortedJSON.eachPair(text) { name, hash in
            if large && !reserved {
                reserved = true
                let table = Self.table(of: name)
                tables[table, default: Table(name: table)].reserve(text.count / 128)
            }
            record(name, hash: hash, seq: seq)
        }
        if read { return }
        guard let hashes = try? JSONSerialization.jsonObject(with: Data(buffer: text)) as? [String: String] else {
            throw StoreError(message: "audit entry \(seq): its rows are not an object of hashes")
        }
        for (name, hash) in hashes {
            var name = name
            var hash = hash
            name.withUTF8 { name in hash.withUTF8 { record(name, hash: $0, seq: seq) } }
        }
    }

    private mutating func record(_ name: UnsafeBufferPointer<UInt8>, hash: UnsafeBufferPointer<UInt8>, seq: Int) {
        let colon = name.firstIndex(of: UInt8(ascii: ":"))
        let key = colon.map { UnsafeBufferPointer(rebasing: name[($0 + 1)...]) } ?? name
        let table = Self.table(of: name)
        tables[table, default: Table(name: table)].record(key, hash: hash, seq: seq)
    }

    /// `item` of `item:lincoln-hs/...`; "" for a name without a table.
    private static func table(of name: UnsafeBufferPointer<UInt8>) -> String {
        guard let colon = name.firstIndex(of: UInt8(ascii: ":")) else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: name[..<colon]), as: UTF8.self)
    }

    /// `item:lincoln-hs/...` -> (`item`, `lincoln-hs/...`); a name without a table has none.
    private static func split(_ name: String) -> (table: String, key: String) {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return ("", name) }
        return (String(name[..<colon]), String(name[name.utf8.index(after: colon)...]))
    }

    /// A row as it is now: its name (`incident:2027-0001`), its content's hash and the `row_hash` it carries.
    package mutating func check(_ name: String, hash: String, stored: String?) {
        var (table, key) = Self.split(name)
        var hex = Array(hash.utf8)
        if hex.count != 64 { hex = [] }  // not a hash: matches nothing recorded
        key.withUTF8 { key in
            hex.withUnsafeBufferPointer { hex in
                tables[table, default: Table(name: table)].check(key, hex: hex, storedMatches: stored == hash)
            }
        }
    }

    /// Runs `body` on the rows recorded for `table`: for a caller checking a whole table's rows.
    mutating func withTable<Result>(_ table: String, _ body: (inout Table) throws -> Result) rethrows -> Result {
        var recorded = tables.removeValue(forKey: table) ?? Table(name: table)
        defer { tables[table] = recorded }
        return try body(&recorded)
    }

    /// Every difference, the earliest entry first: rows changed, rows no entry names (inserted),
    /// and rows of `tables` named but not checked (deleted).
    package func differences(tables sealed: [SealedTable]) -> [String] {
        var found: [(seq: Int, text: String)] = []
        for table in tables.values { found += table.found }
        for table in sealed { found += tables[table.name]?.missing() ?? [] }
        return found.sorted { ($0.seq, $0.text) < ($1.seq, $1.text) }.map(\.text)
    }
}

/// A key's bytes where they lie, hashed and compared as bytes: for looking up bytes SQLite holds
/// without a string made of them. Valid while the bytes are.
struct ByteKey: Hashable {
    let start: UnsafePointer<UInt8>?
    let count: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        start = bytes.baseAddress
        count = bytes.count
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    static func == (left: ByteKey, right: ByteKey) -> Bool {
        guard left.count == right.count else { return false }
        guard left.count > 0, let a = left.start, let b = right.start else { return true }
        return memcmp(a, b, left.count) == 0
    }

    func hash(into hasher: inout Hasher) { hasher.combine(bytes: UnsafeRawBufferPointer(bytes)) }
}

/// Bytes kept for as long as the arena lives, in blocks that never move (a growing array would
/// move them, and every `ByteKey` into it with them).
final class ByteArena {
    private var blocks: [UnsafeMutableBufferPointer<UInt8>] = []
    private var used = 0
    private static let blockSize = 1 << 20

    /// A copy of `bytes` in the arena, as a key valid while the arena is.
    func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteKey {
        guard !bytes.isEmpty else { return ByteKey(UnsafeBufferPointer(start: nil, count: 0)) }
        if blocks.isEmpty || used + bytes.count > blocks[blocks.count - 1].count {
            blocks.append(.allocate(capacity: max(Self.blockSize, bytes.count)))
            used = 0
        }
        let block = blocks[blocks.count - 1]
        let copy = UnsafeMutableBufferPointer(rebasing: block[used..<used + bytes.count])
        _ = copy.initialize(from: bytes)
        used += bytes.count
        return ByteKey(UnsafeBufferPointer(copy))
    }

    deinit { for block in blocks { block.deallocate() } }
}
