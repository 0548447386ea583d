import Crypto
import Dates
import Foundation
import GRDB
import Planning
import Testing

@testable import DrillbookKit
@testable import Store

/// Completions, records and the audit log on the example district.
@Suite struct TrackingTests {
    static let fireEvidence: [EvidenceField: String] = [
        .conductedBy: "Ana Ruiz", .notificationMethod: "fire alarm", .headCount: "1180", .problems: "none",
        .timeToEvacuate: "4m30s",
    ]

    static func scheduled() throws -> (LoadedPlan, SQLiteScheduleStore) {
        let folder = try exampleFolder()
        let loaded = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"), actor: "test")
        return (loaded, store)
    }

    static func complete(
        _ id: String, _ loaded: LoadedPlan, _ store: SQLiteScheduleStore,
        evidence: [EvidenceField: String] = fireEvidence,
        asOf: String = "2027-09-15", corrects: Int? = nil
    ) throws -> Completion {
        try Tracker.complete(
            id, loaded: loaded, store: store, startedAt: nil, endedAt: nil, durationMinutes: 12, evidence: evidence,
            corrects: corrects, actor: "Ana Ruiz", asOf: day(asOf))
    }

    @Test func aCompletionIsStoredWithItsEvidenceAndMakesTheItemDone() throws {
        let (loaded, store) = try Self.scheduled()
        let completion = try Self.complete("lincoln-hs/fire-drill-1", loaded, store)
        #expect(completion.evidence[.timeToEvacuate] == "4:30")
        #expect(completion.endedAt == completion.startedAt.adding(seconds: 720))
        let item = try Tracker.item("lincoln-hs/fire-drill-1", in: try Planner.published(loaded, store: store))
        #expect(
            item.status(
                on: day("2027-09-15"), completions: try store.completions(year: "2027-2028"), ladder: AlertLadder())
                == .done(late: false))
    }

    /// A second record of an item done is a conflict (the API's 409), whether this run read the
    /// first record or another writer stored it a moment before.
    @Test func aSecondRecordOfAnItemIsAConflict() throws {
        let (loaded, store) = try Self.scheduled()
        let first = try Self.complete("lincoln-hs/fire-drill-1", loaded, store)
        #expect(throws: DrillbookError.self) { try Self.complete("lincoln-hs/fire-drill-1", loaded, store) }
        do {
            _ = try Self.complete("lincoln-hs/fire-drill-1", loaded, store)
        } catch {
            guard case .conflict(let message) = error as? DrillbookError else {
                Issue.record("not a conflict: \(error)")
                return
            }
            #expect(message.contains("lincoln-hs/fire-drill-1 is already done"))
        }
        // As if another server had stored it between this run's read and its write.
        var again = first
        again.id = 0
        do {
            _ = try Tracker.save([again], store: store, actor: "other", asOf: day("2027-09-15"))
            Issue.record("a second record was stored")
        } catch {
            guard case .conflict = error else {
                Issue.record("not a conflict: \(error)")
                return
            }
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() throws {
        let (loaded, store) = try Self.scheduled()
        let audit = try store.auditEntries().count
        var missing = Self.fireEvidence
        missing[.headCount] = nil
        let fireDay = try Tracker.item("lincoln-hs/fire-drill-1", in: try Planner.published(loaded, store: store)).item
            .date
        let cases: [(String, () throws -> Completion)] = [
            (
                "the rules require head_count (--head-count)",
                { try Self.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: missing) }
            ),
            (
                "is after \(fireDay.adding(days: -1)) (--as-of)",
                { try Self.complete("lincoln-hs/fire-drill-1", loaded, store, asOf: "\(fireDay.adding(days: -1))") }
            ),
            (
                "item \"lincoln-hs/fire-drill-99\" is unknown",
                { try Self.complete("lincoln-hs/fire-drill-99", loaded, store) }
            ),
            (
                "head_count \"many\" is not a whole number",
                {
                    var bad = Self.fireEvidence
                    bad[.headCount] = "many"
                    return try Self.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: bad)
                }
            ),
            (
                "completion 42 does not exist",
                { try Self.complete("lincoln-hs/fire-drill-1", loaded, store, corrects: 42) }
            ),
        ]
        for (message, attempt) in cases {
            #expect(performing: { _ = try attempt() }, throws: { "\($0)".contains(message) })
        }
        #expect(try store.completions(year: "2027-2028").isEmpty)
        #expect(try store.auditEntries().count == audit)
    }

    @Test func aCorrectionIsANewRecordThatReplacesTheOld() throws {
        let (loaded, store) = try Self.scheduled()
        let first = try Self.complete("lincoln-hs/fire-drill-1", loaded, store)
        #expect(throws: DrillbookError.self) { try Self.complete("lincoln-hs/fire-drill-1", loaded, store) }
        var fixed = Self.fireEvidence
        fixed[.headCount] = "1182"
        let second = try Self.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: fixed, corrects: first.id)
        #expect(second.evidence[.headCount] == "1182")
        let all = try store.completions(year: "2027-2028")
        #expect(all.count == 2)
        #expect(Completion.current(all).map(\.id) == [second.id])
        // A second correction of the first would stand beside the first correction: the store refuses it.
        #expect {
            _ = try Self.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: fixed, corrects: first.id)
        } throws: { error in
            "\(error)".contains("completion \(first.id) was corrected already")
        }
        let third = try Self.complete("lincoln-hs/fire-drill-1", loaded, store, corrects: second.id)
        #expect(Completion.current(try store.completions(year: "2027-2028")).map(\.id) == [third.id])
    }

    @Test func aRecordedDrillCountsForTheNearestOpenItem() throws {
        let (loaded, store) = try Self.scheduled()
        let lockdown = try Tracker.item("lincoln-hs/lockdown-drill-1", in: try Planner.published(loaded, store: store))
        let (completion, item) = try Tracker.record(
            kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
            startedAt: WallTime(date: lockdown.item.date.adding(days: -1), hour: 10), endedAt: nil, evidence: [:],
            actor: nil,
            asOf: lockdown.item.date)
        #expect(item?.id == "lincoln-hs/lockdown-drill-1")
        #expect(completion.itemUID == lockdown.item.uid)
        #expect(completion.source == .record)
    }

    /// A drill recorded on a Saturday is kept, but it completes no scheduled drill (that one still
    /// has to be held) and the recorder is told at once that it counts for no rule.
    @Test func aDrillRecordedOnAWeekendCompletesNothingAndIsFlagged() throws {
        let (loaded, store) = try Self.scheduled()
        let lockdown = try Tracker.item("lincoln-hs/lockdown-drill-1", in: try Planner.published(loaded, store: store))
        var saturday = lockdown.item.date
        while saturday.weekday != .saturday { saturday = saturday.adding(days: 1) }
        let (completion, item) = try Tracker.record(
            kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
            startedAt: WallTime(date: saturday, hour: 10), endedAt: nil, evidence: [:], actor: nil,
            asOf: saturday.adding(days: 2))
        #expect(item == nil && completion.itemUID == nil)
        #expect(
            Tracker.recordWarnings([completion], loaded: loaded) == [
                "lincoln-hs: the lockdown drill of \(saturday) was on a Saturday, when there are no students: "
                    + "it counts for no rule (drillbook check names it)"
            ])
        var schoolDay = saturday
        while !loaded.years["lincoln-hs"]!.isInstructionalDay(schoolDay) { schoolDay = schoolDay.adding(days: 1) }
        let weekday = try Tracker.record(
            kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
            startedAt: WallTime(date: schoolDay, hour: 10), endedAt: nil, evidence: [:], actor: nil, asOf: schoolDay)
        #expect(weekday.1?.id == "lincoln-hs/lockdown-drill-1")
        #expect(Tracker.recordWarnings([weekday.0], loaded: loaded).isEmpty)
        // A time outside the school day (03:00 for 15:00) is said too; a record with no time is not.
        var night = weekday.0
        night.startedAt = WallTime(date: schoolDay, hour: 3)
        #expect(
            Tracker.recordWarnings([night], loaded: loaded) == [
                "lincoln-hs: the lockdown drill of \(schoolDay) at 03:00 is outside the school day (08:30-15:45): it "
                    + "counts only for rules that ask no time of day; if the time is wrong, correct it "
                    + "(--corrects \(night.id))"
            ])
        night.startedAt = WallTime(date: schoolDay)
        #expect(Tracker.recordWarnings([night], loaded: loaded).isEmpty)
    }

    /// A drill recorded with no item on a wrong day (a Saturday typed for the Friday) is corrected
    /// by a record that replaces it: `check` stops naming it, the log keeps both, and the corrected
    /// day completes the open item it now matches. One that completes an item, one at another
    /// school, one already corrected and one that does not exist are refused, naming what to do.
    @Test func aRecordWithNoItemIsCorrectedByAnotherRecord() throws {
        let (loaded, store) = try Self.scheduled()
        let lockdown = try Tracker.item("lincoln-hs/lockdown-drill-1", in: try Planner.published(loaded, store: store))
        var saturday = lockdown.item.date
        while saturday.weekday != .saturday { saturday = saturday.adding(days: 1) }
        let asOf = saturday.adding(days: 3)
        func record(on date: CalendarDate, school: String = "lincoln-hs", corrects: Int? = nil) throws -> (
            Completion, ScheduledItem?
        ) {
            try Tracker.record(
                kind: .drill("lockdown"), school: school, loaded: loaded, store: store,
                startedAt: WallTime(date: date, hour: 10), endedAt: nil, evidence: [:], corrects: corrects,
                actor: nil, asOf: asOf)
        }
        let (wrong, none) = try record(on: saturday)
        #expect(none == nil)
        func notCounted() throws -> [ComplianceFinding] {
            try ComplianceReport.make(loaded, store: store, asOf: asOf, school: "lincoln-hs").findings.filter {
                $0.severity == .notCounted
            }
        }
        #expect(
            try notCounted().map(\.fix) == [
                "if it was held on another day, record that day (drillbook record lockdown --school lincoln-hs "
                    + "--on REAL-DAY --corrects \(wrong.id)); if not, hold another on a school day"
            ])
        let friday = saturday.adding(days: -1)
        let (fixed, item) = try record(on: friday, corrects: wrong.id)
        #expect(fixed.corrects == wrong.id && item?.id == "lincoln-hs/lockdown-drill-1")
        #expect(try notCounted().isEmpty)
        let all = try store.completions(year: "2027-2028")
        #expect(all.map(\.id).contains(wrong.id))
        #expect(!Completion.current(all).map(\.id).contains(wrong.id))
        // What cannot be corrected this way is refused, and nothing is written.
        let (other, _) = try record(on: friday, school: "ridge-ms")
        let refusals: [(Int, String)] = [
            (
                fixed.id,
                "completion \(fixed.id) completes lincoln-hs/lockdown-drill-1: correct it with drillbook complete "
                    + "lincoln-hs/lockdown-drill-1 --corrects \(fixed.id)"
            ),
            (wrong.id, "completion \(wrong.id) was corrected already"),
            (other.id, "completion \(other.id) is for ridge-ms, not lincoln-hs"),
            (9999, "completion 9999 does not exist in 2027-2028"),
        ]
        let count = try store.completions(year: "2027-2028").count
        for (id, message) in refusals {
            #expect {
                _ = try record(on: friday, corrects: id)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
        #expect(try store.completions(year: "2027-2028").count == count)
    }

    @Test func aRecordInTheFutureOrAtAnUnknownSchoolChangesNothing() throws {
        let (loaded, store) = try Self.scheduled()
        #expect(throws: DrillbookError.self) {
            try Tracker.record(
                kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
                startedAt: WallTime(year: 2027, month: 10, day: 5, hour: 10), endedAt: nil, evidence: [:], actor: nil,
                asOf: day("2027-10-01"))
        }
        #expect(throws: DrillbookError.self) {
            try Tracker.record(
                kind: .drill("lockdown"), school: "nowhere-hs", loaded: loaded, store: store,
                startedAt: WallTime(year: 2027, month: 9, day: 5, hour: 10), endedAt: nil, evidence: [:], actor: nil,
                asOf: day("2027-10-01"))
        }
        #expect(try store.completions(year: "2027-2028").isEmpty)
    }

    /// A completion counts in the plan's school year and lasts less than a day, as --duration does:
    /// `--on 0001-01-01` was stored as a 2027-2028 completion, and an end two weeks after the start
    /// as one drill. Each is refused with why, and nothing is stored; a day's end exactly is taken.
    @Test(
        arguments: [
            (WallTime(year: 1, month: 1, day: 1, hour: 0), nil, "outside the 2027-2028 school year"),
            (WallTime(year: 2027, month: 6, day: 30, hour: 10), nil, "(2027-07-01 to 2028-06-30)"),
            (WallTime(year: 2028, month: 7, day: 2, hour: 10), nil, "`drillbook rollover` starts the next year"),
            (
                WallTime(year: 2027, month: 9, day: 14, hour: 10), WallTime(year: 2027, month: 9, day: 28, hour: 10),
                "more than a day after the start"
            ),
            (WallTime(year: 2027, month: 9, day: 14, hour: 10), WallTime(year: 2027, month: 9, day: 15, hour: 10), nil),
        ] as [(WallTime, WallTime?, String?)])
    func aCompletionOutsideTheYearOrLongerThanADayChangesNothing(
        _ start: WallTime, _ end: WallTime?, _ says: String?
    ) throws {
        let (loaded, store) = try Self.scheduled()
        for record in [false, true] {
            do {
                if record {
                    _ = try Tracker.record(
                        kind: .drill("fire"), school: "lincoln-hs", loaded: loaded, store: store, startedAt: start,
                        endedAt: end, evidence: Self.fireEvidence, actor: nil, asOf: day("2028-07-03"))
                } else {
                    _ = try Tracker.complete(
                        "lincoln-hs/fire-drill-1", loaded: loaded, store: store, startedAt: start, endedAt: end,
                        durationMinutes: nil, evidence: Self.fireEvidence, corrects: nil, actor: nil,
                        asOf: day("2028-07-03"))
                }
                #expect(says == nil, "stored: \(record ? "record" : "complete")")
            } catch {
                #expect(says.map { "\(error)".contains($0) } == true, "\(error)")
            }
        }
        #expect(try store.completions(year: "2027-2028").count == (says == nil ? 2 : 0))
    }

    /// A drill's start or end typed in the hour the school's clocks skip (02:30 on the night daylight
    /// saving begins) was stored as written, and every later command read it as another time. It is
    /// refused by every way in (complete, record, a log import), naming the time a clock read then;
    /// the hour that happens twice is a real time and is kept; a school in a zone without daylight
    /// saving (its own `time_zone`) keeps 02:30 that night too.
    @Test func aTimeTheClocksSkippedIsRefusedByEveryWayIn() throws {
        var (loaded, store) = try Self.scheduled()
        let skipped = WallTime(year: 2028, month: 3, day: 12, hour: 2, minute: 30)
        let says = "2028-03-12T02:30:00 did not happen in America/Chicago"
        func refused(_ what: String, _ run: () throws -> Void) {
            do {
                try run()
                Issue.record("\(what): stored")
            } catch {
                #expect("\(error)".contains(says) && "\(error)".contains("read 2028-03-12T03:30:00"), "\(error)")
            }
        }
        refused("record") {
            _ = try Tracker.record(
                kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store, startedAt: skipped,
                endedAt: nil, evidence: [:], actor: nil, asOf: day("2028-03-13"))
        }
        refused("complete") {
            _ = try Tracker.complete(
                "lincoln-hs/fire-drill-1", loaded: loaded, store: store, startedAt: skipped, endedAt: nil,
                durationMinutes: nil, evidence: Self.fireEvidence, corrects: nil, actor: nil, asOf: day("2028-03-13"))
        }
        refused("an end in the gap") {
            _ = try Tracker.record(
                kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
                startedAt: WallTime(year: 2028, month: 3, day: 12, hour: 1, minute: 50), endedAt: skipped,
                evidence: [:], actor: nil, asOf: day("2028-03-13"))
        }
        refused("import-log") {
            let file = try OverdueAndImportTests.csv("school,kind,started_at\nlincoln-hs,lockdown,2028-03-12 02:30\n")
            _ = try LogImporter.run(
                file: file, mapping: .init(), loaded: loaded, store: store, actor: nil, asOf: day("2028-03-13"))
        }
        #expect(try store.completions(year: "2027-2028").isEmpty)
        _ = try Tracker.record(
            kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
            startedAt: WallTime(year: 2027, month: 11, day: 7, hour: 1, minute: 30), endedAt: nil, evidence: [:],
            actor: nil, asOf: day("2028-03-13"))
        let index = loaded.plan.schools.firstIndex { $0.school.id == "lincoln-hs" }!
        loaded.plan.schools[index].school.timeZone = "America/Phoenix"
        _ = try Tracker.record(
            kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store, startedAt: skipped,
            endedAt: nil, evidence: [:], actor: nil, asOf: day("2028-03-13"))
        // Santiago skips midnight when daylight saving begins (2027-09-05): a record with a date
        // alone (00:00, no time) is kept; 00:30 that night did not happen.
        loaded.plan.schools[index].school.timeZone = "America/Santiago"
        #expect(TimeInput.skipped(WallTime(year: 2027, month: 9, day: 5), zone: loaded.zone(of: "lincoln-hs")) != nil)
        _ = try Tracker.record(
            kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
            startedAt: WallTime(year: 2027, month: 9, day: 5), endedAt: nil, evidence: [:], actor: nil,
            asOf: day("2028-03-13"))
        #expect(throws: DrillbookError.self) {
            try Tracker.record(
                kind: .drill("lockdown"), school: "lincoln-hs", loaded: loaded, store: store,
                startedAt: WallTime(year: 2027, month: 9, day: 5, hour: 0, minute: 30), endedAt: nil, evidence: [:],
                actor: nil, asOf: day("2028-03-13"))
        }
        #expect(try store.completions(year: "2027-2028").map { $0.startedAt.hour } == [1, 2, 0])
    }

    @Test func theAuditChainCatchesAnEditAndARewrite() throws {
        let (loaded, store) = try Self.scheduled()
        _ = try Self.complete("lincoln-hs/fire-drill-1", loaded, store)
        guard case .intact(let entries, let head) = try store.verifyAudit() else {
            Issue.record("a fresh chain is broken")
            return
        }
        #expect(entries == 2)
        #expect(try store.verifyAudit(head: head) == .intact(entries: 2, head: head))
        try store.database.write { db in try db.execute(sql: "UPDATE audit SET actor = 'someone else' WHERE seq = 2") }
        #expect(try store.verifyAudit() == .broken(seq: 2, reason: "its content was changed after it was written"))
        // Rewriting the whole chain to match passes the walk, but not the head kept outside.
        try store.database.write { db in
            var previous = AuditLog.genesis
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq") {
                let hash = AuditLog.hash(
                    seq: row["seq"], at: row["at"], asOf: row["as_of"], actor: row["actor"], action: row["action"],
                    subject: row["subject"], detail: row["detail"], rows: row["rows"], previous: previous)
                try db.execute(
                    sql: "UPDATE audit SET previous_hash = ?, hash = ? WHERE seq = ?",
                    arguments: [previous, hash, row["seq"] as Int])
                previous = hash
            }
        }
        guard case .intact = try store.verifyAudit() else {
            Issue.record("a consistent rewrite should pass the walk")
            return
        }
        #expect(throws: DrillbookError.self) { try AuditCheck.verify(store, head: head) }
    }
}

