import Dates
// Build, serialize and parse back N events through Drillbook's ICalendar module, and the same work
// in plain C over libical, each in its own process so peak memory is its own.
//
//   swift run -c release ical-benchmark              # 100,000 events, both engines, a table
//   swift run -c release ical-benchmark --events 10000
import Foundation
import ICalendar
import LibicalBaseline

#if canImport(Glibc)
    import Glibc
#endif

struct Phase: Codable {
    var name: String
    var seconds: Double
    var peakMiB: Double
}

struct Run: Codable {
    var engine: String
    var events: Int
    var bytes: Int
    var phases: [Phase]
}

func peakMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

func runSwift(_ count: Int) throws -> Run {
    let zone = "America/Chicago"
    let base = CalendarDate(year: 2027, month: 9, day: 1)
    let (document, build) = timed { () -> CalendarDocument in
        var events: [Event] = []
        events.reserveCapacity(count)
        for index in 0..<count {
            let start = WallTime(date: base.adding(days: index % 3650), hour: 9 + index % 7)
            events.append(
                Event(
                    uid: "bench-\(index)@drillbook.example", summary: "Fire drill \(index) (Lincoln High School)",
                    start: .zoned(start, tzid: zone), end: .zoned(start.adding(seconds: 1200), tzid: zone),
                    categories: ["drill/fire"], alarms: [Alarm(triggerOffset: -900, description: "Reminder")]))
        }
        return CalendarDocument(events: events)
    }
    let buildPeak = peakMiB()
    let (text, write) = try timed {
        try CalendarWriter(stamp: WallTime(year: 2027, month: 8, day: 1, hour: 12)).write(document)
    }
    let writePeak = peakMiB()
    let (read, parse) = try timed { try CalendarReader.read(text) }
    precondition(read.document.events.count == count, "read back \(read.document.events.count) of \(count) events")
    return Run(
        engine: "swift", events: count, bytes: text.utf8.count,
        phases: [
            Phase(name: "build", seconds: build, peakMiB: buildPeak),
            Phase(name: "serialize", seconds: write, peakMiB: writePeak),
            Phase(name: "parse", seconds: parse, peakMiB: peakMiB()),
        ])
}

func runC(_ count: Int) -> Run {
    let result = libical_baseline_run(Int32(count))
    precondition(result.parsed_events == count)
    let peak = peakMiB()
    return Run(
        engine: "c", events: count, bytes: result.bytes,
        phases: [
            Phase(name: "build", seconds: result.build_seconds, peakMiB: peak),
            Phase(name: "serialize", seconds: result.serialize_seconds, peakMiB: peak),
            Phase(name: "parse", seconds: result.parse_seconds, peakMiB: peak),
        ])
}

func child(_ engine: String, _ count: Int) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["--engine", engine, "--events", String(count)]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return try JSONDecoder().decode(Run.self, from: data)
}

/// `--expand FILE`: reads the file, then times only the expansion of every event (rules end by
/// COUNT or UNTIL), as the C iterator and dateutil are timed on the same file by Benchmarks/bench.py.
func expandFile(_ path: String) throws {
    let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    let (read, parse) = try timed { try CalendarReader.read(bytes, file: path) }
    let expander = RecurrenceExpander(
        from: WallTime(year: 1990, month: 1, day: 1), before: WallTime(year: 2100, month: 1, day: 1))
    let (occurrences, expand) = try timed { try expander.expand(read.document) }
    print(#"{"read_parse": \#(parse), "expand": \#(expand), "occurrences": \#(occurrences.count)}"#)
}

var arguments = CommandLine.arguments.dropFirst()
var count = 100_000
var engine: String?
while let argument = arguments.popFirst() {
    switch argument {
    case "--events": count = Int(arguments.popFirst() ?? "") ?? count
    case "--engine": engine = arguments.popFirst()
    case "--expand":
        try expandFile(arguments.popFirst() ?? "")
        exit(0)
    default:
        FileHandle.standardError.write(Data("usage: ical-benchmark [--events N] | --expand FILE\n".utf8))
        exit(64)
    }
}

if let engine {
    let run = engine == "c" ? runC(count) : try runSwift(count)
    print(String(decoding: try JSONEncoder().encode(run), as: UTF8.self))
    exit(0)
}

let c = try child("c", count)
let swift = try child("swift", count)
let events = count
func rate(_ seconds: Double) -> String { String(format: "%10.0f", Double(events) / seconds) }
print("ICalendar benchmark: \(count) events, \(swift.bytes / 1024) KiB of .ics (plain C: \(c.bytes / 1024) KiB)")
print("phase        Swift ev/s     C ev/s   Swift/C time   peak MiB Swift / C")
for (s, b) in zip(swift.phases, c.phases) {
    let ratio = b.seconds > 0 ? s.seconds / b.seconds : .nan
    print(
        String(
            format: "%-10@ %@ %@ %10.2fx %12.0f / %.0f", s.name as NSString, rate(s.seconds), rate(b.seconds), ratio,
            s.peakMiB, b.peakMiB))
}
let swiftTotal = swift.phases.reduce(0) { $0 + $1.seconds }
let cTotal = c.phases.reduce(0) { $0 + $1.seconds }
print(String(format: "total      %@ %@ %10.2fx", rate(swiftTotal), rate(cTotal), swiftTotal / cTotal))
print("(Swift's build makes model values; its serialize builds libical components and renders them, which")
print(" C does in its build and serialize; compare totals. Parse includes Drillbook's line scan and checks.)")
