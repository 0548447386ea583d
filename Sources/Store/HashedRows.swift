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
    /// One table's rows in the order read: each key (bytes in `keys`), its content's hash (the 32
    /// bytes its hex digits spell, half their room: a state's 1.16 million rows are held at once),
    /// and whether the `row_hash` it carries is that hash.
    private struct Table {
        let name: String
        var keys: [ByteKey] = []
        var hashes: [SIMD32<UInt8>] = []
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
                    table.hashes.append(Self.bytes(ofHex: hex))
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
                    withUnsafeBytes(of: Self.hex(of: table.hashes[index])) { hex in
                        recorded.check(
                            table.keys[index].bytes, hex: hex.assumingMemoryBound(to: UInt8.self),
                            storedMatches: table.storedMatches[index])
                    }
                }
            }
        }
    }

    /// The 32 bytes of a hash's 64 lowercase hex digits (as `RowHasher` writes them).
    private static func bytes(ofHex hex: UnsafeBufferPointer<UInt8>) -> SIMD32<UInt8> {
        func nibble(_ digit: UInt8) -> UInt8 { digit <= UInt8(ascii: "9") ? digit &- 48 : digit &- 87 }
        var bytes = SIMD32<UInt8>()
        for index in 0..<min(32, hex.count / 2) {
            bytes[index] = nibble(hex[2 * index]) << 4 | nibble(hex[2 * index + 1])
        }
        return bytes
    }

    /// The 64 lowercase hex digits of a hash's 32 bytes.
    private static func hex(of bytes: SIMD32<UInt8>) -> SIMD64<UInt8> {
        let digits: SIMD16<UInt8> = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]
        var hex = SIMD64<UInt8>()
        for index in 0..<32 {
            hex[2 * index] = digits[Int(bytes[index] >> 4)]
            hex[2 * index + 1] = digits[Int(bytes[index] & 15)]
        }
        return hex
    }
}
