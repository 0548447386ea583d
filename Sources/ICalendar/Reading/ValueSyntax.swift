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
        case 6: name == "REPEAT" || name == "STATUS" || name == "TRANSP" || name == "EXDATE"
        case 8: name == "SEQUENCE" || name == "PRIORITY"
        case 10: name == "TZOFFSETTO"
        case 12: name == "TZOFFSETFROM"
        case 16: name == "PERCENT-COMPLETE"
        case 3: name == "DUE"
        case 5: name == "DTEND" || name == "RDATE"
        case 7: name == "DTSTART" || name == "DTSTAMP" || name == "CREATED"
        case 9: name == "COMPLETED"
        case 13: name == "RECURRENCE-ID" || name == "LAST-MODIFIED"
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
        if isDateProperty(name) { return dateProblem(line, in: component) }
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

    /// A DATE or DATE-TIME libical misreads without a word. It tells the form by the length alone:
    /// fifteen characters are a local date-time, so `2027013T000000Z` became January 3 and
    /// `20270901T09000Z` 09:00, both with their Z dropped (floating). The ISO 8601 extended form
    /// (`2027-09-01T09:00:00Z`) it reads right, once its separators are gone. Any other form it
    /// reports itself.
    private static func dateProblem(_ line: ContentLine, in component: String) -> (CalendarProblem.Kind, String)? {
        let value = line.value
        // Nearly every line: one basic date-time, told without a copy.
        if value.utf8.withContiguousStorageIfAvailable(isBasicDate) == true { return nil }
        guard !value.contains("/") else { return nil }  // a PERIOD: `recurrenceDateValue` reads it
        let places = ["DTSTAMP", "CREATED", "COMPLETED", "LAST-MODIFIED"].contains(line.name) == false
        let zone = ["VTIMEZONE", "STANDARD", "DAYLIGHT"].contains(component)
        for item in value.split(separator: ",") {
            let bytes = Array(item.utf8)
            if bytes.withUnsafeBufferPointer(isBasicDate) { continue }
            let digits = bytes.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ":") }
            if digits.count < bytes.count, digits.withUnsafeBufferPointer(isBasicDate) {
                return (
                    .coercedValue,
                    "\(line.name) \"\(item)\" is in ISO 8601's extended form; RFC 5545 writes "
                        + "\(String(decoding: digits, as: UTF8.self)) (read as that)"
                )
            }
            if bytes.count == 15, bytes.last == UInt8(ascii: "Z"),
                bytes.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "Z") })
            {
                return (
                    places && !zone ? .value : .coercedValue,
                    "\(line.name) \"\(item)\" is not a DATE-TIME (expected 8 digits, T, 6 digits and Z, such as "
                        + "20270901T090000Z); libical would read it as another time"
                )
            }
        }
        return nil
    }

    /// The properties whose value is a DATE or DATE-TIME (a list of them for EXDATE and RDATE).
    private static func isDateProperty(_ name: String) -> Bool {
        [
            "DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "RDATE", "EXDATE", "DTSTAMP", "CREATED", "COMPLETED",
            "LAST-MODIFIED",
        ]
        .contains(name)
    }

    /// `YYYYMMDD`, with a Z or not (Google's `20131210Z`, read elsewhere), or `YYYYMMDDTHHMMSS[Z]`.
    private static func isBasicDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { (48...57).contains($0) } }
        switch bytes.count {
        case 8: return digits(0..<8)
        case 9: return digits(0..<8) && bytes[8] == UInt8(ascii: "Z")
        case 15, 16:
            return digits(0..<8) && bytes[8] == UInt8(ascii: "T") && digits(9..<15)
                && (bytes.count == 15 || bytes[15] == UInt8(ascii: "Z"))
        default: return false
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
