import CSV
public import Dates
import Foundation
import ICalendar
public import Planning
import Spreadsheets
public import Store

/// `drillbook import-log FILE.csv|FILE.xlsx [--sheet NAME] [--mapping FILE]`: last year's spreadsheet
/// log, all rows or none.
///
/// Columns, by header: `school`, `kind` (`fire` or `drill/fire`), `started_at`, and optionally
/// `ended_at`, `item` (an item id to complete) and any evidence field id (`head_count`, ...). A mapping
/// file renames a spreadsheet's own headers and drill names to these.
public enum LogImporter {
    /// A mapping file: `columns: {"Drill Date": started_at, Building: school}` and
    /// `kinds: {"Fire Drill": fire}`.
    public struct Mapping: Sendable {
        public var columns: [String: String] = [:]
        public var kinds: [String: String] = [:]
        /// A spreadsheet's names for schools: `{"Oak Street Elementary": oak-es}`.
        public var schools: [String: String] = [:]
        /// How slashed dates read when the day and month could be either (`MM/DD/YYYY`, `DD/MM/YYYY`).
        public var dateFormat: String?

        public init() {}
    }

    /// What an import did.
    public struct Outcome: Sendable {
        public var imported: [Completion]
        /// Rows already in the log (same school, drill and start): skipped, so a retry or the same
        /// log imported twice never doubles it.
        public var alreadyRecorded: Int
        /// The CSV was not UTF-8 and was read as Windows-1252: Excel's "CSV (Comma delimited)".
        public var readAsWindows1252 = false
    }

    static let columns =
        ["school", "kind", "started_at", "ended_at", "item"]
        + EvidenceField.allCases.map(\.rawValue)
        .filter { $0 != "started_at" && $0 != "ended_at" } + ignored

    /// Columns of `check --format csv` that say again what the others say, or who recorded: read
    /// and passed over, so the drill log imports back as it was written.
    static let ignored = ["school_name", "drill", "time_zone", "recorded_by", "recorded_on"]

    public static func readMapping(_ path: String) throws(DrillbookError) -> Mapping {
        do {
            let root = try YAMLValue.load(try Resources.text(path), file: path)
            let fields = try root.mapping(allowed: ["columns", "kinds", "schools", "date_format"])
            var mapping = Mapping()
            for (name, value) in try fields["schools"]?.namedMapping() ?? [] {
                mapping.schools[name] = try value.string()
            }
            mapping.dateFormat = try fields["date_format"]?.choice([
                SpreadsheetDate.Order.monthFirst.rawValue, SpreadsheetDate.Order.dayFirst.rawValue,
            ])
            for (header, value) in try fields["columns"]?.namedMapping() ?? [] {
                mapping.columns[header] = try value.choice(columns)
            }
            for (name, value) in try fields["kinds"]?.namedMapping() ?? [] { mapping.kinds[name] = try value.string() }
            return mapping
        } catch {
            throw .plan(error)
        }
    }

