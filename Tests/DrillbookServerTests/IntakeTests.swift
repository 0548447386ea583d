import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ICalendar
import Playbooks
import Store
import Testing

@testable import DrillbookServer

/// `POST /api/v1/intake`: signed per source, replay-proof, one incident per source and external id,
/// each field named when wrong, every field kept, deadlines from the report's time.
@Suite struct IntakeTests {
    /// The server's clock in these tests (2027-10-05 11:10Z), and what reports are stamped with:
    /// stamped with the machine's clock, a report was refused as stale when CI's clock was stepped
    /// between the stamp and the server's check.
    static let now = 1_822_734_600

    /// The example district with an incidents database and two intake sources, one revoked; `now`
    /// fixes the server's clock.
    static func server(now: (@Sendable () -> Int)? = nil) throws -> (DrillbookServer, any IncidentStore, String) {
        let (loaded, store, folder) = try FeedRouteTests.district(publishFamilies: false)
        let incidents = try Incidents.openStore("\(folder)/drillbook-incidents.sqlite")
        let library = try PlaybookLibrary.load(resources: FeedRouteTests.resources, planFolder: folder)
        try incidents.addIntakeSource(
            name: "safe-lakeside", secret: "s3cret-of-the-tip-line", at: "2027-08-01T00:00:00Z")
        try incidents.addIntakeSource(name: "old-vendor", secret: "gone", at: "2027-08-01T00:00:00Z")
        try incidents.revokeIntakeSource("old-vendor", at: "2027-08-02T00:00:00Z")
        let server = DrillbookServer(
            loaded: loaded, store: store, resources: FeedRouteTests.resources, incidents: incidents, library: library,
            today: { FeedRouteTests.today }, now: now)
        return (server, incidents, folder)
    }

