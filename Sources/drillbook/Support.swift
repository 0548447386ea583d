import Dates
import Foundation
import ICalendar

/// Dates and times as the command line takes them.
enum DateArgument {
    /// `2027-09-01` (its start, or with `endOfDay` the start of the next day) or `2027-09-01T08:00`.
    static func wallTime(_ text: String, endOfDay: Bool) -> WallTime? {
        if let date = CalendarDate(text), text.count == 10 {
            return WallTime(date: endOfDay ? date.adding(days: 1) : date)
        }
        return WallTime(text)
    }
}

/// Writes a line to standard error, where diagnostics belong.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
