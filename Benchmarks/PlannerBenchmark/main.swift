// Schedules and exports a synthetic district of N schools (default 1,000) with the full toolkit year
// and the baseline drills, timing each phase and reporting peak memory.
//
//   swift run -c release plan-benchmark                 # 1,000 schools
//   swift run -c release plan-benchmark --schools 200
import Dates
import DrillbookKit
import Foundation
import Planning
import PostgresStore
import Store

#if canImport(Glibc)
    import Glibc
#endif

func peakMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

struct Phase: Encodable {
    var name: String
    var seconds: Double
    var cpu: Double
    var peakMiB: Double
}
var phases: [Phase] = []

@MainActor func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpu = cpuSeconds()
    let value = try body()
    if ProcessInfo.processInfo.environment["BENCH_MARKS"] != nil {
        FileHandle.standardError.write(Data("mark \(name) \(start) \(DispatchTime.now().uptimeNanoseconds)\n".utf8))
    }
    let phase = Phase(
        name: name, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpu: cpuSeconds() - cpu,
        peakMiB: peakMiB())
    phases.append(phase)
    defer {
        // `--until PHASE`: the phases up to it alone, for a profile or an instruction count of one.
        if name == until {
            if !keep { try? FileManager.default.removeItem(atPath: folder) }
            exit(0)
        }
    }
    if !json {
        print(
            name.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(format: "%8.2f s  cpu %6.2f s  peak %6.0f MiB", phase.seconds, phase.cpu, phase.peakMiB))
    }
    return value
}

// As `drillbook` itself does, before any thread starts.
Allocator.oneArenaPerCore()

var arguments = CommandLine.arguments.dropFirst()
var schools = 1_000
var json = false
var keep = false
var database: String?
var until: String?
var state = "TX"
while let argument = arguments.popFirst() {
    if argument == "--schools", let value = arguments.popFirst().flatMap(Int.init) {
        schools = value
    } else if argument == "--json" {
        json = true
    } else if argument == "--keep" {
        keep = true
    } else if argument == "--db", let value = arguments.popFirst() {
        database = value
    } else if argument == "--until", let value = arguments.popFirst() {
        until = value
    } else if argument == "--state", let value = arguments.popFirst() {
        state = value
    } else {
        FileHandle.standardError.write(
            Data(
                "usage: plan-benchmark [--schools N] [--json] [--keep] [--db postgres://... (an empty database)] [--until PHASE] [--state XX (TX)]\n"
                    .utf8
            ))
        exit(64)
    }
}

