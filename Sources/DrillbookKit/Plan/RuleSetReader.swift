import Planning
import Yams

/// Reading a compliance rule set: `schema: drillbook-compliance/2`, or a `/1` file of the first
/// release (same shapes, fewer of them: a `/1` file that uses a `/2` shape is told to say `/2`).
enum RuleSetReader {
    static let ruleFields = [
        "id", "drill", "require", "and", "window", "first_within", "spacing", "source", "confidence", "schedule",
        "applies_to", "condition", "substitutes_for", "substitutes_at_most", "when", "evidence", "replaceable",
        "notice", "share",
    ]

    static func read(_ text: String, file: String) throws(PlanError) -> ComplianceRuleSet {
        let root = try YAMLValue.load(text, file: file)
        let fields = try root.mapping(allowed: [
            "schema", "jurisdiction", "title", "sources", "verified", "attributes", "rules",
        ])
        let schema = try fields["schema"]?.choice(["drillbook-compliance/1", "drillbook-compliance/2"])
        guard let schema else { throw root.fail("schema is missing (expected schema: drillbook-compliance/2)") }
        let version = schema.hasSuffix("/2") ? 2 : 1
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
        if let attributes = fields["attributes"] {
            try needs2(version, attributes, "attributes")
            for (name, declaration) in try attributes.namedMapping() {
                set.attributes[name] = try self.declaration(declaration)
            }
        }
        for item in try rules.list() {
            let rule = try item.mapping(allowed: ruleFields)
            guard let id = rule["id"] else { throw item.fail("id is missing") }
            // Rules with no drill of their own (TX: no role-players in any drill) are read, not checked.
            guard let drill = rule["drill"] else { continue }
            if let source = rule["source"], sources[try source.string()] == nil {
                throw source.fail(
                    "\"\(try source.string())\" is not one of this file's sources (\(sources.keys.sorted().joined(separator: ", ")))"
                )
            }
            var parsed = ComplianceRule(
                id: try id.string(), drills: try drills(drill, version: version), counts: [],
                source: try rule["source"]?.string(),
                confidence: try rule["confidence"]?.choice(["H", "M", "L", "H/M"]))
            for key in ["require", "and"] {
                if let value = rule[key] { parsed.counts += try counts(value, version: version) }
            }
            parsed.substitutesFor = try rule["substitutes_for"]?.strings() ?? []
            if let most = rule["substitutes_at_most"] {
                try needs2(version, most, "substitutes_at_most")
                parsed.substitutesAtMost = try most.int(0...366)
            }
            if let spacing = rule["spacing"] { try self.spacing(spacing, version: version, into: &parsed) }
            if let share = rule["share"] {
                try needs2(version, share, "share")
                parsed.share = try self.share(share)
            }
            guard
                !parsed.counts.isEmpty || !parsed.substitutesFor.isEmpty || parsed.maxGap != nil || parsed.share != nil
            else {
                throw item.fail("require is missing (expected {count: N, per: PERIOD})")
            }
            parsed.windows =
                try rule["window"].map { (field) throws(PlanError) in try windows(field, version: version) } ?? []
            parsed.firstWithin = try rule["first_within"].map { (field) throws(PlanError) in
                try window(field, version: version)
            }
            if let defaults = rule["schedule"] { parsed.schedule = try schedule(defaults) }
            if let condition = rule["condition"] { parsed.condition = try self.condition(condition, version: version) }
            if let when = rule["when"] { parsed.when = try attributeTest(when, version: version, set: &set) }
            parsed.replaceable = try rule["replaceable"]?.bool() ?? false
            if let notice = rule["notice"] { parsed.notice = try ActivityReader.notice(notice) }
            if let evidence = rule["evidence"] {
                let given = try evidence.mapping(allowed: ["required", "within_days"])
                parsed.evidenceWithinDays = try given["within_days"]?.int(0...366)
                for name in try given["required"]?.strings() ?? [] {
                    guard let field = EvidenceField(rawValue: name) else {
                        throw given["required"]!.fail(
                            "\"\(name)\" is not an evidence field"
                                + (nearest(name, in: EvidenceField.allCases.map(\.rawValue)).map {
                                    " (did you mean \($0)?)"
                                } ?? "")
                                + "; expected one of: " + EvidenceField.allCases.map(\.rawValue).joined(separator: ", ")
                        )
                    }
                    parsed.requiredEvidence.append(field)
                }
            }
            set.rules.append(parsed)
        }
        for rule in set.rules {
            for target in rule.substitutesFor where !set.rules.contains(where: { $0.id == target }) {
                throw rules.fail("rule \(rule.id) substitutes for \"\(target)\", which is not a rule of this file")
            }
            if let share = rule.share {
                guard let base = set.rules.first(where: { $0.id == share.of }), base.id != rule.id else {
                    throw rules.fail(
                        "rule \(rule.id) takes a share of \"\(share.of)\", which is not another rule of this file")
                }
                guard base.share == nil else {
                    throw rules.fail("rule \(rule.id) takes a share of \(base.id), which is itself a share")
                }
            }
        }
        return set
    }