    /// Reads and checks every row, then stores them in one transaction; any bad row stores nothing
    /// and every bad row is named by its physical line. Rows already recorded are skipped and counted.
    public static func run(
        file: String, sheet: String? = nil, mapping: Mapping, loaded: LoadedPlan, store: any ScheduleStore,
        actor: String?,
        asOf: CalendarDate
    ) throws(DrillbookError) -> Outcome {
        let (source, records, windows1252) = try rows(of: file, sheet: sheet)
        guard let headerRecord = records.first else { throw .usage("\(file): no rows to import") }
        let rawHeaders = headerRecord.cells
        let headers = rawHeaders.map { mapping.columns[$0] ?? Self.column(named: $0) }
        var problems: [String] = []
        for required in ["school", "kind", "started_at"] where !headers.contains(required) {
            problems.append(
                "\(source):\(headerRecord.line): no \(required) column (headers: \(SpreadsheetText.printable(rawHeaders.joined(separator: ", "))); a --mapping file can rename them)"
            )
        }
        // Columns with no header (Excel's trailing empty columns) are passed over while they stay empty.
        for (index, header) in headers.enumerated() where !header.isEmpty && !columns.contains(header) {
            problems.append(
                "\(source):\(headerRecord.line): column \"\(SpreadsheetText.printable(rawHeaders[index]))\" is unknown"
                    + (nearest(header, in: columns).map { " (did you mean \($0)?)" } ?? "")
                    + " (expected \(columns.joined(separator: ", ")), or a --mapping)")
        }
        guard problems.isEmpty else { throw .usage(problems.joined(separator: "\n")) }

        var order = mapping.dateFormat.flatMap(SpreadsheetDate.Order.init(rawValue:))
        if order == nil { order = try Self.order(of: records.dropFirst(), headers: headers, source: source) }
        let items = try Planner.published(loaded, store: store)
        let standing = Completion.current(try Tracker.completions(loaded, store: store))
        var done = Set(standing.compactMap(\.itemUID))
        var seen = Set(standing.map { "\($0.schoolID) \($0.kind) \($0.startedAt)" })
        var completions: [Completion] = []
        var alreadyRecorded = 0
        for record in records.dropFirst() {
            let what = "\(source):\(record.line)"
            do {
                let row = record.cells
                var values: [String: String] = [:]
                for (index, value) in row.enumerated() where !value.isEmpty {
                    guard index < headers.count, !headers[index].isEmpty else {
                        throw DrillbookError.usage(
                            "\(what): a value in column \(index + 1), which has no header (\"\(SpreadsheetText.printable(value))\")"
                        )
                    }
                    guard !ignored.contains(headers[index]) else { continue }
                    // A cell the drill log neutralised ('=...) reads back as written; by scalar, as
                    // `ComplianceReport.cell` wrote it (`=` and a combining mark is one `Character`).
                    let scalars = value.unicodeScalars
                    let formula =
                        scalars.first == "'"
                        && scalars.dropFirst().first.map { "=+-@\t\r".unicodeScalars.contains($0) } == true
                    values[headers[index]] = formula ? String(scalars.dropFirst()) : value
                }
                let completion = try self.completion(
                    values, mapping: mapping, order: order, items: items, done: done, loaded: loaded, asOf: asOf,
                    what: what)
                guard seen.insert("\(completion.schoolID) \(completion.kind) \(completion.startedAt)").inserted else {
                    alreadyRecorded += 1
                    continue
                }
                if let uid = completion.itemUID { done.insert(uid) }
                completions.append(completion)
            } catch {
                problems.append("\(error)")
            }
        }
        guard problems.isEmpty else { throw .usage(problems.joined(separator: "\n") + "\nnothing was imported") }
        guard !completions.isEmpty || alreadyRecorded > 0 else { throw .usage("\(file): no rows to import") }
        let saved = completions.isEmpty ? [] : try Tracker.save(completions, store: store, actor: actor, asOf: asOf)
        return Outcome(imported: saved, alreadyRecorded: alreadyRecorded, readAsWindows1252: windows1252)
    }

