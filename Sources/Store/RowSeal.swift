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
    static let excluded: Set<String> = ["row_hash", "seal_key"]

    /// Every column but `row_hash`, by name, each name and value length-prefixed with its SQLite type:
    /// no value can shift a boundary (a newline or a separator inside a field changes the hash).
    static func canonical(_ row: Row) -> [UInt8] {
        var fields: [(String, DatabaseValue)] = []
        fields.reserveCapacity(row.count)
        for (column, value) in row where !excluded.contains(column) { fields.append((column, value)) }
        fields.sort { $0.0 < $1.0 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        func field(_ tag: String, _ text: String) {
            let utf8 = text.utf8
            bytes += String(utf8.count + tag.utf8.count).utf8
            bytes.append(UInt8(ascii: ":"))
            bytes += tag.utf8
            bytes += utf8
        }
        for (column, value) in fields {
            field("", column)
            switch value.storage {
            case .null: field("n", "")
            case .int64(let int): field("i", String(int))
            case .double(let double): field("d", String(double.bitPattern))
            case .string(let string): field("s", string)
            case .blob(let data): field("b", data.base64EncodedString())
            }
        }
        return bytes
    }

    static func hash(_ row: Row) -> String { sha256Hex(bytes: canonical(row)) }

    /// Seals the rows of `table` whose key is one of `keys`: writes their `row_hash` and returns the
    /// names and hashes the audit entry must carry (`item:lincoln-hs/...` -> hash).
    static func seal(_ db: Database, _ table: SealedTable, keys: [any DatabaseValueConvertible & Sendable]) throws
        -> [String: String]
    {
        var sealed: [String: String] = [:]
        let select = try db.makeStatement(
            sql: "SELECT *, CAST(\(table.key) AS TEXT) AS seal_key FROM \(table.name) WHERE \(table.key) = ?")
        let update = try db.makeStatement(sql: "UPDATE \(table.name) SET row_hash = ? WHERE \(table.key) = ?")
        for key in keys {
            guard let row = try Row.fetchOne(select, arguments: [key]) else { continue }
            let hash = Self.hash(row)
            try update.execute(arguments: [hash, key])
            sealed["\(table.name):\(row["seal_key"] as String? ?? "")"] = hash
        }
        return sealed
    }

    /// Every difference between the sealed tables and the hashes the audit entries recorded, the
    /// earliest entry first: rows changed, rows no entry names (inserted), rows named but gone (deleted).
    static func differences(_ db: Database, audit: String, tables: [SealedTable]) throws -> [String] {
        var named: [String: (hash: String, seq: Int)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT seq, rows FROM \(audit) WHERE rows != '{}' ORDER BY seq") {
            let text: String = row["rows"]
            let hashes = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            for (key, hash) in hashes { named[key] = (hash, row["seq"]) }
        }
        var found: [(seq: Int, text: String)] = []
        for table in tables {
            for row in try Row.fetchAll(db, sql: "SELECT *, CAST(\(table.key) AS TEXT) AS seal_key FROM \(table.name)")
            {
                let key = "\(table.name):\(row["seal_key"] as String? ?? "")"
                let hash = Self.hash(row)
                guard let recorded = named.removeValue(forKey: key) else {
                    found.append((Int.max, "\(key) is in no audit entry: it was added behind Drillbook's back"))
                    continue
                }
                if recorded.hash != hash || row["row_hash"] != hash {
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
