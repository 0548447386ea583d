import Dates
import Foundation
import Planning
import Store
import Testing

@testable import DrillbookKit

/// Overdue evaluation on the example district, and importing a spreadsheet log.
@Suite struct OverdueAndImportTests {
    @Test func inSpringExactlyTheMissedItemsAreOverdueWithMakeUpDates() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let asOf = day("2028-03-01")
        let items = try Planner.published(loaded, store: store).filter { !$0.item.adminOnly && $0.item.date < asOf }
        let missed = ["lincoln-hs/fire-drill-7", "ridge-ms/tabletop-exercise-1"]
        for tracked in items where !missed.contains(tracked.item.id) {
            _ = try Tracker.complete(
                tracked.item.id, loaded: loaded, store: store, startedAt: nil, endedAt: nil, durationMinutes: nil,
                evidence: tracked.item.activityID == "fire-drill" ? TrackingTests.fireEvidence : [:], corrects: nil,
                actor: "t",
                asOf: asOf)
        }
        let report = try Notifier.evaluate(loaded, store: store, asOf: asOf)
        let overdue = report.findings.filter { $0.kind == .overdue || $0.kind == .escalated }
        #expect(overdue.map(\.item.id).sorted() == missed.sorted())
        #expect(report.hasOverdue)
        for finding in overdue {
            let makeUp = try #require(finding.makeUp)
            let year = loaded.years[finding.item.schoolID]!
            #expect(makeUp > asOf && year.isInstructionalDay(makeUp) && !year.isTesting(makeUp))
        }
        let tabletop = overdue.first { $0.item.id == "ridge-ms/tabletop-exercise-1" }!
        #expect(tabletop.kind == .escalated && tabletop.roles.contains("district.safety_lead"))
    }

    /// `overdue` finds exactly the items whose own status is due soon or overdue, on every day of a
    /// week around the reminder's edges (an item `remindBefore` days ahead is reminded of, one a day
    /// further is not), with one item of those days done and the rest not.
    @Test func theFindingsAreExactlyTheItemsDueSoonOrOverdueByTheirOwnStatus() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let ladder = loaded.plan.ladder
        let items = try Planner.published(loaded, store: store).filter {
            !$0.item.adminOnly && $0.status == .scheduled
        }
        let target = try #require(items.first { $0.item.date > day("2027-10-15") })
        // Done: an item a few days after the target, which the days judged would remind of.
        let done = try #require(
            items.first {
                $0.item.date > target.item.date && $0.item.date < target.item.date.adding(days: ladder.remindBefore)
            })
        _ = try Tracker.complete(
            done.item.id, loaded: loaded, store: store, startedAt: nil, endedAt: nil, durationMinutes: nil,
            evidence: done.item.activityID == "fire-drill" ? TrackingTests.fireEvidence : [:], corrects: nil,
            actor: "t", asOf: done.item.date)
        let log = CompletionLog(try Tracker.completions(loaded, store: store))
        var judged = 0
        for offset in -(ladder.remindBefore + 2)...(ladder.overdueAfter + 2) {
            let asOf = target.item.date.adding(days: offset)
            let expected = Set(
                items.filter {
                    switch $0.status(on: asOf, log: log, ladder: ladder, yearEnd: loaded.years[$0.item.schoolID]!.last)
                    {
                    case .dueSoon, .overdue: true
                    default: false
                    }
                }.map(\.item.id))
            let found = Set(
                try Notifier.evaluate(loaded, store: store, asOf: asOf).findings.filter { $0.kind != .familyNotice }
                    .map(\.item.id))
            #expect(found == expected, "as of \(asOf)")
            #expect(found.contains(target.item.id) == (offset >= -ladder.remindBefore), "as of \(asOf)")
            #expect(!found.contains(done.item.id), "as of \(asOf)")
            judged += expected.count
        }
        #expect(judged > 0)
    }

    static func csv(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aLogWithOneBadRowImportsNothingAndNamesEveryBadRow() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let file = try Self.csv(
            """
            school,kind,started_at,head_count,conducted_by,notification_method,problems,time_to_evacuate
            harbor-es,fire,2027-08-26 09:30,540,Tom Wells,alarm,none,3m
            harbor-es,fire,2027-09-08 09:30,lots,Tom Wells,alarm,none,3m
            nowhere,fire,2027-09-09 09:30,5,x,y,none,3m

            """)
        #expect(
            performing: {
                _ = try LogImporter.run(
                    file: file, mapping: .init(), loaded: loaded, store: store, actor: nil, asOf: day("2027-10-01"))
            },
            throws: { error in
                let text = "\(error)"
                return text.contains("\(file):3: head_count \"lots\" is not a whole number")
                    && text.contains("\(file):4: school \"nowhere\"")
                    && text.contains("nothing was imported")
            })
        #expect(try store.completions(year: "2027-2028").isEmpty)
    }

    @Test func aMappingRenamesHeadersAndDrillNames() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let mapping = FileManager.default.temporaryDirectory.appendingPathComponent("map-\(UUID().uuidString).yaml")
            .path
        try """
        columns: {Building: school, Drill: kind, "Date/Time": started_at}
        kinds: {"Lock-down": lockdown}
        """.write(toFile: mapping, atomically: true, encoding: .utf8)
        let lockdown = try Tracker.item("lincoln-hs/lockdown-drill-1", in: try Planner.published(loaded, store: store))
        let file = try Self.csv(
            "Building,Drill,Date/Time,notes\nlincoln-hs,Lock-down,\(lockdown.item.date.adding(days: -2)) 10:00,held early\n"
        )
        let imported = try LogImporter.run(
            file: file, mapping: try LogImporter.readMapping(mapping), loaded: loaded, store: store, actor: nil,
            asOf: lockdown.item.date
        ).imported
        #expect(imported.count == 1)
        #expect(imported[0].kind == .drill("lockdown") && imported[0].evidence[.notes] == "held early")
        #expect(imported[0].itemUID == lockdown.item.uid, "counted for the nearest open lockdown")
    }
}

