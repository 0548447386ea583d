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
}

/// The planning use cases: read the plan and calendars, place the year, store what changed.
public enum Planner {
    /// Reads the plan, its templates, rule sets and every calendar it names.
    public static func load(planFile: String, resources: Resources) throws(DrillbookError) -> LoadedPlan {
        let plan: Plan
        do { plan = try PlanReader(resources: resources).read(file: planFile) } catch { throw .plan(error) }
        var byCalendar: [String: SchoolYear] = [:]
        var years: [String: SchoolYear] = [:]
        var warnings: [CalendarProblem] = []
        for planned in plan.schools {
            if byCalendar[planned.calendar] == nil {
                let (year, problems) = try YearReader.schoolYear(plan: plan, calendar: planned.calendar)
                byCalendar[planned.calendar] = year
                warnings += problems
            }
            years[planned.school.id] = byCalendar[planned.calendar]
        }
        return LoadedPlan(plan: plan, years: years, warnings: warnings)
    }

    /// Every school's items, in school order; all constraints that fail are reported together.
    /// `fixed` occurrences keep their days.
    public static func schedule(_ loaded: LoadedPlan, fixed: [FixedOccurrence] = []) throws(DrillbookError)
        -> [ScheduledItem]
    {
        let scheduler = Scheduler(
            districtID: loaded.plan.district.id, activities: loaded.plan.activities,
            rules: loaded.plan.rules)
        let bySchool = Dictionary(grouping: fixed, by: \.schoolID)
        var items: [ScheduledItem] = []
        var errors: [SchedulingError] = []
        for planned in loaded.plan.schools {
            do {
                items += try scheduler.schedule(
                    planned.school, year: loaded.years[planned.school.id]!, fixed: bySchool[planned.school.id] ?? [])
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { throw .scheduling(errors) }
        return items
    }

    /// Places the year, compares it with what was published, and stores the changes in one
    /// transaction; a plan that cannot be met writes nothing.
    public static func run(_ loaded: LoadedPlan, store: ScheduleStore, asOf: CalendarDate, actor: String? = nil)
        throws(DrillbookError)
        -> ReplanResult
    {
        let published = try self.published(loaded, store: store)
        // What may no longer move (past or announced, and not lost to a closure) keeps its day.
        let fixed = published.filter { tracked in
            let item = tracked.item
            return tracked.status == .scheduled && item.relatedTo == nil && !item.id.hasSuffix("-makeup")
                && (item.date <= asOf || tracked.isAnnounced(by: asOf))
                && (loaded.years[item.schoolID]?.isSchoolDay(item.date) ?? false)
        }.map {
            FixedOccurrence(
                schoolID: $0.item.schoolID, activityID: $0.item.activityID, slot: $0.item.slot, date: $0.item.date,
                timeContext: $0.item.timeContext, presence: $0.item.presence)
        }
        let planned = try schedule(loaded, fixed: fixed)
        do {
            let result = Replan.diff(published: published, planned: planned, asOf: asOf) { school, date in
                loaded.years[school].map { !$0.isSchoolDay(date) } ?? false
            }
            if !result.isEmpty {
                try store.apply(
                    result, year: loaded.plan.year, asOf: asOf, audit: Actor.context(actor, asOf: asOf.description))
            }
            return result
        } catch {
            throw .store(error.description)
        }
    }

    /// The database beside the plan unless `--db` or DRILLBOOK_DB says otherwise.
    public static func databasePath(planFile: String, explicit: String?) -> String {
        if let explicit { return explicit }
        if let environment = ProcessInfo.processInfo.environment["DRILLBOOK_DB"] { return environment }
        let folder = (planFile as NSString).deletingLastPathComponent
        return folder.isEmpty ? "drillbook.sqlite" : "\(folder)/drillbook.sqlite"
    }

    /// What was published for the plan's year.
    public static func published(_ loaded: LoadedPlan, store: ScheduleStore) throws(DrillbookError) -> [TrackedItem] {
        do { return try store.items(year: loaded.plan.year) } catch { throw .store(error.description) }
    }

    /// Opens the store, as a Drillbook error.
    public static func openStore(_ path: String) throws(DrillbookError) -> ScheduleStore {
        do { return try ScheduleStore(path: path) } catch { throw .store(error.description) }
    }
}
