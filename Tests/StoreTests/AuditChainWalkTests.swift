import Foundation
import Testing

@testable import Store

/// PostgreSQL's walk takes an entry with a very large list of rows on trust and checks it after the
/// walk (`followLater`, `settle`): the verdict must be the one a walk in order gives, the earliest
/// wrong entry first, and the ledger must keep the latest entry's hash whatever order the entries'
/// lists are recorded in.
struct AuditChainWalkTests {
    /// A chain of `count` entries as `AuditLog.append` writes them, entry `n` sealing `item:n`.
    static func chain(_ count: Int) -> [AuditChainWalk.Entry] {
        var previous = AuditLog.genesis
        return (1...count).map { seq in
            let rows = "{\"item:\(seq)\":\"\(String(repeating: "a", count: 64))\"}"
            let hash = AuditLog.hash(
                seq: seq, at: "2027-09-01T12:00:00Z", asOf: "2027-09-01", actor: "test", action: "schedule",
                subject: "2027-2028", detail: "{}", rows: rows, previous: previous)
            defer { previous = hash }
            return AuditChainWalk.Entry(
                seq: seq, format: 2, at: "2027-09-01T12:00:00Z", asOf: "2027-09-01", actor: "test", action: "schedule",
                subject: "2027-2028", detail: "{}", rows: rows, previousHash: previous, hash: hash)
        }
    }

    /// Walks `entries` in order, those numbered in `later` taken on trust and settled at the end.
    static func walk(_ entries: [AuditChainWalk.Entry], later: Set<Int>) -> AuditChainWalk {
        var walk = AuditChainWalk()
        var deferred: [AuditChainWalk.Entry] = []
        for entry in entries {
            if later.contains(entry.seq ?? 0) {
                guard walk.followLater(entry) else { break }
                deferred.append(entry)
            } else {
                guard walk.follow(entry) else { break }
            }
        }
        for entry in deferred { _ = walk.settle(entry) }
        return walk
    }

    static func verdict(_ walk: AuditChainWalk) -> String {
        walk.broken.map { "broken at \($0.0) after \(walk.entries): \($0.1)" }
            ?? "intact, \(walk.entries), \(walk.head)"
    }

    @Test func anIntactChainWithEntriesSettledLaterSaysWhatAWalkInOrderSays() {
        let entries = Self.chain(5)
        let inOrder = Self.walk(entries, later: [])
        #expect(inOrder.broken == nil && inOrder.head == entries[4].hash)
        #expect(Self.verdict(Self.walk(entries, later: [2, 4])) == Self.verdict(inOrder))
        #expect(Self.verdict(Self.walk(entries, later: [1, 2, 3, 4, 5])) == Self.verdict(inOrder))
    }

    @Test func aChangedListSettledLaterBreaksTheChainThereBeforeALaterBreak() {
        var entries = Self.chain(5)
        entries[1].rows = entries[1].rows!.replacingOccurrences(of: "aaaa", with: "bbbb")
        entries[3].previousHash = AuditLog.genesis
        let inOrder = Self.walk(entries, later: [])
        #expect(Self.verdict(inOrder) == "broken at 2 after 2: its content was changed after it was written")
        // Taken on trust, entry 2 lets the walk go on to entry 4's broken link; settled, it is still
        // the first wrong entry, and the count of entries is the one a walk in order gives.
        #expect(Self.verdict(Self.walk(entries, later: [2])) == Self.verdict(inOrder))
    }

    @Test func aLaterBreakStandsWhenTheEntrySettledLaterHolds() {
        var entries = Self.chain(5)
        entries[3].actor = "someone else"
        let inOrder = Self.walk(entries, later: [])
        #expect(Self.verdict(inOrder) == "broken at 4 after 4: its content was changed after it was written")
        #expect(Self.verdict(Self.walk(entries, later: [2])) == Self.verdict(inOrder))
    }

    @Test func anEntryTakenOnTrustMustStillLinkAndHaveItsFields() {
        var entries = Self.chain(3)
        entries[1].previousHash = entries[2].hash
        #expect(Self.verdict(Self.walk(entries, later: [2])) == "broken at 2 after 2: it does not follow entry 1")
        entries = Self.chain(3)
        entries[1].rows = nil
        #expect(
            Self.verdict(Self.walk(entries, later: [2]))
                == "broken at 2 after 2: its content was changed after it was written (a field of the wrong type)")
    }

    @Test func theLatestEntrysHashStandsWhateverOrderTheListsAreRecordedIn() throws {
        let first = String(repeating: "1", count: 64)
        let second = String(repeating: "2", count: 64)
        var ledger = SealLedger()
        try ledger.record("{\"item:x\":\"\(second)\"}", seq: 7)
        try ledger.record("{\"item:x\":\"\(first)\",\"item:y\":\"\(first)\"}", seq: 2)
        ledger.check("item:x", hash: second, stored: second)
        ledger.check("item:y", hash: first, stored: first)
        #expect(ledger.differences(tables: [SealedTable(name: "item", key: "uid")]).isEmpty)
    }
}
