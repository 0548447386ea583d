internal import CLibical
import Dates

/// Building the document from libical's tree, checking each part on the way.
extension ReaderWalk {
    mutating func readCalendar(_ calendar: OpaquePointer, scanned: ScannedComponent?) {
        let begin = scanned?.beginLine ?? 1
        let firstEvent = document.events.count
        var wrTimeZone: (String, Int)?
        var names = Set<String>()
        for (property, line) in propertyLines(calendar, scanned: scanned) {
            let name = Libical.propertyName(property)
            names.insert(name)
            if name == "METHOD" {
                let method = Libical.valueText(property).uppercased()
                messageMethod = ["REPLY", "CANCEL", "REFRESH", "DECLINECOUNTER"].contains(method) ? method : nil
            }
            switch name {
            case "VERSION":
                let version = Libical.valueText(property)
                if version != "2.0" {
                    report(line, .value, "VERSION is \"\(version)\"; iCalendar files are VERSION:2.0")
                }
            case "PRODID" where document.productID.isEmpty: document.productID = Libical.valueText(property)
            case "METHOD" where document.method == nil: document.method = Libical.valueText(property)
            case "X-WR-CALNAME" where document.name == nil: document.name = Libical.valueText(property)
            case "X-WR-CALDESC" where document.description == nil: document.description = Libical.valueText(property)
            case "X-WR-TIMEZONE":
                wrTimeZone = (Libical.valueText(property), line)
                document.extraProperties.append(ExtraProperty(name: name, value: Libical.valueText(property)))
            case "PRODID", "METHOD", "X-WR-CALNAME", "X-WR-CALDESC": break
            case "X-LIC-ERROR": reportLibicalError(property, line: line)
            case "CALSCALE": break
            default: document.extraProperties.append(ExtraProperty(name: name, value: Libical.valueText(property)))
            }
        }
        for required in ["VERSION", "PRODID"] where !names.contains(required) {
            report(
                begin, .missingMetadata,
                "VCALENDAR has no \(required) (expected e.g. \(required == "VERSION" ? "VERSION:2.0" : "PRODID:-//District//Calendar//EN"))"
            )
        }
        for (child, shape) in children(calendar, scanned: scanned) { readChild(child, scanned: shape) }
        // A calendar read in slices: the other slices' components, each slice freed once read (its
        // zones were read with the first).
        if let slices {
            self.slices = nil
            for index in 1..<slices.count {
                guard let root = slices.take(index) else {
                    report(
                        slices.shape(index).children.last?.beginLine ?? begin, .syntax,
                        "libical could not parse this part")
                    continue
                }
                defer { slices.release(root) }
                for (child, shape) in children(root, scanned: slices.shape(index))
                where icalcomponent_isa(child) != ICAL_VTIMEZONE_COMPONENT {
                    readChild(child, scanned: shape)
                }
            }
        }
        if let (tzid, line) = wrTimeZone {
            applyWRTimeZone(tzid, line: line, to: firstEvent..<document.events.count)
        }
    }

    /// One component of a calendar: an event read, a zone kept, anything else checked.
    private mutating func readChild(_ child: OpaquePointer, scanned shape: ScannedComponent?) {
        switch icalcomponent_isa(child) {
        case ICAL_VEVENT_COMPONENT:
            if let event = readEvent(child, scanned: shape) { document.events.append(event) }
        case ICAL_VTIMEZONE_COMPONENT:
            checkErrors(in: child, scanned: shape)
            if let property = icalcomponent_get_first_property(child, ICAL_TZID_PROPERTY),
                let tzid = Libical.string(icalproperty_get_tzid(property)), !refusedZones.contains(tzid)
            {
                document.timeZoneDefinitions[tzid] = Libical.serialize(child)
            }
        default:
            checkErrors(in: child, scanned: shape)
        }
    }

