import Foundation
import Playbooks
import Testing

@testable import Store

/// A row's seal is the same bytes on every engine, so a district moved between them keeps its
/// audit chain's word for every row.
@Suite struct SealCompatibilityTests {
    /// `CanonicalRow` (what the PostgreSQL store hashes a row with) against the hash SQLite's
    /// `RowHasher` wrote for the same row: text, an integer, a boolean stored as 0 or 1.
    @Test func valuesAsAnEngineDecodesThemHashAsSQLiteSealsThem() throws {
        let database = try TestDatabase(.sqlite)
        let store = try database.incidents()
        let id = try store.open(
            playbook: IncidentStoreTests.playbook, school: "harbor-es", exercise: true, year: 2027,
            events: IncidentStoreTests.opened)
        let expected = CanonicalRow.hash([
            ("school", .text("harbor-es")), ("id", .text(id)), ("playbook_id", .text("bomb-threat")),
            ("version", .text("1.0.0")), ("content_hash", .text("abc123")), ("exercise", .integer(1)),
        ])
        #expect(try database.texts("SELECT row_hash FROM incident") == [expected])
        // Every boundary and type counts: the same text as an integer, or one column's text moved
        // into its neighbour's, is another row.
        #expect(
            CanonicalRow.hash([("a", .integer(1)), ("b", .text("x"))])
                != CanonicalRow.hash([("a", .text("1")), ("b", .text("x"))]))
        #expect(
            CanonicalRow.hash([("a", .text("1:b")), ("b", .text(""))])
                != CanonicalRow.hash([("a", .text("1")), ("b", .text(":b"))]))
    }

    /// The same incident written on both engines carries the same row hashes.
    @Test(.enabled(if: Engine.serverURL != nil)) func bothEnginesSealTheSameRowAlike() throws {
        var hashes: [[String]] = []
        for engine in [Engine.sqlite, .postgres] {
            let database = try TestDatabase(engine)
            let store = try database.incidents()
            let id = try store.open(
                playbook: IncidentStoreTests.playbook, school: "harbor-es", exercise: false, year: 2027,
                events: IncidentStoreTests.opened)
            try store.append([IncidentEvent(kind: .closed, at: 1_820_001_000, actor: "mchen")], to: id)
            hashes.append(
                try database.texts("SELECT row_hash FROM incident")
                    + database.texts("SELECT row_hash FROM incident_event ORDER BY seq"))
        }
        #expect(hashes[0].count == 4)
        #expect(hashes[0] == hashes[1])
    }

    /// CI must not pass by leaving PostgreSQL out: `make test` starts it, and a CI run without it fails.
    @Test func continuousIntegrationTestsPostgreSQL() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(Engine.serverURL != nil, "CI=true but DRILLBOOK_TEST_POSTGRES is not set")
        }
    }
}

/// The digits and hex the seals are made of, written into buffers, against the strings they stand for.
@Suite struct SealBytesTests {
    @Test(arguments: [
        0, 7, 9, 10, -1, -9, -10, 99, 100, -100, 1_234_567_890, 1_000_000_000_000_000_000, Int64.max, Int64.min,
        Int64.min + 1,
    ])
    func decimalDigitsAreStringsDigits(_ value: Int64) {
        var bytes: [UInt8] = Array("x".utf8)
        appendDecimal(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x" + String(value))
        #expect(decimalLength(value) == String(value).count)
    }

    @Test func hexOfAHashIsSHA256sDigits() {
        // Known answers (FIPS 180-2): "" and "abc".
        #expect(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// An audit entry's hash is the SHA-256 of its fields, each length-prefixed (`5:hello`), in
    /// order: made here the plain way, so chains written before the buffer was written directly
    /// still verify.
    @Test func anEntrysHashIsItsFieldsLengthPrefixed() {
        let previous = String(repeating: "0", count: 64)
        let fields = [
            "-12", "2027-08-01T12:00:00Z", "2027-08-01", "r.ortiz", "schedule", "2027-2028",
            "{\"moved\":[\"évacuation ½\"]}", "{\"item:a@b\":\"c\"}", previous,
        ]
        let expected = sha256Hex(fields.map { "\($0.utf8.count):\($0)" }.joined())
        #expect(
            AuditLog.hash(
                seq: -12, at: fields[1], asOf: fields[2], actor: fields[3], action: fields[4], subject: fields[5],
                detail: fields[6], rows: fields[7], previous: previous) == expected)
    }

    /// What the entries recorded, the latest entry winning, is what each row is checked against,
    /// however an entry's list is spelled; a recorded value that is not a hash matches no row.
    @Test func aRowIsCheckedAgainstTheLatestHashItsEntriesRecorded() throws {
        let old = String(repeating: "a", count: 64)
        let new = String(repeating: "b", count: 64)
        var ledger = SealLedger()
        // Entry 1 as SortedJSON writes it, large enough to be read a pair at a time into a reserved table.
        var first: [String: String] = ["item:x/1": old, "item:x\"2": old, "item:short": "abc", "item:empty": ""]
        for row in 0..<2_000 { first["item:filler-\(row)"] = old }
        try ledger.record(SortedJSON.object(first), seq: 1)
        // Entry 2 spelled with spaces and escapes: it moves x/1 on and names a row of another table.
        try ledger.record(#"{ "item:x\/1" : "\#(new)", "completion:7":"\#(old)" }"#, seq: 2)
        ledger.check("item:x/1", hash: new, stored: new)
        ledger.check("item:x\"2", hash: new, stored: new)
        ledger.check("item:short", hash: "abc", stored: "abc")
        ledger.check("item:empty", hash: "", stored: "")
        ledger.check("completion:7", hash: old, stored: old)
        ledger.check("completion:8", hash: old, stored: old)
        for row in 0..<2_000 where row != 5 { ledger.check("item:filler-\(row)", hash: old, stored: old) }
        let tables = [SealedTable(name: "item", key: "uid"), SealedTable(name: "completion", key: "id")]
        #expect(
            ledger.differences(tables: tables) == [
                "item:empty differs from what audit entry 1 recorded: it was changed",
                "item:filler-5, recorded by audit entry 1, is missing: it was deleted",
                "item:short differs from what audit entry 1 recorded: it was changed",
                "item:x\"2 differs from what audit entry 1 recorded: it was changed",
                "completion:8 is in no audit entry: it was added behind Drillbook's back",
            ])
    }
}