    static func post(
        _ client: some TestClientProtocol, _ json: String, source: String = "safe-lakeside",
        secret: String = "s3cret-of-the-tip-line", skew: Int = 0, signature: String? = nil
    ) async throws -> TestResponse {
        let body = Data(json.utf8)
        let stamp = String(Self.now + skew)
        return try await client.execute(
            uri: "/api/v1/intake", method: .post,
            headers: [
                HTTPField.Name("X-Drillbook-Source")!: source, HTTPField.Name("X-Drillbook-Timestamp")!: stamp,
                HTTPField.Name("X-Drillbook-Signature")!: signature
                    ?? Intake.sign(secret: secret, timestamp: stamp, body: body),
                .contentType: "application/json",
            ],
            body: ByteBuffer(bytes: body))
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    @Test func aSignedReportOpensOneIncidentWithEverythingItCarried() async throws {
        let (server, store, _) = try Self.server(now: { Self.now })
        let reportedAt = Self.now - 3600
        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(reportedAt)))
        let report = """
            {"type": "social-media-threat", "school": "lincoln-hs", "channel": "instagram", "source": "Safe Lakeside app",
             "text": "post says 'tomorrow at lunch' MARKER-TEXT", "time": "\(time)", "external_id": "SL-2027-0042",
             "reporter": "MARKER-REPORTER 555-0199", "attachments": ["https://safe.lakeside.example/a/1.png"]}
            """
        try await Application(router: try server.router()).test(.router) { client in
            let created = try await Self.post(client, report)
            #expect(created.status == .created)
            let id = try #require(Self.json(created)["incident"] as? String)
            // A retry, signed anew: the same incident, not a second one.
            let again = try await Self.post(client, report)
            #expect(again.status == .ok)
            #expect(Self.json(again)["incident"] as? String == id)
            #expect(try store.incidentIDs() == [id])

            let incident = try store.incident(id)
            let first = try #require(incident.events.first)
            #expect(first.kind == .received && first.actor == "intake:safe-lakeside")
            #expect(first.data["external_id"] == "SL-2027-0042" && first.data["channel"] == "instagram")
            #expect(first.data["reporter"] == "MARKER-REPORTER 555-0199")
            #expect(first.data["reported_by"] == "Safe Lakeside app")
            #expect(first.data["attachments"] == "https://safe.lakeside.example/a/1.png")
            // Deadlines run from when it was reported, not when it arrived.
            #expect(incident.events.first { $0.kind == .started }?.at == reportedAt)
            // The report names the intake but keeps what was said, and by whom, in the file.
            let incidents = Incidents(
                loaded: server.loaded, library: server.library!, store: store, now: reportedAt + 7200, actor: "t")
            let text = try incidents.report(id, html: false)
            #expect(text.contains("Received from safe-lakeside via instagram (external id SL-2027-0042"))
            #expect(!text.contains("MARKER-TEXT") && !text.contains("MARKER-REPORTER"))
        }
    }

    @Test func badReportsAreRefusedAndStoreNothing() async throws {
        let (server, store, _) = try Self.server(now: { Self.now })
        let good = #"{"type": "tip", "school": "lincoln-hs", "external_id": "x1", "text": "hi"}"#
        try await Application(router: try server.router()).test(.router) { client in
            let cases: [(TestResponse, HTTPResponse.Status, String)] = [
                (try await Self.post(client, good, secret: "wrong"), .unauthorized, "signature"),
                (try await Self.post(client, good, skew: -400), .unauthorized, "5 minutes"),
                (try await Self.post(client, good, skew: 400), .unauthorized, "5 minutes"),
                (try await Self.post(client, good, signature: "sha256=zz"), .unauthorized, "sha256=<hex>"),
                (try await Self.post(client, good, source: "nobody", secret: "x"), .unauthorized, "unknown source"),
                (
                    try await Self.post(client, good, source: "old-vendor", secret: "gone"), .unauthorized,
                    "unknown source"
                ),
                (try await Self.post(client, "not json"), .badRequest, "is not a JSON object"),
                (
                    try await Self.post(client, #"{"type": 3, "text": "hi", "time": "soon"}"#), .badRequest,
                    "external_id"
                ),
                (
                    try await Self.post(client, #"{"type": "tip", "school": "nowhere", "external_id": "x2"}"#),
                    .unprocessableContent, "is not in the plan"
                ),
                (
                    try await Self.post(client, #"{"type": "prank", "school": "lincoln-hs", "external_id": "x3"}"#),
                    .unprocessableContent, "is unknown (expected one of"
                ),
                (
                    try await Self.post(
                        client, #"{"type": "tip", "school": "lincoln-hs", "external_id": "x4", "time": "yesterday"}"#),
                    .badRequest, "time"
                ),
                (
                    try await Self.post(
                        client,
                        #"{"type": "tip", "school": "lincoln-hs", "external_id": "x5", "time": "0001-01-02T00:00:00Z"}"#
                    ),
                    .badRequest, "more than 30 days before receipt"
                ),
            ]
            for (response, status, words) in cases {
                #expect(response.status == status, "\(words)")
                #expect(String(buffer: response.body).contains(words), "\(String(buffer: response.body))")
            }
            // Each bad field is named, not just the first.
            let fields = Self.json(cases[7].0)["errors"] as? [String: String] ?? [:]
            #expect(Set(fields.keys) == ["type", "school", "external_id"])
            #expect(try store.incidentIDs().isEmpty)
        }
    }

    /// A time in the district's zone without an offset; one after receipt counts as receipt.
    @Test func reportTimesAreReadInTheDistrictsZone() {
        let chicago = TimeZone(identifier: "America/Chicago")!
        // 06:10 CDT is 11:10Z.
        #expect(Intake.instant("2027-10-05 06:10", zone: chicago) == 1_822_734_600)
        #expect(Intake.instant("2027-10-05T06:10:00", zone: chicago) == 1_822_734_600)
        #expect(Intake.instant("2027-10-05T11:10:00Z", zone: chicago) == 1_822_734_600)
        #expect(Intake.instant("2027-10-05T06:10:00-05:00", zone: chicago) == 1_822_734_600)
        #expect(Intake.instant("2027-10-05", zone: chicago) == nil)
        #expect(Intake.instant("next tuesday", zone: chicago) == nil)
    }
}

/// The server's check of live incidents: a step that fell late is sent within one check, once.
@Suite struct IncidentWatchTests {
    @Test func aLateStepIsSentOnTheNextCheckAndOnlyOnce() throws {
        let (plain, store, folder) = try IntakeTests.server()
        var loaded = plain.loaded
        loaded.plan.channels.mailFrom = "drillbook@lakeside.example"
        loaded.plan.channels.sendmail = "cat >> '\(folder)/mail.txt'"
        let server = DrillbookServer(
            loaded: loaded, store: plain.store, resources: plain.resources, incidents: store, library: plain.library,
            today: { FeedRouteTests.today })
        let watch = IncidentWatch(server: server, interval: .seconds(30))
        let now = Int(Date().timeIntervalSince1970)
        let opening = Incidents(loaded: loaded, library: plain.library!, store: store, now: now - 600, actor: "t")
        let id = try opening.open("bomb-threat", school: "ridge-ms", exercise: false, facts: [:])
        // Ten minutes in, the five-minute checklist is late: the next check sends it.
        let sent = watch.tick(now: now)
        #expect(sent.contains { $0.hasPrefix("incident:\(id)/checklist/receiver by mail to ohaddad@lakeside.example") })
        #expect(watch.tick(now: now + 30).isEmpty, "each alert once")
        let mail = try String(contentsOfFile: "\(folder)/mail.txt", encoding: .utf8)
        #expect(mail.contains("Subject: Incident \(id): a step is late"))
    }
}

/// Sign-offs from the role holder: a mailed single-use link, agree or disagree with a reason, shown
/// in the report as the holder's own; used, expired and unknown links are the same 404.
@Suite struct SignoffLinkTests {
    @Test func thePoliceLiaisonSignsOffFromALink() async throws {
        let (plain, store, folder) = try IntakeTests.server()
        var loaded = plain.loaded
        loaded.plan.channels.mailFrom = "drillbook@lakeside.example"
        loaded.plan.channels.sendmail = "cat >> '\(folder)/mail.txt'"
        let server = DrillbookServer(
            loaded: loaded, store: plain.store, resources: plain.resources, incidents: store, library: plain.library,
            today: { FeedRouteTests.today })
        let now = Int(Date().timeIntervalSince1970)
        let incidents = Incidents(loaded: loaded, library: plain.library!, store: store, now: now, actor: "principal")
        let id = try incidents.open("srp-lockdown", school: "lincoln-hs", exercise: false, facts: [:])
        for step in ["announce", "act", "account"] {
            _ = try incidents.act(id, .done(step: step, note: nil, signoffs: [], facts: [:]))
        }
        // Without the police's word the all clear is refused.
        #expect(throws: DrillbookError.self) {
            try incidents.act(id, .done(step: "all_clear", note: nil, signoffs: [], facts: [:]))
        }
        #expect(throws: DrillbookError.self) {
            try incidents.requestSignoff(id, step: "all_clear", role: "incident_lead", resources: plain.resources)
        }
        let first = try incidents.requestSignoff(id, step: "all_clear", role: "le_liaison", resources: plain.resources)
        #expect(first.mailed.hasPrefix("mailed to "))
        let mail = try String(contentsOfFile: "\(folder)/mail.txt", encoding: .utf8)
        #expect(mail.contains(first.link))
        let path = String(first.link.dropFirst("https://drills.lakeside.example".count))
        let second = try incidents.requestSignoff(id, step: "all_clear", role: "le_liaison", resources: plain.resources)
        let secondPath = String(second.link.dropFirst("https://drills.lakeside.example".count))
        try await Application(router: try server.router()).test(.router) { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("All clear from police"))
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let noReason = try await client.execute(
                uri: path, method: .post, headers: form, body: ByteBuffer(string: "answer=disagree&why="))
            #expect(noReason.status == .badRequest)
            let disagree = try await client.execute(
                uri: path, method: .post, headers: form,
                body: ByteBuffer(string: "answer=disagree&why=Suspect+not+yet+located"))
            #expect(disagree.status == .ok)
            #expect(try await client.execute(uri: path, method: .get).status == .notFound, "used once")
            // Disagreeing signs nothing off; the second link agrees.
            #expect(throws: DrillbookError.self) {
                try incidents.act(id, .done(step: "all_clear", note: nil, signoffs: [], facts: [:]))
            }
            let agree = try await client.execute(
                uri: secondPath, method: .post, headers: form, body: ByteBuffer(string: "answer=agree&why="))
            #expect(agree.status == .ok)
            #expect(try await client.execute(uri: "/signoff/unknown", method: .get).status == .notFound)
        }
        _ = try incidents.act(id, .done(step: "all_clear", note: nil, signoffs: [], facts: [:]))
        let report = try incidents.report(id, html: false)
        #expect(report.contains("DISAGREED with all_clear"))
        #expect(report.contains("Why: Suspect not yet located"))
        #expect(report.contains("Signed off all_clear (All clear from police"))
        #expect(report.contains("by le_liaison ("))
        #expect(report.contains("in person, from a sign-off link"))
        // An expired link: the same 404.
        let expired = Incidents(loaded: loaded, library: plain.library!, store: store, now: now + 25 * 3600, actor: "t")
        let later = try incidents.open("srp-lockdown", school: "lincoln-hs", exercise: false, facts: [:])
        for step in ["announce", "act", "account"] {
            _ = try incidents.act(later, .done(step: step, note: nil, signoffs: [], facts: [:]))
        }
        let old = try incidents.requestSignoff(later, step: "all_clear", role: "le_liaison", resources: plain.resources)
        let token = String(old.link.split(separator: "/").last!)
        #expect(try expired.signoffRequest(token: token) == nil)
    }
}

