/// A day on the civil calendar with no time and no zone: an all-day event's date, a school day.
///
/// Arithmetic is on the proleptic Gregorian calendar through a day count, so adding days never
/// touches time zones or daylight saving.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date as given; `isValid` says whether it exists (2025-09-31 does not).
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2027-09-02` or `20270902`; nil when the text is not a date that exists.
    public init?(_ text: some StringProtocol) {
        var text = String(text)  // a date is a small string: no copy to the heap
        guard let date = text.withUTF8({ Self(utf8: $0) }) else { return nil }
        self = date
    }

    /// Parses the UTF-8 bytes of `2027-09-02` or `20270902` (a database column read in place).
    public init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        // Byte by byte: stores read tens of thousands of dates per query. Only the two lengths are
        // read at all (a long run of digits would overflow the sum: the fuzzer found one).
        let length = text.count
        guard length == 8 || length == 10 else { return nil }
        var value = 0
        var digits = 0
        var position = 0
        let dashed = length == 10
        for byte in text {
            defer { position += 1 }
            if dashed && (position == 4 || position == 7) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        guard digits == 8, position == (dashed ? 10 : 8) else { return nil }
        self.init(year: value / 10_000, month: value / 100 % 100, day: value % 100)
        guard isValid else { return nil }
    }

    /// One combine of the packed date, not three: days key the scheduler's sets and maps.
    public func hash(into hasher: inout Hasher) { hasher.combine(year &* 10_000 &+ month &* 100 &+ day) }

    /// Whether this day exists on the calendar.
    public var isValid: Bool {
        (1...9999).contains(year) && (1...12).contains(month)
            && (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (negative before); H. Hinnant's days_from_civil.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// The first day of the month `months` after this date's month.
    public func firstOfMonth(addingMonths months: Int) -> CalendarDate {
        let index = year * 12 + (month - 1) + months
        return CalendarDate(year: index / 12, month: index % 12 + 1, day: 1)
    }

    /// Day of the week, 0 = Sunday ... 6 = Saturday.
    public var weekday: Weekday { Weekday(rawValue: ((dayNumber % 7) + 11) % 7)! }

    /// Day of the year, 1-based.
    public var ordinal: Int { dayNumber - CalendarDate(year: year, month: 1, day: 1).dayNumber + 1 }

    /// `2027-09-02`.
    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    /// `20270902`, iCalendar's DATE form.
    public var basicFormat: String { "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))" }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// A day of the week, numbered as libical and C's `tm_wday` do.
public enum Weekday: Int, Sendable, CaseIterable, Comparable {
    case sunday = 0
    case monday, tuesday, wednesday, thursday, friday, saturday

    /// The two-letter iCalendar code (`MO`).
    public var code: String { ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][rawValue] }

    public init?(code: some StringProtocol) {
        guard let index = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"].firstIndex(of: code.uppercased()) else {
            return nil
        }
        self.init(rawValue: index)
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
