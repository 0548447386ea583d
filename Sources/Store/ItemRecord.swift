import Dates
import GRDB
import Planning

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

    /// The current row of a statement that selects `selection`.
    init(_ row: ColumnReader) {
        uid = row.string(0)
        year = row.string(1)
        id = row.string(2)
        schoolId = row.string(3)
        activityId = row.string(4)
        slot = row.int(5)
        kind = row.string(6)
        title = row.string(7)
        description = row.text(8)
        date = row.string(9)
        startMinutes = row.integer(10)
        durationMinutes = row.int(11)
        timeZone = row.string(12)
        announced = row.bool(13)
        adminOnly = row.bool(14)
        owner = row.string(15)
        presence = row.string(16)
        relatedTo = row.text(17)
        timeContext = row.text(18)
        source = row.text(19)
        status = row.string(20)
        sequence = row.int(21)
        noticeDate = row.text(22)
        changedOn = row.string(23)
    }

    /// `?, ?, ...`, one per column.
    static let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")

    /// The values of `columns`, in order, as SQLite stores them.
    var values: [DatabaseValue] {
        [
            uid.databaseValue, year.databaseValue, id.databaseValue, schoolId.databaseValue,
            activityId.databaseValue, slot.databaseValue, kind.databaseValue, title.databaseValue,
            description.databaseValue, date.databaseValue, startMinutes.databaseValue, durationMinutes.databaseValue,
            timeZone.databaseValue, announced.databaseValue, adminOnly.databaseValue, owner.databaseValue,
            presence.databaseValue, relatedTo.databaseValue, timeContext.databaseValue, source.databaseValue,
            status.databaseValue, sequence.databaseValue, noticeDate.databaseValue, changedOn.databaseValue,
        ]
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

    var tracked: TrackedItem {
        let item = ScheduledItem(
            id: id, uid: uid, schoolID: schoolId, activityID: activityId, slot: slot,
            kind: ActivityKind(kind) ?? .protocolReview, title: title, description: description,
            date: CalendarDate(date) ?? CalendarDate(year: 1970, month: 1, day: 1),
            start: startMinutes.map(ClockTime.init(minutes:)), durationMinutes: durationMinutes, timeZone: timeZone,
            announced: announced, adminOnly: adminOnly, owner: owner,
            presence: presence.isEmpty ? [] : presence.split(separator: ",").map(String.init), relatedTo: relatedTo,
            timeContext: timeContext.flatMap(TimeOfDay.init(rawValue:)), source: source)
        return TrackedItem(
            item: item, status: TrackedItem.Status(rawValue: status) ?? .scheduled, sequence: sequence,
            noticeDate: noticeDate.flatMap { CalendarDate($0) },
            changedOn: CalendarDate(changedOn) ?? CalendarDate(year: 1970, month: 1, day: 1))
    }
}
