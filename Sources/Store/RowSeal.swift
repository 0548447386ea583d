import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// A table whose rows the audit chain vouches for.
package struct SealedTable: Sendable {
    /// The table's name, which also names its rows in audit entries (`completion:12`).
    package var name: String
    /// The SQL expression that identifies a row (`uid`, `incident_id || '/' || seq`).
    package var key: String
}

/// Tamper evidence for rows: each sealed row carries `row_hash`, the SHA-256 of its canonical content,
/// and the audit entry written in the same transaction names that hash. `audit verify` recomputes
/// every row and compares it with the latest entry that named it, so a row changed, inserted or
/// deleted directly in SQLite is found, and the chain makes the entries themselves unforgeable
/// short of rewriting it from the changed row on (which a head kept elsewhere catches).
enum RowSeal {
    /// Columns that are not content: the seal itself, and the key a query adds.
    static let excluded: Set<String> = ["row_hash", "seal_key", "seal_rowid"]

    /// The canonical bytes of a row: every column but `row_hash`, by name, each name and value
    /// length-prefixed with its SQLite type, so no value can shift a boundary (a newline or a
    /// separator inside a field changes the hash). Here from values given by position, in `order`;
    /// `RowHasher` makes the same bytes from a row as SQLite holds it.
    static func canonical(_ order: [(name: String, index: Int)], value: (Int) -> DatabaseValue) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        for (name, index) in order { appendField(name, CanonicalRow.Value(value(index)), to: &bytes) }
        return bytes
    }

    /// Appends one column's part of a row's canonical bytes (its name, then its value, each
    /// length-prefixed, the value with its type's tag) to `bytes`; returns where the value's own
    /// bytes begin (a text's UTF-8, a number's digits). Lengths and numbers are written as digits
    /// straight into the buffer: a string for each was a third of sealing a first schedule's rows.
    @discardableResult
    static func appendField(_ name: String, _ value: CanonicalRow.Value, to bytes: inout [UInt8]) -> Int {
        appendName(name, to: &bytes)
        return appendValue(value, to: &bytes)
    }

    /// The name's part of a column's canonical bytes (`6:status`), written into the buffer (made
    /// as a string or an array of its own, it was an allocation per column of every row verified).
    static func appendName(_ name: String, to bytes: inout [UInt8]) {
        appendDecimal(Int64(name.utf8.count), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes += name.utf8
    }

    /// The same as bytes of their own: the same for every row, made once.
    static func nameField(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendName(name, to: &bytes)
        return bytes
    }

    /// The value's part of a column's canonical bytes, after its `nameField`; returns where the
    /// value's own bytes begin.
    static func appendValue(_ value: CanonicalRow.Value, to bytes: inout [UInt8]) -> Int {
        func prefix(_ length: Int, _ tag: UInt8) {
            appendDecimal(Int64(length + 1), to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(tag)
        }
        switch value {
        case .null:
            prefix(0, UInt8(ascii: "n"))
        case .integer(let int):
            prefix(decimalLength(int), UInt8(ascii: "i"))
            let start = bytes.count
            appendDecimal(int, to: &bytes)
            return start
        case .real(let double):
            let digits = String(double.bitPattern).utf8
            prefix(digits.count, UInt8(ascii: "d"))
            let start = bytes.count
            bytes += digits
            return start
        case .text(let string):
            prefix(string.utf8.count, UInt8(ascii: "s"))
            let start = bytes.count
            bytes += string.utf8
            return start
        case .blob(let data):
            let text = Data(data).base64EncodedString().utf8
            prefix(text.count, UInt8(ascii: "b"))
            let start = bytes.count
            bytes += text
            return start
        }
        return bytes.count
    }

    /// The hash a row of `columns` holding `values` will have once written, without reading it back:
    /// for inserts that write `row_hash` with the row. Only valid when `columns` is every content
    /// column of the table (`contentColumns` says) and each value is stored as given: bound by
    /// `Statement.execute(binding:)` (GRDB's own binding cuts text at a NUL).
    static func hash(columns order: [(name: String, index: Int)], values: [DatabaseValue]) -> String {
        sha256Hex(bytes: canonical(order) { values[$0] })
    }

    /// Positions of `columns` sorted by name, for `hash(columns:values:)`.
    static func order(of columns: [String]) -> [(name: String, index: Int)] {
        columns.enumerated().map { ($0.element, $0.offset) }.sorted { $0.name < $1.name }
    }

    /// The table's content columns (all but `row_hash`), as the schema has them now.
    static func contentColumns(_ db: Database, _ table: String) throws -> Set<String> {
        Set(try db.columns(in: table).map(\.name).filter { !excluded.contains($0) })
    }

    /// Seals the rows of `table` whose key is one of `keys`: writes their `row_hash` and returns the
    /// names and hashes the audit entry must carry (`item:lincoln-hs/...` -> hash).
    static func seal(_ db: Database, _ table: SealedTable, keys: [any DatabaseValueConvertible & Sendable]) throws
        -> [String: String]
    {
        var found: [(key: String, rowid: Int64, hash: String)] = []
        let selectAll = "SELECT *, CAST(\(table.key) AS TEXT) AS seal_key, rowid AS seal_rowid FROM \(table.name)"
        // A few rows are looked up one by one; a first schedule or a state's imported log touches
        // most of the table, and one pass over it beats as many lookups. (A few hundred records
        // added to a table of a million rows are still looked up: `max(rowid)` tells the size.)
        let size = keys.count < 256 ? 0 : try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table.name)") ?? 0
        if keys.count < 256 || keys.count * 4 < size {
            // Cached: every change of an account, feed or record seals its rows this way.
            let select = try db.cachedStatement(sql: selectAll + " WHERE \(table.key) = ?")
            var hasher = RowHasher(select)
            for key in keys {
                let rows = try Row.fetchCursor(select, arguments: [key])
                guard try rows.next() != nil else { continue }
                found.append((hasher.key(), hasher.rowid(), hasher.hash()))
            }
        } else {
            let wanted = Set(
                keys.map { key -> String in
                    switch key.databaseValue.storage {
                    case .string(let text): text
                    case .int64(let number): String(number)
                    default: "\(key.databaseValue)"
                    }
                })
            let select = try db.makeStatement(sql: selectAll)
            var hasher = RowHasher(select)
            let rows = try Row.fetchCursor(select)
            while try rows.next() != nil {
                let key = hasher.key()
                guard wanted.contains(key) else { continue }
                found.append((key, hasher.rowid(), hasher.hash()))
            }
        }
        // Written after the read: an UPDATE while the cursor walks the same table could move rows under it.
        var sealed: [String: String] = [:]
        let update = try db.cachedStatement(sql: "UPDATE \(table.name) SET row_hash = ? WHERE rowid = ?")
        for row in found {
            try update.execute(arguments: [row.hash, row.rowid])
            sealed["\(table.name):\(row.key)"] = row.hash
        }
        return sealed
    }

    /// Every difference between the sealed tables and the hashes the audit entries recorded (in
    /// `ledger`, filled by the chain's walk), the earliest entry first: rows changed, rows no entry
    /// names (inserted), rows named but gone (deleted).
    static func differences(_ db: Database, ledger: consuming SealLedger, tables: [SealedTable]) throws -> [String] {
        for table in tables {
            let select = try db.makeStatement(
                sql: "SELECT *, CAST(\(table.key) AS TEXT) AS seal_key FROM \(table.name)")
            var hasher = RowHasher(select)
            let rows = try Row.fetchCursor(select)
            try ledger.withTable(table.name) { recorded in
                while try rows.next() != nil { hasher.check(into: &recorded) }
            }
        }
        return ledger.differences(tables: tables)
    }
}

