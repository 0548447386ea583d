import Mustache

/// A notify step's message, a Mustache template over the incident's facts (`{{facts.platform}}`),
/// filled in as plain text: a notice goes out by mail or text message, not as HTML.
///
/// Filling it in never leaks and never sends a hole: a confidential fact reads `[withheld]` whoever
/// the audience is, a fact not set yet or a name that is not a fact refuses the notice, and a
/// value is never read as a template itself.
public struct NoticeText: Sendable {
    let template: MustacheTemplate

    /// The message parsed, or why it is not a template (an unclosed section, a stray `{{`).
    public init(_ text: String) throws(IncidentError) {
        do {
            // The pragma turns off swift-mustache's default HTML escaping for the whole message.
            template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            throw IncidentError("the message is not a valid template: \(error)")
        }
    }

    /// The message with the facts filled in, or the names it reads that have no value to give.
    public func render(facts: [String: String], playbook: Playbook) -> (
        text: String, unset: [String], unknown: [String]
    ) {
        let root = NoticeContext(facts: facts, playbook: playbook)
        let text = template.render(root)
        return (text, root.unset.sorted(), root.unknown.sorted())
    }
}

/// What a notice may read: `facts` and nothing else. It notes every name read that has no value, so
/// the caller refuses rather than sends the notice with a gap.
private final class NoticeContext: MustacheParent {
    let facts: [String: String]
    let playbook: Playbook
    var unset = Set<String>()
    var unknown = Set<String>()

    init(facts: [String: String], playbook: Playbook) {
        self.facts = facts
        self.playbook = playbook
    }

    func child(named name: String) -> Any? {
        if name == "facts" { return FactValues(context: self) }
        unknown.insert(name)
        return nil
    }

    func fact(_ name: String) -> Any? {
        guard let declared = playbook.facts[name] else {
            unknown.insert("facts.\(name)")
            return nil
        }
        if declared.confidential { return "[withheld]" }
        if let value = facts[name] { return value }
        return UnsetFact(name: name, context: self)
    }
}

private struct FactValues: MustacheParent {
    let context: NoticeContext
    func child(named name: String) -> Any? { context.fact(name) }
}

/// A declared fact with no value yet: false in a section (`{{#facts.x}}…{{/facts.x}}` is how a
/// message says "only if known"), and noted when the message prints it.
private struct UnsetFact: MustacheCustomRenderable {
    let name: String
    let context: NoticeContext
    var isNull: Bool { true }
    var renderText: String {
        context.unset.insert(name)
        return ""
    }
}
