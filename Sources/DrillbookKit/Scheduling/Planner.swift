public import Dates
import Foundation
public import ICalendar
public import Planning
public import Store

/// A plan read with each school's year: what `validate`, `schedule` and `export` start from.
public struct LoadedPlan: Sendable {
    public var plan: Plan
    /// By school id.
    public var years: [String: SchoolYear]
    /// Tolerated faults of the calendars read (LF line ends, long lines).
    public var warnings: [CalendarProblem]
    /// What else a user should hear: a calendar named by its address read from an older copy.
    public var notices: [String] = []
}

/// The planning use cases: read the plan and calendars, place the year, store what changed.
public enum Planner {
    /// Reads the plan, its templates, rule sets and every calendar it names.
    /// `year` reads an earlier school year the plan kept, with that year's calendar.
    public static func load(planFile: String, resources: Resources, year: String? = nil) throws(DrillbookError)
        -> LoadedPlan
    {
        let plan: Plan
        do { plan = try PlanReader(resources: resources, year: year).read(file: planFile) } catch { throw .plan(error) }
        var byCalendar: [String: SchoolYear] = [:]
        var years: [String: SchoolYear] = [:]
        var warnings: [CalendarProblem] = []
        var notices: [String] = []
        for planned in plan.schools {
            if byCalendar[planned.calendar] == nil {
                let (year, problems, notice) = try YearReader.schoolYear(plan: plan, calendar: planned.calendar)
                byCalendar[planned.calendar] = year
                warnings += problems
                notices += notice.map { [$0] } ?? []
            }
            years[planned.school.id] = byCalendar[planned.calendar]
        }
        return LoadedPlan(plan: plan, years: years, warnings: warnings, notices: notices)
    }

    /// Every school's items, in school order; all constraints that fail are reported together.
    /// `fixed` occurrences keep their days.
    public static func schedule(_ loaded: LoadedPlan, fixed: [FixedOccurrence] = []) throws(DrillbookError)
        -> [ScheduledItem]
    {
        var skipped: [SchedulingError] = []
        return try schedule(loaded, fixed: fixed, notBefore: nil, skipped: &skipped)
    }

    /// A re-plan's placement: new days only after `notBefore`, what no longer fits reported in `skipped`.
    static func schedule(
        _ loaded: LoadedPlan, fixed: [FixedOccurrence], notBefore: CalendarDate?, skipped: inout [SchedulingError]
    ) throws(DrillbookError) -> [ScheduledItem] {
        let scheduler = Scheduler(
            districtID: loaded.plan.district.id, activities: loaded.plan.activities, rules: loaded.plan.rules)
        let bySchool = Dictionary(grouping: fixed, by: \.schoolID)
        let schools = loaded.plan.schools
        // Each school is placed on its own (pure, no shared state), so schools spread over the cores;
        // results are gathered in plan order, so the output does not depend on the thread timing.
        let gathered = [(Result<[ScheduledItem], SchedulingError>, [SchedulingError])](
            concurrentlyComputing: schools.count
        ) { index in
            let school = schools[index].school
            var skippedHere: [SchedulingError] = []
            let result = Result { () throws(SchedulingError) in
                try scheduler.schedule(
                    school, year: loaded.years[school.id]!, fixed: bySchool[school.id] ?? [], notBefore: notBefore,
                    skipped: &skippedHere)
            }
            return (result, skippedHere)
        }
        var items: [ScheduledItem] = []
        var errors: [SchedulingError] = []
        for (result, skippedHere) in gathered {
            skipped += skippedHere
            switch result {
            case .success(let placed): items += placed
            case .failure(let error): errors.append(error)
            }
        }
        guard errors.isEmpty else { throw .scheduling(errors) }
        return items
    }

