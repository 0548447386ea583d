import Dates
import GRDB
package import Planning

/// A row of `item`: a `TrackedItem` flattened for SQLite.
///
/// Rows are read and written by hand, column by column in one fixed order, not through `Codable`:
/// a district's year is tens of thousands of rows, and the coder's per-field lookups were most of
/// the time it took to read or store them.
struct ItemRecord: PersistableRecord {
    static let databaseTableName = "item"

    var uid: String
    var year: String
    var id: String
    var schoolId: String
    var activityId: String
    var slot: Int
    var kind: String
    var title: String
    var description: String?
    var date: String
    var startMinutes: Int?
    var durationMinutes: Int
    var timeZone: String
    var announced: Bool
    var adminOnly: Bool
    var owner: String
    var presence: String
    var relatedTo: String?
    var timeContext: String?
    var source: String?
    var status: String
    var sequence: Int
    var noticeDate: String?
    var changedOn: String

    /// Every content column, in the order `init(_:)` reads and `encode(to:)` writes them.
    static let columns = [
        "uid", "year", "id", "school_id", "activity_id", "slot", "kind", "title", "description", "date",
        "start_minutes", "duration_minutes", "time_zone", "announced", "admin_only", "owner", "presence",
        "related_to", "time_context", "source", "status", "sequence", "notice_date", "changed_on",
    ]

    /// `SELECT` of `columns`, for `init(_:)`.
    static let selection = columns.joined(separator: ", ")

    /// The current row of a statement that selects `selection`, straight into what the planner
    /// uses: dates parsed from the column's bytes, repeated text shared through `pools`.
    static func tracked(_ row: ColumnReader, pools: inout ItemPools) -> TrackedItem {
        let epoch = CalendarDate(year: 1970, month: 1, day: 1)
        let presence = row.string(16, pool: &pools.presence)
        let item = ScheduledItem(
            id: row.string(2), uid: row.string(0), schoolID: row.string(3, pool: &pools.school),
            activityID: row.string(4, pool: &pools.activity), slot: row.int(5),
            kind: ActivityKind(row.string(6, pool: &pools.kind)) ?? .protocolReview,
            title: row.string(7, pool: &pools.title), description: row.text(8, pool: &pools.description),
            date: row.date(9) ?? epoch, start: row.integer(10).map(ClockTime.init(minutes:)),
            durationMinutes: row.int(11), timeZone: row.string(12, pool: &pools.timeZone), announced: row.bool(13),
            adminOnly: row.bool(14), owner: row.string(15, pool: &pools.owner),
            presence: presence.isEmpty ? [] : presence.split(separator: ",").map(String.init),
            relatedTo: row.text(17, pool: &pools.related),
            timeContext: row.text(18, pool: &pools.timeContext).flatMap(TimeOfDay.init(rawValue:)),
            source: row.text(19, pool: &pools.source))
        return TrackedItem(
            item: item, status: TrackedItem.Status(rawValue: row.string(20, pool: &pools.status)) ?? .scheduled,
            sequence: row.int(21), noticeDate: row.date(22), changedOn: row.date(23) ?? epoch)
    }

    /// `?, ?, ...`, one per column.
    static let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")

    /// The values of `columns`, in order, as SQLite stores them.
    var values: [DatabaseValue] { Self.columns.indices.map { value($0).databaseValue } }

    /// The value of `columns[column]` as SQLite stores it (booleans as 0 and 1): what is bound and
    /// what the row's seal hashes, without an array of the row's values.
    func value(_ column: Int) -> CanonicalRow.Value {
        func text(_ text: String?) -> CanonicalRow.Value { text.map(CanonicalRow.Value.text) ?? .null }
        func integer(_ number: Int?) -> CanonicalRow.Value { number.map { .integer(Int64($0)) } ?? .null }
        switch column {
        case 0: return .text(uid)
        case 1: return .text(year)
        case 2: return .text(id)
        case 3: return .text(schoolId)
        case 4: return .text(activityId)
        case 5: return integer(slot)
        case 6: return .text(kind)
        case 7: return .text(title)
        case 8: return text(description)
        case 9: return .text(date)
        case 10: return integer(startMinutes)
        case 11: return integer(durationMinutes)
        case 12: return .text(timeZone)
        case 13: return .integer(announced ? 1 : 0)
        case 14: return .integer(adminOnly ? 1 : 0)
        case 15: return .text(owner)
        case 16: return .text(presence)
        case 17: return text(relatedTo)
        case 18: return text(timeContext)
        case 19: return text(source)
        case 20: return .text(status)
        case 21: return integer(sequence)
        case 22: return text(noticeDate)
        case 23: return .text(changedOn)
        default: preconditionFailure("item has \(Self.columns.count) columns, not \(column + 1)")
        }
    }

    /// `columns` sorted by name, for the row's seal.
    static let sealOrder = RowSeal.order(of: columns)

