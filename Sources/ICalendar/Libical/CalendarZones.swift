internal import CLibical
import Dates
import Synchronization

/// The zones a calendar's TZIDs name: the file's own VTIMEZONEs first, then libical's builtin
/// Olson zones (read from /usr/share/zoneinfo, older names such as US/Eastern included), which
/// also answer for Windows names and globally unique TZIDs.
///
/// Lives inside one locked libical call; frees the zones it made.
final class CalendarZones {
    private var zones: [String: OpaquePointer] = [:]
    private var owned: [OpaquePointer] = []
    /// Where each file zone that tzdata also knows begins: its earliest observance's DTSTART, and
    /// that instant. Before it the file says nothing (RFC 5545's own example in section 4 has a
    /// meeting in March 1998 under a VTIMEZONE whose first observance is October 1998; Apple's
    /// iCal wrote observances from the file's year on, the first "from" +0000), and libical took
    /// the first observance's TZOFFSETFROM: an hour off there, nine or ten for Apple's. Times
    /// before it are read by tzdata's zone of that name, as python's `icalendar` reads them.
    private var onsets: [String: (wall: WallTime, instant: Int)] = [:]

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
                    register(tzid, zone: zone, component: component)
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
            if icaltimezone_set_component(zone, icalcomponent_new_clone(component)) != 0 {
                register(tzid, zone: zone, component: component)
            }
        }
    }

    /// Keeps a file's zone, and where it begins when tzdata also knows its name.
    private func register(_ tzid: String, zone: OpaquePointer, component: OpaquePointer) {
        zones[tzid] = zone
        if zones[Self.trimmed(tzid)] == nil { zones[Self.trimmed(tzid)] = zone }
        guard Self.builtin(tzid) != nil else { return }
        var first: WallTime?
        var observance = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
        while let current = observance {
            if let start = icalcomponent_get_first_property(current, ICAL_DTSTART_PROPERTY) {
                let wall = Libical.wallTime(icalproperty_get_dtstart(start))
                if wall.isValid, first.map({ wall < $0 }) ?? true { first = wall }
            }
            observance = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)
        }
        if let first {
            onsets[tzid] = (first, Int(icaltime_as_timet_with_zone(Libical.time(first), zone)))
        }
    }

    /// Where the file's own zone `tzid` begins, when `wall` lies before it and tzdata's zone of that
    /// name reads it instead.
    func onset(of tzid: String, after wall: WallTime) -> WallTime? {
        guard let onset = onsets[tzid], wall < onset.wall else { return nil }
        return onset.wall
    }

    /// Whether the file itself defines `tzid`.
    func isDefined(_ tzid: String) -> Bool { defined(tzid) != nil }

    /// The zone for a TZID, or nil when neither the file nor libical knows it.
    func zone(_ tzid: String) -> OpaquePointer? {
        if let zone = defined(tzid) { return zone }
        return Self.builtin(tzid)
    }

    /// The file's own zone of that name. libical reads a VTIMEZONE's `TZID: 1` as `1` and keeps a
    /// time's `TZID= 1` as ` 1` (an Outlook export in node-ical's fixtures, `test_with_int_tzid`):
    /// names that differ only by white space around them are the same zone.
    private func defined(_ tzid: String) -> OpaquePointer? {
        if let zone = zones[tzid] { return zone }
        let trimmed = Self.trimmed(tzid)
        return trimmed == tzid ? nil : zones[trimmed]
    }

    private static func trimmed(_ name: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(name.drop(while: blank).reversed().drop(while: blank).reversed())
    }

    /// libical's builtin zone for a TZID: an Olson name (or one of tzdata's older names, US/Eastern),
    /// a Windows name, or a globally unique TZID ending in one.
    static func builtin(_ tzid: String) -> OpaquePointer? {
        if let zone = icaltimezone_get_builtin_timezone(tzid) { return zone }
        return olsonName(tzid).flatMap { icaltimezone_get_builtin_timezone($0) }
    }

    /// Whether a TZID is one of the names Exchange and Office 365 give a zone of the organizer's own
    /// making (`Customized Time Zone`, `tzone://Microsoft/Custom`), which they often leave out of
    /// the file: no zone can be known from such a name, so its times are read as local times, as
    /// Home Assistant's `ical` reads them. Exchange 2010 writes such a zone as an empty `TZID=`
    /// (its VTIMEZONE's TZID empty too, every offset +0000): no name at all.
    static func isPlaceholder(_ tzid: String) -> Bool {
        let name = tzid.lowercased()
        return name.isEmpty || name.hasPrefix("customized time zone") || name.hasPrefix("tzone://microsoft/")
    }

    /// The Olson name libical knows that a TZID which is not one stands for: nil for such a name
    /// itself and for a TZID that names no zone. Worked out once per TZID for the process (an
    /// expansion asks for every occurrence).
    static func olsonName(_ tzid: String) -> String? {
        meanings.withLock { cache in
            if let meaning = cache[tzid] { return meaning }
            let meaning = meaning(of: tzid)
            cache[tzid] = .some(meaning)
            return meaning
        }
    }

    private static let meanings = Mutex<[String: String?]>([:])

    private static func meaning(of tzid: String) -> String? {
        // libical knows tzdata's zones by their names and older names (US/Eastern, Asia/Calcutta).
        guard icaltimezone_get_builtin_timezone(tzid) == nil else { return nil }
        // Outlook and Exchange write Windows names ("Pacific Standard Time"), usually with a
        // VTIMEZONE of that name, which is then the file's own zone; without one (or with a
        // misspelt one) the name means what CLDR says it does, as it does to python's icalendar.
        if let olson = WindowsZones.olson[tzid] {
            return icaltimezone_get_builtin_timezone(olson) != nil ? olson : nil
        }
        // A globally unique TZID (RFC 5545 3.2.19: it starts with "/") ends in the Olson name its
        // writer meant: Evolution's `/freeassociation.sourceforge.net/Tzfile/Europe/Berlin`, old
        // Lightning's `/mozilla.org/20070129_1/America/New_York`, `/Europe/Stockholm`. The longest
        // tail that names a zone is it (`America/Argentina/Buenos_Aires`, not a shorter one). This
        // took the last part alone once, and no such TZID named a zone.
        // A display name ("(UTC-05:00) Eastern Time (US & Canada)"), which Outlook Web Access and
        // Exchange's feeds write without a VTIMEZONE: read by what it says (`ZoneDisplayNames`).
        guard tzid.hasPrefix("/") else {
            return ZoneDisplayNames.olson(tzid) { icaltimezone_get_builtin_timezone($0) != nil }
        }
        let parts = tzid.split(separator: "/")
        for start in parts.indices {
            let tail = parts[start...].joined(separator: "/")
            if icaltimezone_get_builtin_timezone(tail) != nil { return tail }
        }
        return nil
    }

    /// What an unknown zone's error says a TZID should be.
    static var expected: String {
        WindowsZones.isAvailable
            ? "(expected an Olson name such as America/Chicago, or a Windows name such as Pacific Standard Time)"
            : "(expected an Olson name such as America/Chicago; Windows names such as Pacific Standard Time "
                + "are read through CLDR's table, from Debian's unicode-cldr-core, which is not installed)"
    }

    /// Seconds since the Unix epoch of an event time; floating times and dates read as UTC
    /// (they have no instant; this only orders them).
    func instant(_ time: EventTime) -> Int {
        switch time {
        case .date, .floating, .utc: return time.wallTime.secondsSinceEpoch
        case .zoned(let wall, let tzid):
            guard var zone = zone(tzid) else { return wall.secondsSinceEpoch }
            if let onset = onsets[tzid], wall < onset.wall, let known = Self.builtin(tzid) { zone = known }
            return Int(icaltime_as_timet_with_zone(Libical.time(wall), zone))
        }
    }

    /// The wall time in `tzid` of an instant.
    func wallTime(atInstant seconds: Int, in tzid: String) -> WallTime {
        guard var zone = zone(tzid) else { return WallTime(secondsSinceEpoch: seconds) }
        if let onset = onsets[tzid], seconds < onset.instant, let known = Self.builtin(tzid) { zone = known }
        return Libical.wallTime(icaltime_from_timet_with_zone(time_t(seconds), 0, zone))
    }
}