let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "drillbook-bench-\(UUID().uuidString.prefix(8))"
).path
// Any failure (a state whose rules the synthetic plan does not satisfy, a database that cannot be
// reached) is a message and exit 1, not a crash with a backtrace.
do {
    let resources = try Resources.locate()
    _ = try Initializer.write(
        to: folder, example: true, state: "TX", year: "2027-2028", resources: resources,
        today: CalendarDate(year: 2027, month: 8, day: 1))
    // The example plan with its three schools replaced by N of the secondary kind.
    let plan = "\(folder)/drillbook.yaml"
    var text = try String(contentsOfFile: plan, encoding: .utf8)
    let head = text[..<text.range(of: "schools:\n")!.upperBound]
    let tail = text[text.range(of: "activities:\n")!.lowerBound...]
    var schoolText = ""
    for index in 0..<schools {
        schoolText += """
              - id: school-\(index)
                name: School \(index)
                bell_schedule: \(index % 3 == 0 ? "elementary" : "secondary")
                contacts:
                  principal: {name: Principal \(index)}
                  safety_coordinator: {name: Coordinator \(index)}
                  threat_assessment_lead: {name: Lead \(index)}
                  law_enforcement: {name: Officer \(index)}
                  fire: {name: Fire Marshal}
                  mental_health: {name: Counselor \(index)}
                  communications: {name: Communications}

            """
    }
    text = String(head) + schoolText + String(tail)
    // `--state XX`: the example district under another state's rules.
    text = text.replacingOccurrences(of: "  state: TX\n", with: "  state: \(state)\n")
        .replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, \(state)]")
    try text.write(toFile: plan, atomically: true, encoding: .utf8)

    if !json {
        print(
            "Drillbook planner benchmark: \(schools) schools, toolkit year + baseline drills, in \(folder)"
                + (database.map { ", the schedule in \($0)" } ?? ""))
    }
    let asOf = CalendarDate(year: 2027, month: 8, day: 1)
    let loaded = try timed("load") { try Planner.load(planFile: plan, resources: resources) }
    // Each phase keeps only counts: what one command holds is measured, not what the benchmark hoards.
    // Placement alone, for the profile; `schedule` below is what `drillbook schedule` does (place and store).
    let placed = try timed("place") { try Planner.schedule(loaded).count }
    // The same phases on PostgreSQL with `--db URL`.
    let store: any ScheduleStore =
        try database.map { try PostgresScheduleStore(url: $0) } ?? Planner.openStore("\(folder)/drillbook.sqlite")
    let stored = try timed("schedule") { try Planner.run(loaded, store: store, asOf: asOf).added.count }
    let calendars = try timed("export") {
        try Exporter(loaded: loaded, asOf: asOf).export(
            bySchool: try Planner.publishedBySchool(loaded, store: store), to: "\(folder)/out"
        )
        .count
    }
    let replanChanged = try timed("re-plan") { !(try Planner.run(loaded, store: store, asOf: asOf).isEmpty) }
    // The nightly `drillbook export` of a schedule that did not change: every file compared, none
    // written.
    let rewritten = try timed("re-export") {
        let files = try Exporter(loaded: loaded, asOf: asOf).exportFiles(
            bySchool: try Planner.publishedBySchool(loaded, store: store), to: "\(folder)/out")
        return files.paths.count - files.unchanged.count
    }
    // Half a year logged: every item before mid-January done on its day, but one in ten left undone,
    // so `check` has findings and `overdue` has make-up days to find.
    let midYear = CalendarDate(year: 2028, month: 1, day: 15)
    func halfYear() throws -> [Completion] {
        var logged: [Completion] = []
        for (index, tracked) in try Planner.published(loaded, store: store).enumerated()
        where tracked.status == .scheduled && !tracked.item.adminOnly && tracked.item.date < midYear && index % 10 != 0
        {
            let item = tracked.item
            let minutes = item.start?.minutes ?? 600
            let start = WallTime(date: item.date, hour: minutes / 60, minute: minutes % 60)
            logged.append(
                Completion(
                    year: loaded.plan.year, itemUID: item.uid, schoolID: item.schoolID, kind: item.kind,
                    startedAt: start,
                    endedAt: start.adding(seconds: 60 * item.durationMinutes), evidence: [:], recordedBy: "bench",
                    recordedOn: item.date, source: .import))
        }
        return logged
    }
    var logged = try halfYear()
    let completions = logged.count
    _ = try timed("log") {
        try store.add(
            logged, audit: AuditContext(actor: "bench", asOf: midYear.description, at: "2028-01-15T12:00:00Z")
        )
        .count
    }
    logged = []
    // The report as `drillbook check` prints it: writing a state's 37 MB of text is part of the
    // command (a second and a half on one core before each school's part had a core of its own).
    // The text prints no audit head, so, as the command, it does not verify the chain.
    let findings = try timed("check") {
        let report = try ComplianceReport.make(
            loaded, store: store, asOf: midYear, school: nil, verifyingAudit: false)
        return report.text.utf8.count > 0 ? report.findings.count : -1
    }
    let dueOrOverdue = try timed("overdue") {
        try Notifier.evaluate(loaded, store: store, asOf: midYear).findings.count
    }
    let auditHead = (try? AuditCheck.head(store)) ?? ""
    if json {
        struct Summary: Encodable {
            var schools: Int
            var items: Int
            var calendars: Int
            var replanChanged: Bool
            var reexportWritten: Int
            var completions: Int
            var findings: Int
            var overdue: Int
            var auditIntact: Bool
            var phases: [Phase]
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let summary = Summary(
            schools: schools, items: placed, calendars: calendars, replanChanged: replanChanged,
            reexportWritten: rewritten, completions: completions, findings: findings, overdue: dueOrOverdue,
            auditIntact: !auditHead.isEmpty, phases: phases)
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    } else {
        print(
            "\(placed) items (\(stored) stored), \(calendars) calendars; re-plan: \(replanChanged ? "changes!" : "no change"); "
                + "re-export: \(rewritten) rewritten; "
                + "\(completions) completions; \(findings) findings; \(dueOrOverdue) due or overdue; "
                + "audit chain \(auditHead.isEmpty ? "BROKEN" : "intact")")
    }
    // `--keep` leaves the district, its database and calendars for a profile of one command.
    if !keep { try? FileManager.default.removeItem(atPath: folder) }
} catch {
    FileHandle.standardError.write(Data("plan-benchmark: \(error)\n".utf8))
    if !keep { try? FileManager.default.removeItem(atPath: folder) }
    exit(1)
}
