/// One thing wrong with a calendar file, named by file and line: `lakeside.ics:14: DTEND is before DTSTART`.
public struct CalendarProblem: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// What sort of fault; the planner tolerates some of them in a district's published calendar.
    public enum Kind: String, Hashable, Sendable {
        case lineEnding, lineLength, fold, encoding, syntax, structure
        case missingProperty, value, recurrence, dates, timeZone, duplicateUID, alarm
        /// A TZID with no VTIMEZONE in the file that is still a known Olson zone.
        case undefinedKnownZone
        /// Something a real client writes that reading set right (a byte-order mark, CR line ends).
        case repaired

        /// Faults real calendars often have that do not change their meaning.
        public var isTolerable: Bool {
            self == .lineEnding || self == .lineLength || self == .undefinedKnownZone || self == .repaired
        }
    }

    public var file: String
    public var line: Int
    public var kind: Kind
    public var message: String

    public init(file: String, line: Int, kind: Kind, message: String) {
        self.file = file
        self.line = line
        self.kind = kind
        self.message = message
    }

    /// `FILE:LINE: what is wrong`.
    public var description: String { "\(file):\(line): \(message)" }

    public static func < (a: CalendarProblem, b: CalendarProblem) -> Bool {
        (a.file, a.line, a.message) < (b.file, b.line, b.message)
    }
}

extension CalendarProblem {
    /// Warnings as a reader wants them: one line per file and kind, the first place it occurs, and
    /// how many more there are (500 long lines are one warning, not 500).
    public static func summarized(_ problems: [CalendarProblem]) -> [String] {
        var order: [String] = []
        var groups: [String: [CalendarProblem]] = [:]
        for problem in problems.sorted() {
            let key = "\(problem.file) \(problem.kind.rawValue)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(problem)
        }
        return order.map { key in
            let group = groups[key]!
            return group[0].description + (group.count > 1 ? " (and \(group.count - 1) more like it)" : "")
        }
    }
}
