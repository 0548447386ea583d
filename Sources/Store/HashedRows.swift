import GRDB
import GRDBSQLite

/// Every sealed row as it is now, hashed and kept for a ledger filled later, with the audit head it
/// was read under. `audit verify` of a SQLite schedule reads and hashes the rows on a reader of
/// their own while another walks the chain: one after the other, on one core, the two were the
/// whole of a state's verification (6.6 s at 10,000 schools) and the tail of `check`.
///
/// Built on one thread and handed to another only after that thread's work is over (a
/// `DispatchGroup`'s wait), so unchecked `Sendable`.
final class HashedRows: @unchecked Sendable {
    /// One table's rows in the order read: each key (bytes in `keys`), its content's hash as the
    /// 64 hex digits the ledger compares, and whether the `row_hash` it carries is that hash. (Kept
    /// as the 32 bytes the digits spell, a state's 1.16 million rows took 37 MB less, and turning
    /// them back into digits for the ledger was a tenth of the rows' half of `audit verify`.)
    private struct Table {
        let name: String
        var keys: [ByteKey] = []
        var hashes: [SIMD64<UInt8>] = []
        var storedMatches: [Bool] = []
    }

    private let keys = ByteArena()
    private var tables: [Table] = []
    /// The number and hash of the last audit entry when the rows were read (0 and the genesis
    /// hash for an empty log): the chain walked elsewhere must end there for the two to match.
    private(set) var head: (seq: Int, hash: String) = (0, AuditLog.genesis)

    /// The rows of `sealed` and the head of `audit`, in one read.
    static func read(_ db: Database, audit: String, sealed: [SealedTable]) throws -> HashedRows {
        let rows = HashedRows()
        if let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM \(audit) ORDER BY seq DESC LIMIT 1") {
            rows.head = (last.anyInt("seq") ?? -1, last.anyText("hash") ?? "")
        }
        for sealed in sealed {
            let select = try db.makeStatement(
                sql: "SELECT *, CAST(\(sealed.key) AS TEXT) AS seal_key FROM \(sealed.name)")
            var hasher = RowHasher(select)
            var table = Table(name: sealed.name)
            let cursor = try Row.fetchCursor(select)
            while try cursor.next() != nil {
                hasher.withCurrent { key, hex, stored in
                    table.keys.append(rows.keys.keep(key))
                    // Always 64 digits: `RowHasher` writes them.
                    table.hashes.append(UnsafeRawPointer(hex.baseAddress!).loadUnaligned(as: SIMD64<UInt8>.self))
                    table.storedMatches.append(stored)
                }
            }
            rows.tables.append(table)
        }
        return rows
    }

    /// Each row looked up in `ledger`, as `RowSeal.differences` does while it reads them.
    func check(into ledger: inout SealLedger) {
        for table in tables {
            ledger.withTable(table.name) { recorded in
                for index in table.keys.indices {
                    withUnsafeBytes(of: table.hashes[index]) { hex in
                        recorded.check(
                            table.keys[index].bytes, hex: hex.assumingMemoryBound(to: UInt8.self),
                            storedMatches: table.storedMatches[index])
                    }
                }
            }
        }
    }
}
