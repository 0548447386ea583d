public import Dates

/// A named span of the year: a semester, a grading quarter, a testing window.
public struct Term: Hashable, Sendable {
    public var name: String
    public var first: CalendarDate
    public var last: CalendarDate

    public init(name: String, first: CalendarDate, last: CalendarDate) {
        self.name = name
        self.first = first
        self.last = last
    }

    public func contains(_ date: CalendarDate) -> Bool { date >= first && date <= last }
}

/// A day with no school: a holiday, a break, a snow day.
public struct SchoolClosure: Hashable, Sendable {
    public var date: CalendarDate
    public var reason: String

    public init(date: CalendarDate, reason: String) {
        self.date = date
        self.reason = reason
    }
}

/// One school's year as its calendar has it: the days there is school, with students or without.
///
/// A school day is a weekday from the first to the last day that is not a closure; an instructional
/// day is a school day with students (not staff-only).
public struct SchoolYear: Hashable, Sendable {
    /// `2027-2028`.
    public var name: String
    public var first: CalendarDate { didSet { tabulate() } }
    public var last: CalendarDate { didSet { tabulate() } }
    public var semesters: [Term]
    public var quarters: [Term]
    public var closures: [CalendarDate: String] { didSet { tabulate() } }
    public var staffOnly: Set<CalendarDate> { didSet { tabulate() } }
    public var testing: [Term] { didSet { tabulate() } }
    /// Days students go home early (an early-release, half or minimum day): school days, but no
    /// drill is placed on one, as the afternoon the planner may pick has no students.
    public var earlyRelease: Set<CalendarDate> { didSet { tabulate() } }

    /// What each day of the year is, worked out once from the fields above (and again whenever one
    /// changes): the planner asks of every day for every activity of every school, and a closure or
    /// staff-only lookup hashes the date each time.
    private var table = DayTable()

    public init(
        name: String, first: CalendarDate, last: CalendarDate, semesters: [Term] = [], quarters: [Term] = [],
        closures: [SchoolClosure] = [], staffOnly: Set<CalendarDate> = [], testing: [Term] = [],
        earlyRelease: Set<CalendarDate> = []
    ) {
        self.name = name
        self.first = first
        self.last = last
        self.semesters =
            semesters.isEmpty ? SchoolYear.halves(Term(name: "Year", first: first, last: last), "Semester") : semesters
        self.quarters = quarters.isEmpty ? self.semesters.flatMap { SchoolYear.halves($0, "Quarter") } : quarters
        for (index, _) in self.quarters.enumerated() where quarters.isEmpty {
            self.quarters[index].name = "Quarter \(index + 1)"
        }
        self.closures = Dictionary(closures.map { ($0.date, $0.reason) }, uniquingKeysWith: { first, _ in first })
        self.staffOnly = staffOnly
        self.testing = testing
        self.earlyRelease = earlyRelease
        tabulate()
    }

    private mutating func tabulate() {
        table = DayTable(first: first.dayNumber, last: last.dayNumber) { day in
            let date = CalendarDate(dayNumber: day)
            var flags: UInt8 = 0
            if date.weekday != .saturday && date.weekday != .sunday && closures[date] == nil {
                flags |= DayTable.school
                if !staffOnly.contains(date) { flags |= DayTable.instructional }
            }
            if testing.contains(where: { $0.contains(date) }) { flags |= DayTable.testing }
            if earlyRelease.contains(date) { flags |= DayTable.earlyRelease }
            return flags
        }
    }

    /// A term cut in two at its middle day.
    static func halves(_ term: Term, _ name: String) -> [Term] {
        let middle = term.first.adding(days: (term.last.dayNumber - term.first.dayNumber) / 2)
        return [
            Term(name: "\(name) 1", first: term.first, last: middle),
            Term(name: "\(name) 2", first: middle.adding(days: 1), last: term.last),
        ]
    }

