import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import Planning
import Playbooks
import Store
import Testing

@testable import DrillbookServer

/// The web app in process: setup links, sign-in with its limits and second factor, CSRF, every
/// route with every role, and the record form (errors beside the field, nothing stored on error,
/// the signed-in user as the actor).
@Suite struct WebAppTests {
    static let today = CalendarDate(year: 2027, month: 10, day: 20)
    /// The server's clock, 2027-10-20 11:10Z: second-factor codes are made and checked at it, so
    /// a pause of the machine between the two cannot fail a sign-in.
    static let now = 1_824_030_600
    /// A second-factor code at the server's clock.
    static func code(_ secret: String) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: Date(timeIntervalSince1970: TimeInterval(now))))
    }
    static let password = "correct horse battery staple"

    /// A browser's cookie jar, by name.
    struct Browser {
        var cookies: [String: String] = [:]

        var header: HTTPFields {
            cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        }

        mutating func keep(_ response: TestResponse) {
            for line in response.headers[values: .setCookie] {
                let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let value = pair.count > 1 ? String(pair[1]) : ""
                if line.contains("Max-Age=0") || value.isEmpty {
                    cookies[String(pair[0])] = nil
                } else {
                    cookies[String(pair[0])] = value
                }
            }
        }
    }

    /// The lakeside district scheduled, with a server address, and a user per role (set up through
    /// their links): district admin and team with a second factor.
    struct District: Sendable {
        var loaded: LoadedPlan
        var store: SQLiteScheduleStore
        var links: [String: String] = [:]
        var secrets: [String: String] = [:]

        static let users: [(String, String, String?)] = [
            ("da@lakeside.example", "district-admin", nil), ("sa@lakeside.example", "school-admin", "lincoln-hs"),
            ("st@lakeside.example", "staff", "lincoln-hs"), ("tm@lakeside.example", "team", "lincoln-hs"),
            ("pa@lakeside.example", "partner", nil),
        ]

        func app() throws -> some ApplicationProtocol {
            let folder = (store.path as NSString).deletingLastPathComponent
            return Application(
                router: try DrillbookServer(
                    loaded: loaded, store: store, resources: FeedRouteTests.resources,
                    incidents: try Incidents.openStore("\(folder)/drillbook-incidents.sqlite"),
                    library: try PlaybookLibrary.load(resources: FeedRouteTests.resources, planFolder: folder),
                    today: { WebAppTests.today }, now: { WebAppTests.now }
                ).router())
        }
    }

    static func district() throws -> District {
        let (loaded, store, _) = try FeedRouteTests.district(publishFamilies: true)
        var district = District(loaded: loaded, store: store)
        for (email, role, school) in District.users {
            let added = try Accounts.add(
                email: email, role: role, school: school, loaded: loaded, store: store, actor: "test", asOf: today)
            district.links[email] = String(added.link.dropFirst("https://drills.lakeside.example".count))
        }
        return district
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(
            string: fields.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
            }.joined(separator: "&"))
    }

    static func post(
        _ client: some TestClientProtocol, _ uri: String, _ fields: [String: String], browser: inout Browser
    ) async throws -> TestResponse {
        var headers = browser.header
        headers[.contentType] = "application/x-www-form-urlencoded"
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: form(fields))
        browser.keep(response)
        return response
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, browser: inout Browser) async throws
        -> TestResponse
    {
        let response = try await client.execute(uri: uri, method: .get, headers: browser.header)
        browser.keep(response)
        return response
    }

    /// Sets the password through the setup link (enrolling TOTP where the role needs it) and signs in.
    static func setUpAndSignIn(_ client: some TestClientProtocol, _ district: inout District, _ email: String)
        async throws -> Browser
    {
        var browser = Browser()
        let link = district.links[email]!
        let page = String(buffer: try await get(client, link, browser: &browser).body)
        var fields = ["csrf": field("csrf", in: page)!, "password": password, "confirm": password]
        if let secret = field("secret", in: page) {
            district.secrets[email] = secret
            fields["secret"] = secret
            fields["code"] = WebAppTests.code(secret)
        }
        let set = try await post(client, link, fields, browser: &browser)
        #expect(set.status == .seeOther && set.headers[.location] == "/sign-in?done=1", "\(email) setup")
        return try await signIn(client, district, email)
    }

    static func signIn(_ client: some TestClientProtocol, _ district: District, _ email: String) async throws -> Browser
    {
        var browser = Browser()
        let page = String(buffer: try await get(client, "/sign-in", browser: &browser).body)
        let csrf = field("csrf", in: page)!
        let signed = try await post(
            client, "/sign-in", ["csrf": csrf, "email": email, "password": password], browser: &browser)
        if signed.headers[.location] == "/sign-in/code" {
            let codePage = String(buffer: try await get(client, "/sign-in/code", browser: &browser).body)
            let code = WebAppTests.code(district.secrets[email]!)
            let verified = try await post(
                client, "/sign-in/code", ["csrf": field("csrf", in: codePage)!, "code": code], browser: &browser)
            #expect(verified.headers[.location] == "/")
        } else {
            #expect(signed.headers[.location] == "/", "\(email) signs in")
        }
        return browser
    }

    /// Every page with every role: what each may see, 403 where it may not, 404 for what does not exist.
    @Test func everyRouteChecksTheRole() async throws {
        let district = try Self.district()
        let unannounced = try #require(
            try Planner.published(district.loaded, store: district.store).first {
                $0.item.schoolID == "lincoln-hs" && $0.item.kind.isDrill && !$0.item.announced
                    && $0.item.date > Self.today
            })
        let secret = "/schools/lincoln-hs/items/" + unannounced.item.id.dropFirst("lincoln-hs/".count)
        // Two incidents: the team member of Lincoln sees Lincoln's, not Harbor's.
        let folder = (district.store.path as NSString).deletingLastPathComponent
        let incidents = Incidents(
            loaded: district.loaded,
            library: try PlaybookLibrary.load(resources: FeedRouteTests.resources, planFolder: folder),
            store: try Incidents.openStore("\(folder)/drillbook-incidents.sqlite"), now: 1_822_734_600, actor: "t")
        #expect(try incidents.open("bomb-threat", school: "lincoln-hs", exercise: false, facts: [:]) == "2027-0001")
        #expect(try incidents.open("bomb-threat", school: "harbor-es", exercise: false, facts: [:]) == "2027-0002")
        // da, sa, st, tm, pa: the status each gets.
        let expected: [(String, [Int])] = [
            ("/", [200, 303, 303, 303, 200]),
            ("/schools/lincoln-hs", [200, 200, 200, 200, 200]),
            ("/schools/harbor-es", [200, 403, 403, 403, 200]),
            ("/schools/nowhere", [404, 404, 404, 404, 404]),
            ("/schools/lincoln-hs/items/fire-drill-1", [200, 200, 200, 200, 200]),
            ("/schools/lincoln-hs/items/no-such-item", [404, 404, 404, 404, 404]),
            (secret, [200, 200, 404, 404, 404]),
            ("/schools/lincoln-hs/items/fire-drill-1/record", [200, 200, 200, 403, 403]),
            ("/schools/harbor-es/items/fire-drill-1/record", [200, 403, 403, 403, 403]),
            ("/schools/lincoln-hs/record", [200, 200, 200, 403, 403]),
            ("/report", [200, 403, 403, 403, 200]),
            ("/schools/lincoln-hs/report", [200, 200, 403, 403, 200]),
            ("/feeds", [200, 200, 403, 403, 403]),
            ("/audit", [200, 403, 403, 403, 403]),
            ("/import", [200, 403, 403, 403, 403]),
            ("/incidents", [200, 403, 403, 200, 403]),
            ("/incidents/2027-0001", [200, 403, 403, 200, 403]),
            ("/incidents/2027-0002", [200, 403, 403, 404, 403]),
        ]
        try await district.app().test(.router) { client in
            var district = district
            var browsers: [Browser] = []
            for (email, _, _) in District.users {
                browsers.append(try await Self.setUpAndSignIn(client, &district, email))
            }
            for (path, statuses) in expected {
                var anonymous = Browser()
                let response = try await Self.get(client, path, browser: &anonymous)
                #expect(response.status == .seeOther && response.headers[.location] == "/sign-in", "anonymous \(path)")
                for (index, status) in statuses.enumerated() {
                    let response = try await Self.get(client, path, browser: &browsers[index])
                    #expect(Int(response.status.code) == status, "\(District.users[index].0) GET \(path)")
                }
            }
            // Each look at an incident page is in the incidents audit chain under the viewer's name.
            let views = try incidents.store.auditEntries().filter { $0.action == "view" }
            #expect(views.contains { $0.actor == "tm@lakeside.example" && $0.subject == "2027-0001" })
            #expect(!views.contains { $0.actor == "tm@lakeside.example" && $0.subject == "2027-0002" })
            #expect(views.contains { $0.actor == "da@lakeside.example" && $0.subject == "2027-0002" })
            // A staff member's school page shows the unannounced drill as a week, not its day and time.
            let page = String(buffer: try await Self.get(client, "/schools/lincoln-hs", browser: &browsers[2]).body)
            #expect(!page.contains(unannounced.item.id.dropFirst("lincoln-hs/".count)))
            #expect(page.contains("Safety drill this week"))
            // Posting where the role may not changes nothing.
            let form = String(
                buffer: try await Self.get(client, "/schools/lincoln-hs/record", browser: &browsers[1]).body)
            let refused = try await Self.post(
                client, "/schools/harbor-es/items/fire-drill-1/record",
                ["csrf": Self.field("csrf", in: form)!, "started_at": "2027-09-01T10:00"], browser: &browsers[1])
            #expect(refused.status == .forbidden)
            #expect(try district.store.completions(year: "2027-2028").isEmpty)
        }
    }

    /// One field wrong: 400, the error beside it, nothing stored; then right: stored, by the
    /// signed-in user, and the chain verifies.
    @Test func theRecordFormValidatesLikeTheCLI() async throws {
        let district = try Self.district()
        try await district.app().test(.router) { client in
            var district = district
            var staff = try await Self.setUpAndSignIn(client, &district, "st@lakeside.example")
            let uri = "/schools/lincoln-hs/items/fire-drill-3/record"
            let page = String(buffer: try await Self.get(client, uri, browser: &staff).body)
            #expect(page.contains("required by"))
            #expect(page.contains("name=\"head_count\""))
            var fields = [
                "csrf": Self.field("csrf", in: page)!, "started_at": "2027-10-15T11:40", "ended_at": "2027-10-15T11:52",
                "conducted_by": "Ana Ruiz", "notification_method": "alarm", "head_count": "many", "problems": "none",
                "time_to_evacuate": "4m30s",
            ]
            let wrong = try await Self.post(client, uri, fields, browser: &staff)
            #expect(wrong.status == .badRequest)
            let body = String(buffer: wrong.body)
            #expect(body.contains("id=\"head_count-error\""))
            #expect(body.contains("is not a whole number"))
            #expect(body.contains("value=\"Ana Ruiz\""), "what was typed stays")
            #expect(try district.store.completions(year: "2027-2028").isEmpty)
            // What was typed comes back escaped by scalar: a quote followed by a combining mark is one
            // `Character` (swift-mustache's own escaping let it through), and it ends the attribute.
            fields["conducted_by"] = "Ana\"\u{301} autofocus data-x=\"<\u{338}b>"
            let typed = String(buffer: try await Self.post(client, uri, fields, browser: &staff).body)
            #expect(typed.contains("value=\"Ana&quot;\u{301} autofocus data-x=&quot;&lt;\u{338}b&gt;\""), "\(typed)")
            #expect(!typed.contains("autofocus data-x=\""))
            fields["conducted_by"] = "Ana Ruiz"

            // Without the CSRF token: refused, nothing stored.
            fields["head_count"] = "640"
            var forged = fields
            forged["csrf"] = "forged"
            #expect(try await Self.post(client, uri, forged, browser: &staff).status == .forbidden)
            #expect(try district.store.completions(year: "2027-2028").isEmpty)

            let right = try await Self.post(client, uri, fields, browser: &staff)
            #expect(right.status == .seeOther)
            let saved = try district.store.completions(year: "2027-2028")
            #expect(saved.count == 1)
            #expect(saved.first?.recordedBy == "st@lakeside.example")
            #expect(saved.first?.evidence[.headCount] == "640")
            let item = String(
                buffer: try await Self.get(client, "/schools/lincoln-hs/items/fire-drill-3", browser: &staff).body)
            #expect(item.contains("recorded by st@lakeside.example"))
            #expect(try AuditCheck.verify(district.store, head: nil).hasPrefix("audit log intact"))
            // The same item again is refused by the CLI's rule, shown on the form.
            let again = try await Self.post(client, uri, fields, browser: &staff)
            #expect(again.status == .badRequest)
            #expect(String(buffer: again.body).contains("already done"))
        }
    }

    /// Setup links work once; sign-in failures are limited; a second factor is asked of district
    /// admins; sessions outlive the server; disabling a user ends them.
    @Test func accountsAndSessions() async throws {
        let district = try Self.district()
        let signedIn = try await district.app().test(.router) { client in
            var district = district
            let admin = try await Self.setUpAndSignIn(client, &district, "da@lakeside.example")
            var again = Browser()
            #expect(
                try await Self.get(client, district.links["da@lakeside.example"]!, browser: &again).status == .notFound)
            // Password alone leaves a district admin short of every page.
            var half = Browser()
            let page = String(buffer: try await Self.get(client, "/sign-in", browser: &half).body)
            let signed = try await Self.post(
                client, "/sign-in",
                ["csrf": Self.field("csrf", in: page)!, "email": "da@lakeside.example", "password": Self.password],
                browser: &half)
            #expect(signed.headers[.location] == "/sign-in/code")
            #expect(try await Self.get(client, "/", browser: &half).headers[.location] == "/sign-in")
            // Five wrong passwords, then even the right one waits.
            var guesser = Browser()
            let guessPage = String(buffer: try await Self.get(client, "/sign-in", browser: &guesser).body)
            let csrf = Self.field("csrf", in: guessPage)!
            for _ in 0..<5 {
                let wrong = try await Self.post(
                    client, "/sign-in", ["csrf": csrf, "email": "pa@lakeside.example", "password": "nope"],
                    browser: &guesser)
                #expect(wrong.status == .unauthorized)
            }
            // The partner sets a password (the link needs no sign-in), but sign-in now waits.
            let link = district.links["pa@lakeside.example"]!
            var setup = Browser()
            let setupPage = String(buffer: try await Self.get(client, link, browser: &setup).body)
            _ = try await Self.post(
                client, link,
                ["csrf": Self.field("csrf", in: setupPage)!, "password": Self.password, "confirm": Self.password],
                browser: &setup)
            let limited = try await Self.post(
                client, "/sign-in", ["csrf": csrf, "email": "pa@lakeside.example", "password": Self.password],
                browser: &guesser)
            #expect(limited.status == .tooManyRequests)
            return admin
        }
        // A new server over the same database: the session still works.
        try await district.app().test(.router) { client in
            var admin = signedIn
            #expect(try await Self.get(client, "/audit", browser: &admin).status == .ok)
            _ = try Accounts.disable(
                email: "da@lakeside.example", store: district.store, actor: "test", asOf: Self.today)
            #expect(try await Self.get(client, "/audit", browser: &admin).headers[.location] == "/sign-in")
        }
        #expect(try AuditCheck.verify(district.store, head: nil).hasPrefix("audit log intact"))
    }

    /// X-Forwarded-For and -Proto count only from a configured proxy.
    @Test func forwardedHeadersOnlyFromTrustedProxies() {
        let headers: HTTPFields = [
            HTTPField.Name("X-Forwarded-For")!: "203.0.113.9, 10.0.0.2", HTTPField.Name("X-Forwarded-Proto")!: "https",
        ]
        let trusted: Set<String> = ["127.0.0.1", "10.0.0.2"]
        let proxied = ClientAddress.resolve(peer: "127.0.0.1", headers: headers, trusted: trusted)
        #expect(proxied.address == "203.0.113.9" && proxied.https)
        let direct = ClientAddress.resolve(peer: "198.51.100.7", headers: headers, trusted: trusted)
        #expect(direct.address == "198.51.100.7" && !direct.https)
    }
}

