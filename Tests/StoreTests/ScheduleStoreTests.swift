import Dates
import Foundation
import GRDB
import Planning
import Synchronization
import Testing

@testable import PostgresStore
@testable import Store

/// The schedule store, the same suite on each engine: what one engine answers, the other must.
@Suite struct ScheduleStoreTests {
    static let year = "2027-2028"
    static let context = AuditContext(actor: "test", asOf: "2027-08-01", at: "2027-08-01T12:00:00Z")

    /// An item of `school` on `date` (`start` minutes after midnight, nil for all day).
    static func item(
        _ id: String, school: String = "lincoln-hs", date: String, start: Int?, title: String = "Fire drill",
        sequence: Int = 0, status: TrackedItem.Status = .scheduled
    ) -> TrackedItem {
        TrackedItem(
            item: ScheduledItem(
                id: "\(school)/\(id)", uid: "\(id)@\(school).drillbook", schoolID: school, activityID: "fire-drill",
                slot: 1, kind: .drill("fire"), title: title,
                description: id.hasPrefix("b")
                    ? nil : "Évacuation; line 1\nline 2, \"quoted\"\r\n\tC:\\plans\\N ≠ NULL",
                date: CalendarDate(date)!, start: start.map(ClockTime.init(minutes:)), durationMinutes: 30,
                timeZone: "America/Chicago", announced: id.hasPrefix("a"), adminOnly: !id.hasPrefix("a"),
                owner: "principal", presence: id.hasPrefix("a") ? ["fire", "law_enforcement"] : [],
                relatedTo: id.hasPrefix("c") ? "lincoln-hs/Zeta" : nil, timeContext: start == nil ? nil : .class,
                source: nil),
            status: status, sequence: sequence, noticeDate: id.hasPrefix("a") ? CalendarDate("2027-08-20") : nil,
            changedOn: CalendarDate("2027-08-01")!)
    }

    /// Items whose ids sort one way bytewise (SQLite, "C") and another by English rules (many
    /// PostgreSQL servers), with all-day and timed items on one day.
    static let items = [
        item("beta", date: "2027-09-02", start: 600), item("Gamma", date: "2027-09-02", start: 600),
        item("a-b", date: "2027-09-02", start: nil), item("aa", date: "2027-09-02", start: nil),
        item("Zeta", date: "2027-09-01", start: 900), item("ab", date: "2027-09-02", start: 480),
        item("c1", date: "2027-10-15", start: 540, title: "Lockdown — ½ day ✓"),
    ]

    /// A store of `engine` holding `items`.
    static func scheduledStore(_ engine: Engine) throws -> any ScheduleStore {
        let store = try TestDatabase(engine).schedule()
        try store.apply(Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        return store
    }

    /// The first item's fire drill, held on its day with `evidence`.
    static func fireDrillDone(evidence: [EvidenceField: String]) -> Completion {
        Completion(
            year: Self.year, itemUID: Self.items[0].item.uid, schoolID: "lincoln-hs", kind: .drill("fire"),
            startedAt: WallTime("2027-09-02T10:00")!, endedAt: WallTime("2027-09-02T10:12"), evidence: evidence,
            recordedBy: "ortiz", recordedOn: CalendarDate("2027-09-02")!, source: .complete)
    }

    static func added(_ items: [TrackedItem]) -> ReplanResult {
        var result = ReplanResult()
        result.added = items
        return result
    }

    @Test(arguments: Engine.available)
    func itemsComeBackAsWrittenInSQLitesOrder(_ engine: Engine) throws {
        let store = try TestDatabase(engine).schedule()
        try store.apply(
            Self.added(Self.items.shuffled()), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        let read = try store.items(year: Self.year)
        // Date, then all-day before timed, then start, then id bytewise (uppercase before lowercase).
        #expect(
            read.map(\.item.id) == [
                "lincoln-hs/Zeta", "lincoln-hs/a-b", "lincoln-hs/aa", "lincoln-hs/ab", "lincoln-hs/Gamma",
                "lincoln-hs/beta", "lincoln-hs/c1",
            ])
        #expect(Set(read) == Set(Self.items), "every field comes back as written")
        #expect(try store.items(year: "2026-2027").isEmpty)
        #expect(try store.verifyAudit() == .intact(entries: 1, head: try store.auditEntries().last!.hash))
        // One school's items (a feed's read): its own, in the same order, nothing of another's.
        let other = Self.item("delta", school: "ridge-ms", date: "2027-09-01", start: 600)
        try store.apply(Self.added([other]), year: Self.year, asOf: CalendarDate("2027-08-02")!, audit: Self.context)
        #expect(try store.items(year: Self.year, school: "lincoln-hs") == read)
        #expect(try store.items(year: Self.year, school: "ridge-ms") == [other])
        #expect(try store.items(year: "2026-2027", school: "lincoln-hs").isEmpty)
        // The year by school (what re-plan, check, overdue and export read): each school's, in the same order.
        #expect(try store.itemsBySchool(year: Self.year) == ["lincoln-hs": read, "ridge-ms": [other]])
        #expect(try store.itemsBySchool(year: "2026-2027").isEmpty)
    }

    /// A year holding what Drillbook never writes (a start before midnight, a date of another
    /// form, edited behind the store's back) still comes back in the order of the engine's own
    /// `ORDER BY date, start_minutes, id`, text compared byte by byte: the same on both.
    @Test(arguments: Engine.available)
    func aYearEditedBehindTheStoresBackComesBackInTheDatabasesOwnOrder(_ engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.schedule()
        try store.apply(
            Self.added(Self.items.shuffled()), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        try database.tamper("UPDATE item SET start_minutes = -5 WHERE id = 'lincoln-hs/Gamma'")
        #expect(
            try store.items(year: Self.year).map(\.item.id) == [
                "lincoln-hs/Zeta", "lincoln-hs/a-b", "lincoln-hs/aa", "lincoln-hs/Gamma", "lincoln-hs/ab",
                "lincoln-hs/beta", "lincoln-hs/c1",
            ])
        try database.tamper("UPDATE item SET start_minutes = 600 WHERE id = 'lincoln-hs/Gamma'")
        // `2027-9-1` comes after `2027-10-15` byte by byte.
        try database.tamper("UPDATE item SET date = '2027-9-1' WHERE id = 'lincoln-hs/Zeta'")
        #expect(
            try store.items(year: Self.year).map(\.item.id) == [
                "lincoln-hs/a-b", "lincoln-hs/aa", "lincoln-hs/ab", "lincoln-hs/Gamma", "lincoln-hs/beta",
                "lincoln-hs/c1", "lincoln-hs/Zeta",
            ])
    }

