import Yams

/// A node of a YAML file with where it came from, so every complaint names file, line and field.
struct YAMLValue {
    let node: Node
    let file: String
    /// `schools[1].bell_schedule`.
    let path: String

    var line: Int { node.mark?.line ?? 1 }

    /// Parses YAML text; a syntax error names its line.
    static func load(_ text: String, file: String) throws(PlanError) -> YAMLValue {
        do {
            // Each scalar is read as text and typed by the field that reads it (`int`, `truth`), so
            // Yams' default resolver, seven regular expressions tried on every scalar (and again on
            // every mapping key for the duplicate check), decides nothing here: it was a third to a
            // half of loading a state's plan.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw PlanError(file: file, line: 1, field: "", message: "the file is empty")
            }
            return YAMLValue(node: node, file: file, path: "")
        } catch let error as PlanError {
            throw error
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error {
                throw duplicate(duplicates, in: text, file: file, fallback: context.mark.line)
            }
            let (line, column) = Self.position(of: error)
            throw PlanError(
                file: file, line: line, field: "",
                message: "not valid YAML" + (column > 0 ? " (column \(column))" : "") + ": \(Self.summary(of: error))")
        } catch {
            throw PlanError(file: file, line: 1, field: "", message: "not valid YAML")
        }
    }

    private static func position(of error: YamlError) -> (line: Int, column: Int) {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            (mark.line, mark.column)
        default: (1, 0)
        }
    }

    /// Yams names the duplicated key and echoes the whole file; this names the line of the second
    /// occurrence (the first key of that name, at the same indent, seen twice) and the first.
    private static func duplicate(_ keys: [String], in text: String, file: String, fallback: Int) -> PlanError {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for key in keys.sorted() {
            var seen: [Int: Int] = [:]  // indent -> line of the first occurrence
            for (index, line) in lines.enumerated() {
                var rest = Substring(line)
                var indent = rest.prefix { $0 == " " }.count
                rest = rest.dropFirst(indent)
                guard !rest.isEmpty, !rest.hasPrefix("#") else { continue }
                // Leaving a nested mapping, or starting a new list item, ends the mappings inside.
                let item = rest.hasPrefix("- ")
                seen = seen.filter { $0.key < indent || (!item && $0.key == indent) }
                if item {
                    rest = rest.dropFirst(2)
                    indent += 2
                }
                let quoted = rest.hasPrefix("\"")
                let bare = quoted ? rest.dropFirst().prefix { $0 != "\"" } : rest.prefix { $0 != ":" }
                guard bare == Substring(key), rest.dropFirst(bare.count + (quoted ? 2 : 0)).hasPrefix(":") else {
                    continue
                }
                if let first = seen[indent] {
                    return PlanError(
                        file: file, line: index + 1, field: key,
                        message: "appears twice in the same mapping (first at line \(first)); keep one")
                }
                seen[indent] = index + 1
            }
        }
        return PlanError(
            file: file, line: fallback, field: "",
            message: "a key appears twice in one mapping: " + keys.sorted().joined(separator: ", "))
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            (context.map { "\($0.text) " } ?? "") + problem
        default: "the YAML reader failed"
        }
    }

    func fail(_ message: String) -> PlanError { PlanError(file: file, line: line, field: path, message: message) }

    func child(_ node: Node, _ key: String) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    // MARK: - Shapes

    /// The keys of a mapping; a key not in `allowed` is an error that lists what is.
    func mapping(allowed: [String]) throws(PlanError) -> [String: YAMLValue] {
        guard case .mapping(let mapping) = node else {
            throw fail("expected a mapping of \(allowed.joined(separator: ", "))")
        }
        var result: [String: YAMLValue] = [:]
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let value = child(valueNode, key)
            guard allowed.contains(key) else {
                let near = nearest(key, in: allowed) ?? allowed.first { $0.hasPrefix(key.prefix(3)) }
                throw PlanError(
                    file: file, line: keyNode.mark?.line ?? line, field: value.path,
                    message: "is not a known field" + (near.map { " (did you mean \($0)?)" } ?? "")
                        + "; expected one of: \(allowed.joined(separator: ", "))")
            }
            result[key] = value
        }
        return result
    }

    /// A mapping whose keys are names the file chooses (bell schedule names, contact roles).
    func namedMapping() throws(PlanError) -> [(String, YAMLValue)] {
        guard case .mapping(let mapping) = node else { throw fail("expected a mapping of names to values") }
        return mapping.map { ($0.key.string ?? "", child($0.value, $0.key.string ?? "")) }
    }

    func list() throws(PlanError) -> [YAMLValue] {
        guard case .sequence(let sequence) = node else { throw fail("expected a list") }
        return sequence.enumerated().map { YAMLValue(node: $0.element, file: file, path: "\(path)[\($0.offset)]") }
    }

    /// A list, or one value standing for a list of one.
    func listOrOne() -> [YAMLValue] {
        if case .sequence = node { return (try? list()) ?? [] }
        return [self]
    }

    func string() throws(PlanError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw fail("expected text") }
        return scalar.string
    }

    func strings() throws(PlanError) -> [String] {
        var result: [String] = []
        for item in listOrOne() { result.append(try item.string()) }
        return result
    }

    func int(_ range: ClosedRange<Int> = 0...Int.max) throws(PlanError) -> Int {
        guard let value = node.int, range.contains(value) else {
            throw fail(
                "expected a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(node.string ?? "?")\""
            )
        }
        return value
    }

    func bool() throws(PlanError) -> Bool {
        guard let value = truth else { throw fail("expected true or false, not \"\(node.string ?? "?")\"") }
        return value
    }

    /// The value as YAML 1.1 reads an unquoted true or false (`yes`, `On`, `FALSE`...); nil for
    /// anything else, a quoted "true" included.
    var truth: Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return nil }
        return Self.truthValues[scalar.string]
    }

    /// The words YAML 1.1 reads as true and false, unquoted: those of Yams' `Resolver.Rule.bool`,
    /// which `load` does not run on every scalar.
    private static let truthValues: [String: Bool] = Dictionary(
        uniqueKeysWithValues: ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map { ($0, true) }
            + ["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map { ($0, false) })

    /// One of `choices`, or an error that lists them.
    func choice(_ choices: [String]) throws(PlanError) -> String {
        let value = try string()
        guard choices.contains(value) else {
            throw fail("\"\(value)\" is unknown (expected one of: \(choices.joined(separator: ", ")))")
        }
        return value
    }

    /// `20m`, `1h`, `90m`, `7d`, `48h` in minutes, at most `max` (a year unless said).
    func duration(max: Int = 366 * 1440) throws(PlanError) -> Int {
        let text = try string()
        let units = ["m": 1, "h": 60, "d": 1440]
        guard let unit = text.last.flatMap({ units[String($0)] }), let number = Int(text.dropLast()), number >= 0 else {
            throw fail("\"\(text)\" is not a duration (expected e.g. 20m, 1h, 7d)")
        }
        guard number <= max / unit else {
            throw fail("\"\(text)\" is too long (at most \(max / 1440 > 0 ? "\(max / 1440)d" : "\(max)m"))")
        }
        return number * unit
    }
}
