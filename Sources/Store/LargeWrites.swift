import GRDB

/// Large writes through a rollback journal, not the WAL.
///
/// SQLite's own advice (sqlite.org/wal.html, "Performance Considerations"): WAL "does not work
/// well for very large transactions"; "it is recommended that one of the rollback journal modes be
/// used for transactions larger than a few dozen megabytes". Through the WAL, every page of a
/// state's first schedule (1.3 GB at 10,000 schools) is written twice: into the WAL as the
/// transaction commits, then copied into the database by the checkpoint, on one core, before the
/// command can end. A rollback journal keeps only the original of each page that existed before
/// the transaction (for an empty year, a few): the new pages go to the database once.
///
/// SQLite leaves WAL mode only when no other connection has the file open, so a write made while
/// `drillbook serve` or another command has it open simply goes through the WAL, as every other
/// write does. A crash in between leaves a hot journal that the next opening rolls back, as a
/// crash during a WAL write leaves a WAL: nothing half-written either way. A store opened for
/// `drillbook serve` never leaves WAL: readers opened during a rollback-journal write wait for
/// it (and its commit for them), where a server's feeds and pages should not.
extension SQLiteScheduleStore {
    /// New rows from which a write goes through a rollback journal: about 12 MB of items with
    /// their indexes and seals, at the low end of SQLite's "a few dozen megabytes".
    static let rollbackJournalRows = 10_000

    /// `database.write`, for a write adding `rows` rows: a large one through a rollback journal
    /// when the database is this connection's alone, the WAL again afterwards.
    func write<T>(adding rows: Int, _ updates: (Database) throws -> T) throws -> T {
        guard largeWritesLeaveWAL, rows >= Self.rollbackJournalRows, leaveWAL() else {
            return try database.write(updates)
        }
        defer { returnToWAL() }
        return try database.write(updates)
    }

    /// The database's journal mode as SQLite reports it (`wal`, `delete`).
    func journalMode() throws -> String {
        try database.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Switches to a rollback journal; false when SQLite refuses (another connection has the file).
    private func leaveWAL() -> Bool {
        // This pool's own readers are connections too: closed here, opened again on the next read.
        database.releaseMemory()
        do {
            return try database.writeWithoutTransaction { db in
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete" else { return false }
                // NORMAL, right for WAL, is not enough for a rollback journal to survive a power cut.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return true
            }
        } catch {
            return false
        }
    }

    /// Back to WAL, with GRDB's `synchronous` for it. (The pool's readers, opened again read-only,
    /// find the WAL file the writer's connection keeps open.) When that fails (a reader holds the
    /// file at that instant), the database stays in rollback mode, correct and less concurrent,
    /// until the next opening of the store sets WAL again.
    private func returnToWAL() {
        try? database.writeWithoutTransaction { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else { return }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
    }
}