/// Escalation when no one acknowledges: the owner is told when the step falls late, the next role
/// only after the step's escalation time, and not at all once someone acknowledges from the link.
@Suite struct EscalationTests {
    static let playbook = """
        schema: drillbook-playbook/1
        id: call-police
        version: 1.0.0
        title: Call the police
        sources: {t: {title: A test}}
        roles:
          incident_lead: {title: Principal, contact: principal}
          district_safety: {title: District safety lead, contact: district.safety_lead}
        start: call
        steps:
          call:
            kind: task
            title: Call the police
            owner: incident_lead
            due: T+5m
            escalate: [{after: due+10m, notify: [district_safety]}]
            source: t
            next: done
          done: {kind: end}

        """

    @Test func theNextRoleIsToldOnlyWhenNoOneAcknowledges() async throws {
        let (plain, store, folder) = try IntakeTests.server()
        try FileManager.default.createDirectory(atPath: "\(folder)/playbooks", withIntermediateDirectories: true)
        try Self.playbook.write(toFile: "\(folder)/playbooks/call-police.yaml", atomically: true, encoding: .utf8)
        var loaded = plain.loaded
        loaded.plan.channels.mailFrom = "drillbook@lakeside.example"
        loaded.plan.channels.sendmail = "cat >> '\(folder)/mail.txt'"
        let library = try PlaybookLibrary.load(resources: plain.resources, planFolder: folder)
        let server = DrillbookServer(
            loaded: loaded, store: plain.store, resources: plain.resources, incidents: store, library: library,
            today: { FeedRouteTests.today })
        let watch = IncidentWatch(server: server, interval: .seconds(30))
        let t0 = Int(Date().timeIntervalSince1970) - 3600
        let opening = Incidents(loaded: loaded, library: library, store: store, now: t0, actor: "t")
        let ignored = try opening.open("call-police", school: "ridge-ms", exercise: false, facts: [:])
        let taken = try opening.open("call-police", school: "harbor-es", exercise: false, facts: [:])

        let late = watch.tick(now: t0 + 6 * 60)
        #expect(late.contains { $0.hasPrefix("incident:\(ignored)/call/incident_lead by mail to ohaddad@") })
        #expect(late.contains { $0.hasPrefix("incident:\(taken)/call/incident_lead by mail to mchen@") })
        #expect(!late.contains { $0.contains("district_safety") }, "not yet: ten minutes to acknowledge")
        #expect(watch.tick(now: t0 + 12 * 60).isEmpty)

        // Harbor's principal acknowledges from the link in the mail.
        let mail = try String(contentsOfFile: "\(folder)/mail.txt", encoding: .utf8)
        let links = mail.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("https://drills.lakeside.example/ack/") }
        #expect(links.count == 2)
        let harbor = try #require(
            mail.components(separatedBy: "To: mchen@lakeside.example").last?.split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.contains("/ack/") })
        let path = String(harbor.dropFirst("https://drills.lakeside.example".count))
        try await Application(router: try server.router()).test(.router) { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok && String(buffer: page.body).contains("Call the police"))
            #expect(try await client.execute(uri: path, method: .post).status == .ok)
            #expect(try await client.execute(uri: path, method: .post).status == .notFound, "once")
        }

        let escalated = watch.tick(now: t0 + 16 * 60)
        #expect(escalated.contains { $0.hasPrefix("incident:\(ignored)/call/district_safety by mail to safety@") })
        #expect(!escalated.contains { $0.contains("incident:\(taken)/") }, "acknowledged: no escalation")
        #expect(watch.tick(now: t0 + 30 * 60).isEmpty, "each once")
        let report = try opening.report(taken, html: false)
        #expect(report.contains("Told incident_lead that call (Call the police) is late"))
        #expect(report.contains("Acknowledged the late call"))
    }
}

