internal import CLibical
import Dates

/// The zones a calendar's TZIDs name: the file's own VTIMEZONEs first, then libical's builtin
/// Olson zones (read from /usr/share/zoneinfo).
///
/// Lives inside one locked libical call; frees the zones it made.
final class CalendarZones {
    private var zones: [String: OpaquePointer] = [:]
    private var owned: [OpaquePointer] = []

    /// Builds the zones defined by the VTIMEZONEs of `calendar` (which it does not keep).
    init(definedIn calendar: OpaquePointer? = nil, excluding refused: Set<String> = []) {
        guard let calendar else { return }
        var child = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT)
        while let component = child {
            if let tzidProperty = icalcomponent_get_first_property(component, ICAL_TZID_PROPERTY),
                let tzid = Libical.string(icalproperty_get_tzid(tzidProperty)), !refused.contains(tzid),
                let zone = icaltimezone_new()
            {
                if icaltimezone_set_component(zone, icalcomponent_new_clone(component)) != 0 {
                    zones[tzid] = zone
                }
                owned.append(zone)
            }
            child = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)
        }
    }

    deinit {
        for zone in owned { icaltimezone_free(zone, 1) }
    }

    /// Builds the zones of VTIMEZONE texts kept by a `CalendarDocument`.
    convenience init(definitions: [String: String]) {
        self.init()
        for (tzid, text) in definitions.sorted(by: { $0.key < $1.key }) {
            guard let component = icalparser_parse_string(text) else { continue }
            defer { icalcomponent_free(component) }
            guard let zone = icaltimezone_new() else { continue }
            owned.append(zone)
            if icaltimezone_set_component(zone, icalcomponent_new_clone(component)) != 0 { zones[tzid] = zone }
        }
    }

    /// Whether the file itself defines `tzid`.
    func isDefined(_ tzid: String) -> Bool { zones[tzid] != nil }

    /// The zone for a TZID, or nil when neither the file nor libical knows it.
    func zone(_ tzid: String) -> OpaquePointer? {
        if let zone = zones[tzid] { return zone }
        return Self.builtin(tzid)
    }

    static func builtin(_ tzid: String) -> OpaquePointer? {
        if let zone = icaltimezone_get_builtin_timezone(tzid) { return zone }
        // A globally unique TZID (RFC 5545 3.2.19: it starts with "/") ends in the Olson name its
        // writer meant: Evolution's `/freeassociation.sourceforge.net/Tzfile/Europe/Berlin`, old
        // Lightning's `/mozilla.org/20070129_1/America/New_York`, `/Europe/Stockholm`. The longest
        // tail that names a zone is it (`America/Argentina/Buenos_Aires`, not a shorter one). This
        // took the last part alone once, and no such TZID named a zone.
        guard tzid.hasPrefix("/") else { return nil }
        let parts = tzid.split(separator: "/")
        for start in parts.indices {
            if let zone = icaltimezone_get_builtin_timezone(parts[start...].joined(separator: "/")) { return zone }
        }
        return nil
    }

    /// Seconds since the Unix epoch of an event time; floating times and dates read as UTC
    /// (they have no instant; this only orders them).
    func instant(_ time: EventTime) -> Int {
        switch time {
        case .date, .floating, .utc: return time.wallTime.secondsSinceEpoch
        case .zoned(let wall, let tzid):
            guard let zone = zone(tzid) else { return wall.secondsSinceEpoch }
            return Int(icaltime_as_timet_with_zone(Libical.time(wall), zone))
        }
    }

    /// The wall time in `tzid` of an instant.
    func wallTime(atInstant seconds: Int, in tzid: String) -> WallTime {
        guard let zone = zone(tzid) else { return WallTime(secondsSinceEpoch: seconds) }
        return Libical.wallTime(icaltime_from_timet_with_zone(time_t(seconds), 0, zone))
    }
}