    /// Google Calendar writes every time in UTC (or floating) and names the calendar's zone only in
    /// X-WR-TIMEZONE; its own expansion keeps the wall clock of that zone across daylight saving. So,
    /// as python's x-wr-timezone does, UTC times become the same instant in that zone and floating
    /// times that wall time in it; times with a TZID (a better zone) are left alone.
    mutating func applyWRTimeZone(_ tzid: String, line: Int, to range: Range<Int>) {
        guard zones.zone(tzid) != nil else {
            report(
                line, .timeZone,
                "X-WR-TIMEZONE \"\(tzid)\" is not a known time zone \(CalendarZones.expected)")
            return
        }
        let zones = self.zones
        func zoned(_ time: EventTime) -> EventTime {
            switch time {
            case .utc(let wall): .zoned(zones.wallTime(atInstant: wall.secondsSinceEpoch, in: tzid), tzid: tzid)
            case .floating(let wall): .zoned(wall, tzid: tzid)
            case .date, .zoned: time
            }
        }
        // An override of an all-day series names its day by a date-time's own date (Google wrote
        // `RECURRENCE-ID:20030425T000000Z` for Anzac Day): moved into the zone, it named the day before.
        let allDaySeries = Set(
            document.events[range].lazy.filter { $0.recurrenceID == nil && $0.start.isAllDay }.map(\.uid))
        var changed = 0
        for index in range {
            var event = document.events[index]
            let before = event
            event.start = zoned(event.start)
            event.end = event.end.map(zoned)
            if !allDaySeries.contains(event.uid) { event.recurrenceID = event.recurrenceID.map(zoned) }
            event.exceptionDates = event.exceptionDates.map(zoned)
            event.recurrenceDates = event.recurrenceDates.map(zoned)
            event.recurrencePeriods = event.recurrencePeriods.map {
                EventPeriod(start: zoned($0.start), end: zoned($0.end))
            }
            if event != before {
                changed += 1
                document.events[index] = event
            }
            // The override's line is found by its time: it moves with it (an all-day series'
            // date-time RECURRENCE-ID was reported at line 1).
            if let old = before.recurrenceID, let new = event.recurrenceID, old != new,
                let recurrenceLine = recurrenceIDLines.removeValue(forKey: event.uid + "\u{0}" + old.description)
            {
                recurrenceIDLines[event.uid + "\u{0}" + new.description] = recurrenceLine
            }
        }
        if changed > 0 {
            report(
                line, .wrTimeZone,
                "X-WR-TIMEZONE \(tzid): the UTC and floating times of \(changed) event\(changed == 1 ? "" : "s") read in that zone, as Google Calendar shows them"
            )
        }
    }

    /// Reports the X-LIC-ERRORs libical left in a component it does not otherwise read and the
    /// dates in it that do not exist, and reads the VEVENTs nested in it rather than lose them.
    mutating func checkErrors(in component: OpaquePointer, scanned: ScannedComponent?) {
        // An observance's onset on a day that does not exist (`DTSTART:19700230T020000`) was read as
        // libical normalizes it, and still is: a fault to `validate`, a warning where a file is used.
        let zone = [ICAL_VTIMEZONE_COMPONENT, ICAL_XSTANDARD_COMPONENT, ICAL_XDAYLIGHT_COMPONENT].contains(
            icalcomponent_isa(component))
        for (property, line) in propertyLines(component, scanned: scanned) {
            if icalproperty_isa(property) == ICAL_XLICERROR_PROPERTY {
                reportLibicalError(property, line: line)
            } else {
                checkDatesExist(property, line: line, kind: zone ? .coercedValue : .value)
            }
        }
        for (child, shape) in children(component, scanned: scanned) {
            if icalcomponent_isa(child) == ICAL_VEVENT_COMPONENT {
                readNested(child, scanned: shape, in: scanned)
            } else {
                checkErrors(in: child, scanned: shape)
            }
        }
    }

    /// A VEVENT inside another component, where RFC 5545 does not put one: its meaning is clear, so it
    /// is read as an event of its own, with a warning.
    mutating func readNested(_ component: OpaquePointer, scanned: ScannedComponent?, in parent: ScannedComponent?) {
        report(
            scanned?.beginLine ?? 1, .nestedEvent,
            "VEVENT nested inside \(parent?.name ?? "another component") of line \(parent?.beginLine ?? 1); read as an event of its own"
        )
        if let event = readEvent(component, scanned: scanned) { document.events.append(event) }
    }

    /// The dates of `20131210Z` or `20131210Z,20141210Z`, each a date that exists; nil for anything else.
    static func datesWithZ(_ value: Substring) -> [CalendarDate]? {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        var dates: [CalendarDate] = []
        for part in parts {
            guard part.utf8.count == 9, part.last == "Z", let date = CalendarDate(part.dropLast()) else { return nil }
            dates.append(date)
        }
        return dates.isEmpty ? nil : dates
    }