/// Every record the chain vouches for, tampered with directly in SQLite as someone with the file
/// could: each edit, insertion, deletion and reordering is named; cutting entries off the end is
/// caught by a head kept elsewhere.
@Suite struct TamperTests {
    static func tampered(_ sql: String) throws -> [String] {
        let (loaded, store) = try TrackingTests.scheduled()
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        _ = try TrackingTests.complete("lincoln-hs/lockdown-drill-1", loaded, store)
        guard case .intact = try store.verifyAudit() else {
            Issue.record("a fresh database does not verify")
            return []
        }
        try store.database.writeWithoutTransaction { db in try db.execute(sql: sql) }
        switch try store.verifyAudit() {
        case .tampered(let rows): return rows
        case .broken(_, let reason): return ["chain: " + reason]
        case .intact: return []
        }
    }

    @Test(arguments: [
        ("UPDATE completion SET evidence = evidence || ' ' WHERE id = 1", "completion:1 differs"),
        ("UPDATE completion SET recorded_by = 'someone' WHERE id = 2", "completion:2 differs"),
        ("UPDATE item SET date = '2027-09-30' WHERE id = 'lincoln-hs/fire-drill-2'", "item:"),
        // Rows a first schedule sealed as it wrote them: any column, null or not, is covered.
        ("UPDATE item SET admin_only = 1 - admin_only WHERE id = 'lincoln-hs/fire-drill-3'", "item:"),
        ("UPDATE item SET description = 'moved' WHERE id = 'harbor-es/fire-drill-1'", "item:"),
        ("UPDATE item SET start_minutes = 1 WHERE id = 'harbor-es/fire-drill-2'", "item:"),
        ("UPDATE item SET row_hash = NULL WHERE id = 'harbor-es/fire-drill-4'", "item:"),
        // A value of another type where text or a number was: reported, never a crash of the check.
        ("UPDATE item SET row_hash = 7 WHERE id = 'harbor-es/fire-drill-4'", "item:"),
        ("UPDATE completion SET row_hash = x'00' WHERE id = 1", "completion:1 differs"),
        ("UPDATE audit SET at = 5 WHERE seq = 1", "chain: its content was changed"),
        ("UPDATE audit SET format = 'x' WHERE seq = 2", "chain: its content was changed"),
        ("UPDATE audit SET previous_hash = 3 WHERE seq = 2", "chain: it does not follow"),
        ("UPDATE audit SET hash = x'00' WHERE seq = 1", "chain: its content was changed"),
        // The sealed rows are hashed and read where SQLite holds them: every byte still counts.
        ("UPDATE audit SET rows = 5 WHERE seq = 1", "chain: its content was changed"),
        ("UPDATE audit SET rows = replace(rows, ':\"', ': \"') WHERE seq = 1", "chain: its content was changed"),
        ("UPDATE audit SET rows = CAST(rows || x'ff' AS TEXT) WHERE seq = 1", "chain: its content was changed"),
        ("DELETE FROM completion WHERE id = 2", "completion:2, recorded by audit entry"),
        (
            "INSERT INTO completion (year, school_id, kind, started_at, evidence, recorded_by, recorded_on, source) "
                + "SELECT year, school_id, kind, started_at, evidence, recorded_by, recorded_on, source FROM completion WHERE id = 1",
            "completion:3 is in no audit entry"
        ),
        ("UPDATE completion SET id = id + 10", "completion:11 is in no audit entry"),
        ("UPDATE completion SET row_hash = 'x' WHERE id = 1", "completion:1 differs"),
    ])
    func everyChangeToARecordIsNamed(sql: String, expected: String) throws {
        let found = try Self.tampered(sql)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }

