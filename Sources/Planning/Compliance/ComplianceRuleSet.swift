public import Dates

/// A jurisdiction's drill rules as data (`Templates/compliance/baseline.yaml`, one per state, a
/// district's own files in `compliance/`).
public struct ComplianceRuleSet: Sendable {
    public var jurisdiction: String
    public var title: String
    /// Source id to its title (and address), for citing.
    public var sources: [String: String]
    /// When the sources were last read (`2026-11-22`).
    public var verified: String?
    public var rules: [ComplianceRule]
    /// The school attributes its rules read, by name.
    public var attributes: [String: AttributeDeclaration]
    /// The file it was read from, when that is a district's own (local) file.
    public var localFile: String?

    public init(
        jurisdiction: String, title: String, sources: [String: String] = [:], verified: String? = nil,
        rules: [ComplianceRule], attributes: [String: AttributeDeclaration] = [:], localFile: String? = nil
    ) {
        self.jurisdiction = jurisdiction
        self.title = title
        self.sources = sources
        self.verified = verified
        self.rules = rules
        self.attributes = attributes
        self.localFile = localFile
    }
}

/// A school attribute a rule set reads (`sprinklers: {type: bool}`), with its type and, where the
/// law gives one, the value a school that does not say has.
public struct AttributeDeclaration: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case bool, text, number
    }

    public var kind: Kind
    public var defaultValue: String?
    public var description: String?

    public init(kind: Kind, defaultValue: String? = nil, description: String? = nil) {
        self.kind = kind
        self.defaultValue = defaultValue
        self.description = description
    }
}

/// At least and at most so many counted drills in each period of a kind.
public struct RuleCount: Hashable, Sendable {
    public var atLeast: Int
    public var atMost: Int?
    public var per: PeriodKind

    public init(atLeast: Int, atMost: Int? = nil, per: PeriodKind) {
        self.atLeast = atLeast
        self.atMost = atMost
        self.per = per
    }
}

/// Which schools a rule applies to, by their attributes: `sprinklers` is `true`, or any or all of
/// several such tests (OH: smoke detectors or sprinklers).
public indirect enum AttributeTest: Hashable, Sendable {
    case equals(attribute: String, value: String)
    /// A number attribute between two bounds, inclusive (ME: a lowest grade of 5 to 8).
    case range(attribute: String, atLeast: Int?, atMost: Int?)
    case any([AttributeTest])
    case all([AttributeTest])

    public func holds(_ attributes: [String: String]) -> Bool {
        switch self {
        case .equals(let attribute, let value): return attributes[attribute] == value
        case .range(let attribute, let atLeast, let atMost):
            guard let value = attributes[attribute].flatMap({ Int($0) }) else { return false }
            return atLeast.map { value >= $0 } ?? true && atMost.map { value <= $0 } ?? true
        case .any(let tests): return tests.contains { $0.holds(attributes) }
        case .all(let tests): return tests.allSatisfy { $0.holds(attributes) }
        }
    }

    /// Every attribute it reads.
    public var attributes: [String] {
        switch self {
        case .equals(let attribute, _), .range(let attribute, _, _): [attribute]
        case .any(let tests), .all(let tests): tests.flatMap(\.attributes)
        }
    }
}

/// One rule: which drills it counts, how many in which periods and windows, and what each counted
/// drill must show (time of day, who was there, notice given, evidence recorded).
public struct ComplianceRule: Sendable {
    public var id: String
    /// The drill types it counts together (`[evacuation, lockdown]` for NY's first eight); the
    /// scheduler places the first when it must add one.
    public var drills: [String]
    public var counts: [RuleCount]
    /// Every window must hold for a drill to count.
    public var windows: [Window]
    /// The first counted drill of the year falls within this window.
    public var firstWithin: Window?
    public var minSpacingDays: Int?
    /// At least one counted drill in every run of so many days (TN: once every 30 school days).
    public var maxGap: MaxGap?
    public var source: String?
    /// H, M or L, as shared/REFERENCE.md grades what was read.
    public var confidence: String?
    /// How Drillbook schedules the drills this rule asks for.
    public var schedule: DrillDefaults
    /// Evidence each counted drill's record must carry.
    public var requiredEvidence: [EvidenceField] = []
    /// Days after the drill by which its first record must be written.
    public var evidenceWithinDays: Int?
    /// What each counted drill must show.
    public var condition = RuleCondition()
    /// Rule ids whose drill types this rule's counted drills also count as (PA's security drill in
    /// place of a fire drill): every rule, of any set, that counts those types takes them.
    public var substitutesFor: [String] = []
    /// How many of its drills a year may stand in for another type's (nil: all).
    public var substitutesAtMost: Int?
    /// Applies only to schools whose attributes pass.
    public var when: AttributeTest?
    /// A district's local file may replace it (TX: the local fire marshal sets fire drill counts).
    public var replaceable = false
    /// Notice each counted drill owes, before the day it is held.
    public var notice: Notice?
    /// At least this share of the drills another rule counts must be drills this rule counts (NV:
    /// half of the monthly drills are lockdowns).
    public var share: RuleShare?

