import Foundation
import Testing

/// Runs the real `drillbook` executable, as a user would.
struct Drillbook {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package's root folder.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary SwiftPM built beside this test bundle (DRILLBOOK_BIN overrides).
    static var binary: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["DRILLBOOK_BIN"] { return URL(fileURLWithPath: path) }
            var folder = Bundle.main.bundleURL
            for _ in 0..<3 {
                let candidate = folder.appendingPathComponent("drillbook")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder.deleteLastPathComponent()
            }
            let fallback = packageRoot.appendingPathComponent(".build/debug/drillbook")
            try #require(FileManager.default.isExecutableFile(atPath: fallback.path), "build drillbook first")
            return fallback
        }
    }

    static func run(_ arguments: String..., in directory: URL = packageRoot) throws -> Result {
        try run(arguments: arguments, in: directory)
    }

    static func run(arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:]) throws
        -> Result
    {
        try execute(try binary, arguments, in: directory, environment: environment)
    }

    /// A shell command line (`umask 000 && drillbook ...`); `environment` entries of "" are removed.
    static func shell(_ command: String, in directory: URL, environment: [String: String] = [:]) throws -> Result {
        try execute(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: directory, environment: environment)
    }

    private static func execute(
        _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]
    )
        throws -> Result
    {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter {
                !$0.value.isEmpty
            }
        }
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// A fresh folder for one test's files.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("drillbook-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