/// "Forgot your password?": the same answer for any address, a mailed single-use link for a real one.
@Suite struct PasswordResetTests {
    @Test func aResetLinkIsMailedOnceAndWorksOnce() async throws {
        var district = try WebAppTests.district()
        let folder = (district.store.path as NSString).deletingLastPathComponent
        let mailbox = "\(folder)/mail.txt"
        district.loaded.plan.channels.mailFrom = "drillbook@lakeside.example"
        district.loaded.plan.channels.sendmail = "cat > '\(mailbox)'"
        let configured = district
        try await configured.app().test(.router) { client in
            var district = configured
            _ = try await WebAppTests.setUpAndSignIn(client, &district, "st@lakeside.example")
            var browser = WebAppTests.Browser()
            let page = String(buffer: try await WebAppTests.get(client, "/reset", browser: &browser).body)
            let csrf = WebAppTests.field("csrf", in: page)!
            let unknown = try await WebAppTests.post(
                client, "/reset", ["csrf": csrf, "email": "nobody@lakeside.example"], browser: &browser)
            #expect(!FileManager.default.fileExists(atPath: mailbox), "no mail for an unknown address")
            let known = try await WebAppTests.post(
                client, "/reset", ["csrf": csrf, "email": "st@lakeside.example"], browser: &browser)
            #expect(String(buffer: known.body) == String(buffer: unknown.body), "the same answer either way")
            let mail = try String(contentsOfFile: mailbox, encoding: .utf8)
            #expect(mail.contains("To: st@lakeside.example"))
            let link = try #require(
                mail.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first {
                    $0.hasPrefix("https://drills.lakeside.example/reset/")
                })
            let path = String(link.dropFirst("https://drills.lakeside.example".count))
            let form = String(buffer: try await WebAppTests.get(client, path, browser: &browser).body)
            let newPassword = "a different sentence entirely"
            let set = try await WebAppTests.post(
                client, path,
                ["csrf": WebAppTests.field("csrf", in: form)!, "password": newPassword, "confirm": newPassword],
                browser: &browser)
            #expect(set.headers[.location] == "/sign-in?done=1")
            #expect(try await WebAppTests.get(client, path, browser: &browser).status == .notFound, "used once")
            // The old password no longer works; the new one does.
            var again = WebAppTests.Browser()
            let signIn = String(buffer: try await WebAppTests.get(client, "/sign-in", browser: &again).body)
            let token = WebAppTests.field("csrf", in: signIn)!
            let old = try await WebAppTests.post(
                client, "/sign-in", ["csrf": token, "email": "st@lakeside.example", "password": WebAppTests.password],
                browser: &again)
            #expect(old.status == .unauthorized)
            let new = try await WebAppTests.post(
                client, "/sign-in", ["csrf": token, "email": "st@lakeside.example", "password": newPassword],
                browser: &again)
            #expect(new.headers[.location] == "/")
        }
    }

    /// A drill held but not scheduled, recorded from the school page: it completes the nearest open item.
    @Test func anUnscheduledDrillIsRecordedInTheBrowser() async throws {
        let district = try WebAppTests.district()
        try await district.app().test(.router) { client in
            var district = district
            var admin = try await WebAppTests.setUpAndSignIn(client, &district, "sa@lakeside.example")
            let page = String(
                buffer: try await WebAppTests.get(client, "/schools/lincoln-hs/record?kind=drill/fire", browser: &admin)
                    .body)
            #expect(page.contains("<option value=\"drill/fire\" selected>"))
            var fields = [
                "csrf": WebAppTests.field("csrf", in: page)!, "kind": "drill/nothing", "started_at": "2027-10-18T09:05",
                "conducted_by": "Ana Ruiz", "notification_method": "alarm", "head_count": "610", "problems": "none",
                "time_to_evacuate": "3:50",
            ]
            let wrongKind = try await WebAppTests.post(client, "/schools/lincoln-hs/record", fields, browser: &admin)
            #expect(wrongKind.status == .badRequest)
            fields["kind"] = "drill/fire"
            let saved = try await WebAppTests.post(client, "/schools/lincoln-hs/record", fields, browser: &admin)
            #expect(saved.headers[.location] == "/schools/lincoln-hs")
            let record = try #require(try district.store.completions(year: "2027-2028").first)
            #expect(record.recordedBy == "sa@lakeside.example" && record.source == .record)
            #expect(record.itemUID?.contains("lincoln-hs/fire-drill/3") == true, "the nearest open fire drill")
        }
    }
}

