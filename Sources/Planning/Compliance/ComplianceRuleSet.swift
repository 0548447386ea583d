/// A jurisdiction's drill rules as data (`Templates/compliance/baseline.yaml`, later one per state).
public struct ComplianceRuleSet: Sendable {
    public var jurisdiction: String
    public var title: String
    /// Source id to its title (and address), for citing.
    public var sources: [String: String]
    /// When the sources were last read (`2026-11-22`).
    public var verified: String?
    public var rules: [ComplianceRule]

    public init(
        jurisdiction: String, title: String, sources: [String: String] = [:], verified: String? = nil,
        rules: [ComplianceRule]
    ) {
        self.jurisdiction = jurisdiction
        self.title = title
        self.sources = sources
        self.verified = verified
        self.rules = rules
    }
}

/// One rule: how many drills of a type, in which periods and windows.
public struct ComplianceRule: Sendable {
    public var id: String
    /// The drill type it counts (`lockdown` for `drill/lockdown`).
    public var drill: String
    public var requirements: [Requirement]
    public var windows: [Window]
    public var firstWithin: Window?
    public var minSpacingDays: Int?
    public var source: String?
    /// H, M or L, as shared/REFERENCE.md grades what was read.
    public var confidence: String?
    /// How Drillbook schedules the drills this rule asks for.
    public var schedule: DrillDefaults
    /// Evidence each drill's record must carry.
    public var requiredEvidence: [EvidenceField] = []
    /// Days after the drill by which its record must be written, if the rule says.
    public var evidenceWithinDays: Int?
    /// What each counted drill must show: its time of day, who was there, students kept inside.
    public var condition = RuleCondition()
    /// Rule ids this rule's drills also count toward (PA's security drill in place of a fire drill).
    public var substitutesFor: [String] = []
    /// Applies only where a school attribute has a value (`sprinklers` is `false`).
    public var when: (attribute: String, equals: String)?
    /// A district's local file may replace it (TX: the local fire marshal sets fire drill counts).
    public var replaceable = false
    /// Notice the drills owe, checked against the schedule.
    public var notice: Notice?

    public init(
        id: String, drill: String, requirements: [Requirement], windows: [Window] = [], firstWithin: Window? = nil,
        minSpacingDays: Int? = nil, source: String? = nil, confidence: String? = nil,
        schedule: DrillDefaults = DrillDefaults()
    ) {
        self.id = id
        self.drill = drill
        self.requirements = requirements
        self.windows = windows
        self.firstWithin = firstWithin
        self.minSpacingDays = minSpacingDays
        self.source = source
        self.confidence = confidence
        self.schedule = schedule
    }
}

/// Conditions on a counted drill.
public struct RuleCondition: Hashable, Sendable {
    /// It must fall in one of these times of day (`lunch`, `passing`).
    public var during: [String] = []
    /// These roles or agencies must be present (`law_enforcement`, `fire`).
    public var present: [String] = []
    /// Students kept inside the building (a lockdown or shelter, not an evacuation).
    public var studentsInside = false

    public init() {}

    public var isEmpty: Bool { during.isEmpty && present.isEmpty && !studentsInside }
}

/// How a rule's drills are run: announced or not, how long, when in the day, notice owed.
public struct DrillDefaults: Hashable, Sendable {
    public var title: String?
    public var announced: Bool
    public var durationMinutes: Int
    public var timeOfDay: TimeOfDay
    public var notice: Notice
    public var presence: [String]
    public var owner: String

    public init(
        title: String? = nil, announced: Bool = true, durationMinutes: Int = 20, timeOfDay: TimeOfDay = .rotate,
        notice: Notice = Notice(), presence: [String] = [], owner: String = "safety_coordinator"
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

extension ComplianceRuleSet {
    /// One drill activity per drill type the rule sets ask for; rules for the same type (a baseline
    /// and a state) are merged, so the schedule meets the strictest of each.
    public static func drillActivities(_ sets: [ComplianceRuleSet]) -> [Activity] {
        var byType: [String: Activity] = [:]
        var order: [String] = []
        for set in sets {
            for rule in set.rules {
                let source = [set.jurisdiction, rule.id].joined(separator: ":")
                // A rule for some schools only (sprinklers or not) schedules its own drills.
                // So does a rule with windows of its own (PA's bus drills: first week, and March), so that
                // one rule's window never narrows another's drills.
                let own = rule.when != nil || !rule.windows.isEmpty || !rule.condition.isEmpty
                let key = own ? "\(rule.drill)/\(rule.id)" : rule.drill
                if var activity = byType[key] {
                    activity.cadence += rule.requirements
                    activity.windows += rule.windows
                    activity.firstWithin = tighter(activity.firstWithin, rule.firstWithin)
                    activity.minSpacingDays = max(activity.minSpacingDays ?? 0, rule.minSpacingDays ?? 0)
                    activity.source = (activity.source.map { $0 + ", " } ?? "") + source
                    activity.requiredEvidence += rule.requiredEvidence.filter {
                        !activity.requiredEvidence.contains($0)
                    }
                    byType[rule.drill] = activity
                } else {
                    order.append(key)
                    let name = String(rule.drill.map { $0 == "-" ? " " : $0 })
                    byType[key] = Activity(
                        id: own ? "\(rule.drill)-drill-\(rule.id)" : "\(rule.drill)-drill",
                        kind: .drill(rule.drill),
                        title: rule.schedule.title ?? name.prefix(1).uppercased() + name.dropFirst() + " drill",
                        cadence: rule.requirements, windows: rule.windows, firstWithin: rule.firstWithin,
                        minSpacingDays: rule.minSpacingDays, durationMinutes: rule.schedule.durationMinutes,
                        timeOfDay: rule.schedule.timeOfDay, owner: rule.schedule.owner,
                        announced: rule.schedule.announced, presence: rule.schedule.presence,
                        notice: rule.schedule.notice, review: true, source: source)
                    byType[key]!.requiredEvidence = rule.requiredEvidence
                    byType[key]!.onlyWhere = rule.when.map {
                        AttributeCondition(attribute: $0.attribute, equals: $0.equals)
                    }
                    byType[key]!.apply(rule)
                }
            }
        }
        return order.map { byType[$0]! }
    }
}

extension Activity {
    /// What a rule asks of each drill, carried into how it is scheduled.
    mutating func apply(_ rule: ComplianceRule) {
        if let during = rule.condition.during.first.flatMap(TimeOfDay.init(rawValue:)) { timeOfDay = during }
        presence += rule.condition.present.filter { !presence.contains($0) }
        if let notice = rule.notice {
            self.notice.familiesDays = max(self.notice.familiesDays ?? 0, notice.familiesDays ?? 0).nonZero
            self.notice.respondersHours = max(self.notice.respondersHours ?? 0, notice.respondersHours ?? 0).nonZero
        }
    }
}

extension Int {
    var nonZero: Int? { self == 0 ? nil : self }
}

/// Of two "first within" windows, the one that ends sooner when both count days; else the first given.
func tighter(_ a: Window?, _ b: Window?) -> Window? {
    guard let a, let b else { return a ?? b }
    if case .within(let days, false, _) = a, case .within(let other, false, _) = b { return other < days ? b : a }
    return a
}
