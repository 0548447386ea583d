import GRDB

/// Each activity's fingerprint as last scheduled: a re-plan moves the future items of an activity
/// whose fingerprint changed, and keeps every other item on its day.
extension SQLiteScheduleStore {
    static func registerActivityVersions(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: activity versions") { db in
            try db.create(table: "activity_version") { table in
                table.column("year", .text).notNull()
                table.column("activity_id", .text).notNull()
                table.column("fingerprint", .text).notNull()
                table.primaryKey(["year", "activity_id"])
            }
        }
    }

    /// Activity id to fingerprint, as the last `schedule` of `year` stored them.
    public func activityVersions(year: String) throws(StoreError) -> [String: String] {
        do {
            return try database.read { db in
                var result: [String: String] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT activity_id, fingerprint FROM activity_version WHERE year = ?", arguments: [year])
                {
                    guard let activity = row.anyText("activity_id") else { continue }
                    result[activity] = row.anyText("fingerprint")
                }
                return result
            }
        } catch {
            throw StoreError(message: "cannot read the activity versions (\(error))")
        }
    }

    /// Stores the versions a run that changed nothing was made from.
    public func saveVersions(_ versions: [String: String], year: String) throws(StoreError) {
        do { try database.write { db in try Self.saveVersions(versions, year: year, db: db) } } catch {
            throw StoreError(message: "cannot store the activity versions (\(error))")
        }
    }

    static func saveVersions(_ versions: [String: String], year: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM activity_version WHERE year = ?", arguments: [year])
        for (activity, fingerprint) in versions.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                sql: "INSERT INTO activity_version (year, activity_id, fingerprint) VALUES (?, ?, ?)",
                arguments: [year, activity, fingerprint])
        }
    }
}
