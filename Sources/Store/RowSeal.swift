import Foundation
import GRDB

/// A table whose rows the audit chain vouches for.
struct SealedTable: Sendable {
    /// The table's name, which also names its rows in audit entries (`completion:12`).
    var name: String
    /// The SQL expression that identifies a row (`uid`, `incident_id || '/' || seq`).
    var key: String
}

/// Tamper evidence for rows: each sealed row carries `row_hash`, the SHA-256 of its canonical content,
/// and the audit entry written in the same transaction names that hash. `audit verify` recomputes
/// every row and compares it with the latest entry that named it, so a row changed, inserted or
/// deleted directly in SQLite is found, and the chain makes the entries themselves unforgeable
/// short of rewriting it from the changed row on (which a head kept elsewhere catches).
enum RowSeal {
    /// Columns that are not content: the seal itself, and the key a query adds.
    static let excluded: Set<String> = ["row_hash", "seal_key", "seal_rowid"]

    /// Every column but `row_hash`, by name, each name and value length-prefixed with its SQLite type:
    /// no value can shift a boundary (a newline or a separator inside a field changes the hash).
    static func canonical(_ row: Row) -> [UInt8] {
        canonical(row, order: order(of: row))
    }

    /// The positions of a row's content columns, sorted by name: the same for every row of one
    /// statement, so a batch works it out once.
    static func order(of row: Row) -> [(name: String, index: Int)] {
        row.columnNames.enumerated().filter { !excluded.contains($0.element) }.map { ($0.element, $0.offset) }
            .sorted { $0.name < $1.name }
    }

    static func canonical(_ row: Row, order: [(name: String, index: Int)]) -> [UInt8] {
        canonical(order) { row[$0] }
    }

    /// The canonical bytes of values given by position, in `order`.
    static func canonical(_ order: [(name: String, index: Int)], value: (Int) -> DatabaseValue) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        func field(_ tag: StaticString, _ utf8: some Collection<UInt8>) {
            bytes += String(utf8.count + tag.utf8CodeUnitCount).utf8
            bytes.append(UInt8(ascii: ":"))
            bytes += UnsafeBufferPointer(start: tag.utf8Start, count: tag.utf8CodeUnitCount)
            bytes += utf8
        }
        for (name, index) in order {
            field("", name.utf8)
            switch value(index).storage {
            case .null: field("n", EmptyCollection())
            case .int64(let int): field("i", String(int).utf8)
            case .double(let double): field("d", String(double.bitPattern).utf8)
            case .string(let string): field("s", string.utf8)
            case .blob(let data): field("b", data.base64EncodedString().utf8)
            }
        }
        return bytes
    }

    /// The hash a row of `columns` holding `values` will have once written, without reading it back:
    /// for inserts that write `row_hash` with the row. Only valid when `columns` is every content
    /// column of the table (`contentColumns` says) and each value is stored as given.
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

    static func hash(_ row: Row) -> String { sha256Hex(bytes: canonical(row)) }

    static func hash(_ row: Row, order: [(name: String, index: Int)]) -> String {
        sha256Hex(bytes: canonical(row, order: order))
    }

    /// Seals the rows of `table` whose key is one of `keys`: writes their `row_hash` and returns the
    /// names and hashes the audit entry must carry (`item:lincoln-hs/...` -> hash).
    static func seal(_ db: Database, _ table: SealedTable, keys: [any DatabaseValueConvertible & Sendable]) throws
        -> [String: String]
    {
        var sealed: [String: String] = [:]
        let update = try db.makeStatement(sql: "UPDATE \(table.name) SET row_hash = ? WHERE rowid = ?")
        var order: [(name: String, index: Int)]?
        func seal(_ row: Row) throws {
            if order == nil { order = Self.order(of: row) }
            let hash = Self.hash(row, order: order!)
            try update.execute(arguments: [hash, row["seal_rowid"] as Int64])
            sealed["\(table.name):\(row["seal_key"] as String? ?? "")"] = hash
        }
        let selectAll = "SELECT *, CAST(\(table.key) AS TEXT) AS seal_key, rowid AS seal_rowid FROM \(table.name)"
        // A few rows are looked up one by one; a first schedule or an imported log touches thousands,
        // and one pass over the table beats as many lookups.
        if keys.count < 256 {
            let select = try db.makeStatement(sql: selectAll + " WHERE \(table.key) = ?")
            for key in keys {
                guard let row = try Row.fetchOne(select, arguments: [key]) else { continue }
                try seal(row)
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
            let rows = try Row.fetchCursor(db, sql: selectAll)
            var found: [Row] = []
            while let row = try rows.next() {
                guard let text = row["seal_key"] as String?, wanted.contains(text) else { continue }
                found.append(row.copy())
            }
            // Written after the read: an UPDATE while the cursor walks the same table could move rows under it.
            for row in found { try seal(row) }
        }
        return sealed
    }

    /// Every difference between the sealed tables and the hashes the audit entries recorded, the
    /// earliest entry first: rows changed, rows no entry names (inserted), rows named but gone (deleted).
    static func differences(_ db: Database, audit: String, tables: [SealedTable]) throws -> [String] {
        var named: [String: (hash: String, seq: Int)] = [:]
        let entries = try Row.fetchCursor(db, sql: "SELECT seq, rows FROM \(audit) WHERE rows != '{}' ORDER BY seq")
        while let row = try entries.next() {
            // (The chain walk before this has vouched for every entry's fields and their types.)
            guard let text = row.text("rows"), let seq = row.integer("seq").map(Int.init) else { continue }
            // JSONSerialization, not JSONDecoder: a first schedule's entry names every row of the
            // year, and the decoder took most of `audit verify` (and of `check`, which verifies).
            guard let hashes = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
                throw DatabaseError(message: "audit entry \(seq): its rows are not an object of hashes")
            }
            for (key, hash) in hashes { named[key] = (hash, seq) }
        }
        var found: [(seq: Int, text: String)] = []
        for table in tables {
            var order: [(name: String, index: Int)]?
            let rows = try Row.fetchCursor(
                db, sql: "SELECT *, CAST(\(table.key) AS TEXT) AS seal_key FROM \(table.name)")
            while let row = try rows.next() {
                let key = "\(table.name):\(row["seal_key"] as String? ?? "")"
                if order == nil { order = Self.order(of: row) }
                let hash = Self.hash(row, order: order!)
                guard let recorded = named.removeValue(forKey: key) else {
                    found.append((Int.max, "\(key) is in no audit entry: it was added behind Drillbook's back"))
                    continue
                }
                if recorded.hash != hash || row.text("row_hash") != hash {
                    found.append(
                        (recorded.seq, "\(key) differs from what audit entry \(recorded.seq) recorded: it was changed"))
                }
            }
        }
        let prefixes = Set(tables.map { $0.name + ":" })
        for (key, recorded) in named
        where prefixes.contains(where: { key.hasPrefix($0) }) {
            found.append((recorded.seq, "\(key), recorded by audit entry \(recorded.seq), is missing: it was deleted"))
        }
        return found.sorted { ($0.seq, $0.text) < ($1.seq, $1.text) }.map(\.text)
    }
}

/// Length-prefixed fields: `5:hello`, so no content can pass for a boundary.
enum Canonical {
    static func field(_ text: String) -> String { "\(text.utf8.count):\(text)" }
    static func encode(_ fields: [String]) -> String { fields.map(field).joined() }
}
