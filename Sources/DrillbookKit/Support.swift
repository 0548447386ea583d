/// Text made safe inside HTML elements and attributes (reports are single self-contained pages).
///
/// Escaped by Unicode scalar, not by `Character`: a quote or `<` followed by a combining mark is one
/// `Character` that equals neither, and went through unescaped (a quote so followed ends an
/// attribute all the same).
func htmlEscaped(_ text: String) -> String {
    // Most text (names, ids, dates) has nothing to escape: returned as it is, not rebuilt.
    guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result.append(contentsOf: "&amp;".unicodeScalars)
        case "<": result.append(contentsOf: "&lt;".unicodeScalars)
        case ">": result.append(contentsOf: "&gt;".unicodeScalars)
        case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
        default: result.append(scalar)
        }
    }
    return String(result)
}
