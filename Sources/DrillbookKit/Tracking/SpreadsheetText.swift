import Dates
import Foundation

/// A spreadsheet's CSV as Excel and Google Sheets save it: a UTF-8 byte-order mark, CRLF or CR
/// line ends, quoted cells that span lines. CSV.swift reads each record's cells; this finds where
/// each record starts, because CSV.swift does not say, and an error must name the physical line.
enum SpreadsheetText {
    /// The file's records, each with the physical line it starts on (1-based). Blank lines are dropped.
    /// `unclosed` is the line of a quote that is never closed: every line after it was read into one
    /// cell, so the caller refuses the file rather than report whatever that record lacks.
    static func records(_ data: [UInt8]) -> (records: [(line: Int, text: String)], unclosed: Int?) {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var records: [(Int, String)] = []
        var current: [UInt8] = []
        var line = 1
        var start = 1
        var quoted = false
        var openedOn = 0
        var index = bytes.startIndex
        func finish() {
            // A line of nothing but commas and spaces (an empty row Excel saved) is no record.
            if current.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x2C }) {
                records.append((start, String(decoding: current, as: UTF8.self)))
            }
            current = []
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x22 {
                quoted.toggle()
                if quoted { openedOn = line }
            }
            if byte == 0x0D || byte == 0x0A {
                // CRLF is one line end; a lone CR (old Mac) is one too.
                if byte == 0x0D, bytes.index(after: index) < bytes.endIndex, bytes[bytes.index(after: index)] == 0x0A {
                    index = bytes.index(after: index)
                }
                line += 1
                if quoted {
                    current.append(0x0A)
                } else {
                    finish()
                    start = line
                }
            } else {
                current.append(byte)
            }
            index = bytes.index(after: index)
        }
        finish()
        return (records, quoted ? openedOn : nil)
    }

    /// A cell's text fit to print: control characters shown as `\u{1B}`, never sent raw to a terminal.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// Dates and times as spreadsheets write them: ISO (`2027-08-27 11:12`), and US forms
/// (`8/27/2027 11:12 AM`, `08/27/27`). A day and month that could be read either way (`03/04/2027`)
/// is an error unless the mapping says `date_format: MM/DD/YYYY` (or `DD/MM/YYYY`): never a guess.
enum SpreadsheetDate {
    enum Order: String, Sendable {
        case monthFirst = "MM/DD/YYYY"
        case dayFirst = "DD/MM/YYYY"
    }

    static func parse(_ text: String, order: Order?) -> Result<WallTime, Failure> {
        let trimmed = text.trimmingSpaces
        if let iso = DateTimeArgument.wallTime(trimmed) { return .success(iso) }
        var parts = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let datePart = parts.first else { return .failure(.notADate) }
        parts.removeFirst()
        let pieces = datePart.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard pieces.count == 3, let a = Int(pieces[0]), let b = Int(pieces[1]), var year = Int(pieces[2]),
            pieces[2].count == 2 || pieces[2].count == 4
        else { return .failure(.notADate) }
        if pieces[2].count == 2 { year += 2000 }
        let month: Int
        let day: Int
        switch order {
        case .monthFirst: (month, day) = (a, b)
        case .dayFirst: (month, day) = (b, a)
        case nil:
            if a > 12 && b <= 12 {
                (month, day) = (b, a)
            } else if b > 12 && a <= 12 {
                (month, day) = (a, b)
            } else if a == b {
                (month, day) = (a, b)
            } else {
                return .failure(.ambiguous)
            }
        }
        var hour = 0
        var minute = 0
        var second = 0
        if let time = parts.first {
            let fields = time.split(separator: ":").map { Int($0) }
            guard (2...3).contains(fields.count), fields.allSatisfy({ $0 != nil }) else { return .failure(.notADate) }
            hour = fields[0]!
            minute = fields[1]!
            second = fields.count == 3 ? fields[2]! : 0
            if let meridiem = parts.dropFirst().first?.uppercased() {
                guard ["AM", "PM"].contains(meridiem), (1...12).contains(hour) else { return .failure(.notADate) }
                hour = hour % 12 + (meridiem == "PM" ? 12 : 0)
            }
            guard parts.count <= 2 else { return .failure(.notADate) }
        }
        let result = WallTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            result.isValid
        else { return .failure(.notADate) }
        return .success(result)
    }

    enum Failure: Error {
        case notADate, ambiguous
    }
}

extension String {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