/// A row's seal worked out from the statement's current row as SQLite holds it, with no `Row` and
/// no Swift value per column: sealing and verifying touch every row of the year, and decoding each
/// column into a `DatabaseValue` was most of `audit verify`. The bytes are `RowSeal.canonical`'s,
/// except that text is taken whole (GRDB's text decoding stops at a NUL, which the writer's hash
/// does not).
struct RowHasher {
    private let statement: SQLiteStatement
    /// Where a statement's columns are, worked out once per set of column names: a log import seals
    /// each record as it stores it, and sorting the names again each time was a twentieth of it.
    private struct Layout: Sendable {
        /// Each content column by name: its canonical name field (`6:status`), one after the other
        /// (each ending at `nameEnds`), and its position in the row.
        var names: [UInt8]
        var nameEnds: [Int]
        var indexes: [Int32]
        var keyIndex, rowidIndex, hashIndex: Int32?

        init(_ names: [String]) {
            let columns = RowSeal.order(of: names.filter { !RowSeal.excluded.contains($0) }).map { name, _ in
                (field: Array("\(name.utf8.count):\(name)".utf8), index: Int32(names.firstIndex(of: name)!))
            }
            self.names = columns.flatMap(\.field)
            nameEnds = columns.indices.map { columns[...$0].reduce(0) { $0 + $1.field.count } }
            indexes = columns.map(\.index)
            keyIndex = names.firstIndex(of: "seal_key").map(Int32.init)
            rowidIndex = names.firstIndex(of: "seal_rowid").map(Int32.init)
            hashIndex = names.firstIndex(of: "row_hash").map(Int32.init)
        }
    }

