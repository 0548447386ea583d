/// One content line after unfolding, with the physical line it starts on, split once into
/// name, parameters and value (on octets: this runs for every line of every file read).
struct ContentLine {
    var number: Int
    var text: String
    /// The property name, upper-cased (`DTSTART`).
    var name: String
    /// Where the parameters and the value lie in `text` (kept as positions, not substrings: a file's
    /// every line is held while it is read, and a substring is twice the size).
    private var parameterRange: Range<String.Index>
    private var valueRange: Range<String.Index>
    /// Whether there is such a colon: a line without one is no property.
    var hasValue: Bool

    /// Everything between the name and the value (`;TZID=America/Chicago`).
    var parameters: Substring { text[parameterRange] }
    /// After the first colon outside double quotes.
    var value: Substring { text[valueRange] }

    init(number: Int, text: String) {
        self.number = number
        self.text = text
        let utf8 = text.utf8
        let nameEnd = utf8.firstIndex { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ":") } ?? utf8.endIndex
        // Names are upper case in nearly every file: uppercased only when they are not.
        let spelled = text[..<nameEnd]
        name = spelled.utf8.contains { (97...122).contains($0) } ? spelled.uppercased() : String(spelled)
        var quoted = false
        var colon = utf8.endIndex
        var index = nameEnd
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ":") && !quoted {
                colon = index
                break
            }
            index = utf8.index(after: index)
        }
        parameterRange = nameEnd..<colon
        hasValue = colon < utf8.endIndex
        valueRange = hasValue ? utf8.index(after: colon)..<text.endIndex : text.endIndex..<text.endIndex
    }

    /// Whether an upper-cased name is one RFC 5545's grammar gives a property or a component: an
    /// iana-token or x-name, letters, digits and `-`.
    static func isName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) }
    }
}

/// A BEGIN/END block as the text has it, before libical reads it.
struct ScannedComponent {
    var name: String
    var beginLine: Int
    var endLine: Int?
    /// Its bytes in the file, from the start of its BEGIN line to the end of its END line (with the
    /// line end); up to the last line read when it is never closed.
    var bytes: Range<Int> = 0..<0
    var properties: [ContentLine] = []
    var children: [ScannedComponent] = []
}

/// Reads the raw octets of a calendar for what libical cannot tell: line numbers, line ends, line
/// lengths, folds that split a character, lines that are no property, and where a file is cut off.
///
/// libical's parser keeps no line numbers and accepts all of these silently, so this pass sees the
/// text as RFC 5545 section 3.1 lays it out and leaves every value to libical.
struct ContentLineScanner {
    var file: String
    private(set) var problems: [CalendarProblem] = []
    /// Components nested past `maximumDepth`: nothing else of the file is read.
    private(set) var tooDeep = false
    static let maximumDepth = 32
    private(set) var roots: [ScannedComponent] = []
    /// Byte ranges of X-LIC-ERROR lines an earlier libical round trip wrote into the file: notes of a
    /// past reader, which this reader leaves out rather than report as its own findings.
    private(set) var pastErrorLines: [Range<Int>] = []
    /// Byte ranges of END lines with no BEGIN before them: reported here, and left out of what
    /// libical reads, which otherwise prints "Encountered END before BEGIN" to standard error in
    /// its own words.
    private(set) var strayEndLines: [Range<Int>] = []
    /// Byte ranges of properties after a whole VCALENDAR, outside any component (a feed cache's
    /// `X-COMMENT:Cached from ...` after END:VCALENDAR, python icalendar's issue 350): reported as
    /// not read, and left out of what libical reads.
    private(set) var trailingLines: [Range<Int>] = []

    init(file: String, bytes: [UInt8]) {
        self.file = file
        scan(bytes)
    }

    private mutating func report(_ line: Int, _ kind: CalendarProblem.Kind, _ message: String) {
        problems.append(CalendarProblem(file: file, line: line, kind: kind, message: message))
    }

