import Dates
import Foundation
import GRDB
import Planning
import Testing

@testable import Store

/// SQLite's large writes (`SQLiteScheduleStore.write(adding:)`): through a rollback journal when
/// the file is the store's alone, so the rows reach the database once instead of the WAL then the
/// database; through the WAL, as before, when another connection has it open.
@Suite struct LargeWriteTests {
    typealias Tests = ScheduleStoreTests

    /// A year of `count` items, one school's, on September's days.
    static func year(_ count: Int) -> [TrackedItem] {
        (0..<count).map { n in
            Tests.item(String(format: "a%05d", n), date: "2027-09-\(10 + n % 18)", start: 480 + n % 300)
        }
    }

    /// Each item held on its day.
    static func log(_ items: [TrackedItem]) -> [Completion] {
        items.map { tracked in
            let start = WallTime(date: tracked.item.date, hour: 8, minute: 0)
            return Completion(
                year: Tests.year, itemUID: tracked.item.uid, schoolID: tracked.item.schoolID, kind: tracked.item.kind,
                startedAt: start, endedAt: start.adding(seconds: 600), evidence: [:], recordedBy: "ortiz",
                recordedOn: tracked.item.date, source: .import)
        }
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    @Test func aLargeScheduleAndLogReachTheDatabaseOnceAndLeaveItInWALMode() throws {
        let path = try TestDatabase(.sqlite).location
        let store = try SQLiteScheduleStore(path: path)
        let items = Self.year(12_000)
        try store.apply(Tests.added(items), year: Tests.year, asOf: CalendarDate("2027-08-01")!, audit: Tests.context)
        // Through the WAL, the year's pages (megabytes) would still be in it after the commit's
        // checkpoint: SQLite reuses the file, it does not shrink it.
        #expect(Self.size(path) > 4_000_000)
        #expect(Self.size(path + "-wal") < 100_000, "the year was written to the WAL, then copied")
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(try store.journalMode() == "wal", "a server opening the file next reads beside writes")
        // The store's own readers, closed for the switch, open again (read-only, which needs the WAL).
        #expect(try store.items(year: Tests.year).count == items.count)

        let log = Self.log(items)
        let stored = try store.add(log, audit: Tests.context)
        #expect(stored.count == log.count)
        #expect(Self.size(path + "-wal") < 100_000, "the log was written to the WAL, then copied")
        #expect(try store.journalMode() == "wal")
        #expect(try store.completions(year: Tests.year).count == log.count)
        // A second opening (a later command) reads the same and finds the chain whole.
        let again = try SQLiteScheduleStore(path: path)
        #expect(try again.items(year: Tests.year).count == items.count)
        #expect(try again.verifyAudit() == .intact(entries: 1 + log.count, head: try again.auditEntries().last!.hash))
    }

    @Test func aLargeScheduleWhileAnotherConnectionHasTheFileGoesThroughTheWAL() throws {
        let path = try TestDatabase(.sqlite).location
        let store = try SQLiteScheduleStore(path: path)
        // `drillbook serve`, say: its own pool, a read made.
        let server = try SQLiteScheduleStore(path: path)
        #expect(try server.items(year: Tests.year).isEmpty)
        let items = Self.year(12_000)
        try store.apply(Tests.added(items), year: Tests.year, asOf: CalendarDate("2027-08-01")!, audit: Tests.context)
        #expect(Self.size(path + "-wal") > 1_000_000, "the year went through the WAL")
        #expect(try store.journalMode() == "wal")
        #expect(try server.items(year: Tests.year).count == items.count)
        #expect(try server.verifyAudit() == .intact(entries: 1, head: try server.auditEntries().last!.hash))
    }

    /// `drillbook serve`'s store never leaves WAL: its readers would wait on the write.
    @Test func aServersLargeWriteGoesThroughTheWAL() throws {
        let path = try TestDatabase(.sqlite).location
        let store = try SQLiteScheduleStore(path: path, serving: true)
        try store.apply(
            Tests.added(Self.year(12_000)), year: Tests.year, asOf: CalendarDate("2027-08-01")!, audit: Tests.context)
        #expect(Self.size(path + "-wal") > 1_000_000, "the year went through the WAL")
        #expect(try store.journalMode() == "wal")
        #expect(try store.items(year: Tests.year).count == 12_000)
    }

    @Test func aLargeWriteThatFailsLeavesNothingAndTheWAL() throws {
        let path = try TestDatabase(.sqlite).location
        let store = try SQLiteScheduleStore(path: path)
        let items = Self.year(12_000)
        try store.apply(Tests.added(items), year: Tests.year, asOf: CalendarDate("2027-08-01")!, audit: Tests.context)
        // The same records twice in one log: the second of each is refused as a duplicate, and the
        // rollback journal puts back the first 12,000 already written.
        let log = Self.log(items)
        #expect(throws: StoreError.self) { try store.add(log + log.prefix(1), audit: Tests.context) }
        #expect(try store.completions(year: Tests.year).isEmpty)
        #expect(try store.auditEntries().count == 1)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(try store.journalMode() == "wal")
        #expect(try store.verifyAudit() == .intact(entries: 1, head: try store.auditEntries().last!.hash))
    }
}

extension LargeWriteTests {
    /// A new database's WAL holds the same records as the file: it is readable by no one else,
    /// from the first one SQLite makes (SQLite gives it the database file's mode of that moment),
    /// and so is the WAL made again after a large write.
    @Test func aNewDatabasesWALIsTheDistrictsAloneFromTheStart() throws {
        let path = try TestDatabase(.sqlite).location
        let store = try SQLiteScheduleStore(path: path)
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? 0) & 0o777
        }
        try store.apply(
            Tests.added(Tests.items), year: Tests.year, asOf: CalendarDate("2027-08-01")!, audit: Tests.context)
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") == 0o600)
        #expect(try mode(path + "-shm") == 0o600)
        let year = Self.year(12_000).map { tracked in
            var tracked = tracked
            tracked.item.uid = "next-" + tracked.item.uid
            tracked.item.id += "-next"
            return tracked
        }
        try store.apply(Tests.added(year), year: Tests.year, asOf: CalendarDate("2027-08-01")!, audit: Tests.context)
        _ = try store.add([Tests.fireDrillDone(evidence: [:])], audit: Tests.context)
        #expect(try mode(path + "-wal") == 0o600)
    }
}
