import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The schedule database in PostgreSQL (`--db` / DRILLBOOK_DB), from the command line and from two
/// servers at once: every command answers as it does on SQLite.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DRILLBOOK_TEST_POSTGRES"] != nil))
struct PostgresScheduleTests {
    /// The example district twice: in a SQLite file, and in a new PostgreSQL database.
    struct Twins {
        let sqlite: URL
        let postgres: URL
        let url: String

        init() throws {
            sqlite = try Drillbook.temporaryFolder()
            postgres = try Drillbook.temporaryFolder()
            url = try PostgresIncidentTests.freshDatabase()
            for folder in [sqlite, postgres] {
                #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
                let plan = folder.appendingPathComponent("drillbook.yaml").path
                try
                    (try String(contentsOfFile: plan, encoding: .utf8)
                    + "server: {base_url: \"https://drills.lakeside.example\"}\n")
                    .write(toFile: plan, atomically: true, encoding: .utf8)
            }
        }

        /// The same command on both, expected to answer alike (exit status, output, errors).
        @discardableResult
        func same(_ arguments: String..., status: Int32 = 0) throws -> Drillbook.Result {
            let (sqlite, postgres) = try run(arguments)
            #expect(sqlite.status == status, "\(arguments): \(sqlite.stderr)")
            #expect(postgres.status == sqlite.status, "\(arguments): \(postgres.stderr)")
            #expect(
                postgres.stdout.replacingOccurrences(of: self.postgres.path, with: "FOLDER")
                    == sqlite.stdout.replacingOccurrences(of: self.sqlite.path, with: "FOLDER"), "\(arguments)")
            #expect(
                postgres.stderr.replacingOccurrences(of: self.postgres.path, with: "FOLDER")
                    == sqlite.stderr.replacingOccurrences(of: self.sqlite.path, with: "FOLDER"), "\(arguments)")
            return postgres
        }

        /// The same command on both (PLAN and FOLDER replaced by each one's); the PostgreSQL one by DRILLBOOK_DB.
        func run(_ arguments: [String]) throws -> (sqlite: Drillbook.Result, postgres: Drillbook.Result) {
            func on(_ folder: URL, _ environment: [String: String]) throws -> Drillbook.Result {
                try Drillbook.run(
                    arguments: arguments.map {
                        $0.replacingOccurrences(of: "PLAN", with: folder.appendingPathComponent("drillbook.yaml").path)
                            .replacingOccurrences(of: "FOLDER", with: folder.path)
                    }, in: folder, environment: environment)
            }
            return (try on(sqlite, ["DRILLBOOK_DB": ""]), try on(postgres, ["DRILLBOOK_DB": url]))
        }
    }

    @Test func everyCommandAnswersAsItDoesOnSQLite() throws {
        let twins = try Twins()
        let evidence = [
            "--conducted-by", "Ana Ruiz", "--notification-method", "fire alarm", "--head-count", "1180",
            "--problems", "none", "--time-to-evacuate", "4m30s", "--as", "Ana Ruiz",
        ]
        try twins.same("schedule", "--plan", "PLAN", "--as-of", "2027-08-01")
        // Nothing of it went to a file beside the plan.
        #expect(!FileManager.default.fileExists(atPath: twins.postgres.appendingPathComponent("drillbook.sqlite").path))
        try twins.same("list", "--plan", "PLAN", "--json")
        try twins.same("schedule", "--plan", "PLAN", "--as-of", "2027-08-15")
        func complete(_ id: String, _ day: String, status: Int32 = 0) throws {
            let (sqlite, postgres) = try twins.run(
                ["complete", id, "--plan", "PLAN", "--as-of", day] + evidence)
            #expect(sqlite.status == status && postgres.status == status, "\(postgres.stderr)")
            #expect(postgres.stdout == sqlite.stdout && postgres.stderr == sqlite.stderr)
        }
        try complete("lincoln-hs/fire-drill-1", "2027-09-01")
        try complete("lincoln-hs/fire-drill-1", "2027-09-02", status: 1)
        try complete("ridge-ms/fire-drill-1", "2027-09-03")
        try twins.same("history", "--plan", "PLAN", "lincoln-hs/fire-drill-1", "--as-of", "2027-09-03")
        try twins.same("overdue", "--plan", "PLAN", "--as-of", "2027-10-01", "--json", status: 3)
        try twins.same("check", "--plan", "PLAN", "--as-of", "2027-12-01", status: 3)
        try twins.same("export", "--plan", "PLAN", "--out", "FOLDER/out", "--as-of", "2027-09-03")
        let files = try FileManager.default.contentsOfDirectory(atPath: twins.sqlite.appendingPathComponent("out").path)
        #expect(files.count > 3)
        for file in files {
            #expect(
                FileManager.default.contents(atPath: twins.postgres.appendingPathComponent("out/\(file)").path)
                    == FileManager.default.contents(atPath: twins.sqlite.appendingPathComponent("out/\(file)").path),
                "\(file)")
        }
        let (sqliteUser, postgresUser) = try twins.run(
            ["user", "add", "ana@lakeside.example", "--role", "district-admin", "--plan", "PLAN"])
        #expect(sqliteUser.status == 0 && postgresUser.status == 0, "\(postgresUser.stderr)")
        try twins.same("user", "list", "--plan", "PLAN")
        try twins.same(
            "user", "add", "ANA@lakeside.example", "--role", "staff", "--school", "ridge-ms", "--plan", "PLAN",
            status: 1)

        // Both chains are intact with the same entries (their heads differ with the real time of each write).
        let (sqliteVerify, verified) = try twins.run(["audit", "verify", "--plan", "PLAN"])
        #expect(sqliteVerify.status == 0 && verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("audit log intact: 4 entries, head "), "\(verified.stdout)")
        #expect(sqliteVerify.stdout.hasPrefix("audit log intact: 4 entries, head "), "\(sqliteVerify.stdout)")
        let head = try Drillbook.run(
            arguments: ["audit", "head", "--plan", twins.postgres.appendingPathComponent("drillbook.yaml").path],
            environment: ["DRILLBOOK_DB": twins.url])
        let kept = try #require(head.stdout.split(separator: " ").first.map(String.init))

        // pg_dump's archive restored into a new database verifies against the head kept.
        let dump = twins.postgres.appendingPathComponent("schedule.dump").path
        #expect(try PostgresIncidentTests.tool("pg_dump", "--format=custom", "--file", dump, twins.url) == 0)
        let restored = try PostgresIncidentTests.freshDatabase()
        #expect(try PostgresIncidentTests.tool("pg_restore", "--no-owner", "--dbname", restored, dump) == 0)
        let copy = try Drillbook.run(
            arguments: [
                "audit", "verify", "--head", kept, "--plan",
                twins.postgres.appendingPathComponent("drillbook.yaml").path,
            ], environment: ["DRILLBOOK_DB": restored])
        #expect(copy.status == 0 && copy.stdout == verified.stdout, "\(copy.stderr)")

        // An edit with the database's own tools is named.
        try PostgresIncidentTests.tool(
            "psql", twins.url, "-qc", "UPDATE item SET date = '2027-09-04' WHERE id = 'ridge-ms/fire-drill-2'")
        let tampered = try Drillbook.run(
            arguments: ["audit", "verify", "--plan", twins.postgres.appendingPathComponent("drillbook.yaml").path],
            environment: ["DRILLBOOK_DB": twins.url])
        #expect(tampered.status == 1)
        #expect(
            tampered.stderr.contains("differs from what audit entry 1 recorded: it was changed"), "\(tampered.stderr)")
        let backup = try Drillbook.run(
            arguments: [
                "backup", "--plan", twins.postgres.appendingPathComponent("drillbook.yaml").path, "--out",
                twins.postgres.appendingPathComponent("copy").path,
            ], environment: ["DRILLBOOK_DB": twins.url])
        #expect(backup.status != 0 && backup.stderr.contains("use pg_dump"), "\(backup.stderr)")
    }

    /// `db migrate`: a district's two files moved into two PostgreSQL databases, verified against
    /// the heads kept before the move, and in use there; a second copy, the wrong kind of file and a
    /// source whose chain is broken are refused with nothing copied.
    @Test func aDistrictMovesFromItsFilesToPostgreSQL() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        let schedule = folder.appendingPathComponent("drillbook.sqlite").path
        let incidentsFile = folder.appendingPathComponent("drillbook-incidents.sqlite").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        try
            (try String(contentsOfFile: plan, encoding: .utf8)
            + "server: {base_url: \"https://drills.lakeside.example\"}\n")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let evidence = [
            "--conducted-by", "Ana Ruiz", "--notification-method", "alarm", "--head-count", "1180", "--problems",
            "none", "--time-to-evacuate", "4m",
        ]
        #expect(
            try Drillbook.run(
                arguments: ["complete", "lincoln-hs/fire-drill-1", "--plan", plan, "--as-of", "2027-09-01"] + evidence
            ).status == 0)
        #expect(
            try Drillbook.run(
                "user", "add", "ana@lakeside.example", "--role", "staff", "--school", "ridge-ms", "--plan", plan
            ).status == 0)
        #expect(
            try Drillbook.run("feed", "create", "--plan", plan, "--school", "ridge-ms", "--audience", "staff").status
                == 0)
        let opened = try Drillbook.run(
            arguments: ["incident", "open", "bomb-threat", "--school", "ridge-ms", "--exercise", "--plan", plan],
            environment: ["DRILLBOOK_NOW": "2027-10-05T14:00:00Z"])
        #expect(opened.status == 0, "\(opened.stderr)")
        let list = try Drillbook.run("list", "--plan", plan, "--json").stdout
        // (Listing incidents is itself recorded in their chain: before the heads are kept.)
        let incidentList = try Drillbook.run("incident", "list", "--plan", plan).stdout
        let heads = try Drillbook.run("audit", "head", "--plan", plan).stdout.split(separator: "\n")
        let kept = try #require(heads.first?.split(separator: " ").first.map(String.init))
        let keptIncidents = try #require(heads.last?.split(separator: " ").dropFirst().first.map(String.init))

        let url = try PostgresIncidentTests.freshDatabase()
        let incidentsURL = try PostgresIncidentTests.freshDatabase()
        let wrongKind = try Drillbook.run("db", "migrate", "--from", incidentsFile, "--to", url)
        #expect(
            wrongKind.status == 1 && wrongKind.stderr.contains("is an incidents database: copy it with --incidents"))
        let moved = try Drillbook.run("db", "migrate", "--from", schedule, "--to", url)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.contains("audit log intact on both sides: 4 entries, head \(kept)"), "\(moved.stdout)")
        let movedIncidents = try Drillbook.run(
            "db", "migrate", "--incidents", "--from", incidentsFile, "--to", incidentsURL)
        #expect(movedIncidents.status == 0, "\(movedIncidents.stderr)")
        #expect(movedIncidents.stdout.contains("head \(keptIncidents)"), "\(movedIncidents.stdout)")
        let again = try Drillbook.run("db", "migrate", "--from", schedule, "--to", url)
        #expect(again.status == 1 && again.stderr.contains("holds rows already"), "\(again.stderr)")

        // Away from the files: the same heads, items and incidents, and numbering goes on.
        let environment = ["DRILLBOOK_DB": url, "DRILLBOOK_INCIDENTS_DB": incidentsURL]
        try FileManager.default.removeItem(atPath: schedule)
        try FileManager.default.removeItem(atPath: incidentsFile)
        let verified = try Drillbook.run(
            arguments: ["audit", "verify", "--plan", plan, "--head", kept, "--incidents-head", keptIncidents],
            environment: environment)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("incidents audit log intact"), "\(verified.stdout)")
        #expect(
            try Drillbook.run(arguments: ["list", "--plan", plan, "--json"], environment: environment).stdout == list)
        #expect(
            try Drillbook.run(arguments: ["incident", "list", "--plan", plan], environment: environment).stdout
                == incidentList)
        let next = try Drillbook.run(
            arguments: ["complete", "ridge-ms/fire-drill-1", "--plan", plan, "--as-of", "2027-09-20"] + evidence,
            environment: environment)
        #expect(next.status == 0 && next.stdout.hasPrefix("recorded completion 2 "), "\(next.stdout)\(next.stderr)")
        #expect(!FileManager.default.fileExists(atPath: schedule), "nothing went back to a file")

        // A source edited behind Drillbook's back is not copied.
        let other = try Drillbook.temporaryFolder()
        #expect(try Drillbook.run("init", "--example", "--dir", other.path).status == 0)
        let otherPlan = other.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("schedule", "--plan", otherPlan, "--as-of", "2027-08-01").status == 0)
        let edit = try Drillbook.shell(
            "python3 -c \"import sqlite3; c = sqlite3.connect('drillbook.sqlite'); "
                + "c.execute(\\\"UPDATE item SET date = '2027-12-24' WHERE id = 'ridge-ms/fire-drill-1'\\\"); c.commit()\"",
            in: other)
        #expect(edit.status == 0, "\(edit.stderr)")
        let target = try PostgresIncidentTests.freshDatabase()
        let refused = try Drillbook.run(
            "db", "migrate", "--from", other.appendingPathComponent("drillbook.sqlite").path, "--to", target)
        #expect(refused.status == 1 && refused.stderr.contains("does not verify"), "\(refused.stderr)")
        let count = try Drillbook.shell("psql '\(target)' -Atc 'SELECT count(*) FROM item'", in: other)
        #expect(count.stdout == "0\n", "\(count.stdout)\(count.stderr)")
    }

    /// Two servers on one database serve the same feed, byte for byte; a feed revoked by the CLI
    /// stops on both (within a second: each asks the database for the last change at most once a
    /// second; `FeedTokensTests` holds the interval itself).
    @Test func twoServersOnOneDatabaseServeTheSameFeeds() async throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        let url = try PostgresIncidentTests.freshDatabase()
        let environment = ["DRILLBOOK_DB": url]
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        try
            (try String(contentsOfFile: plan, encoding: .utf8)
            + "server: {base_url: \"https://drills.lakeside.example\"}\n")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(
            try Drillbook.run(
                arguments: ["schedule", "--plan", plan, "--as-of", "2027-08-01"], environment: environment
            ).status == 0)
        let created = try Drillbook.run(
            arguments: [
                "feed", "create", "--plan", plan, "--school", "lincoln-hs", "--audience", "staff", "--as-of",
                "2027-08-01",
            ], environment: environment)
        #expect(created.status == 0, "\(created.stderr)")
        let lines = created.stdout.split(separator: "\n")
        let path = String(lines[1].dropFirst("https://drills.lakeside.example".count))
        var servers: [Process] = []
        defer { for server in servers where server.isRunning { server.terminate() } }
        var bases: [String] = []
        for _ in 0..<2 {
            let port = Int.random(in: 20_000...40_000)
            let server = Process()
            server.executableURL = try Drillbook.binary
            server.arguments = ["serve", "--plan", plan, "--listen", "127.0.0.1:\(port)"]
            server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            server.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try server.run()
            servers.append(server)
            bases.append("http://127.0.0.1:\(port)")
        }
        let serve = ServeTests()
        for base in bases {
            var up = false
            for _ in 0..<100 where !up {
                up = (try? await serve.get(base + "/healthz"))?.0 == 200
                if !up { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(up, "the server at \(base) did not start")
        }
        let first = try await serve.get(bases[0] + path)
        let second = try await serve.get(bases[1] + path)
        #expect(first.0 == 200 && second.0 == 200)
        #expect(String(decoding: first.2, as: UTF8.self).contains("BEGIN:VEVENT"))
        #expect(first.2 == second.2)
        let revoked = try Drillbook.run(
            arguments: ["feed", "revoke", "1", "--plan", plan, "--as-of", "2027-08-02"], environment: environment)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let revokedAt = ContinuousClock.now
        for base in bases {
            var status = try await serve.get(base + path).0
            // (A second by the servers' clock; a sanitizer's build takes longer to answer at all.)
            while status == 200, ContinuousClock.now - revokedAt < .seconds(10) {
                try await Task.sleep(for: .milliseconds(100))
                status = try await serve.get(base + path).0
            }
            #expect(status == 404, "\(base) still serves a revoked feed")
        }
        for server in servers {
            server.terminate()
            server.waitUntilExit()
            #expect(server.terminationStatus == 0)
        }
    }
}
