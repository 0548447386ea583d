/// A response procedure as data (shared/FORMATS.md section 3): roles, facts and steps.
public struct Playbook: Hashable, Sendable {
    public var id: String
    public var version: String
    public var title: String
    /// Source id to title: every built-in step cites one.
    public var sources: [String: String]
    public var roles: [String: Role]
    public var facts: [String: Fact]
    public var start: String
    /// Every step, branches and loop bodies included, in file order.
    public var steps: [Step]
    /// Where it was read from, and whether it ships with Drillbook (then every step needs a source).
    public var file: String
    public var builtIn: Bool
    /// SHA-256 of the file's text: an incident pins the exact playbook it ran.
    public var contentHash: String

    public init(
        id: String, version: String, title: String, sources: [String: String] = [:], roles: [String: Role] = [:],
        facts: [String: Fact] = [:], start: String, steps: [Step], file: String = "", builtIn: Bool = false,
        contentHash: String = ""
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.sources = sources
        self.roles = roles
        self.facts = facts
        self.start = start
        self.steps = steps
        self.file = file
        self.builtIn = builtIn
        self.contentHash = contentHash
    }

    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }
}

/// Who does what: filled from the plan's contacts by `contact`.
public struct Role: Hashable, Sendable {
    public var id: String
    public var title: String
    /// The plan's contact role that fills it (`principal`, `district.safety_lead`).
    public var contact: String?
    public var alternates: [String]
    /// Outside the school (police): told, not assigned tasks by Drillbook.
    public var external: Bool

    public init(id: String, title: String, contact: String? = nil, alternates: [String] = [], external: Bool = false) {
        self.id = id
        self.title = title
        self.contact = contact
        self.alternates = alternates
        self.external = external
    }
}

/// Something learned during an incident.
public struct Fact: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case text, number, flag
        case choice([String])
    }

    public var id: String
    public var kind: Kind
    /// Never flows into a family or public notice, never leaves the incident file.
    public var confidential: Bool

    public init(id: String, kind: Kind, confidential: Bool = false) {
        self.id = id
        self.kind = kind
        self.confidential = confidential
    }
}

/// One step of a playbook.
public struct Step: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case task, checklist, decision, parallel, call, notify, wait, `repeat`, end
    }

    /// When a step is due: minutes from the incident's start, or after another step is done.
    public enum Deadline: Hashable, Sendable {
        case fromStart(minutes: Int)
        case after(step: String, minutes: Int)
    }

    /// What must be there before the step can be done.
    public enum Requirement: Hashable, Sendable {
        case facts([String])
        case note
        case signoff(role: String)
        case attachment
    }

    public var id: String
    public var kind: Kind
    public var title: String
    public var owner: String?
    public var due: Deadline?
    public var urgent = false
    /// Roles told when the step is late (`escalate: [{after: due, notify: [district_safety]}]`).
    public var escalateTo: [String] = []
    /// How long the owner has to acknowledge a late step before `escalateTo` is told (`after: due`
    /// is 0: told with the owner; `after: due+10m` is 10).
    public var escalateAfterMinutes = 0
    public var requires: [Requirement] = []
    public var source: String?
    /// Blocks closing until done (default true).
    public var mandatory = true
    /// In an exercise: `simulate` (render, send nothing) or `skip`.
    public var exercise: String?
    public var next: String?
    /// A decision's options, in file order: name and the step it leads to.
    public var options: [Option] = []
    public var rationaleRequired = false
    /// A parallel step's branches, a repeat's body, a call's entry: step ids.
    public var children: [String] = []
    /// A call's sub-playbook id.
    public var playbook: String?
    /// A notice's audience: staff, families, public, responders.
    public var audience: String?
    /// A notice's text, with `{{facts.x}}` placeholders.
    public var message: String?
    /// A repeat's bound and stop condition.
    public var everyMinutes: Int?
    public var max: Int?
    public var until: Condition?
    public var items: [String] = []
    /// The parallel or repeat this step belongs to.
    public var parent: String?
    /// The line of the file it was read from.
    public var line = 0

    public struct Option: Hashable, Sendable {
        public var name: String
        public var next: String

        public init(name: String, next: String) {
            self.name = name
            self.next = next
        }
    }

    public init(id: String, kind: Kind, title: String) {
        self.id = id
        self.kind = kind
        self.title = title
    }
}

/// `facts.source_identified != 'no'`.
public struct Condition: Hashable, Sendable, CustomStringConvertible {
    public var fact: String
    public var equals: Bool
    public var value: String

    /// Parses `facts.NAME == 'value'` or `facts.NAME != 'value'`.
    public init?(_ text: String) {
        let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0].hasPrefix("facts."), parts[1] == "==" || parts[1] == "!=" else { return nil }
        fact = String(parts[0].dropFirst(6))
        equals = parts[1] == "=="
        value = parts[2].trimmingCharacters(in: ["'", "\""])
    }

    public func holds(_ facts: [String: String]) -> Bool {
        guard let current = facts[fact] else { return false }
        return (current == value) == equals
    }

    public var description: String { "facts.\(fact) \(equals ? "==" : "!=") '\(value)'" }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
