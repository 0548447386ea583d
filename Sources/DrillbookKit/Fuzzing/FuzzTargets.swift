import Dates
import Foundation
import ICalendar
import Planning

/// What the libFuzzer harnesses under Fuzz/ feed their inputs to: every reader of a file a user
/// gives Drillbook. Each must end in a value or a clear error for any bytes: a trap, a hang or a
/// memory error is a bug (`make fuzz`; crashers found become regression tests).
package enum FuzzTargets {
    /// A scratch file per process, for readers that take a path.
    static let scratch: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drillbook-fuzz-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    static func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = "\(scratch)/\(name)"
        // A scratch file that cannot be written makes the target read nothing, not crash.
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The templates of the checkout or installation, for plans that name templates and rule sets.
    static let resources = try? Resources.locate()

    /// An .ics file read as `calendar validate` and `calendar expand` read it; read in slices of one
    /// component too (as a large file is read), which must find exactly what the whole read finds.
    package static func calendar(_ bytes: [UInt8]) {
        let inspection = CalendarReader.inspect(bytes, file: "fuzz.ics", sliceSize: Int.max)
        let sliced = CalendarReader.inspect(bytes, file: "fuzz.ics", sliceSize: 1)
        precondition(
            sliced.problems == inspection.problems && sliced.document == inspection.document,
            "read in slices, the calendar reads otherwise than whole")
        guard inspection.errors.isEmpty else { return }
        let expander = RecurrenceExpander(
            from: WallTime(date: CalendarDate(year: 2027, month: 7, day: 1)),
            before: WallTime(date: CalendarDate(year: 2028, month: 7, day: 1)), limit: 500)
        _ = try? expander.expand(inspection.document)
    }

    /// A plan file (drillbook.yaml).
    package static func plan(_ bytes: [UInt8]) {
        guard let resources else { return }
        _ = try? PlanReader(resources: resources).read(file: file("drillbook.yaml", bytes))
    }

    /// A compliance rule set.
    package static func ruleSet(_ bytes: [UInt8]) {
        _ = try? RuleSetReader.read(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    }

    /// A playbook file.
    package static func playbook(_ bytes: [UInt8]) {
        _ = try? PlaybookReader.read(file: file("playbook.yaml", bytes), builtIn: false)
    }

    /// A drill log as `import-log` reads it: rows, then each cell as the date, time or number it
    /// claims to be.
    package static func drillLog(_ bytes: [UInt8]) {
        guard let (_, rows, _) = try? LogImporter.rows(of: file("log.csv", bytes), sheet: nil) else { return }
        for row in rows {
            for cell in row.cells {
                _ = SpreadsheetDate.parse(cell, order: nil)
                _ = SpreadsheetText.printable(cell)
                for field in EvidenceField.allCases { _ = try? EvidenceValue.normalize(cell, for: field, what: "fuzz") }
            }
        }
    }

    /// A tip line's or alert service's report (`incident open --from-json`).
    package static func report(_ bytes: [UInt8]) {
        _ = try? Incidents.report(Data(bytes), file: "report.json")
    }

    /// Replays files (a corpus, or one crasher) through a target without libFuzzer: what the
    /// harnesses do when built without `-D FUZZING`, and what the regression tests run.
    package static func replay(_ paths: [String], through target: ([UInt8]) -> Void) -> Int32 {
        var count = 0
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("\(path): no such file\n".utf8))
                return 1
            }
            let files =
                isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target([UInt8](data))
                count += 1
            }
        }
        print("replayed \(count) input\(count == 1 ? "" : "s")")
        return 0
    }

    /// A harness's `main`: built with -D FUZZING (make fuzz), libFuzzer's driver over `callback`;
    /// otherwise a replayer of the files and folders given as arguments (a corpus, or a crasher),
    /// as the regression tests run it.
    package static func main(
        replaying target: ([UInt8]) -> Void, fuzzing callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> Never {
        #if FUZZING
            exit(runLibFuzzer(callback))
        #else
            exit(replay(Array(CommandLine.arguments.dropFirst()), through: target))
        #endif
    }

    #if FUZZING
        /// libFuzzer's entry for a program with its own main: the harness's `main` hands it argv.
        @_silgen_name("LLVMFuzzerRunDriver")
        static func runDriver(
            _ argc: UnsafeMutablePointer<CInt>,
            _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
            _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
        ) -> CInt

        /// Runs libFuzzer with the command line's options over `callback`.
        static func runLibFuzzer(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Int32 {
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            return runDriver(&argc, &argv, callback)
        }
    #endif
}