    /// Properties RFC 5545 allows once per VEVENT.
    static let singleEventProperties: Set<String> = [
        "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS",
        "SEQUENCE", "RECURRENCE-ID", "CLASS", "CREATED", "LAST-MODIFIED", "TRANSP", "PRIORITY",
    ]

    /// The text of a text property libical dropped for its VALUE parameter (`SUMMARY;VALUE=X-FOO:Fire
    /// drill`), read by libical as that property without the parameter; nil for any other error.
    static func textDespiteValueType(_ error: OpaquePointer, raw: ContentLine) -> String? {
        let message = Libical.string(icalproperty_get_xlicerror(error)) ?? ""
        guard let (name, _) = Libical.invalidValueType(message), name == raw.name.uppercased(),
            Libical.textProperties.contains(name),
            let property = icalproperty_new_from_string("\(name):\(raw.value)")
        else { return nil }
        defer { icalproperty_free(property) }
        return Libical.valueText(property)
    }

    mutating func readEvent(_ component: OpaquePointer, scanned: ScannedComponent?) -> Event? {
        let begin = scanned?.beginLine ?? 1
        var event = Event(uid: "", summary: "", start: .date(CalendarDate(year: 1970, month: 1, day: 1)))
        var lines: [String: Int] = [:]
        lines.reserveCapacity(16)  // an event's dozen names without growing the table as they come
        var hasStart = false
        // RDATE/EXDATE values libical refused that are dates with a Z: read once DTSTART says whether
        // the series is all-day.
        var datesWithZ: [(property: OpaquePointer, name: String, dates: [CalendarDate], line: Int)] = []
        let rawLines = scanned?.properties ?? []
        for (property, line) in propertyLines(component, scanned: scanned) {
            let name = Libical.propertyName(property)
            // Found only for the properties that read their raw text (a search and a copy per line).
            lazy var raw: ContentLine? = rawLines.first { $0.number == line }
            if let first = lines[name], Self.singleEventProperties.contains(name), first != line {
                // The same line again (libical's iTIP samples repeat a UID) means nothing new: read once.
                let earlier = rawLines.first { $0.number == first }
                if let earlier, let raw, earlier.parameters == raw.parameters, earlier.value == raw.value {
                    report(
                        line, .repeatedProperty,
                        "\(name) is given twice in one VEVENT, the same both times (first at line \(first)); read once")
                } else {
                    report(line, .value, "\(name) is given twice in one VEVENT (first at line \(first))")
                }
            }
            if lines[name] == nil { lines[name] = line }
            switch name {
            case "UID": event.uid = Libical.valueText(property)
            case "SUMMARY": event.summary = Libical.valueText(property)
            case "DESCRIPTION": event.description = Libical.valueText(property)
            case "LOCATION": event.location = Libical.valueText(property)
            case "CATEGORIES": event.categories.append(Libical.valueText(property))
            case "STATUS": event.status = Event.Status(rawValue: Libical.valueText(property).uppercased())
            case "SEQUENCE": event.sequence = Int(icalproperty_get_sequence(property))
            case "DTSTAMP":
                if let time = checkedTime(property, name: name, line: line, raw: raw) { event.stamp = time.wallTime }
            case "DTSTART":
                if let time = checkedTime(property, name: name, line: line, raw: raw) {
                    event.start = time
                    hasStart = true
                }
            case "DTEND": event.end = checkedTime(property, name: name, line: line, raw: raw)
            case "RECURRENCE-ID":
                event.recurrenceID = checkedTime(property, name: name, line: line, raw: raw)
                if let range = icalproperty_get_first_parameter(property, ICAL_RANGE_PARAMETER) {
                    if icalparameter_get_range(range) == ICAL_RANGE_THISANDFUTURE {
                        event.overridesFuture = true
                    } else {
                        report(
                            line, .rangeThisAndPrior,
                            "RECURRENCE-ID has RANGE=THISANDPRIOR, which RFC 5545 dropped; read as this occurrence only"
                        )
                    }
                }
            case "EXDATE":
                if let time = checkedTime(property, name: name, line: line, raw: raw) {
                    event.exceptionDates.append(time)
                }
            case "RDATE":
                guard let time = checkedTime(property, name: name, line: line, raw: raw) else { continue }
                switch recurrenceDateValue(property, start: time, line: line, raw: raw?.value) {
                case .single: event.recurrenceDates.append(time)
                case .period(let end): event.recurrencePeriods.append(EventPeriod(start: time, end: end))
                case .refused: continue
                }
            case "DURATION":
                // In Int, not libical's 32-bit fields: PT1193047H overflows them (and trapped).
                let value = icalproperty_get_duration(property)
                let sign = value.is_neg != 0 ? -1 : 1
                let days = Int(value.weeks) * 7 + Int(value.days)
                let seconds = Int(value.hours) * 3600 + Int(value.minutes) * 60 + Int(value.seconds)
                // Ten years is longer than any school event; past it the arithmetic of dates is not safe
                // either. Judged on the text's own digits too: libical wraps P4294967297D to one day.
                let written = raw.flatMap { DurationText.seconds($0.value) } ?? 0
                guard days + seconds / 86_400 <= 3_660, written <= DurationText.tenYears else {
                    report(line, .value, "DURATION \(raw.map { String($0.value) } ?? "") is longer than ten years")
                    continue
                }
                event.duration = EventDuration(days: sign * days, seconds: sign * seconds)
            case "RRULE":
                if let rule = checkedRule(raw.map { String($0.value) }, line: line) { event.recurrences.append(rule) }
            case "X-LIC-ERROR":
                if let raw, let text = Self.textDespiteValueType(property, raw: raw) {
                    switch raw.name {
                    case "SUMMARY": event.summary = text
                    case "DESCRIPTION": event.description = text
                    case "LOCATION": event.location = text
                    case "CATEGORIES": event.categories.append(text)
                    default: break
                    }
                    reportLibicalError(property, line: line)
                } else if let raw, raw.name == "RRULE" {
                    if let rule = checkedRule(String(raw.value), line: line, libicalRejected: property) {
                        event.recurrences.append(rule)
                    }
                } else if let raw, raw.name == "RDATE" || raw.name == "EXDATE", let dates = Self.datesWithZ(raw.value) {
                    datesWithZ.append((property, raw.name, dates, line))
                } else {
                    reportLibicalError(property, line: line)
                }
            default:
                if name.hasPrefix("X-") {
                    event.extraProperties.append(ExtraProperty(name: name, value: Libical.valueText(property)))
                }
            }
        }
        for (child, shape) in children(component, scanned: scanned) {
            if icalcomponent_isa(child) == ICAL_VALARM_COMPONENT {
                if let alarm = readAlarm(child, scanned: shape) { event.alarms.append(alarm) }
            } else if icalcomponent_isa(child) == ICAL_VEVENT_COMPONENT {
                readNested(child, scanned: shape, in: scanned)
            } else {
                checkErrors(in: child, scanned: shape)
            }
        }
        for written in datesWithZ {
            guard hasStart, case .date = event.start else {
                reportLibicalError(written.property, line: written.line)
                continue
            }
            if written.name == "RDATE" {
                event.recurrenceDates += written.dates.map(EventTime.date)
            } else {
                event.exceptionDates += written.dates.map(EventTime.date)
            }
            report(
                written.line, .dateWithZ,
                "\(written.name) of an all-day event gives a date with a Z (as Google's birthdays calendar does); read as the date"
            )
        }
        if event.recurrences.count > 1 {
            report(
                lines["RRULE"] ?? begin, .severalRules,
                "VEVENT has \(event.recurrences.count) RRULEs; RFC 5545 allows one: read as their union, as RFC 2445 did"
            )
        }
        if hasStart {
            for rule in event.recurrences {
                if let fault = Self.untilFault(rule.until, start: event.start) {
                    report(lines["RRULE"] ?? begin, .untilKind, fault)
                }
            }
        }
        for required in ["UID", "DTSTAMP", "DTSTART"] where lines[required] == nil {
            if required == "DTSTART", let method = messageMethod {
                report(
                    begin, .messageWithoutStart,
                    "VEVENT has no DTSTART, which METHOD:\(method) allows (RFC 5546: an answer about an event, "
                        + "not one); it places nothing on a calendar and is not read")
                continue
            }
            let essential = required == "DTSTART" || (required == "UID" && lines["RECURRENCE-ID"] != nil)
            report(begin, essential ? .missingProperty : .missingMetadata, "VEVENT has no \(required)")
        }
        if lines["DTEND"] != nil && lines["DURATION"] != nil {
            if event.duration == EventDuration() && event.end != nil {
                // Thunderbird writes DURATION:PT0S beside the DTEND of an occurrence it moved: the
                // DTEND is the event's end.
                event.duration = nil
                report(
                    lines["DURATION"]!, .zeroDurationBesideEnd,
                    "VEVENT has both DTEND and DURATION; RFC 5545 allows one or the other; DURATION:PT0S is read past")
            } else {
                report(
                    lines["DURATION"]!, .value, "VEVENT has both DTEND and DURATION; RFC 5545 allows one or the other")
            }
        }
        if hasStart { checkSpan(&event, endLine: lines["DTEND"] ?? lines["DURATION"] ?? begin) }
        if let recurrenceID = event.recurrenceID, let line = lines["RECURRENCE-ID"] {
            recurrenceIDLines[event.uid + "\u{0}" + recurrenceID.description] = line
        }
        // An answer with no time (a REPLY) names the event it answers: its UID is no copy of it.
        if !event.uid.isEmpty && (hasStart || messageMethod == nil) {
            let key = event.uid + "\u{0}" + (event.recurrenceID?.description ?? "")
            if let first = seenUIDs[key] {
                // A later copy of the same event (or of the same occurrence): CalDAV servers and
                // exporters keep an edit's history so. `supersede` reads the newest of them.
                report(
                    lines["UID"] ?? begin, .supersededCopy,
                    "UID \"\(event.uid)\" is used again (first at line \(first)); each event needs its own")
            } else {
                seenUIDs[key] = lines["UID"] ?? begin
            }
        }
        return hasStart ? event : nil
    }

