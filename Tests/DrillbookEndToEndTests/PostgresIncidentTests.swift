import Foundation
import Testing

/// The incident commands, `overdue` and `audit` with the incidents database in PostgreSQL
/// (DRILLBOOK_TEST_POSTGRES: `make test` starts a throwaway server), as a state-wide service runs them.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DRILLBOOK_TEST_POSTGRES"] != nil))
struct PostgresIncidentTests {
    /// A new, empty database on the test server, made with Debian's psql, sorting text by ICU's
    /// English rules (not bytewise, as SQLite does); its URL.
    static func freshDatabase() throws -> String {
        let server = ProcessInfo.processInfo.environment["DRILLBOOK_TEST_POSTGRES"] ?? ""
        let name = "drillbook_e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        #expect(
            try tool(
                "psql", server, "-qc", "CREATE DATABASE \(name) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en'")
                == 0)
        var parts = try #require(URLComponents(string: server))
        parts.path = "/\(name)"
        return try #require(parts.string)
    }

    /// Runs one of PostgreSQL's own programs; its exit status.
    @discardableResult
    static func tool(_ arguments: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func incidentsLiveInPostgreSQLAndTheirChainIsVerifiedThere() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        let incidents = try Self.freshDatabase()
        let environment = ["DRILLBOOK_INCIDENTS_DB": incidents, "DRILLBOOK_NOW": "2027-10-05T14:00:00Z"]
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let opened = try Drillbook.run(
            arguments: [
                "incident", "open", "bomb-threat", "--school", "ridge-ms", "--fact", "threat_words=secret words",
                "--plan", plan,
            ],
            environment: environment)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout.contains("opened incident 2027-0001"), "\(opened.stdout)")
        // Nothing of it went to a file beside the plan.
        #expect(
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("drillbook-incidents.sqlite").path))

        let list = try Drillbook.run(arguments: ["incident", "list", "--plan", plan], environment: environment)
        #expect(list.status == 0 && list.stdout.contains("2027-0001") && list.stdout.contains("bomb-threat"))
        var late = environment
        late["DRILLBOOK_NOW"] = "2027-10-05T15:00:00Z"
        let overdue = try Drillbook.run(
            arguments: ["overdue", "--plan", plan, "--as-of", "2027-08-01"], environment: late)
        #expect(overdue.status == 3)
        #expect(overdue.stdout.contains("incident-step incident 2027-0001: checklist"), "\(overdue.stdout)")
        #expect(!overdue.stdout.contains("secret words"))

        let head = try Drillbook.run(arguments: ["audit", "head", "--plan", plan], environment: environment)
        #expect(head.status == 0, "\(head.stderr)")
        let incidentsHead = try #require(
            head.stdout.split(separator: "\n").first { $0.hasPrefix("incidents ") }?.split(separator: " ").dropFirst()
                .first)
        let verify = try Drillbook.run(
            arguments: ["audit", "verify", "--plan", plan, "--incidents-head", String(incidentsHead)],
            environment: environment)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("incidents audit log intact"), "\(verify.stdout)")

        // The README's backup and restore: pg_dump's archive restored into a new database holds the
        // same chain, head and rows, and Drillbook verifies it there against the head kept.
        let dump = folder.appendingPathComponent("incidents.dump").path
        #expect(try Self.tool("pg_dump", "--format=custom", "--file", dump, incidents) == 0)
        let restored = try Self.freshDatabase()
        #expect(try Self.tool("pg_restore", "--no-owner", "--dbname", restored, dump) == 0)
        var fromCopy = environment
        fromCopy["DRILLBOOK_INCIDENTS_DB"] = restored
        let copyVerified = try Drillbook.run(
            arguments: ["audit", "verify", "--plan", plan, "--incidents-head", String(incidentsHead)],
            environment: fromCopy)
        #expect(copyVerified.status == 0, "\(copyVerified.stderr)")
        let copyList = try Drillbook.run(arguments: ["incident", "list", "--plan", plan], environment: fromCopy)
        #expect(copyList.stdout == list.stdout)

        // An edit behind Drillbook's back, with the database's own tools, is named.
        try Self.tool("psql", incidents, "-qc", "UPDATE incident SET school = 'harbor-es'")
        let tampered = try Drillbook.run(arguments: ["audit", "verify", "--plan", plan], environment: environment)
        #expect(tampered.status == 1)
        #expect(
            tampered.stderr.contains("incident:2027-0001 differs from what audit entry 1 recorded: it was changed"),
            "\(tampered.stderr)")
    }
}
