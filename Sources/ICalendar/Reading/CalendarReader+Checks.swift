internal import CLibical
import Dates

/// What libical accepts but a calendar client would misread.
extension ReaderWalk {
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// A DATE or DATE-TIME property's value, after checking that the day exists, that VALUE=DATE
    /// carries no time, and that its TZID names a zone.
    mutating func checkedTime(_ property: OpaquePointer, name: String, line: Int, raw: ContentLine?) -> EventTime? {
        let time: icaltimetype
        if icalproperty_isa(property) == ICAL_RDATE_PROPERTY {
            let value = icalproperty_get_rdate(property)
            time = icaltime_is_null_time(value.time) != 0 ? value.period.start : value.time
        } else if let value = icalproperty_get_value(property) {
            time = icalvalue_get_datetime(value)
        } else {
            return nil
        }
        let wall = Libical.wallTime(time)
        guard wall.isValid else {
            let date = wall.date
            if date.isValid || !(1...12).contains(date.month) {
                report(line, .value, "\(name) \(wall) is not a valid date and time")
            } else {
                let month = Self.monthNames[date.month - 1]
                let days = CalendarDate.daysIn(month: date.month, year: date.year)
                report(line, .value, "\(name) \(date) does not exist (\(month) \(date.year) has \(days) days)")
            }
            return nil
        }
        if let raw {
            let (parameters, value) = (raw.parameters, raw.value)
            let declaresDate = parameters.uppercased().split(separator: ";").contains("VALUE=DATE")
            if declaresDate && value.contains("T") {
                report(
                    line, .value,
                    "\(name) has VALUE=DATE but \"\(value)\" has a time; write \(value.prefix(8)) or drop VALUE=DATE")
                return nil
            }
        }
        let tzid = Libical.tzid(property)
        if let tzid, !zones.isDefined(tzid), reportedZones.insert(tzid).inserted {
            let known = CalendarZones.builtin(tzid) != nil
            report(
                line, known ? .undefinedKnownZone : .timeZone,
                "TZID \"\(tzid)\" has no VTIMEZONE in this file"
                    + (known ? "" : " and is not a known time zone (expected an Olson name such as America/Chicago)"))
        }
        if let tzid, !zones.isDefined(tzid), CalendarZones.builtin(tzid) == nil { return nil }
        return Libical.eventTime(time, tzid: tzid)
    }

    /// An RRULE read by our parser (which names the bad part); libical must accept it too.
    mutating func checkedRule(_ text: String?, line: Int, libicalRejected: OpaquePointer? = nil) -> RecurrenceRule? {
        guard var text else { return nil }
        // Google writes a trailing ";" (FREQ=WEEKLY;BYDAY=MO;), and some tools a doubled one: an empty
        // part means nothing, so it is read without it (and said once).
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        if parts.contains(where: \.isEmpty) {
            text = parts.filter { !$0.isEmpty }.joined(separator: ";")
            report(line, .repaired, "RRULE has an empty part (a trailing or doubled \";\"); read without it")
            guard !text.isEmpty else { return nil }
        }
        do {
            let rule = try RecurrenceRule(parsing: text)
            if let libicalRejected {
                reportLibicalError(libicalRejected, line: line)
                return nil
            }
            return rule
        } catch {
            report(line, .recurrence, error.description)
            return nil
        }
    }

    /// DTEND after DTSTART, both of one kind; an all-day DTEND is exclusive.
    mutating func checkSpan(_ event: inout Event, endLine: Int) {
        guard let end = event.end else { return }
        if event.start.isAllDay != end.isAllDay {
            report(
                endLine, .dates,
                "DTEND is \(end.isAllDay ? "a date" : "a date-time") but DTSTART is \(event.start.isAllDay ? "a date" : "a date-time"); they must match"
            )
            return
        }
        if event.start.isAllDay {
            if end.wallTime.date <= event.start.wallTime.date {
                let next = event.start.wallTime.date.adding(days: 1)
                let message =
                    "all-day DTEND \(end) is not after DTSTART \(event.start); DTEND is exclusive (a one-day event ends \(next))"
                if end.wallTime.date == event.start.wallTime.date {
                    // Outlook writes a one-day event so: read as the one day it means.
                    report(endLine, .repaired, message + "; read as one day")
                    event.end = .date(next)
                } else {
                    report(endLine, .dates, message)
                }
            }
        } else if zones.instant(end) < zones.instant(event.start) {
            report(endLine, .dates, "DTEND \(end) is before DTSTART \(event.start)")
        }
    }

    /// libical's own complaint, reworded where it quotes its internals.
    mutating func reportLibicalError(_ property: OpaquePointer, line: Int) {
        // The scanner has already said what is wrong with a line it could not read as a property.
        let scanned: Set<CalendarProblem.Kind> = [.syntax, .fold, .encoding, .structure]
        if problems.contains(where: { $0.line == line && scanned.contains($0.kind) }) { return }
        let message = Libical.string(icalproperty_get_xlicerror(property)) ?? "libical reported an error"
        if let name = Libical.emptyValueProperty(message) {
            // RFC 5545 lets a TEXT value be empty (Google writes LOCATION: and DESCRIPTION:); libical
            // drops such a property, which loses nothing. Any other empty value is a fault.
            if !Libical.textProperties.contains(name) && !name.hasPrefix("X-") {
                report(line, .value, "\(name) has no value")
            }
            return
        }
        // RFC 9253 gives RELATED-TO a VALUE of UID or URI, which libical 3.0.16 does not know yet.
        if message.hasPrefix("Invalid VALUE type for property RELATED-TO") { return }
        if message.hasPrefix("Got a data line, but could not find a property name") {
            report(line, .syntax, "line is not a property (expected NAME:value)")
        } else {
            report(line, .value, message)
        }
    }
}