    mutating func readAlarm(_ component: OpaquePointer, scanned: ScannedComponent?) -> Alarm? {
        var alarm = Alarm(triggerOffset: 0, description: "")
        var hasTrigger = false
        var hasAction = false
        for (property, line) in propertyLines(component, scanned: scanned) {
            switch icalproperty_isa(property) {
            case ICAL_TRIGGER_PROPERTY:
                let trigger = icalproperty_get_trigger(property)
                // Judged on the text's digits: libical wraps -PT4294967296S to no offset at all.
                let text = scanned?.properties.first { $0.number == line }?.value
                if let written = text.flatMap(DurationText.seconds), written > DurationText.tenYears {
                    report(
                        line, .alarm,
                        "TRIGGER \(text ?? "") is more than ten years from its event; the reminder is not read")
                    return nil
                }
                // An absolute TRIGGER on a day that does not exist is the reminder's fault, as above.
                let before = problems.count
                if icaltime_is_null_time(trigger.time) == 0, !exists(trigger.time, name: "TRIGGER", line: line) {
                    for index in before..<problems.count { problems[index].kind = .alarm }
                    return nil
                }
                hasTrigger = true
                if icaldurationtype_is_null_duration(trigger.duration) == 0 {
                    alarm.triggerOffset = Int(icaldurationtype_as_int(trigger.duration))
                }
            case ICAL_ACTION_PROPERTY: hasAction = true
            case ICAL_DESCRIPTION_PROPERTY: alarm.description = Libical.valueText(property)
            case ICAL_XLICERROR_PROPERTY:
                // A value libical could not read in a reminder (`TRIGGER;VALUE=TIME`) is the alarm's
                // fault: the event means the same without it.
                let before = problems.count
                reportLibicalError(property, line: line)
                for index in before..<problems.count where problems[index].kind == .value {
                    problems[index].kind = .alarm
                }
            default: break
            }
        }
        let begin = scanned?.beginLine ?? 1
        if !hasTrigger { report(begin, .alarm, "VALARM has no TRIGGER (expected e.g. TRIGGER:-PT15M)") }
        if !hasAction { report(begin, .alarm, "VALARM has no ACTION (expected e.g. ACTION:DISPLAY)") }
        return hasTrigger ? alarm : nil
    }
}
