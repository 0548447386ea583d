import Dates
import Foundation
import Testing

@testable import ICalendar

/// The package's root folder (tests run from anywhere).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fixture's bytes from Tests/ICalendarTests/Fixtures.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
    return [UInt8](try Data(contentsOf: url))
}

/// A wall time from `2027-09-02T09:00:00`.
func wall(_ text: String) -> WallTime { WallTime(text)! }

/// A date from `2027-09-02`.
func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

/// The python of the checkers' virtual environment (made by `make setup`), or DRILLBOOK_PYTHON.
func checkerPython() throws -> String {
    if let path = ProcessInfo.processInfo.environment["DRILLBOOK_PYTHON"] { return path }
    let path = packageRoot.appendingPathComponent(".venv/bin/python").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        Issue.record("python checkers missing: run `make setup` (it creates .venv with icalendar)")
        throw CheckerMissing()
    }
    return path
}

struct CheckerMissing: Error {}

/// Runs a python script from Tests/Checkers with `input` on standard input; returns standard output.
func runChecker(_ script: String, arguments: [String] = [], input: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try checkerPython())
    process.arguments = [packageRoot.appendingPathComponent("Tests/Checkers/\(script)").path] + arguments
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(script) failed: \(String(decoding: errors, as: UTF8.self))")
    return String(decoding: output, as: UTF8.self)
}