    /// `{min_days: 20}` (calendar days between two counted drills), `{max_days: 30, day_kind: school}`
    /// (no run of 30 school days without one), `{max_months: 2}` (no two months in a row without
    /// one), or a minimum with one of the maxima.
    private static func spacing(_ value: YAMLValue, version: Int, into rule: inout ComplianceRule) throws(PlanError) {
        let fields = try value.mapping(allowed: ["min_days", "max_days", "day_kind", "max_months"])
        rule.minSpacingDays = try fields["min_days"]?.int(0...366)
        if let most = fields["max_days"] {
            try needs2(version, most, "spacing max_days")
            if let months = fields["max_months"] {
                throw months.fail("say max_days or max_months, not both")
            }
            rule.maxGap = MaxGap(
                days: try most.int(1...366),
                dayKind: try fields["day_kind"].map { (kind) throws(PlanError) in
                    DayKind(rawValue: try kind.choice(DayKind.allCases.map(\.rawValue)))!
                } ?? .calendar)
            if let least = rule.minSpacingDays, least > rule.maxGap!.length {
                throw value.fail(
                    "min_days \(least) is more than max_days \(rule.maxGap!.length): no drills can meet both")
            }
        } else if let months = fields["max_months"] {
            try needs2(version, months, "spacing max_months")
            if let kind = fields["day_kind"] {
                throw kind.fail("day_kind measures max_days; max_months counts calendar months")
            }
            rule.maxGap = MaxGap(months: try months.int(1...12))
            if let least = rule.minSpacingDays, least > 28 * rule.maxGap!.length {
                throw value.fail(
                    "min_days \(least) is more than \(rule.maxGap!.length) month(s) may hold: no drills can meet both")
            }
        } else if let kind = fields["day_kind"] {
            throw kind.fail("day_kind measures max_days, which is missing (min_days counts calendar days)")
        }
    }

    /// `{at_least: 1/2, of: RULE}`: a fraction between 0 and 1, its parts whole numbers.
    private static func share(_ value: YAMLValue) throws(PlanError) -> RuleShare {
        let fields = try value.mapping(allowed: ["at_least", "of"])
        guard let least = fields["at_least"], let of = fields["of"] else {
            throw value.fail("a share needs at_least and of (expected {at_least: 1/2, of: RULE-ID})")
        }
        let text = try least.string()
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let numerator = Int(parts[0].filter { !$0.isWhitespace }),
            let denominator = Int(parts[1].filter { !$0.isWhitespace }), numerator > 0,
            denominator > numerator, denominator <= 100
        else {
            throw least.fail("\"\(text)\" is not a share (expected a fraction below 1, as 1/2 or 1/4)")
        }
        return RuleShare(numerator: numerator, denominator: denominator, of: try of.string())
    }

    private static func needs2(_ version: Int, _ value: YAMLValue, _ what: String) throws(PlanError) {
        guard version == 2 else {
            throw value.fail("\(what) needs schema: drillbook-compliance/2 (this file says /1; change its schema line)")
        }
    }

    /// `fire`, `[evacuation, lockdown]` or `any`.
    private static func drills(_ value: YAMLValue, version: Int) throws(PlanError) -> [String] {
        if case Node.sequence = value.node { try needs2(version, value, "a list of drill types") }
        if (try? value.string()) == "any" {
            try needs2(version, value, "drill: any")
            return ActivityKind.drillTypes
        }
        var types: [String] = []
        for item in value.listOrOne() {
            let name = try item.string()
            guard ActivityKind.drillTypes.contains(name) else {
                throw item.fail(
                    "\"\(name)\" is not a drill type"
                        + (nearest(name, in: ActivityKind.drillTypes).map { " (did you mean \($0)?)" } ?? "")
                        + "; expected one of: \(ActivityKind.drillTypes.joined(separator: ", ")), or any")
            }
            if !types.contains(name) { types.append(name) }
        }
        return types
    }

