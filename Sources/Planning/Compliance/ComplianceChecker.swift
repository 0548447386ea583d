public import Dates

/// What is checked, chosen by the day against the school year.
public enum CheckMode: String, Sendable {
    /// Before the first day: every rule met by scheduled items.
    case plan
    /// During the year: the log so far, and the rest of the schedule projected.
    case duringYear = "during-year"
    /// After the last day: the log alone.
    case log
}

/// One rule not met (or at risk), with what would fix it.
public struct ComplianceFinding: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        /// The plan or the log falls short, or goes over a maximum.
        case unmet
        /// The window has closed: it can no longer be met this year.
        case cannotBeMet = "cannot-be-met"
        /// The log so far plus the rest of the schedule falls short, and the window is still open.
        case atRisk = "at-risk"
        /// A notice the rules ask for was not given (or not planned) in time.
        case notice
        /// A record lacks what the rules require, or came too late.
        case evidence
        /// A drill held (or scheduled) on a day of the year without students (a weekend, a closure,
        /// a staff-only day): it counts for no rule.
        case notCounted = "not-counted"
    }

    public var schoolID: String
    /// The rules it concerns, the first being the one it is filed under.
    public var rules: [RuleReference]
    public var source: String
    public var confidence: String?
    public var severity: Severity
    public var message: String
    public var fix: String
    /// The items (or records) behind it.
    public var itemIDs: [String]

    public var ruleID: String { rules[0].id }
    public var jurisdiction: String { rules[0].jurisdiction }
}

/// A rule's numbers at one school, window and conditions applied.
public struct RuleTally: Hashable, Sendable {
    public var rule: RuleReference
    /// `fire`, `evacuation or lockdown`.
    public var drills: String
    /// Drills the rule asks for in the year (its largest count, period counts added up).
    public var required: Int
    /// Drills that count for it: held, plus scheduled ahead of the day checked.
    public var counted: Int
    public var scheduledAhead: Int
    public var done: Int
    public var source: String
    /// Days of the drills that count, in order.
    public var dates: [CalendarDate]
}

/// Checks one school's year against the requirement model. Pure: schedule, records and the day are given.
public struct ComplianceChecker: Sendable {
    public var ruleSets: [ComplianceRuleSet]

    public init(ruleSets: [ComplianceRuleSet]) { self.ruleSets = ruleSets }

    public static func mode(on day: CalendarDate, year: SchoolYear) -> CheckMode {
        day < year.first ? .plan : day > year.last ? .log : .duringYear
    }

    /// The drills the mode judges: records (not in plan mode, where there are none to judge yet) and
    /// the scheduled drills not yet done, from the day checked on (every one before the year).
    public static func events(
        school: School, items: [TrackedItem], log: CompletionLog, asOf: CalendarDate, mode: CheckMode
    ) -> [DrillEvent] {
        let standing = log.standing(school: school.id)
        // Item ids by UID, for the records: the ids alone (a copy of each item, every string of it
        // retained, was a tenth of judging a school).
        // Items read in place, in each loop below: a loop's copy of each retained every string of it.
        return items.withUnsafeBufferPointer { items in
            events(school: school, items: items, standing: standing, log: log, asOf: asOf, mode: mode)
        }
    }

