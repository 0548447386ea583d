/// The values libical 3.0.16 takes without a word though RFC 5545 does not allow them: an INTEGER
/// that is no number (`SEQUENCE:abc` is read as 0, `PRIORITY:high` too), one out of its range
/// (`PRIORITY:12`), a UTC-OFFSET of another form, an enumerated value the property does not have
/// (`STATUS:DONE` on a VEVENT is read as no status). Its parser reports DATE-TIME, DURATION,
/// GEO and the like itself; these it coerces, so they are checked here on the raw lines.
enum ValueSyntax {
    /// Each problem of this kind in `roots` and everything nested in them.
    static func problems(in roots: [ScannedComponent], file: String) -> [CalendarProblem] {
        var found: [CalendarProblem] = []
        var pending = roots[...]
        while let component = pending.popFirst() {
            // An empty value is libical's to report (it drops the property).
            for line in component.properties where line.hasValue && !line.value.isEmpty {
                if let (kind, message) = check(line, in: component.name) {
                    found.append(CalendarProblem(file: file, line: line.number, kind: kind, message: message))
                }
            }
            pending.append(contentsOf: component.children)
        }
        return found
    }

    /// The values each component's STATUS may take (RFC 5545 section 3.8.1.11).
    static let statuses: [String: [String]] = [
        "VEVENT": ["TENTATIVE", "CONFIRMED", "CANCELLED"],
        "VTODO": ["NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"],
        "VJOURNAL": ["DRAFT", "FINAL", "CANCELLED"],
    ]

    static let checked: Set<String> = [
        "SEQUENCE", "REPEAT", "PRIORITY", "PERCENT-COMPLETE", "TZOFFSETFROM", "TZOFFSETTO", "STATUS", "TRANSP",
    ]

    /// What is wrong with one property's value, if it is one of those libical coerces.
    static func check(_ line: ContentLine, in component: String) -> (CalendarProblem.Kind, String)? {
        let name = line.name
        // Most lines are none of these: their value is not copied out.
        guard checked.contains(name) else { return nil }
        let value = String(line.value)
        switch name {
        case "SEQUENCE", "REPEAT":
            return isInteger(value, in: 0...Int(Int32.max))
                ? nil : (.coercedValue, "\(name) \"\(value)\" is not a whole number from 0 to 2147483647")
        case "PRIORITY":
            return isInteger(value, in: 0...9)
                ? nil : (.coercedValue, "PRIORITY \"\(value)\" is not a whole number from 0 to 9")
        case "PERCENT-COMPLETE":
            return isInteger(value, in: 0...100)
                ? nil : (.coercedValue, "PERCENT-COMPLETE \"\(value)\" is not a whole number from 0 to 100")
        case "TZOFFSETFROM", "TZOFFSETTO":
            if value.hasPrefix("-"), value.dropFirst().allSatisfy({ $0 == "0" }), isUTCOffset("+" + value.dropFirst()) {
                return (.coercedValue, "\(name) \"\(value)\" is not allowed; UTC is +\(value.dropFirst())")
            }
            // A wrong offset moves every time in the zone: not a fault to read past.
            return isUTCOffset(value)
                ? nil : (.timeZone, "\(name) \"\(value)\" is not a UTC offset (expected +HHMM or -HHMM, such as -0500)")
        case "STATUS":
            guard let allowed = statuses[component], !allowed.contains(value.uppercased()) else { return nil }
            let listed = allowed.dropLast().joined(separator: ", ") + " or " + allowed.last!
            return (.coercedValue, "STATUS \"\(value)\" is not a \(component) status (\(listed)); read as none")
        case "TRANSP":
            guard !["OPAQUE", "TRANSPARENT"].contains(value.uppercased()) else { return nil }
            return (.coercedValue, "TRANSP \"\(value)\" is not OPAQUE or TRANSPARENT")
        default:
            return nil
        }
    }

    /// Whether `text` is an INTEGER (RFC 5545 section 3.3.8: an optional sign and digits) in `range`.
    private static func isInteger(_ text: String, in range: ClosedRange<Int>) -> Bool {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return false }
        // Past Int the digits are out of every range here.
        guard let number = Int(digits) else { return false }
        return range.contains(text.first == "-" ? -number : number)
    }

    /// `("+" / "-") HHMM [SS]` with hours below 24 and minutes and seconds below 60 (`-0000`, which
    /// RFC 5545 forbids, is told apart by the caller: it still means UTC).
    private static func isUTCOffset(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 5 || bytes.count == 7, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes.dropFirst().allSatisfy({ (48...57).contains($0) })
        else { return false }
        func pair(_ at: Int) -> Int { Int(bytes[at] - 48) * 10 + Int(bytes[at + 1] - 48) }
        return pair(1) < 24 && pair(3) < 60 && (bytes.count == 5 || pair(5) < 60)
    }
}
