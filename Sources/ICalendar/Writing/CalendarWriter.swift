internal import CLibical
public import Dates

/// Why a calendar cannot be written.
public enum CalendarWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownTimeZone(String, uid: String)
    case invalidRecurrence(String, uid: String)
    /// An INTERVAL or COUNT libical cannot write (its fields are 16 and 32 bits): written, it would
    /// say another rule.
    case numberTooLarge(String, uid: String)
    /// A DURATION or alarm offset the reader would refuse (longer than ten years), or a DURATION
    /// whose days and seconds have different signs (RFC 5545 gives a whole duration one sign).
    case lengthNotWritable(String, uid: String)

    public var description: String {
        switch self {
        case .unknownTimeZone(let tzid, let uid):
            "event \(uid): time zone \"\(tzid)\" is unknown (expected an Olson name such as America/Chicago)"
        case .invalidRecurrence(let rule, let uid): "event \(uid): RRULE \"\(rule)\" is not valid"
        case .numberTooLarge(let rule, let uid):
            "event \(uid): RRULE \"\(rule)\" cannot be written: libical writes INTERVAL up to "
                + "\(RecurrenceRule.libicalIntervalLimit) and COUNT up to \(RecurrenceRule.libicalCountLimit)"
        case .lengthNotWritable(let reason, let uid): "event \(uid): \(reason)"
        }
    }
}

/// Writes a `CalendarDocument` as RFC 5545 text through libical.
///
/// The output is what Outlook, Google, Apple Calendar and Thunderbird import cleanly: CRLF line
/// ends, lines folded at 75 octets on character boundaries (libical does both), `METHOD:PUBLISH`,
/// and a `VTIMEZONE` for every TZID used, named by its plain Olson name with history cut to the
/// years the calendar touches. Given the same document and `stamp`, the bytes are always the same.
public struct CalendarWriter: Sendable {
    /// DTSTAMP for events that carry none: inject the clock so output is reproducible.
    public var stamp: WallTime

    public init(stamp: WallTime) { self.stamp = stamp }

    /// Whether events in `tzid` can be written: libical has a VTIMEZONE for it (an Olson name, one
    /// of tzdata's older names, or a Windows name). tzdata's bare `UTC` and `GMT` are not among
    /// them (`Etc/UTC` is).
    public static func canWrite(timeZone tzid: String) -> Bool {
        Libical.withLock { vtimezone(tzid) != nil }
    }

    /// libical's VTIMEZONE for a TZID. (libical answers `UTC` with its UTC zone, which has none.)
    static func vtimezone(_ tzid: String) -> OpaquePointer? {
        CalendarZones.builtin(tzid).flatMap { icaltimezone_get_component($0) }
    }

    /// The document as iCalendar text.
    public func write(_ document: CalendarDocument) throws(CalendarWriteError) -> String {
        try write(document, zoneYears: nil)
    }

