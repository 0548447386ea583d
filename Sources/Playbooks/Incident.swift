/// Something that happened in an incident: the append-only record its state and report derive from.
public struct IncidentEvent: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A report from a tip line or alert service, with everything it carried.
        case received
        case started
        case roleBound = "role-bound"
        case factSet = "fact-set"
        case stepDone = "step-done"
        case stepSkipped = "step-skipped"
        case decided, assigned
        case signedOff = "signed-off"
        case escalated
        case noticeSent = "notice-sent"
        case noticeSimulated = "notice-simulated"
        case closed
        /// Opened by mistake or a duplicate: kept, marked, never late.
        case cancelled
        /// Someone alerted to a late step took it in hand (from the link in the alert): no escalation.
        case acknowledged
    }

    public var kind: Kind
    /// Seconds since the Unix epoch.
    public var at: Int
    public var actor: String
    public var step: String?
    /// The event's details: a fact's name and value, an option and why, a note, a role and who.
    public var data: [String: String]

    public init(kind: Kind, at: Int, actor: String, step: String? = nil, data: [String: String] = [:]) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.step = step
        self.data = data
    }
}

/// An incident's state, derived from its events by replaying them.
public struct IncidentState: Sendable {
    public var started = 0
    public var exercise = false
    /// Steps waiting for someone, in the order they opened.
    public var open: [String] = []
    public var openedAt: [String: Int] = [:]
    public var done: [String: Int] = [:]
    public var skipped: Set<String> = []
    public var decisions: [String: String] = [:]
    public var facts: [String: String] = [:]
    public var holders: [String: String] = [:]
    public var assigned: [String: String] = [:]
    public var signoffs: [String: Set<String>] = [:]
    public var iterations: [String: Int] = [:]
    public var closed = false
    /// Why it was cancelled, when it was (a cancelled incident is also closed).
    public var cancelled: String?
    /// When each role was first told a step is late, by step then role (from `escalated` events).
    public var alerted: [String: [String: Int]] = [:]
    /// Steps someone acknowledged, and who.
    public var acknowledged: [String: String] = [:]

    /// When a step is due, if it has a deadline.
    public func due(_ step: Step) -> Int? {
        switch step.due {
        case .fromStart(let minutes): return started + minutes * 60
        case .after(let other, let minutes): return done[other].map { $0 + minutes * 60 }
        case nil: return nil
        }
    }
}

/// What a user asks of an incident.
public enum IncidentAction: Sendable {
    case done(step: String, note: String?, signoffs: [String], facts: [String: String])
    case decide(step: String, option: String, why: String, signoffs: [String])
    case assign(step: String, role: String)
    case skip(step: String, why: String)
    case setFacts([String: String])
    case close
    /// Opened by mistake, or a duplicate: ends it with the reason, whatever is open.
    case cancel(why: String)
}

/// An action the incident's state does not allow, or one missing what the step requires.
public struct IncidentError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
