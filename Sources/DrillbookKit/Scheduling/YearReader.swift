import Dates
import Foundation
import ICalendar
import Planning

/// Turns a district calendar (.ics) into a `SchoolYear` through the plan's `calendar_mapping`.
enum YearReader {
    /// The year, the calendar's tolerated faults, and a notice when a calendar named by its address
    /// was read from an older copy (`RemoteCalendar`).
    static func schoolYear(plan: Plan, calendar path: String) throws(DrillbookError) -> (
        SchoolYear, [CalendarProblem], String?
    ) {
        let inspection: CalendarInspection
        var notice: String?
        if RemoteCalendar.isAddress(path) {
            let copy: (path: String, notice: String?)
            let folder = (plan.file as NSString).deletingLastPathComponent
            do { copy = try RemoteCalendar.copy(of: path, folder: folder) } catch {
                throw .calendar(.unreadable(error))
            }
            notice = copy.notice
            do { inspection = try CalendarFiles.load(path: copy.path, name: path) } catch { throw .calendar(error) }
        } else {
            do { inspection = try CalendarFiles.load(path: path) } catch { throw .calendar(error) }
        }
        guard let name = SchoolYearName(plan.year) else { throw .usage("bad year \(plan.year)") }
        let windowStart = name.days.lowerBound
        let windowEnd = name.days.upperBound.adding(days: 1)
        let occurrences: [Occurrence]
        do {
            // In the district's zone: a closure a calendar gives in UTC falls on the school's own date.
            occurrences = try RecurrenceExpander(
                from: WallTime(date: windowStart), before: WallTime(date: windowEnd), zone: plan.district.timeZone
            ).expand(inspection.document)
        } catch {
            throw .usage("\(path): \(error)")
        }
        let events = Dictionary(
            inspection.document.events.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        func matching(_ matchers: [String]) -> [Occurrence] {
            let compiled = matchers.compactMap(EventMatcher.init)
            return occurrences.filter { occurrence in
                guard let event = events[occurrence.uid] else { return false }
                var shown = event
                shown.summary = occurrence.summary
                return compiled.contains { $0.matches(shown) }
            }
        }
        func days(_ occurrence: Occurrence) -> [CalendarDate] {
            let first = occurrence.start.wallTime.date
            var last = occurrence.end.wallTime.date
            if occurrence.end.isAllDay || (occurrence.end.wallTime.hour == 0 && occurrence.end.wallTime.minute == 0) {
                last = last.adding(days: -1)
            }
            return (0...max(0, last.dayNumber - first.dayNumber)).map { first.adding(days: $0) }
        }
        func term(_ occurrence: Occurrence, _ name: String) -> Term {
            let span = days(occurrence)
            return Term(name: name, first: span.first!, last: span.last!)
        }
        func missing(_ field: String, _ matchers: [String]) -> DrillbookError {
            .plan(
                PlanError(
                    file: plan.file, line: 0, field: "calendar_mapping.\(field)",
                    message: "no event in \(path) matches \(matchers.joined(separator: " or ")) between \(windowStart) "
                        + "and \(windowEnd.adding(days: -1)); name the event the calendar uses"))
        }
        guard let first = matching(plan.calendarMapping.firstDay).map({ $0.start.wallTime.date }).min() else {
            throw missing("first_day", plan.calendarMapping.firstDay)
        }
        guard let last = matching(plan.calendarMapping.lastDay).map({ $0.start.wallTime.date }).max(), last > first
        else {
            throw missing("last_day", plan.calendarMapping.lastDay)
        }
        let staffOnly = matching(plan.calendarMapping.staffOnly)
        let staffUIDs = Set(staffOnly.map { "\($0.uid)|\($0.start)" })
        let closures = matching(plan.calendarMapping.closure).filter { !staffUIDs.contains("\($0.uid)|\($0.start)") }
            .flatMap { occurrence in days(occurrence).map { SchoolClosure(date: $0, reason: occurrence.summary) } }
        let year = SchoolYear(
            name: plan.year, first: first, last: last,
            semesters: matching(plan.calendarMapping.semester).enumerated().map {
                term($0.element, "Semester \($0.offset + 1)")
            },
            quarters: matching(plan.calendarMapping.quarter).enumerated().map {
                term($0.element, "Quarter \($0.offset + 1)")
            },
            closures: closures, staffOnly: Set(staffOnly.flatMap(days)),
            testing: matching(plan.calendarMapping.testing).map { term($0, $0.summary) },
            earlyRelease: Set(matching(plan.calendarMapping.earlyRelease).flatMap(days)))
        return (year, inspection.warnings, notice)
    }
}
