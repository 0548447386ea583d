import Dates
import DrillbookKit
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

/// Writes a line to standard error, where diagnostics belong. Diagnostics quote what they were
/// given (a calendar's values, a spreadsheet's cells): control characters are shown, not sent.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((terminalSafe(message) + "\n").utf8))
}

/// Prints text made from what others wrote (records, calendars, notes typed in the web app), its
/// control characters shown rather than sent to the terminal. (JSON, CSV, HTML and calendars are
/// printed as they are: their readers are programs.)
func printText(_ text: String) {
    print(terminalSafe(text))
}

extension String {
    /// The text and spaces after it up to `width` characters, for columns; a longer text is kept
    /// whole (Foundation's `padding(toLength:)` cuts it: a district playbook's long id was listed
    /// cut short).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
