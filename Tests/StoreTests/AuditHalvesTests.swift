import Dates
import GRDB
import Planning
import Testing

@testable import Store

/// `audit verify` of a SQLite schedule walks the chain on one reader while another hashes the rows:
/// the two halves joined say what one read of both says, and halves read either side of a write
/// are not joined (the store then reads both again in one).
struct AuditHalvesTests {
    typealias Suite = ScheduleStoreTests

    static func halves(_ location: String) throws -> (CheckedChain, HashedRows) {
        let queue = try DatabaseQueue(path: location)
        return try queue.read { db in
            (
                try AuditLog.verifyChain(db, table: "audit", head: nil),
                try HashedRows.read(db, audit: "audit", sealed: SQLiteScheduleStore.sealedTables)
            )
        }
    }

    static func whole(_ location: String) throws -> AuditVerification {
        try DatabaseQueue(path: location).read { db in
            try AuditLog.verify(db, table: "audit", sealed: SQLiteScheduleStore.sealedTables, head: nil)
        }
    }

    @Test func theHalvesJoinedSayWhatOneReadSays() throws {
        let database = try TestDatabase(.sqlite)
        let store = try database.schedule()
        try store.apply(
            Suite.added(Suite.items), year: Suite.year, asOf: CalendarDate("2027-08-01")!, audit: Suite.context)
        var (chain, rows) = try Self.halves(database.location)
        let intact = try Self.whole(database.location)
        guard case .intact(entries: 1, _) = intact else {
            Issue.record("a fresh schedule verifies: \(intact)")
            return
        }
        #expect(AuditLog.verdict(chain, rows: rows, sealed: SQLiteScheduleStore.sealedTables) == intact)
        #expect(try store.verifyAudit() == intact)

        try database.tamper("UPDATE item SET title = 'Fire drill (edited)' WHERE uid = ?", [Suite.items[2].item.uid])
        try database.tamper("DELETE FROM item WHERE uid = ?", [Suite.items[4].item.uid])
        try database.tamper("UPDATE item SET row_hash = upper(row_hash) WHERE uid = ?", [Suite.items[5].item.uid])
        (chain, rows) = try Self.halves(database.location)
        let tampered = try Self.whole(database.location)
        guard case .tampered(let found) = tampered else {
            Issue.record("three rows changed behind the store's back: \(tampered)")
            return
        }
        #expect(found.count == 3)
        #expect(AuditLog.verdict(chain, rows: rows, sealed: SQLiteScheduleStore.sealedTables) == tampered)
        #expect(try store.verifyAudit() == tampered)
    }

    @Test func halvesReadEitherSideOfAWriteAreNotJoined() throws {
        let database = try TestDatabase(.sqlite)
        let store = try database.schedule()
        try store.apply(
            Suite.added(Array(Suite.items.prefix(3))), year: Suite.year, asOf: CalendarDate("2027-08-01")!,
            audit: Suite.context)
        let (_, before) = try Self.halves(database.location)
        try store.apply(
            Suite.added(Array(Suite.items.suffix(2))), year: Suite.year, asOf: CalendarDate("2027-08-02")!,
            audit: Suite.context)
        let (after, _) = try Self.halves(database.location)
        // The rows read before the write lack the two rows the second entry records: joined, they
        // would read as deleted. Not joined, and the store's own answer is the whole read's.
        #expect(AuditLog.verdict(after, rows: before, sealed: SQLiteScheduleStore.sealedTables) == nil)
        let intact = try Self.whole(database.location)
        #expect(intact == .intact(entries: 2, head: try store.auditEntries().last!.hash))
        #expect(try store.verifyAudit() == intact)
    }

    /// A broken chain is the verdict whatever the rows say.
    @Test func aBrokenChainIsTheVerdictWhateverTheRows() throws {
        let database = try TestDatabase(.sqlite)
        let store = try database.schedule()
        try store.apply(
            Suite.added(Suite.items), year: Suite.year, asOf: CalendarDate("2027-08-01")!, audit: Suite.context)
        try database.tamper("UPDATE audit SET actor = 'someone else'")
        let (chain, rows) = try Self.halves(database.location)
        let verdict = AuditLog.verdict(chain, rows: rows, sealed: SQLiteScheduleStore.sealedTables)
        #expect(verdict == .broken(seq: 1, reason: "its content was changed after it was written"))
        #expect(try store.verifyAudit() == verdict)
    }
}
