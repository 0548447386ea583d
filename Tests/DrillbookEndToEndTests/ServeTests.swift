import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `drillbook serve` as a district runs it: a real process on 127.0.0.1, a feed made by the CLI,
/// read by python's `icalendar`, 304 on its ETag, and a clean exit on SIGTERM.
@Suite struct ServeTests {
    func get(_ url: String, headers: [String: String] = [:]) async throws -> (Int, [String: String], Data) {
        var request = URLRequest(url: URL(string: url)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)".lowercased()] = "\(value)" }
        return (http.statusCode, fields, data)
    }

    @Test func servesAFeedAndStopsOnSIGTERM() async throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        try
            (try String(contentsOfFile: plan, encoding: .utf8)
            + "server: {base_url: \"https://drills.lakeside.example\", publish_families: true}\n")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let created = try Drillbook.run(
            "feed", "create", "--plan", plan, "--school", "lincoln-hs", "--audience", "staff", "--as-of", "2027-08-01")
        #expect(created.status == 0, "\(created.stderr)")
        let lines = created.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[2].hasPrefix("webcal://"))
        let path = String(lines[1].dropFirst("https://drills.lakeside.example".count))
        let port = Int.random(in: 20_000...40_000)
        let server = Process()
        server.executableURL = try Drillbook.binary
        server.arguments = ["serve", "--plan", plan, "--listen", "127.0.0.1:\(port)"]
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await get(base + "/healthz"))?.0 == 200
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up, "the server did not start")
        let (status, headers, body) = try await get(base + path)
        #expect(status == 200)
        let text = String(decoding: body, as: UTF8.self)
        #expect(!text.isEmpty)
        // python's icalendar reads every event of the served feed.
        let python =
            ProcessInfo.processInfo.environment["DRILLBOOK_PYTHON"]
            ?? Drillbook.packageRoot.appendingPathComponent(".venv/bin/python").path
        let saved = folder.appendingPathComponent("served.ics")
        try body.write(to: saved)
        let checker = try Drillbook.shell(
            "'\(python)' Tests/Checkers/read_instants.py < '\(saved.path)'", in: Drillbook.packageRoot)
        #expect(checker.status == 0, "\(checker.stderr)")
        #expect(
            checker.stdout.split(separator: "\n").count == text.components(separatedBy: "BEGIN:VEVENT").count - 1)
        let etag = try #require(headers["etag"])
        let (notModified, _, _) = try await get(base + path, headers: ["If-None-Match": etag])
        #expect(notModified == 304)
        #expect(try await get(base + "/feeds/unknown.ics").0 == 404)
        // Prometheus's text format: Hummingbird's request counts, and the feeds served.
        let (metricsStatus, _, metrics) = try await get(base + "/metrics")
        let exposition = String(decoding: metrics, as: UTF8.self)
        #expect(metricsStatus == 200)
        #expect(exposition.contains("drillbook_feed_requests_total{audience=\"staff\"} 2"), "\(exposition)")
        #expect(exposition.contains("hb_requests"), "\(exposition)")
        server.terminate()  // SIGTERM
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
    }
}