    /// A seal covers every byte SQLite holds, of every type: text with a NUL inside (a reader that
    /// stopped at the NUL took an untouched row for a changed one, and missed a change after it),
    /// a real, a blob, a NULL; the hash read back equals the one worked out from the values written.
    @Test func aRowIsSealedByEveryByteItHolds() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT, n REAL, b BLOB, z TEXT, row_hash TEXT)")
            let values: [DatabaseValue] = [
                Data([0, 1, 2]).databaseValue, 1.databaseValue, 1.5.databaseValue, "before\0after".databaseValue, .null,
            ]
            // As a first schedule writes its rows (GRDB's own binding would cut the text at the NUL).
            try db.makeStatement(sql: "INSERT INTO t (b, id, n, note, z) VALUES (?, ?, ?, ?, ?)")
                .execute(binding: values)
            #expect(try Int.fetchOne(db, sql: "SELECT length(CAST(note AS BLOB)) FROM t") == 12)
            let written = RowSeal.hash(columns: RowSeal.order(of: ["b", "id", "n", "note", "z"]), values: values)
            let table = SealedTable(name: "t", key: "id")
            #expect(try RowSeal.seal(db, table, keys: [1]) == ["t:1": written])
            try db.execute(sql: "UPDATE t SET note = 'before' || char(0) || 'later' WHERE id = 1")
            #expect(try RowSeal.seal(db, table, keys: [1])["t:1"] != written)
        }
    }

    /// The schedule and the log are read whole by every command; a value of another type written
    /// into the file behind Drillbook's back must not stop them (GRDB's typed reads stopped the
    /// process), and `audit verify` names the row.
    @Test func recordsOfTheWrongTypeAreReadAndReported() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        try store.database.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE item SET slot = 'abc', date = 20270915 WHERE id = 'harbor-es/fire-drill-2'")
            try db.execute(sql: "UPDATE item SET sequence = x'00' WHERE id = 'harbor-es/fire-drill-3'")
            try db.execute(sql: "UPDATE completion SET started_at = 7, item_uid = NULL WHERE id = 1")
        }
        let items = try Planner.published(loaded, store: store)
        #expect(items.count > 100)
        #expect(items.contains { $0.item.id == "harbor-es/fire-drill-2" && $0.item.slot == 0 })
        #expect(try store.completions(year: "2027-2028").count == 1)
        guard case .tampered(let rows) = try store.verifyAudit() else {
            Issue.record("the changed rows were not reported")
            return
        }
        #expect(rows.count == 3, "\(rows)")
    }

    @Test func theAuditListingShowsAFieldOfTheWrongTypeAsItIs() throws {
        let (_, store) = try TrackingTests.scheduled()
        try store.database.writeWithoutTransaction { db in
            try db.execute(sql: "UPDATE audit SET actor = 42 WHERE seq = 1")
        }
        let entries = try store.auditEntries()
        #expect(entries.first?.actor == "42")
        guard case .broken(1, _) = try store.verifyAudit() else {
            Issue.record("a changed first entry was not found")
            return
        }
    }

    @Test func entriesCutFromTheEndAreCaughtByAKeptHead() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        guard case .intact(let count, let head) = try store.verifyAudit() else {
            Issue.record("fresh chain broken")
            return
        }
        // The last entry and the completion it sealed, both gone: the chain alone cannot tell.
        try store.database.write { db in
            try db.execute(sql: "DELETE FROM completion")
            try db.execute(sql: "DELETE FROM audit WHERE seq = ?", arguments: [count])
        }
        guard case .intact = try store.verifyAudit() else {
            Issue.record("the shortened chain should walk")
            return
        }
        #expect(throws: DrillbookError.self) { try AuditCheck.verify(store, head: head) }
        #expect(try AuditCheck.head(store).hasSuffix("(\(count - 1) entries)"))
    }

    /// A newline in a field cannot move a field boundary: the same text split differently hashes apart.
    @Test func fieldsAreLengthPrefixed() {
        let a = AuditLog.hash(
            seq: 1, at: "t", asOf: "d", actor: "a\nb", action: "c", subject: "s", detail: "{}", rows: "{}",
            previous: AuditLog.genesis)
        let b = AuditLog.hash(
            seq: 1, at: "t", asOf: "d", actor: "a", action: "b\nc", subject: "s", detail: "{}", rows: "{}",
            previous: AuditLog.genesis)
        #expect(a != b)
    }
}

