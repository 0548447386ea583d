import Dates
import DrillbookKit
import Foundation
import Testing

/// A district calendar named by its address, served from 127.0.0.1 by python's http.server: read as
/// its file would be, kept beside the plan, read from that copy (with a notice) when the server is
/// gone or answers with something that is no calendar, and an error naming the address when there
/// is no copy to read.
@Suite(.serialized) struct RemoteCalendarTests {
    /// python's http.server over `folder` on a free port of 127.0.0.1; its port and process.
    static func serve(_ folder: String) throws -> (port: Int, process: Process) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checkerPython())
        process.arguments = [
            "-c",
            """
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            handler.log_message = lambda *args: None
            server = http.server.HTTPServer(("127.0.0.1", 0), handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """, folder,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        return (try #require(Int(String(decoding: line, as: UTF8.self))), process)
    }

    @Test func aCalendarByItsAddressIsReadAndKept() throws {
        let served = FileManager.default.temporaryDirectory.appendingPathComponent("served-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let calendar = packageRoot.appendingPathComponent("Calendars/lakeside-2027-2028.ics").path
        try FileManager.default.copyItem(atPath: calendar, toPath: "\(served)/lakeside.ics")
        let (port, server) = try Self.serve(served)
        // SIGKILL: a child started from a dispatch thread inherits its blocked SIGTERM.
        func stop() {
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
            server.waitUntilExit()
        }
        defer { stop() }
        let address = "http://127.0.0.1:\(port)/lakeside.ics"
        let plan = try planFile(
            examplePlan(replacing: "calendar: lakeside-2027-2028.ics ", with: "calendar: \(address) "))
        let local = try Planner.load(planFile: "\(try exampleFolder())/drillbook.yaml", resources: resources)

        let fetched = try Planner.load(planFile: plan, resources: resources)
        #expect(fetched.years == local.years && fetched.notices.isEmpty)
        let folder = (plan as NSString).deletingLastPathComponent
        let copies = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/.drillbook-calendars")
        #expect(copies.count == 1)
        func age() throws {
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-3_600)],
                ofItemAtPath: "\(folder)/.drillbook-calendars/\(copies[0])")
        }

        // A sign-in page served as 200 leaves the copy as it was.
        try "<!DOCTYPE html><html>Sign in</html>".write(
            toFile: "\(served)/lakeside.ics", atomically: true, encoding: .utf8)
        try age()
        let signIn = try Planner.load(planFile: plan, resources: resources)
        #expect(signIn.years == local.years)
        #expect(
            signIn.notices.first?.contains("the answer is not a calendar (it starts with \"<!DOCTYPE html>") == true)

        // An address with nothing there, and no copy: the plan's error names it.
        let missing = try planFile(
            examplePlan(
                replacing: "calendar: lakeside-2027-2028.ics ",
                with: "calendar: http://127.0.0.1:\(port)/no-such.ics "))
        #expect(
            performing: { _ = try Planner.load(planFile: missing, resources: resources) },
            throws: {
                "\($0)".contains(
                    "http://127.0.0.1:\(port)/no-such.ics: cannot be read (could not be fetched: HTTP 404)")
            })

        // The server gone: the old copy is read, with a notice; a fresh one without.
        stop()
        try age()
        let offline = try Planner.load(planFile: plan, resources: resources)
        #expect(offline.years == local.years)
        #expect(offline.notices.count == 1 && offline.notices[0].hasPrefix("\(address): could not be fetched"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date()], ofItemAtPath: "\(folder)/.drillbook-calendars/\(copies[0])")
        #expect(try Planner.load(planFile: plan, resources: resources).notices.isEmpty)
    }
}
