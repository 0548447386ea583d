import Dates
import DrillbookKit
import Foundation
import Store
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let resources = Resources(templates: packageRoot.appendingPathComponent("Templates").path)

func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

/// A fresh folder holding the example district (plan and calendar).
func exampleFolder(state: String = "TX") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drillbook-kit-\(UUID().uuidString)")
        .path
    _ = try Initializer.write(
        to: folder, example: true, state: state, year: "2027-2028", resources: resources, today: day("2027-08-01"))
    return folder
}

/// The example district scheduled on `asOf` in a fresh folder: its plan's path, the plan as read, the store.
func scheduledExample(asOf: String, state: String = "TX") throws -> (
    plan: String, loaded: LoadedPlan, store: SQLiteScheduleStore
) {
    let folder = try exampleFolder(state: state)
    let plan = "\(folder)/drillbook.yaml"
    let loaded = try Planner.load(planFile: plan, resources: resources)
    let store = try Planner.openStore("\(folder)/drillbook.sqlite")
    _ = try Planner.run(loaded, store: store, asOf: day(asOf))
    return (plan, loaded, store)
}

/// Writes `text` as a plan beside a copy of the example calendar; returns the plan's path.
func planFile(_ text: String) throws -> String {
    let folder = try exampleFolder()
    let path = "\(folder)/drillbook.yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The example plan's text with one replacement.
func examplePlan(replacing old: String, with new: String) throws -> String {
    let text = try String(contentsOfFile: "\(resources.templates)/examples/lakeside/drillbook.yaml", encoding: .utf8)
    #expect(text.contains(old), "the example plan no longer contains \(old)")
    return text.replacingOccurrences(of: old, with: new)
}

/// The python of the checkers' virtual environment.
func checkerPython() -> String {
    ProcessInfo.processInfo.environment["DRILLBOOK_PYTHON"]
        ?? packageRoot.appendingPathComponent(".venv/bin/python").path
}

/// The checkers' python run with `arguments` (a script of Tests/Checkers and its arguments, or `-c`
/// and code), reading the file `input`; its standard output once it has exited 0.
func runPython(_ arguments: [String], input: String? = nil) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: checkerPython())
    process.arguments = arguments
    if let input { process.standardInput = FileHandle(forReadingAtPath: input) }
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "python \(arguments.prefix(2)) exited \(process.terminationStatus)")
    return data
}
