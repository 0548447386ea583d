/// What an activity is, which decides who sees it and how it is scheduled.
public enum ActivityKind: Hashable, Sendable, CustomStringConvertible {
    case protocolReview, staffTraining, awarenessCampaign, partnerContact, teamMeeting, tabletopExercise
    case afterActionReview, behavioralHealthReview, crossDistrict, familyCommunication
    /// `drill/fire`, `drill/lockdown`, ...
    case drill(String)

    static let named: [(String, ActivityKind)] = [
        ("protocol-review", .protocolReview), ("staff-training", .staffTraining),
        ("awareness-campaign", .awarenessCampaign), ("partner-contact", .partnerContact),
        ("team-meeting", .teamMeeting), ("tabletop-exercise", .tabletopExercise),
        ("after-action-review", .afterActionReview), ("behavioral-health-review", .behavioralHealthReview),
        ("cross-district", .crossDistrict), ("family-communication", .familyCommunication),
    ]

    /// The drill types Drillbook knows (`drill/<type>`).
    public static let drillTypes = [
        "fire", "lockdown", "lockout", "secure", "evacuation", "shelter-in-place", "severe-weather", "tornado",
        "earthquake", "bus-evacuation", "bomb-threat", "active-threat", "reunification", "early-dismissal",
    ]

    /// A kind as people name it in a drill log or on the command line: `drill/fire`, `fire`,
    /// `Fire Drill`, `Lock-down`, `Shelter in Place`, `Lockdown (announced)`; `Active Shooter`,
    /// `Armed Intruder` or `Intruder` (the active-threat drill every rule set's intruder drill
    /// counts), `Hazmat` (shelter-in-place, as TX's rule names it); an activity kind by its name
    /// (`team-meeting`). Case, spaces, dashes, a trailing "drill" and a note in parentheses aside.
    public init?(spelled text: String) {
        if let exact = ActivityKind(text) {
            self = exact
            return
        }
        var words = text.lowercased()
        while let open = words.firstIndex(of: "("), let close = words[open...].firstIndex(of: ")") {
            words.removeSubrange(open...close)
        }
        if words.hasPrefix("drill/") { words.removeFirst(6) }
        var key = String(String.UnicodeScalarView(words.unicodeScalars.filter { ("a"..."z").contains($0) }))
        for suffix in ["drills", "drill"] where key.hasSuffix(suffix) && key.count > suffix.count {
            key.removeLast(suffix.count)
            break
        }
        let letters = { (name: String) in name.filter(\.isLetter) }
        if let type = Self.drillTypes.first(where: { letters($0) == key }) ?? Self.drillSynonyms[key] {
            self = .drill(type)
        } else if let match = Self.named.first(where: { letters($0.0) == key }) {
            self = match.1
        } else {
            return nil
        }
    }

    /// Other names of drill types, letters only: intruder, active-shooter and ALICE drills are the
    /// active-threat drills the rule sets count (SC's "Intruder response drill").
    static let drillSynonyms = [
        "activeshooter": "active-threat", "armedintruder": "active-threat", "intruder": "active-threat",
        "hazmat": "shelter-in-place", "alice": "active-threat",
    ]

    /// Every spelling a plan may use, for error messages.
    public static var allNames: [String] { named.map(\.0) + drillTypes.map { "drill/\($0)" } }

    public init?(_ text: String) {
        if text.hasPrefix("drill/") {
            let type = String(text.dropFirst(6))
            guard ActivityKind.drillTypes.contains(type) else { return nil }
            self = .drill(type)
        } else if let match = ActivityKind.named.first(where: { $0.0 == text }) {
            self = match.1
        } else {
            return nil
        }
    }

    public var description: String {
        if case .drill(let type) = self { return "drill/\(type)" }
        return ActivityKind.named.first { $0.1 == self }!.0
    }

    public var isDrill: Bool {
        if case .drill = self { return true }
        return false
    }
}

/// A span of the year that cadences and rules count in.
public enum PeriodKind: String, Hashable, Sendable, CaseIterable, Comparable {
    case month, quarter, semester, year

    var rank: Int { PeriodKind.allCases.firstIndex(of: self)! }
    public static func < (a: PeriodKind, b: PeriodKind) -> Bool { a.rank < b.rank }
}

/// `{count: 2, per: year}`: how many in each period.
public struct Requirement: Hashable, Sendable {
    public var count: Int
    public var per: PeriodKind

    public init(count: Int, per: PeriodKind) {
        self.count = count
        self.per = per
    }
}

