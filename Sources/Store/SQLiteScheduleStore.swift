public import Dates
import Foundation
import GRDB
public import Planning

/// The schedule database in one SQLite file (`drillbook.sqlite`, the default). WAL, foreign keys,
/// named append-only migrations; every change is one transaction. A pool: `drillbook serve` reads
/// on several connections at once while one writes.
public final class SQLiteScheduleStore: ScheduleStore {
    public var readsAreRoundTrips: Bool { false }

    let database: DatabasePool
    /// Whether a large write may leave WAL for a rollback journal (`write(adding:)`): not under
    /// `drillbook serve`, whose readers would wait on it.
    let largeWritesLeaveWAL: Bool

    /// The database file's path: files kept with records (attachments) live beside it.
    public var path: String { database.path }

    public var location: String { database.path }

    /// Opens (and creates or migrates) the database at `path`. `serving`: for a long-running
    /// server, whose readers must not wait on a large write (it stays in the WAL).
    public init(path: String, serving: Bool = false) throws(StoreError) {
        largeWritesLeaveWAL = !serving
        try StoreError.refuseServerURL(path)
        try SQLiteSetup.createPrivately(path)
        do {
            var configuration = SQLiteSetup.configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            // A first schedule writes, then seals, tens of thousands of rows in one transaction: with
            // SQLite's 2 MB default the pages spill to the WAL and are written twice.
            configuration.prepareDatabase { db in
                if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
            }
            database = try DatabasePool(path: path, configuration: configuration)
            try Migrations.run(Self.migrator, on: database)
        } catch {
            throw StoreError(message: "\(path): cannot open the database (\(error))")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: items and schedule runs") { db in
            try db.create(table: "item") { table in
                table.primaryKey("uid", .text)
                table.column("year", .text).notNull()
                table.column("id", .text).notNull()
                table.column("school_id", .text).notNull()
                table.column("activity_id", .text).notNull()
                table.column("slot", .integer).notNull()
                table.column("kind", .text).notNull()
                table.column("title", .text).notNull()
                table.column("description", .text)
                table.column("date", .text).notNull()
                table.column("start_minutes", .integer)
                table.column("duration_minutes", .integer).notNull()
                table.column("time_zone", .text).notNull()
                table.column("announced", .boolean).notNull()
                table.column("admin_only", .boolean).notNull()
                table.column("owner", .text).notNull()
                table.column("presence", .text).notNull()
                table.column("related_to", .text)
                table.column("time_context", .text)
                table.column("source", .text)
                table.column("status", .text).notNull()
                table.column("sequence", .integer).notNull()
                table.column("notice_date", .text)
                table.column("changed_on", .text).notNull()
                table.uniqueKey(["year", "id"])
            }
            try db.create(index: "item_by_year_date", on: "item", columns: ["year", "date"])
            try db.create(table: "schedule_run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("year", .text).notNull()
                table.column("as_of", .text).notNull()
                table.column("added", .integer).notNull()
                table.column("moved", .integer).notNull()
                table.column("cancelled", .integer).notNull()
            }
        }
        migrator.registerMigration("v2: completions and the audit log") { db in
            try db.create(table: "completion") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("year", .text).notNull()
                table.column("item_uid", .text).references("item", column: "uid")
                table.column("school_id", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("started_at", .text).notNull()
                table.column("ended_at", .text)
                table.column("evidence", .text).notNull()
                table.column("corrects", .integer).references("completion", column: "id")
                table.column("recorded_by", .text).notNull()
                table.column("recorded_on", .text).notNull()
                table.column("source", .text).notNull()
            }
            try db.create(index: "completion_by_item", on: "completion", columns: ["item_uid"])
            try AuditLog.createTable(db, "audit")
        }
        registerAlerts(&migrator)
        registerActivityVersions(&migrator)
        registerSeals(&migrator)
        registerFeeds(&migrator)
        registerAccounts(&migrator)
        // Whether a record was corrected is asked for every record an import adds: without an index
        // each question read the whole log.
        migrator.registerMigration("v10: completions by the record they correct") { db in
            try db.create(index: "completion_by_corrects", on: "completion", columns: ["corrects"])
        }
        // A school's feed reads its own items, not the state's year.
        migrator.registerMigration("v11: items by school") { db in
            try db.create(index: "item_by_year_school", on: "item", columns: ["year", "school_id", "date"])
        }
        // A year is read in id order (its unique index) and put in time order in Swift: the date
        // index served only the old read, and every insert and move paid for it (a state's first
        // schedule: 780,000 entries, about a tenth of storing them).
        migrator.registerMigration("v12: no index by date") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS item_by_year_date")
        }
        return migrator
    }

    /// Every item published for `year`, in time order.
    ///
    /// A large year is read in parts on every core, split at ids (the parts follow each other in id
    /// order), each on its own pooled connection in its own read transaction. Every
    /// write appends to the audit log, so parts that saw the same last audit entry saw the same
    /// database; when a write came between them, the year is read again in one piece.
    /// With `onEveryCore` false, it is read in one piece.
    public func items(year: String, onEveryCore: Bool = true) throws(StoreError) -> [TrackedItem] {
        let parts = onEveryCore ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        return try items(year: year, parts: parts, atLeast: 20_000)
    }

    public func items(year: String, school: String) throws(StoreError) -> [TrackedItem] {
        do {
            return try database.read { db in try Self.items(db, year: year, school: school) }
        } catch {
            throw StoreError(message: "cannot read the schedule (\(error))")
        }
    }

    /// The same, in `parts` when the year has at least `atLeast` items (tests split small years).
    ///
    /// The rows are read in the order of the index on (year, id), which follows the table (rows are
    /// inserted school by school, in that order), and put in time order here: walked in date order
    /// through the date index, every row was a jump to another page of the table, and SQLite sorted
    /// each day's rows again. A state's year (780,000 rows) read in 3.9 s of SQLite's time that way
    /// and 1.5 s this way (in the order of the ids alone, 0.7 s). Each row's place in time is its
    /// date and start as SQLite orders them; where one holds what Drillbook never writes (an edit
    /// behind its back: a date of another type or form, a start that is not a day's minute), the
    /// year is read again in one piece in SQLite's own `ORDER BY`, so the order is SQLite's whatever
    /// the file holds.
    func items(year: String, parts: Int, atLeast: Int) throws(StoreError) -> [TrackedItem] {
        do {
            let (count, bounds) = try database.read { db in
                try Self.splitIDs(db, year: year, parts: parts, atLeast: atLeast)
            }
            let read = [Result<(part: IDOrderedPart, head: Int), any Error>](
                concurrentlyComputing: bounds.count - 1
            ) { part in
                Result {
                    try database.read { db in
                        (
                            try Self.itemsByID(
                                db, year: year, from: bounds[part], to: bounds[part + 1],
                                expecting: count / (bounds.count - 1) + count / 64 + 16),
                            try Self.head(db)
                        )
                    }
                }
            }
            // Taken out of the results, which then go: each part's items are then held once, and
            // moved from in place rather than copied first.
            var parts: [IDOrderedPart] = []
            var heads: Set<Int> = []
            for result in consume read {
                let (part, head) = try result.get()
                parts.append(part)
                heads.insert(head)
            }
            // Parts that saw different heads saw different databases (a write came between them);
            // parts that miss a row (an id of a type the bounds do not cover) are not the year either.
            if heads.count == 1, parts.reduce(0, { $0 + $1.items.count }) == count,
                let items = Self.inTimeOrder(&parts)
            {
                return items
            }
            return try database.read { db in try Self.items(db, year: year) }
        } catch {
            throw StoreError(message: "cannot read the schedule (\(error))")
        }
    }

    /// A year's items (of one school, or all), in SQLite's time order (`ORDER BY date,
    /// start_minutes, id`), whatever the rows hold.
    static func items(_ db: Database, year: String, school: String? = nil) throws -> [TrackedItem] {
        var conditions = ["year = ?"]
        var arguments: [String] = [year]
        if let school {
            conditions.append("school_id = ?")
            arguments.append(school)
        }
        let select = try db.makeStatement(
            sql: "SELECT \(ItemRecord.selection) FROM item WHERE \(conditions.joined(separator: " AND ")) "
                + "ORDER BY date, start_minutes, id")
        var items: [TrackedItem] = []
        let rows = try Row.fetchCursor(select, arguments: StatementArguments(arguments))
        let columns = ColumnReader(select)
        var pools = ItemPools()
        while try rows.next() != nil { items.append(ItemRecord.tracked(columns, pools: &pools)) }
        return items
    }

    /// A part of a year read in id order, with each item's place in time (nil where a row's date or
    /// start is not one Drillbook writes).
    struct IDOrderedPart {
        var items: [TrackedItem] = []
        var times: [UInt64]? = []
    }

    /// A year's items with ids from `lower` (inclusive; nil: from the first, ids of other types
    /// included) to `upper` (exclusive; nil: to the last), in id order; room is made for
    /// `expecting` of them at once (grown by doubling, a state's part was copied again and again,
    /// each time into memory the kernel had to clear: a tenth of a re-plan).
    static func itemsByID(
        _ db: Database, year: String, from lower: String?, to upper: String?, expecting: Int = 0
    ) throws -> IDOrderedPart {
        let (select, arguments) = try idOrderedRead(db, year: year, from: lower, to: upper)
        var part = IDOrderedPart()
        part.items.reserveCapacity(expecting)
        part.times!.reserveCapacity(expecting)
        let rows = try Row.fetchCursor(select, arguments: arguments)
        let columns = ColumnReader(select)
        var pools = ItemPools()
        while try rows.next() != nil {
            if part.times != nil {
                if let time = columns.timeOrder(date: 9, start: 10) {
                    part.times!.append(time)
                } else {
                    part.times = nil
                }
            }
            part.items.append(ItemRecord.tracked(columns, pools: &pools))
        }
        return part
    }

    /// The statement that reads a year's items with ids from `lower` to `upper` in id order.
    private static func idOrderedRead(_ db: Database, year: String, from lower: String?, to upper: String?) throws
        -> (Statement, StatementArguments)
    {
        var conditions = ["year = ?"]
        var arguments: [String] = [year]
        if let lower {
            conditions.append("id >= ?")
            arguments.append(lower)
        }
        if let upper {
            conditions.append("(id < ? OR id IS NULL)")
            arguments.append(upper)
        }
        let select = try db.makeStatement(
            sql: "SELECT \(ItemRecord.selection) FROM item WHERE \(conditions.joined(separator: " AND ")) ORDER BY id")
        return (select, StatementArguments(arguments))
    }

    /// Every item published for `year`, by school, each school's in time order.
    ///
    /// Read in parts on every core as `items(year:)` reads, but each school's items are put in time
    /// order as its rows come (rows go in school by school, so a school's rows follow each other in
    /// id order) and moved into a list of the school's own: the year is never put in time order as a
    /// whole. That took a second array of the whole year (a state's is 265 MB, memory the kernel
    /// clears first) and a scatter of 340-byte items into it, for callers that grouped it by school
    /// again at once. A school whose rows are not together (one the split cut in two, or ids edited
    /// behind Drillbook's back) is put together and in order again; a row without a place in time
    /// that Drillbook writes sends the read back to `items(year:)`, SQLite's own order.
    public func itemsBySchool(year: String, onEveryCore: Bool = true) throws(StoreError) -> [String: [TrackedItem]] {
        let parts = onEveryCore ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        return try itemsBySchool(year: year, parts: parts, atLeast: 20_000)
    }

    /// The same, in `parts` when the year has at least `atLeast` items (tests split small years).
    func itemsBySchool(year: String, parts: Int, atLeast: Int) throws(StoreError) -> [String: [TrackedItem]] {
        do {
            let (count, bounds) = try database.read { db in
                try Self.splitIDs(db, year: year, parts: parts, atLeast: atLeast)
            }
            let read = [Result<(part: SchoolsPart?, head: Int), any Error>](concurrentlyComputing: bounds.count - 1) {
                part in
                Result {
                    try database.read { db in
                        (
                            try Self.itemsBySchool(db, year: year, from: bounds[part], to: bounds[part + 1]),
                            try Self.head(db)
                        )
                    }
                }
            }
            var bySchool: [String: [TrackedItem]] = [:]
            var heads: Set<Int> = []
            var total = 0
            var placed = true
            for result in consume read {
                let (part, head) = try result.get()
                heads.insert(head)
                guard let part else {
                    placed = false
                    continue
                }
                total += part.count
                if bySchool.isEmpty {
                    bySchool = part.bySchool
                    continue
                }
                for (school, items) in part.bySchool {
                    Self.add(items, of: school, to: &bySchool)
                }
            }
            // As `items(year:)`: parts that saw different heads saw different databases, and parts
            // that miss a row did not read the whole year.
            if placed, heads.count == 1, total == count { return bySchool }
            return try database.read { db in try Self.items(db, year: year) }.movedBySchool()
        } catch {
            throw StoreError(message: "cannot read the schedule (\(error))")
        }
    }

    /// A part of a year by school, and how many items it holds.
    struct SchoolsPart {
        var bySchool: [String: [TrackedItem]] = [:]
        var count = 0
    }

    /// The items with ids from `lower` to `upper` (as `itemsByID`) by school, each school's in time
    /// order; nil when a row's date or start is not one Drillbook writes.
    static func itemsBySchool(_ db: Database, year: String, from lower: String?, to upper: String?) throws
        -> SchoolsPart?
    {
        let (select, arguments) = try idOrderedRead(db, year: year, from: lower, to: upper)
        var part = SchoolsPart()
        // One school's rows as they come, with their places in time: reused from school to school,
        // so only each school's own list is new memory.
        var run: [TrackedItem] = []
        var times: [UInt64] = []
        var school = ""
        func close() {
            guard !run.isEmpty else { return }
            let order = times.indices.sorted { (times[$0], $0) < (times[$1], $1) }
            let items = run.moveOut(order)
            run.removeAll(keepingCapacity: true)
            times.removeAll(keepingCapacity: true)
            add(items, of: school, to: &part.bySchool)
        }
        let rows = try Row.fetchCursor(select, arguments: arguments)
        let columns = ColumnReader(select)
        var pools = ItemPools()
        while try rows.next() != nil {
            guard let time = columns.timeOrder(date: 9, start: 10) else { return nil }
            let tracked = ItemRecord.tracked(columns, pools: &pools)
            if tracked.item.schoolID != school {
                close()
                school = tracked.item.schoolID
            }
            run.append(tracked)
            times.append(time)
            part.count += 1
        }
        close()
        return part
    }

    /// Adds a school's items (in time order, after every item it has already in id order) to its
    /// list: a school seen again is put in time order again.
    private static func add(_ items: [TrackedItem], of school: String, to bySchool: inout [String: [TrackedItem]]) {
        guard bySchool[school] != nil else {
            bySchool[school] = items
            return
        }
        bySchool[school]!.append(contentsOf: items)
        bySchool[school]!.putInTimeOrder()
    }

    /// The parts' items (in id order, part after part) in time order: by date, then start (none
    /// first), then id, as `ORDER BY date, start_minutes, id` puts them; nil when a part has an item
    /// without a place in time.
    ///
    /// A counting sort over the year's distinct times (a few thousand days and starts), stable, so
    /// equal times keep their id order; each item is moved, not copied (a copy retains every string
    /// of the item again, a tenth of a state's read), its old place left holding the one shared
    /// empty item (`TrackedItem.vacant`).
    static func inTimeOrder(_ parts: inout [IDOrderedPart]) -> [TrackedItem]? {
        var counts: [UInt64: Int] = [:]
        var total = 0
        for part in parts {
            guard let times = part.times else { return nil }
            for time in times { counts[time, default: 0] += 1 }
            total += times.count
        }
        var next: [UInt64: Int] = [:]
        next.reserveCapacity(counts.count)
        var start = 0
        for time in counts.keys.sorted() {
            next[time] = start
            start += counts[time]!
        }
        let vacant = TrackedItem.vacant
        return [TrackedItem](unsafeUninitializedCapacity: total) { ordered, initialized in
            for number in parts.indices {
                let times = parts[number].times!
                parts[number].items.withUnsafeMutableBufferPointer { items in
                    for (index, time) in times.enumerated() {
                        let place = next[time]!
                        next[time] = place + 1
                        (ordered.baseAddress! + place).moveInitialize(from: items.baseAddress! + index, count: 1)
                        (items.baseAddress! + index).initialize(to: vacant)
                    }
                }
            }
            initialized = total
        }
    }

    /// The year's row count, and where to split its read: nil, the ids at each part's share of its
    /// items, nil; just nil, nil for a year of fewer than `atLeast` items, read in one piece.
    private static func splitIDs(_ db: Database, year: String, parts: Int, atLeast: Int) throws
        -> (count: Int, bounds: [String?])
    {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE year = ?", arguments: [year]) ?? 0
        guard parts > 1, count >= atLeast else { return (count, [nil, nil]) }
        var bounds: [String?] = [nil]
        for part in 1..<parts {
            let id = try String.fetchOne(
                db,
                sql: "SELECT id FROM item WHERE year = ? AND typeof(id) = 'text' ORDER BY id LIMIT 1 OFFSET ?",
                arguments: [year, count * part / parts])
            // Equal bounds would make an empty part.
            if let id, id != bounds.last { bounds.append(id) }
        }
        return (count, bounds + [nil])
    }

    /// The last audit entry's number: it changes with every write.
    private static func head(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT max(seq) FROM audit") ?? 0
    }

    /// Writes a re-plan's changes and the activity versions it was made from, records the run and
    /// audits it, all or nothing.
    public func apply(
        _ result: ReplanResult, year: String, asOf: CalendarDate, versions: [String: String]? = nil,
        audit: AuditContext
    ) throws(StoreError) {
        do {
            try write(adding: result.added.count) { db in
                if let versions { try Self.saveVersions(versions, year: year, db: db) }
                // New rows are sealed as they are written (their hash from the values bound, no second
                // pass), while the table has exactly the columns the record writes. Their hashes are
                // worked out on another core a chunk ahead of the inserts, and the audit entry's list
                // of them encoded there after the last.
                var sealing: SealPipeline?
                var added = result.added.map(\.item.uid)
                if !result.added.isEmpty,
                    try RowSeal.contentColumns(db, "item") == Set(ItemRecord.columns)
                {
                    let pipeline = SealPipeline(result.added, order: ItemRows.insertionOrder(result.added), year: year)
                    sealing = pipeline
                    let insert = try db.makeStatement(
                        sql:
                            "INSERT INTO item (\(ItemRecord.selection), row_hash) VALUES (\(ItemRecord.placeholders), ?)"
                    )
                    var inserted = false
                    defer { if !inserted { pipeline.abandon() } }
                    for part in 0..<pipeline.chunks {
                        try pipeline.take(part).insert(with: insert)
                    }
                    inserted = true
                    added = []
                } else {
                    for item in result.added { try ItemRecord(item, year: year).insert(db) }
                }
                for (_, item) in result.moved { try ItemRecord(item, year: year).update(db) }
                for item in result.cancelled { try ItemRecord(item, year: year).update(db) }
                for item in result.renoticed { try ItemRecord(item, year: year).update(db) }
                try db.execute(
                    sql: "INSERT INTO schedule_run (year, as_of, added, moved, cancelled) VALUES (?, ?, ?, ?, ?)",
                    arguments: [year, asOf.description, result.added.count, result.moved.count, result.cancelled.count])
                let touched =
                    added + result.moved.map(\.to.item.uid) + result.cancelled.map(\.item.uid)
                    + result.renoticed.map(\.item.uid)
                let resealed = try RowSeal.seal(db, ScheduleRecords.itemTable, keys: touched)
                let rows: String
                if let sealing, resealed.isEmpty {
                    rows = sealing.rows()
                } else {
                    let sealed = sealing?.named(result.added) ?? [:]
                    rows = AuditLog.encode(rows: sealed.merging(resealed) { _, read in read })
                }
                try AuditLog.append(
                    db, context: audit, action: "schedule", subject: year,
                    detail: ScheduleRecords.scheduleDetail(result), sealed: rows)
            }
        } catch {
            throw StoreError(message: "the schedule was not saved (\(error)); nothing changed")
        }
    }
}