    private mutating func scan(_ bytes: [UInt8]) {
        // Each logical line is read as soon as its last fold is seen: the file's lines are never all
        // held as byte arrays beside the components being built (that doubled what a read held).
        var pending: (number: Int, bytes: [UInt8], range: Range<Int>)?
        var stack: [ScannedComponent] = []
        var lfOnly: (first: Int, count: Int)?
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            var end = newline ?? bytes.count
            if newline != nil {
                if end > start && bytes[end - 1] == UInt8(ascii: "\r") {
                    end -= 1
                } else {
                    lfOnly = (lfOnly?.first ?? lineNumber, (lfOnly?.count ?? 0) + 1)
                }
            }
            let line = bytes[start..<end]
            let physical = start..<min((newline ?? bytes.count) + 1, bytes.count)
            start = (newline ?? bytes.count) + 1
            if line.count > 75 {
                report(lineNumber, .lineLength, "line is \(line.count) octets long; RFC 5545 folds lines at 75 octets")
            }
            if let first = line.first, first == 0x20 || first == 0x09 {
                guard pending != nil else {
                    report(lineNumber, .fold, "folded continuation line has no line before it to continue")
                    continue
                }
                if line.count > 1 && (0x80...0xBF).contains(line[line.startIndex + 1]) {
                    report(
                        lineNumber, .fold,
                        "fold splits a UTF-8 character across lines \(lineNumber - 1) and \(lineNumber)")
                }
                pending!.bytes += line.dropFirst()
                pending!.range = pending!.range.lowerBound..<physical.upperBound
            } else if !line.isEmpty {
                if let done = pending { read(done, into: &stack) }
                pending = (lineNumber, Array(line), physical)
            }
        }
        if let done = pending { read(done, into: &stack) }
        if let lfOnly {
            report(
                lfOnly.first, .lineEnding,
                "line ends are LF only (\(lfOnly.count) line\(lfOnly.count == 1 ? "" : "s") from here); RFC 5545 requires CRLF"
            )
        }
        if let innermost = stack.last {
            let missing = stack.reversed().map { "END:\($0.name)" }.joined(separator: ", ")
            report(
                lineNumber, .structure,
                "file ends inside \(innermost.name) begun at line \(innermost.beginLine): it is truncated (missing \(missing))"
            )
            // Keep what was read, so the parts before the cut are still checked.
            while var open = stack.popLast() {
                open.endLine = nil
                if stack.isEmpty { roots.append(open) } else { stack[stack.count - 1].children.append(open) }
            }
        }
        if roots.isEmpty && !tooDeep { report(max(lineNumber, 1), .structure, "file holds no BEGIN:VCALENDAR") }
    }

    /// The name of a line with no colon that starts as a property no event's day, time or identity
    /// hangs on, its parameters or an `=` after it (`ORGANIZER;CN=Sixt SE`, Sixt's reservations;
    /// `X-APPLE-RADIUS=49.9`), or nil. X-WR-TIMEZONE moves times, so it is not one of them.
    static func valuelessInformational(_ text: String) -> String? {
        let token = text.utf8.prefix { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) }
        guard token.count < text.utf8.count,
            [UInt8(ascii: ";"), UInt8(ascii: "=")].contains(text.utf8.dropFirst(token.count).first!)
        else { return nil }
        let name = String(decoding: token, as: UTF8.self)
        guard Libical.informationalProperties.contains(name) || (name.hasPrefix("X-") && name != "X-WR-TIMEZONE")
        else { return nil }
        return name
    }

    /// One logical line: a property of the innermost open component, or a BEGIN or END.
    private mutating func read(
        _ logical: (number: Int, bytes: [UInt8], range: Range<Int>), into stack: inout [ScannedComponent]
    ) {
        let (number, raw, range) = logical
        // Past a nesting too deep nothing more is read (the lines are still measured above).
        guard !tooDeep else { return }
        guard let text = String(validating: raw, as: UTF8.self) else {
            report(number, .encoding, "line is not valid UTF-8")
            return
        }
        let line = ContentLine(number: number, text: text)
        let name = line.name
        let value = line.value
        guard ContentLine.isName(name), line.hasValue else {
            let shown = text.count > 40 ? text.prefix(40) + "..." : text
            if let informational = Self.valuelessInformational(text) {
                report(
                    number, .valuelessProperty,
                    "\"\(shown)\" is \(informational) with no value (expected NAME:value); nothing hangs on it, so it is not read"
                )
            } else {
                report(
                    number, .syntax,
                    "\"\(shown)\" is not a property (expected NAME:value, or a fold starting with a space)")
            }
            // Kept in place so libical's properties still line up with the text.
            if !stack.isEmpty { stack[stack.count - 1].properties.append(line) }
            return
        }
        if name == "X-LIC-ERROR" {
            if pastErrorLines.isEmpty {
                report(
                    number, .pastLibicalError,
                    "X-LIC-ERROR is a note an earlier reader wrote into the file, not part of the calendar; ignored"
                )
            }
            pastErrorLines.append(range)
            return
        }
        if name == "BEGIN" {
            // Real calendars nest four deep at most (VCALENDAR, VEVENT, VALARM); past a bound the
            // file is refused before anything recurses over it (50,000 levels overflowed the stack).
            guard stack.count < Self.maximumDepth else {
                report(
                    number, .structure,
                    "components nest more than \(Self.maximumDepth) deep here; the file is not read further")
                tooDeep = true
                stack.removeAll()
                return
            }
            // libical opens a component of any name (`BEGIN:`, `BEGIN:V@X`) without a word, and it is
            // read as no component at all: a name RFC 5545 has no form for is the file's fault.
            if !ContentLine.isName(value.uppercased()) {
                report(number, .syntax, "BEGIN:\(value) is not a component name (expected letters, digits and -)")
            }
            stack.append(ScannedComponent(name: value.uppercased(), beginLine: number, bytes: range))
        } else if name == "END" {
            guard var open = stack.popLast() else {
                report(number, .structure, "END:\(value) has no BEGIN:\(value) before it")
                strayEndLines.append(range)
                return
            }
            if open.name != value.uppercased() {
                report(number, .structure, "END:\(value) closes BEGIN:\(open.name) of line \(open.beginLine)")
            }
            open.endLine = number
            open.bytes = open.bytes.lowerBound..<range.upperBound
            if stack.isEmpty { roots.append(open) } else { stack[stack.count - 1].children.append(open) }
        } else if stack.isEmpty, roots.last?.name == "VCALENDAR" {
            report(number, .outsideCalendar, "property \(name) follows END:VCALENDAR and is not read")
            trailingLines.append(range)
        } else if stack.isEmpty {
            report(number, .structure, "property \(name) stands outside BEGIN:VCALENDAR ... END:VCALENDAR")
        } else {
            stack[stack.count - 1].properties.append(line)
        }
    }
}
