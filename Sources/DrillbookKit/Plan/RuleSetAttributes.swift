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
    ///
    /// `lowest_grade`, where a set reads it and the school does not say it, comes from the school's
    /// `grades` (`K-5` is 0, `PK-8` is -1, `9-12` is 9).
    static func read(
        _ value: YAMLValue?, declared: [String: (AttributeDeclaration, String)], school: YAMLValue, grades: YAMLValue?
    )
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
        if declared["lowest_grade"] != nil, attributes["lowest_grade"] == nil, let grades {
            let text = try grades.string()
            guard let lowest = lowestGrade(text) else {
                throw grades.fail(
                    "\"\(text)\" does not start with a grade (PK, TK, K or 1 to 12), and the \(declared["lowest_grade"]!.1) "
                        + "rules read the school's lowest grade from it (write it as K-5 or 9-12, or say "
                        + "attributes: {lowest_grade: N})")
            }
            attributes["lowest_grade"] = String(lowest)
        }
        for name in names where attributes[name] == nil {
            let (declaration, by) = declared[name]!
            if let value = declaration.defaultValue {
                attributes[name] = value
            } else {
                if name == "lowest_grade" {
                    throw school.fail(
                        "grades is missing, and the \(by) rules read the school's lowest grade (add grades: K-5)")
                }
                throw (value ?? school).fail(
                    "the school does not say \(name), which the \(by) rules read (add attributes: {\(name): "
                        + (declaration.kind == .bool ? "true or false" : declaration.kind.rawValue) + "}"
                        + (declaration.description.map { "; \($0)" } ?? "") + ")")
            }
        }
        return attributes
    }

    /// The first grade `grades` names: `PK`, `Pre-K` and `TK` are -1, `K` and `KG` 0, `1` to `12`
    /// themselves (`K-5`, `6-8`, `Grades 9-12`, `PK-8`, `K, 2-4`); nil when it starts with none of these.
    static func lowestGrade(_ grades: String) -> Int? {
        var text = Substring(grades.lowercased()).drop(while: \.isWhitespace)
        for word in ["grades", "grade"] where text.hasPrefix(word) {
            text = text.dropFirst(word.count).drop(while: \.isWhitespace)
            break
        }
        for (prefix, grade) in [("pre-k", -1), ("prek", -1), ("pk", -1), ("tk", -1), ("kg", 0), ("k", 0)]
        where text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            // `K-5`, `K`, `K, 2`: the grade ends there; `Kindergarten` too, but not `Kids`.
            if rest.first.map({ !$0.isLetter }) ?? true || rest.hasPrefix("indergarten") { return grade }
        }
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard let number = Int(digits), (1...12).contains(number) else { return nil }
        return number
    }
}