    /// `{count: 2, per: year}`, `{count: 2, at_most: 2, per: semester}`, `{at_most: 2, per: semester}`, or a list.
    private static func counts(_ value: YAMLValue, version: Int) throws(PlanError) -> [RuleCount] {
        var result: [RuleCount] = []
        for item in value.listOrOne() {
            let fields = try item.mapping(allowed: ["count", "at_most", "per"])
            guard let per = fields["per"], fields["count"] != nil || fields["at_most"] != nil else {
                throw item.fail("expected {count: N, per: PERIOD} (or at_most: N)")
            }
            if let most = fields["at_most"] { try needs2(version, most, "at_most") }
            let count = RuleCount(
                atLeast: try fields["count"]?.int(0...366) ?? 0, atMost: try fields["at_most"]?.int(0...366),
                per: PeriodKind(rawValue: try per.choice(PeriodKind.allCases.map(\.rawValue)))!)
            if let most = count.atMost, most < count.atLeast {
                throw item.fail("at_most \(most) is less than count \(count.atLeast)")
            }
            result.append(count)
        }
        return result
    }

    private static func windows(_ value: YAMLValue, version: Int) throws(PlanError) -> [Window] {
        var result: [Window] = []
        for item in value.listOrOne() { result.append(try window(item, version: version)) }
        return result
    }

    private static func window(_ value: YAMLValue, version: Int) throws(PlanError) -> Window {
        let window = try ActivityReader.window(value)
        switch window {
        case .after: try needs2(version, value, "after_days")
        case .within(_, .day, _): try needs2(version, value, "of: a month and day")
        default: break
        }
        return window
    }

    private static func schedule(_ value: YAMLValue) throws(PlanError) -> DrillDefaults {
        let given = try value.mapping(allowed: [
            "title", "announced", "duration", "time_of_day", "notice", "presence", "owner",
        ])
        var schedule = DrillDefaults()
        schedule.title = try given["title"]?.string()
        schedule.announced = try given["announced"]?.bool()
        schedule.durationMinutes = try given["duration"]?.duration(max: 24 * 60)
        if let time = given["time_of_day"] {
            schedule.timeOfDay = TimeOfDay(rawValue: try time.choice(TimeOfDay.allCases.map(\.rawValue)))!
        }
        if let notice = given["notice"] { schedule.notice = try ActivityReader.notice(notice) }
        schedule.presence = try given["presence"]?.strings() ?? []
        schedule.owner = try given["owner"]?.string()
        return schedule
    }

    private static func condition(_ value: YAMLValue, version: Int) throws(PlanError) -> RuleCondition {
        let fields = try value.mapping(allowed: [
            "during", "present", "students", "distinct_times", "distinct_hours", "no_simulated_attacker",
        ])
        var condition = RuleCondition()
        let contexts = TimeOfDay.drillContexts.map(\.rawValue)
        for item in fields["during"]?.listOrOne() ?? [] {
            let context = try item.string()
            guard let time = TimeOfDay(rawValue: context), TimeOfDay.drillContexts.contains(time) else {
                throw item.fail("\"\(context)\" is not a time of day (\(contexts.joined(separator: ", ")))")
            }
            if time == .recess { try needs2(version, item, "during: recess") }
            condition.during.append(time)
        }
        for item in fields["present"]?.listOrOne() ?? [] {
            let name = try item.string()
            guard let role = PresenceRole(rawValue: name) else {
                let roles = PresenceRole.allCases.map(\.rawValue)
                throw item.fail(
                    "\"\(name)\" is not a presence role"
                        + (nearest(name, in: roles).map { " (did you mean \($0)?)" } ?? "")
                        + "; expected one of: \(roles.joined(separator: ", "))")
            }
            condition.present.append(role)
        }
        condition.studentsInside = try fields["students"]?.choice(["inside", "present"]) == "inside"
        if let distinct = fields["distinct_hours"] {
            try needs2(version, distinct, "distinct_hours")
            condition.distinctHours = try distinct.bool()
        }
        if let distinct = fields["distinct_times"] {
            try needs2(version, distinct, "distinct_times")
            condition.distinctTimes = try distinct.bool()
        }
        return condition
    }

