import Dates

/// Turning a chosen day into items: the time of day, the notices owed before, the review after.
extension Scheduler {
    func itemID(_ school: School, _ activity: String, _ slot: Int) -> String { "\(school.id)/\(activity)-\(slot)" }

    func uid(_ school: School, year: SchoolYear, _ activity: String, _ slot: Int, _ suffix: String = "") -> String {
        "\(districtID)/\(year.name)/\(school.id)/\(activity)/\(slot)\(suffix)@drillbook"
    }

    func makeItem(
        _ activity: Activity, slot: Int, day: CalendarDate, school: School, year: SchoolYear, state: inout Placement
    ) -> ScheduledItem {
        var context = activity.timeOfDay
        if context == .rotate {
            let turns: [TimeOfDay] = [.class, .passing, .lunch, .arrival, .dismissal]
            context = turns[(slot - 1 + stableHash("\(school.id)/\(activity.id)")) % turns.count]
        }
        let bells = school.bellSchedule
        let start: ClockTime?
        switch context {
        case .allDay: start = nil
        case .afterSchool: start = state.afterSchoolStart(on: day, minutes: activity.durationMinutes)
        case .passing where !bells.passing.isEmpty: start = bells.passing[(slot - 1) % bells.passing.count].start
        case .lunch where !bells.lunch.isEmpty:
            start = bells.lunch[(slot - 1) % bells.lunch.count].start.adding(minutes: 10)
        case .recess where !bells.recess.isEmpty:
            start = bells.recess[(slot - 1) % bells.recess.count].start.adding(minutes: 5)
        case .arrival: start = bells.arrival.start
        case .dismissal: start = bells.dismissal.start
        default:
            // Class time: mid-morning on odd slots, mid-afternoon on even ones, on a five-minute mark.
            context = .class
            let morning = bells.day.start.adding(minutes: 75)
            let afternoon = (bells.lunch.last?.end ?? bells.day.start.adding(minutes: bells.day.minutes / 2)).adding(
                minutes: 40)
            var time =
                slot % 2 == 1 ? morning : min(afternoon, bells.day.end.adding(minutes: -activity.durationMinutes))
            time = ClockTime(minutes: time.minutes / 5 * 5)
            // Past a passing period, lunch or recess it would start in (13:15 in a 13:10-13:17
            // passing time), to the next five-minute mark: a class-time drill starts in class, as
            // `check` reads a record of it at that time.
            while let busy = (bells.passing + bells.lunch + bells.recess).first(where: {
                time >= $0.start && time < $0.end
            }) {
                let after = ClockTime(minutes: (busy.end.minutes + 4) / 5 * 5)
                guard after.adding(minutes: activity.durationMinutes) <= bells.day.end else { break }
                time = after
            }
            start = time
        }
        return ScheduledItem(
            id: itemID(school, activity.id, slot), uid: uid(school, year: year, activity.id, slot), schoolID: school.id,
            activityID: activity.id, slot: slot, kind: activity.kind, title: activity.title,
            description: activity.description, date: day, start: start, durationMinutes: activity.durationMinutes,
            timeZone: school.timeZone, announced: activity.announced, owner: activity.owner,
            presence: activity.presence, timeContext: activity.kind.isDrill ? context : nil, source: activity.source)
    }

    /// Notices owed before an item and the after-action review that follows a drill, appended to
    /// `result` (a list of their own was each one copied into the school's and released).
    func appendFollowUps(
        of item: ScheduledItem, activity: Activity, school: School, year: SchoolYear, state: inout Placement,
        to result: inout [ScheduledItem]
    ) {
        let when = "\(item.date)" + (item.start.map { " at \($0)" } ?? "")
        func notice(_ suffix: String, daysBefore: Int, title: String, owner: String) {
            // Back to a weekday that is not a closure: a notice is an office's task.
            var day = item.date.adding(days: -daysBefore)
            while day.weekday == .saturday || day.weekday == .sunday || year.closures[day] != nil {
                day = day.adding(days: -1)
            }
            result.append(
                ScheduledItem(
                    id: itemID(school, "\(activity.id)-\(suffix)", item.slot),
                    uid: uid(school, year: year, activity.id, item.slot, "/\(suffix)"), schoolID: school.id,
                    activityID: activity.id, slot: item.slot, kind: .familyCommunication, title: title,
                    description: "Owed before \(item.id) (\(item.title), \(when)).", date: day, start: nil,
                    durationMinutes: 0, timeZone: school.timeZone, announced: false, adminOnly: true, owner: owner,
                    relatedTo: item.id, source: activity.source))
        }
        if let days = activity.notice.familiesDays {
            notice(
                "families-notice", daysBefore: days, title: "Notify families: \(item.title) on \(when)",
                owner: "communications")
        }
        if let hours = activity.notice.respondersHours {
            notice(
                "responders-notice", daysBefore: (hours + 23) / 24,
                title: "Notify responders (police, fire): \(item.title) on \(when)", owner: activity.owner)
        }
        if activity.review {
            let day = state.schoolDay(2, after: item.date) ?? item.date
            result.append(
                ScheduledItem(
                    id: itemID(school, "\(activity.id)-review", item.slot),
                    uid: uid(school, year: year, activity.id, item.slot, "/review"), schoolID: school.id,
                    activityID: activity.id, slot: item.slot, kind: .afterActionReview,
                    title: "After-action review: \(item.title)",
                    description: "What went well, what to improve, and the drill log for \(item.id) (\(when)).",
                    date: day, start: state.afterSchoolStart(on: day, minutes: 30), durationMinutes: 30,
                    timeZone: school.timeZone, announced: item.announced, owner: "safety_coordinator",
                    relatedTo: item.id, source: activity.source))
        }
    }
}
