import Foundation
import GRDB

/// A SQLite database's tables read whole, row by row, as SQLite holds each value: what moving a
/// district to another engine copies. Read in one transaction, so the copy is of one moment.
package enum SQLiteTables {
    /// The tables of each database in the order a copy writes them: every table before the tables
    /// whose rows point at its rows.
    package static let schedule = [
        "item", "schedule_run", "completion", "audit", "alert", "activity_version", "feed", "app_user", "user_link",
        "web_session", "api_key",
    ]
    package static let incidents = [
        "incident", "incident_event", IncidentRecords.auditTable, "intake_source", "intake", "signoff_link",
        "ack_link",
    ]

    /// Calls `each` once per table of `tables` with its columns and every row's values in that
    /// order (by `rowid`, the order they were written), all inside one read transaction of the
    /// database at `path`.
    package static func read(
        _ path: String, tables: [String],
        _ each: (_ table: String, _ columns: [String], _ rows: [[CanonicalRow.Value]]) throws -> Void
    ) throws {
        var configuration = SQLiteSetup.configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in
            for table in tables {
                let statement = try db.makeStatement(sql: "SELECT * FROM \(table) ORDER BY rowid")
                let columns = statement.columnNames
                let rows = try Row.fetchAll(statement).map { row in
                    (0..<columns.count).map { CanonicalRow.Value(row[$0] as DatabaseValue) }
                }
                try each(table, columns, rows)
            }
        }
    }

    /// The names of the tables in the database at `path`, read without changing it.
    package static func names(_ path: String) throws -> Set<String> {
        var configuration = SQLiteSetup.configuration()
        configuration.readonly = true
        return Set(
            try DatabaseQueue(path: path, configuration: configuration).read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            })
    }

    /// Every sealed row's key and the `row_hash` it carries, by table (`item:UID` -> hash).
    package static func rowHashes(_ path: String, tables: [SealedTable]) throws -> [String: String?] {
        var configuration = SQLiteSetup.configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { db in
            var hashes: [String: String?] = [:]
            for table in tables {
                for row in try Row.fetchAll(
                    db, sql: "SELECT CAST(\(table.key) AS TEXT) AS seal_key, row_hash FROM \(table.name)")
                {
                    hashes["\(table.name):\(row.anyText("seal_key") ?? "")"] = row.anyText("row_hash")
                }
            }
            return hashes
        }
    }
}
