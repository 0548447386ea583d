internal import CSQLiteSetup
import GRDB
import Glibc

/// How every SQLite connection of the process is opened.
enum SQLiteSetup {
    /// SQLite's process-wide settings, made once before its first use: the multi-thread mode (GRDB
    /// hands each connection to one thread at a time, so SQLite's own mutex on every call guarded
    /// nothing; with the statistics' mutex it was 8 % of the inserting thread's samples storing a
    /// first schedule) and no memory statistics (a process-wide mutex taken on every allocation).
    /// A nonzero value means SQLite was already in use and kept its defaults: correct, only slower.
    static let settings: Int32 = drillbook_sqlite_setup()

    /// A GRDB configuration, SQLite set up first.
    static func configuration() -> Configuration {
        _ = settings
        return Configuration()
    }

    /// Makes `path` an empty file (an empty file is an empty database) that only its owner can
    /// read, unless it exists; returns whether it made it. SQLite gives a database's WAL, shared
    /// memory and journal the database file's mode as they are made: a file SQLite made under the
    /// usual umask (0644) and tightened afterwards left its first WAL, full of the district's
    /// records, readable by every account on the machine.
    @discardableResult
    static func createPrivately(_ path: String) throws(StoreError) -> Bool {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return true
        }
        if errno == EEXIST { return false }
        throw StoreError(message: "\(path): cannot create the database file (\(String(cString: strerror(errno))))")
    }
}