    /// A large first schedule whose insert fails part way (a UID twice) writes nothing, returns
    /// its error instead of waiting on its sealing (SQLite's inserts take their rows from a sealing
    /// thread that runs 8 chunks of 1,024 ahead: at 12 chunks it is still ahead when the second
    /// fails; PostgreSQL's go in statements of 2,000 rows, two in flight while the next is made,
    /// and the UID comes twice in the third, after two were stored in the transaction), and the
    /// same year stored right after, on PostgreSQL by a connection of the pool the failure went
    /// through, is whole and sealed. (PostgreSQL's year is smaller: one of 12,000 kept it past its
    /// 60 s answer under the sanitizer.)
    @Test(arguments: Engine.available)
    func aLargeFirstScheduleFailingPartWayWritesNothing(_ engine: Engine) throws {
        let store = try TestDatabase(engine).schedule()
        let items = (0..<(engine == .sqlite ? 12_000 : 4_500)).map { n in
            Self.item(String(format: "a%05d", n), date: "2027-09-\(10 + n % 18)", start: 480 + n % 300)
        }
        var twice = items
        twice[engine == .sqlite ? 2_000 : 4_200].item.uid = twice[1].item.uid
        #expect(throws: StoreError.self) {
            try store.apply(Self.added(twice), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        }
        #expect(try store.items(year: Self.year).isEmpty)
        #expect(try store.auditEntries().isEmpty)
        // The sealing thread ended too (other tests' pipelines end within moments).
        let deadline = Date().addingTimeInterval(20)
        while SealPipeline.running.load(ordering: .relaxed) > 0 && Date() < deadline { usleep(10_000) }
        #expect(SealPipeline.running.load(ordering: .relaxed) == 0, "a sealing thread waits for inserts that stopped")
        try store.apply(Self.added(items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        #expect(Set(try store.items(year: Self.year)) == Set(items))
        #expect(try store.verifyAudit() == .intact(entries: 1, head: try store.auditEntries().last!.hash))
    }

    @Test(arguments: Engine.available)
    func aReplanMovesAndCancelsItemsAndSealsThem(_ engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.schedule()
        try store.apply(
            Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!,
            versions: ["fire-drill": "v1", "lockdown": "v1"], audit: Self.context)
        #expect(try store.activityVersions(year: Self.year) == ["fire-drill": "v1", "lockdown": "v1"])
        var change = ReplanResult()
        let from = Self.items[0]
        var to = Self.item("beta", date: "2027-09-20", start: 660, sequence: 1)
        to.changedOn = CalendarDate("2027-08-05")!
        change.moved = [(from, to)]
        var cancelled = Self.items[6]
        cancelled.status = .cancelled
        cancelled.sequence = 1
        change.cancelled = [cancelled]
        try store.apply(
            change, year: Self.year, asOf: CalendarDate("2027-08-05")!, versions: ["fire-drill": "v2"],
            audit: Self.context)
        let read = try store.items(year: Self.year)
        #expect(read.count == Self.items.count)
        #expect(read.first { $0.item.uid == to.item.uid } == to)
        #expect(
            read.suffix(2).map(\.item.id) == ["lincoln-hs/beta", "lincoln-hs/c1"], "the moved item is in its new place")
        #expect(read.first { $0.item.id == cancelled.item.id } == cancelled)
        #expect(try store.activityVersions(year: Self.year) == ["fire-drill": "v2"])
        let entries = try store.auditEntries()
        #expect(entries.map(\.action) == ["schedule", "schedule"])
        #expect(entries[1].detail.contains("lincoln-hs/beta 2027-09-02 -> 2027-09-20"))
        #expect(try store.verifyAudit() == .intact(entries: 2, head: entries[1].hash))
        try store.saveVersions([:], year: Self.year)
        #expect(try store.activityVersions(year: Self.year).isEmpty)

        // The moved row changed behind the store's back is found, and so is a row deleted.
        try database.tamper("UPDATE item SET title = 'Fire drill (edited)' WHERE uid = ?", [to.item.uid])
        try database.tamper("DELETE FROM item WHERE uid = ?", [Self.items[1].item.uid])
        #expect(
            try store.verifyAudit()
                == .tampered([
                    "\(Self.items[1].item.uid)".itemName + ", recorded by audit entry 1, is missing: it was deleted",
                    "\(to.item.uid)".itemName + " differs from what audit entry 2 recorded: it was changed",
                ]))
    }

