internal import CLibical
import Dates
import Foundation

/// What reading a calendar found: the events, and every problem with its line.
public struct CalendarInspection: Sendable {
    /// The calendar as far as it could be read; empty when nothing could.
    public var document: CalendarDocument
    /// Sorted by line.
    public var problems: [CalendarProblem]

    /// Problems that make the file wrong for any reader.
    public var errors: [CalendarProblem] { problems.filter { !$0.kind.isTolerable } }
    /// Problems a lenient reader passes over (LF line ends, long lines).
    public var warnings: [CalendarProblem] { problems.filter { $0.kind.isTolerable } }
}

/// A calendar that cannot be used, with every reason.
public struct CalendarReadError: Error, Sendable, CustomStringConvertible {
    public var problems: [CalendarProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads iCalendar text through libical into a `CalendarDocument`.
///
/// libical parses the values; `ContentLineScanner` supplies the line numbers libical does not keep,
/// and the checks of `CalendarReader+Checks.swift` catch what libical accepts but clients choke on.
public enum CalendarReader {
    /// Reads and checks everything, never throwing: what `drillbook calendar validate` reports.
    public static func inspect(_ bytes: [UInt8], file: String) -> CalendarInspection {
        inspect(bytes, file: file, sliceSize: CalendarSlices.size)
    }

    /// The same, a calendar of more than `sliceSize` components read a slice at a time (package-wide
    /// for the fuzz target, which checks that slices read as the whole file does).
    package static func inspect(_ bytes: [UInt8], file: String, sliceSize: Int) -> CalendarInspection {
        let (bytes, repairs) = repaired(bytes, file: file)
        let scan = ContentLineScanner(file: file, bytes: bytes)
        if scan.tooDeep {
            return CalendarInspection(
                document: CalendarDocument(),
                problems: (repairs + scan.problems.filter { $0.kind == .structure }).sorted())
        }
        // Not a calendar at all (a CSV, a web page): say so once, not once per line.
        if scan.roots.isEmpty {
            let first = String(decoding: bytes.prefix { $0 != 0x0A && $0 != 0x0D }.prefix(40), as: UTF8.self)
            return CalendarInspection(
                document: CalendarDocument(),
                problems: [
                    CalendarProblem(
                        file: file, line: 1, kind: .structure,
                        message: "not an iCalendar file: it has no BEGIN:VCALENDAR"
                            + (first.isEmpty ? " (it is empty)" : " (it starts with \"\(first)\")"))
                ])
        }
        let valueProblems = ValueSyntax.problems(in: scan.roots, file: file)
        if let slices = CalendarSlices(scan, bytes: bytes, size: sliceSize) {
            return Libical.withLock {
                var walk = ReaderWalk(file: file, scanProblems: repairs + scan.problems + valueProblems)
                let reader = SliceReader(slices)
                defer { reader.finish() }
                walk.slices = reader
                if let root = reader.take(0) {
                    defer { reader.release(root) }
                    walk.read(root: root, scanned: [slices.shape(0)])
                } else {
                    walk.report(1, .syntax, "libical could not parse the file as iCalendar")
                }
                return CalendarInspection(
                    document: walk.document, problems: sparingUnused(walk.problems, roots: scan.roots).sorted())
            }
        }
        let leftOut = (scan.pastErrorLines + scan.strayEndLines + scan.trailingLines).sorted {
            $0.lowerBound < $1.lowerBound
        }
        var text = String(decoding: without(leftOut, in: bytes), as: UTF8.self)
        // libical gives up on a file cut short; close what is open so the part before the cut is read.
        var open = scan.roots.last
        var closers: [String] = []
        while let component = open, component.endLine == nil {
            closers.append("END:\(component.name)")
            open = component.children.last
        }
        if !closers.isEmpty { text += "\r\n" + closers.reversed().joined(separator: "\r\n") + "\r\n" }
        return Libical.withLock {
            var walk = ReaderWalk(file: file, scanProblems: repairs + scan.problems + valueProblems)
            let parsed = text.withCString { drillbook_parse($0, strlen($0)) }
            if let root = parsed {
                defer { icalcomponent_free(root) }
                walk.read(root: root, scanned: scan.roots)
            } else if scan.problems.isEmpty {
                walk.report(1, .syntax, "libical could not parse the file as iCalendar")
            }
            return CalendarInspection(
                document: walk.document, problems: sparingUnused(walk.problems, roots: scan.roots).sorted())
        }
    }

    /// What real clients write that RFC 5545 does not, set right before anything reads it: a UTF-8
    /// byte-order mark (Windows tools), and lines ending in CR alone (old Mac exports), each
    /// reported once as a tolerated fault.
    static func repaired(_ bytes: [UInt8], file: String) -> ([UInt8], [CalendarProblem]) {
        var bytes = bytes
        var problems: [CalendarProblem] = []
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            bytes.removeFirst(3)
            problems.append(
                CalendarProblem(
                    file: file, line: 1, kind: .byteOrderMark,
                    message: "the file starts with a UTF-8 byte-order mark; read past it"))
        }
        let loneCR = bytes.indices.count { bytes[$0] == 0x0D && ($0 + 1 == bytes.count || bytes[$0 + 1] != 0x0A) }
        if loneCR > 0 {
            // One pass: inserting in place was quadratic in the number of lines.
            var fixed: [UInt8] = []
            fixed.reserveCapacity(bytes.count + loneCR)
            for (index, byte) in bytes.enumerated() {
                fixed.append(byte)
                if byte == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A) { fixed.append(0x0A) }
            }
            bytes = fixed
            problems.append(
                CalendarProblem(
                    file: file, line: 1, kind: .loneCR,
                    message:
                        "\(loneCR) line\(loneCR == 1 ? "" : "s") end in CR alone (expected CRLF); read as line ends"
                ))
        }
        // Lines that are no property, mended in two ways: lost folds first (after a line of fold
        // length in a text, the line is its fold, not a new line), then raw line breaks in a text.
        let mends: [(mend: ([UInt8]) -> ([UInt8], [Int])?, kind: CalendarProblem.Kind, after: String, read: String)] = [
            (lostFolds, .lostFold, "a line of fold length", "a fold whose leading space was lost"),
            (rawLineBreaks, .rawLineBreak, "a text property", "a line break left raw in its text"),
        ]
        for (mend, kind, after, read) in mends {
            guard let (fixed, lines) = mend(bytes) else { continue }
            bytes = fixed
            problems.append(
                CalendarProblem(
                    file: file, line: lines[0], kind: kind,
                    message: "line is no property and follows \(after)"
                        + (lines.count == 1 ? "" : " (\(lines.count) such lines from here)") + ": read as \(read)"))
        }
        // Validated in place (a String made of it copied a state's feed once more).
        if (try? UTF8Span(validating: bytes.span)) == nil, let (fixed, lines) = windows1252(bytes) {
            bytes = fixed
            problems.append(
                CalendarProblem(
                    file: file, line: lines[0], kind: .windows1252,
                    message:
                        "line is not valid UTF-8 (\(lines.count) line\(lines.count == 1 ? "" : "s") from here); read as Windows-1252, as Windows tools write"
                ))
        }
        return (bytes, problems)
    }

