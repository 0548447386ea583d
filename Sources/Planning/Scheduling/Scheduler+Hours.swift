import Dates

/// Drills at different clock hours, where a rule asks for them (MT: eight disaster drills "at
/// different hours of the day or evening").
extension Scheduler {
    /// New starts for drill items, by day, so that each rule with `distinct_hours` has its
    /// counted drills in as many clock hours as it asks drills. Drills keep their start while it
    /// brings a new hour (or the rule has its hours); a drill that repeats an hour before that
    /// moves to the first hour of the school day not used yet where it still meets every rule it
    /// counted for, preferring the time of day it had. Records of held drills (`held`) use their
    /// hours first. A school day with fewer hours than asked keeps what it can; `check` names
    /// the rest (the law allows evening drills, which the scheduler does not place).
    func hourStarts(
        _ items: [ScheduledItem], held: [PlannedDrill], model: RequirementModel, school: School
    ) -> [CalendarDate: (start: ClockTime, context: TimeOfDay)] {
        let bells = school.bellSchedule
        let opens = min(bells.arrival.start, bells.day.start)
        let closes = max(bells.dismissal.end, bells.day.end)
        var drills = items.filter { $0.kind.isDrill && $0.relatedTo == nil }.sorted {
            ($0.date, $0.start ?? ClockTime(minutes: 0), $0.id) < ($1.date, $1.start ?? ClockTime(minutes: 0), $1.id)
        }
        func event(_ item: ScheduledItem) -> DrillEvent? {
            guard case .drill(let type) = item.kind else { return nil }
            return DrillEvent(
                type: type, date: item.date, context: item.timeContext,
                presence: Set(item.presence.compactMap(PresenceRole.init(rawValue:))),
                hour: item.start.map { $0.minutes / 60 })
        }
        var result: [CalendarDate: (start: ClockTime, context: TimeOfDay)] = [:]
        for entry in model.entries.indices where model.entries[entry].rule.condition.distinctHours {
            let asked = model.asked(entry)
            var used = Set(
                held.compactMap { drill -> Int? in
                    guard let hour = drill.hour else { return nil }
                    let event = DrillEvent(
                        type: drill.type, date: drill.date, context: drill.context, presence: drill.presence,
                        state: .held)
                    return model.mayCount(entry, event) ? hour : nil
                })
            for position in drills.indices {
                guard let before = event(drills[position]), model.mayCount(entry, before),
                    let start = drills[position].start
                else { continue }
                let hour = start.minutes / 60
                if !used.contains(hour) || used.count >= asked {
                    used.insert(hour)
                    continue
                }
                // Every rule it counted for must still take it at the new time.
                let rules = model.entries.indices.filter { model.mayCount($0, before) }
                var chosen: (start: ClockTime, context: TimeOfDay)?
                for newHour in (opens.minutes / 60)...(closes.minutes / 60) where !used.contains(newHour) {
                    for minute in stride(from: 0, to: 60, by: 5) {
                        let time = ClockTime(hour: newHour, minute: minute)
                        guard time >= opens, time.adding(minutes: drills[position].durationMinutes) <= closes,
                            let context = bells.context(at: time),
                            rules.allSatisfy({
                                model.meetsCondition($0, type: before.type, context: context, presence: before.presence)
                            })
                        else { continue }
                        if chosen == nil || (context == before.context && chosen!.context != before.context) {
                            chosen = (time, context)
                        }
                    }
                    if chosen != nil { break }
                }
                guard let chosen else { continue }
                drills[position].start = chosen.start
                drills[position].timeContext = chosen.context
                result[drills[position].date] = chosen
                used.insert(chosen.start.minutes / 60)
            }
        }
        return result
    }
}
