import Testing

@testable import Store

/// The seal ledger keeps the keys the audit entries name as bytes in blocks of 1 MiB and finds a
/// row by its key's bytes: a state's year fills many blocks, and a key must be found whichever
/// block holds it, with the latest entry's hash winning.
struct SealLedgerTests {
    static func hash(_ number: Int) -> String {
        let digits = String(number, radix: 16)
        return String(repeating: "0", count: 64 - digits.count) + digits
    }

    /// 20,000 keys of about 130 bytes (2.6 MB, three blocks), in the byte order an entry writes them.
    static let keys = (0..<20_000).map {
        "lakeside-isd/2027-2028/school-\($0 / 78)/\(String(repeating: "k", count: 80))/\($0)@drillbook"
    }
    .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

    static func entry(_ keys: ArraySlice<String>, hash: (String) -> String) -> String {
        "{" + keys.map { "\"item:\($0)\":\"\(hash($0))\"" }.joined(separator: ",") + "}"
    }

    @Test func everyKeyOfManyBlocksIsFoundAndEachDifferenceNamedOnce() throws {
        let keys = Self.keys
        let first = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Self.hash($0)) })
        let second = Dictionary(
            uniqueKeysWithValues: keys.prefix(100).enumerated().map { ($1, Self.hash($0 + 1_000_000)) })
        var ledger = SealLedger()
        try ledger.record(Self.entry(keys[...], hash: { first[$0]! }), seq: 1)
        // The second entry records the first hundred rows again: its hashes are the ones that count.
        try ledger.record(Self.entry(keys.prefix(100), hash: { second[$0]! }), seq: 2)

        let changed = keys[500]
        let changedAgain = keys[7]
        let deleted = keys[19_999]
        for key in keys where key != deleted {
            let recorded = second[key] ?? first[key]!
            let now = key == changed ? Self.hash(999_999_999) : key == changedAgain ? first[key]! : recorded
            ledger.check("item:\(key)", hash: now, stored: now)
        }
        ledger.check("item:added-by-hand@drillbook", hash: Self.hash(1), stored: Self.hash(1))

        let found = ledger.differences(tables: [SealedTable(name: "item", key: "uid")])
        #expect(
            Set(found) == [
                "item:\(changed) differs from what audit entry 1 recorded: it was changed",
                "item:\(changedAgain) differs from what audit entry 2 recorded: it was changed",
                "item:\(deleted), recorded by audit entry 1, is missing: it was deleted",
                "item:added-by-hand@drillbook is in no audit entry: it was added behind Drillbook's back",
            ])
        #expect(found.count == 4)
        #expect(found.last?.hasPrefix("item:added-by-hand@drillbook") == true, "a row no entry names comes last")
    }

    /// The same key checked twice is a row no entry accounts for the second time (a table without a
    /// unique key), and keys that share a long prefix are not mistaken for each other.
    @Test func aKeySeenTwiceAndKeysThatShareAPrefixAreTold() throws {
        let long = String(repeating: "p", count: 2_000)
        var ledger = SealLedger()
        try ledger.record("{\"item:\(long)a\":\"\(Self.hash(1))\",\"item:\(long)b\":\"\(Self.hash(2))\"}", seq: 1)
        ledger.check("item:\(long)a", hash: Self.hash(1), stored: Self.hash(1))
        ledger.check("item:\(long)b", hash: Self.hash(1), stored: Self.hash(1))
        ledger.check("item:\(long)a", hash: Self.hash(1), stored: Self.hash(1))
        #expect(
            ledger.differences(tables: [SealedTable(name: "item", key: "uid")]) == [
                "item:\(long)b differs from what audit entry 1 recorded: it was changed",
                "item:\(long)a is in no audit entry: it was added behind Drillbook's back",
            ])
    }
}
