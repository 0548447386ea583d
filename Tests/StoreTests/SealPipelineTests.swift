import Dates
import GRDB
import Planning
import Testing

@testable import Store

/// A first schedule's audit entry lists every row it sealed, written on the sealing core school by
/// school while the rows are inserted: the text must be the one `AuditLog.encode` writes of the same
/// rows, or `audit verify` would read a different list than the one the chain was sealed over.
@Suite struct SealPipelineTests {
    /// `count` items of each of `schools`, in an order unlike their UIDs'; `uid` names each.
    static func items(schools: [String], count: Int, uid: (String, Int) -> String) -> [TrackedItem] {
        schools.flatMap { school in
            (0..<count).reversed().map { index in
                var tracked = ScheduleStoreTests.item("i\(index)", school: school, date: "2027-09-02", start: 600)
                tracked.item.uid = uid(school, index)
                return tracked
            }
        }
    }

    static func sealedList(_ items: [TrackedItem]) -> (pipeline: String, encoded: String) {
        let pipeline = SealPipeline(items, order: ItemRows.insertionOrder(items), year: ScheduleStoreTests.year)
        // The inserts' side: each chunk taken in turn, which lets the sealing run on.
        for part in 0..<pipeline.chunks { _ = pipeline.take(part) }
        return (pipeline.rows(), AuditLog.encode(rows: pipeline.named(items)))
    }

    // School ids that sort differently with and without the "/" after them ("a-b" and "a"), and
    // enough rows to span several chunks.
    static let schools = ["school-10", "school-1", "a-b", "a", "b", "school-2"]

    @Test func aDistrictsListIsTheOneTheAuditEncodes() {
        let items = Self.items(schools: Self.schools, count: 500) {
            "lakeside/2027-2028/\($0)/fire-drill/\($1)@drillbook"
        }
        let (pipeline, encoded) = Self.sealedList(items)
        #expect(pipeline == encoded)
        #expect(pipeline.utf8.count > 3_000 * 100)
    }

    @Test func uidsThatDoNotBeginWithTheirSchoolAreListedInOrderToo() {
        // The school last in the UIDs' order comes first in the schools': its block is out of order.
        let items = Self.items(schools: Self.schools, count: 400) { "\($1)-\($0)@drillbook" }
        let (pipeline, encoded) = Self.sealedList(items)
        #expect(pipeline == encoded)
    }
}

@Suite struct SortedJSONBlocksTests {
    static let pairs = (0..<2_000).map { ("item:\(String($0, radix: 7))/é", "\($0)") }

    @Test func blocksInOrderMakeTheSortedObject() {
        let sorted = SortedJSON.sorted(Self.pairs)
        var blocks = SortedJSONBlocks()
        var start = 0
        // Blocks of uneven sizes, each shuffled: each is sorted as it is written.
        for size in [1, 7, 300, 2, 900, 790] {
            blocks.append(Array(sorted[start..<start + size]).shuffled())
            start += size
        }
        blocks.append([])
        #expect(start == Self.pairs.count)
        #expect(blocks.finish() == SortedJSON.object(Self.pairs))
        #expect(SortedJSONBlocks().finish() == "{}")
    }

    @Test func aBlockOutOfOrderOrRepeatingAKeyGivesNothing() {
        let sorted = SortedJSON.sorted(Self.pairs)
        var late = SortedJSONBlocks()
        late.append(Array(sorted[1_000...]))
        late.append(Array(sorted[..<1_000]))
        #expect(!late.inOrder)
        #expect(late.finish() == nil)
        var repeated = SortedJSONBlocks()
        repeated.append(Array(sorted[..<1_000]))
        repeated.append(Array(sorted[999...]))
        #expect(repeated.finish() == nil)
    }
}

/// A first schedule's rows are sealed into one buffer and bound where they lie (`SealedRows`): the
/// bytes hashed must be `RowSeal.canonical`'s, and what SQLite stores must be what was hashed, or
/// `audit verify` would report every new row as changed.
@Suite struct SealedRowsTests {
    static var records: [ItemRecord] {
        var odd = ScheduleStoreTests.item("nul", date: "2027-09-03", start: 0, sequence: 1_000_000_007)
        odd.item.title = "before\u{0}after — ✓"
        odd.item.description = ""
        odd.item.slot = -12
        odd.item.presence = ["a", "b,c"]
        return (ScheduleStoreTests.items + [odd]).map { ItemRecord($0, year: ScheduleStoreTests.year) }
    }

