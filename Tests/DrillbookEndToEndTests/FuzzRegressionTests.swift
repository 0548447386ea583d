import Foundation
import Testing

/// Every seed of the fuzz corpora, and every input fuzzing ever found to crash or hang
/// (Fuzz/Regressions), replayed through the harnesses as built for tests: each ends in a value or
/// a clear error. `make fuzz` searches for new ones.
@Suite struct FuzzRegressionTests {
    static let harnesses = ["calendar", "plan", "rules", "playbook", "drill-log", "report"]

    @Test(arguments: FuzzRegressionTests.harnesses)
    func replaysWithoutACrash(_ harness: String) throws {
        let binary = try Drillbook.binary.deletingLastPathComponent().appendingPathComponent("fuzz-\(harness)")
        var folders = ["Fuzz/Corpus/\(harness)"]
        if FileManager.default.fileExists(
            atPath: Drillbook.packageRoot.appendingPathComponent("Fuzz/Regressions/\(harness)").path)
        {
            folders.append("Fuzz/Regressions/\(harness)")
        }
        let result = try Drillbook.shell(
            "'\(binary.path)' " + folders.map { "'\($0)'" }.joined(separator: " "), in: Drillbook.packageRoot)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("replayed "), "\(result.stdout)")
        #expect(!result.stdout.hasPrefix("replayed 0 "))
    }
}