    public init(
        id: String, drills: [String], counts: [RuleCount], windows: [Window] = [], firstWithin: Window? = nil,
        minSpacingDays: Int? = nil, source: String? = nil, confidence: String? = nil,
        schedule: DrillDefaults = DrillDefaults()
    ) {
        self.id = id
        self.drills = drills
        self.counts = counts
        self.windows = windows
        self.firstWithin = firstWithin
        self.minSpacingDays = minSpacingDays
        self.source = source
        self.confidence = confidence
        self.schedule = schedule
    }

    /// `fire`, `evacuation or lockdown`: the drills it counts, in words.
    public var drillWords: String {
        if drills.count == ActivityKind.drillTypes.count { return "" }
        let words = drills.map { $0.dashesAsSpaces }
        return words.count <= 2
            ? words.joined(separator: " or ") : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}

/// `share: {at_least: 1/2, of: nv-monthly}`: of the drills the rule `of` (same file) asks for in
/// the year, at least `numerator / denominator` (rounded up) are drills this rule counts, among
/// those `of` counts. Of what the base rule asks, not of every drill held: a school's statutory
/// monthly drills are half lockdowns (NV) whatever other drills the fire code adds to its year.
public struct RuleShare: Hashable, Sendable {
    public var numerator: Int
    public var denominator: Int
    /// The id of the rule whose drills are shared out.
    public var of: String

    public init(numerator: Int, denominator: Int, of: String) {
        self.numerator = numerator
        self.denominator = denominator
        self.of = of
    }

    /// The fewest of `total` drills that meet the share: numerator x total / denominator, rounded up.
    public func needed(of total: Int) -> Int { (numerator * total + denominator - 1) / denominator }

    /// `half`, `1 in 4`, `2 in 3`.
    public var words: String { numerator * 2 == denominator ? "half" : "\(numerator) in \(denominator)" }
}

/// `spacing: {max_days: 30, day_kind: school}`: no run of `length` days of the kind, within the
/// rule's windows, without a counted drill. The first must fall in the first run and the last in
/// the final one, so a year of 180 school days asks for at least six. `{max_months: 2}` counts
/// calendar months instead (UT: a fire drill every other month): no two months in a row without one.
public struct MaxGap: Hashable, Sendable {
    public enum Unit: Hashable, Sendable {
        case days(DayKind)
        case months
    }

    public var length: Int
    public var unit: Unit

    public init(days: Int, dayKind: DayKind = .calendar) {
        length = days
        unit = .days(dayKind)
    }

    public init(months: Int) {
        length = months
        unit = .months
    }

    /// `30 school days`, `2 months`.
    public var words: String { stretch(length) }

    /// `59 school days`, `3 months`: so many of the unit.
    public func stretch(_ count: Int) -> String {
        switch unit {
        case .days(let kind):
            "\(count) \(kind == .calendar ? "" : kind.rawValue + " ")day\(count == 1 ? "" : "s")"
        case .months: "\(count) month\(count == 1 ? "" : "s")"
        }
    }