    @Test func eachRowHashesItsCanonicalBytes() {
        var rows = SealedRows(capacity: 2)
        for (index, record) in Self.records.enumerated() {
            let hash = rows.append(record)
            let canonical = RowSeal.canonical(ItemRecord.sealOrder) { record.values[$0] }
            #expect(Array(rows.canonical(index)) == canonical)
            #expect(hash == sha256Hex(bytes: canonical))
            #expect(hash == RowSeal.hash(columns: ItemRecord.sealOrder, values: record.values))
        }
        #expect(rows.count == Self.records.count)
    }

    @Test func whatSQLiteStoresIsWhatWasHashed() throws {
        let queue = try DatabaseQueue()
        try SQLiteScheduleStore.migrator.migrate(queue)
        var rows = SealedRows(capacity: 1)
        let hashes = Self.records.map { rows.append($0) }
        try queue.write { db in
            let insert = try db.makeStatement(
                sql: "INSERT INTO item (\(ItemRecord.selection), row_hash) VALUES (\(ItemRecord.placeholders), ?)")
            try rows.insert(with: insert)
        }
        try queue.read { db in
            let select = try db.makeStatement(
                sql: "SELECT *, CAST(uid AS TEXT) AS seal_key, rowid AS seal_rowid FROM item ORDER BY rowid")
            var hasher = RowHasher(select)
            let cursor = try Row.fetchCursor(select)
            var read: [(key: String, hash: String, stored: String?)] = []
            while let row = try cursor.next() {
                read.append((hasher.key(), hasher.hash(), row["row_hash"]))
            }
            #expect(read.map(\.key) == Self.records.map(\.uid))
            #expect(read.map(\.hash) == hashes)
            #expect(read.map(\.stored) == hashes)
            // Text is stored whole, past a NUL; numbers as numbers.
            #expect(
                try Int.fetchOne(db, sql: "SELECT length(CAST(title AS BLOB)) FROM item WHERE uid LIKE 'nul@%'")
                    == "before\u{0}after — ✓".utf8.count)
            #expect(
                try String.fetchOne(
                    db, sql: "SELECT typeof(slot) || typeof(description) FROM item WHERE uid LIKE 'nul@%'")
                    == "integertext")
        }
    }
}

/// On either engine, a first schedule's audit entry lists its rows as `AuditLog.encode` would (the
/// list written school by school as the rows are sealed, or sorted whole where the UIDs do not
/// follow their schools), and the chain verifies over it.
@Suite struct FirstScheduleListTests {
    static func check(_ engine: Engine, uid: @escaping (String, Int) -> String) throws {
        let database = try TestDatabase(engine)
        let store = try database.schedule()
        // More rows than one PostgreSQL statement holds, in several schools.
        let items = SealPipelineTests.items(schools: SealPipelineTests.schools, count: 1_200, uid: uid)
        var result = ReplanResult()
        result.added = items
        try store.apply(
            result, year: ScheduleStoreTests.year, asOf: CalendarDate(year: 2027, month: 8, day: 1),
            audit: ScheduleStoreTests.context)
        let uids = try database.texts("SELECT uid FROM item ORDER BY uid")
        let hashes = try database.texts("SELECT row_hash FROM item ORDER BY uid")
        #expect(uids.count == items.count)
        let expected = AuditLog.encode(
            rows: Dictionary(uniqueKeysWithValues: zip(uids.map { "item:\($0)" }, hashes)))
        #expect(try database.texts("SELECT rows FROM audit ORDER BY seq DESC LIMIT 1") == [expected])
        guard case .intact = try store.verifyAudit() else {
            Issue.record("the chain does not verify over the first schedule's list")
            return
        }
    }

    @Test(arguments: Engine.available)
    func uidsInTheirSchoolsOrder(_ engine: Engine) throws {
        try Self.check(engine) { "lakeside/2027-2028/\($0)/fire-drill/\($1)@drillbook" }
    }

    @Test(arguments: Engine.available)
    func uidsThatDoNotFollowTheirSchools(_ engine: Engine) throws {
        try Self.check(engine) { "\($1)-\($0)@drillbook" }
    }
}
