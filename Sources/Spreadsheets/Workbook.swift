import Dates
import Foundation
import XMLCoder
import ZIPFoundation

/// One row of a worksheet: Excel's row number and its cells as text, column A first.
public struct SheetRow: Sendable, Equatable {
    /// The row number Excel shows (1-based).
    public var number: Int
    public var cells: [String]

    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }
}

/// Why a workbook could not be read.
public struct WorkbookError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// An Excel workbook (.xlsx, Office Open XML) read as text, the way a person sees its cells.
///
/// Only what a drill log needs: one worksheet's values. Shared and inline strings come as written
/// (rich text joined), numbers as Excel stores them (`12`, `3.5`), cells formatted as dates or times
/// as ISO 8601 (`2027-08-27 11:12:00`, from the 1900 or 1904 date system the workbook declares),
/// booleans as TRUE and FALSE, formulas as their cached value. Empty rows are left out.
public struct Workbook {
    /// The worksheets' names, in the workbook's order.
    public private(set) var sheetNames: [String]
    private let archive: Archive
    private let file: String
    private let sheets: [String: String]
    private let uses1904: Bool

    /// Opens the workbook at `path`; `file` names it in errors.
    public init(path: String) throws(WorkbookError) {
        file = path
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw WorkbookError(description: "\(path): not an .xlsx workbook (it is not a ZIP archive)")
        }
        let workbook = try Self.decode(WorkbookXML.self, "xl/workbook.xml", from: archive, file: path)
        let relations = try Self.decode(Relationships.self, "xl/_rels/workbook.xml.rels", from: archive, file: path)
        var targets: [String: String] = [:]
        for relation in relations.relationship {
            // Targets are relative to xl/, or absolute within the package.
            targets[relation.id] =
                relation.target.hasPrefix("/") ? String(relation.target.dropFirst()) : "xl/" + relation.target
        }
        var sheets: [String: String] = [:]
        var names: [String] = []
        for sheet in workbook.sheets.sheet {
            guard let target = targets[sheet.relationship] else { continue }
            sheets[sheet.name] = target
            names.append(sheet.name)
        }
        guard !names.isEmpty else { throw WorkbookError(description: "\(path): the workbook has no worksheet") }
        self.sheets = sheets
        sheetNames = names
        let flag = workbook.workbookPr?.date1904?.lowercased()
        uses1904 = flag == "1" || flag == "true"
    }

    /// The rows of the worksheet named `sheet`, or of the first one.
    public func rows(sheet: String? = nil) throws(WorkbookError) -> [SheetRow] {
        let name = sheet ?? sheetNames[0]
        guard let path = sheets[name] else {
            throw WorkbookError(
                description:
                    "\(file): no worksheet named \"\(name)\" (the workbook has \(sheetNames.map { "\"\($0)\"" }.joined(separator: ", ")))"
            )
        }
        let strings =
            archive["xl/sharedStrings.xml"] == nil
            ? [] : try Self.decode(SharedStrings.self, "xl/sharedStrings.xml", from: archive, file: file).si.map(\.text)
        let dateStyles =
            archive["xl/styles.xml"] == nil
            ? [] : try Self.decode(StyleSheet.self, "xl/styles.xml", from: archive, file: file).dateStyles
        let worksheet = try Self.decode(Worksheet.self, path, from: archive, file: file)
        var rows: [SheetRow] = []
        var next = 1
        for row in worksheet.sheetData.row {
            let number = row.r ?? next
            next = number + 1
            var cells: [String] = []
            for cell in row.c {
                let column = cell.r.flatMap(Self.columnIndex) ?? cells.count
                guard column < 16_384 else {
                    throw WorkbookError(
                        description: "\(file):\(number): cell \(cell.r ?? "") is past Excel's last column")
                }
                while cells.count < column { cells.append("") }
                let text = try value(of: cell, strings: strings, dateStyles: dateStyles, row: number)
                if column < cells.count { cells[column] = text } else { cells.append(text) }
            }
            while cells.last?.isEmpty == true { cells.removeLast() }
            if !cells.isEmpty { rows.append(SheetRow(number: number, cells: cells)) }
        }
        return rows
    }

    // MARK: - Cells

    private func value(of cell: Worksheet.Cell, strings: [String], dateStyles: Set<Int>, row: Int)
        throws(WorkbookError) -> String
    {
        let raw = cell.v ?? ""
        switch cell.t ?? "n" {
        case "s":
            guard let index = Int(raw), strings.indices.contains(index) else {
                throw WorkbookError(
                    description: "\(file):\(row): cell \(cell.r ?? "") names a shared string that is missing")
            }
            return strings[index]
        case "inlineStr": return cell.inline?.text ?? ""
        case "b": return raw == "1" ? "TRUE" : "FALSE"
        case "e": return raw
        case "str", "d": return raw
        default:
            guard !raw.isEmpty else { return "" }
            if let style = cell.s, dateStyles.contains(style), let serial = Double(raw) {
                return try Self.date(serial: serial, uses1904: uses1904, file: file, row: row)
            }
            return raw
        }
    }

    /// An Excel date serial as ISO 8601 local time: days since 1899-12-30 (1900 system, which
    /// counts a 29 February 1900 that never was, so serials from 61 on land right) or since
    /// 1904-01-01, the fraction being the time of day.
    static func date(serial: Double, uses1904: Bool, file: String, row: Int) throws(WorkbookError) -> String {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else {
            throw WorkbookError(description: "\(file):\(row): \(serial) is not a date Excel can show")
        }
        var seconds = Int((serial * 86_400).rounded())
        seconds += (uses1904 ? 24_107 : 25_569) * -86_400  // to the Unix epoch
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        let date = CalendarDate(dayNumber: days).description
        guard time != 0 || serial != serial.rounded(.down) else { return date }
        return date + String(format: " %02d:%02d:%02d", time / 3600, time % 3600 / 60, time % 60)
    }

    /// Column letters to a 0-based index: `A1` is 0, `AB7` is 27.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
            if letters > 3 { return nil }
        }
        return letters == 0 ? nil : index - 1
    }

    // MARK: - Parts of the package

    private static func decode<T: Decodable>(_ type: T.Type, _ path: String, from archive: Archive, file: String)
        throws(WorkbookError) -> T
    {
        guard let entry = archive[path] else {
            throw WorkbookError(description: "\(file): not an .xlsx workbook (it has no \(path))")
        }
        // A worksheet is text; far past what any drill log holds, it is refused, not read into memory.
        guard entry.uncompressedSize <= 256 * 1_024 * 1_024 else {
            throw WorkbookError(description: "\(file): \(path) is larger than 256 MB")
        }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        } catch {
            throw WorkbookError(description: "\(file): \(path) cannot be unpacked (\(error))")
        }
        let decoder = XMLDecoder()
        decoder.trimValueWhitespaces = false
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw WorkbookError(description: "\(file): \(path) is not the XML Excel writes (\(error))")
        }
    }
}
