internal import CLibical
import Dates

/// What libical accepts but a calendar client would misread.
extension ReaderWalk {
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// Whether a libical time names a day that exists and a time of day that does; reported at
    /// `line` when not (libical keeps `20270230` as February 30th, which every client reads
    /// differently).
    mutating func exists(
        _ time: icaltimetype, name: String, line: Int, kind: CalendarProblem.Kind = .value
    ) -> Bool {
        let wall = Libical.wallTime(time)
        guard !wall.isValid else { return true }
        let date = wall.date
        if !(1...9999).contains(date.year) {
            report(line, kind, "\(name) \(wall) is not a valid date and time (years run from 0001 to 9999)")
        } else if date.isValid || !(1...12).contains(date.month) {
            report(line, kind, "\(name) \(wall) is not a valid date and time")
        } else {
            let month = Self.monthNames[date.month - 1]
            let days = CalendarDate.daysIn(month: date.month, year: date.year)
            report(line, kind, "\(name) \(date) does not exist (\(month) \(date.year) has \(days) days)")
        }
        return false
    }

    /// Checks that every date and date-time of a property in a component no reading uses (a to-do's
    /// DUE, a journal's DTSTART, a free/busy PERIOD, an alarm's absolute TRIGGER) exists: `validate`
    /// calls a to-do list's February 30th a fault as it does an event's. In a VTIMEZONE (an
    /// observance's onset) it is reported as `kind` says: the zone is read as libical reads it.
    mutating func checkDatesExist(_ property: OpaquePointer, line: Int, kind: CalendarProblem.Kind = .value) {
        guard let value = icalproperty_get_value(property) else { return }
        let name = Libical.propertyName(property)
        var times: [icaltimetype] = []
        switch icalvalue_isa(value) {
        case ICAL_DATE_VALUE, ICAL_DATETIME_VALUE:
            times = [icalvalue_get_datetime(value)]
        case ICAL_DATETIMEPERIOD_VALUE:
            let rdate = icalvalue_get_datetimeperiod(value)
            times = [rdate.time, rdate.period.start, rdate.period.end]
        case ICAL_PERIOD_VALUE:
            let period = icalvalue_get_period(value)
            times = [period.start, period.end]
        case ICAL_TRIGGER_VALUE:
            times = [icalvalue_get_trigger(value).time]
        default:
            return
        }
        for time in times where icaltime_is_null_time(time) == 0 {
            if !exists(time, name: name, line: line, kind: kind) { return }
        }
    }

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
        guard exists(time, name: name, line: line) else { return nil }
        let wall = Libical.wallTime(time)
        if let raw {
            let (parameters, value) = (raw.parameters, raw.value)
            let declaresDate = Self.declaresDate(parameters)
            if declaresDate && value.contains("T") {
                report(
                    line, .value,
                    "\(name) has VALUE=DATE but \"\(value)\" has a time; write \(value.prefix(8)) or drop VALUE=DATE")
                return nil
            }
            // Google's early exports wrote holidays as `DTSTART;TZID=America/Los_Angeles:20040425`:
            // libical reads the date, as the all-day day it names.
            if !declaresDate && time.is_date != 0 && !value.contains("T") && !value.contains("/") {
                report(
                    line, .dateWithoutValueType,
                    "\(name) \"\(value)\" is a date, but without VALUE=DATE the value is a DATE-TIME; "
                        + "read as the all-day date \(wall.date)")
            }
        }
        let tzid = Libical.tzid(property)
        if let tzid, refusedZones.contains(tzid) { return nil }
        if let tzid, !zones.isDefined(tzid), CalendarZones.builtin(tzid) == nil, CalendarZones.isPlaceholder(tzid) {
            if reportedZones.insert(tzid).inserted {
                report(
                    line, .placeholderZone,
                    (tzid.isEmpty
                        ? "TZID is empty (Exchange's zone of no name)"
                        : "TZID \"\(tzid)\" is Exchange's name for a zone it did not write into the file (no VTIMEZONE)")
                        + "; its times are read as floating local times (in a district calendar, the school's own zone)"
                )
            }
            return Libical.eventTime(time, tzid: nil)
        }
        if let tzid, !zones.isDefined(tzid), reportedZones.insert(tzid).inserted {
            let known = CalendarZones.builtin(tzid) != nil
            let meaning = known ? CalendarZones.olsonName(tzid).map { "; read as \($0)" } ?? "" : ""
            report(
                line, known ? .undefinedKnownZone : .timeZone,
                "TZID \"\(tzid)\" has no VTIMEZONE in this file"
                    + (known ? meaning : " and is not a known time zone \(CalendarZones.expected)"))
        }
        if let tzid, !zones.isDefined(tzid), CalendarZones.builtin(tzid) == nil { return nil }
        if let tzid, time.is_date == 0, let onset = zones.onset(of: tzid, after: wall),
            reportedOnsets.insert(tzid).inserted
        {
            report(
                line, .beforeZoneOnset,
                "\(name) \(wall) is before the first observance of VTIMEZONE \"\(tzid)\" (\(onset)), which says "
                    + "nothing of it: read by tzdata's \(tzid), as are other such times")
        }
        return Libical.eventTime(time, tzid: tzid)
    }

    /// Whether a property's parameters (`;TZID=...;VALUE=DATE`) include VALUE=DATE, in any case:
    /// asked of every date and time, so the bytes are compared in place.
    static func declaresDate(_ parameters: Substring) -> Bool {
        let wanted: StaticString = "value=date"
        // Each parameter is compared as it is passed: where it starts, and whether it still matches.
        var position = 0
        var matching = true
        for byte in parameters.utf8 {
            if byte == UInt8(ascii: ";") {
                if matching && position == wanted.utf8CodeUnitCount { return true }
                position = 0
                matching = true
                continue
            }
            let lower = (65...90).contains(byte) ? byte + 32 : byte
            matching = matching && position < wanted.utf8CodeUnitCount && wanted.utf8Start[position] == lower
            position += 1
        }
        return matching && position == wanted.utf8CodeUnitCount
    }

    /// What an RDATE's value is, once checked.
    enum RecurrenceDateValue {
        /// One date or time.
        case single
        /// A PERIOD, with its end in the form of its start.
        case period(end: EventTime)
        /// A PERIOD that cannot be read (reported at its line): the property is not read.
        case refused
    }

    /// Whether an RDATE is one date or time or a PERIOD (given with an end or a duration), and the
    /// period's end in the form of its start.
    mutating func recurrenceDateValue(
        _ property: OpaquePointer, start: EventTime, line: Int, raw: Substring? = nil
    ) -> RecurrenceDateValue {
        let value = icalproperty_get_rdate(property)
        guard icaltime_is_null_time(value.time) != 0, icalperiodtype_is_null_period(value.period) == 0 else {
            return .single
        }
        // libical takes `19970101/19970102` as a period of dates, which RFC 5545 has no form for; read
        // as one, it stretched the event's own first occurrence over a day and validate said clean.
        if value.period.start.is_date != 0
            || (icaltime_is_null_time(value.period.end) == 0 && value.period.end.is_date != 0)
        {
            report(
                line, .value,
                "RDATE period \"\(raw ?? "")\" is given in dates; a PERIOD is a date-time and an end or a "
                    + "duration (expected e.g. 19970101T090000Z/PT2H, or RDATE;VALUE=DATE:19970101 for a whole day); "
                    + "the property is not read")
            return .refused
        }
        if icaltime_is_null_time(value.period.end) == 0 {
            guard exists(value.period.end, name: "RDATE period end", line: line) else { return .refused }
            let end = start.with(wallTime: Libical.wallTime(value.period.end))
            guard end.wallTime >= start.wallTime else {
                report(line, .dates, "RDATE period ends \(end) before it starts \(start)")
                return .refused
            }
            return .period(end: end)
        }
        let duration = value.period.duration
        let seconds =
            (Int(duration.weeks) * 7 + Int(duration.days)) * 86_400 + Int(duration.hours) * 3600
            + Int(duration.minutes) * 60 + Int(duration.seconds)
        // The text's own durations too: libical wraps P4294967297D to one day.
        let written = (raw ?? "").split(separator: ",").compactMap { item in
            item.firstIndex(of: "/").flatMap { DurationText.seconds(item[item.index(after: $0)...]) }
        }
        guard duration.is_neg == 0, seconds <= DurationText.tenYears,
            written.allSatisfy({ $0 <= DurationText.tenYears })
        else {
            report(line, .value, "RDATE period duration must be positive and at most ten years")
            return .refused
        }
        // An exact duration: added to the instant, so a period across a daylight-saving change keeps its length.
        if case .zoned(_, let tzid) = start, zones.zone(tzid) != nil {
            return .period(
                end: start.with(wallTime: zones.wallTime(atInstant: zones.instant(start) + seconds, in: tzid)))
        }
        return .period(end: start.with(wallTime: start.wallTime.adding(seconds: seconds)))
    }

    /// VTIMEZONEs whose STANDARD or DAYLIGHT rule libical would search for without end (a rule that
    /// never matches, or one finer than daily) or wrap (numbers past its fields): refused at the rule's line, after a bounded search,
    /// so no zone is built from them. Returns their TZIDs.
    mutating func checkZoneRules(_ calendar: OpaquePointer, scanned: ScannedComponent?) -> Set<String> {
        var refused = Set<String>()
        for (zone, zoneShape) in children(calendar, scanned: scanned)
        where icalcomponent_isa(zone) == ICAL_VTIMEZONE_COMPONENT {
            guard let property = icalcomponent_get_first_property(zone, ICAL_TZID_PROPERTY),
                let tzid = Libical.string(icalproperty_get_tzid(property))
            else { continue }
            for observance in zoneShape?.children ?? [] where ["STANDARD", "DAYLIGHT"].contains(observance.name) {
                guard let start = observance.properties.first(where: { $0.name == "DTSTART" }) else { continue }
                let onset = Libical.wallTime(icaltime_from_string(String(start.value)))
                for line in observance.properties where line.name == "RRULE" {
                    guard let rule = try? RecurrenceRule(parsing: String(line.value)), onset.isValid else { continue }
                    if let fault = Self.zoneRuleFault(rule, onset: onset) {
                        report(line.number, .timeZone, "VTIMEZONE \"\(tzid)\": RRULE \(line.value) \(fault)")
                        refused.insert(tzid)
                    }
                }
            }
        }
        return refused
    }

    /// Years searched for a zone rule's first change: a full cycle of weekdays and leap years.
    static let zoneRuleSearchYears = 28

    /// Why a time zone's rule cannot be used, or nil.
    static func zoneRuleFault(_ rule: RecurrenceRule, onset: WallTime) -> String? {
        if rule.frequency < .daily {
            return
                "recurs more often than daily; a time zone changes its offset a few times a year (expected FREQ=YEARLY)"
        }
        // libical's zone expansion wraps these into other numbers and would build a different zone.
        if rule.exceedsLibicalFields {
            return
                "has an INTERVAL above \(RecurrenceRule.libicalIntervalLimit) or a COUNT above \(RecurrenceRule.libicalCountLimit), which libical's time-zone expansion cannot hold (expected FREQ=YEARLY with a small or no INTERVAL)"
        }
        let horizon = WallTime(
            date: CalendarDate(year: min(onset.date.year + zoneRuleSearchYears, 9999), month: 12, day: 31))
        let search = ReferenceExpansion(rule: rule, start: onset, allDay: false)
        do {
            let found = try search.occurrences(through: horizon, limit: 1, deadline: .now + .milliseconds(250))
            return found.isEmpty ? "never matches a day (searched \(zoneRuleSearchYears) years from its DTSTART)" : nil
        } catch {
            return "matches no day found within a bounded search of \(zoneRuleSearchYears) years"
        }
    }

    /// Whether libical's parser takes the rule's text.
    static func libicalReads(_ text: String) -> Bool {
        drillbook_icalerrno_clear()
        let recurrence = icalrecurrencetype_from_string(text)
        return recurrence.freq != ICAL_NO_RECURRENCE && drillbook_icalerrno() == ICAL_NO_ERROR
    }

    /// An RRULE read by our parser (which names the bad part); libical must accept it too.
    mutating func checkedRule(_ text: String?, line: Int, libicalRejected: OpaquePointer? = nil) -> RecurrenceRule? {
        guard var text else { return nil }
        // Google writes a trailing ";" (FREQ=WEEKLY;BYDAY=MO;), and some tools a doubled one: an empty
        // part means nothing, so it is read without it (and said once).
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        if text.allSatisfy({ $0 == ";" || $0 == " " }) {
            report(line, .emptyRulePart, "RRULE is empty; the event is read as a single occurrence")
            return nil
        }
        if parts.contains(where: \.isEmpty) {
            text = parts.filter { !$0.isEmpty }.joined(separator: ";")
            report(line, .emptyRulePart, "RRULE has an empty part (a trailing or doubled \";\"); read without it")
            guard !text.isEmpty else { return nil }
        }
        // Exchange's CDO (and hand-made files) write a list with spaces after its commas
        // (BYDAY=MO, TU, WE); no part or value holds a space, so the rule is read without them.
        var rewritten = false
        if text.contains(" ") {
            text.removeAll { $0 == " " }
            rewritten = true
            report(line, .spacedRulePart, "RRULE has spaces between its values; read without them")
        }
        // RFC 5545 allows COUNT or UNTIL; exporters write both, and libical and python's dateutil
        // end the series at whichever comes first. Some write COUNT=-1 (or 0) for "no count" beside
        // the UNTIL (python recurring-ical-events' issue 128): such a count counts nothing.
        var named = text.split(separator: ";").map(String.init)
        let partName = { (part: String) in part.prefix { $0 != "=" }.uppercased() }
        let bothEnds =
            named.contains { partName($0) == "UNTIL" } && named.contains { partName($0) == "COUNT" }
        if bothEnds, let position = named.firstIndex(where: { partName($0) == "COUNT" }),
            let count = Int(named[position].drop { $0 != "=" }.dropFirst())
        {
            if count <= 0 {
                named.remove(at: position)
                text = named.joined(separator: ";")
                rewritten = true
                report(
                    line, .countWithUntil,
                    "RRULE has COUNT=\(count) beside UNTIL; a count of \(count) counts nothing: read as ending at UNTIL"
                )
            } else {
                // libical's parser refuses the pair; the rule is read here, and the expansion
                // applies COUNT and UNTIL itself.
                rewritten = true
                report(
                    line, .countWithUntil,
                    "RRULE has both COUNT and UNTIL; RFC 5545 allows one: read as ending at whichever comes first")
            }
        }
        do {
            let rule = try RecurrenceRule(parsing: text, endingAtFirst: bothEnds)
            // libical refused the text as written; the rule read without its spaces, or with both
            // its ends, is its own.
            if let libicalRejected, !rewritten {
                // libical refuses an INTERVAL or COUNT too large for its fields (INTERVAL=32768, COUNT=
                // 3000000000): when that is all it refuses, the rule read here stands (the expansion
                // applies COUNT itself, and sends such an INTERVAL to the reference expansion).
                guard rule.exceedsLibicalFields, Self.libicalReads(rule.withinLibicalFields.description) else {
                    reportLibicalError(libicalRejected, line: line)
                    return nil
                }
            }
            return rule
        } catch {
            report(line, .recurrence, error.description)
            return nil
        }
    }

    /// Why an RRULE's UNTIL is not of the kind RFC 5545 asks beside DTSTART (a date for an all-day
    /// series, UTC for one in a time zone, the same kind otherwise), with how it is read; nil when it is.
    /// The expansion reads a date as through the end of that day, as libical and the calendar clients
    /// do (python's dateutil stops at its midnight, dropping that day's occurrence).
    static func untilFault(_ until: EventTime?, start: EventTime) -> String? {
        guard let until else { return nil }
        let prefix = "RRULE UNTIL \(until) is "
        switch (until, start) {
        case (.date, .date), (.utc, .zoned), (.utc, .utc), (.floating, .floating): return nil
        case (.date(let date), _):
            return prefix + "a date but DTSTART is a date-time; RFC 5545 has UNTIL take DTSTART's kind: "
                + "read as through the end of \(date)"
        case (_, .date):
            return prefix + "a date-time but DTSTART is a date; RFC 5545 has UNTIL take DTSTART's kind: "
                + "read as through \(until.wallTime.date)"
        case (.floating, .zoned(_, let tzid)):
            return prefix + "a local time but DTSTART has a TZID; RFC 5545 has such an UNTIL in UTC (ending in Z): "
                + "read in \(tzid)"
        case (.floating, .utc):
            return prefix + "a local time but DTSTART is in UTC; RFC 5545 has UNTIL in UTC too: read as UTC"
        case (.utc, .floating):
            return prefix + "in UTC but DTSTART is a local time; RFC 5545 has UNTIL a local time too: read as "
                + "\(until.wallTime) local time"
        case (.zoned, _):
            return prefix + "given with a time zone, which RFC 5545 does not allow in UNTIL: read as its wall time"
        }
    }

    /// DTEND after DTSTART, both of one kind; an all-day DTEND is exclusive. A DURATION that ends
    /// past 9999-12-31 is refused: iCalendar writes four-digit years, so no file could hold that end.
    mutating func checkSpan(_ event: inout Event, endLine: Int) {
        if let duration = event.duration {
            let last = event.start.wallTime.date.dayNumber + duration.days + (duration.seconds + 86_399) / 86_400
            if last > Self.lastWritableDay {
                report(
                    endLine, .dates,
                    "DTSTART \(event.start) plus its DURATION ends after 9999-12-31, the last day iCalendar can write")
                event.duration = nil
            }
        }
        guard var end = event.end else { return }
        if event.start.isAllDay != end.isAllDay {
            // RFC 5545: DTEND takes DTSTART's kind. Exporters that mix them mean DTSTART's: an
            // all-day holiday "ending" at a UTC midnight (python recurring-ical-events' issue 201)
            // ends that day; a timed event "ending" on a date ends at its midnight in DTSTART's zone.
            let read: EventTime
            if event.start.isAllDay {
                let wall = end.wallTime
                let last = wall.date.adding(days: wall == WallTime(date: wall.date) ? 0 : 1)
                read = .date(max(last, event.start.wallTime.date.adding(days: 1)))
            } else {
                read = event.start.with(wallTime: WallTime(date: end.wallTime.date))
            }
            report(
                endLine, .mixedEndKind,
                "DTEND is \(end.isAllDay ? "a date" : "a date-time") but DTSTART is \(event.start.isAllDay ? "a date" : "a date-time"); RFC 5545 has them match: read as \(read)"
            )
            event.end = read
            end = read
        }
        if event.start.isAllDay {
            if end.wallTime.date <= event.start.wallTime.date {
                let next = event.start.wallTime.date.adding(days: 1)
                let message =
                    "all-day DTEND \(end) is not after DTSTART \(event.start); DTEND is exclusive (a one-day event ends \(next))"
                if end.wallTime.date == event.start.wallTime.date {
                    // Outlook writes a one-day event so: read as the one day it means.
                    report(endLine, .allDayEndEqual, message + "; read as one day")
                    event.end = .date(next)
                } else {
                    report(endLine, .dates, message)
                }
            }
        } else if zones.instant(end) < zones.instant(event.start) {
            // Start and end written the wrong way round (python recurring-ical-events' issues 132
            // and its end-before-start calendar): read as meant, which python does too. Not for a
            // series, whose DTSTART places every occurrence and names each one's RECURRENCE-ID.
            guard event.recurrences.isEmpty, event.recurrenceDates.isEmpty, event.recurrencePeriods.isEmpty else {
                report(endLine, .dates, "DTEND \(end) is before DTSTART \(event.start)")
                return
            }
            report(
                endLine, .swappedEnd,
                "DTEND \(end) is before DTSTART \(event.start); read the other way round, from \(end) to \(event.start)"
            )
            (event.start, event.end) = (end, event.start)
        }
    }

    /// 9999-12-31, as a day number.
    static let lastWritableDay = CalendarDate(year: 9999, month: 12, day: 31).dayNumber

    /// libical's own complaint, reworded where it quotes its internals.
    mutating func reportLibicalError(_ property: OpaquePointer, line: Int) {
        // The scanner has already said what is wrong with a line it could not read as a property.
        let scanned: Set<CalendarProblem.Kind> = [.syntax, .fold, .encoding, .structure]
        if problems.contains(where: { $0.line == line && scanned.contains($0.kind) }) { return }
        let message = Libical.string(icalproperty_get_xlicerror(property)) ?? "libical reported an error"
        if let name = Libical.emptyValueProperty(message) {
            // RFC 5545 lets a TEXT value be empty (Google writes LOCATION: and DESCRIPTION:); libical
            // drops such a property, which loses nothing. Any other empty value is a fault.
            // libical names every X- property "X" in this message: Confluence writes `X-WR-CALDESC:`,
            // Google `X-GOOGLE-CALENDAR-CONTENT-TITLE:`, and an empty X- value is as legal as an empty TEXT.
            if Libical.textProperties.contains(name) || name == "X" || name.hasPrefix("X-") { return }
            if name == "TZID" {
                // Exchange 2010's VTIMEZONE for a zone it does not name (`TZID:`, offsets +0000): the
                // times that name it (`TZID=`) are read as local times, as a placeholder zone's are.
                report(
                    line, .placeholderZone,
                    "VTIMEZONE has an empty TZID (Exchange 2010's zone of no name): it defines no zone, and "
                        + "times given an empty TZID are read as floating local times")
            } else if name == "RDATE" || name == "EXDATE" {
                // A list of no dates adds or removes none: exporters write `EXDATE;VALUE=DATE:`.
                report(line, .emptyDateList, "\(name) has no value; read as no dates")
            } else if Libical.timingProperties.contains(name) {
                report(line, .value, "\(name) has no value")
            } else {
                // Thunderbird writes `CLASS:`; no event's time or meaning hangs on such a property.
                report(line, .coercedValue, "\(name) has no value; read without it")
            }
            return
        }
        // RFC 9253 gives RELATED-TO a VALUE of UID or URI, which libical 3.0.16 does not know yet.
        if message.hasPrefix("Invalid VALUE type for property RELATED-TO") { return }
        // A text property with a VALUE libical does not take: its text is read as it stands
        // (`ReaderWalk.textDespiteValueType`). RFC 5545 lets VALUE name an x-name or iana-token type a
        // reader keeps uninterpreted (allenporter/ical's `VALUE=X-CUSTOM-TYPE`); a known type of another
        // kind, or a quoted string (Proton Calendar's `SUMMARY;VALUE="IBE150 ..."`), breaks it.
        if let (name, type) = Libical.invalidValueType(message), Libical.textProperties.contains(name) {
            let upper = type.uppercased()
            if Libical.isToken(upper) && !Libical.valueTypes.contains(upper) { return }
            report(
                line, .coercedValue,
                "\(name) has VALUE=\(type); its value is TEXT (or a type named by a token, kept as it is): read as text"
            )
            return
        }
        // A property libical 3.0.16 does not know: registered ones (RFC 7986, 9073, 9074, 9253) are
        // iCalendar; any other well-formed name is one RFC 5545 tells readers to ignore.
        if message.hasPrefix("Parse error in property name: ") {
            let name = String(message.dropFirst(30)).uppercased()
            let token =
                !name.isEmpty
                && name.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) }
            if token {
                if !Libical.registeredProperties.contains(name) {
                    report(
                        line, .unknownProperty,
                        "property \(name) is neither registered with IANA nor an X- name; ignored")
                }
                return
            }
            // A name that is no token is a line the scanner has already called no property.
            if problems.contains(where: { $0.kind == .syntax && $0.message.contains(name) }) { return }
        }
        if message.hasPrefix("Got a data line, but could not find a property name") {
            // The scanner has named it already when it starts as a property nothing hangs on.
            if problems.contains(where: { $0.kind == .valuelessProperty && $0.line == line }) { return }
            report(line, .syntax, "line is not a property (expected NAME:value)")
        } else if message.hasPrefix("Can't parse as "), message.contains(" value in X property") {
            // An X- property whose VALUE libical cannot read (`X-MAYBE;VALUE=BOOLEAN:MAYBE`, in
            // ical.js's tests): RFC 5545 lets readers ignore X- properties, and no event hangs on one.
            // libical names every X- property "X" here: "X \"MAYBE\" is not a BOOLEAN value; ...".
            report(line, .coercedValue, "an X- property's" + Libical.inOwnWords(message).dropFirst(1))
        } else if let name = Libical.unreadableValueProperty(message), Libical.informationalProperties.contains(name) {
            // A value no event's day, time or identity hangs on (SOGo writes `GEO:12.34567\;12.34567`,
            // its semicolon escaped as in a text): read without the property.
            report(line, .coercedValue, Libical.inOwnWords(message))
        } else {
            report(line, .value, Libical.inOwnWords(message))
        }
    }
}
