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
    public static func instant(_ text: String, zone: TimeZone) -> Int? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text.replacingOccurrences(of: " ", with: "T")) {
                return Int(date.timeIntervalSince1970)
            }
        }
        guard let wall = DateTimeArgument.wallTime(text), wall.isValid else { return nil }
        // The wall time read as if UTC, then moved by the zone's offset at (about) that instant.
        let naive = wall.secondsSinceEpoch
        let guess = naive - zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(naive)))
        return naive - zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess)))
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

    /// The day an instant falls on in `zone`.
    public static func day(_ seconds: Int, zone: TimeZone) -> CalendarDate {
        WallTime(
            secondsSinceEpoch: seconds + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        )
        .date
    }
}