/// The police liaison's own account signs off an incident where it holds the role; no one else can.
@Suite struct HolderSignoffTests {
    @Test func aPartnerWhoHoldsTheRoleSignsOffSignedIn() async throws {
        var district = try WebAppTests.district()
        let added = try Accounts.add(
            email: "jpark@lakesidepd.example", role: "partner", school: "lincoln-hs", loaded: district.loaded,
            store: district.store, actor: "test", asOf: WebAppTests.today)
        district.links[added.user.email] = String(added.link.dropFirst("https://drills.lakeside.example".count))
        let folder = (district.store.path as NSString).deletingLastPathComponent
        let incidents = Incidents(
            loaded: district.loaded,
            library: try PlaybookLibrary.load(resources: FeedRouteTests.resources, planFolder: folder),
            store: try Incidents.openStore("\(folder)/drillbook-incidents.sqlite"),
            now: WebAppTests.now, actor: "Sam Lee")
        let id = try incidents.open("srp-lockdown", school: "lincoln-hs", exercise: false, facts: [:])
        for step in ["announce", "act", "account"] {
            _ = try incidents.act(id, .done(step: step, note: nil, signoffs: [], facts: [:]))
        }
        let uri = "/incidents/\(id)/signoff/all_clear"
        let configured = district
        try await configured.app().test(.router) { client in
            var district = configured
            var officer = try await WebAppTests.setUpAndSignIn(client, &district, "jpark@lakesidepd.example")
            var staff = try await WebAppTests.setUpAndSignIn(client, &district, "st@lakeside.example")
            #expect(try await WebAppTests.get(client, uri, browser: &staff).status == .notFound)
            #expect(try await WebAppTests.get(client, "/incidents/\(id)", browser: &officer).status == .forbidden)
            let page = try await WebAppTests.get(client, uri, browser: &officer)
            #expect(page.status == .ok && String(buffer: page.body).contains("All clear from police"))
            let csrf = WebAppTests.field("csrf", in: String(buffer: page.body))!
            let forged = try await WebAppTests.post(client, uri, ["csrf": "x", "answer": "agree"], browser: &officer)
            #expect(forged.status == .forbidden)
            let agreed = try await WebAppTests.post(client, uri, ["csrf": csrf, "answer": "agree"], browser: &officer)
            #expect(agreed.status == .ok)
        }
        _ = try incidents.act(id, .done(step: "all_clear", note: nil, signoffs: [], facts: [:]))
        #expect(try incidents.report(id, html: false).contains("by le_liaison (Officer J. Park) in person, signed in"))
    }
}
