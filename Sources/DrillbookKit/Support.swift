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

extension Unicode.Scalar {
    /// A line end to a reader that splits lines by Unicode's rules: LF, VT, FF, CR, NEL, LS, PS.
    var isLineEnd: Bool {
        switch value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}