/// `backup` and `restore`: a consistent copy with its heads; a restore verifies the copy first.
@Suite struct BackupTests {
    @Test func aBackupRestoresAndATamperedOneIsRefusedChangingNothing() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        let folder = (loaded.plan.file as NSString).deletingLastPathComponent
        let live = "\(folder)/drillbook.sqlite"
        let incidents = "\(folder)/drillbook-incidents.sqlite"
        let out = "\(folder)/backup"
        let lines = try Backups.backup(schedule: live, incidents: incidents, to: out)
        #expect(lines.first?.hasPrefix("backed up schedule ") == true, "\(lines)")
        #expect(throws: DrillbookError.self) { try Backups.backup(schedule: live, incidents: incidents, to: out) }
        // After the backup, another record; the restore puts the database back as it was.
        _ = try TrackingTests.complete("lincoln-hs/lockdown-drill-1", loaded, store)
        #expect(try store.completions(year: "2027-2028").count == 2)
        let restored = try Backups.restore(from: out, schedule: live, incidents: incidents)
        #expect(restored.contains("restored \(live)"), "\(restored)")
        #expect(try store.completions(year: "2027-2028").count == 1)
        // A copy changed behind Drillbook's back is refused, and the live database is left alone.
        _ = try TrackingTests.complete("lincoln-hs/lockdown-drill-1", loaded, store)
        let copy = try DatabaseQueue(path: "\(out)/drillbook.sqlite")
        try copy.write { db in try db.execute(sql: "UPDATE completion SET recorded_by = 'someone'") }
        try copy.close()
        #expect(throws: DrillbookError.self) { try Backups.restore(from: out, schedule: live, incidents: incidents) }
        #expect(try store.completions(year: "2027-2028").count == 2)
    }

    /// Scans kept with records go with the database: backed up, checked against their names, put back.
    @Test func attachmentsAreBackedUpAndCheckedOnRestore() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        let folder = (loaded.plan.file as NSString).deletingLastPathComponent
        let live = "\(folder)/drillbook.sqlite"
        let scan = Data("%PDF-1.7 sign-in sheet".utf8)
        let name = SHA256.hash(data: scan).map { String(format: "%02x", $0) }.joined() + ".pdf"
        try FileManager.default.createDirectory(atPath: "\(folder)/attachments", withIntermediateDirectories: true)
        try scan.write(to: URL(fileURLWithPath: "\(folder)/attachments/\(name)"))
        let lines = try Backups.backup(schedule: live, incidents: nil, to: "\(folder)/backup")
        #expect(lines.contains("backed up attachments 1 files"), "\(lines)")
        #expect(FileManager.default.contents(atPath: "\(folder)/backup/attachments/\(name)") == scan)
        // Lost from the live folder: the restore brings it back.
        try FileManager.default.removeItem(atPath: "\(folder)/attachments/\(name)")
        let restored = try Backups.restore(from: "\(folder)/backup", schedule: live, incidents: "\(folder)/none.sqlite")
        #expect(restored.contains("restored 1 attachments"), "\(restored)")
        #expect(FileManager.default.contents(atPath: "\(folder)/attachments/\(name)") == scan)
        // A scan changed in the backup: nothing is restored.
        try Data("%PDF-1.7 forged".utf8).write(to: URL(fileURLWithPath: "\(folder)/backup/attachments/\(name)"))
        _ = try TrackingTests.complete("lincoln-hs/lockdown-drill-1", loaded, store)
        #expect(throws: DrillbookError.self) {
            try Backups.restore(from: "\(folder)/backup", schedule: live, incidents: "\(folder)/none.sqlite")
        }
        #expect(try store.completions(year: "2027-2028").count == 2)
    }
}

