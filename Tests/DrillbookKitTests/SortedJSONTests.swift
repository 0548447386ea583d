import Dates
import Foundation
import GRDB
import Testing

@testable import Planning
@testable import Store

/// The audit entry's list of sealed rows is written by `SortedJSON`, not Foundation's encoder: it
/// must be the same bytes, or entries written before and after would read differently.
@Suite struct SortedJSONTests {
    @Test func anObjectIsTheTextFoundationsSortedEncoderWrites() throws {
        var object: [String: String] = [:]
        for byte in UInt8(0)..<0x80 {
            let character = String(UnicodeScalar(byte))
            object["key \(byte) \(character)"] = "a\(character)b"
        }
        object["unicode"] = "\u{2028}\u{2029}é😀\u{7f}\u{80}\u{a0}"
        // Sorted by bytes, as Foundation does: not as Swift compares strings, nor as UTF-16 would.
        object["e\u{301}"] = "combining"
        object["\u{FFFD}"] = "replacement"
        object["😀"] = "astral"
        object["\u{E000}"] = "private"
        object["É"] = "capital"
        object[""] = ""
        // Keys a district makes: numbered, mixed case, punctuation.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09-_./:é ")
        for _ in 0..<500 {
            let key =
                "item:" + String((0..<Int.random(in: 1...12, using: &generator)).map { _ in alphabet.randomElement()! })
            object[key] = String(Int.random(in: 0...1_000_000, using: &generator))
        }
        let foundation = String(decoding: try JSONEncoder.sorted.encode(object), as: UTF8.self)
        #expect(SortedJSON.object(object) == foundation)
        // Keys all ASCII (UIDs) take a faster sort: the same order.
        let ascii = object.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } }
        #expect(ascii.count > 200)
        #expect(SortedJSON.object(ascii) == String(decoding: try JSONEncoder.sorted.encode(ascii), as: UTF8.self))
        #expect(SortedJSON.object([:]) == "{}")
    }
}

/// `audit verify` reads each entry's list of sealed rows with `SortedJSON.pairs`: what it reads must
/// be what Foundation's reader reads, and what it cannot read is left to Foundation.
@Suite struct SortedJSONReadingTests {
    static func foundation(_ text: String) -> [String: String]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
    }

    static func read(_ text: String) -> [String: String]? {
        SortedJSON.pairs(text).map { Dictionary($0, uniquingKeysWith: { _, last in last }) }
    }

    @Test func whatTheWriterWritesReadsBack() {
        var object: [String: String] = [:]
        for byte in UInt8(0)..<0x80 { object["key \(byte) \(Character(UnicodeScalar(byte)))"] = "a\(byte)" }
        object["unicode \u{2028}é😀"] = "\u{7f}\u{80}\u{a0}\\\"/"
        object[""] = ""
        #expect(Self.read(SortedJSON.object(object)) == object)
        #expect(Self.read("{}") == [:])
    }

    @Test func everyEscapeAndSpacingReadsAsFoundationReadsIt() {
        let texts = [
            #"{"a\/b":"x\/y","t":"\b\f\n\r\t\"\\"}"#,
            #"{ "u" : "\u00e9\u00E9\u2028" , "astral":"\ud83d\ude00" }"#,
            "\n{\t\"item:a\" :\r\n \"h\"}\n",
            #"{"same":"first","same":"last"}"#,
        ]
        for text in texts {
            #expect(Self.foundation(text) != nil, "\(text)")
            #expect(Self.read(text) == Self.foundation(text), "\(text)")
        }
    }

    /// Anything but an object of text values is not read here (Foundation's reader then decides).
    @Test func anythingElseIsLeftToFoundation() {
        for text in [
            "", "[]", #"{"a":1}"#, #"{"a":{"b":"c"}}"#, #"{"a":"b"} x"#, #"{"a":"b",}"#, #"{"a" "b"}"#,
            #"{"a":"\ud83d"}"#, #"{"a":"\ude00"}"#, #"{"a":"\x"}"#, #"{"a":"\u12"}"#, "{\"a\":\"b\u{01}\"}",
            #"{"a":"b""#, #"{"a":"b"#,
        ] {
            #expect(SortedJSON.pairs(text) == nil, "\(text)")
        }
    }
}

/// A first schedule's rows are sealed on another core a chunk ahead of their inserts (`SealPipeline`).
@Suite struct FirstScheduleSealTests {
    static let audit = AuditContext(actor: "test", asOf: "2027-08-01", at: "2027-08-01T09:00:00Z")

    /// The example district's items copied until they fill several chunks, the last one partly.
    static func manyItems() throws -> [TrackedItem] {
        let (_, store) = try TrackingTests.scheduled()
        let items = try store.items(year: "2027-2028")
        var many: [TrackedItem] = []
        var copy = 0
        while many.count < SealPipeline.chunk * 3 + 100 {
            for var item in items {
                item.item.uid = "copy\(copy)-\(item.item.uid)"
                item.item.id = "copy\(copy)-\(item.item.id)"
                many.append(item)
            }
            copy += 1
        }
        return many
    }

    static func freshStore() throws -> SQLiteScheduleStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SQLiteScheduleStore(path: folder.appendingPathComponent("drillbook.sqlite").path)
    }

    @Test func everyRowOfAFirstScheduleIsSealedInItsEntryAndVerifies() throws {
        let items = try Self.manyItems()
        let store = try Self.freshStore()
        var result = ReplanResult()
        result.added = items
        try store.apply(result, year: "2027-2028", asOf: CalendarDate(year: 2027, month: 8, day: 1), audit: Self.audit)
        #expect(try store.items(year: "2027-2028").count == items.count)
        guard case .intact(let entries, _) = try store.verifyAudit() else {
            Issue.record("the chain does not verify")
            return
        }
        #expect(entries == 1)
        // The entry names every row, with the hash `audit verify` recomputes from the row.
        let rows = try #require(try store.database.read { try String.fetchOne($0, sql: "SELECT rows FROM audit") })
        let named = try JSONDecoder().decode([String: String].self, from: Data(rows.utf8))
        #expect(named.count == items.count)
        #expect(Set(named.keys) == Set(items.map { "item:\($0.item.uid)" }))
        #expect(rows == String(decoding: try JSONEncoder.sorted.encode(named), as: UTF8.self))
        // And a row changed afterwards is found.
        try store.database.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE item SET title = 'edited' WHERE uid = ?", arguments: [items[3_000].item.uid])
        }
        #expect(
            try store.verifyAudit()
                == .tampered([
                    "item:\(items[3_000].item.uid) differs from what audit entry 1 recorded: it was changed"
                ]))
    }

    /// An insert that fails in the third chunk (a UID twice) rolls the whole schedule back.
    @Test func aFirstScheduleThatFailsPartWayWritesNothing() throws {
        var items = try Self.manyItems()
        items[2_500].item.uid = items[10].item.uid
        let store = try Self.freshStore()
        var result = ReplanResult()
        result.added = items
        #expect(throws: StoreError.self) {
            try store.apply(
                result, year: "2027-2028", asOf: CalendarDate(year: 2027, month: 8, day: 1), audit: Self.audit)
        }
        #expect(try store.items(year: "2027-2028").isEmpty)
        #expect(try store.auditEntries().isEmpty)
    }
}