    /// The rows of a CSV file (by physical line) or of an .xlsx worksheet (by Excel's row number),
    /// each cell trimmed, and how errors name their source: the file, or `FILE[SHEET]` for a workbook.
    /// A CSV that is not UTF-8 is read as Windows-1252 (the third value says so).
    static func rows(of file: String, sheet: String?) throws(DrillbookError) -> (
        String, [(line: Int, cells: [String])], Bool
    ) {
        let data: Data
        do { data = Data(try FileBytes.read(file)) } catch { throw .usage(error.description) }
        var bytes = Array(data)
        // Excel's "Unicode Text" is UTF-16 with a byte-order mark (and tab-separated, below).
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard let text = String(data: data, encoding: .utf16) else {
                throw .usage("\(file): UTF-16 text that does not decode; save it as CSV UTF-8")
            }
            bytes = Array(text.utf8)
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            do {
                let workbook = try Workbook(path: file)
                let name = sheet ?? workbook.sheetNames[0]
                let rows = try workbook.rows(sheet: name).map { row in
                    (row.number, row.cells.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                }
                return ("\(file)[\(SpreadsheetText.printable(name))]", rows, false)
            } catch {
                throw .usage(error.description)
            }
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw .usage("\(file): an Excel 97-2003 workbook (.xls); save it as .xlsx or as CSV UTF-8")
        }
        if let sheet { throw .usage("--sheet \(sheet): \(file) is CSV, which has one sheet; --sheet is for .xlsx") }
        var rows: [(line: Int, cells: [String])] = []
        // Excel's "CSV (Comma delimited)" is written in the Windows code page, not UTF-8: `O’Brien`
        // (0x92) and `Peña` (0xF1) were read as replacement characters, and a school by its name
        // was not found.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let windows1252 = (try? UTF8Span(validating: body.span)) == nil
        let (records, unclosed) = SpreadsheetText.records(windows1252 ? Windows1252.utf8(body) : bytes)
        if let unclosed {
            throw .usage(
                "\(file):\(unclosed): a quote opens a cell here and is never closed, so every line after it "
                    + "would be read as one cell (a quote inside a cell is written twice: \"\"); nothing was imported")
        }
        // Tab-separated when the header row has tabs and no comma (Excel's "Unicode Text", .tsv);
        // semicolons when it has those and neither (Excel's CSV where a comma is the decimal mark).
        let header = records.first?.text ?? ""
        let delimiter: UnicodeScalar =
            header.contains(",") ? "," : header.contains("\t") ? "\t" : header.contains(";") ? ";" : ","
        for record in records {
            do {
                let reader = try CSVReader(
                    string: record.text, hasHeaderRow: false, trimFields: true, delimiter: delimiter)
                rows.append((record.line, reader.next() ?? []))
            } catch {
                throw .usage("\(file):\(record.line): not a CSV row (\(error))")
            }
        }
        return (file, rows, windows1252)
    }

    /// A school by its id, the mapping's name for it, or its name in the plan (case and spacing aside).
    static func school(_ text: String, mapping: Mapping, loaded: LoadedPlan, what: String) throws(DrillbookError)
        -> String
    {
        let schools = loaded.plan.schools.map(\.school)
        if schools.contains(where: { $0.id == text }) { return text }
        if let id = mapping.schools[text], schools.contains(where: { $0.id == id }) { return id }
        let folded = text.trimmingSpaces.lowercased()
        if let match = schools.first(where: { $0.name.lowercased() == folded || $0.id == folded }) { return match.id }
        let near = nearest(text, in: schools.map(\.name) + schools.map(\.id))
        throw .usage(
            "\(what): school \"\(SpreadsheetText.printable(text))\" is not in the plan"
                + (near.map { " (did you mean \($0)?)" } ?? "")
                + "; use its id or name, or map it: schools: {\"\(SpreadsheetText.printable(text))\": ID}")
    }

    /// A header as people type it, `Started At`, `Head-Count` or `SCHOOL`, as the column it names
    /// (`started_at`, `head_count`, `school`); any other header as it is, to be named unknown.
    static func column(named header: String) -> String {
        if columns.contains(header) { return header }
        let folded = header.trimmingSpaces.lowercased().replacingOccurrences(of: " ", with: "_")
            .replacingOccurrences(of: "-", with: "_")
        return columns.contains(folded) ? folded : header
    }

    /// Columns whose cells are dates or dates and times.
    static let dateColumns = Set(
        ["started_at", "ended_at"]
            + EvidenceField.allCases.filter { $0.shape == .date || $0.shape == .dateTime }.map(\.rawValue))

    /// How the file's slashed dates read when its mapping does not say: the one way its rows that can
    /// only be read one way are written (`13/09/2027` is day-first, so `03/09/2027` in the same
    /// column is the 3rd of September); nil when no row tells. A file written both ways is refused,
    /// naming a row of each.
    static func order(
        of records: ArraySlice<(line: Int, cells: [String])>, headers: [String], source: String
    ) throws(DrillbookError) -> SpreadsheetDate.Order? {
        var only: [SpreadsheetDate.Order: (line: Int, text: String)] = [:]
        for record in records {
            for (index, cell) in record.cells.enumerated()
            where index < headers.count && dateColumns.contains(headers[index]) && !cell.isEmpty {
                let orders = SpreadsheetDate.orders(cell)
                if orders.count == 1, only[orders.first!] == nil { only[orders.first!] = (record.line, cell) }
            }
        }
        guard let month = only[.monthFirst], let day = only[.dayFirst] else { return only.keys.first }
        throw .usage(
            "\(source):\(day.line): \"\(SpreadsheetText.printable(day.text))\" is written day first, and "
                + "\(source):\(month.line): \"\(SpreadsheetText.printable(month.text))\" month first; write every date "
                + "one way (or as 2027-09-03)\nnothing was imported")
    }

