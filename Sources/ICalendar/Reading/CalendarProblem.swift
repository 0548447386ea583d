/// One thing wrong with a calendar file, named by file and line: `lakeside.ics:14: DTEND is before DTSTART`.
public struct CalendarProblem: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// What sort of fault; the planner tolerates some of them in a district's published calendar.
    public enum Kind: String, Hashable, Sendable {
        case lineEnding, lineLength, fold, encoding, syntax, structure
        case missingProperty, value, recurrence, dates, timeZone, alarm
        /// A TZID with no VTIMEZONE in the file that is still a known Olson zone.
        case undefinedKnownZone
        // What real clients write that reading sets right, each its own kind so a reader is told
        // once per kind: a UTF-8 byte-order mark, lines ending in CR alone, an empty RRULE part
        // (Google's trailing ";"), several RRULEs (RFC 2445), RANGE=THISANDPRIOR, an all-day DTEND
        // equal to DTSTART and a date-time RECURRENCE-ID on an all-day series (Outlook), times
        // given in X-WR-TIMEZONE (Google), X-LIC-ERROR notes of an earlier round trip, events
        // outside any VCALENDAR, calendars joined into one file, VEVENTs nested in a component.
        case byteOrderMark, loneCR, emptyRulePart, severalRules, rangeThisAndPrior, allDayEndEqual
        case allDayRecurrenceID, wrTimeZone, pastLibicalError, outsideCalendar, secondCalendar, nestedEvent
        /// An all-day series' RDATE or EXDATE written as a date with a `Z` (`RDATE:20131210Z`, Google's
        /// birthdays calendar): neither a DATE nor a DATE-TIME, read as the date it names.
        case dateWithZ
        /// An RRULE with spaces in its lists (`BYDAY=MO, TU, WE`): read without them.
        case spacedRulePart
        /// An RDATE or EXDATE with no value (`EXDATE;VALUE=DATE:`): read as no dates.
        case emptyDateList
        /// A second copy of an event or of one occurrence, under the same UID (and RECURRENCE-ID): an
        /// edit's history kept in the file; the newest copy is read (`ReaderWalk.supersede`).
        case supersededCopy
        /// DURATION:PT0S beside a DTEND (Thunderbird, in an occurrence it moved): the DTEND is read.
        case zeroDurationBesideEnd
        /// Lines not in UTF-8, read as Windows-1252 (Outlook's and Excel's code page on Windows).
        case windows1252
        /// A line that is no property after one of fold length: a fold whose leading space a writer
        /// (Confluence) or a script that trims lines left out, read as the continuation it was.
        case lostFold
        /// Lines that are no property after a text property (DESCRIPTION, SUMMARY, ...): line
        /// breaks a writer left raw in the text (an invitation's body pasted in, ics-parser's
        /// issue 343), read as the text's line breaks.
        case rawLineBreak
        /// A fault of a component no reading uses (VTODO, VJOURNAL, VFREEBUSY, an x-component):
        /// reading for use passes it over (`CalendarReader.sparingUnused`).
        case unusedComponent
        /// A property RFC 5545 allows once in a VEVENT given again, the same parameters and value both
        /// times (libical's samples of RFC 2446's iTIP messages repeat a UID): read once.
        case repeatedProperty
        /// A DTEND of the other kind than DTSTART (a date ending a date-time, or the reverse): read
        /// in DTSTART's kind.
        case mixedEndKind
        /// A single event's DTEND before its DTSTART: read the other way round.
        case swappedEnd
        /// An RRULE with both COUNT and UNTIL: it ends at whichever comes first (a COUNT of 0 or
        /// less, an exporter's "no count", is read as none).
        case countWithUntil
        /// An RRULE's UNTIL of another kind than DTSTART asks (a date for a timed series, a local
        /// time for one in a time zone): read as its exporter meant (`untilFault`).
        case untilKind
        /// A TZID Exchange gives a zone of its user's making, with no VTIMEZONE in the file
        /// (`Customized Time Zone`): read as local time (`CalendarZones.isPlaceholder`).
        case placeholderZone
        /// A VEVENT with no DTSTART in a METHOD:REPLY, CANCEL, REFRESH or DECLINECOUNTER calendar,
        /// which RFC 5546 allows: it places nothing, so it is not read as an event.
        case messageWithoutStart
        /// A time before the first observance of its file's VTIMEZONE, which tzdata also knows by
        /// name: read by tzdata's zone (`CalendarZones.onset`). RFC 5545 does not say what such a
        /// time is, so it is a warning.
        case beforeZoneOnset
        /// A date where a DATE-TIME is the default, without VALUE=DATE (`DTSTART;TZID=...:20040425`,
        /// Google's early exports): read as the all-day date it names.
        case dateWithoutValueType
        /// A property that is neither registered nor an X- name: RFC 5545 has readers ignore it.
        case unknownProperty
        /// A value of the wrong form where the meaning of the events does not hang on it
        /// (`SEQUENCE:abc`, `STATUS:DONE`): libical reads it as a default; `validate` calls it an error.
        case coercedValue
        /// A VCALENDAR without PRODID or VERSION, an event without DTSTAMP, or without a UID when it
        /// overrides nothing: RFC 5545 requires them, RFC 2445 let events leave out DTSTAMP and UID,
        /// and hand-made and older exported files do. No event's meaning hangs on them (an override
        /// without a UID names no series, and stays `missingProperty`).
        case missingMetadata
        /// A line with no colon that names a property no event's meaning hangs on (an X- name,
        /// ORGANIZER, ATTENDEE, ...: `Libical.informationalProperties`), such as Sixt's
        /// `ORGANIZER;CN=Sixt SE`: reading for use leaves it out.
        case valuelessProperty

        /// Faults real calendars often have that do not change their meaning. A VALARM's faults are
        /// among them: reading for use keeps no alarm it cannot read, and an event means the same
        /// without its reminder (Mozilla's clients have written a VALARM with no TRIGGER).
        public var isTolerable: Bool {
            isRepair || self == .lineEnding || self == .lineLength || self == .undefinedKnownZone
                || self == .unknownProperty || self == .coercedValue || self == .missingMetadata || self == .alarm
                || self == .messageWithoutStart || self == .beforeZoneOnset || self == .unusedComponent
                || self == .valuelessProperty
        }

        /// What `calendar validate` calls an error: what RFC 5545 says MUST (or a client misreads).
        /// Long lines and several RRULEs (SHOULD NOT), unregistered names and X- properties such as
        /// X-LIC-ERROR or X-WR-TIMEZONE (which readers may ignore) are warnings.
        public var breaksRFC: Bool {
            switch self {
            case .lineLength, .severalRules, .unknownProperty, .pastLibicalError, .wrTimeZone, .messageWithoutStart,
                .beforeZoneOnset:
                false
            default: true
            }
        }

        /// Something a real client writes that reading set right.
        public var isRepair: Bool {
            switch self {
            case .byteOrderMark, .loneCR, .emptyRulePart, .severalRules, .rangeThisAndPrior, .allDayEndEqual,
                .allDayRecurrenceID, .wrTimeZone, .pastLibicalError, .outsideCalendar, .secondCalendar, .nestedEvent,
                .dateWithZ, .spacedRulePart, .emptyDateList, .supersededCopy, .zeroDurationBesideEnd, .windows1252,
                .lostFold, .rawLineBreak, .mixedEndKind, .swappedEnd, .countWithUntil, .untilKind, .placeholderZone,
                .dateWithoutValueType, .repeatedProperty:
                true
            default: false
            }
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
    /// `label` goes before each message (`FILE:LINE: warning: ...`).
    public static func summarized(_ problems: [CalendarProblem], label: String = "") -> [String] {
        var order: [String] = []
        var groups: [String: [CalendarProblem]] = [:]
        for problem in problems.sorted() {
            let key = "\(problem.file) \(problem.kind.rawValue)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(problem)
        }
        return order.map { key in
            let group = groups[key]!
            let first = group[0]
            return "\(first.file):\(first.line): \(label)\(first.message)"
                + (group.count > 1 ? " (and \(group.count - 1) more like it)" : "")
        }
    }
}