    /// A row's seal and its content are each checked: a seal rewritten alone and a number changed
    /// by one are each named, and put back the row verifies again (the verification compares
    /// hashes as bytes and writes numbers' digits without strings).
    @Test(arguments: Engine.available)
    func aSealOrANumberChangedAloneIsFound(_ engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.schedule()
        try store.apply(Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        let head = try store.auditEntries().last!.hash
        let uid = Self.items[0].item.uid
        let changed = ["\(uid)".itemName + " differs from what audit entry 1 recorded: it was changed"]

        try database.tamper("UPDATE item SET row_hash = upper(row_hash) WHERE uid = ?", [uid])
        #expect(try store.verifyAudit() == .tampered(changed), "an upper-cased seal is not the seal")
        try database.tamper("UPDATE item SET row_hash = lower(row_hash) WHERE uid = ?", [uid])
        #expect(try store.verifyAudit() == .intact(entries: 1, head: head))

        try database.tamper("UPDATE item SET duration_minutes = duration_minutes + 1 WHERE uid = ?", [uid])
        #expect(try store.verifyAudit() == .tampered(changed))
        try database.tamper("UPDATE item SET duration_minutes = duration_minutes - 1 WHERE uid = ?", [uid])
        #expect(try store.verifyAudit() == .intact(entries: 1, head: head))
        try database.tamper("UPDATE item SET duration_minutes = -1234567890123 WHERE uid = ?", [uid])
        #expect(try store.verifyAudit() == .tampered(changed))
    }

    @Test(arguments: Engine.available)
    func aSecondRecordOfOneItemIsRefusedAndACorrectionStandsOnce(_ engine: Engine) throws {
        let store = try Self.scheduledStore(engine)
        let done = Self.fireDrillDone(evidence: [.headCount: "512", .conductedBy: "R. Ortiz; \"fire marshal\""])
        let stored = try store.add([done], audit: Self.context)
        #expect(stored.count == 1 && stored[0].id > 0)
        #expect(throws: StoreError.self) { try store.add([done], audit: Self.context) }
        do {
            _ = try store.add([done], audit: Self.context)
        } catch {
            #expect(error.message == "nothing was recorded: \(Self.items[0].item.uid) is already done")
            #expect(error.conflict, "a conflict with what is stored, which the API answers 409")
        }
        var correction = done
        correction.corrects = stored[0].id
        correction.evidence[.headCount] = "513"
        let corrected = try store.add([correction], audit: Self.context)
        #expect(throws: StoreError.self) { try store.add([correction], audit: Self.context) }
        // A whole log is all or nothing: the second record of the batch is refused, the first not kept.
        let other = Completion(
            year: Self.year, itemUID: Self.items[1].item.uid, schoolID: "lincoln-hs", kind: .drill("fire"),
            startedAt: WallTime("2027-09-02T10:00")!, recordedBy: "ortiz", recordedOn: CalendarDate("2027-09-02")!,
            source: .import)
        #expect(throws: StoreError.self) { try store.add([other, other], audit: Self.context) }
        let unscheduled = Completion(
            year: Self.year, itemUID: nil, schoolID: "lincoln-hs", kind: .drill("lockdown"),
            startedAt: WallTime("2027-09-03T09:00")!, recordedBy: "ortiz", recordedOn: CalendarDate("2027-09-03")!,
            source: .record)
        let recorded = try store.add([unscheduled], audit: Self.context)
        let all = try store.completions(year: Self.year)
        #expect(all == [stored[0], corrected[0], recorded[0]])
        #expect(all[1].evidence == correction.evidence && all[1].corrects == stored[0].id)
        #expect(try store.completions(year: "2026-2027").isEmpty)
        #expect(try store.auditEntries().map(\.action) == ["schedule", "complete", "correct", "record"])
        #expect(try store.verifyAudit() == .intact(entries: 4, head: try store.auditEntries().last!.hash))
    }

    /// A re-plan reads drill records alone, with their time of day and who was present: the same
    /// records, ids and fields as the whole log read, on both engines, other kinds left out.
    @Test(arguments: Engine.available)
    func drillRecordsAreTheLogsDrillsWithWhatARePlanCounts(_ engine: Engine) throws {
        let store = try Self.scheduledStore(engine)
        let held = Self.fireDrillDone(evidence: [
            .headCount: "512", .timeContext: "lunch", .present: "law_enforcement; fire \"dept\"",
        ])
        let first = try store.add([held], audit: Self.context)[0]
        var correction = held
        correction.corrects = first.id
        correction.startedAt = WallTime("2027-09-03T11:40")!
        correction.evidence = [.conductedBy: "Ortiz"]
        let review = Completion(
            year: Self.year, itemUID: nil, schoolID: "ridge-ms", kind: .afterActionReview,
            startedAt: WallTime("2027-09-04T15:00")!, evidence: [.timeContext: "class"], recordedBy: "ortiz",
            recordedOn: CalendarDate("2027-09-04")!, source: .record)
        let record = Completion(
            year: Self.year, itemUID: nil, schoolID: "ridge-ms", kind: .drill("lockdown"),
            startedAt: WallTime("2027-09-05T09:00")!, evidence: [.present: "school_resource_officer"],
            recordedBy: "ortiz", recordedOn: CalendarDate("2027-09-05")!, source: .record)
        _ = try store.add([correction, review, record], audit: Self.context)
        let expected = try store.completions(year: Self.year).filter(\.kind.isDrill)
        let read = try store.drillRecords(year: Self.year)
        #expect(read.count == 3)
        #expect(read.map(\.id) == expected.map(\.id))
        for (got, want) in zip(read, expected) {
            #expect(
                got.itemUID == want.itemUID && got.schoolID == want.schoolID && got.kind == want.kind
                    && got.startedAt == want.startedAt && got.corrects == want.corrects)
            #expect(got.evidence == want.evidence.filter { $0.key == .timeContext || $0.key == .present })
        }
        #expect(read[0].evidence == [.timeContext: "lunch", .present: "law_enforcement; fire \"dept\""])
        #expect(try store.drillRecords(year: "2026-2027").isEmpty)
    }