    private static let layouts = Mutex<[[String]: Layout]>([:])

    private let names: [UInt8]
    private let nameEnds: [Int]
    private let indexes: [Int32]
    private let keyIndex: Int32?
    private let rowidIndex: Int32?
    private let hashIndex: Int32?
    private var bytes: [UInt8] = []
    /// The hex digits of the last row hashed.
    private var hex = [UInt8](repeating: 0, count: 64)

    /// For rows of `statement`, whose columns are a sealed table's and maybe `seal_key`, `seal_rowid`.
    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
        let columnNames = statement.columnNames
        let layout =
            Self.layouts.withLock { $0[columnNames] }
            ?? {
                let made = Layout(columnNames)
                Self.layouts.withLock { $0[columnNames] = made }
                return made
            }()
        names = layout.names
        nameEnds = layout.nameEnds
        indexes = layout.indexes
        keyIndex = layout.keyIndex
        rowidIndex = layout.rowidIndex
        hashIndex = layout.hashIndex
        bytes.reserveCapacity(1024)
    }

    /// The hex SHA-256 of the current row's content.
    mutating func hash() -> String {
        digest()
        return String(decoding: hex, as: UTF8.self)
    }

    /// Hashes the current row's content into `hex`. Every value is written straight into the
    /// buffer: a string per number and per length prefix was a third of verifying a year's rows.
    private mutating func digest() {
        bytes.removeAll(keepingCapacity: true)
        names.withUnsafeBufferPointer { names in
            var start = 0
            for (column, index) in indexes.enumerated() {
                bytes += UnsafeBufferPointer(rebasing: names[start..<nameEnds[column]])
                start = nameEnds[column]
                switch sqlite3_column_type(statement, index) {
                case SQLITE_NULL: appendPrefix(1, UInt8(ascii: "n"))
                case SQLITE_INTEGER:
                    let value = sqlite3_column_int64(statement, index)
                    appendPrefix(decimalLength(value) + 1, UInt8(ascii: "i"))
                    appendDecimal(value, to: &bytes)
                case SQLITE_FLOAT:
                    append(UInt8(ascii: "d"), Array(String(sqlite3_column_double(statement, index).bitPattern).utf8))
                case SQLITE_TEXT:
                    let count = Int(sqlite3_column_bytes(statement, index))
                    let text = sqlite3_column_text(statement, index)
                    appendPrefix(count + 1, UInt8(ascii: "s"))
                    if let text, count > 0 { bytes += UnsafeBufferPointer(start: text, count: count) }
                default:
                    let count = Int(sqlite3_column_bytes(statement, index))
                    let data = sqlite3_column_blob(statement, index).map { Data(bytes: $0, count: count) } ?? Data()
                    append(UInt8(ascii: "b"), Array(data.base64EncodedString().utf8))
                }
            }
        }
        let digest = SHA256.hash(data: bytes)
        hex.withUnsafeMutableBufferPointer { writeHex(digest, into: $0) }
    }

    /// The current row hashed: its key as SQLite holds it (NULL as no bytes, as `key()` reads
    /// it; valid until the row moves), its content's hash as hex digits, and whether the
    /// `row_hash` it carries is that hash, without a string made of either hash.
    mutating func withCurrent<Result>(
        _ body: (_ key: UnsafeBufferPointer<UInt8>, _ hex: UnsafeBufferPointer<UInt8>, _ storedMatches: Bool) ->
            Result
    ) -> Result {
        digest()
        let stored: Bool
        if let hashIndex, sqlite3_column_type(statement, hashIndex) == SQLITE_TEXT,
            sqlite3_column_bytes(statement, hashIndex) == 64, let text = sqlite3_column_text(statement, hashIndex)
        {
            stored = hex.withUnsafeBufferPointer { memcmp($0.baseAddress!, text, 64) == 0 }
        } else {
            stored = false
        }
        let key = keyIndex.flatMap(ColumnReader(statement).bytes) ?? UnsafeBufferPointer(start: nil, count: 0)
        return hex.withUnsafeBufferPointer { body(key, $0, stored) }
    }

    /// Checks the current row against `ledger`'s table: its content hashed, compared with the hash
    /// the audit entries recorded for its key and with the `row_hash` it carries.
    mutating func check(into table: inout SealLedger.Table) {
        withCurrent { table.check($0, hex: $1, storedMatches: $2) }
    }

    /// `seal_key` of the current row, as text.
    func key() -> String { keyIndex.flatMap(ColumnReader(statement).text) ?? "" }

    /// `seal_rowid` of the current row.
    func rowid() -> Int64 { Int64(rowidIndex.flatMap(ColumnReader(statement).integer) ?? 0) }

    private mutating func append(_ tag: UInt8, _ value: [UInt8]) {
        appendPrefix(value.count + 1, tag)
        bytes += value
    }

    private mutating func appendPrefix(_ length: Int, _ tag: UInt8) {
        appendDecimal(Int64(length), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(tag)
    }
}