    private static func completion(
        _ cells: [String: String], mapping: Mapping, order: SpreadsheetDate.Order?, items: [TrackedItem],
        done: Set<String>, loaded: LoadedPlan, asOf: CalendarDate, what: String
    ) throws(DrillbookError) -> Completion {
        let school = try self.school(cells["school"] ?? "", mapping: mapping, loaded: loaded, what: what)
        let kindName = cells["kind"].map { mapping.kinds[$0] ?? $0 } ?? ""
        guard let kind = ActivityKind(spelled: kindName) else {
            throw .usage(
                "\(what): kind \"\(SpreadsheetText.printable(cells["kind"] ?? ""))\" is unknown (expected a drill: "
                    + ActivityKind.drillTypes.joined(separator: ", ")
                    + "; an activity kind; or a name the mapping's kinds: gives)"
            )
        }
        func time(_ field: String) throws(DrillbookError) -> WallTime? {
            guard let text = cells[field] else { return nil }
            switch SpreadsheetDate.parse(text, order: order) {
            case .success(let time): return time
            case .failure(.ambiguous):
                throw .usage(
                    "\(what): \(field) \"\(SpreadsheetText.printable(text))\" could be read day-first or month-first; "
                        + "say which in the mapping (date_format: MM/DD/YYYY or DD/MM/YYYY)")
            case .failure:
                throw .usage(
                    "\(what): \(field) \"\(SpreadsheetText.printable(text))\" is not a date and time "
                        + "(expected 2027-08-27 11:12, 8/27/2027 11:12 AM, Aug 27, 2027 11:12 AM or 08/27/27)")
            }
        }
        guard let started = try time("started_at") else {
            throw .usage("\(what): started_at is empty (expected a date and time like 2027-08-27 11:12)")
        }
        let ended = try time("ended_at")
        var item: TrackedItem?
        if let id = cells["item"] {
            item = try Tracker.item(id, in: items)
            if done.contains(item!.item.uid) { throw .usage("\(what): \(id) is already done") }
        } else if loaded.years[school]?.noStudents(on: started.date) == nil {
            // A drill on a day without students counts for nothing, so it completes no scheduled one.
            item = items.filter {
                $0.status == .scheduled && $0.item.schoolID == school && $0.item.kind == kind
                    && $0.item.relatedTo == nil
                    && !done.contains($0.item.uid) && abs($0.item.dayNumberDistance(to: started.date)) <= 31
            }.min {
                abs($0.item.dayNumberDistance(to: started.date)) < abs($1.item.dayNumberDistance(to: started.date))
            }
        }
        var evidence: [EvidenceField: String] = [:]
        for field in EvidenceField.allCases where field != .startedAt && field != .endedAt {
            guard let value = cells[field.rawValue] else { continue }
            // A date as the sheet writes it (`9/1/2027`), in the form the evidence keeps.
            if field.shape == .date || field.shape == .dateTime, let time = try time(field.rawValue) {
                evidence[field] = field.shape == .date ? time.date.description : time.description
            } else {
                evidence[field] = value
            }
        }
        let fields = try Tracker.check(
            startedAt: started, endedAt: ended, evidence: evidence,
            required: { loaded.owed(kind: kind, school: school, startedAt: started, evidence: $0).requiredFields },
            asOf: asOf, year: loaded.plan.year, zone: loaded.zone(of: school), what: what)
        return Completion(
            year: loaded.plan.year, itemUID: item?.item.uid, schoolID: school, kind: kind, startedAt: started,
            endedAt: ended,
            evidence: fields, recordedBy: "", recordedOn: asOf, source: .import)
    }
}

extension ScheduledItem {
    func dayNumberDistance(to day: CalendarDate) -> Int { date.dayNumber - day.dayNumber }
}