    /// Each activity's fingerprint as stored: `2:` and the first 32 hex digits of the SHA-256 of its
    /// placement, then of its wording (`ActivityFingerprint`).
    static func versions(_ loaded: LoadedPlan) -> [String: String] {
        var result: [String: String] = [:]
        for activity in loaded.plan.activities {
            let fingerprint = ActivityFingerprint(activity, rules: loaded.plan.rules)
            result[activity.id] =
                "2:" + sha256Hex(fingerprint.placement).prefix(32) + ":" + sha256Hex(fingerprint.wording).prefix(32)
        }
        return result
    }

    /// The stored activities whose placement changed, and those whose wording alone changed.
    ///
    /// A fingerprint an earlier release stored (not `2:`) counts as unchanged: it was Swift's own
    /// description of the rules, which any field a release adds changes, so comparing it moved every
    /// drill series on the first re-plan after an upgrade. The re-plan stores the new ones.
    static func changes(stored: [String: String], now: [String: String]) -> (placed: Set<String>, reworded: Set<String>)
    {
        var placed: Set<String> = []
        var reworded: Set<String> = []
        for (activity, old) in stored where old.hasPrefix("2:") {
            guard let new = now[activity] else { continue }
            let (oldParts, newParts) = (old.split(separator: ":"), new.split(separator: ":"))
            if oldParts.count != 3 || oldParts[1] != newParts[1] {
                placed.insert(activity)
            } else if oldParts[2] != newParts[2] {
                reworded.insert(activity)
            }
        }
        return (placed, reworded)
    }