    /// The problems with the faults of a component no reading uses (a VTODO, VJOURNAL, VFREEBUSY,
    /// an x-component; any VEVENT nested in it aside) made tolerable: a district calendar whose
    /// to-do's reminder has an unreadable TRIGGER means the same for its events, and was refused
    /// whole. Faults of the text itself (line ends, folds, encoding, lines that are no property,
    /// BEGIN and END) still count, as they can move what is read around them; `validate` still
    /// calls each one a fault.
    static func sparingUnused(_ problems: [CalendarProblem], roots: [ScannedComponent]) -> [CalendarProblem] {
        let textual: Set<CalendarProblem.Kind> = [.lineEnding, .fold, .encoding, .syntax, .structure]
        var unused: [(name: String, lines: ClosedRange<Int>, events: [ClosedRange<Int>])] = []
        for root in roots where root.name == "VCALENDAR" {
            for child in root.children where child.name != "VEVENT" && child.name != "VTIMEZONE" {
                guard let end = child.endLine else { continue }
                let events = child.children.filter { $0.name == "VEVENT" }.compactMap { event in
                    event.endLine.map { event.beginLine...$0 }
                }
                unused.append((child.name, child.beginLine...end, events))
            }
        }
        guard !unused.isEmpty else { return problems }
        // The component a line lies in, searched by halves (components follow each other in the
        // file): a task list's every to-do with the same fault was a search of all of them each.
        func component(at line: Int) -> (name: String, lines: ClosedRange<Int>, events: [ClosedRange<Int>])? {
            var (low, high) = (0, unused.count)
            while low < high {
                let middle = (low + high) / 2
                if unused[middle].lines.lowerBound <= line { low = middle + 1 } else { high = middle }
            }
            guard low > 0, unused[low - 1].lines.contains(line),
                !unused[low - 1].events.contains(where: { $0.contains(line) })
            else { return nil }
            return unused[low - 1]
        }
        return problems.map { problem in
            guard !problem.kind.isTolerable, !textual.contains(problem.kind),
                let component = component(at: problem.line)
            else { return problem }
            var spared = problem
            spared.kind = .unusedComponent
            spared.message += " (in \(component.name) of line \(component.lines.lowerBound), which is not read)"
            return spared
        }
    }

    /// Properties whose value is text a person wrote, where a writer may leave a line break raw.
    static let textProperties: Set<String> = [
        "DESCRIPTION", "SUMMARY", "COMMENT", "LOCATION", "CONTACT", "X-ALT-DESC", "STYLED-DESCRIPTION",
    ]

