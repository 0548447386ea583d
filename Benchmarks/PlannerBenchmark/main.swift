// Schedules and exports a synthetic district of N schools (default 1,000) with the full toolkit year
// and the baseline drills, timing each phase and reporting peak memory.
//
//   swift run -c release plan-benchmark                 # 1,000 schools
//   swift run -c release plan-benchmark --schools 200
import Dates
import DrillbookKit
import Foundation
import Planning

#if canImport(Glibc)
    import Glibc
#endif

func peakMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "%-10@ %8.2f s   peak %6.0f MiB", name as NSString, seconds, peakMiB()))
    return value
}

var arguments = CommandLine.arguments.dropFirst()
var schools = 1_000
while let argument = arguments.popFirst() {
    if argument == "--schools", let value = arguments.popFirst().flatMap(Int.init) {
        schools = value
    } else {
        FileHandle.standardError.write(Data("usage: plan-benchmark [--schools N]\n".utf8))
        exit(64)
    }
}

let resources = try Resources.locate()
let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "drillbook-bench-\(UUID().uuidString.prefix(8))"
).path
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
try text.write(toFile: plan, atomically: true, encoding: .utf8)

print("Drillbook planner benchmark: \(schools) schools, toolkit year + baseline drills, in \(folder)")
let asOf = CalendarDate(year: 2027, month: 8, day: 1)
let loaded = try timed("load") { try Planner.load(planFile: plan, resources: resources) }
let items = try timed("schedule") { try Planner.schedule(loaded) }
let store = try Planner.openStore("\(folder)/drillbook.sqlite")
let result = try timed("store") { try Planner.run(loaded, store: store, asOf: asOf) }
let published = try Planner.published(loaded, store: store)
let paths = try timed("export") { try Exporter(loaded: loaded, asOf: asOf).export(published, to: "\(folder)/out") }
let again = try timed("re-plan") { try Planner.run(loaded, store: store, asOf: asOf) }
print(
    "\(items.count) items (\(result.added.count) stored), \(paths.count) calendars; re-plan: \(again.isEmpty ? "no change" : "changes!")"
)
try? FileManager.default.removeItem(atPath: folder)