    /// Places the year again with the least change, compares it with what was published, and stores
    /// the changes in one transaction; a plan that cannot be met writes nothing.
    ///
    /// Items that are done, past or announced keep their day (an announced one whose day became a
    /// closure is cancelled and made up). Of the rest, only the items on a day that is no longer an
    /// instructional day outside testing windows, and the future items of an activity whose
    /// definition (or, for drills, whose rules) changed, are placed again, after `asOf` and leaving
    /// room for their notices; every other item is pinned to its day, and its notices and review stay
    /// as published. Each moved item carries the reason.
    public static func run(_ loaded: LoadedPlan, store: any ScheduleStore, asOf: CalendarDate, actor: String? = nil)
        throws(DrillbookError)
        -> ReplanResult
    {
        // The log, so the drills placed are what `check` still finds missing (a drill counts on the
        // day it was held, one whose day passed unrecorded for nothing), read beside the year.
        let log = ReadBeside { () throws(DrillbookError) in
            do throws(StoreError) { return CompletionLog(try store.drillRecords(year: loaded.plan.year)) } catch {
                throw .store(error.description)
            }
        }
        defer { log.wait() }
        var bySchool = try publishedBySchool(loaded, store: store)
        let versions = self.versions(loaded)
        let stored: [String: String]
        do { stored = try store.activityVersions(year: loaded.plan.year) } catch { throw .store(error.description) }
        let (changed, reworded) = changes(stored: stored, now: versions)
        // Each school is re-planned on its own, on every core: its pins, its placement, what stays as
        // published and its diff are its own (UIDs and ids name the school). A state's re-plan did
        // all but the placement on one core, most of its time. Schools the plan no longer has come
        // last: their future items are cancelled. The year is read by school (each school's items in
        // time order), never put in time order as a whole, and each school's list is its own.
        let schools = loaded.plan.schools.map(\.school)
        let gone = bySchool.keys.filter { loaded.years[$0] == nil }.sorted()
        let scheduler = Scheduler(
            districtID: loaded.plan.district.id, activities: loaded.plan.activities, rules: loaded.plan.rules)
        // A first schedule before the year places the whole year (and fails when it cannot be met);
        // one made after a year has begun places nothing on or before today, as a re-plan does: an
        // item placed in the past would be missed the moment it was stored.
        let begun = loaded.years.values.contains { asOf >= $0.first }
        let notBefore = bySchool.isEmpty && !begun ? nil : asOf
        let records = try log.value()
        // Each school's published list moved out of the year and let go by its own re-plan, on its
        // core: freed at the end, a state's year took a quarter of a second on one core.
        var lists = (schools.map(\.id) + gone).map { bySchool.removeValue(forKey: $0) ?? [] }
        bySchool = [:]
        var parts = [Result<SchoolReplan, SchedulingError>]()
        lists.withUnsafeMutableBufferPointer { lists in
            nonisolated(unsafe) let lists = lists
            parts = .init(concurrentlyComputing: schools.count + gone.count) { index in
                let school = index < schools.count ? schools[index] : nil
                var mine: [TrackedItem] = []
                swap(&mine, &lists[index])
                return Result { () throws(SchedulingError) in
                    try replan(
                        school, year: school.flatMap { loaded.years[$0.id] }, published: mine, log: records,
                        changed: changed, reworded: reworded, scheduler: scheduler, asOf: asOf, notBefore: notBefore)
                }
            }
        }
        var result = ReplanResult()
        var errors: [SchedulingError] = []
        var cancelled: [TrackedItem] = []
        // The year's list made at its size once (grown by doubling, a state's first schedule
        // copied it into fresh memory a dozen times), and each school's part let go as soon as it
        // is in: held to the end, every item was in memory twice while the year was stored.
        var added = 0
        for part in parts { if case .success(let part) = part { added += part.result.added.count } }
        result.added.reserveCapacity(added)
        parts.reverse()
        while let popped = parts.popLast() {
            // Consumed, so the part's lists are owned here alone and move rather than copy.
            switch consume popped {
            case .success(var part):
                result.added.append(moving: &part.result.added)
                result.moved += part.result.moved
                result.kept += part.result.kept
                result.renoticed += part.result.renoticed
                result.unchanged += part.result.unchanged
                result.reasons.merge(part.result.reasons) { first, _ in first }
                result.skipped += part.result.skipped
                cancelled += part.result.cancelled
            case .failure(let error): errors.append(error)
            }
        }
        guard errors.isEmpty else { throw .scheduling(errors) }
        // Cancelled items in the order they were published (the year's time order: date, start with
        // all-day first, id byte by byte), as one diff of the whole year listed them.
        result.cancelled = cancelled.sorted { first, second in
            let (a, b) = (first.item, second.item)
            if (a.date, a.start?.minutes ?? -1) != (b.date, b.start?.minutes ?? -1) {
                return (a.date, a.start?.minutes ?? -1) < (b.date, b.start?.minutes ?? -1)
            }
            return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
        }
        do {
            if !result.isEmpty || !result.renoticed.isEmpty {
                try store.apply(
                    result, year: loaded.plan.year, asOf: asOf, versions: versions,
                    audit: Actor.context(actor, asOf: asOf.description))
            } else if stored != versions {
                try store.saveVersions(versions, year: loaded.plan.year)
            }
            return result
        } catch {
            throw .store(error.description)
        }
    }

    /// One school's re-plan (its cancelled items are put in the year's order by `run`).
    struct SchoolReplan: Sendable {
        var result: ReplanResult
    }