    /// Whether a line starts as a property a reader knows (`NAME:` or `NAME;`, the name one libical
    /// or IANA registers, an x-name, or BEGIN and END): not the text of a line break left raw, even
    /// where it has a colon (`Passcode: 123`, `https://...`).
    static func startsKnownProperty(_ line: ContentLine) -> Bool {
        line.hasValue && ContentLine.isName(line.name) && isKnownName(line.name)
    }

    /// Whether an upper-cased name is BEGIN, END, an x-name, or a property libical or IANA registers.
    static func isKnownName(_ name: String) -> Bool {
        name == "BEGIN" || name == "END" || name.hasPrefix("X-") || Libical.registeredProperties.contains(name)
            || icalproperty_string_to_kind(name) != ICAL_NO_PROPERTY
    }

    /// Whether a line that is no property starts as a property gone wrong, not as text: a known
    /// name written in capitals and followed by neither a space nor the line's end
    /// (`ORGANIZER="mailto:..."`, where "Summary of the term" is text).
    static func startsBrokenProperty(_ text: String) -> Bool {
        let token = text.utf8.prefix { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) }
        guard !token.isEmpty, token.count < text.utf8.count else { return false }
        let next = text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: token.count)]
        guard next != UInt8(ascii: " "), !(97...122).contains(next) else { return false }
        return isKnownName(String(decoding: token, as: UTF8.self))
    }

    /// The file with each run of lines that are no property after a text property made part of its
    /// text, a line break apiece (each line given a fold's leading space and an escaped `\n`), and
    /// the numbers of those lines; nil when there is none. Invitations whose body was pasted into
    /// DESCRIPTION with its line breaks (ics-parser's issue 343, an Exchange 2010 meeting request)
    /// were refused whole at the first line of the body. Empty lines inside a run are its blank
    /// lines; a run of empty lines alone is left as it was.
    static func rawLineBreaks(_ bytes: [UInt8]) -> ([UInt8], [Int])? {
        // Nearly every file has no such line: found without making a string of any line.
        guard bytes.withUnsafeBufferPointer(hasLineNotShapedAsProperty) else { return nil }
        // Where each such line starts, and whether a line break comes before it (none before the
        // first line of a text whose property line ends at its colon).
        var starts: [(offset: Int, breaks: Bool)] = []
        var lines: [Int] = []
        bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            var number = 1
            var inText = false
            var textIsEmpty = false
            // The current run's empty lines, taken only when a line of text follows them.
            var blank: [(start: Int, number: Int)] = []
            func take(_ start: Int, _ number: Int) {
                starts.append((start, !textIsEmpty))
                lines.append(number)
                textIsEmpty = false
            }
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                let length = end > start && bytes[end - 1] == 0x0D ? end - start - 1 : end - start
                if length > 0 && (bytes[start] == 0x20 || bytes[start] == 0x09) {
                    // A fold continues whatever its line was.
                    if length > 1 { textIsEmpty = false }
                } else if length == 0 {
                    if inText { blank.append((start, number)) }
                } else {
                    let line = ContentLine(
                        number: number, text: String(decoding: bytes[start..<(start + length)], as: UTF8.self))
                    if startsKnownProperty(line) {
                        inText = textProperties.contains(line.name)
                        textIsEmpty = line.value.isEmpty
                        blank.removeAll()
                    } else if inText && startsBrokenProperty(line.text) {
                        // Left for the scanner to name: the text ends before it.
                        inText = false
                        blank.removeAll()
                    } else if inText {
                        for (blankStart, blankNumber) in blank { take(blankStart, blankNumber) }
                        blank.removeAll()
                        take(start, number)
                    }
                }
                start = end + 1
                number += 1
            }
        }
        guard !starts.isEmpty else { return nil }
        var fixed: [UInt8] = []
        fixed.reserveCapacity(bytes.count + 3 * starts.count)
        var from = 0
        for (start, breaks) in starts {
            fixed += bytes[from..<start]
            // A fold's leading space, then an escaped line break.
            fixed += breaks ? [0x20, 0x5C, 0x6E] : [0x20]
            from = start
        }
        fixed += bytes[from...]
        return (fixed, lines)
    }

    /// Whether a line that is no fold and not empty starts otherwise than a name (letters, digits
    /// and `-`) then `;` or `:`.
    static func hasLineNotShapedAsProperty(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            if first != 0x20 && first != 0x09 && first != 0x0D && first != 0x0A {
                while index < bytes.count,
                    bytes[index] == 0x2D || (48...57).contains(bytes[index])
                        || (65...90).contains(bytes[index] & 0xDF)
                {
                    index += 1
                }
                guard index < bytes.count, bytes[index] == 0x3A || bytes[index] == 0x3B else { return true }
            }
            guard let end = bytes[index...].firstIndex(of: 0x0A) else { return false }
            index = end + 1
        }
        return false
    }

    /// A line this long or longer is one a folding writer may have cut: RFC 5545 folds at 75
    /// octets, Confluence at 73, some writers a little sooner.
    static let foldLength = 70

    /// The file with each line that is no property and follows a line of fold length given back its
    /// fold's leading space, and the numbers of those lines; nil when there is none. Confluence's
    /// calendar export (python `recurring-ical-events`' issue 61 calendar) and scripts that trim
    /// each line lose the space that makes a line a continuation; such a line read on its own is
    /// no property (`CN=Danie` then `l Latham;CUTYPE=...`) and refused the whole file. A line that
    /// is no property after a shorter one is still refused: nothing says it was a fold.
    static func lostFolds(_ bytes: [UInt8]) -> ([UInt8], [Int])? {
        var starts: [Int] = []
        var lines: [Int] = []
        bytes.withUnsafeBufferPointer { bytes in
            // A physical line from `start`: where it ends (at its LF or the file's end) and its
            // length, its CR left out.
            func line(at start: Int) -> (end: Int, length: Int) {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                return (end, end > start && bytes[end - 1] == 0x0D ? end - start - 1 : end - start)
            }
            func continues(_ start: Int) -> Bool {
                start < bytes.count && (bytes[start] == 0x20 || bytes[start] == 0x09)
            }
            var start = 0
            var previous = 0
            var number = 1
            while start < bytes.count {
                let (end, length) = line(at: start)
                if previous >= foldLength && length > 0 && !continues(start) {
                    // The line as a property would be read: with its own continuations (a long
                    // ATTENDEE's name may be on this line and its colon on the next).
                    var text = Array(bytes[start..<(start + length)])
                    var next = end + 1
                    while next < bytes.count && continues(next) {
                        let (nextEnd, nextLength) = line(at: next)
                        text += bytes[(next + 1)..<(next + nextLength)]
                        next = nextEnd + 1
                    }
                    let logical = ContentLine(number: number, text: String(decoding: text, as: UTF8.self))
                    if !(ContentLine.isName(logical.name) && logical.hasValue) {
                        starts.append(start)
                        lines.append(number)
                    }
                }
                previous = length
                start = end + 1
                number += 1
            }
        }
        guard !starts.isEmpty else { return nil }
        var fixed: [UInt8] = []
        fixed.reserveCapacity(bytes.count + starts.count)
        var from = 0
        for start in starts {
            fixed += bytes[from..<start]
            fixed.append(0x20)
            from = start
        }
        fixed += bytes[from...]
        return (fixed, lines)
    }

    /// The file with each logical line that is not UTF-8 read as Windows-1252 (Outlook's and Excel's
    /// code page on a US or European Windows: `’` as 0x92, `é` as 0xE9), and the numbers of its
    /// physical lines that were; nil when every logical line is UTF-8 (a fold that splits a
    /// character is `ContentLineScanner`'s to report).
    static func windows1252(_ bytes: [UInt8]) -> ([UInt8], [Int])? {
        var lines: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            lines.append(start..<index + 1)
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        var fixed: [UInt8] = []
        fixed.reserveCapacity(bytes.count + bytes.count / 8)
        var changed: [Int] = []
        var first = 0
        while first < lines.count {
            // A logical line: its first physical line and those that continue it (a space or a tab).
            var last = first
            while last + 1 < lines.count, let lead = bytes[lines[last + 1]].first, lead == 0x20 || lead == 0x09 {
                last += 1
            }
            var unfolded: [UInt8] = []
            for line in first...last {
                let content = bytes[lines[line]].prefix { $0 != 0x0D && $0 != 0x0A }
                unfolded += line == first ? content : content.dropFirst()
            }
            if (try? UTF8Span(validating: unfolded.span)) == nil {
                for line in first...last {
                    fixed += Windows1252.utf8(bytes[lines[line]])
                    changed.append(line + 1)
                }
            } else {
                for line in first...last { fixed += bytes[lines[line]] }
            }
            first = last + 1
        }
        return changed.isEmpty ? nil : (fixed, changed)
    }

    /// The bytes with the given ranges (sorted, disjoint) left out.
    static func without(_ ranges: [Range<Int>], in bytes: [UInt8]) -> [UInt8] {
        guard !ranges.isEmpty else { return bytes }
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var next = 0
        for range in ranges {
            kept += bytes[next..<range.lowerBound]
            next = range.upperBound
        }
        kept += bytes[next...]
        return kept
    }

    /// Reads a calendar to use it: throws when it has errors; LF line ends and long lines come back
    /// as warnings, since real district calendars have them.
    public static func read(_ bytes: [UInt8], file: String) throws(CalendarReadError) -> CalendarInspection {
        let inspection = inspect(bytes, file: file)
        guard inspection.errors.isEmpty else { throw CalendarReadError(problems: inspection.errors) }
        return inspection
    }

    /// Reads a calendar from text (tests, strings built in memory).
    public static func read(_ text: String, file: String = "<text>") throws(CalendarReadError) -> CalendarInspection {
        try read(Array(text.utf8), file: file)
    }
}