    public func isSchoolDay(_ date: CalendarDate) -> Bool { table.has(DayTable.school, date.dayNumber) }

    public func isInstructionalDay(_ date: CalendarDate) -> Bool { table.has(DayTable.instructional, date.dayNumber) }

    /// Why a day of the year has no students (`a Saturday`, `a closure day (Labor Day)`, `a staff-only
    /// day`); nil for an instructional day and for a day outside the year, which a rule's period
    /// already leaves out (or a summer session counts).
    public func noStudents(on date: CalendarDate) -> String? {
        guard date >= first, date <= last, !isInstructionalDay(date) else { return nil }
        if date.weekday == .saturday || date.weekday == .sunday {
            return "a " + (date.weekday == .saturday ? "Saturday" : "Sunday")
        }
        if let reason = closures[date] { return "a closure day (\(reason))" }
        return "a staff-only day"
    }

    public func isTesting(_ date: CalendarDate) -> Bool {
        // A testing window may reach past the year's days, which the table does not hold.
        date >= first && date <= last
            ? table.has(DayTable.testing, date.dayNumber) : testing.contains { $0.contains(date) }
    }

    /// Whether a new placement may go on `date` at all: an instructional day outside testing windows.
    public func isOpen(_ date: CalendarDate) -> Bool { isOpen(dayNumber: date.dayNumber) }

    /// `isOpen` of the day `dayNumber` days after 1970-01-01.
    public func isOpen(dayNumber: Int) -> Bool {
        table.has(DayTable.instructional, dayNumber) && !table.has(DayTable.testing, dayNumber)
    }

    /// Whether students go home early on `date`.
    public func isEarlyRelease(_ date: CalendarDate) -> Bool { table.has(DayTable.earlyRelease, date.dayNumber) }

    /// Whether a new drill may go on `date`: `isOpen`, and not an early-release day.
    public func isOpenForDrills(_ date: CalendarDate) -> Bool {
        isOpen(dayNumber: date.dayNumber) && !table.has(DayTable.earlyRelease, date.dayNumber)
    }

    /// Every day from the first to the last.
    public var days: [CalendarDate] {
        (0...(last.dayNumber - first.dayNumber)).map { first.adding(days: $0) }
    }

    /// Whether a day counts as the kind a window measures in.
    public func counts(_ date: CalendarDate, as kind: DayKind) -> Bool {
        switch kind {
        case .calendar: true
        case .school: isSchoolDay(date)
        case .instructional: isInstructionalDay(date)
        }
    }

    /// The periods of a kind, in order; months are cut to the first and last day.
    public func periods(_ kind: PeriodKind) -> [Term] {
        switch kind {
        case .year: return [Term(name: name, first: first, last: last)]
        case .semester: return semesters
        case .quarter: return quarters
        case .month:
            var result: [Term] = []
            var start = first.firstOfMonth(addingMonths: 0)
            while start <= last {
                let next = start.firstOfMonth(addingMonths: 1)
                let term = Term(
                    name: monthNames[start.month - 1] + " \(start.year)", first: max(start, first),
                    last: min(next.adding(days: -1), last))
                if term.first <= term.last { result.append(term) }
                start = next
            }
            return result
        }
    }
}

/// One byte of flags per day from a year's first day to its last; every day outside is none of them.
private struct DayTable: Hashable, Sendable {
    static let school: UInt8 = 1
    static let instructional: UInt8 = 2
    static let testing: UInt8 = 4
    static let earlyRelease: UInt8 = 8

    private var first = 0
    private var flags: [UInt8] = []

    init() {}

    init(first: Int, last: Int, _ flagsOf: (Int) -> UInt8) {
        self.first = first
        flags = first <= last ? (first...last).map(flagsOf) : []
    }

    func has(_ flag: UInt8, _ dayNumber: Int) -> Bool {
        let offset = dayNumber - first
        return offset >= 0 && offset < flags.count && flags[offset] & flag != 0
    }
}

let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]