/// Drill logs as Excel and Google Sheets save them.
@Suite struct SpreadsheetImportTests {
    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// "CSV UTF-8" from Excel: a byte-order mark, CRLF, school names, US dates, trailing empty columns.
    @Test func anExcelSavedLogImportsAsItIsAndNotTwice() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let text =
            "School,Drill,Date,head_count,conducted_by,notification_method,problems,time_to_evacuate,,\r\n"
            + "Harbor Elementary School,Fire Drill,8/27/2027 11:12 AM,540,Tom Wells,alarm,none,3m,,\r\n"
            + "Oak Street Elementary,Lockdown,09/14/27 1:05 PM,,,,,,,\r\n" + ",,,,,,,,,\r\n"
        let file = try Self.file([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        var mapping = LogImporter.Mapping()
        mapping.columns = ["School": "school", "Drill": "kind", "Date": "started_at"]
        mapping.schools = ["Oak Street Elementary": "ridge-ms"]
        let first = try LogImporter.run(
            file: file, mapping: mapping, loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        #expect(first.imported.count == 2 && first.alreadyRecorded == 0)
        #expect(
            first.imported[0].schoolID == "harbor-es" && first.imported[0].startedAt == WallTime("2027-08-27T11:12")!)
        #expect(
            first.imported[1].schoolID == "ridge-ms" && first.imported[1].startedAt == WallTime("2027-09-14T13:05")!)
        // A retry (or the same log again) imports nothing new.
        let again = try LogImporter.run(
            file: file, mapping: mapping, loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        #expect(again.imported.isEmpty && again.alreadyRecorded == 2)
        #expect(try store.completions(year: "2027-2028").count == 2)
    }

    /// Excel's "CSV (Comma delimited)" is the Windows code page: a school named with `ñ` and a curly
    /// apostrophe are read as written (once replacement characters, and the school not found).
    @Test func aWindows1252LogImportsItsNamesAsWritten() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        var mapping = LogImporter.Mapping()
        mapping.schools = ["Peña Elementary": "harbor-es"]
        let text =
            "school,kind,started_at,head_count,conducted_by,notification_method,problems,time_to_evacuate\r\n"
            + "Peña Elementary,Fire Drill,2027-08-27 11:12,540,Tom O’Brien,alarm,none,3m\r\n"
        // Encoded as Excel does on a US Windows: ñ is 0xF1, ’ is 0x92.
        let file = try Self.file(Array(text.data(using: .windowsCP1252)!))
        let outcome = try LogImporter.run(
            file: file, mapping: mapping, loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        #expect(outcome.readAsWindows1252)
        #expect(outcome.imported.map(\.schoolID) == ["harbor-es"])
        #expect(outcome.imported.first?.evidence[.conductedBy] == "Tom O’Brien")
        // The same text in UTF-8 is read as UTF-8.
        let utf8 = try LogImporter.run(
            file: try Self.file(Array(text.utf8)), mapping: mapping, loaded: loaded, store: store, actor: "t",
            asOf: day("2027-10-01"))
        #expect(!utf8.readAsWindows1252 && utf8.alreadyRecorded == 1)
    }

    /// Excel's "Unicode Text": UTF-16 (little- or big-endian, with its byte-order mark), tab-separated;
    /// a comma inside a cell is text. Both byte orders import the same row, once.
    @Test func aUnicodeTextLogImportsAsItsCSVWould() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let text =
            "school\tkind\tstarted_at\thead_count\tconducted_by\tnotification_method\tproblems\ttime_to_evacuate\r\n"
            + "Harbor Elementary School\tFire Drill\t2027-08-27 11:12\t540\tPeña, Tom\talarm\tnone\t3m\r\n"
        let little = try LogImporter.run(
            file: try Self.file(Array(text.data(using: .utf16LittleEndian)!).withBOM(little: true)), mapping: .init(),
            loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        #expect(little.imported.map(\.schoolID) == ["harbor-es"])
        #expect(little.imported.first?.evidence[.conductedBy] == "Peña, Tom")
        #expect(little.imported.first?.startedAt == WallTime("2027-08-27T11:12")!)
        let big = try LogImporter.run(
            file: try Self.file(Array(text.data(using: .utf16BigEndian)!).withBOM(little: false)), mapping: .init(),
            loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        #expect(big.imported.isEmpty && big.alreadyRecorded == 1)
    }

    /// A quote never closed swallows every later line into one cell: the file is refused on the
    /// quote's line, not reported for what the swallowed record lacks; a quote written twice is text.
    @Test func aQuoteNeverClosedIsNamedOnItsLine() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let header = "school,kind,started_at,head_count,conducted_by,notification_method,problems,time_to_evacuate\r\n"
        let row = "harbor-es,fire,2027-08-27 11:12,540,Tom,alarm,none,3m\r\n"
        let broken = header + row + "harbor-es,fire,2027-09-03 11:12,540,\"Tom,alarm,none,3m\r\n" + row
        #expect(
            performing: {
                _ = try LogImporter.run(
                    file: try Self.file(Array(broken.utf8)), mapping: .init(), loaded: loaded, store: store,
                    actor: "t", asOf: day("2027-10-01"))
            },
            throws: { "\($0)".contains(":3: a quote opens a cell here and is never closed") })
        #expect(try store.completions(year: "2027-2028").isEmpty)
        let quoted = header + "harbor-es,fire,2027-08-27 11:12,540,\"Tom \"\"T\"\" Wells\",alarm,none,3m\r\n"
        let outcome = try LogImporter.run(
            file: try Self.file(Array(quoted.utf8)), mapping: .init(), loaded: loaded, store: store, actor: "t",
            asOf: day("2027-10-01"))
        #expect(outcome.imported.first?.evidence[.conductedBy] == "Tom \"T\" Wells")
    }