    /// Re-plans one school from its published items (`mine`, in time order) and its records in
    /// `log`; with no `school` (the plan no longer has it), places nothing, so its future items are
    /// cancelled.
    static func replan(
        _ school: School?, year: SchoolYear?, published mine: [TrackedItem], log: CompletionLog,
        changed: Set<String>, reworded: Set<String> = [], scheduler: Scheduler, asOf: CalendarDate,
        notBefore: CalendarDate?
    ) throws(SchedulingError) -> SchoolReplan {
        var fixed: [FixedOccurrence] = []
        var reasons: [String: String] = [:]
        // Which published items stay, by position (uids are unique).
        var kept = [Bool](repeating: false, count: mine.count)
        // Future drills kept only while a rule needs them.
        var droppable: Set<String> = []
        // The published items are read in place (here and below): a copy of one retains and
        // releases every string of it, for each of a state's 780,000 items.
        if let year {
            mine.withUnsafeBufferPointer { mine in
                for index in mine.indices where mine[index].status == .scheduled && mine[index].item.relatedTo == nil {
                    let (date, isDrill) = (mine[index].item.date, mine[index].item.kind.isDrill)
                    let uid = mine[index].item.uid
                    // A drill done counts by its record; one whose day passed unrecorded, for nothing.
                    let counts = !isDrill || (!log.isDone(uid) && date >= asOf)
                    var pin: FixedOccurrence {
                        FixedOccurrence(
                            schoolID: mine[index].item.schoolID, activityID: mine[index].item.activityID,
                            slot: mine[index].item.slot, date: date, timeContext: mine[index].item.timeContext,
                            presence: mine[index].item.presence, counts: counts)
                    }
                    if date <= asOf || mine[index].isAnnounced(by: asOf) {
                        // Past or announced: it stays (an announced one lost to a closure is made up by the diff).
                        if year.isSchoolDay(date) {
                            fixed.append(pin)
                            kept[index] = true
                        }
                        if let closure = year.closures[date] { reasons[uid] = "closure added: \(closure)" }
                        continue
                    }
                    if let why = lost(date, in: year, drill: isDrill) {
                        reasons[uid] = why
                    } else if changed.contains(mine[index].item.activityID) {
                        reasons[uid] = "\(mine[index].item.activityID) changed in the plan or its rules"
                    } else {
                        var pin = pin
                        pin.droppable = isDrill && !log.isDone(uid)
                        if pin.droppable {
                            droppable.insert(uid)
                            pin.placedOn = mine[index].changedOn
                        }
                        fixed.append(pin)
                        kept[index] = true
                    }
                }
            }
        }
        var skipped: [SchedulingError] = []
        var planned: [ScheduledItem] = []
        if let school, let year {
            let held = log.standing(school: school.id).compactMap {
                DrillEvent.held($0, school: school, itemID: nil, firstRecordedOn: $0.recordedOn)
            }
            planned = try scheduler.schedule(
                school, year: year, fixed: fixed, held: held, notBefore: notBefore, skipped: &skipped)
        }
        // What follows an item that stayed (its notices, its review) stays as published too.
        let before = Replan.positions(mine)
        var positionsByID: [String: Int] = [:]
        positionsByID.reserveCapacity(mine.count)
        mine.withUnsafeBufferPointer { mine in
            for index in mine.indices where positionsByID[mine[index].item.id] == nil {
                positionsByID[mine[index].item.id] = index
            }
        }
        if let year {
            // A reworded activity's items take the plan's words where they stay, when the plan put
            // their item at the published time (a notice's words name the day and time).
            var plannedTimes: [String: (CalendarDate, ClockTime?)] = [:]
            if !reworded.isEmpty {
                for item in planned where item.relatedTo == nil && reworded.contains(item.activityID) {
                    plannedTimes[item.id] = (item.date, item.start)
                }
            }
            var staying: [(index: Int, item: ScheduledItem)] = []
            mine.withUnsafeBufferPointer { mine in
                planned.withUnsafeBufferPointer { planned in
                    for index in planned.indices {
                        guard let position = before[planned[index].uid], mine[position].status == .scheduled,
                            mine[position].item.date > asOf
                        else { continue }
                        let related = planned[index].relatedTo
                        let main = related.flatMap { positionsByID[$0] } ?? position
                        let date = mine[position].item.date
                        guard kept[main], date == planned[index].date || related != nil else { continue }
                        let fits =
                            planned[index].adminOnly
                            ? year.closures[date] == nil
                            : lost(date, in: year, drill: planned[index].kind.isDrill) == nil
                        guard fits && mine[position].item != planned[index] else { continue }
                        var stays = mine[position].item
                        if let (day, start) = plannedTimes[mine[main].item.id], day == mine[main].item.date,
                            start == mine[main].item.start
                        {
                            stays.title = planned[index].title
                            stays.description = planned[index].description
                            stays.owner = planned[index].owner
                            stays.source = planned[index].source
                            if stays != mine[position].item {
                                reasons[stays.uid] = "the wording of \(stays.activityID) changed in the plan"
                            }
                        }
                        staying.append((index, stays))
                    }
                }
            }
            for (index, item) in staying { planned[index] = item }
        }
        var result = Replan.diff(published: mine, positions: before, planned: planned, asOf: asOf) { _, date in
            year.map { !$0.isSchoolDay(date) } ?? false
        }
        for (from, to) in result.moved where reasons[to.item.uid] == nil {
            reasons[to.item.uid] =
                year.flatMap { lost(from.item.date, in: $0, drill: from.item.kind.isDrill) }
                ?? to.item.relatedTo.map { "follows \($0)" }
                ?? "placed again"
        }
        for cancelled in result.cancelled where reasons[cancelled.item.uid] == nil {
            reasons[cancelled.item.uid] =
                cancelled.item.relatedTo.map { "follows \($0)" }
                ?? (droppable.contains(cancelled.item.uid)
                    ? "no longer needed: the drills held and planned meet every rule it counted for"
                    : "no longer in the plan")
        }
        result.reasons = reasons
        result.skipped = skipped
        return SchoolReplan(result: result)
    }

