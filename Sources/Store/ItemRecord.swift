import Dates
import GRDB
import Planning

/// A row of `item`: a `TrackedItem` flattened for SQLite.
struct ItemRecord: Codable, FetchableRecord, PersistableRecord {
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

    enum CodingKeys: String, CodingKey {
        case uid, year, id, slot, kind, title, description, date, announced, owner, presence, source, status, sequence
        case schoolId = "school_id"
        case activityId = "activity_id"
        case startMinutes = "start_minutes"
        case durationMinutes = "duration_minutes"
        case timeZone = "time_zone"
        case adminOnly = "admin_only"
        case relatedTo = "related_to"
        case timeContext = "time_context"
        case noticeDate = "notice_date"
        case changedOn = "changed_on"
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
