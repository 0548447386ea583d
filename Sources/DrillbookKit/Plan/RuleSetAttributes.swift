import Planning

/// The school attributes the selected rule sets declare, and a school's attributes read against them.
enum RuleSetAttributes {
    /// Every declared attribute with the set that declares it; a type must agree across sets, and
    /// an attribute is required (no default) if any set declares it so.
    static func merge(_ sets: [ComplianceRuleSet]) throws(PlanError) -> [String: (AttributeDeclaration, String)] {
        var result: [String: (AttributeDeclaration, String)] = [:]
        for set in sets {
            for (name, declaration) in set.attributes {
                guard let (known, by) = result[name] else {
                    result[name] = (declaration, set.jurisdiction)
                    continue
                }
                guard known.kind == declaration.kind else {
                    throw PlanError(
                        file: set.localFile ?? "\(set.jurisdiction).yaml", line: 0, field: "attributes.\(name)",
                        message: "is declared \(declaration.kind.rawValue) here and \(known.kind.rawValue) by \(by)")
                }
                if declaration.defaultValue == nil && known.defaultValue != nil {
                    result[name] = (declaration, set.jurisdiction)
                }
            }
        }
        return result
    }

    /// A school's `attributes:`, each declared by a selected rule set and of its type; a declared
    /// attribute with no default must be given. Defaults fill in what the school does not say.
    static func read(_ value: YAMLValue?, declared: [String: (AttributeDeclaration, String)], school: YAMLValue)
        throws(PlanError) -> [String: String]
    {
        var attributes: [String: String] = [:]
        let names = declared.keys.sorted()
        for (name, field) in try value?.namedMapping() ?? [] {
            guard let (declaration, _) = declared[name] else {
                throw field.fail(
                    "is not an attribute any selected rule set reads"
                        + (nearest(name, in: names).map { " (did you mean \($0)?)" } ?? "")
                        + (names.isEmpty
                            ? "; the selected rule sets read none (take attributes: out, or add the set that reads it)"
                            : "; expected one of: \(names.joined(separator: ", "))"))
            }
            attributes[name] = try AttributeValue.normalize(field, as: declaration.kind)
        }
        for name in names where attributes[name] == nil {
            let (declaration, by) = declared[name]!
            if let value = declaration.defaultValue {
                attributes[name] = value
            } else {
                throw (value ?? school).fail(
                    "the school does not say \(name), which the \(by) rules read (add attributes: {\(name): "
                        + (declaration.kind == .bool ? "true or false" : declaration.kind.rawValue) + "}"
                        + (declaration.description.map { "; \($0)" } ?? "") + ")")
            }
        }
        return attributes
    }
}
