public import Dates
public import Planning

/// Items as JSON: one shape for `drillbook list --json` and the API's `/api/v1/items`.
public enum ItemJSON {
    public struct Row: Encodable, Sendable {
        public var id: String
        public var uid: String
        public var school: String
        public var kind: String
        public var title: String
        public var date: String
        public var start: String?
        public var durationMinutes: Int
        public var timeZone: String
        public var announced: Bool
        public var owner: String
        /// `ItemStatus.name`: scheduled, due-soon, overdue, done, done-late, cancelled, missed.
        public var status: String
        public var sequence: Int

        public init(_ tracked: TrackedItem, status: ItemStatus) {
            let item = tracked.item
            id = item.id
            uid = item.uid
            school = item.schoolID
            kind = item.kind.description
            title = item.title
            date = item.date.description
            start = item.start?.description
            durationMinutes = item.durationMinutes
            timeZone = item.timeZone
            announced = item.announced
            owner = item.owner
            self.status = status.name
            sequence = tracked.sequence
        }
    }

    /// Each item's status on `asOf`, as `list` shows it.
    public static func statuses(
        _ items: [TrackedItem], loaded: LoadedPlan, completions: [Completion], asOf: CalendarDate
    ) -> [ItemStatus] {
        let log = CompletionLog(completions)
        return items.map {
            $0.status(
                on: asOf, log: log, ladder: loaded.plan.ladder,
                yearEnd: loaded.years[$0.item.schoolID]?.last)
        }
    }
}