    /// With `zoneYears`, VTIMEZONEs for those zones rather than for the document's events.
    func write(_ document: CalendarDocument, zoneYears: [String: Int]?) throws(CalendarWriteError) -> String {
        try Libical.withLock { () throws(CalendarWriteError) -> String in
            let calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)!
            defer { icalcomponent_free(calendar) }
            icalcomponent_add_property(calendar, icalproperty_new_version("2.0"))
            icalcomponent_add_property(calendar, icalproperty_new_prodid(document.productID))
            if let method = document.method {
                icalcomponent_add_property(calendar, icalproperty_new_method(icalproperty_string_to_method(method)))
            }
            if let name = document.name { add(extra: ExtraProperty(name: "X-WR-CALNAME", value: name), to: calendar) }
            if let description = document.description {
                add(extra: ExtraProperty(name: "X-WR-CALDESC", value: description), to: calendar)
            }
            for extra in document.extraProperties { add(extra: extra, to: calendar) }
            let years: [String: Int]
            if let zoneYears { years = zoneYears } else { years = try self.zoneYears(document.events) }
            try addTimeZones(years, to: calendar)
            for event in document.events {
                icalcomponent_add_component(calendar, try component(for: event))
            }
            return Libical.serialize(calendar)
        }
    }

    // MARK: - Events

    func component(for event: Event) throws(CalendarWriteError) -> OpaquePointer {
        let recurrences = try prepared(event)
        let component = icalcomponent_new(ICAL_VEVENT_COMPONENT)!
        eachProperty(of: event, recurrences: recurrences) { _, make in
            if let property = make() { icalcomponent_add_property(component, property) }
        }
        for alarm in event.alarms { icalcomponent_add_component(component, self.component(for: alarm)) }
        return component
    }

    /// A property line many events of a calendar share, by what it is made from.
    enum SharedLine: Hashable {
        case stamp(WallTime)
        case start(EventTime)
        case end(EventTime)
        case summary(String)
        case location(String)
        case category(String)
        case status(Event.Status)
        case sequence(Int)
    }

    /// The event's text: the bytes libical writes for `component(for:)`, which are BEGIN:VEVENT, each
    /// property's line in order, each alarm, END:VEVENT (libical 3.0.16's
    /// `icalcomponent_as_ical_string_r`). Each line is still libical's, but a line `shared` already
    /// holds (the school's name as LOCATION, the stamp, the status, a title, a day and time) is not
    /// made again: a school's calendar made most of its lines many times over, and libical makes
    /// each with a few allocations per line and one append per character.
    func text(for event: Event, shared: inout [SharedLine: String]) throws(CalendarWriteError) -> String {
        let recurrences = try prepared(event)
        // Room for a typical event at once: grown line by line, the text was copied five or six
        // times over on its way to some 700 bytes.
        var text = ""
        text.reserveCapacity(1024)
        text += "BEGIN:VEVENT\r\n"
        eachProperty(of: event, recurrences: recurrences) { key, make in
            if let key, let line = shared[key] {
                text += line
                return
            }
            guard let property = make() else { return }
            let line = Libical.serialize(property: property)
            icalproperty_free(property)
            if let key { shared[key] = line }
            text += line
        }
        for alarm in event.alarms {
            let component = component(for: alarm)
            text += Libical.serialize(component)
            icalcomponent_free(component)
        }
        return text + "END:VEVENT\r\n"
    }

    /// The event's RRULEs as libical reads them, once its lengths are known to fit libical's
    /// fields (32 bits each, which `Int` would trap or wrap on).
    private func prepared(_ event: Event) throws(CalendarWriteError) -> [icalrecurrencetype] {
        if let duration = event.duration {
            let limit = DurationText.tenYears
            if (duration.days < 0 && duration.seconds > 0) || (duration.days > 0 && duration.seconds < 0) {
                throw .lengthNotWritable(
                    "DURATION of \(duration.days) days and \(duration.seconds) seconds mixes signs "
                        + "(a DURATION has one sign)", uid: event.uid)
            }
            let days = duration.days.magnitude
            let seconds = duration.seconds.magnitude
            guard days <= limit / 86_400, seconds <= limit, days * 86_400 + seconds <= limit else {
                throw .lengthNotWritable(
                    "DURATION of \(duration.days) days and \(duration.seconds) seconds is longer than "
                        + "ten years (\(limit) seconds)", uid: event.uid)
            }
        }
        for alarm in event.alarms where alarm.triggerOffset.magnitude > DurationText.tenYears {
            throw .lengthNotWritable(
                "alarm TRIGGER of \(alarm.triggerOffset) seconds is further from the start than ten years "
                    + "(\(DurationText.tenYears) seconds)", uid: event.uid)
        }
        return try recurrences(of: event)
    }

    /// Each RRULE as libical reads it, or why one is not valid.
    private func recurrences(of event: Event) throws(CalendarWriteError) -> [icalrecurrencetype] {
        var recurrences: [icalrecurrencetype] = []
        for rule in event.recurrences {
            let text = rule.description
            // libical would wrap it (INTERVAL=65537 written as 1): refused rather than written as another rule.
            guard !rule.exceedsLibicalFields else { throw .numberTooLarge(text, uid: event.uid) }
            drillbook_icalerrno_clear()
            let recurrence = icalrecurrencetype_from_string(text)
            guard recurrence.freq != ICAL_NO_RECURRENCE, drillbook_icalerrno() == ICAL_NO_ERROR else {
                throw .invalidRecurrence(text, uid: event.uid)
            }
            recurrences.append(recurrence)
        }
        return recurrences
    }

    /// The event's properties in the order they are written: each made on demand by `make`, with
    /// the key its line may be shared under when it is often the same.
    private func eachProperty(
        of event: Event, recurrences: [icalrecurrencetype],
        _ body: (_ shared: SharedLine?, _ make: () -> OpaquePointer?) -> Void
    ) {
        let stamp = event.stamp ?? stamp
        body(nil) { icalproperty_new_uid(event.uid) }
        body(.stamp(stamp)) { icalproperty_new_dtstamp(Libical.time(stamp, utc: true)) }
        body(.start(event.start)) { property(event.start, icalproperty_new_dtstart) }
        if let end = event.end {
            body(.end(end)) { property(end, icalproperty_new_dtend) }
        } else if let duration = event.duration {
            body(nil) {
                var value = icaldurationtype_null_duration()
                value.days = UInt32(abs(duration.days))
                value.seconds = UInt32(abs(duration.seconds))
                value.is_neg = duration.days < 0 || duration.seconds < 0 ? 1 : 0
                return icalproperty_new_duration(value)
            }
        }
        if let recurrenceID = event.recurrenceID {
            body(nil) {
                property(recurrenceID) { time in
                    let property = icalproperty_new_recurrenceid(time)
                    if event.overridesFuture, let property {
                        icalproperty_add_parameter(property, icalparameter_new_range(ICAL_RANGE_THISANDFUTURE))
                    }
                    return property
                }
            }
        }
        for recurrence in recurrences { body(nil) { icalproperty_new_rrule(recurrence) } }
        for date in event.exceptionDates { body(nil) { property(date, icalproperty_new_exdate) } }
        for date in event.recurrenceDates {
            body(nil) {
                property(date) { time in
                    var value = icaldatetimeperiodtype()
                    value.time = time
                    value.period = icalperiodtype_null_period()
                    return icalproperty_new_rdate(value)
                }
            }
        }
        for period in event.recurrencePeriods {
            body(nil) {
                property(period.start) { time in
                    var value = icaldatetimeperiodtype()
                    value.time = icaltime_null_time()
                    value.period = icalperiodtype_null_period()
                    value.period.start = time
                    value.period.end = Libical.time(period.end)
                    return icalproperty_new_rdate(value)
                }
            }
        }
        body(.summary(event.summary)) { icalproperty_new_summary(event.summary) }
        if let description = event.description { body(nil) { icalproperty_new_description(description) } }
        if let location = event.location { body(.location(location)) { icalproperty_new_location(location) } }
        // One CATEGORIES line per category: libical would escape the commas of a joined list.
        for category in event.categories { body(.category(category)) { icalproperty_new_categories(category) } }
        if let status = event.status {
            body(.status(status)) { icalproperty_new_status(icalproperty_string_to_status(status.rawValue)) }
        }
        if event.sequence != 0 {
            body(.sequence(event.sequence)) { icalproperty_new_sequence(Int32(event.sequence)) }
        }
        for extra in event.extraProperties { body(nil) { property(extra) } }
    }

    func component(for alarm: Alarm) -> OpaquePointer {
        let component = icalcomponent_new(ICAL_VALARM_COMPONENT)!
        icalcomponent_add_property(component, icalproperty_new_action(ICAL_ACTION_DISPLAY))
        var trigger = icaltriggertype()
        trigger.time = icaltime_null_time()
        trigger.duration = icaldurationtype_from_int(Int32(alarm.triggerOffset))
        icalcomponent_add_property(component, icalproperty_new_trigger(trigger))
        icalcomponent_add_property(component, icalproperty_new_description(alarm.description))
        return component
    }

    /// A DATE or DATE-TIME property; a zoned time carries its Olson name as TZID.
    func property(_ time: EventTime, _ make: (icaltimetype) -> OpaquePointer?) -> OpaquePointer? {
        guard let property = make(Libical.time(time)) else { return nil }
        if let tzid = time.tzid { icalproperty_add_parameter(property, icalparameter_new_tzid(tzid)) }
        return property
    }

    /// An X- property.
    func property(_ extra: ExtraProperty) -> OpaquePointer {
        let property = icalproperty_new_x(extra.value)!
        icalproperty_set_x_name(property, extra.name)
        return property
    }

    func add(extra: ExtraProperty, to component: OpaquePointer) {
        icalcomponent_add_property(component, property(extra))
    }

    // MARK: - Time zones

    private struct TimeZoneKey: Hashable {
        var tzid: String
        var year: Int
    }

    /// Truncated VTIMEZONEs already made, kept for the process (guarded by the libical lock): an
    /// export writes thousands of files with the same zone.
    nonisolated(unsafe) private static var timeZoneCache: [TimeZoneKey: OpaquePointer] = [:]

    /// The first year each zone is used in, by TZID.
    func zoneYears(_ events: [Event]) throws(CalendarWriteError) -> [String: Int] {
        var years: [String: Int] = [:]
        for event in events {
            let times =
                [event.start, event.end, event.recurrenceID].compactMap(\.self)
                + event.exceptionDates + event.recurrenceDates + event.recurrencePeriods.flatMap { [$0.start, $0.end] }
            for case .zoned(let wall, let tzid) in times {
                guard Self.vtimezone(tzid) != nil else { throw .unknownTimeZone(tzid, uid: event.uid) }
                years[tzid] = min(years[tzid] ?? wall.date.year, wall.date.year)
            }
        }
        return years
    }

    /// The VTIMEZONEs `addTimeZones` would add, as text, serialized once per zone and year for the
    /// process: a streamed calendar's header is its properties, then this.
    func timeZoneText(_ years: [String: Int]) throws(CalendarWriteError) -> String {
        try Libical.withLock { () throws(CalendarWriteError) -> String in
            var text = ""
            for tzid in years.keys.sorted() {
                let key = TimeZoneKey(tzid: tzid, year: years[tzid]!)
                if let cached = Self.timeZoneTextCache[key] {
                    text += cached
                    continue
                }
                let calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)!
                defer { icalcomponent_free(calendar) }
                try addTimeZones([tzid: key.year], to: calendar)
                let zone = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT)!
                let rendered = Libical.serialize(zone)
                Self.timeZoneTextCache[key] = rendered
                text += rendered
            }
            return text
        }
    }

    /// Serialized VTIMEZONEs (guarded by the libical lock, as `timeZoneCache`).
    nonisolated(unsafe) private static var timeZoneTextCache: [TimeZoneKey: String] = [:]

    func addTimeZones(_ years: [String: Int], to calendar: OpaquePointer) throws(CalendarWriteError) {
        for tzid in years.keys.sorted() {
            if let cached = Self.timeZoneCache[TimeZoneKey(tzid: tzid, year: years[tzid]!)] {
                icalcomponent_add_component(calendar, icalcomponent_new_clone(cached))
                continue
            }
            guard let builtin = Self.vtimezone(tzid) else {
                throw .unknownTimeZone(tzid, uid: "")
            }
            let vtimezone = icalcomponent_new_clone(builtin)!
            // libical 3.0.16 names builtin zones "/freeassociation.sourceforge.net/America/Chicago" and
            // ignores icaltimezone_set_tzid_prefix(""): clients want the plain Olson name.
            if let property = icalcomponent_get_first_property(vtimezone, ICAL_TZID_PROPERTY) {
                icalproperty_set_tzid(property, tzid)
            }
            // Keep the rules in force from the year before the first event: enough for every client
            // to resolve each time, without a century of history in every file.
            let from = Libical.time(WallTime(year: years[tzid]! - 1, month: 1, day: 1), utc: true)
            icaltimezone_truncate_vtimezone(vtimezone, from, icaltime_null_time(), 1)
            Self.timeZoneCache[TimeZoneKey(tzid: tzid, year: years[tzid]!)] = icalcomponent_new_clone(vtimezone)
            icalcomponent_add_component(calendar, vtimezone)
        }
    }
}