/// `rollover`: the next year from the same plan, the earlier one kept and still checkable.
@Suite struct RolloverTests {
    @Test func theNextYearStartsAndTheEarlierOneStaysCheckable() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let done = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        let before = try store.items(year: "2027-2028").count
        let lines = try Rollover.run(
            planFile: loaded.plan.file, to: "2028-2029", calendar: nil, resources: resources, today: day("2028-06-10"))
        #expect(lines.contains { $0.hasPrefix("wrote ") && $0.hasSuffix("calendar-2028-2029.ics") })
        let next = try Planner.load(planFile: loaded.plan.file, resources: resources)
        #expect(next.plan.year == "2028-2029" && next.plan.earlierYears.keys.contains("2027-2028"))
        let added = try Planner.run(next, store: store, asOf: day("2028-06-10"))
        #expect(!added.added.isEmpty && added.moved.isEmpty && added.cancelled.isEmpty)
        #expect(try store.items(year: "2027-2028").count == before, "the earlier year's items stay")
        let earlier = try Planner.load(planFile: loaded.plan.file, resources: resources, year: "2027-2028")
        #expect(earlier.plan.year == "2027-2028" && earlier.years["lincoln-hs"]!.first == day("2027-08-16"))
        let report = try ComplianceReport.make(earlier, store: store, asOf: day("2028-06-10"), school: "lincoln-hs")
        #expect(report.mode == .log)
        #expect(report.schools[0].completions.map(\.id) == [done.id])
        #expect(report.schools[0].tallies.first { $0.rule.id == "baseline-fire" }?.done == 1)
        // The same year twice, or a year that is not next, is refused and changes nothing.
        let plan = try String(contentsOfFile: loaded.plan.file, encoding: .utf8)
        #expect(throws: DrillbookError.self) {
            try Rollover.run(
                planFile: loaded.plan.file, to: "2028-2029", calendar: nil, resources: resources,
                today: day("2028-06-10"))
        }
        #expect(try String(contentsOfFile: loaded.plan.file, encoding: .utf8) == plan)
        if case .intact = try store.verifyAudit() {} else { Issue.record("the audit chain broke") }
    }
}