    func encode(to container: inout PersistenceContainer) {
        for (column, value) in zip(Self.columns, values) { container[column] = value }
    }

    init(_ tracked: TrackedItem, year: String) {
        let item = tracked.item
        uid = item.uid
        self.year = year
        id = item.id
        schoolId = item.schoolID
        activityId = item.activityID
        slot = item.slot
        kind = item.kind.description
        title = item.title
        description = item.description
        date = item.date.description
        startMinutes = item.start?.minutes
        durationMinutes = item.durationMinutes
        timeZone = item.timeZone
        announced = item.announced
        adminOnly = item.adminOnly
        owner = item.owner
        presence = item.presence.joined(separator: ",")
        relatedTo = item.relatedTo
        timeContext = item.timeContext?.rawValue
        source = item.source
        status = tracked.status.rawValue
        sequence = tracked.sequence
        noticeDate = tracked.noticeDate?.description
        changedOn = tracked.changedOn.description
    }
}

/// Rows of `item` for another engine: values in `columns`' order, as SQLite would hold them.
package enum ItemRows {
    /// Every content column of `item`, in the order of `values`.
    package static var columns: [String] { ItemRecord.columns }

    /// The order a year's new rows are inserted in: school by school, the schools in the byte order
    /// of their ids (each item's order within its school kept). A UID and an item id both begin with
    /// the school's id and a `/`, so each index on them (and the one by school) grows at one end
    /// instead of at every school's place in it; in the plan's order (school-2 after school-10's
    /// place, or a district's schools as its plan lists them) a state's first schedule spent a
    /// quarter of its inserts more, walking to cold pages of those indexes. (For both engines.)
    package static func insertionOrder(_ items: [TrackedItem]) -> [Int] {
        var bySchool: [String: [Int]] = [:]
        for (position, tracked) in items.enumerated() { bySchool[tracked.item.schoolID, default: []].append(position) }
        let schools = bySchool.keys.sorted { ($0 + "/").utf8.lexicographicallyPrecedes(($1 + "/").utf8) }
        var order: [Int] = []
        order.reserveCapacity(items.count)
        for school in schools { order += bySchool[school]! }
        return order
    }

    /// The row an item of `year` is: `columns`' values, booleans as 0 and 1, for binding and for the row's seal.
    package static func values(_ tracked: TrackedItem, year: String) -> [CanonicalRow.Value] {
        let record = ItemRecord(tracked, year: year)
        return columns.indices.map(record.value)
    }

    /// The seal of a row of `values` (`values(_:year:)`): its columns sorted by name once, not per row.
    package static func hash(_ values: [CanonicalRow.Value]) -> String {
        CanonicalRow.hash(sorted: ItemRecord.sealOrder.map { ($0.name, values[$0.index]) })
    }

    /// The item a row of `columns`' values holds; a value of another type reads as SQLite would
    /// convert it (empty, 0), as `ItemRecord.tracked(_:pools:)` reads it.
    package static func tracked(_ values: [CanonicalRow.Value]) -> TrackedItem {
        let epoch = CalendarDate(year: 1970, month: 1, day: 1)
        func text(_ index: Int) -> String? { values[index].text }
        func string(_ index: Int) -> String { values[index].text ?? "" }
        func integer(_ index: Int) -> Int? { values[index].integer }
        func date(_ index: Int) -> CalendarDate? { text(index).flatMap { CalendarDate($0) } }
        let presence = string(16)
        let item = ScheduledItem(
            id: string(2), uid: string(0), schoolID: string(3), activityID: string(4), slot: integer(5) ?? 0,
            kind: ActivityKind(string(6)) ?? .protocolReview, title: string(7), description: text(8),
            date: date(9) ?? epoch, start: integer(10).map(ClockTime.init(minutes:)), durationMinutes: integer(11) ?? 0,
            timeZone: string(12), announced: (integer(13) ?? 0) != 0, adminOnly: (integer(14) ?? 0) != 0,
            owner: string(15), presence: presence.isEmpty ? [] : presence.split(separator: ",").map(String.init),
            relatedTo: text(17), timeContext: text(18).flatMap(TimeOfDay.init(rawValue:)), source: text(19))
        return TrackedItem(
            item: item, status: TrackedItem.Status(rawValue: string(20)) ?? .scheduled, sequence: integer(21) ?? 0,
            noticeDate: date(22), changedOn: date(23) ?? epoch)
    }
}

/// One `TextPool` per column of `item` whose text repeats from row to row.
struct ItemPools {
    var school = TextPool()
    var activity = TextPool()
    var kind = TextPool()
    var title = TextPool()
    var description = TextPool()
    var timeZone = TextPool()
    var owner = TextPool()
    var presence = TextPool()
    var related = TextPool()
    var timeContext = TextPool()
    var source = TextPool()
    var status = TextPool()
}
