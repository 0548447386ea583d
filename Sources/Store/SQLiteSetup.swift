internal import CSQLiteSetup
import GRDB

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
}