/// The time forms every input takes (DRILLBOOK_NOW, report times).
@Suite struct TimeInputTests {
    static let chicago = TimeZone(identifier: "America/Chicago")!

    @Test(arguments: [
        ("2027-10-05", 1_822_712_400),  // the day's first minute in Chicago (CDT, -05:00)
        ("2027-10-05T06:10", 1_822_734_600), ("2027-10-05 06:10", 1_822_734_600),
        ("2027-10-05 06:10:00", 1_822_734_600), ("2027-10-05T11:10:00Z", 1_822_734_600),
        ("2027-10-05 11:10:00Z", 1_822_734_600), ("2027-10-05T06:10:00-05:00", 1_822_734_600),
        ("2027-10-05T11:10:00.250Z", 1_822_734_600),
        // 01:30 on 2027-11-07 happens twice in Chicago; 12:00 on a winter day is -06:00.
        ("2027-12-01 12:00", 1_827_684_000),
        // Offsets with minutes, in both ISO 8601 forms; a leap day that exists.
        ("2027-10-05T06:10:00+05:30", 1_822_696_800), ("2027-10-05T06:10+0530", 1_822_696_800),
        // ISO 8601's hour-only offset and basic format.
        ("2027-10-05T06:10-05", 1_822_734_600), ("20271005T111000Z", 1_822_734_600),
        ("2028-02-29T10:00:00Z", 1_835_431_200),
        // RFC 5545 3.3.5: a time that happens twice is its first (CDT, 06:30Z); one that never
        // happens is read with the offset before the gap (-06:00: 08:30Z, which clocks show as 03:30).
        ("2027-11-07 01:30", 1_825_569_000), ("2028-03-12T02:30", 1_836_462_600),
    ])
    func acceptedForms(text: String, seconds: Int) {
        #expect(TimeInput.instant(text, zone: Self.chicago) == seconds, "\(text)")
    }