/// The team's private follow-up feed: live incidents' next deadlines and reviews by case id, no facts,
/// valid iCalendar; exercises and closed incidents out of it.
@Suite struct TeamFeedTests {
    @Test func theTeamFeedNamesCasesNotFacts() async throws {
        let (server, store, _) = try IntakeTests.server()
        let now = Int(Date().timeIntervalSince1970)
        let incidents = Incidents(loaded: server.loaded, library: server.library!, store: store, now: now, actor: "t")
        let live = try incidents.open(
            "anonymous-threat", school: "lincoln-hs", exercise: false, facts: ["threat_text": "MARKER-TEXT"])
        let exercise = try incidents.open("bomb-threat", school: "ridge-ms", exercise: true, facts: [:])
        let created = try Feeds.createTeam(
            server.loaded, store: server.store, label: nil, actor: "test", asOf: FeedRouteTests.today)
        try await Application(router: try server.router()).test(.router) { client in
            let response = try await client.execute(uri: "/feeds/\(FeedRouteTests.token(created)).ics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "private, no-store")
            let text = String(buffer: response.body)
            #expect(text.contains("SUMMARY:Case \(live): deadline"))
            #expect(!text.contains(exercise), "exercises stay out")
            #expect(!text.contains("MARKER"), "never a fact")
            let read = try CalendarReader.read(text, file: "team.ics")
            #expect(read.document.events.allSatisfy { $0.summary.hasPrefix("Case ") })
        }
    }
}
