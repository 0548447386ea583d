/// What a re-plan compares to tell a changed activity from an unchanged one, in two parts: what
/// decides its days and times (its cadence, windows, time of day, notice, and for a drill series
/// every rule that counts its type), and its wording (the title, description, owner and source its
/// items carry). A changed placement places the activity's future items again; a changed wording
/// only rewords them where they are.
///
/// Both are canonical text, not Swift's own description of the values: a field added to a model in
/// a later release, left at its default, leaves every fingerprint as it was, so an upgrade alone
/// moves nothing. A field is left out while it is nil, false, empty, or a value that says "as
/// before" (`FingerprintNeutral`); fields are named and sorted, so their order in the source does
/// not matter either.
public struct ActivityFingerprint: Hashable, Sendable {
    public var placement: String
    public var wording: String

    /// The fingerprint of `activity` under `rules` (those of its drill type count).
    public init(_ activity: Activity, rules: [ComplianceRuleSet]) {
        var placement = "activity" + Self.canonical(activity, leaving: Self.activityWording)
        if case .drill(let type) = activity.kind {
            for set in rules {
                for rule in set.rules where rule.drills.contains(type) {
                    placement += "|" + set.jurisdiction + ":" + Self.canonical(rule, leaving: Self.ruleWording)
                }
            }
        }
        self.placement = placement
        self.wording =
            "wording("
            + [activity.title, activity.description ?? "", activity.owner, activity.source ?? ""].map(Self.quoted)
            .joined(separator: ",") + ")"
    }

    /// An activity's fields that are its wording, and fields read only at export (what families
    /// see, the tip line), which no stored item carries.
    static let activityWording: Set<String> = [
        "title", "description", "owner", "source", "familiesTitle", "familiesDescription", "showsTipLine",
    ]
    /// A rule's fields that place nothing: where it comes from, how sure the reading is, the
    /// evidence a record must carry, and the wording its drills take (the series' own wording).
    static let ruleWording: Set<String> = [
        "source", "confidence", "requiredEvidence", "evidenceWithinDays", "title", "owner",
    ]

    /// `{count=2,per=year}`: the value's fields by name, sorted, those at their default left out.
    /// `leaving` names fields left out at every depth.
    public static func canonical(_ value: Any, leaving: Set<String> = []) -> String {
        text(value, leaving: leaving) ?? "{}"
    }

    private static func text(_ value: Any, leaving: Set<String>) -> String? {
        if let neutral = value as? any FingerprintNeutral, neutral.isNeutral { return nil }
        switch value {
        case let flag as Bool: return flag ? "true" : nil
        case let word as String: return word.isEmpty ? nil : quoted(word)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { text($0.value, leaving: leaving) }
        case .collection:
            let parts = mirror.children.map { text($0.value, leaving: leaving) ?? "{}" }
            return parts.isEmpty ? nil : "[" + parts.joined(separator: ",") + "]"
        case .set, .dictionary:
            // No order of their own: sorted, so the same contents give the same text.
            let parts = mirror.children.map { text($0.value, leaving: leaving) ?? "{}" }.sorted()
            return parts.isEmpty ? nil : "[" + parts.joined(separator: ",") + "]"
        case .struct, .class, .tuple:
            let parts = fields(mirror, leaving: leaving)
            return parts.isEmpty ? nil : "{" + parts.joined(separator: ",") + "}"
        case .enum:
            // A case with values is one child named by the case, its values a tuple or one value.
            guard let payload = mirror.children.first, let name = payload.label else { return "\(value)" }
            let inner = Mirror(reflecting: payload.value)
            let values =
                inner.displayStyle == .tuple
                ? fields(inner, leaving: leaving).joined(separator: ",")
                : text(payload.value, leaving: leaving) ?? ""
            return name + "(" + values + ")"
        default:
            return "\(value)"
        }
    }

    /// `name=text` for each field with something to say, sorted by name.
    private static func fields(_ mirror: Mirror, leaving: Set<String>) -> [String] {
        var parts: [String] = []
        for (index, child) in mirror.children.enumerated() {
            let label = child.label.map { $0.hasPrefix(".") ? String(index) : $0 } ?? String(index)
            guard !leaving.contains(label), let text = text(child.value, leaving: leaving) else { continue }
            parts.append(label + "=" + text)
        }
        return parts.sorted()
    }

    private static func quoted(_ text: String) -> String { String(reflecting: text) }
}

/// A value that means "as a model without this field read it": left out of fingerprints, so a
/// field added with it as default changes none.
public protocol FingerprintNeutral {
    var isNeutral: Bool { get }
}

extension WindowAnchor: FingerprintNeutral {
    /// Windows counted from the year's first day, as every window was before anchors.
    public var isNeutral: Bool { self == .year }
}
