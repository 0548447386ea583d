public import Dates
public import Foundation

/// Instants as people and systems write them, for `DRILLBOOK_NOW`, report times and the like: one
/// reader, so every input takes the same forms and refuses the rest by naming them.
public enum TimeInput {
    /// The accepted forms, for error messages.
    public static let forms =
        "a date (2027-10-05), or a date and time with T or a space, with or without seconds and a zone "
        + "(2027-10-05T06:10, 2027-10-05 06:10:00, 2027-10-05T11:10:00Z, 2027-10-05T06:10:00-05:00); "
        + "without a zone, the district's"

    /// Seconds since the Unix epoch, or nil. A date alone is its first minute in `zone`.
    ///
    /// A time with a zone is read here, not by Foundation's `ISO8601DateFormatter`, which takes
    /// 2027-09-31T10:00Z for October 1st, 2027-02-29 for March 1st and `+99:00` for some offset:
    /// an anonymous report's time or a drill's start must be the one written or none at all.
    public static func instant(_ text: String, zone: TimeZone) -> Int? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let (local, offset) = zoned(text) {
            guard let wall = DateTimeArgument.wallTime(String(local)), local.count > 10 else { return nil }
            return wall.secondsSinceEpoch - offset
        }
        guard let wall = DateTimeArgument.wallTime(text) else { return nil }
        return instant(wall, zone: zone)
    }

    /// The instant a wall time in `zone` names, as RFC 5545 reads one (3.3.5): a time that happens
    /// twice (the hour daylight saving ends) is its first, a time that never happens (the hour it
    /// begins) is read with the offset in force before the gap.
    public static func instant(_ wall: WallTime, zone: TimeZone) -> Int {
        let naive = wall.secondsSinceEpoch
        func offset(_ seconds: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        }
        // A day either side of the wall reading is on either side of any change near it: zones do
        // not change offset twice in two days.
        let before = offset(naive - 86_400)
        let after = offset(naive + 86_400)
        let fitting = [before, after].filter { offset(naive - $0) == $0 }.map { naive - $0 }
        return fitting.min() ?? naive - before
    }

    /// Nil when `wall` happens in `zone`; else what a clock that did not skip would have read then
    /// (02:30 on the night daylight saving begins is 03:30). A drill's start or end typed in the skipped
    /// hour was stored as written and read by every later command as another time.
    public static func skipped(_ wall: WallTime, zone: TimeZone) -> WallTime? {
        let seconds = instant(wall, zone: zone)
        let read = WallTime(
            secondsSinceEpoch: seconds + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        return read == wall ? nil : read
    }

    /// `text` split into its wall time and its zone's offset in seconds east of UTC, when it ends in
    /// `Z`, `+05:30`/`-05:00`, `+0530` or `-05` (RFC 3339, ISO 8601's other offsets) after a time of day;
    /// fractional seconds are dropped. Nil when it carries no zone (or one not written this way).
    static func zoned(_ text: String) -> (wall: Substring, offset: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count > 11 else { return nil }
        var end = bytes.count
        var offset = 0
        if bytes[end - 1] == UInt8(ascii: "Z") || bytes[end - 1] == UInt8(ascii: "z") {
            end -= 1
        } else {
            // The sign is the last + or -, after the date's own dashes.
            guard let sign = bytes.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
                sign > 10
            else { return nil }
            let digits = bytes[(sign + 1)...].filter { $0 != UInt8(ascii: ":") }
            let colons = bytes.count - sign - 1 - digits.count
            // ±HH:MM, ±HHMM, or ISO 8601's ±HH.
            guard digits.count == 4 || (digits.count == 2 && colons == 0),
                colons == 0 || (colons == 1 && bytes[sign + 3] == UInt8(ascii: ":")),
                digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
            let values = digits.map { Int($0 - UInt8(ascii: "0")) }
            let hours = values[0] * 10 + values[1]
            let minutes = digits.count == 4 ? values[2] * 10 + values[3] : 0
            // Real offsets run from -12:00 to +14:00; 18 hours is the widest ISO 8601 readers take.
            guard minutes < 60, hours * 60 + minutes <= 18 * 60 else { return nil }
            offset = (hours * 3_600 + minutes * 60) * (bytes[sign] == UInt8(ascii: "-") ? -1 : 1)
            end = sign
        }
        // Fractional seconds (`11:10:00.250Z`): a dot after the seconds, then digits.
        if let dot = bytes[..<end].lastIndex(of: UInt8(ascii: ".")), dot == 19, dot + 1 < end,
            bytes[(dot + 1)..<end].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        {
            end = dot
        }
        return (Substring(text.utf8.prefix(end)), offset)
    }

    /// A wall time in `zone` (a school's) from any of the forms: a time without a zone is already
    /// the school's; one with a zone is moved to the school's clock.
    public static func wallTime(_ text: String, zone: TimeZone) -> WallTime? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let local = DateTimeArgument.wallTime(trimmed), local.isValid { return local }
        guard let instant = instant(trimmed, zone: zone) else { return nil }
        return WallTime(
            secondsSinceEpoch: instant + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
    }

    /// The date an input writes, zone or not (`20271005T061000Z` and `2027-10-05 23:30-05:00` are
    /// October 5th): the day a command takes as today from DRILLBOOK_NOW. Its first ten characters
    /// were read once, and a basic-format time fell back to the clock without a word.
    public static func writtenDate(_ text: String) -> CalendarDate? {
        let text = text.trimmingCharacters(in: .whitespaces)
        return DateTimeArgument.wallTime(zoned(text).map { String($0.wall) } ?? text)?.date
    }

    /// The day an instant falls on in `zone`.
    public static func day(_ seconds: Int, zone: TimeZone) -> CalendarDate {
        WallTime(
            secondsSinceEpoch: seconds + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        )
        .date
    }
}
