import Planning
import Yams

/// Reading a compliance rule set (`schema: drillbook-compliance/1`).
enum RuleSetReader {
    /// Rule shapes of shared/FORMATS.md that the checker (the compliance issue) will enforce; read
    /// and accepted here so state files can carry them already.
    static let laterFields = [
        "applies_to", "condition", "substitutes_for", "when", "season", "evidence", "replaceable", "notice",
    ]

    /// The shapes beyond counts and windows: conditions, substitution, attributes, notice, evidence.
    static func readShapes(_ rule: [String: YAMLValue], into parsed: inout ComplianceRule) throws(PlanError) {
        if let condition = rule["condition"] {
            let fields = try condition.mapping(allowed: ["during", "present", "students", "no_simulated_attacker"])
            parsed.condition.during = try fields["during"]?.strings() ?? []
            for context in parsed.condition.during
            where !["class", "passing", "lunch", "arrival", "dismissal"].contains(context) {
                throw fields["during"]!.fail(
                    "\"\(context)\" is not a time of day (class, passing, lunch, arrival, dismissal)")
            }
            parsed.condition.present = try fields["present"]?.strings() ?? []
            parsed.condition.studentsInside = try fields["students"]?.choice(["inside", "present"]) == "inside"
        }
        parsed.substitutesFor = try rule["substitutes_for"]?.strings() ?? []
        if let when = rule["when"] {
            let fields = try when.mapping(allowed: ["attribute", "equals"])
            guard let attribute = fields["attribute"], let equals = fields["equals"] else {
                throw when.fail("expected {attribute: NAME, equals: VALUE}")
            }
            parsed.when = (try attribute.string(), equals.node.string ?? "")
        }
        parsed.replaceable = try rule["replaceable"]?.bool() ?? false
        if let notice = rule["notice"] { parsed.notice = try ActivityReader.notice(notice) }
        if let evidence = rule["evidence"] {
            parsed.evidenceWithinDays = try evidence.mapping(allowed: ["required", "within_days"])["within_days"]?.int(
                0...366)
        }
    }

    static func read(_ text: String, file: String) throws(PlanError) -> ComplianceRuleSet {
        let root = try YAMLValue.load(text, file: file)
        let fields = try root.mapping(allowed: ["schema", "jurisdiction", "title", "sources", "verified", "rules"])
        let schema = try fields["schema"]?.string()
        guard schema == "drillbook-compliance/1" else {
            throw (fields["schema"] ?? root).fail("expected schema: drillbook-compliance/1")
        }
        guard let jurisdiction = fields["jurisdiction"], let rules = fields["rules"] else {
            throw root.fail("a rule set needs jurisdiction and rules")
        }
        var sources: [String: String] = [:]
        for (id, source) in try fields["sources"]?.namedMapping() ?? [] {
            sources[id] = try source.mapping(allowed: ["title", "url"])["title"]?.string() ?? id
        }
        var set = ComplianceRuleSet(
            jurisdiction: try jurisdiction.string(), title: try fields["title"]?.string() ?? "", sources: sources,
            verified: try fields["verified"]?.string(), rules: [])
        for item in try rules.list() {
            let rule = try item.mapping(
                allowed: [
                    "id", "drill", "require", "and", "window", "first_within", "spacing", "source", "confidence",
                    "schedule",
                ]
                    + laterFields)
            guard let id = rule["id"] else { throw item.fail("id is missing") }
            guard let drill = rule["drill"] else {
                // Rules with no drill of their own (conditions on every drill) come with the compliance checker.
                continue
            }
            let type = try drill.choice(ActivityKind.drillTypes)
            guard let require = rule["require"] else {
                throw item.fail("require is missing (expected {count: N, per: PERIOD})")
            }
            if let source = rule["source"], sources[try source.string()] == nil {
                throw source.fail(
                    "\"\(try source.string())\" is not one of this file's sources (\(sources.keys.sorted().joined(separator: ", ")))"
                )
            }
            var schedule = DrillDefaults()
            if let defaults = rule["schedule"] {
                let given = try defaults.mapping(allowed: [
                    "title", "announced", "duration", "time_of_day", "notice", "presence", "owner",
                ])
                schedule.title = try given["title"]?.string()
                schedule.announced = try given["announced"]?.bool() ?? true
                schedule.durationMinutes = try given["duration"]?.duration() ?? 20
                if let time = given["time_of_day"] {
                    schedule.timeOfDay = TimeOfDay(rawValue: try time.choice(TimeOfDay.allCases.map(\.rawValue)))!
                }
                schedule.notice =
                    try given["notice"].map { (field) throws(PlanError) in try ActivityReader.notice(field) }
                    ?? Notice()
                schedule.presence = try given["presence"]?.strings() ?? []
                schedule.owner = try given["owner"]?.string() ?? "safety_coordinator"
            }
            var required: [EvidenceField] = []
            if let evidence = rule["evidence"] {
                let fields = try evidence.mapping(allowed: ["required", "within_days"])
                for name in try fields["required"]?.strings() ?? [] {
                    guard let field = EvidenceField(rawValue: name) else {
                        throw fields["required"]!.fail(
                            "\"\(name)\" is not an evidence field (expected one of: "
                                + EvidenceField.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                    }
                    required.append(field)
                }
            }
            set.rules.append(
                ComplianceRule(
                    id: try id.string(), drill: type,
                    requirements: try ActivityReader.requirements(require)
                        + (try rule["and"].map { (field) throws(PlanError) in try ActivityReader.requirements(field) }
                            ?? []),
                    windows: try rule["window"].map { (field) throws(PlanError) in try ActivityReader.windows(field) }
                        ?? [],
                    firstWithin: try rule["first_within"].map { (field) throws(PlanError) in
                        try ActivityReader.window(field)
                    },
                    minSpacingDays: try rule["spacing"]?.mapping(allowed: ["min_days"])["min_days"]?.int(0...366),
                    source: try rule["source"]?.string(),
                    confidence: try rule["confidence"]?.choice(["H", "M", "L", "H/M"]), schedule: schedule))
            set.rules[set.rules.count - 1].requiredEvidence = required
            try readShapes(rule, into: &set.rules[set.rules.count - 1])
        }
        return set
    }
}
