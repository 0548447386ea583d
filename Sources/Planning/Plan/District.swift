/// A person the plan names for a role: a principal, a police liaison, a counselor.
public struct Contact: Hashable, Sendable {
    public var name: String
    public var email: String?
    public var agency: String?
    /// E.164 (`+15125550100`), for SMS alerts of late incident steps.
    public var phone: String?

    public init(name: String, email: String? = nil, agency: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.agency = agency
        self.phone = phone
    }
}

/// The district a plan describes.
public struct District: Hashable, Sendable {
    public var id: String
    public var name: String
    /// Two-letter state code; picks the state's rule set.
    public var state: String
    /// Olson name; every school's default.
    public var timeZone: String
    public var safetyLead: Contact?
    /// The anonymous reporting line the awareness campaigns publish.
    public var tipLine: TipLine?

    public init(id: String, name: String, state: String, timeZone: String, safetyLead: Contact? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.timeZone = timeZone
        self.safetyLead = safetyLead
    }
}

/// A district's anonymous tip line: how students, staff and families report a threat.
public struct TipLine: Hashable, Sendable {
    public var name: String
    public var phone: String?
    public var url: String?
    /// How to use it, in a sentence (`Text or call 24/7; you do not have to give your name.`).
    public var text: String?

    public init(name: String, phone: String? = nil, url: String? = nil, text: String? = nil) {
        self.name = name
        self.phone = phone
        self.url = url
        self.text = text
    }

    /// `Tip line: SafeLakeside, 555-0100, https://..., Text or call 24/7.`
    public var line: String {
        "Tip line: " + ([name, phone, url].compactMap(\.self).joined(separator: ", ")) + (text.map { ". \($0)" } ?? "")
    }
}

/// A school: its own calendar, bell schedule, attributes rules may depend on, and contacts by role.
public struct School: Hashable, Sendable {
    public var id: String
    public var name: String
    public var grades: String
    public var state: String
    public var timeZone: String
    public var bellSchedule: BellSchedule
    /// `sprinklers: true`, `summer_session: false`, `hazard_zone: lahar`.
    public var attributes: [String: String]
    /// By role: `principal`, `safety_coordinator`, `threat_assessment_lead`, `law_enforcement`, ...
    public var contacts: [String: Contact]

    public init(
        id: String, name: String, grades: String, state: String, timeZone: String, bellSchedule: BellSchedule,
        attributes: [String: String] = [:], contacts: [String: Contact] = [:]
    ) {
        self.id = id
        self.name = name
        self.grades = grades
        self.state = state
        self.timeZone = timeZone
        self.bellSchedule = bellSchedule
        self.attributes = attributes
        self.contacts = contacts
    }
}

/// A time of day on the school's wall clock, in minutes after midnight.
public struct ClockTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minutes: Int

    public init(minutes: Int) { self.minutes = minutes }

    public init(hour: Int, minute: Int = 0) { self.minutes = hour * 60 + minute }

    /// Parses `08:30`, `8:30`, and a 12-hour clock as bell schedules are printed (`8:30 AM`,
    /// `3:45pm`, `12:05 p.m.`); nil for anything else.
    public init?(_ text: some StringProtocol) {
        var clock = text.lowercased().filter { $0 != " " && $0 != "." }
        var meridiem: String?
        for mark in ["am", "pm"] where clock.hasSuffix(mark) {
            meridiem = mark
            clock.removeLast(2)
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }), var hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        }
        self.init(hour: hour, minute: minute)
    }

    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }

    public func adding(minutes more: Int) -> ClockTime { ClockTime(minutes: minutes + more) }

    /// `08:30`.
    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    public static func < (a: ClockTime, b: ClockTime) -> Bool { a.minutes < b.minutes }
}

/// A span of the school day (`08:30-15:45`).
public struct TimeRange: Hashable, Sendable, CustomStringConvertible {
    public var start: ClockTime
    public var end: ClockTime

    public init(start: ClockTime, end: ClockTime) {
        self.start = start
        self.end = end
    }

    /// Parses `08:30-15:45` (also `8:30 AM - 3:45 PM`, with an en dash or spaces); nil unless the end
    /// is after the start.
    public init?(_ text: some StringProtocol) {
        guard let (start, end) = Self.ends(text), start < end else { return nil }
        self.init(start: start, end: end)
    }

    /// The two times a range is written with, in either order; nil when it is not two times.
    public static func ends(_ text: some StringProtocol) -> (ClockTime, ClockTime)? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "\u{2013}" })
        guard parts.count == 2, let start = ClockTime(parts[0]), let end = ClockTime(parts[1]) else { return nil }
        return (start, end)
    }

    public var minutes: Int { end.minutes - start.minutes }
    public var description: String { "\(start)-\(end)" }
}

/// When the bells ring: the day, passing periods, lunches, recesses, and arrival and dismissal.
public struct BellSchedule: Hashable, Sendable {
    public var day: TimeRange
    public var passing: [TimeRange]
    public var lunch: [TimeRange]
    public var recess: [TimeRange]
    /// Defaults to the first 20 minutes of the day.
    public var arrival: TimeRange
    /// Defaults to the last 20 minutes of the day.
    public var dismissal: TimeRange

    public init(
        day: TimeRange, passing: [TimeRange] = [], lunch: [TimeRange] = [], recess: [TimeRange] = [],
        arrival: TimeRange? = nil, dismissal: TimeRange? = nil
    ) {
        self.day = day
        self.passing = passing
        self.lunch = lunch
        self.recess = recess
        self.arrival = arrival ?? TimeRange(start: day.start, end: day.start.adding(minutes: 20))
        self.dismissal = dismissal ?? TimeRange(start: day.end.adding(minutes: -20), end: day.end)
    }

    /// The part of the school day a drill starting at `time` falls in; nil outside the school day.
    ///
    /// Lunch, recess and passing time come before arrival and dismissal: a drill during an early
    /// lunch is a lunch drill even if the day's first bell is near.
    public func context(at time: ClockTime) -> TimeOfDay? {
        func inside(_ range: TimeRange) -> Bool { time >= range.start && time < range.end }
        if lunch.contains(where: inside) { return .lunch }
        if recess.contains(where: inside) { return .recess }
        if passing.contains(where: inside) { return .passing }
        if inside(arrival) { return .arrival }
        if inside(dismissal) { return .dismissal }
        return inside(day) ? .class : nil
    }

    /// Whether the schedule has the part of the day a context names (a school without passing
    /// periods cannot hold a passing-time drill).
    public func has(_ context: TimeOfDay) -> Bool {
        switch context {
        case .passing: !passing.isEmpty
        case .lunch: !lunch.isEmpty
        case .recess: !recess.isEmpty
        case .class, .arrival, .dismissal: true
        case .rotate, .afterSchool, .allDay: false
        }
    }
}