    @Test(arguments: Engine.available)
    func anAlertIsClaimedOnceUntilItsLeaseLapsesAndNeverAfterItWasSent(_ engine: Engine) throws {
        let store = try TestDatabase(engine).schedule()
        let uid = "fire-1@lincoln-hs.drillbook"
        func at(_ time: String) -> AuditContext { AuditContext(actor: "overdue", asOf: "2027-09-10", at: time) }
        let first = try #require(
            try store.claimAlert(
                itemUID: uid, step: "due", channel: "email", recipient: "a@example.org",
                audit: at("2027-09-10T07:00:00Z")
            ))
        #expect(
            try store.claimAlert(
                itemUID: uid, step: "due", channel: "email", recipient: "a@example.org",
                audit: at("2027-09-10T07:05:00Z")
            ) == nil, "held by the first run")
        #expect(
            try store.alertState(itemUID: uid, step: "due", channel: "email", recipient: "a@example.org") == .pending)
        #expect(try store.unsentAlerts().map(\.recipient) == ["a@example.org"])
        // The first run was killed: after the lease another takes the same alert over.
        let again = try store.claimAlert(
            itemUID: uid, step: "due", channel: "email", recipient: "a@example.org", audit: at("2027-09-10T07:10:01Z"))
        #expect(again == first)
        try store.recordResult(alert: first, sent: true, error: nil, audit: at("2027-09-10T07:10:02Z"))
        #expect(
            try store.claimAlert(
                itemUID: uid, step: "due", channel: "email", recipient: "a@example.org",
                audit: at("2027-09-11T07:00:00Z")
            ) == nil, "sent: never again")
        #expect(
            try store.lastSent(itemUID: uid, channel: "email", recipient: "a@example.org") == CalendarDate("2027-09-10")
        )
        #expect(try store.sentSteps(itemUID: uid, channel: "email", recipient: "a@example.org") == ["due"])
        #expect(try store.lastSent(itemUID: uid, channel: "email", recipient: "b@example.org") == nil)
        #expect(try store.unsentAlerts().isEmpty)
        let failing = try #require(
            try store.claimAlert(
                itemUID: uid, step: "overdue", channel: "webhook", recipient: "https://hooks.example.org/x",
                audit: at("2027-09-12T07:00:00Z")))
        try store.recordResult(alert: failing, sent: false, error: "HTTP 502", audit: at("2027-09-12T07:00:01Z"))
        #expect(
            try store.alertState(
                itemUID: uid, step: "overdue", channel: "webhook", recipient: "https://hooks.example.org/x") == .failed)
        #expect(try store.unsentAlerts().map(\.step) == ["overdue"])
        #expect(
            try store.auditEntries().map(\.action) == [
                "alert-claimed", "alert-claimed", "alert", "alert-claimed", "alert",
            ])
        #expect(try store.verifyAudit() == .intact(entries: 5, head: try store.auditEntries().last!.hash))
    }

    @Test(arguments: Engine.available)
    func feedsAndKeysOpenByTheirTokenUntilRevoked(_ engine: Engine) throws {
        let store = try TestDatabase(engine).schedule()
        #expect(try store.lastChange().seq == 0)
        let (feed, token) = try store.createFeed(
            scope: "lincoln-hs", audience: "staff", label: "Staff", audit: Self.context)
        #expect(try store.feed(token: token) == feed)
        #expect(try store.feed(token: token + "x") == nil)
        let (found, seq, at) = try store.feedAndLastChange(token: token)
        #expect(found == feed && seq == 1 && at == Self.context.at)
        let revoked = try store.revokeFeed(feed.id, audit: Self.context)
        #expect(revoked.revokedAt == Self.context.at)
        #expect(try store.feed(token: token) == nil)
        #expect(try store.revokeFeed(feed.id, audit: Self.context) == revoked, "a second revoke changes nothing")
        #expect(throws: StoreError.self) { try store.revokeFeed(99, audit: Self.context) }
        #expect(try store.feeds() == [revoked])

        let (key, secret) = try store.createAPIKey(
            role: "school-admin", school: "lincoln-hs", label: "SIS", audit: Self.context)
        #expect(secret.hasPrefix("dbk_"))
        #expect(try store.apiKey(token: secret) == key)
        #expect(try store.revokeAPIKey(key.id, audit: Self.context).revokedAt != nil)
        #expect(try store.apiKey(token: secret) == nil)
        #expect(try store.apiKeys().map(\.label) == ["SIS"])
        #expect(try store.lastChange().seq == 4)
        #expect(try store.verifyAudit() == .intact(entries: 4, head: try store.auditEntries().last!.hash))
    }

    @Test(arguments: Engine.available)
    func aUsersLinkSetsThePasswordOnceAndEndsTheirOtherSessions(_ engine: Engine) throws {
        let store = try TestDatabase(engine).schedule()
        let (user, token) = try store.addUser(
            email: "Ortiz@Lincoln.example", role: "school-admin", school: "lincoln-hs", expires: "2027-08-08T00:00:00Z",
            audit: Self.context)
        #expect(throws: StoreError.self, "one user per address, whatever its case") {
            try store.addUser(
                email: "ortiz@lincoln.example", role: "staff", school: nil, expires: "2027-08-08T00:00:00Z",
                audit: Self.context)
        }
        #expect(try store.credentials(email: "ORTIZ@lincoln.example")?.user == user)
        #expect(try store.credentials(id: user.id)?.passwordHash == nil)
        #expect(try store.linkUser(token: token, purposes: ["setup"], now: "2027-08-02T00:00:00Z") == user)
        #expect(try store.linkUser(token: token, purposes: ["reset"], now: "2027-08-02T00:00:00Z") == nil)
        #expect(try store.linkUser(token: token, purposes: ["setup"], now: "2027-08-09T00:00:00Z") == nil, "expired")

        try store.putSession(key: "cookie-1", value: Data([0, 1, 2, 255]), userID: user.id, expires: 2_000_000_000.5)
        try store.putSession(key: "cookie-2", value: Data("other".utf8), userID: nil, expires: 1_000)
        #expect(try store.session(key: "cookie-1", now: 1_900_000_000)?.0 == Data([0, 1, 2, 255]))
        #expect(try store.session(key: "cookie-1", now: 1_900_000_000)?.1 == 2_000_000_000.5)
        #expect(try store.session(key: "cookie-2", now: 1_900_000_000) == nil, "expired")
        try store.putSession(key: "cookie-2", value: Data("renewed".utf8), userID: nil, expires: nil)
        #expect(try store.session(key: "cookie-2", now: 1_900_000_000)?.0 == Data("renewed".utf8))

        let set = try store.setPassword(
            token: token, purposes: ["setup"], passwordHash: "$2b$12$hash", totpSecret: "SECRET",
            audit: AuditContext(actor: "ortiz", asOf: "2027-08-02", at: "2027-08-02T00:00:00Z"))
        #expect(set?.hasPassword == true && set?.hasTOTP == true)
        #expect(try store.session(key: "cookie-1", now: 1_900_000_000) == nil, "the user's other sessions end")
        #expect(try store.session(key: "cookie-2", now: 1_900_000_000) != nil)
        #expect(
            try store.setPassword(
                token: token, purposes: ["setup"], passwordHash: "again", totpSecret: nil, audit: Self.context) == nil,
            "a link is used once")
        let reset = try store.issueLink(userID: user.id, purpose: "reset", expires: "2027-09-01T00:00:00Z")
        try store.removeSession(key: "cookie-2")
        #expect(try store.session(key: "cookie-2", now: 0) == nil)

        let disabled = try store.disableUser(email: "ortiz@LINCOLN.example", audit: Self.context)
        #expect(disabled.disabledAt == Self.context.at)
        #expect(try store.linkUser(token: reset, purposes: ["reset"], now: "2027-08-03T00:00:00Z") == nil)
        #expect(throws: StoreError.self) { try store.disableUser(email: "nobody@example.org", audit: Self.context) }
        try store.pruneSessions(now: 1_900_000_000, nowISO: "2027-10-01T00:00:00Z")
        #expect(try store.users() == [disabled])
        #expect(try store.auditEntries().map(\.action) == ["user-add", "user-password", "user-disable"])
        #expect(try store.verifyAudit() == .intact(entries: 3, head: try store.auditEntries().last!.hash))
    }

    @Test(arguments: Engine.available)
    func changesBehindTheStoresBackAreFound(_ engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.schedule()
        try store.apply(Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        _ = try store.createAPIKey(role: "staff", school: nil, label: "kiosk", audit: Self.context)
        let head = try store.auditEntries().last!.hash
        try database.tamper(
            "INSERT INTO api_key (key_hash, role, label, created_at) VALUES ('x', 'district-admin', 'mine', 'now')")
        guard case .tampered(let found) = try store.verifyAudit() else {
            Issue.record("an inserted key went unnoticed")
            return
        }
        #expect(found.count == 1 && found[0].hasSuffix("is in no audit entry: it was added behind Drillbook's back"))
        try database.tamper("DELETE FROM api_key WHERE key_hash = 'x'")
        #expect(try store.verifyAudit(head: head) == .intact(entries: 2, head: head))
        try database.tamper("UPDATE audit SET actor = 'someone else' WHERE seq = 1")
        #expect(try store.verifyAudit() == .broken(seq: 1, reason: "its content was changed after it was written"))
        try database.tamper("UPDATE audit SET actor = 'test' WHERE seq = 1")
        try database.tamper("DELETE FROM audit WHERE seq = 2")
        guard case .broken(let seq, let reason) = try store.verifyAudit(head: head) else {
            Issue.record("an entry cut from the end went unnoticed")
            return
        }
        #expect(seq == 1 && reason.contains("kept head"))
    }

    /// Two stores on one database (two servers, or the CLI beside a server) at once: every alert is
    /// claimed by one, every item recorded once, and the chain stays one chain.
    @Test(arguments: Engine.available)
    func twoStoresAtOnceClaimEachAlertOnceAndKeepOneChain(_ engine: Engine) throws {
        let database = try TestDatabase(engine)
        let stores = [try database.schedule(), try database.schedule()]
        try stores[0].apply(
            Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
        let claims = [Int?](concurrentlyComputing: 24) { attempt in
            let store = stores[attempt % 2]
            let recipient = "r\(attempt / 4)@example.org"
            return try? store.claimAlert(
                itemUID: Self.items[0].item.uid, step: "due", channel: "email", recipient: recipient,
                audit: Self.context)
        }
        #expect(claims.compactMap { $0 }.count == 6, "one claim per recipient: \(claims)")
        let records = [Bool](concurrentlyComputing: 14) { attempt in
            let item = Self.items[attempt % Self.items.count]
            let done = Completion(
                year: Self.year, itemUID: item.item.uid, schoolID: "lincoln-hs", kind: .drill("fire"),
                startedAt: WallTime("2027-09-02T10:00")!, recordedBy: "run \(attempt)",
                recordedOn: CalendarDate("2027-09-02")!, source: .complete)
            return (try? stores[attempt % 2].add([done], audit: Self.context)) != nil
        }
        #expect(records.filter { $0 }.count == Self.items.count, "one record per item: \(records)")
        let entries = try stores[1].auditEntries()
        #expect(entries.count == 1 + 6 + Self.items.count)
        #expect(try stores[0].verifyAudit() == .intact(entries: entries.count, head: entries.last!.hash))
    }

    /// A log of many records is stored, then sealed and audited in one go (one pass over the table
    /// when they are most of it, a lookup each when a few hundred join many more): still one entry
    /// per record, in order, naming that record's row and the hash it carries, and the same chain
    /// on both engines (PostgreSQL seals and audits record by record).
    @Test func aLargeLogIsAuditedRecordByRecord() throws {
        func log(_ numbers: Range<Int>) -> [Completion] {
            numbers.map { number in
                Completion(
                    year: Self.year, itemUID: nil, schoolID: "lincoln-hs", kind: .drill("lockdown"),
                    startedAt: WallTime(
                        date: CalendarDate("2027-09-01")!.adding(days: number / 60), hour: 9, minute: number % 60),
                    recordedBy: "importer", recordedOn: CalendarDate("2027-09-03")!, source: .import)
            }
        }
        var chains: [[AuditEntry]] = []
        for engine in Engine.available {
            let database = try TestDatabase(engine)
            let store = try database.schedule()
            try store.apply(
                Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
            // 1,030 into an empty table: one pass; then 257, a quarter of what is there: a lookup each.
            let stored =
                try store.add(log(0..<1030), audit: Self.context) + store.add(log(1030..<1287), audit: Self.context)
            let entries = try store.auditEntries()
            #expect(entries.count == 1 + 1287)
            #expect(
                entries.dropFirst().allSatisfy { $0.action == "import" && $0.subject == "lincoln-hs/drill/lockdown" })
            #expect(try store.verifyAudit() == .intact(entries: 1288, head: try #require(entries.last).hash))
            if engine == .sqlite {
                let sealed = try DatabaseQueue(path: database.location).read { db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT a.rows, c.id, c.row_hash FROM audit a JOIN completion c
                            ON a.rows = '{"completion:' || c.id || '":"' || c.row_hash || '"}' ORDER BY a.seq
                            """)
                }
                #expect(sealed.map { $0["id"] as Int } == stored.map(\.id))
            }
            chains.append(entries)
        }
        if chains.count == 2 { #expect(chains[0] == chains[1]) }
    }

    /// The same calls with the same audit context make the same chain on both engines, entry for
    /// entry and row hash for row hash: a district moved from one to the other keeps its seals.
    @Test func bothEnginesMakeTheSameChain() throws {
        guard Engine.available.count == 2 else { return }
        var heads: [[AuditEntry]] = []
        for engine in Engine.allCases {
            let store = try TestDatabase(engine).schedule()
            try store.apply(
                Self.added(Self.items), year: Self.year, asOf: CalendarDate("2027-08-01")!, audit: Self.context)
            let done = Completion(
                year: Self.year, itemUID: Self.items[2].item.uid, schoolID: "lincoln-hs", kind: .drill("fire"),
                startedAt: WallTime("2027-09-02T10:00")!, evidence: [.headCount: "40"], recordedBy: "ortiz",
                recordedOn: CalendarDate("2027-09-02")!, source: .complete)
            _ = try store.add([done], audit: Self.context)
            let alert = try #require(
                try store.claimAlert(
                    itemUID: Self.items[3].item.uid, step: "due", channel: "email", recipient: "a@example.org",
                    audit: Self.context))
            try store.recordResult(alert: alert, sent: true, error: nil, audit: Self.context)
            heads.append(try store.auditEntries())
        }
        #expect(heads[0].count == 4)
        #expect(heads[0] == heads[1])
    }
}

extension String {
    /// An item's name in an audit entry.
    fileprivate var itemName: String { "item:" + self }
}

/// What opening a database made by an earlier Drillbook changes in it.
@Suite struct ScheduleMigrationTests {
    /// The index by date (the old year read's) goes: a year is read by id now, and every insert paid
    /// for it. The year still reads in time order without it.
    @Test func aDatabaseOfAnEarlierVersionLosesTheDateIndex() throws {
        let database = try TestDatabase(.sqlite)
        let queue = try DatabaseQueue(path: database.location)
        try SQLiteScheduleStore.migrator.migrate(queue, upTo: "v11: items by school")
        let indexes = "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'item' ORDER BY name"
        #expect(try database.texts(indexes).contains("item_by_year_date"))
        try queue.close()
        let store = try SQLiteScheduleStore(path: database.location)
        #expect(try !database.texts(indexes).contains("item_by_year_date"))
        #expect(try database.texts(indexes).contains("item_by_year_school"))
        try store.apply(
            ScheduleStoreTests.added(ScheduleStoreTests.items.shuffled()), year: ScheduleStoreTests.year,
            asOf: CalendarDate("2027-08-01")!, audit: ScheduleStoreTests.context)
        #expect(
            try store.items(year: ScheduleStoreTests.year).map(\.item.id) == [
                "lincoln-hs/Zeta", "lincoln-hs/a-b", "lincoln-hs/aa", "lincoln-hs/ab", "lincoln-hs/Gamma",
                "lincoln-hs/beta", "lincoln-hs/c1",
            ])
    }

    /// PostgreSQL keeps an audit entry's list of sealed rows as written, out of line and not
    /// compressed: a first schedule's names every row of the year, and the server compressed it
    /// alone after the last insert. The chain still verifies, and the list reads back whole.
    @Test(.enabled(if: Engine.serverURL != nil)) func postgreSQLStoresTheAuditListUncompressed() throws {
        let database = try TestDatabase(.postgres)
        let store = try database.schedule()
        let storage =
            "SELECT attstorage::text FROM pg_attribute WHERE attrelid = 'audit'::regclass AND attname = 'rows'"
        #expect(try database.texts(storage) == ["e"])
        try store.apply(
            ScheduleStoreTests.added(ScheduleStoreTests.items), year: ScheduleStoreTests.year,
            asOf: CalendarDate("2027-08-01")!, audit: ScheduleStoreTests.context)
        #expect(try store.verifyAudit() == .intact(entries: 1, head: try store.auditEntries().last!.hash))
        #expect(try database.texts("SELECT rows FROM audit").first?.contains("item:Zeta@lincoln-hs.drillbook") == true)
    }

    /// A first schedule whose entry names more rows than PostgreSQL's walk reads inline (a state's
    /// names 780,000 in 117 MB, which left the connection's buffer that large): the entry is read
    /// after the walk, and the verdicts are the ones a walk in order gives. A later entry that
    /// seals one of its rows again keeps its hash, and the large entry changed, or a row it sealed
    /// changed, is found.
    @Test(arguments: Engine.available)
    func aFirstScheduleTooLargeToReadInlineIsStillVerifiedAsAWhole(_ engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.schedule()
        let many = (0..<3_000).map { ScheduleStoreTests.item("n\($0)", date: "2027-09-\(10 + $0 % 18)", start: 600) }
        try store.apply(
            ScheduleStoreTests.added(many), year: ScheduleStoreTests.year, asOf: CalendarDate("2027-08-01")!,
            audit: ScheduleStoreTests.context)
        let length = try database.texts("SELECT CAST(length(rows) AS TEXT) FROM audit WHERE seq = 1")
        #expect(length.first.flatMap { Int($0) }.map { $0 > PostgresAuditLog.inlineRows } == true)

        var change = ReplanResult()
        var to = many[5]
        to.item.date = CalendarDate("2027-10-01")!
        to.sequence = 1
        change.moved = [(many[5], to)]
        try store.apply(
            change, year: ScheduleStoreTests.year, asOf: CalendarDate("2027-08-05")!, audit: ScheduleStoreTests.context)
        _ = try store.createAPIKey(role: "staff", school: nil, label: "kiosk", audit: ScheduleStoreTests.context)
        let entries = try store.auditEntries()
        #expect(try store.verifyAudit() == .intact(entries: 3, head: entries[2].hash))

        try database.tamper("UPDATE item SET title = 'Fire drill (edited)' WHERE uid = ?", [many[9].item.uid])
        #expect(
            try store.verifyAudit()
                == .tampered([many[9].item.uid.itemName + " differs from what audit entry 1 recorded: it was changed"]))
        try database.tamper("UPDATE item SET title = 'Fire drill' WHERE uid = ?", [many[9].item.uid])

        // The large entry's list changed, and the entry after the next changed too: the first is named.
        try database.tamper("UPDATE audit SET rows = replace(rows, '\"item:n1@', '\"item:n1x@') WHERE seq = 1")
        try database.tamper("UPDATE audit SET actor = 'someone else' WHERE seq = 3")
        #expect(try store.verifyAudit() == .broken(seq: 1, reason: "its content was changed after it was written"))
        try database.tamper("UPDATE audit SET rows = replace(rows, '\"item:n1x@', '\"item:n1@') WHERE seq = 1")
        #expect(try store.verifyAudit() == .broken(seq: 3, reason: "its content was changed after it was written"))
        try database.tamper("UPDATE audit SET actor = 'test' WHERE seq = 3")
        #expect(try store.verifyAudit() == .intact(entries: 3, head: entries[2].hash))
        // The store goes on working after the large read (its connection was one of its own).
        #expect(try store.items(year: ScheduleStoreTests.year).count == many.count)
    }
}
