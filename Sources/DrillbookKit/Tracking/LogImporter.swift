import CSV
public import Dates
import Foundation
public import Planning
public import Store

/// `drillbook import-log FILE.csv [--mapping FILE]`: last year's spreadsheet log, all rows or none.
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

        public init() {}
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
            let fields = try root.mapping(allowed: ["columns", "kinds"])
            var mapping = Mapping()
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
    /// and every bad row is named by line.
    public static func run(
        file: String, mapping: Mapping, loaded: LoadedPlan, store: ScheduleStore, actor: String?, asOf: CalendarDate
    ) throws(DrillbookError) -> [Completion] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .usage("\(file): cannot be read (no such file)")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: String(decoding: data, as: UTF8.self), hasHeaderRow: true, trimFields: true)
        } catch {
            throw .usage("\(file): not a CSV file (\(error))")
        }
        let headers = (reader.headerRow ?? []).map { mapping.columns[$0] ?? $0 }
        var problems: [String] = []
        for required in ["school", "kind", "started_at"] where !headers.contains(required) {
            problems.append(
                "\(file):1: no \(required) column (headers: \(reader.headerRow?.joined(separator: ", ") ?? "none"); a --mapping file can rename them)"
            )
        }
        for (index, header) in headers.enumerated() where !columns.contains(header) {
            problems.append(
                "\(file):1: column \"\(reader.headerRow![index])\" is unknown (expected \(columns.joined(separator: ", ")), or a --mapping)"
            )
        }
        guard problems.isEmpty else { throw .usage(problems.joined(separator: "\n")) }

        let items = try Planner.published(loaded, store: store)
        var done = Set(Completion.current(try Tracker.completions(loaded, store: store)).compactMap(\.itemUID))
        var completions: [Completion] = []
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.allSatisfy(\.isEmpty) { continue }
            var cells: [String: String] = [:]
            for (header, value) in zip(headers, row) where !value.isEmpty && !ignored.contains(header) {
                // A cell the drill log neutralised ('=...) reads back as written.
                let formula = value.count > 1 && value.first == "'" && "=+-@".contains(value.dropFirst().first!)
                cells[header] = formula ? String(value.dropFirst()) : value
            }
            do {
                let completion = try self.completion(
                    cells, kinds: mapping.kinds, items: items, done: done, loaded: loaded, asOf: asOf,
                    what: "\(file):\(line)")
                if let uid = completion.itemUID { done.insert(uid) }
                completions.append(completion)
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw .usage(problems.joined(separator: "\n") + "\nnothing was imported") }
        guard !completions.isEmpty else { throw .usage("\(file): no rows to import") }
        return try Tracker.save(completions, store: store, actor: actor, asOf: asOf)
    }

    private static func completion(
        _ cells: [String: String], kinds: [String: String], items: [TrackedItem], done: Set<String>, loaded: LoadedPlan,
        asOf: CalendarDate, what: String
    ) throws(DrillbookError) -> Completion {
        guard let school = cells["school"], loaded.plan.schools.contains(where: { $0.school.id == school }) else {
            throw .usage("\(what): school \"\(cells["school"] ?? "")\" is not in the plan")
        }
        let kindName = cells["kind"].map { kinds[$0] ?? normalizedKind($0) } ?? ""
        guard
            let kind = ActivityKind(
                kindName.hasPrefix("drill/") || ActivityKind(kindName) != nil ? kindName : "drill/\(kindName)")
        else {
            throw .usage(
                "\(what): kind \"\(cells["kind"] ?? "")\" is unknown (expected fire, lockdown, ... or an activity kind)"
            )
        }
        guard let started = cells["started_at"].flatMap(DateTimeArgument.wallTime) else {
            throw .usage(
                "\(what): started_at \"\(cells["started_at"] ?? "")\" is not a date and time like 2026-09-03 10:15")
        }
        let ended = try cells["ended_at"].map { (text) throws(DrillbookError) -> WallTime in
            guard let time = DateTimeArgument.wallTime(text) else {
                throw .usage("\(what): ended_at \"\(text)\" is not a date and time")
            }
            return time
        }
        var item: TrackedItem?
        if let id = cells["item"] {
            item = try Tracker.item(id, in: items)
            if done.contains(item!.item.uid) { throw .usage("\(what): \(id) is already done") }
        } else {
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
            if let value = cells[field.rawValue] { evidence[field] = value }
        }
        let fields = try Tracker.check(
            startedAt: started, endedAt: ended, evidence: evidence,
            required: { loaded.owed(kind: kind, school: school, startedAt: started, evidence: $0).requiredFields },
            asOf: asOf, what: what)
        return Completion(
            year: loaded.plan.year, itemUID: item?.item.uid, schoolID: school, kind: kind, startedAt: started,
            endedAt: ended,
            evidence: fields, recordedBy: "", recordedOn: asOf, source: .import)
    }
}

extension ScheduledItem {
    func dayNumberDistance(to day: CalendarDate) -> Int { date.dayNumber - day.dayNumber }
}

/// "Fire Drill" as a spreadsheet writes it: `fire`; "Shelter in Place": `shelter-in-place`.
func normalizedKind(_ name: String) -> String {
    var text = name.lowercased().trimmingCharacters(in: .whitespaces)
    if text.hasSuffix(" drill") { text = String(text.dropLast(6)) }
    return text.replacingOccurrences(of: " ", with: "-")
}
