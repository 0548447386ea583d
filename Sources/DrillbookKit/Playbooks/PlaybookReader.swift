import Foundation
import Playbooks
import Store
import Yams

/// Reads playbook files (`schema: drillbook-playbook/1`, shared/FORMATS.md section 3).
enum PlaybookReader {
    static let stepFields = [
        "id", "kind", "title", "owner", "due", "urgent", "escalate", "requires", "source", "mandatory", "exercise",
        "next",
        "options", "rationale", "branches", "playbook", "audience", "message", "every", "max", "until", "body", "items",
        "wait",
    ]

    static func read(file: String, builtIn: Bool) throws(PlanError) -> Playbook {
        let text = try Resources.text(file)
        let root = try YAMLValue.load(text, file: file)
        let fields = try root.mapping(allowed: [
            "schema", "id", "version", "title", "sources", "roles", "facts", "start", "steps",
        ])
        guard try fields["schema"]?.string() == "drillbook-playbook/1" else {
            throw (fields["schema"] ?? root).fail("expected schema: drillbook-playbook/1")
        }
        for key in ["id", "version", "title", "start", "steps"] where fields[key] == nil {
            throw root.fail("\(key) is missing")
        }
        var sources: [String: String] = [:]
        for (id, value) in try fields["sources"]?.namedMapping() ?? [] {
            sources[id] = try value.mapping(allowed: ["title", "url"])["title"]?.string() ?? id
        }
        var roles: [String: Role] = [:]
        for (id, value) in try fields["roles"]?.namedMapping() ?? [] {
            let role = try value.mapping(allowed: ["title", "contact", "alternates", "external"])
            roles[id] = Role(
                id: id, title: try role["title"]?.string() ?? id, contact: try role["contact"]?.string(),
                alternates: try role["alternates"]?.strings() ?? [], external: try role["external"]?.bool() ?? false)
        }
        var facts: [String: Fact] = [:]
        for (id, value) in try fields["facts"]?.namedMapping() ?? [] {
            let fact = try value.mapping(allowed: ["type", "values", "confidential"])
            let type = try fact["type"]?.choice(["text", "enum", "number", "bool"]) ?? "text"
            let kind: Fact.Kind
            switch type {
            case "enum":
                guard let values = fact["values"] else { throw value.fail("an enum fact needs values") }
                kind = .choice(try values.strings())
            case "number": kind = .number
            case "bool": kind = .flag
            default: kind = .text
            }
            facts[id] = Fact(id: id, kind: kind, confidential: try fact["confidential"]?.bool() ?? false)
        }
        var steps: [Step] = []
        for (id, value) in try fields["steps"]!.namedMapping() {
            try readStep(value, id: id, parent: nil, into: &steps)
        }
        let hash = sha256Hex(text)
        return Playbook(
            id: try fields["id"]!.string(), version: try fields["version"]!.string(),
            title: try fields["title"]!.string(),
            sources: sources, roles: roles, facts: facts, start: try fields["start"]!.string(), steps: steps,
            file: file,
            builtIn: builtIn, contentHash: hash)
    }

    private static func readStep(_ value: YAMLValue, id given: String?, parent: String?, into steps: inout [Step])
        throws(PlanError)
    {
        let fields = try value.mapping(allowed: stepFields)
        let named: String? = try fields["id"]?.string()
        guard let id = given ?? named else { throw value.fail("a branch or body step needs an id") }
        guard let kindField = fields["kind"] else {
            throw value.fail(
                "kind is missing (expected one of: \(Step.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let kind = Step.Kind(rawValue: try kindField.choice(Step.Kind.allCases.map(\.rawValue)))!
        var step = Step(id: id, kind: kind, title: try fields["title"]?.string() ?? id)
        step.line = value.line
        step.parent = parent
        step.owner = try fields["owner"]?.string()
        step.urgent = try fields["urgent"]?.bool() ?? false
        step.source = try fields["source"]?.string()
        step.mandatory = try fields["mandatory"]?.bool() ?? true
        step.exercise = try fields["exercise"]?.choice(["simulate", "skip"])
        step.next = try fields["next"]?.string()
        step.rationaleRequired = try fields["rationale"]?.choice(["required", "optional"]) == "required"
        step.playbook = try fields["playbook"]?.string()
        step.audience = try fields["audience"]?.choice(["staff", "families", "public", "responders", "team"])
        step.message = try fields["message"]?.string()
        step.items = try fields["items"]?.strings() ?? []
        step.max = try fields["max"]?.int(1...1000)
        if let every = fields["every"] { step.everyMinutes = try every.duration() }
        if let until = fields["until"] {
            guard let condition = Condition(try until.string()) else {
                throw until.fail("expected facts.NAME == 'value' or facts.NAME != 'value'")
            }
            step.until = condition
        }
        if let due = fields["due"] { step.due = try deadline(due) }
        for item in fields["escalate"]?.listOrOne() ?? [] {
            let escalation = try item.mapping(allowed: ["after", "notify"])
            step.escalateTo += try escalation["notify"]?.strings() ?? []
            if let after = escalation["after"] {
                // `due`: with the owner; `due+10m`: when no one has acknowledged ten minutes after.
                let text = try after.string().replacingOccurrences(of: " ", with: "")
                let delay = text == "due" ? "0m" : text.hasPrefix("due+") ? String(text.dropFirst(4)) : ""
                guard delay.hasSuffix("m"), let minutes = Int(delay.dropLast()), (0...1440).contains(minutes) else {
                    throw after.fail("expected due or due+Nm (minutes to acknowledge before escalating, at most 1440)")
                }
                step.escalateAfterMinutes = max(step.escalateAfterMinutes, minutes)
            }
        }
        for item in fields["requires"]?.listOrOne() ?? [] {
            let requirement = try item.mapping(allowed: ["facts", "note", "signoff", "attachment"])
            if let facts = requirement["facts"] { step.requires.append(.facts(try facts.strings())) }
            if requirement["note"] != nil { step.requires.append(.note) }
            if let role = requirement["signoff"] { step.requires.append(.signoff(role: try role.string())) }
            if requirement["attachment"] != nil { step.requires.append(.attachment) }
        }
        for (name, option) in try fields["options"]?.namedMapping() ?? [] {
            guard let next = try option.mapping(allowed: ["next"])["next"] else {
                throw option.fail("an option needs next")
            }
            step.options.append(Step.Option(name: name, next: try next.string()))
        }
        var children: [YAMLValue] = try fields["branches"]?.list() ?? []
        if let body = fields["body"] { children.append(body) }
        let index = steps.count
        steps.append(step)
        for child in children {
            try readStep(child, id: nil, parent: id, into: &steps)
            steps[index].children.append(steps.last { $0.parent == id }!.id)
        }
    }

    /// `T+15m` from the start, or `{after: STEP, plus: 30m}`.
    private static func deadline(_ value: YAMLValue) throws(PlanError) -> Step.Deadline {
        if let text = value.node.scalar?.string {
            guard text.hasPrefix("T+") else { throw value.fail("expected T+15m or {after: STEP, plus: 30m}") }
            let minutes = try YAMLValue(node: Node(String(text.dropFirst(2))), file: value.file, path: value.path)
                .duration()
            return .fromStart(minutes: minutes)
        }
        let fields = try value.mapping(allowed: ["after", "plus"])
        guard let after = fields["after"] else { throw value.fail("expected {after: STEP, plus: 30m}") }
        return .after(step: try after.string(), minutes: try fields["plus"]?.duration() ?? 0)
    }
}