/// The state of one read: problems found, the document built, UIDs seen.
struct ReaderWalk {
    let file: String
    var problems: [CalendarProblem]
    var document = CalendarDocument(productID: "", method: nil)
    var seenUIDs: [String: Int] = [:]
    /// The line of each override's RECURRENCE-ID, by UID and time.
    var recurrenceIDLines: [String: Int] = [:]
    /// TZIDs already reported as undefined: said once a file, at first use.
    var reportedZones = Set<String>()
    var zones = CalendarZones()
    /// File zones already reported as beginning after a time given in them: said once a file.
    var reportedOnsets = Set<String>()
    /// TZIDs whose VTIMEZONE was refused (a rule that never matches): reported once, at the rule.
    var refusedZones = Set<String>()
    /// The METHOD of the VCALENDAR being read when it is one RFC 5546 sends without DTSTART (REPLY,
    /// CANCEL, REFRESH, DECLINECOUNTER): an answer about an event, not an event.
    var messageMethod: String?
    /// A large calendar read a slice at a time: the walk reads the first, and the rest after it.
    var slices: SliceReader?

    init(file: String, scanProblems: [CalendarProblem]) {
        self.file = file
        self.problems = scanProblems
    }

    mutating func report(_ line: Int, _ kind: CalendarProblem.Kind, _ message: String) {
        let problem = CalendarProblem(file: file, line: line, kind: kind, message: message)
        if problems.contains(problem) { return }
        problems.append(problem)
    }

