import Dates
import DrillbookKit
import Foundation
import GRDB
import Planning
import Testing

@testable import Store

/// Every column of every table read by key (accounts, sessions, links, feeds, alerts, incidents),
/// edited behind Drillbook's back to a value of each other type: every read still answers (GRDB's
/// typed reads stopped the process), and a sealed table's change is reported by `audit verify`.
@Suite struct WrongTypeTests {
    /// Values of each storage class; each column gets those of a class it does not hold.
    static let strangers: [DatabaseValue] = [
        42.databaseValue, 4.5.databaseValue, Data([0xff, 0x00, 0x41]).databaseValue, "not a number".databaseValue,
    ]

    @Test func everyColumnOfTheAccountFeedAndAlertTablesIsReadWhateverItHolds() throws {
        let (_, store) = try TrackingTests.scheduled()
        let audit = AuditContext(actor: "test", asOf: "2027-08-01", at: "2027-08-01T09:00:00Z")
        let (user, _) = try store.addUser(
            email: "ana@example.org", role: "admin", school: nil, expires: "2027-09-01T00:00:00Z", audit: audit)
        let linkToken = try store.issueLink(userID: user.id, purpose: "invite", expires: "2099-01-01T00:00:00Z")
        try store.putSession(key: "session", value: Data("{}".utf8), userID: user.id, expires: 4_000_000_000)
        let (key, apiToken) = try store.createAPIKey(role: "viewer", school: nil, label: "wall", audit: audit)
        let (feed, feedToken) = try store.createFeed(scope: "district", audience: "staff", label: "staff", audit: audit)
        let alert = try #require(
            try store.claimAlert(
                itemUID: "lincoln-hs/fire-drill-1", step: "due", channel: "email", recipient: "ana@example.org",
                audit: audit))
        try store.recordResult(alert: alert, sent: false, error: "refused", audit: audit)

        let reads: [() throws -> Void] = [
            { _ = try store.users() },
            { _ = try store.credentials(email: "ana@example.org") },
            { _ = try store.credentials(id: user.id) },
            { _ = try store.linkUser(token: linkToken, purposes: ["invite"], now: "2027-08-02T00:00:00Z") },
            { _ = try store.session(key: "session", now: 1_900_000_000) },
            { _ = try store.apiKeys() },
            { _ = try store.apiKey(token: apiToken) },
            { _ = try store.feeds() },
            { _ = try store.feed(token: feedToken) },
            { _ = try store.feedAndLastChange(token: feedToken) },
            { _ = try store.lastChange() },
            { _ = try store.unsentAlerts() },
            {
                _ = try store.alertState(
                    itemUID: "lincoln-hs/fire-drill-1", step: "due", channel: "email", recipient: "ana@example.org")
            },
            { _ = try store.activityVersions(year: "2027-2028") },
            { _ = try store.auditEntries() },
        ]
        let sealed: Set = ["app_user", "api_key", "feed", "alert"]
        let tables = ["app_user", "user_link", "web_session", "api_key", "feed", "alert", "activity_version"]
        var tried = 0
        for table in tables {
            try Self.eachStrangeValue(in: table, of: store.database) { column in
                tried += 1
                // An error is an answer; only a stopped process fails, and it fails the whole run.
                for read in reads { _ = try? read() }
                let verdict = try store.verifyAudit()
                if sealed.contains(table), case .intact = verdict {
                    Issue.record("\(table).\(column) holds a value of another type and the audit calls it intact")
                }
            }
        }
        #expect(tried > 40, "\(tried) columns tried")
        // The rows are as they were: the edits were undone and the reads changed nothing.
        guard case .intact = try store.verifyAudit() else {
            Issue.record("the restored database does not verify")
            return
        }
        #expect(try store.feeds().map(\.id) == [feed.id])
        #expect(try store.apiKeys().map(\.id) == [key.id])
    }

    @Test func everyColumnOfTheIncidentTablesIsReadWhateverItHolds() throws {
        let (incidents, _, _) = try PlaybookTests.setUp()
        let id = try incidents.open("bomb-threat", school: "lincoln-hs", exercise: true, facts: [:])
        let store = try #require(incidents.store as? SQLiteIncidentStore)
        let signoff = try store.createSignoffLink(
            incident: id, step: "evacuate", role: "principal", expires: 1_900_000_000)
        let ack = try store.createAckLink(incident: id, step: "evacuate", role: "principal", at: 1_823_000_000)
        try store.addIntakeSource(name: "vendor", secret: "s3cret", at: "2027-08-01T00:00:00Z")

        let reads: [() throws -> Void] = [
            { _ = try store.incident(id) },
            { _ = try store.incidentIDs() },
            { _ = try store.signoffLink(token: signoff, now: 1_823_000_100) },
            { _ = try store.ackLink(token: ack, now: 1_823_000_100) },
            { _ = try store.intakeSources() },
            { _ = try store.intakeSecret("vendor") },
            { _ = try store.auditEntries() },
            { _ = try incidents.load(id) },
        ]
        var tried = 0
        for table in ["incident", "incident_event", "signoff_link", "ack_link", "intake_source"] {
            try Self.eachStrangeValue(in: table, of: store.database) { column in
                tried += 1
                for read in reads { _ = try? read() }
                let verdict = try store.verifyAudit()
                if table.hasPrefix("incident"), case .intact = verdict {
                    Issue.record("\(table).\(column) holds a value of another type and the audit calls it intact")
                }
            }
        }
        #expect(tried > 15, "\(tried) columns tried")
        #expect(try store.incident(id).events.isEmpty == false)
    }

    /// Sets every row's `column` of `table` to each value of another storage class in turn, calls
    /// `body`, and puts the column back as it was.
    static func eachStrangeValue(
        in table: String, of database: some DatabaseWriter, _ body: (String) throws -> Void
    ) throws {
        let columns = try database.read { db in try db.columns(in: table) }
        #expect(!columns.isEmpty, "no table \(table)")
        for column in columns {
            let saved = try database.read { db in
                try Row.fetchAll(db, sql: "SELECT rowid AS rid, \(column.name) AS value FROM \(table)")
            }
            #expect(!saved.isEmpty, "\(table) has no row to edit")
            let held = Set(saved.map { Self.storageClass($0["value"]) })
            for value in strangers where !held.contains(Self.storageClass(value)) {
                // An INTEGER PRIMARY KEY (the rowid) takes nothing but integers; SQLite refuses the rest.
                let changed =
                    (try? database.write { db in
                        try db.execute(sql: "UPDATE \(table) SET \(column.name) = ?", arguments: [value])
                    }) != nil
                guard changed else { continue }
                try body("\(column.name) = \(value)")
                try database.write { db in
                    for row in saved {
                        try db.execute(
                            sql: "UPDATE \(table) SET \(column.name) = ? WHERE rowid = ?",
                            arguments: [row["value"] as DatabaseValue, row["rid"] as Int64])
                    }
                }
            }
        }
    }

    static func storageClass(_ value: DatabaseValue) -> Int {
        switch value.storage {
        case .null: 0
        case .int64: 1
        case .double: 2
        case .string: 3
        case .blob: 4
        }
    }
}