    @Test(arguments: [
        "", "today", "2027-13-05", "2027-10-05T25:00", "05/10/2027", "2027-10-05T06:10 CDT", "1822734600",
        // Days that do not exist, with a zone as without (Foundation's reader rolls them into the next
        // month), offsets no zone has, a zone on a date alone, clocks written loosely.
        "2027-09-31T10:00:00Z", "2027-02-29T10:00:00Z", "2027-09-31T10:00:00-05:00", "2027-10-05T10:00:00+99:00",
        "2027-10-05T10:00:00+05:99", "2027-10-05T10:00:00+5:00", "2027-10-05T10:00:00+05:", "2027-10-05Z",
        "2027-10-05T1:0:00", "2027-10-05T10:00:60.5.5Z", "2027-10-05T10:00:00.Z", "2027-10-05T10:00:00ZZ",
    ])
    func refusedForms(text: String) {
        #expect(TimeInput.instant(text, zone: Self.chicago) == nil, "\(text)")
    }

    /// Only the hour daylight saving skips is a time that did not happen: its first and last minutes
    /// and the hour that happens twice are real, and a zone that does not change keeps them all.
    @Test(
        arguments: [
            ("America/Chicago", "2028-03-12T01:59:59", nil),
            ("America/Chicago", "2028-03-12T02:00:00", "2028-03-12T03:00:00"),
            ("America/Chicago", "2028-03-12T02:59:00", "2028-03-12T03:59:00"),
            ("America/Chicago", "2028-03-12T03:00:00", nil),
            ("America/Chicago", "2027-11-07T01:30:00", nil), ("America/Phoenix", "2028-03-12T02:30:00", nil),
            ("Europe/Berlin", "2028-03-26T02:15:00", "2028-03-26T03:15:00"),
            ("Australia/Lord_Howe", "2027-10-03T02:10:00", "2027-10-03T02:40:00"),
        ] as [(String, String, String?)])
    func onlyTheSkippedHourDidNotHappen(zone: String, wall: String, read: String?) {
        #expect(
            TimeInput.skipped(WallTime(wall)!, zone: TimeZone(identifier: zone)!)?.description == read,
            "\(zone) \(wall)")
    }

    /// The day DRILLBOOK_NOW names is the date it writes, in any form it is taken in.
    @Test(arguments: [
        "2027-10-05", "2027-10-05 23:30", "2027-10-05T23:30:00-05:00", "20271005T061000Z", "2027-10-05T06:10:00.5Z",
    ])
    func theDayIsTheDateWritten(text: String) {
        #expect(TimeInput.writtenDate(text) == CalendarDate(year: 2027, month: 10, day: 5), "\(text)")
    }
}
