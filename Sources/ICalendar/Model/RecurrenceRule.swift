public import Dates

/// An RRULE value (RFC 5545 section 3.3.10), parsed into its parts.
///
/// Parsing here names the part that is wrong, which libical's parser does not; libical still reads
/// the same text when a calendar is parsed or expanded.
public struct RecurrenceRule: Hashable, Sendable, CustomStringConvertible {
    public enum Frequency: String, Hashable, Sendable, CaseIterable, Comparable {
        case secondly = "SECONDLY"
        case minutely = "MINUTELY"
        case hourly = "HOURLY"
        case daily = "DAILY"
        case weekly = "WEEKLY"
        case monthly = "MONTHLY"
        case yearly = "YEARLY"

        var rank: Int { Frequency.allCases.firstIndex(of: self)! }
        public static func < (a: Frequency, b: Frequency) -> Bool { a.rank < b.rank }
    }

    /// A BYDAY entry: `MO`, `2TU` (second Tuesday), `-1FR` (last Friday).
    public struct WeekdayEntry: Hashable, Sendable, CustomStringConvertible {
        public var ordinal: Int?
        public var weekday: Weekday

        public init(_ weekday: Weekday, ordinal: Int? = nil) {
            self.weekday = weekday
            self.ordinal = ordinal
        }

        public var description: String { (ordinal.map(String.init) ?? "") + weekday.code }
    }

    public var frequency: Frequency
    public var interval: Int = 1
    public var count: Int?
    /// Inclusive; a date for all-day events, else UTC (or floating for floating starts).
    public var until: EventTime?
    public var bySecond: [Int] = []
    public var byMinute: [Int] = []
    public var byHour: [Int] = []
    public var byDay: [WeekdayEntry] = []
    public var byMonthDay: [Int] = []
    public var byYearDay: [Int] = []
    public var byWeekNo: [Int] = []
    public var byMonth: [Int] = []
    public var bySetPos: [Int] = []
    public var weekStart: Weekday = .monday

    public init(frequency: Frequency) { self.frequency = frequency }

    /// The canonical text, parts in RFC order (`FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE`).
    public var description: String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        if let count { parts.append("COUNT=\(count)") }
        if let until {
            switch until {
            case .date(let date): parts.append("UNTIL=\(date.basicFormat)")
            case .utc(let wall): parts.append("UNTIL=\(wall.basicFormat)Z")
            case .zoned(let wall, _), .floating(let wall): parts.append("UNTIL=\(wall.basicFormat)")
            }
        }
        func list(_ name: String, _ values: [some CustomStringConvertible]) {
            if !values.isEmpty { parts.append("\(name)=" + values.map(\.description).joined(separator: ",")) }
        }
        list("BYSECOND", bySecond)
        list("BYMINUTE", byMinute)
        list("BYHOUR", byHour)
        list("BYDAY", byDay)
        list("BYMONTHDAY", byMonthDay)
        list("BYYEARDAY", byYearDay)
        list("BYWEEKNO", byWeekNo)
        list("BYMONTH", byMonth)
        list("BYSETPOS", bySetPos)
        if weekStart != .monday { parts.append("WKST=\(weekStart.code)") }
        return parts.joined(separator: ";")
    }
}

/// Why an RRULE value cannot be read; the text says it the way a person fixing the file needs.
public struct RecurrenceRuleError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
}

extension RecurrenceRule {
    static let partNames = [
        "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY",
        "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
    ]