    private static func events(
        school: School, items: UnsafeBufferPointer<TrackedItem>, standing: [Completion], log: CompletionLog,
        asOf: CalendarDate, mode: CheckMode
    ) -> [DrillEvent] {
        var idByUID: [String: String] = [:]
        if !standing.isEmpty {
            idByUID.reserveCapacity(items.count)
            for index in items.indices where idByUID[items[index].item.uid] == nil {
                idByUID[items[index].item.uid] = items[index].item.id
            }
        }
        // Notices by the drill item they serve: when given (recorded), or when planned (still ahead).
        var given: [String: (families: CalendarDate?, responders: CalendarDate?)] = [:]
        var planned: [String: (families: CalendarDate?, responders: CalendarDate?)] = [:]
        for index in items.indices where items[index].item.schoolID == school.id {
            guard let drill = items[index].item.relatedTo else { continue }
            let families = items[index].item.id.utf8.contains(noticeMarker)
            guard families || items[index].item.id.utf8.contains(respondersNoticeMarker) else { continue }
            if let on = log.doneOn(items[index].item.uid) {
                if families {
                    given[drill, default: (nil, nil)].families = on
                } else {
                    given[drill, default: (nil, nil)].responders = on
                }
            } else if items[index].status == .scheduled && (mode == .plan || items[index].item.date >= asOf) {
                if families {
                    planned[drill, default: (nil, nil)].families = items[index].item.date
                } else {
                    planned[drill, default: (nil, nil)].responders = items[index].item.date
                }
            }
        }
        var events: [DrillEvent] = []
        for completion in standing {
            let itemID = completion.itemUID.flatMap { idByUID[$0] }
            guard
                var event = DrillEvent.held(
                    completion, school: school, itemID: itemID,
                    firstRecordedOn: log.firstRecorded(completion))
            else { continue }
            // A notice item done, or the date the record gives: the earlier counts.
            if let itemID {
                event.familiesNoticeOn = [event.familiesNoticeOn, given[itemID]?.families].compactMap { $0 }.min()
                event.respondersNoticeOn = [event.respondersNoticeOn, given[itemID]?.responders].compactMap { $0 }.min()
            }
            events.append(event)
        }
        for index in items.indices
        where items[index].status == .scheduled && items[index].item.schoolID == school.id
            && items[index].item.relatedTo == nil && !log.isDone(items[index].item.uid)
        {
            guard case .drill(let type) = items[index].item.kind else { continue }
            let id = items[index].item.id
            let ahead = mode == .plan || items[index].item.date >= asOf
            events.append(
                DrillEvent(
                    type: type, date: items[index].item.date, context: items[index].item.timeContext,
                    presence: Set(items[index].item.presence.compactMap(PresenceRole.init(rawValue:))),
                    state: ahead ? .scheduled : .missed,
                    itemID: id, familiesNoticeOn: given[id]?.families ?? planned[id]?.families,
                    respondersNoticeOn: given[id]?.responders ?? planned[id]?.responders,
                    hour: items[index].item.start.map { $0.minutes / 60 }))
        }
        return events.sorted { ($0.date, $0.itemID ?? "") < ($1.date, $1.itemID ?? "") }
    }

    /// One school judged: `items` may hold other schools' items too (they are skipped); `completions`
    /// is indexed here, so judging many schools should pass one `CompletionLog` instead.
    public func check(
        school: School, year: SchoolYear, items: [TrackedItem], completions: [Completion], asOf: CalendarDate
    ) -> (tallies: [RuleTally], findings: [ComplianceFinding]) {
        check(school: school, year: year, items: items, log: CompletionLog(completions), asOf: asOf)
    }

    /// One school judged against a district's indexed completions.
    public func check(
        school: School, year: SchoolYear, items: [TrackedItem], log: CompletionLog, asOf: CalendarDate
    ) -> (tallies: [RuleTally], findings: [ComplianceFinding]) {
        let mode = Self.mode(on: asOf, year: year)
        let model = RequirementModel(ruleSets: ruleSets, school: school, year: year)
        var events = Self.events(school: school, items: items, log: log, asOf: asOf, mode: mode)
        // A drill is practice with students: one on a day without them counts for nothing, and says so.
        let offDays = events.filter { $0.state != .missed && year.noStudents(on: $0.date) != nil }
        if !offDays.isEmpty { events.removeAll { $0.state != .missed && year.noStudents(on: $0.date) != nil } }
        var judge = Judgement(
            model: model, events: events.filter { $0.state != .missed }, missed: events.filter { $0.state == .missed },
            mode: mode, asOf: asOf, school: school)
        for event in offDays { judge.notCounted(event, why: year.noStudents(on: event.date)!) }
        var tallies: [RuleTally] = []
        for index in model.entries.indices {
            tallies.append(judge.counts(index))
        }
        judge.notices()
        judge.evidence()
        return (tallies, judge.findings)
    }
}
