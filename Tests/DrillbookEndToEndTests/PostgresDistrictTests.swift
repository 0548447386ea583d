import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Many districts in one PostgreSQL database (`drillbook district add`): every command given one
/// district's plan reaches that district's tables only, an unregistered district is refused, a
/// district moves in from its SQLite file, and one `serve` answers for each under its prefix.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DRILLBOOK_TEST_POSTGRES"] != nil))
struct PostgresDistrictTests {
    /// The example district in a new folder as `id`, its schools renamed by `schools`.
    static func district(_ id: String, schools: [String: String] = [:]) throws -> String {
        let folder = try Drillbook.temporaryFolder()
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        var text = try String(contentsOfFile: plan, encoding: .utf8)
            .replacingOccurrences(of: "id: lakeside-isd", with: "id: \(id)")
        for (old, new) in schools { text = text.replacingOccurrences(of: old, with: new) }
        text += "server: {base_url: \"https://state.example/d/\(id)\"}\n"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        return plan
    }

    static let bayviewSchools = ["lincoln-hs": "bayview-hs", "ridge-ms": "cove-ms", "harbor-es": "pier-es"]

    @Test func eachDistrictsCommandsReachOnlyItsOwnTables() async throws {
        let url = try PostgresIncidentTests.freshDatabase()
        let incidentsURL = try PostgresIncidentTests.freshDatabase()
        let environment = ["DRILLBOOK_DB": url, "DRILLBOOK_INCIDENTS_DB": incidentsURL, "DRILLBOOK_NOW": "2027-10-20"]
        func run(_ arguments: String...) throws -> Drillbook.Result {
            try Drillbook.run(arguments: arguments, environment: environment)
        }
        let lakeside = try Self.district("lakeside-isd")
        let bayview = try Self.district("bayview-usd", schools: Self.bayviewSchools)
        let stranger = try Self.district("carver-cisd")

        #expect(try run("district", "list").stdout.contains("no district is registered"))
        let added = try run("district", "add", "--plan", lakeside)
        #expect(added.status == 0 && added.stdout.contains("schema district_lakeside_isd"), "\(added.stderr)")
        let second = try run("district", "add", "--plan", bayview)
        #expect(second.status == 0 && second.stdout.contains("/d/bayview-usd/"), "\(second.stderr)")
        let again = try run("district", "add", "--plan", lakeside)
        #expect(again.status == 1 && again.stderr.contains("registered already"), "\(again.stderr)")
        // A plan that moved: the registry follows it, and nothing else changes.
        let movedPlan = URL(fileURLWithPath: lakeside).deletingLastPathComponent().appendingPathComponent("moved.yaml")
            .path
        try FileManager.default.copyItem(atPath: lakeside, toPath: movedPlan)
        let follow = try run("district", "add", "--plan", movedPlan)
        #expect(follow.status == 0 && follow.stdout.contains("its plan is now \(movedPlan)"), "\(follow.stderr)")
        #expect(try run("district", "add", "--plan", lakeside).status == 0)
        let listed = try run("district", "list")
        #expect(listed.stdout.contains("bayview-usd\tdistrict_bayview_usd") && listed.stdout.contains("lakeside-isd"))
        // A district nobody registered does not land beside them.
        let refused = try run("schedule", "--plan", stranger, "--as-of", "2027-08-01")
        #expect(refused.status == 1 && refused.stderr.contains("carver-cisd is not registered"), "\(refused.stderr)")
        // A SQLite file holds one district.
        let file = try Drillbook.run(
            arguments: ["district", "add", "--plan", lakeside], environment: ["DRILLBOOK_DB": ""])
        #expect(file.status != 0 && file.stderr.contains("need PostgreSQL"), "\(file.stderr)")

        for plan in [lakeside, bayview] {
            let scheduled = try run("schedule", "--plan", plan, "--as-of", "2027-08-01")
            #expect(scheduled.status == 0, "\(scheduled.stderr)")
        }
        let evidence = [
            "--conducted-by", "Ana Ruiz", "--notification-method", "alarm", "--head-count", "900", "--problems",
            "none", "--time-to-evacuate", "4m", "--plan", bayview, "--as-of", "2027-09-01",
        ]
        #expect(
            try Drillbook.run(arguments: ["complete", "bayview-hs/fire-drill-1"] + evidence, environment: environment)
                .status == 0)
        #expect(try run("user", "add", "bo@bayview.example", "--role", "district-admin", "--plan", bayview).status == 0)
        #expect(try run("apikey", "create", "--role", "district-admin", "--plan", bayview).status == 0)
        let feed = try run("feed", "create", "--plan", bayview, "--school", "cove-ms", "--audience", "staff")
        #expect(feed.status == 0, "\(feed.stderr)")
        let bayviewFeed = try #require(feed.stdout.split(separator: "\n").first { $0.hasPrefix("https://") })
        #expect(
            try run("incident", "open", "bomb-threat", "--school", "cove-ms", "--exercise", "--plan", bayview).status
                == 0)
        #expect(try run("intake", "source", "add", "bayview-tips", "--plan", bayview).status == 0)

        // Lakeside's commands see nothing of Bayview's.
        let bayviewMarks = ["bayview", "cove-ms", "pier-es", "bo@"]
        func lakesideSees(_ arguments: String...) throws {
            let result = try Drillbook.run(arguments: arguments + ["--plan", lakeside], environment: environment)
            // 0, or 3 for findings: never an error.
            #expect(result.status == 0 || result.status == 3, "\(arguments): \(result.stderr)")
            for mark in bayviewMarks {
                #expect(!result.stdout.contains(mark) && !result.stderr.contains(mark), "\(arguments) shows \(mark)")
            }
        }
        try lakesideSees("list", "--all", "--json")
        try lakesideSees("check")
        try lakesideSees("overdue", "--json")
        try lakesideSees("user", "list")
        try lakesideSees("apikey", "list")
        try lakesideSees("feed", "list")
        try lakesideSees("incident", "list")
        try lakesideSees("intake", "source", "list")
        try lakesideSees("history", "lincoln-hs/fire-drill-1")
        let out = URL(fileURLWithPath: lakeside).deletingLastPathComponent().appendingPathComponent("out").path
        try lakesideSees("export", "--out", out)
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(
            files.contains("lincoln-hs-staff.ics") && !files.contains { $0.contains("bayview") || $0.contains("cove") })
        let recorded = try run(
            "record", "fire", "--school", "cove-ms", "--on", "2027-09-03T10:00", "--plan", lakeside)
        #expect(recorded.status != 0 && recorded.stderr.contains("cove-ms"), "\(recorded.stderr)")
        let reach = try run("complete", "bayview-hs/fire-drill-1", "--plan", lakeside, "--as-of", "2027-09-02")
        #expect(reach.status != 0 && !reach.stdout.contains("recorded"), "\(reach.stdout)")
        let history = try run("history", "bayview-hs/fire-drill-1", "--plan", lakeside)
        #expect(history.status != 0)
        let lakesideList = try run("list", "--all", "--json", "--plan", lakeside).stdout
        #expect(lakesideList.contains("lincoln-hs/fire-drill-1"))
        // Each chain is its own: Lakeside's has its schedule alone, Bayview's its writes too.
        let lakesideChain = try run("audit", "verify", "--plan", lakeside)
        #expect(
            lakesideChain.status == 0 && lakesideChain.stdout.hasPrefix("audit log intact: 1 entries"),
            "\(lakesideChain.stdout)")
        let bayviewChain = try run("audit", "verify", "--plan", bayview)
        #expect(
            bayviewChain.status == 0 && !bayviewChain.stdout.hasPrefix("audit log intact: 1 entries"),
            "\(bayviewChain.stdout)")
        // Nothing went to the public schema.
        let publicItems = try Drillbook.shell(
            "psql '\(url)' -tAc \"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'item'\"",
            in: Drillbook.packageRoot)
        #expect(publicItems.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")

        // A district moves in from its file, verified against the head it had there.
        let carverFile = URL(fileURLWithPath: stranger).deletingLastPathComponent().appendingPathComponent(
            "drillbook.sqlite"
        ).path
        #expect(
            try Drillbook.run(
                arguments: ["schedule", "--plan", stranger, "--as-of", "2027-08-01"], environment: ["DRILLBOOK_DB": ""]
            ).status == 0)
        let head = try Drillbook.run(
            arguments: ["audit", "head", "--plan", stranger],
            environment: ["DRILLBOOK_DB": "", "DRILLBOOK_INCIDENTS_DB": ""]
        ).stdout
        let kept = try #require(head.split(separator: " ").first.map(String.init))
        let unregistered = try run("db", "migrate", "--from", carverFile, "--to", url, "--district", "carver-cisd")
        #expect(unregistered.status == 1 && unregistered.stderr.contains("not registered"), "\(unregistered.stderr)")
        #expect(try run("district", "add", "--plan", stranger).status == 0)
        let moved = try run("db", "migrate", "--from", carverFile, "--to", url, "--district", "carver-cisd")
        #expect(moved.status == 0 && moved.stdout.contains("head \(kept)"), "\(moved.stderr)")
        try FileManager.default.removeItem(atPath: carverFile)
        let verified = try run("audit", "verify", "--plan", stranger, "--head", kept)
        #expect(verified.status == 0, "\(verified.stderr)")

        // One server for all three, each under its prefix.
        let port = Int.random(in: 20_000...40_000)
        let server = Process()
        server.executableURL = try Drillbook.binary
        server.arguments = ["serve", "--listen", "127.0.0.1:\(port)"]
        server.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        let web = ServeTests()
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await web.get(base + "/healthz"))?.0 == 200
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up, "the server did not start")
        let feedPath = String(bayviewFeed.dropFirst("https://state.example".count))
        #expect(feedPath.hasPrefix("/d/bayview-usd/feeds/"))
        let (served, _, body) = try await web.get(base + feedPath)
        #expect(served == 200 && String(decoding: body, as: UTF8.self).contains("BEGIN:VCALENDAR"))
        let elsewhere = feedPath.replacingOccurrences(of: "/d/bayview-usd/", with: "/d/lakeside-isd/")
        #expect(try await web.get(base + elsewhere).0 == 404)
        let (listStatus, _, list) = try await web.get(base + "/")
        let page = String(decoding: list, as: UTF8.self)
        #expect(listStatus == 200 && page.contains("/d/bayview-usd/") && page.contains("/d/carver-cisd/"))
        let (signIn, _, form) = try await web.get(base + "/d/carver-cisd/sign-in")
        #expect(signIn == 200 && String(decoding: form, as: UTF8.self).contains("action=\"/d/carver-cisd/sign-in\""))
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
    }
}