/// A year is read in id order (in parts on every core when large) and put in time order in Swift, as
/// a whole or school by school: the result is SQLite's own `ORDER BY date, start_minutes, id`,
/// whatever the rows hold.
@Suite struct SplitReadTests {
    /// The year as SQLite orders it.
    static func reference(_ store: SQLiteScheduleStore) throws -> [TrackedItem] {
        try store.database.read { db in try SQLiteScheduleStore.items(db, year: "2027-2028") }
    }

    static func edit(_ store: SQLiteScheduleStore, _ sql: String) throws {
        try store.database.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    @Test(arguments: [1, 2, 3, 7])
    func aYearIsReadInSQLitesTimeOrder(parts: Int) throws {
        let (_, store) = try TrackingTests.scheduled()
        let whole = try Self.reference(store)
        #expect(whole.count > 200)
        #expect(try store.items(year: "2027-2028", parts: parts, atLeast: 0) == whole)
        // Many items on one day at one time: the ids break the tie, byte by byte (a school whose id
        // extends another's sorts before it by id, after it by school: `-` is below `/`).
        try Self.edit(
            store,
            "UPDATE item SET date = '2027-10-05', start_minutes = 600 WHERE kind IN ('drill/fire', 'drill/lockdown')")
        try Self.edit(
            store, "UPDATE item SET start_minutes = NULL WHERE id LIKE 'lincoln-hs/%' AND kind = 'drill/fire'")
        try Self.edit(
            store, "UPDATE item SET id = 'harbor-es-annex/' || substr(id, 11) WHERE id LIKE 'harbor-es/fire%'")
        let ties = try Self.reference(store)
        #expect(Set(ties.filter { $0.item.date == CalendarDate("2027-10-05")! }.map(\.item.schoolID)).count > 2)
        #expect(try store.items(year: "2027-2028", parts: parts, atLeast: 0) == ties)
        // Put in order here, not read again in SQLite's order: every row has its place in time.
        var byID = try store.database.read { db in
            [try SQLiteScheduleStore.itemsByID(db, year: "2027-2028", from: nil, to: nil)]
        }
        #expect(byID[0].times?.count == ties.count)
        #expect(SQLiteScheduleStore.inTimeOrder(&byID) == ties)
        #expect(try store.itemsBySchool(year: "2027-2028", parts: parts, atLeast: 0) == ties.movedBySchool())
    }

    /// A year read by school gives each school's items in SQLite's time order, whether the split cuts
    /// a school in two and whether a school's rows lie together in id order or not (ids edited so
    /// that some of a school's rows sort among another school's, at the same day and time as
    /// theirs: the ids still break the tie, byte by byte).
    @Test(arguments: [1, 2, 3, 7])
    func aYearReadBySchoolIsEachSchoolInSQLitesTimeOrder(parts: Int) throws {
        let (_, store) = try TrackingTests.scheduled()
        let whole = try Self.reference(store)
        let bySchool = try store.itemsBySchool(year: "2027-2028", parts: parts, atLeast: 0)
        #expect(bySchool.keys.sorted() == ["harbor-es", "lincoln-hs", "ridge-ms"])
        #expect(bySchool == whole.movedBySchool())
        try Self.edit(
            store,
            "UPDATE item SET date = '2027-10-05', start_minutes = 600 WHERE kind IN ('drill/fire', 'drill/lockdown')")
        try Self.edit(store, "UPDATE item SET id = 'ridge-ms/' || id WHERE id LIKE 'lincoln-hs/lockdown%'")
        try Self.edit(store, "UPDATE item SET id = 'harbor-es/zz-' || id WHERE id LIKE 'ridge-ms/fire%'")
        let scattered = try Self.reference(store)
        let split = try store.database.read { db in
            try String.fetchAll(db, sql: "SELECT school_id FROM item WHERE year = '2027-2028' ORDER BY id")
        }
        var runs: [String] = []
        for school in split where school != runs.last { runs.append(school) }
        #expect(runs.count > Set(runs).count, "some school's rows are apart in id order: \(runs)")
        let read = try store.itemsBySchool(year: "2027-2028", parts: parts, atLeast: 0)
        #expect(read == scattered.movedBySchool(), "in \(parts) parts")
        #expect(read.values.reduce(0) { $0 + $1.count } == whole.count)
    }

    /// Dates and starts of other types or forms, edited in: each item still read once, where SQLite
    /// puts it.
    @Test(arguments: [
        "UPDATE item SET date = '2027-13-45' WHERE id = 'harbor-es/fire-drill-2'",
        "UPDATE item SET date = 20271001 WHERE id = 'ridge-ms/fire-drill-2'",
        "UPDATE item SET date = '20271001' WHERE id = 'ridge-ms/fire-drill-2'",
        "UPDATE item SET date = x'ff' WHERE id = 'lincoln-hs/fire-drill-2'",
        "UPDATE item SET date = 'soon' WHERE id = 'lincoln-hs/fire-drill-3'",
        "UPDATE item SET start_minutes = 'noon' WHERE id = 'lincoln-hs/fire-drill-3'",
        "UPDATE item SET start_minutes = 600.5 WHERE id = 'lincoln-hs/fire-drill-3'",
        "UPDATE item SET start_minutes = -5 WHERE id = 'lincoln-hs/fire-drill-3'",
        "UPDATE item SET id = x'00' WHERE id = 'lincoln-hs/fire-drill-3'",
    ])
    func anEditedRowIsWhereSQLitePutsIt(edit: String) throws {
        let (_, store) = try TrackingTests.scheduled()
        let count = try Self.reference(store).count
        try Self.edit(store, edit)
        let edited = try Self.reference(store)
        #expect(edited.count == count)
        for parts in [1, 2, 3, 7] {
            #expect(try store.items(year: "2027-2028", parts: parts, atLeast: 0) == edited, "in \(parts) parts")
            #expect(
                try store.itemsBySchool(year: "2027-2028", parts: parts, atLeast: 0) == edited.movedBySchool(),
                "by school, in \(parts) parts")
        }
    }

    /// A first schedule inserts its rows school by school in the byte order of the schools' ids (the
    /// order of the id and UID indexes, which then grow at one end), not in the plan's order.
    @Test func aFirstScheduleInsertsSchoolBySchoolInIdOrder() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let planned = loaded.plan.schools.map(\.school.id)
        let inserted = try store.database.read { db in
            try String.fetchAll(db, sql: "SELECT school_id FROM item ORDER BY rowid")
        }
        var schools: [String] = []
        for school in inserted where school != schools.last { schools.append(school) }
        #expect(schools == planned.sorted(), "each school's rows together, the schools in id order")
        #expect(planned != planned.sorted(), "the example's plan lists its schools in another order")
        #expect(try store.items(year: "2027-2028", parts: 2, atLeast: 0) == Self.reference(store))
    }
}
