/// A date and a time of day as a clock on the wall shows it, with no zone attached.
///
/// Which instant it names depends on the zone it is read in (see `EventTime`).
public struct WallTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: CalendarDate
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(date: CalendarDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.init(date: CalendarDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second)
    }

    /// Parses `2027-09-02T09:00:00`, `2027-09-02T09:00` or `20270902T090000` (a trailing `Z` is not
    /// accepted here: UTC is a property of `EventTime`).
    public init?(_ text: some StringProtocol) {
        // The form `description` writes (`2027-09-02T10:15:00`), read without allocating: stores
        // read one per record. Anything else takes the general path below.
        let fast = text.utf8.withContiguousStorageIfAvailable { bytes -> WallTime? in
            guard bytes.count == 19 else { return nil }
            func digits(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for index in from..<from + count {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), let year = digits(0, 4),
                let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2), let minute = digits(14, 2),
                let second = digits(17, 2)
            else { return nil }
            let time = WallTime(
                date: CalendarDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second)
            return time.isValid ? time : nil
        }
        // Anything else (another form, or a time that does not exist) takes the general path.
        if case .some(.some(let time)) = fast {
            self = time
            return
        }
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CalendarDate(parts[0]) else { return nil }
        // HH:MM, HH:MM:SS, HHMM or HHMMSS: a colon anywhere else (`1:0:00`) is not a time.
        let written = Array(parts[1].utf8)
        let colon = UInt8(ascii: ":")
        let colons = written.indices.filter { written[$0] == colon }
        guard colons == [] || (colons == [2] && written.count == 5) || (colons == [2, 5] && written.count == 8) else {
            return nil
        }
        let clock = String(decoding: written.filter { $0 != colon }, as: UTF8.self)
        guard clock.count == 4 || clock.count == 6, clock.utf8.allSatisfy({ (48...57).contains($0) }),
            let value = Int(clock)
        else {
            return nil
        }
        let hms = clock.count == 4 ? value * 100 : value
        self.init(date: date, hour: hms / 10_000, minute: hms / 100 % 100, second: hms % 100)
        guard isValid else { return nil }
    }

    /// Whether the date exists and the clock reads 00:00:00 to 23:59:60 (a leap second is allowed).
    public var isValid: Bool {
        date.isValid && (0...23).contains(hour) && (0...59).contains(minute) && (0...60).contains(second)
    }

    /// Seconds since 1970-01-01T00:00:00 on this same wall clock (a count, not an instant).
    public var secondsSinceEpoch: Int { date.dayNumber * 86_400 + hour * 3_600 + minute * 60 + second }

    /// The wall time `seconds` later on a clock that never changes offset.
    public init(secondsSinceEpoch seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let rest = seconds - days * 86_400
        self.init(date: CalendarDate(dayNumber: days), hour: rest / 3_600, minute: rest / 60 % 60, second: rest % 60)
    }

    public func adding(seconds: Int) -> WallTime { WallTime(secondsSinceEpoch: secondsSinceEpoch + seconds) }

    /// `2027-09-02T09:00:00`.
    public var description: String { "\(date)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }

    /// `20270902T090000`, iCalendar's DATE-TIME form without the `Z`.
    public var basicFormat: String { "\(date.basicFormat)T\(pad(hour, 2))\(pad(minute, 2))\(pad(second, 2))" }

    public static func < (a: WallTime, b: WallTime) -> Bool {
        (a.date, a.hour, a.minute, a.second) < (b.date, b.hour, b.minute, b.second)
    }
}
