internal import CLibical
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
        var text = String(decoding: bytes, as: UTF8.self)
        // libical gives up on a file cut short; close what is open so the part before the cut is read.
        var open = scan.roots.last
        var closers: [String] = []
        while let component = open, component.endLine == nil {
            closers.append("END:\(component.name)")
            open = component.children.last
        }
        if !closers.isEmpty { text += "\r\n" + closers.reversed().joined(separator: "\r\n") + "\r\n" }
        return Libical.withLock {
            var walk = ReaderWalk(file: file, scanProblems: repairs + scan.problems)
            if let root = icalparser_parse_string(text) {
                defer { icalcomponent_free(root) }
                walk.read(root: root, scanned: scan.roots)
            } else if scan.problems.isEmpty {
                walk.report(1, .syntax, "libical could not parse the file as iCalendar")
            }
            return CalendarInspection(document: walk.document, problems: walk.problems.sorted())
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
                    file: file, line: 1, kind: .repaired,
                    message: "the file starts with a UTF-8 byte-order mark; read past it"))
        }
        let loneCR = bytes.indices.filter { bytes[$0] == 0x0D && ($0 + 1 == bytes.count || bytes[$0 + 1] != 0x0A) }
        if !loneCR.isEmpty {
            for index in loneCR.reversed() { bytes.insert(0x0A, at: index + 1) }
            problems.append(
                CalendarProblem(
                    file: file, line: 1, kind: .repaired,
                    message:
                        "\(loneCR.count) line\(loneCR.count == 1 ? "" : "s") end in CR alone (expected CRLF); read as line ends"
                ))
        }
        return (bytes, problems)
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
    /// TZIDs already reported as undefined: said once a file, at first use.
    var reportedZones = Set<String>()
    var zones = CalendarZones()

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
        var calendars: [OpaquePointer] = []
        if icalcomponent_isa(root) == ICAL_XROOT_COMPONENT {
            var child = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT)
            while let calendar = child {
                calendars.append(calendar)
                child = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)
            }
        } else {
            calendars = [root]
        }
        let scannedCalendars = scanned.filter { $0.name == "VCALENDAR" }
        for (index, calendar) in calendars.enumerated() {
            let shape = index < scannedCalendars.count ? scannedCalendars[index] : nil
            zones = CalendarZones(definedIn: calendar)
            reportedZones = []
            readCalendar(calendar, scanned: shape)
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
                let message = Libical.string(icalproperty_get_xlicerror(current)) ?? ""
                if let empty = Libical.emptyValueProperty(message) {
                    // "No value for LOCATION property": the next LOCATION line, which has no value.
                    found = lines.indices.first { $0 >= next && lines[$0].name == empty }
                } else {
                    let quoted = message.range(of: ": ", options: .backwards).map {
                        String(message[$0.upperBound...])
                    }
                    found = lines.indices.first { $0 >= next && quoted.map(lines[$0].text.contains) == true }
                }
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
        var next = 0
        var result: [(OpaquePointer, ScannedComponent?)] = []
        var child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT)
        while let current = child {
            let name = Libical.string(icalcomponent_kind_to_string(icalcomponent_isa(current))) ?? ""
            if let index = pool[next...].firstIndex(where: { $0.name == name }) {
                result.append((current, pool[index]))
                next = index + 1
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