/// A row's canonical bytes from values an engine decoded (PostgreSQL's), tagged with the SQLite
/// storage class each would have: the bytes, and so the hash, that `RowHasher` makes of the same
/// row in SQLite. A district moved from one engine to the other keeps its seals.
package enum CanonicalRow {
    package enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])

        /// The value as SQLite holds it.
        init(_ value: DatabaseValue) {
            switch value.storage {
            case .null: self = .null
            case .int64(let int): self = .integer(int)
            case .double(let double): self = .real(double)
            case .string(let string): self = .text(string)
            case .blob(let data): self = .blob(Array(data))
            }
        }

        /// The value to bind, of the same storage class.
        var databaseValue: DatabaseValue {
            switch self {
            case .null: .null
            case .integer(let int): int.databaseValue
            case .real(let double): double.databaseValue
            case .text(let string): string.databaseValue
            case .blob(let bytes): Data(bytes).databaseValue
            }
        }

        /// As text, as SQLite converts it (a number's digits); nil for NULL.
        package var text: String? {
            switch self {
            case .null: nil
            case .integer(let int): String(int)
            case .real(let double): String(double)
            case .text(let string): string
            case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
            }
        }

        /// As an integer, as SQLite converts it (text's leading digits, else 0); nil for NULL.
        package var integer: Int? {
            switch self {
            case .null: nil
            case .integer(let int): Int(int)
            case .real(let double): double.isFinite ? Int(exactly: double.rounded(.towardZero)) ?? 0 : 0
            case .text(let string): Int(string.prefix { $0.isASCII && ($0.isNumber || $0 == "-") }) ?? 0
            case .blob: 0
            }
        }
    }

    /// The hex SHA-256 of `values`, the row's content columns in the order of `columns`.
    package static func hash(columns: [String], values: [Value]) -> String {
        hash(Array(zip(columns, values)))
    }

    /// The hex SHA-256 of the row's content columns, sorted by name as `RowSeal.order` sorts them.
    package static func hash(_ columns: [(name: String, value: Value)]) -> String {
        hash(sorted: columns.sorted(by: { $0.name < $1.name }))
    }

    /// The same, with the columns already sorted by name (`order(of:)`): for many rows of one
    /// statement, sorted once.
    package static func hash(sorted columns: [(name: String, value: Value)]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        for (name, value) in columns { RowSeal.appendField(name, value, to: &bytes) }
        return sha256Hex(bytes: bytes)
    }
}