    mutating func read(root: OpaquePointer, scanned: [ScannedComponent]) {
        // libical hands back the one VCALENDAR, or an XROOT holding every top-level component when
        // there are several: feeds joined into one file, or events outside any VCALENDAR.
        let tops: [(OpaquePointer, ScannedComponent?)]
        if icalcomponent_isa(root) == ICAL_XROOT_COMPONENT {
            tops = children(root, scanned: ScannedComponent(name: "", beginLine: 1, children: scanned))
        } else {
            tops = [(root, scanned.first)]
        }
        var calendars = 0
        for (component, shape) in tops {
            let line = shape?.beginLine ?? 1
            switch icalcomponent_isa(component) {
            case ICAL_VCALENDAR_COMPONENT:
                calendars += 1
                if calendars == 2 {
                    report(
                        line, .secondCalendar,
                        "a second VCALENDAR begins here (calendars joined into one file); its events are read too")
                }
                let refused = checkZoneRules(component, scanned: shape)
                zones = CalendarZones(definedIn: component, excluding: refused)
                refusedZones = refused
                reportedZones = []
                reportedOnsets = []
                readCalendar(component, scanned: shape)
                messageMethod = nil
            case ICAL_VEVENT_COMPONENT:
                report(
                    line, .outsideCalendar,
                    "VEVENT stands outside BEGIN:VCALENDAR ... END:VCALENDAR; read as an event of the file")
                if let event = readEvent(component, scanned: shape) { document.events.append(event) }
            default:
                report(
                    line, .structure,
                    "\(shape?.name ?? "a component") stands outside BEGIN:VCALENDAR ... END:VCALENDAR and is not read")
            }
        }
        matchAllDayOverrides()
        supersede()
    }

    /// Copies of one event (one UID, or one UID and RECURRENCE-ID) are versions of it: the one with
    /// the highest SEQUENCE is read, then the latest DTSTAMP, then the last in the file (RFC 5546
    /// 2.1.5 orders updates so). An override older than a newer series that excludes its occurrence
    /// (EXDATE) was deleted by that edit and is not read either (python's recurring-ical-events reads
    /// them so: its issues 148, 163 and 164, from real servers' files).
    mutating func supersede() {
        guard problems.contains(where: { $0.kind == .supersededCopy }) else { return }
        func key(_ event: Event) -> String { event.uid + "\u{0}" + (event.recurrenceID?.description ?? "") }
        func newer(_ a: Event, than b: Event) -> Bool {
            if a.sequence != b.sequence { return a.sequence > b.sequence }
            return (a.stamp ?? WallTime(secondsSinceEpoch: 0)) >= (b.stamp ?? WallTime(secondsSinceEpoch: 0))
        }
        var newest: [String: Int] = [:]
        for (index, event) in document.events.enumerated() where !event.uid.isEmpty {
            if let held = newest[key(event)], !newer(event, than: document.events[held]) { continue }
            newest[key(event)] = index
        }
        let series = Dictionary(
            document.events.enumerated().filter { !$0.element.uid.isEmpty && $0.element.recurrenceID == nil }
                .compactMap { newest[key($0.element)] == $0.offset ? ($0.element.uid, $0.element) : nil },
            uniquingKeysWith: { first, _ in first })
        document.events = document.events.enumerated().compactMap { index, event in
            guard !event.uid.isEmpty else { return event }
            guard newest[key(event)] == index else { return nil }
            if let recurrenceID = event.recurrenceID, let master = series[event.uid], master.sequence > event.sequence,
                master.exceptionDates.contains(where: { $0.wallTime == recurrenceID.wallTime })
            {
                return nil
            }
            return event
        }
    }

