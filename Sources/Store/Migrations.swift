import GRDB

enum Migrations {
    /// Runs the migrations, safe when several processes open a new database at once: each migration
    /// is its own transaction, but which are applied is read before it, so a process that lost the
    /// race finds the table made by the winner. Its transaction rolled back; it reads again and
    /// finds nothing left to do.
    static func run(_ migrator: DatabaseMigrator, on database: some DatabaseWriter) throws {
        var attempt = 0
        while true {
            do {
                try migrator.migrate(database)
                return
            } catch {
                attempt += 1
                if attempt >= 5 { throw error }
            }
        }
    }
}
