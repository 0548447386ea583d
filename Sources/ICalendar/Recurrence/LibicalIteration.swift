internal import CLibical
import Dates

/// Runs libical's own recurrence iterator over a rule it is known to get right.
enum LibicalIteration {
    /// Times from DTSTART on, up to and including `horizon`, at most `limit` of them.
    ///
    /// COUNT and UNTIL are left to the caller (UNTIL is a UTC instant, the iterator walks wall time),
    /// so the rule handed over here never ends by itself: the horizon and limit bound it.
    static func occurrences(
        of rule: RecurrenceRule, start: WallTime, allDay: Bool, through horizon: WallTime, limit: Int
    )
        -> [WallTime]
    {
        var open = rule
        open.count = nil
        open.until = nil
        let recurrence = icalrecurrencetype_from_string(open.description)
        guard recurrence.freq != ICAL_NO_RECURRENCE,
            let iterator = icalrecur_iterator_new(recurrence, Libical.time(start, isDate: allDay))
        else { return [] }  // libical declines rules that can never occur (Feb 30)
        defer { icalrecur_iterator_free(iterator) }
        var result: [WallTime] = []
        while result.count < limit {
            let next = icalrecur_iterator_next(iterator)
            guard icaltime_is_null_time(next) == 0 else { break }
            let wall = Libical.wallTime(next)
            guard wall <= horizon else { break }
            if wall >= start { result.append(wall) }
        }
        return result
    }
}