    /// Outlook names an occurrence of an all-day series by a date-time (`RECURRENCE-ID;TZID=...:
    /// 20270922T000000`): it means that day, so the override is matched by date.
    mutating func matchAllDayOverrides() {
        let allDay = Set(document.events.filter { $0.recurrenceID == nil && $0.start.isAllDay }.map(\.uid))
        for index in document.events.indices {
            guard let recurrenceID = document.events[index].recurrenceID, !recurrenceID.isAllDay,
                allDay.contains(document.events[index].uid)
            else { continue }
            let uid = document.events[index].uid
            report(
                recurrenceIDLines[uid + "\u{0}" + recurrenceID.description] ?? 1, .allDayRecurrenceID,
                "RECURRENCE-ID \(recurrenceID) is a date-time but its series is all-day; matched by its date \(recurrenceID.wallTime.date)"
            )
            document.events[index].recurrenceID = .date(recurrenceID.wallTime.date)
        }
    }
}

/// A large calendar read a slice at a time, so libical's tree of the whole file is never held: a
/// 50,000-event feed's tree is several times the file, and a state's feeds are that many times more.
///
/// Each slice is the calendar's own text: its header (BEGIN:VCALENDAR and its properties), every
/// VTIMEZONE, then `size` of its other components, then END:VCALENDAR; libical reads each as the
/// calendar it is, and the walk reads the first slice as the whole calendar (properties, zones) and
/// the components of the others after it. Only a calendar laid out plainly is sliced: one complete
/// VCALENDAR, its properties first, components back to back, every line a valid UTF-8 property
/// line, no NUL, no notes of an earlier libical; any other file is read whole, as always.
struct CalendarSlices {
    /// Components per slice.
    static let size = 1_000

    private let bytes: [UInt8]
    private let root: ScannedComponent
    private let header: Range<Int>
    private let zones: [ScannedComponent]
    private let parts: [ArraySlice<ScannedComponent>]

    init?(_ scan: ContentLineScanner, bytes: [UInt8], size: Int) {
        guard scan.roots.count == 1, let root = scan.roots.first, root.name == "VCALENDAR",
            root.endLine != nil, root.children.count > size, scan.pastErrorLines.isEmpty,
            !scan.problems.contains(where: { [.structure, .encoding, .syntax].contains($0.kind) }),
            let first = root.children.first, root.properties.allSatisfy({ $0.number < first.beginLine }),
            zip(root.children, root.children.dropFirst()).allSatisfy({ $0.bytes.upperBound == $1.bytes.lowerBound }),
            !bytes.contains(0)
        else { return nil }
        let others = root.children.filter { $0.name != "VTIMEZONE" }
        // (A calendar of zones alone has nothing to slice.)
        guard !others.isEmpty else { return nil }
        self.bytes = bytes
        self.root = root
        header = root.bytes.lowerBound..<first.bytes.lowerBound
        zones = root.children.filter { $0.name == "VTIMEZONE" }
        parts = stride(from: 0, to: others.count, by: size).map { others[$0..<min($0 + size, others.count)] }
    }

    var count: Int { parts.count }

    /// Slice `index` as the scanner saw it: the calendar with the zones and that slice's components.
    func shape(_ index: Int) -> ScannedComponent {
        var shape = root
        shape.children = zones + parts[index]
        return shape
    }

    /// Slice `index` parsed by libical (the caller frees it).
    func parse(_ index: Int) -> OpaquePointer? {
        var text = Array(bytes[header])
        for zone in zones { text += bytes[zone.bytes] }
        for component in parts[index] { text += bytes[component.bytes] }
        text += Array("END:VCALENDAR\r\n".utf8)
        return text.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { drillbook_parse($0.baseAddress, $0.count) }
        }
    }
}

// MARK: - Lines of libical's components and properties

