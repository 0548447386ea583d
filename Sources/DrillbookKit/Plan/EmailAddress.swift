/// An email address as RFC 5322 section 3.4.1 defines `addr-spec` (with RFC 6532's UTF-8 letters),
/// parsed by its grammar rather than guessed at with a pattern:
///
///     addr-spec      = local-part "@" domain
///     local-part     = dot-atom / quoted-string
///     domain         = dot-atom / domain-literal
///     dot-atom-text  = 1*atext *("." 1*atext)
///     atext          = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "/" /
///                      "=" / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~" / UTF8-non-ascii
///     quoted-string  = DQUOTE *([FWS] qcontent) [FWS] DQUOTE     (qcontent = qtext / quoted-pair)
///     qtext          = %d33 / %d35-91 / %d93-126 / UTF8-non-ascii
///     quoted-pair    = "\" (VCHAR / WSP)
///     domain-literal = "[" *dtext "]"
///     dtext          = %d33-90 / %d94-126
///
/// The obsolete forms and comments (CFWS) are not accepted: a plan's address is written, not
/// copied from an old header. A domain must also have a dot or be a literal, because mail to
/// `user@localhost` from a district's server is not what anyone meant.
enum EmailAddress {
    static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let at = scalars.lastIndex(of: "@"), at > 0, at < scalars.count - 1 else { return false }
        let local = Array(scalars[..<at])
        let domain = Array(scalars[(at + 1)...])
        guard isDotAtom(local) || isQuotedString(local) else { return false }
        if domain.first == "[" { return isDomainLiteral(domain) }
        return isDotAtom(domain) && domain.contains(".")
    }

    static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value > 127 { return true }
        if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
    }

    static func isDotAtom(_ scalars: [Unicode.Scalar]) -> Bool {
        guard !scalars.isEmpty else { return false }
        var previousDot = true
        for scalar in scalars {
            if scalar == "." {
                if previousDot { return false }
                previousDot = true
            } else if isAtext(scalar) {
                previousDot = false
            } else {
                return false
            }
        }
        return !previousDot
    }

    static func isQuotedString(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count >= 2, scalars.first == "\"", scalars.last == "\"" else { return false }
        var index = 1
        while index < scalars.count - 1 {
            let scalar = scalars[index]
            if scalar == "\\" {
                guard index + 1 < scalars.count - 1 else { return false }
                let next = scalars[index + 1].value
                guard (33...126).contains(next) || next == 32 || next == 9 else { return false }
                index += 2
                continue
            }
            let value = scalar.value
            // Folding white space (space, tab) may stand between qcontent.
            guard
                value == 32 || value == 9 || value == 33 || (35...91).contains(value) || (93...126).contains(value)
                    || value > 127
            else {
                return false
            }
            index += 1
        }
        return true
    }

    static func isDomainLiteral(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count >= 2, scalars.first == "[", scalars.last == "]" else { return false }
        return scalars.dropFirst().dropLast().allSatisfy {
            (33...90).contains($0.value) || (94...126).contains($0.value)
        }
    }
}
