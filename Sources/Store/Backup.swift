import Foundation
import GRDB

/// Consistent copies of a database while others write to it: SQLite's online backup, through GRDB.
extension SQLiteScheduleStore {
    /// Copies the whole database to a new file at `path` (mode 0600), page by page under SQLite's
    /// backup API, so a write in progress is either in the copy whole or not at all.
    public func backup(to path: String) throws(StoreError) {
        try Backups.copy(database, to: path)
    }

    /// Replaces this database's content with the copy at `path`, in one step for readers.
    public func restore(from copy: SQLiteScheduleStore) throws(StoreError) {
        try Backups.restore(copy.database, into: database)
    }
}

extension SQLiteIncidentStore {
    public func backup(to path: String) throws(StoreError) {
        try Backups.copy(database, to: path)
    }

    public func restore(from copy: SQLiteIncidentStore) throws(StoreError) {
        try Backups.restore(copy.database, into: database)
    }
}

enum Backups {
    static func copy(_ database: some DatabaseReader, to path: String) throws(StoreError) {
        guard try SQLiteSetup.createPrivately(path) else {
            throw StoreError(message: "\(path) exists already; a backup never overwrites a file")
        }
        do {
            let destination = try DatabaseQueue(path: path)
            try database.backup(to: destination)
            try destination.close()
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw StoreError(message: "\(path): the backup failed (\(error)); nothing was written")
        }
    }

    static func restore(_ copy: some DatabaseReader, into database: some DatabaseWriter) throws(StoreError) {
        do {
            try copy.backup(to: database)
        } catch {
            throw StoreError(message: "the restore failed (\(error))")
        }
    }
}
