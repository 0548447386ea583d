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

/// Dates and times as spreadsheets write them: ISO (`2027-08-27 11:12`), US forms (`8/27/2027 11:12 AM`,
/// `08/27/27`), and with the month's name as Google Sheets and Excel show dates
/// (`Aug 27, 2027 11:12 AM`, `Friday, August 27, 2027`, `27-Aug-27`); a clock of `11:12`, `11:12:30`,
/// `11:12 AM`, `11:12am` or `11 AM`. A day and month that could be read either way (`03/04/2027`)
/// is an error unless the mapping says `date_format: MM/DD/YYYY` (or `DD/MM/YYYY`) or another row of
/// the file can only be read one way (`LogImporter`'s `order(of:)`): never a guess.
enum SpreadsheetDate {
    enum Order: String, Sendable {
        case monthFirst = "MM/DD/YYYY"
        case dayFirst = "DD/MM/YYYY"
    }

    static func parse(_ text: String, order: Order?) -> Result<WallTime, Failure> {
        let trimmed = text.trimmingSpaces
        if let iso = DateTimeArgument.wallTime(trimmed) { return .success(iso) }
        guard let (datePart, clock) = split(trimmed) else { return .failure(.notADate) }
        let date: (year: Int, month: Int, day: Int)
        switch calendarDate(datePart, order: order) {
        case .success(let found): date = found
        case .failure(let failure): return .failure(failure)
        }
        let result = WallTime(
            year: date.year, month: date.month, day: date.day, hour: clock.hour, minute: clock.minute,
            second: clock.second)
        guard (1...12).contains(date.month), result.isValid, clock.second < 60 else { return .failure(.notADate) }
        return .success(result)
    }

    /// The orders a cell's date can be read in: both for an ISO date, a month by name, or a day and
    /// month that could be either; one when only one reading is a date; none when it is no date.
    static func orders(_ text: String) -> Set<Order> {
        Set([Order.monthFirst, .dayFirst].filter { (try? parse(text, order: $0).get()) != nil })
    }

    /// The date and the clock (midnight when none is written), or nil when the clock is malformed.
    private static func split(_ text: String) -> (String, (hour: Int, minute: Int, second: Int))? {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        // `11:12am`, `11am`, `11:12 a.m.`: the meridiem apart from the clock.
        var meridiem: String?
        if let last = words.last {
            let lower = last.lowercased().replacingOccurrences(of: ".", with: "")
            for mark in ["am", "pm"] where lower.hasSuffix(mark) {
                meridiem = mark
                let kept = lower.dropLast(2)
                words.removeLast()
                if !kept.isEmpty { words.append(String(kept)) }
                break
            }
        }
        var clock = (hour: 0, minute: 0, second: 0)
        if let last = words.last, words.count > 1, last.contains(":") || meridiem != nil {
            let fields = last.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...3).contains(fields.count), fields.allSatisfy({ $0 != nil }),
                fields.count > 1 || meridiem != nil,
                fields.dropFirst().allSatisfy({ $0! < 60 })
            else { return nil }
            clock = (fields[0]!, fields.count > 1 ? fields[1]! : 0, fields.count > 2 ? fields[2]! : 0)
            words.removeLast()
        } else if meridiem != nil {
            return nil
        }
        if let meridiem {
            guard (1...12).contains(clock.hour) else { return nil }
            clock.hour = clock.hour % 12 + (meridiem == "pm" ? 12 : 0)
        }
        guard clock.hour < 24, !words.isEmpty else { return nil }
        return (words.joined(separator: " "), clock)
    }

    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// `8/27/2027`, `27.08.2027`, `08-27-27`; `Aug 27, 2027`, `August 27 2027`, `27 Aug 2027`,
    /// `27-Aug-27`, each maybe after the weekday (`Friday, August 27, 2027`).
    private static func calendarDate(_ text: String, order: Order?) -> Result<(Int, Int, Int), Failure> {
        if let iso = CalendarDate(text), text.count == 10 { return .success((iso.year, iso.month, iso.day)) }
        let pieces = text.split(whereSeparator: { " /-.,".contains($0) }).map { $0.lowercased() }
        func year(_ piece: String) -> Int? {
            guard piece.count == 2 || piece.count == 4, let value = Int(piece) else { return nil }
            return piece.count == 2 ? 2000 + value : value
        }
        func day(_ piece: String) -> Int? {
            guard piece.count <= 2, let value = Int(piece) else { return nil }
            return value
        }
        // A month by name: three letters at least of its name (`Sept` too).
        func month(_ piece: String) -> Int? {
            guard piece.count >= 3 else { return nil }
            return months.firstIndex { $0.hasPrefix(piece) }.map { $0 + 1 }
        }
        var named = pieces
        if let first = named.first, first.count >= 3, first.allSatisfy(\.isLetter), month(first) == nil,
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].contains(where: {
                $0.hasPrefix(first)
            })
        {
            named.removeFirst()
        }
        if named.count == 3, named.contains(where: { month($0) != nil }) {
            if let m = month(named[0]), let d = day(named[1]), let y = year(named[2]) { return .success((y, m, d)) }
            if let d = day(named[0]), let m = month(named[1]), let y = year(named[2]) { return .success((y, m, d)) }
            return .failure(.notADate)
        }
        guard pieces.count == 3, let a = day(pieces[0]), let b = day(pieces[1]), let y = year(pieces[2]) else {
            return .failure(.notADate)
        }
        switch order {
        case .monthFirst: return .success((y, a, b))
        case .dayFirst: return .success((y, b, a))
        case nil:
            if a > 12 && b <= 12 { return .success((y, b, a)) }
            if b > 12 && a <= 12 { return .success((y, a, b)) }
            if a == b { return .success((y, a, b)) }
            return .failure(.ambiguous)
        }
    }

    enum Failure: Error {
        case notADate, ambiguous
    }
}

extension String {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
