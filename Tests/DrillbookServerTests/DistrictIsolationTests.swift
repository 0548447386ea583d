import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Planning
import Playbooks
import Store
import Testing

@testable import DrillbookServer

/// Two districts on one server (`DistrictRouter`): every route of district B, walked with every
/// credential of district A (its signed-in admin's cookies and form token, its API key, its feed,
/// setup and intake credentials, its school and incident ids), answers exactly as it does to
/// made-up credentials of the same shape: A's are worth nothing at B.
@Suite struct DistrictIsolationTests {
    static let today = CalendarDate(year: 2027, month: 10, day: 20)
    /// Both servers' clock (WebAppTests'): codes and signed reports are stamped with it.
    static let now = WebAppTests.now
    static let password = "correct horse battery staple"
    static let host = "https://state.example"

    /// The example district as `id`, its schools renamed by `schools`, at `/d/<id>` on one host.
    static func district(_ id: String, name: String, schools: [String: String]) throws -> DrillbookServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drillbook-\(id)-\(UUID())").path
        _ = try Initializer.write(
            to: folder, example: true, state: "TX", year: "2027-2028", resources: FeedRouteTests.resources,
            today: today)
        let plan = "\(folder)/drillbook.yaml"
        var text = try String(contentsOfFile: plan, encoding: .utf8)
        text = text.replacingOccurrences(of: "id: lakeside-isd", with: "id: \(id)")
            .replacingOccurrences(of: "name: Lakeside Independent School District", with: "name: \(name)")
        for (old, new) in schools { text = text.replacingOccurrences(of: old, with: new) }
        text += "server: {base_url: \"\(host)/d/\(id)\", publish_families: true}\n"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: FeedRouteTests.resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: CalendarDate(year: 2027, month: 8, day: 1), actor: "test")
        let incidents = try Incidents.openStore("\(folder)/drillbook-incidents.sqlite")
        let library = try PlaybookLibrary.load(resources: FeedRouteTests.resources, planFolder: folder)
        let school = loaded.plan.schools[0].school.id
        _ = try Incidents(loaded: loaded, library: library, store: incidents, now: 1_822_734_600, actor: "t")
            .open("bomb-threat", school: school, exercise: false, facts: [:])
        try incidents.addIntakeSource(name: "tips-\(id)", secret: "secret-of-\(id)", at: "2027-08-01T00:00:00Z")
        return DrillbookServer(
            loaded: loaded, store: store, resources: FeedRouteTests.resources, incidents: incidents, library: library,
            today: { today }, now: { now }, base: "/d/\(id)")
    }

    /// What a client of one district holds.
    struct Credentials {
        var cookies: [String: String] = [:]
        var csrf = ""
        var apiKey = ""
        var feedToken = ""
        var setupToken = ""
        var email = ""
        var source = ""
        var secret = ""

        /// The same shape, none of the value: what a stranger would send.
        func madeUp() -> Credentials {
            func random(_ text: String) -> String {
                String(text.map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
            }
            return Credentials(
                cookies: cookies.mapValues(random), csrf: random(csrf), apiKey: random(apiKey),
                feedToken: random(feedToken), setupToken: random(setupToken), email: "nobody@nowhere.example",
                source: random(source), secret: random(secret))
        }
    }

    static func keep(_ response: TestResponse, in cookies: inout [String: String]) {
        for line in response.headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(
            string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&"))
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// A district admin of `server`'s district set up through its link and signed in (second factor
    /// included), an API key, a staff feed, a pending setup link and an intake source, all of it
    /// through the prefixed paths.
    static func credentials(_ client: some TestClientProtocol, _ server: DrillbookServer) async throws -> Credentials {
        let loaded = server.loaded
        let base = server.base
        var held = Credentials()
        held.email = "admin@\(loaded.plan.district.id).example"
        let added = try Accounts.add(
            email: held.email, role: "district-admin", school: nil, loaded: loaded, store: server.store, actor: "test",
            asOf: today)
        let link = String(added.link.dropFirst(host.count))
        #expect(link.hasPrefix("\(base)/setup/"), "\(added.link)")
        var cookies: [String: String] = [:]
        func header() -> HTTPFields {
            [
                .cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
                .contentType: "application/x-www-form-urlencoded",
            ]
        }
        let setup = try await client.execute(uri: link, method: .get, headers: header())
        keep(setup, in: &cookies)
        let page = String(buffer: setup.body)
        let secret = try #require(field("secret", in: page))
        let set = try await client.execute(
            uri: link, method: .post, headers: header(),
            body: form([
                "csrf": field("csrf", in: page)!, "password": password, "confirm": password, "secret": secret,
                "code": WebAppTests.code(secret),
            ]))
        keep(set, in: &cookies)
        // The redirect names the district's own sign-in page.
        #expect(set.headers[.location] == "\(base)/sign-in?done=1")
        let signInPage = try await client.execute(uri: "\(base)/sign-in", method: .get, headers: header())
        keep(signInPage, in: &cookies)
        let signed = try await client.execute(
            uri: "\(base)/sign-in", method: .post, headers: header(),
            body: form([
                "csrf": field("csrf", in: String(buffer: signInPage.body))!, "email": held.email, "password": password,
            ]))
        keep(signed, in: &cookies)
        #expect(signed.headers[.location] == "\(base)/sign-in/code")
        // Its cookies come back only on its own paths.
        for line in signed.headers[values: .setCookie] { #expect(line.contains("Path=\(base)/"), "\(line)") }
        let codePage = try await client.execute(uri: "\(base)/sign-in/code", method: .get, headers: header())
        keep(codePage, in: &cookies)
        let verified = try await client.execute(
            uri: "\(base)/sign-in/code", method: .post, headers: header(),
            body: form([
                "csrf": field("csrf", in: String(buffer: codePage.body))!,
                "code": WebAppTests.code(secret),
            ]))
        keep(verified, in: &cookies)
        #expect(verified.headers[.location] == "\(base)/")
        held.cookies = cookies
        let dashboard = try await client.execute(uri: "\(base)/", method: .get, headers: header())
        #expect(dashboard.status == .ok)
        held.csrf = try #require(field("csrf", in: String(buffer: dashboard.body)))
        held.apiKey = try Accounts.createKey(
            role: "district-admin", school: nil, label: nil, loaded: loaded, store: server.store, actor: "test",
            asOf: today
        ).key
        let feed = try Feeds.create(
            loaded, store: server.store, school: loaded.plan.schools[0].school.id, audience: .admin, label: nil,
            actor: "test", asOf: today)
        held.feedToken = String(feed.url.split(separator: "/").last!.dropLast(4))
        let pending = try Accounts.add(
            email: "later@\(loaded.plan.district.id).example", role: "staff", school: loaded.plan.schools[0].school.id,
            loaded: loaded, store: server.store, actor: "test", asOf: today)
        held.setupToken = String(pending.link.split(separator: "/").last!)
        held.source = "tips-\(loaded.plan.district.id)"
        held.secret = "secret-of-\(loaded.plan.district.id)"
        return held
    }

    /// `path` with every `{parameter}` given each value it is tried with.
    static func instances(_ path: String, _ values: [String: [String]]) -> [String] {
        var paths = [""]
        for part in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            var options = [String(part)]
            if let open = part.firstIndex(of: "{"), let close = part.firstIndex(of: "}") {
                let name = String(part[part.index(after: open)..<close])
                options = (values[name] ?? ["x"]).map {
                    String(part[..<open]) + $0 + String(part[part.index(after: close)...])
                }
            }
            paths = paths.flatMap { prefix in options.map { "\(prefix)/\($0)" } }
        }
        return paths
    }

    /// One request to `uri` carrying all of `held`.
    static func request(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ held: Credentials
    ) async throws -> TestResponse {
        var headers: HTTPFields = [
            .cookie: held.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "),
            .authorization: "Bearer \(held.apiKey)",
        ]
        var body = ByteBuffer()
        if method == .post {
            if uri.contains("/api/") {
                let json = Data(#"{"type": "social-media-threat", "school": "x", "id": "1"}"#.utf8)
                let stamp = String(now)
                headers[HTTPField.Name("X-Drillbook-Source")!] = held.source
                headers[HTTPField.Name("X-Drillbook-Timestamp")!] = stamp
                headers[HTTPField.Name("X-Drillbook-Signature")!] = Intake.sign(
                    secret: held.secret, timestamp: stamp, body: json)
                headers[.contentType] = "application/json"
                body = ByteBuffer(bytes: json)
            } else {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = form([
                    "csrf": held.csrf, "email": held.email, "password": password, "confirm": password,
                    "code": "123456", "audience": "admin", "school": "x",
                ])
            }
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// A page's text without what differs from request to request by design: form tokens.
    static func comparable(_ response: TestResponse) -> String {
        String(buffer: response.body).replacing(#/name="csrf" value="[^"]*"/#, with: "")
    }

    @Test func aDistrictsCredentialsOpenNothingOfAnother() async throws {
        let lakeside = try Self.district("lakeside-isd", name: "Lakeside Independent School District", schools: [:])
        let bayview = try Self.district(
            "bayview-usd", name: "Bayview Unified School District",
            schools: ["lincoln-hs": "bayview-hs", "ridge-ms": "cove-ms", "harbor-es": "pier-es"])
        let app = Application(responder: try DistrictRouter(servers: [lakeside, bayview]))
        try await app.test(.router) { client in
            let held = try await Self.credentials(client, lakeside)
            // Each credential works at home: the walk below can tell a refusal from a route that fails.
            let home = try await Self.request(client, .get, "/d/lakeside-isd/", held)
            #expect(home.status == .ok && String(buffer: home.body).contains("Lincoln"))
            let api = try await Self.request(client, .get, "/d/lakeside-isd/api/v1/items", held)
            #expect(api.status == .ok)
            let feed = try await Self.request(client, .get, "/d/lakeside-isd/feeds/\(held.feedToken).ics", held)
            #expect(feed.status == .ok && String(buffer: feed.body).contains("BEGIN:VCALENDAR"))
            let setup = try await Self.request(client, .get, "/d/lakeside-isd/setup/\(held.setupToken)", held)
            #expect(setup.status == .ok)

            let values: [String: [String]] = [
                "school": ["bayview-hs", "lincoln-hs"], "item": ["fire-drill-1"], "id": ["2027-0001"],
                "step": ["all_clear"], "district": ["bayview-usd", "lakeside-isd"], "name": ["evidence.pdf"],
                "token": [held.feedToken, held.setupToken],
            ]
            let stranger = held.madeUp()
            let routes = try bayview.router().routes
            #expect(routes.count > 40, "the walk covers every route")
            var walked = 0
            for route in routes where route.method == .get || route.method == .post {
                for path in Self.instances(route.path.description, values) {
                    let uri = "/d/bayview-usd" + path
                    let strangerURI =
                        "/d/bayview-usd"
                        + path.replacingOccurrences(of: held.feedToken, with: stranger.feedToken)
                        .replacingOccurrences(of: held.setupToken, with: stranger.setupToken)
                    let theirs = try await Self.request(client, route.method, uri, held)
                    let nobody = try await Self.request(client, route.method, strangerURI, stranger)
                    #expect(
                        theirs.status == nobody.status, "\(route.method) \(uri): \(theirs.status) vs \(nobody.status)")
                    #expect(theirs.headers[.location] == nobody.headers[.location], "\(route.method) \(uri)")
                    if route.method == .get, theirs.status == .ok {
                        #expect(Self.comparable(theirs) == Self.comparable(nobody), "\(uri)")
                    }
                    // Nothing of Lakeside's is in a Bayview answer, and nothing Bayview keeps
                    // behind a sign-in is given for Lakeside's.
                    #expect(!String(buffer: theirs.body).contains("Lakeside Independent"), "\(uri)")
                    walked += 1
                }
            }
            #expect(walked > 60)
            // Lakeside's page on its own path is still its own.
            let after = try await Self.request(client, .get, "/d/lakeside-isd/", held)
            #expect(after.status == .ok)
            // The server's own page lists both, each at its prefix.
            let list = String(buffer: try await client.execute(uri: "/", method: .get).body)
            #expect(list.contains("href=\"/d/bayview-usd/\"") && list.contains("href=\"/d/lakeside-isd/\""))
            let bare = try await client.execute(uri: "/d/bayview-usd", method: .get)
            #expect(bare.status == .movedPermanently && bare.headers[.location] == "/d/bayview-usd/")
            #expect(try await client.execute(uri: "/d/nowhere/", method: .get).status == .notFound)
            // The process's metrics are at the top only (a proxy denies `/metrics` there).
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/d/bayview-usd/metrics", method: .get).status == .notFound)
        }
    }
}