/// Which days count when a window is measured in days.
public enum DayKind: String, Hashable, Sendable, CaseIterable {
    case calendar, school, instructional
}

/// What a window's days are counted from.
public enum WindowAnchor: Hashable, Sendable {
    /// The first day of the year.
    case year
    /// Each period's first day.
    case period
    /// A day of the calendar (UT: the first 10 school days from January 1).
    case day(MonthDay)
}

/// Where occurrences may fall.
public enum Window: Hashable, Sendable {
    /// Within N days (of a kind) of the first day of the year, of each period's start, or of a day.
    case within(days: Int, from: WindowAnchor, dayKind: DayKind)
    /// By a month and day (`12-01`), inclusive.
    case by(month: Int, day: Int)
    /// In one month.
    case inMonth(Int)
    /// Between two month-days, inclusive (`09-01` to `12-31`).
    case between(from: MonthDay, to: MonthDay)
    /// After the first N days (of a kind) of the year or of each period: PA's "after day 90".
    case after(days: Int, from: WindowAnchor, dayKind: DayKind)
}

/// A month and day with no year (`12-01`).
public struct MonthDay: Hashable, Sendable, Comparable {
    public var month: Int
    public var day: Int

    public init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[0]), let day = Int(parts[1]), (1...12).contains(month),
            (1...31).contains(day)
        else { return nil }
        self.init(month: month, day: day)
    }

    public static func < (a: MonthDay, b: MonthDay) -> Bool { (a.month, a.day) < (b.month, b.day) }
}

/// When in the school day an activity happens.
public enum TimeOfDay: String, Hashable, Sendable, CaseIterable {
    /// During a class period (morning or afternoon).
    case `class`
    case passing, lunch, arrival, dismissal
    /// Recess (elementary schools): students outside their classrooms.
    case recess
    /// Each occurrence at another of class, passing, lunch, arrival and dismissal.
    case rotate
    /// After dismissal: meetings, reviews.
    case afterSchool = "after_school"
    /// A day-long marker with no time: campaigns, contacts, notices.
    case allDay = "all_day"
}

/// Notice owed before an occurrence: families a week ahead, responders 48 hours ahead.
public struct Notice: Hashable, Sendable {
    public var familiesDays: Int?
    public var respondersHours: Int?

    public init(familiesDays: Int? = nil, respondersHours: Int? = nil) {
        self.familiesDays = familiesDays
        self.respondersHours = respondersHours
    }

    public var isEmpty: Bool { familiesDays == nil && respondersHours == nil }
}

/// One recurring piece of the year's preparation, at every school.
public struct Activity: Hashable, Sendable {
    public var id: String
    public var kind: ActivityKind
    public var title: String
    public var description: String?
    /// All must hold; the scheduler places enough in the finest period to meet the coarser ones.
    public var cadence: [Requirement]
    public var windows: [Window]
    /// The first occurrence of the year falls within this window (the fire code's first drill).
    public var firstWithin: Window?
    /// Days at least between two occurrences.
    public var minSpacingDays: Int?
    public var durationMinutes: Int
    public var timeOfDay: TimeOfDay
    /// The contact role that owns it (`safety_coordinator`).
    public var owner: String
    /// False for a drill whose time must not be public (staff see only "a drill this week").
    public var announced: Bool
    /// Roles that must be there (`law_enforcement`).
    public var presence: [String]
    public var notice: Notice
    /// Place an after-action review a few school days after each occurrence.
    public var review: Bool
    /// Where it comes from: the toolkit strategy or the rule it serves.
    public var source: String?
    /// What families see instead of `title` and `description` (plainer words, no internal detail).
    public var familiesTitle: String?
    public var familiesDescription: String?
    /// Its events carry the district's tip line (the toolkit's reporting-awareness campaign).
    public var showsTipLine = false

    public init(
        id: String, kind: ActivityKind, title: String, description: String? = nil, cadence: [Requirement],
        windows: [Window] = [], firstWithin: Window? = nil, minSpacingDays: Int? = nil, durationMinutes: Int = 30,
        timeOfDay: TimeOfDay = .afterSchool, owner: String = "safety_coordinator", announced: Bool = true,
        presence: [String] = [], notice: Notice = Notice(), review: Bool = false, source: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.cadence = cadence
        self.windows = windows
        self.firstWithin = firstWithin
        self.minSpacingDays = minSpacingDays
        self.durationMinutes = durationMinutes
        self.timeOfDay = timeOfDay
        self.owner = owner
        self.announced = announced
        self.presence = presence
        self.notice = notice
        self.review = review
        self.source = source
    }
}
