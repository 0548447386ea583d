/// `text` with each Unicode scalar that `replacement` names replaced, the rest kept.
///
/// Escapers work by scalar, never by `Character`: a quote, `<`, `|` or comma followed by a
/// combining mark is one `Character` that equals none of them (and `\r\n` is one `Character` that
/// is neither `\r` nor `\n`), so a `Character` test let them through, while the reader on the other
/// side (a browser, a CSV or Markdown parser) sees the quote all the same.
func replacingScalars(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if let replaced = replacement(scalar) {
            result.append(contentsOf: replaced.unicodeScalars)
        } else {
            result.append(scalar)
        }
    }
    return String(result)
}

/// HTML-escaped text for an element's content or a quoted attribute (either quote).
public func htmlEscaped(_ text: String) -> String {
    // Most text (names, ids, dates) has nothing to escape: returned as it is, not rebuilt.
    guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
        return text
    }
    return replacingScalars(text) {
        switch $0 {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        default: nil
        }
    }
}

/// Text fit to print on a terminal: control characters other than line feed and tab, C1 controls
/// and the bidirectional overrides written as `\u{1B}`. A calendar, a spreadsheet or a web form
/// is not ours: ESC starts the sequences that clear the screen, move the cursor or retitle the
/// window, CR overwrites what the line said, and an override shows text in another order than
/// it is.
public func terminalSafe(_ text: String) -> String {
    // Most text has none: returned as it is, after one pass over its bytes (C1 controls are
    // 0xC2 0x80-0x9F in UTF-8, the overrides 0xE2 0x80 0xAA-0xAE and 0xE2 0x81 0xA6-0xA9).
    guard
        text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 })
    else { return text }
    return replacingScalars(text) { scalar in
        switch scalar.value {
        case 0x0A, 0x09: nil
        case 0x00..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
            "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        default: nil
        }
    }
}

extension Unicode.Scalar {
    /// A line end to a reader that splits lines by Unicode's rules: LF, VT, FF, CR, NEL, LS, PS.
    var isLineEnd: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}

/// What is wrong with a JSON document, as its writer would say it (`"school" is missing`,
/// `"facts.platform" is a number, not text`) rather than Swift's coding-path dump.
func jsonProblem(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    func path(_ keys: [any CodingKey]) -> String {
        "\"" + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "\""
    }
    func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
        return context.codingPath.isEmpty
            ? "expected \(kind(type))" : "\(path(context.codingPath)) is not \(kind(type))"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty
            ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}