    /// Parses an RRULE value such as `FREQ=MONTHLY;BYDAY=1MO`.
    /// With `endingAtFirst`, a rule with both COUNT and UNTIL (which RFC 5545 forbids) is read as
    /// ending at whichever comes first, as libical and python's dateutil read it.
    public init(parsing text: String, endingAtFirst: Bool = false) throws(RecurrenceRuleError) {
        func fail(_ message: String) -> RecurrenceRuleError { RecurrenceRuleError(description: message) }
        var seen = Set<String>()
        var frequency: Frequency?
        var rule = RecurrenceRule(frequency: .daily)
        for part in text.split(separator: ";", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = pair[0].uppercased()
            guard pair.count == 2, !pair[1].isEmpty else { throw fail("RRULE part \"\(part)\" has no value") }
            guard RecurrenceRule.partNames.contains(name) else {
                let near = RecurrenceRule.partNames.first { $0.hasPrefix(name.prefix(4)) || name.hasPrefix($0) }
                throw fail(
                    "RRULE part \"\(pair[0])\" is unknown" + (near.map { " (did you mean \($0)?)" } ?? "")
                        + "; expected one of " + RecurrenceRule.partNames.joined(separator: ", "))
            }
            guard seen.insert(name).inserted else { throw fail("RRULE part \(name) is given twice") }
            let value = String(pair[1])
            func integers(_ range: ClosedRange<Int>, signed: Bool) throws(RecurrenceRuleError) -> [Int] {
                var result: [Int] = []
                for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let number = Int(item),
                        signed ? number != 0 && range.contains(abs(number)) : range.contains(number)
                    else {
                        throw fail(
                            "RRULE \(name) value \"\(item)\" is out of range (expected \(signed ? "±" : "")"
                                + "\(range.lowerBound) to \(range.upperBound))")
                    }
                    result.append(number)
                }
                return result
            }
            switch name {
            case "FREQ":
                guard let value = Frequency(rawValue: value.uppercased()) else {
                    throw fail(
                        "RRULE FREQ \"\(value)\" is unknown (expected one of "
                            + Frequency.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                frequency = value
            case "INTERVAL":
                guard let number = Int(value), number >= 1 else {
                    throw fail("RRULE INTERVAL \"\(value)\" must be a whole number of at least 1")
                }
                rule.interval = number
            case "COUNT":
                guard let number = Int(value), number >= 1 else {
                    throw fail("RRULE COUNT \"\(value)\" must be a whole number of at least 1")
                }
                rule.count = number
            case "UNTIL":
                if let date = CalendarDate(value), value.count == 8 {
                    rule.until = .date(date)
                } else if value.hasSuffix("Z"), let wall = WallTime(value.dropLast()) {
                    rule.until = .utc(wall)
                } else if let wall = WallTime(value) {
                    rule.until = .floating(wall)
                } else {
                    throw fail("RRULE UNTIL \"\(value)\" is not a date (20270902) or UTC time (20270902T140000Z)")
                }
            case "BYSECOND": rule.bySecond = try integers(0...60, signed: false)
            case "BYMINUTE": rule.byMinute = try integers(0...59, signed: false)
            case "BYHOUR": rule.byHour = try integers(0...23, signed: false)
            case "BYMONTHDAY": rule.byMonthDay = try integers(1...31, signed: true)
            case "BYYEARDAY": rule.byYearDay = try integers(1...366, signed: true)
            case "BYWEEKNO": rule.byWeekNo = try integers(1...53, signed: true)
            case "BYMONTH": rule.byMonth = try integers(1...12, signed: false)
            case "BYSETPOS": rule.bySetPos = try integers(1...366, signed: true)
            case "WKST":
                guard let day = Weekday(code: value) else {
                    throw fail("RRULE WKST \"\(value)\" is not a weekday (MO ... SU)")
                }
                rule.weekStart = day
            default:  // BYDAY
                for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let code = item.suffix(2)
                    let ordinalText = item.dropLast(2)
                    guard let day = Weekday(code: code),
                        ordinalText.isEmpty || Int(ordinalText).map({ (1...53).contains(abs($0)) }) == true
                    else { throw fail("RRULE BYDAY value \"\(item)\" is not a weekday such as MO, 2TU or -1FR") }
                    rule.byDay.append(WeekdayEntry(day, ordinal: ordinalText.isEmpty ? nil : Int(ordinalText)))
                }
            }
        }
        guard let frequency else { throw fail("RRULE has no FREQ (expected e.g. FREQ=WEEKLY)") }
        if rule.count != nil && rule.until != nil && !endingAtFirst {
            throw fail("RRULE has both COUNT and UNTIL; RFC 5545 allows one or the other")
        }
        if rule.byDay.contains(where: { $0.ordinal != nil }) && ![.monthly, .yearly].contains(frequency) {
            throw fail("RRULE BYDAY with a number (such as 2TU) needs FREQ=MONTHLY or FREQ=YEARLY")
        }
        if !rule.byWeekNo.isEmpty && frequency != .yearly { throw fail("RRULE BYWEEKNO needs FREQ=YEARLY") }
        if !rule.byMonthDay.isEmpty && frequency == .weekly {
            throw fail("RRULE BYMONTHDAY cannot be used with FREQ=WEEKLY")
        }
        if !rule.byYearDay.isEmpty && [.daily, .weekly, .monthly].contains(frequency) {
            throw fail("RRULE BYYEARDAY cannot be used with FREQ=\(frequency.rawValue)")
        }
        rule.frequency = frequency
        self = rule
    }
}
