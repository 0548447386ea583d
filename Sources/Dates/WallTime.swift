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
        if text.utf8.count == 19 {
            var fields = [0, 0, 0, 0, 0, 0]
            var field = 0
            var ok = true
            for (position, byte) in text.utf8.enumerated() {
                switch position {
                case 4, 7:
                    ok = ok && byte == UInt8(ascii: "-")
                    field += 1
                case 10:
                    ok = ok && byte == UInt8(ascii: "T")
                    field += 1
                case 13, 16:
                    ok = ok && byte == UInt8(ascii: ":")
                    field += 1
                default:
                    ok = ok && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                    fields[field] = fields[field] * 10 + Int(byte &- UInt8(ascii: "0"))
                }
            }
            if ok {
                self.init(
                    date: CalendarDate(year: fields[0], month: fields[1], day: fields[2]), hour: fields[3],
                    minute: fields[4], second: fields[5])
                guard isValid else { return nil }
                return
            }
        }
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CalendarDate(parts[0]) else { return nil }
        let clock = String(parts[1].filter { $0 != ":" })
        guard clock.count == 4 || clock.count == 6, clock.allSatisfy(\.isASCII), let value = Int(clock) else {
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