    /// Why an unannounced future item can no longer stay on `date`, if it cannot.
    static func lost(_ date: CalendarDate, in year: SchoolYear, drill: Bool) -> String? {
        if let closure = year.closures[date] { return "closure added: \(closure)" }
        if year.staffOnly.contains(date) { return "now a staff-only day" }
        if year.isTesting(date) { return "now in a testing window" }
        if !year.isSchoolDay(date) { return "no longer a school day" }
        if drill && year.isEarlyRelease(date) { return "now an early-release day" }
        return nil
    }

    /// The database beside the plan unless `--db` or DRILLBOOK_DB says otherwise.
    public static func databasePath(planFile: String, explicit: String?) -> String {
        if let explicit { return explicit }
        // Set but empty is unset, as a shell's `VAR= command` means it.
        if let environment = ProcessInfo.processInfo.environment["DRILLBOOK_DB"], !environment.isEmpty {
            return environment
        }
        let folder = (planFile as NSString).deletingLastPathComponent
        return folder.isEmpty ? "drillbook.sqlite" : "\(folder)/drillbook.sqlite"
    }

    /// What was published for the plan's year.
    /// With `onEveryCore` false, a large year is read on one core (the caller has other work for the rest).
    public static func published(_ loaded: LoadedPlan, store: any ScheduleStore, onEveryCore: Bool = true)
        throws(DrillbookError) -> [TrackedItem]
    {
        do { return try store.items(year: loaded.plan.year, onEveryCore: onEveryCore) } catch {
            throw .store(error.description)
        }
    }

    /// What was published for the plan's year, by school id, each school's items in time order: for
    /// a command that goes school by school (the year is not put in time order as a whole).
    public static func publishedBySchool(_ loaded: LoadedPlan, store: any ScheduleStore, onEveryCore: Bool = true)
        throws(DrillbookError) -> [String: [TrackedItem]]
    {
        do { return try store.itemsBySchool(year: loaded.plan.year, onEveryCore: onEveryCore) } catch {
            throw .store(error.description)
        }
    }

    /// Opens the store, as a Drillbook error (`serving`: for `drillbook serve`, see
    /// `SQLiteScheduleStore.init(path:serving:)`).
    public static func openStore(_ path: String, serving: Bool = false) throws(DrillbookError) -> SQLiteScheduleStore {
        do { return try SQLiteScheduleStore(path: path, serving: serving) } catch { throw .store(error.description) }
    }
}