    /// How many of the unit `span` holds: its days of the kind, or the months it touches.
    public func count(in span: ClosedRange<CalendarDate>, of year: SchoolYear) -> Int {
        switch unit {
        case .days(let kind):
            (span.lowerBound.dayNumber...span.upperBound.dayNumber).count {
                year.counts(CalendarDate(dayNumber: $0), as: kind)
            }
        case .months:
            (span.upperBound.year - span.lowerBound.year) * 12 + span.upperBound.month - span.lowerBound.month + 1
        }
    }
}

/// Conditions on a counted drill.
public struct RuleCondition: Hashable, Sendable {
    /// It must fall in one of these times of day (`lunch`, `recess`).
    public var during: [TimeOfDay] = []
    /// Every one of these must be present (`law_enforcement`, `fire`): structured roles only.
    public var present: [PresenceRole] = []
    /// Students kept inside the building (a lockdown or shelter, not an evacuation).
    public var studentsInside = false
    /// No two counted drills of the year at the same time of day (OK's security drills).
    public var distinctTimes = false
    /// As many clock hours among the counted drills' starts as the rule asks drills in the year
    /// (MT: eight drills "at different hours of the day or evening"); a record with no time
    /// (00:00) shows no hour.
    public var distinctHours = false

    public init() {}

    public var isEmpty: Bool {
        during.isEmpty && present.isEmpty && !studentsInside && !distinctTimes && !distinctHours
    }

    /// `during lunch or recess, with law enforcement present`, for findings.
    public var words: String {
        var parts: [String] = []
        if !during.isEmpty { parts.append("during " + during.map(\.words).joined(separator: " or ")) }
        if !present.isEmpty {
            parts.append("with " + present.map(\.words).joined(separator: " and ") + " present")
        }
        if studentsInside { parts.append("keeping students inside") }
        return parts.joined(separator: ", ")
    }
}

/// Who may be recorded as present at a drill: a closed list, so that "none - officer unavailable"
/// can never count as the police.
public enum PresenceRole: String, Hashable, Sendable, CaseIterable, Comparable {
    case lawEnforcement = "law_enforcement"
    case fire
    case ems
    case emergencyManagement = "emergency_management"
    case schoolResourceOfficer = "school_resource_officer"
    case mentalHealth = "mental_health"
    case districtOffice = "district_office"

    public var words: String {
        switch self {
        case .lawEnforcement: "law enforcement"
        case .fire: "the fire department"
        case .ems: "EMS"
        case .emergencyManagement: "emergency management"
        case .schoolResourceOfficer: "the school resource officer"
        case .mentalHealth: "mental health"
        case .districtOffice: "the district office"
        }
    }

    public static func < (a: PresenceRole, b: PresenceRole) -> Bool { a.rawValue < b.rawValue }
}

extension TimeOfDay {
    /// `lunch`, `passing time`, for findings.
    public var words: String {
        switch self {
        case .passing: "passing time"
        case .class: "class time"
        case .afterSchool: "after school"
        case .allDay: "all day"
        default: rawValue
        }
    }

    /// The times of day a drill can be held in, in the order they are tried.
    public static let drillContexts: [TimeOfDay] = [.class, .passing, .lunch, .recess, .arrival, .dismissal]
}

/// How a rule's drills are run, where the rule says: announced or not, how long, when in the day,
/// notice owed. Unsaid fields take the defaults of `DrillSeries`.
public struct DrillDefaults: Hashable, Sendable {
    public var title: String?
    public var announced: Bool?
    public var durationMinutes: Int?
    public var timeOfDay: TimeOfDay?
    public var notice: Notice
    public var presence: [String]
    public var owner: String?

    public init(
        title: String? = nil, announced: Bool? = nil, durationMinutes: Int? = nil, timeOfDay: TimeOfDay? = nil,
        notice: Notice = Notice(), presence: [String] = [], owner: String? = nil
    ) {
        self.title = title
        self.announced = announced
        self.durationMinutes = durationMinutes
        self.timeOfDay = timeOfDay
        self.notice = notice
        self.presence = presence
        self.owner = owner
    }
}

extension Notice {
    /// The longer lead of two notices, audience by audience.
    public func merged(_ other: Notice?) -> Notice {
        guard let other else { return self }
        func longer(_ a: Int?, _ b: Int?) -> Int? { a.map { max($0, b ?? 0) } ?? b }
        return Notice(
            familiesDays: longer(familiesDays, other.familiesDays),
            respondersHours: longer(respondersHours, other.respondersHours))
    }
}