    /// `{attribute: sprinklers, equals: true}`, `{any: [...]}`, `{all: [...]}`. A `/1` file's
    /// attributes are declared by use: text, no default.
    private static func attributeTest(_ value: YAMLValue, version: Int, set: inout ComplianceRuleSet)
        throws(PlanError) -> AttributeTest
    {
        let fields = try value.mapping(allowed: ["attribute", "equals", "at_least", "at_most", "any", "all"])
        for key in ["any", "all"] {
            guard let list = fields[key] else { continue }
            try needs2(version, list, "when: {\(key): ...}")
            var tests: [AttributeTest] = []
            for item in try list.list() { tests.append(try attributeTest(item, version: version, set: &set)) }
            return key == "any" ? .any(tests) : .all(tests)
        }
        if let attribute = fields["attribute"], fields["equals"] == nil,
            let bound = fields["at_least"] ?? fields["at_most"]
        {
            try needs2(version, bound, "at_least and at_most")
            let name = try attribute.string()
            guard let declared = set.attributes[name] else {
                throw attribute.fail(
                    "attribute \"\(name)\" is not declared in this file's attributes (add \(name): {type: number})")
            }
            guard declared.kind == .number else {
                throw bound.fail("at_least and at_most compare a number; \(name) is declared \(declared.kind.rawValue)")
            }
            let atLeast = try fields["at_least"]?.int(-2...1_000_000)
            let atMost = try fields["at_most"]?.int(-2...1_000_000)
            if let atLeast, let atMost, atMost < atLeast {
                throw value.fail("at_most \(atMost) is less than at_least \(atLeast): no school passes")
            }
            return .range(attribute: name, atLeast: atLeast, atMost: atMost)
        }
        guard let attribute = fields["attribute"], let equals = fields["equals"],
            fields["at_least"] == nil && fields["at_most"] == nil
        else {
            throw value.fail(
                "expected {attribute: NAME, equals: VALUE}, {attribute: NAME, at_least: N, at_most: M}, {any: [...]} or {all: [...]}"
            )
        }
        let name = try attribute.string()
        if set.attributes[name] == nil {
            guard version == 1 else {
                throw attribute.fail(
                    "attribute \"\(name)\" is not declared in this file's attributes (add \(name): {type: bool})")
            }
            set.attributes[name] = AttributeDeclaration(kind: equals.truth != nil ? .bool : .text)
        }
        return .equals(attribute: name, value: try AttributeValue.normalize(equals, as: set.attributes[name]!.kind))
    }

    private static func declaration(_ value: YAMLValue) throws(PlanError) -> AttributeDeclaration {
        let fields = try value.mapping(allowed: ["type", "default", "description"])
        guard let type = fields["type"] else { throw value.fail("type is missing (expected bool, text or number)") }
        let kind = AttributeDeclaration.Kind(
            rawValue: try type.choice(AttributeDeclaration.Kind.allCases.map(\.rawValue)))!
        return AttributeDeclaration(
            kind: kind,
            defaultValue: try fields["default"].map { (field) throws(PlanError) in
                try AttributeValue.normalize(field, as: kind)
            }, description: try fields["description"]?.string())
    }
}

/// A school attribute's value, checked against its declared type and kept in one spelling
/// (`true`/`false` for booleans, whatever YAML spelled them).
enum AttributeValue {
    static func normalize(_ value: YAMLValue, as kind: AttributeDeclaration.Kind) throws(PlanError) -> String {
        switch kind {
        case .bool:
            if let bool = value.truth { return bool ? "true" : "false" }
            let text = (value.node.string ?? "").lowercased()
            if ["true", "yes", "on"].contains(text) { return "true" }
            if ["false", "no", "off"].contains(text) { return "false" }
            throw value.fail("expected true or false, not \"\(value.node.string ?? "?")\"")
        case .number:
            guard let number = value.node.int else {
                throw value.fail("expected a whole number, not \"\(value.node.string ?? "?")\"")
            }
            return String(number)
        case .text:
            return try value.string()
        }
    }
}

/// The closest of `candidates` to a misspelt `word`, when one is close (edit distance at most a third
/// of its length, and 3 at most): for "did you mean" hints.
func nearest(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var row = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var previous = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let current = row[j + 1]
                row[j + 1] = min(row[j + 1] + 1, row[j] + 1, previous + (x == y ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
    let letters = Array(word.lowercased())
    let scored = candidates.map { ($0, distance(letters, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
    guard let (best, score) = scored, score <= min(3, max(1, letters.count / 3)) else { return nil }
    return best
}