    /// The same log as an .xlsx workbook (Excel's shared strings, dates as serials, the log on its
    /// second sheet) imports the same rows, and after the CSV imports nothing new.
    @Test func theSameLogAsAWorkbookImportsTheSameRowsOnce() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).xlsx").path
        let spec: [String: Any] = [
            "path": path, "writer": "xlsxwriter",
            "sheets": [
                ["name": "Read me", "rows": [["Lakeside drill log"]]],
                [
                    "name": "Drills",
                    "rows": [
                        [
                            "School", "Drill", "Date", "head_count", "conducted_by", "notification_method", "problems",
                            "time_to_evacuate",
                        ],
                        [
                            "Harbor Elementary School", "Fire Drill", ["datetime": "2027-08-27T11:12:00"], 540,
                            "Tom Wells",
                            "alarm", "none", "3m",
                        ],
                        ["Oak Street Elementary", "Lockdown", ["datetime": "2027-09-14T13:05:00"]],
                    ] as [[Any]],
                ],
            ],
        ]
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: checkerPython())
        writer.arguments = [packageRoot.appendingPathComponent("Tests/Checkers/write_xlsx.py").path]
        let input = Pipe()
        writer.standardInput = input
        try writer.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: spec))
        try input.fileHandleForWriting.close()
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        var mapping = LogImporter.Mapping()
        mapping.columns = ["School": "school", "Drill": "kind", "Date": "started_at"]
        mapping.schools = ["Oak Street Elementary": "ridge-ms"]
        let fromWorkbook = try LogImporter.run(
            file: path, sheet: "Drills", mapping: mapping, loaded: loaded, store: store, actor: "t",
            asOf: day("2027-10-01"))
        #expect(fromWorkbook.imported.map(\.schoolID) == ["harbor-es", "ridge-ms"])
        #expect(
            fromWorkbook.imported.map(\.startedAt) == [WallTime("2027-08-27T11:12")!, WallTime("2027-09-14T13:05")!])
        #expect(fromWorkbook.imported[0].evidence[.headCount] == "540")
        let text =
            "School,Drill,Date,head_count,conducted_by,notification_method,problems,time_to_evacuate,,\r\n"
            + "Harbor Elementary School,Fire Drill,8/27/2027 11:12 AM,540,Tom Wells,alarm,none,3m,,\r\n"
            + "Oak Street Elementary,Lockdown,09/14/27 1:05 PM,,,,,,,\r\n"
        let csv = try Self.file([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let fromCSV = try LogImporter.run(
            file: csv, mapping: mapping, loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        #expect(fromCSV.imported.isEmpty && fromCSV.alreadyRecorded == 2)
        // Without --sheet the first sheet is read, which is no log: said, and nothing stored.
        #expect(throws: DrillbookError.self) {
            try LogImporter.run(
                file: path, mapping: mapping, loaded: loaded, store: store, actor: "t", asOf: day("2027-10-01"))
        }
        #expect(try store.completions(year: "2027-2028").count == 2)
    }

    /// A quoted cell over two lines: the error on the next row names its physical line; a
    /// day-or-month date is refused until the mapping says which; control characters are not echoed.
    @Test func errorsNameThePhysicalLineAndNeverGuessADate() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let text =
            "school,kind,started_at,notes\n" + "harbor-es,lockdown,2027-09-02 10:00,\"held early,\nall went well\"\n"
            + "harbor-es,lockdown,03/04/2028 10:00,\n" + "harbor-es,\u{1B}[31mfire,2027-09-03 10:00,\n"
        let file = try Self.file(Array(text.utf8))
        let message: String
        do {
            _ = try LogImporter.run(
                file: file, mapping: .init(), loaded: loaded, store: store, actor: "t", asOf: day("2028-05-01"))
            message = ""
        } catch { message = "\(error)" }
        #expect(message.contains("\(file):4: started_at \"03/04/2028 10:00\" could be read day-first or month-first"))
        #expect(message.contains("\(file):5: kind \"\\u{1B}[31mfire\" is unknown"), "\(message)")
        #expect(!message.contains("\u{1B}"))
        #expect(try store.completions(year: "2027-2028").isEmpty)
        var mapping = LogImporter.Mapping()
        mapping.dateFormat = "DD/MM/YYYY"
        let fixed = try Self.file(Array(text.split(separator: "\n").prefix(4).joined(separator: "\n").utf8))
        let outcome = try LogImporter.run(
            file: fixed, mapping: mapping, loaded: loaded, store: store, actor: "t", asOf: day("2028-05-01"))
        #expect(outcome.imported.map(\.startedAt.date) == [day("2027-09-02"), day("2028-04-03")])
        #expect(outcome.imported[0].evidence[.notes] == "held early,\nall went well")
    }

    @Test(arguments: [
        ("8/27/2027 11:12 AM", "2027-08-27T11:12:00"), ("08/27/27", "2027-08-27T00:00:00"),
        ("12/13/2027 12:30 PM", "2027-12-13T12:30:00"), ("12/13/2027 12:30 AM", "2027-12-13T00:30:00"),
        ("2027-08-27 11:12", "2027-08-27T11:12:00"), ("27.08.2027 14:00", "2027-08-27T14:00:00"),
        // The month by name, as Google Sheets and Excel show dates; clocks written loosely.
        ("Aug 27, 2027 11:12 AM", "2027-08-27T11:12:00"), ("August 27, 2027", "2027-08-27T00:00:00"),
        ("Friday, August 27, 2027 1:05 p.m.", "2027-08-27T13:05:00"), ("27-Aug-27 9:30AM", "2027-08-27T09:30:00"),
        ("27 Sept 2027 14:00:30", "2027-09-27T14:00:30"),
        ("2027-08-27 10am", "2027-08-27T10:00:00"), ("8/27/2027 12 PM", "2027-08-27T12:00:00"),
    ])
    func datesAsSpreadsheetsWriteThem(text: String, expected: String) throws {
        // 12/1/2027 is Dec 1 or Jan 12: refused without a date_format.
        guard case .failure(.ambiguous) = SpreadsheetDate.parse("12/1/2027", order: nil) else {
            Issue.record("12/1/2027 was guessed")
            return
        }
        guard case .success(let time) = SpreadsheetDate.parse(text, order: nil) else {
            Issue.record("\(text) was refused")
            return
        }
        #expect(time.description == expected)
    }
}