extension ReaderWalk {
    /// Pairs each property libical kept with the line it came from. libical keeps properties in
    /// file order and puts an X-LIC-ERROR where it dropped one, whose text quotes the bad value.
    func propertyLines(_ component: OpaquePointer, scanned: ScannedComponent?) -> [(OpaquePointer, Int)] {
        let lines = scanned?.properties ?? []
        let fallback = scanned?.beginLine ?? 1
        var result: [(OpaquePointer, Int)] = []
        var next = 0
        var property = icalcomponent_get_first_property(component, ICAL_ANY_PROPERTY)
        while let current = property {
            let name = Libical.propertyName(current)
            var found: Int?
            if name == "X-LIC-ERROR" {
                // libical does not always put its error where the line was: look ahead first, then
                // anywhere, and leave the position of the real properties alone.
                let message = Libical.string(icalproperty_get_xlicerror(current)) ?? ""
                let matches: (ContentLine) -> Bool
                if let empty = Libical.emptyValueProperty(message) {
                    // "No value for LOCATION property": a LOCATION line with no value.
                    matches = { $0.name == empty && $0.value.isEmpty }
                } else {
                    let quoted = message.range(of: ": ", options: .backwards).map { String(message[$0.upperBound...]) }
                    // Where the message names its property, only that property's lines: two lines with
                    // the same VALUE=X-FOO had their errors swapped.
                    let named = Libical.invalidValueType(message)?.property
                    matches = { line in
                        (named == nil || line.name == named)
                            && quoted.map { !$0.isEmpty && line.text.contains($0) } == true
                    }
                }
                let index =
                    lines.indices.first { $0 >= next && matches(lines[$0]) }
                    ?? lines.indices.first { matches(lines[$0]) }
                result.append(
                    (current, index.map { lines[$0].number } ?? (next < lines.count ? lines[next].number : fallback)))
                property = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)
                continue
            } else {
                found =
                    lines.indices.first { $0 >= next && lines[$0].name == name }
                    ?? lines.indices.last { $0 < next && lines[$0].name == name }
            }
            if let found {
                result.append((current, lines[found].number))
                next = max(next, found + 1)
            } else {
                result.append((current, next < lines.count ? lines[next].number : fallback))
            }
            property = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)
        }
        return result
    }

    /// Pairs libical's child components with the scanned ones, in file order and by name.
    func children(_ component: OpaquePointer, scanned: ScannedComponent?) -> [(OpaquePointer, ScannedComponent?)] {
        let pool = scanned?.children ?? []
        // Each libical child takes the first text block of its name not yet taken: libical's list
        // is not always in the text's order (a VTIMEZONE after the events comes back first), and a
        // single cursor then paired every later event with the wrong block and its lines.
        var taken = Array(repeating: false, count: pool.count)
        var nextOfName: [String: Int] = [:]
        var nextOfAny = 0
        var result: [(OpaquePointer, ScannedComponent?)] = []
        var child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
        while let current = child {
            let name = Libical.string(icalcomponent_kind_to_string(icalcomponent_isa(current))) ?? ""
            var found: Int?
            if icalcomponent_isa(current) == ICAL_X_COMPONENT {
                // A component libical does not know (RFC 9073's PARTICIPANT): libical keeps no name, so
                // it is the next one the text has.
                found = pool.indices[min(nextOfAny, pool.count)...].first { !taken[$0] }
            } else {
                found = pool.indices[min(nextOfName[name] ?? 0, pool.count)...].first {
                    !taken[$0] && pool[$0].name == name
                }
                nextOfName[name] = found.map { $0 + 1 } ?? pool.count
            }
            if let found {
                taken[found] = true
                result.append((current, pool[found]))
                while nextOfAny < pool.count && taken[nextOfAny] { nextOfAny += 1 }
            } else {
                result.append((current, nil))
            }
            child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)
        }
        return result
    }
}

extension Libical {
    /// Properties whose value type is TEXT (RFC 5545 section 3.8), which may be empty.
    static let textProperties: Set<String> = [
        "SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "CONTACT", "CATEGORIES", "RESOURCES", "RELATED-TO",
        "PRODID", "TZNAME", "NAME", "COLOR", "IMAGE", "CONFERENCE", "STYLED-DESCRIPTION", "REQUEST-STATUS",
    ]

    /// Properties whose value says when something happens or in which zone: empty, they are an
    /// error even where a calendar is read for use (an empty UID is read as a missing one).
    static let timingProperties: Set<String> = [
        "DTSTART", "DTEND", "DUE", "DURATION", "RRULE", "RECURRENCE-ID", "TZID", "TZOFFSETFROM", "TZOFFSETTO",
        "TRIGGER",
        "FREEBUSY",
    ]

    /// Properties no event's day, time, recurrence or identity hangs on: a value libical cannot read
    /// in one leaves the property out where a calendar is read for use (`validate` still calls it an
    /// error). An unreadable DTSTAMP is read as a missing one, which RFC 2445 allowed.
    static let informationalProperties: Set<String> = [
        "GEO", "URL", "ATTENDEE", "ORGANIZER", "PRIORITY", "CLASS", "CREATED", "LAST-MODIFIED", "DTSTAMP",
        "PERCENT-COMPLETE", "COMPLETED", "TRANSP", "ATTACH", "REQUEST-STATUS",
    ]

    /// The property of libical's "Can't parse as TYPE value in NAME property" (the X- form aside).
    static func unreadableValueProperty(_ message: String) -> String? {
        unreadableValue(message).map { String($0.property) }
    }

    /// libical's "Can't parse as DATE-TIME value in DTEND property. Removing entire property:
    /// notadate", taken apart: the type, the property and the value.
    static func unreadableValue(_ message: String) -> (type: Substring, property: Substring, value: Substring)? {
        guard message.hasPrefix("Can't parse as ") else { return nil }
        let rest = message.dropFirst(15)
        guard let valueEnd = rest.range(of: " value in "),
            let propertyEnd = rest.range(of: " property", range: valueEnd.upperBound..<rest.endIndex)
        else { return nil }
        let value = rest.range(of: ": ").map { rest[$0.upperBound...] } ?? ""
        return (rest[..<valueEnd.lowerBound], rest[valueEnd.upperBound..<propertyEnd.lowerBound], value)
    }

