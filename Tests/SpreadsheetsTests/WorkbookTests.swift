import Foundation
import Testing

@testable import Spreadsheets

/// Workbooks written by two independent writers (XlsxWriter with shared strings, as Excel saves;
/// openpyxl with inline strings, as streaming writers save), read back as the cells a person sees.
@Suite struct WorkbookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Writes a workbook through Tests/Checkers/write_xlsx.py; returns its path.
    static func workbook(writer: String, date1904: Bool = false, sheets: [[String: Any]]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(UUID().uuidString).xlsx").path
        let spec: [String: Any] = ["path": path, "writer": writer, "date1904": date1904, "sheets": sheets]
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["DRILLBOOK_PYTHON"]
                ?? root.appendingPathComponent(".venv/bin/python").path)
        process.arguments = [root.appendingPathComponent("Tests/Checkers/write_xlsx.py").path]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: spec))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "write_xlsx.py failed (run `make checkers`)")
        return path
    }

    static var drills: [[String: Any]] {
        [
            ["name": "Notes", "rows": [["Drill log for 2027-2028"]]],
            [
                "name": "Drills",
                "rows": [
                    ["School", "Drill", "Date", "head_count", "", "notes"],
                    [
                        ["rich": ["Harbor ", "Elementary School"]], "Fire Drill", ["datetime": "2027-08-27T11:12:00"],
                        540,
                        NSNull(), "all out in 3m",
                    ],
                    [],
                    ["Oak Street Elementary", "Lockdown", ["datetime": "2028-02-29T13:05:30"], 3.5],
                ] as [[Any]],
            ],
        ]
    }

    @Test(arguments: ["xlsxwriter", "openpyxl"], [false, true])
    func readsTheCellsAPersonSees(writer: String, date1904: Bool) throws {
        let path = try Self.workbook(writer: writer, date1904: date1904, sheets: Self.drills)
        let book = try Workbook(path: path)
        #expect(book.sheetNames == ["Notes", "Drills"])
        #expect(try book.rows().map(\.cells) == [["Drill log for 2027-2028"]])
        let rows = try book.rows(sheet: "Drills")
        #expect(rows.map(\.number) == [1, 2, 4])
        #expect(rows[0].cells == ["School", "Drill", "Date", "head_count", "", "notes"])
        #expect(
            rows[1].cells == [
                "Harbor Elementary School", "Fire Drill", "2027-08-27 11:12:00", "540", "", "all out in 3m",
            ])
        #expect(rows[2].cells == ["Oak Street Elementary", "Lockdown", "2028-02-29 13:05:30", "3.5"])
    }

    @Test func aMissingSheetNamesTheSheetsThereAre() throws {
        let path = try Self.workbook(writer: "xlsxwriter", sheets: Self.drills)
        #expect {
            try Workbook(path: path).rows(sheet: "Log")
        } throws: { error in
            "\(error)".contains("no worksheet named \"Log\" (the workbook has \"Notes\", \"Drills\")")
        }
    }

    @Test func somethingElseIsNotAWorkbook() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fake-\(UUID().uuidString).xlsx").path
        try Data("school,kind\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try Workbook(path: path) } throws: { "\($0)".contains("not an .xlsx workbook") }
    }

    /// Serials of both date systems, and a time of day rounded to the second.
    @Test(arguments: [
        (46_626.466_666_666_67, false, "2027-08-27 11:12:00"), (45_164.466_666_666_67, true, "2027-08-27 11:12:00"),
        (61, false, "1900-03-01"), (46_627, false, "2027-08-28"), (0.5, false, "1899-12-30 12:00:00"),
    ])
    func serialsAreDates(serial: Double, date1904: Bool, expected: String) throws {
        #expect(try Workbook.date(serial: serial, uses1904: date1904, file: "f", row: 1) == expected)
    }

    @Test(arguments: [
        ("m/d/yyyy h:mm", true), ("[$-409]mmmm d, yyyy", true), ("[h]:mm", true), ("0.00", false), ("General", false),
        ("\"days\" 0", false), ("#,##0", false),
    ])
    func dateFormatsAreKnown(code: String, isDate: Bool) {
        #expect(StyleSheet.isDateFormat(code) == isDate)
    }
}
