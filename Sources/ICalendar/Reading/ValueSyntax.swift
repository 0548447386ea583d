/// The values libical 3.0.16 takes without a word though RFC 5545 does not allow them: an INTEGER
/// that is no number (`SEQUENCE:abc` is read as 0, `PRIORITY:high` too), one out of its range
/// (`PRIORITY:12`), a UTC-OFFSET of another form, an enumerated value the property does not have
/// (`STATUS:DONE` on a VEVENT is read as no status). Its parser reports DATE-TIME, DURATION,
/// GEO and the like itself; these it coerces, so they are checked here on the raw lines.
enum ValueSyntax {
    /// Each problem of this kind in `roots` and everything nested in them.
    static func problems(in roots: [ScannedComponent], file: String) -> [CalendarProblem] {
        var found: [CalendarProblem] = []
        visit(roots, file: file, into: &found)
        return found
    }

    /// Components and their lines are read in place by position: this pass runs over every line of
    /// the file, and copying a component or a line retains all it holds.
    private static func visit(_ components: [ScannedComponent], file: String, into found: inout [CalendarProblem]) {
        for index in components.indices {
            let properties = components[index].properties
            for position in properties.indices where isChecked(properties[position].name) {
                // An empty value is libical's to report (it drops the property).
                guard properties[position].hasValue, !properties[position].value.isEmpty,
                    let (kind, message) = check(properties[position], in: components[index].name)
                else { continue }
                found.append(
                    CalendarProblem(file: file, line: properties[position].number, kind: kind, message: message))
            }
            visit(components[index].children, file: file, into: &found)
        }
    }

    /// Whether the property is one whose value libical coerces: told by the name's length before any
    /// comparison (most lines are other properties; a set would hash every name).
    static func isChecked(_ name: String) -> Bool {
        switch name.utf8.count {
        case 6: name == "REPEAT" || name == "STATUS" || name == "TRANSP"
        case 8: name == "SEQUENCE" || name == "PRIORITY"
        case 10: name == "TZOFFSETTO"
        case 12: name == "TZOFFSETFROM"
        case 16: name == "PERCENT-COMPLETE"
        default: false
        }
    }

    /// The values each component's STATUS may take (RFC 5545 section 3.8.1.11).
    static let statuses: [String: [String]] = [
        "VEVENT": ["TENTATIVE", "CONFIRMED", "CANCELLED"],
        "VTODO": ["NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"],
        "VJOURNAL": ["DRAFT", "FINAL", "CANCELLED"],
    ]

    /// What is wrong with one property's value, if it is one of those libical coerces (`isChecked`).
    static func check(_ line: ContentLine, in component: String) -> (CalendarProblem.Kind, String)? {
        let name = line.name
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
            // Only an event's status is read (as none); a to-do's or journal's is not read at all.
            let read = component == "VEVENT" ? "; read as none" : ""
            return (.coercedValue, "STATUS \"\(value)\" is not a \(component) status (\(listed))\(read)")
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