    /// Properties registered with IANA after RFC 5545 that libical 3.0.16 does not know: RFC 7986
    /// (calendar name, color, images, conferences), RFC 7953, RFC 7808, RFC 9073 (structured data,
    /// locations, participants), RFC 9074 (alarm extensions) and RFC 9253 (links, concepts).
    static let registeredProperties: Set<String> = [
        "NAME", "REFRESH-INTERVAL", "SOURCE", "COLOR", "IMAGE", "CONFERENCE", "BUSYTYPE", "TZUNTIL", "TZID-ALIAS-OF",
        "LOCATION-TYPE", "PARTICIPANT-TYPE", "RESOURCE-TYPE", "CALENDAR-ADDRESS", "STYLED-DESCRIPTION",
        "STRUCTURED-DATA", "ACKNOWLEDGED", "PROXIMITY", "LINK", "CONCEPT", "REFID",
    ]

    /// The property and VALUE of libical's "Invalid VALUE type for property SUMMARY: VALUE=X-FOO".
    static func invalidValueType(_ message: String) -> (property: String, value: String)? {
        let prefix = "Invalid VALUE type for property "
        guard message.hasPrefix(prefix), let colon = message.range(of: ": VALUE=") else { return nil }
        let property = message[message.index(message.startIndex, offsetBy: prefix.count)..<colon.lowerBound]
        return (property.uppercased(), String(message[colon.upperBound...]))
    }

    /// RFC 5545's value types (section 3.3): any other token in VALUE is an iana-token or x-name a
    /// reader keeps without interpreting.
    static let valueTypes: Set<String> = [
        "BINARY", "BOOLEAN", "CAL-ADDRESS", "DATE", "DATE-TIME", "DURATION", "FLOAT", "INTEGER", "PERIOD", "RECUR",
        "TEXT", "TIME", "URI", "UTC-OFFSET",
    ]

    /// Whether a name is an iana-token or x-name: letters, digits and `-`.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) }
    }

    /// libical's parser messages, said as Drillbook says things: what is wrong, then the value.
    static func inOwnWords(_ message: String) -> String {
        func after(_ prefix: String) -> String? {
            message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : nil
        }
        if let (type, property, value) = unreadableValue(message) {
            return "\(property) \"\(value)\" is not a \(type) value; the property is not read"
        }
        // "Invalid VALUE type for property RDATE: VALUE=TIME" (a text property's is worded apart).
        if let (property, type) = invalidValueType(message) {
            return "\(property) does not take VALUE=\(type); its value is read as the type \(property) has by default"
        }
        if let name = after("Parse error in component name: ") {
            return "BEGIN:\(name) is not a component name (expected letters, digits and -)"
        }
        if let name = after("Parse error in property name: ") {
            return "\"\(name)\" is not a property name (expected letters, digits and -)"
        }
        if let name = after("Can't parse parameter name: ") { return "parameter \"\(name)\" cannot be read" }
        if let value = after("Can't parse parameter value: ") { return "parameter value \"\(value)\" cannot be read" }
        if let rest = after("Got a parameter of unknown kind for the following property: ") {
            return "an unknown parameter on \(rest)"
        }
        if message.hasPrefix("Missing END tag") { return "a component has no END line; closed at the end of the file" }
        return message
    }

    /// The property libical dropped for having no value (`No value for LOCATION property. ...`).
    static func emptyValueProperty(_ message: String) -> String? {
        guard message.hasPrefix("No value for "), let end = message.range(of: " property") else { return nil }
        let name = message[message.index(message.startIndex, offsetBy: 13)..<end.lowerBound]
        return name.isEmpty || name.contains(" ") ? nil : name.uppercased()
    }

    /// A property's name as the file spells it (X- names included).
    static func propertyName(_ property: OpaquePointer) -> String {
        if icalproperty_isa(property) == ICAL_X_PROPERTY {
            return string(icalproperty_get_x_name(property))?.uppercased() ?? "X-"
        }
        return string(icalproperty_kind_to_string(icalproperty_isa(property))) ?? ""
    }

    /// A property's value as text, unescaped.
    static func valueText(_ property: OpaquePointer) -> String {
        guard let value = icalproperty_get_value(property) else { return "" }
        switch icalvalue_isa(value) {
        case ICAL_TEXT_VALUE: return string(icalvalue_get_text(value)) ?? ""
        case ICAL_X_VALUE: return string(icalvalue_get_x(value)) ?? ""
        default: return string(icalvalue_as_ical_string(value)) ?? ""
        }
    }

    static func tzid(_ property: OpaquePointer) -> String? {
        icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER).flatMap { string(icalparameter_get_tzid($0)) }
    }
}