extension SpreadsheetImportTests {
    /// Why a log cannot be read is said as it is: a folder was "no such file".
    @Test func aLogThatCannotBeReadSaysWhy() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let folder = FileManager.default.temporaryDirectory.path
        for (file, why) in [(folder, "it is a folder"), (folder + "/no-such-log.csv", "no such file")] {
            #expect(
                performing: {
                    _ = try LogImporter.run(
                        file: file, mapping: .init(), loaded: loaded, store: store, actor: nil, asOf: day("2027-10-01"))
                }, throws: { "\($0)" == "\(file): cannot be read (\(why))" })
        }
    }

    /// What is no date and time stays refused: a clock past the day, a meridiem on 13 o'clock, a
    /// month name that is none, a clock with no date.
    @Test(arguments: [
        "Aug 32, 2027", "Agu 27, 2027", "8/27/2027 13:00 PM", "8/27/2027 25:00", "8/27/2027 10:61", "10am",
        "2027-08-27 am", "Aug 27 11:12", "27/27/2027", "August 27, 2027 11:12 XM",
    ])
    func notDatesStayRefused(text: String) {
        guard case .failure = SpreadsheetDate.parse(text, order: .monthFirst) else {
            Issue.record("\(text) was read")
            return
        }
    }

    /// A log as people type one: headers in their own case and spacing, semicolons between cells,
    /// US dates whose order one row settles (9/13 can only be September 13th, so 9/2 is September
    /// 2nd), and a notice date in the same form as the evidence keeps it. A file written both ways
    /// is refused, naming a row of each, and nothing is stored.
    @Test func aLogAsPeopleTypeItImports() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let mixed = try Self.file(
            Array(
                "school,kind,started_at\nlincoln-hs,lockdown,13/09/2027 10:00\nlincoln-hs,lockdown,09/14/2027 10:00\n"
                    .utf8))
        #expect(
            performing: {
                _ = try LogImporter.run(
                    file: mixed, mapping: .init(), loaded: loaded, store: store, actor: nil, asOf: day("2027-10-01"))
            },
            throws: {
                "\($0)".contains(
                    "\(mixed):2: \"13/09/2027 10:00\" is written day first, and \(mixed):3: \"09/14/2027 10:00\" month first"
                )
            })
        #expect(try store.completions(year: "2027-2028").isEmpty)
        let text =
            "School;Drill Type;Started At;Families Notified\r\n"
            + "Lincoln High School;Lockdown Drill;9/2/2027 10:00 AM;8/26/2027\r\n"
            + "harbor-es;Lockdown;9/13/2027 1:05 PM;9/6/2027\r\n"
        var mapping = LogImporter.Mapping()
        mapping.columns = ["Drill Type": "kind"]
        let outcome = try LogImporter.run(
            file: try Self.file(Array(text.utf8)), mapping: mapping, loaded: loaded, store: store, actor: nil,
            asOf: day("2027-10-01"))
        #expect(outcome.imported.map(\.startedAt.description) == ["2027-09-02T10:00:00", "2027-09-13T13:05:00"])
        #expect(outcome.imported.map { $0.evidence[.familiesNotified] } == ["2027-08-26", "2027-09-06"])
    }
}

extension [UInt8] {
    fileprivate func withBOM(little: Bool) -> [UInt8] { (little ? [0xFF, 0xFE] : [0xFE, 0xFF]) + self }
}
