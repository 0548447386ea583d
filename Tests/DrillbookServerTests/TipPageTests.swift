import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Playbooks
import Store
import Testing

@testable import DrillbookServer

/// The anonymous tip page: no cookie, a honeypot, a receipt code kept only as a hash, follow-ups by
/// that code, "not sure" going to the district's team, a flood slowed.
@Suite struct TipPageTests {
    static func form(_ fields: [String: String]) -> ByteBuffer { WebAppTests.form(fields) }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form(fields))
    }

    static func receipt(_ response: TestResponse) -> String? {
        let html = String(buffer: response.body)
        guard let range = html.range(of: "<code class=\"link\">") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "<" })
    }

    @Test func aTipOpensAnIncidentAndItsReceiptAddsToIt() async throws {
        let (server, store, _) = try IntakeTests.server()
        try await Application(router: try server.router()).test(.router) { client in
            let page = try await client.execute(uri: "/tip/lakeside-isd", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("If someone is in danger now, call 911."))
            #expect(page.headers[values: .setCookie].isEmpty, "no cookie on the tip page")
            #expect(try await client.execute(uri: "/tip/elsewhere", method: .get).status == .notFound)

            let empty = try await Self.post(client, "/tip/lakeside-isd", ["school": "lincoln-hs", "text": "  "])
            #expect(empty.status == .badRequest && String(buffer: empty.body).contains("id=\"text-error\""))
            // The public page gives back what was typed, escaped by scalar: a quote followed by a
            // combining mark still cannot end the attribute it is shown in.
            let typed = try await Self.post(
                client, "/tip/lakeside-isd",
                ["school": "lincoln-hs", "text": "", "contact": "me\"\u{301} autofocus x=\"", "when": "'\u{301}<b>"])
            let echoed = String(buffer: typed.body)
            #expect(typed.status == .badRequest)
            #expect(echoed.contains("value=\"me&quot;\u{301} autofocus x=&quot;\""), "\(echoed)")
            #expect(echoed.contains("value=\"&#39;\u{301}&lt;b&gt;\""))
            // A form body split and unplussed by byte: `+` and `&` before a combining mark (raw, as
            // a hostile client may send) are still a space and a separator.
            let raw = try await client.execute(
                uri: "/tip/lakeside-isd", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "school=lincoln-hs&text=&contact=a+\u{301}b&\u{301}z=1&when=c"))
            let rawEcho = String(buffer: raw.body)
            #expect(raw.status == .badRequest)
            #expect(rawEcho.contains("value=\"a \u{301}b\""), "\(rawEcho)")
            #expect(rawEcho.contains("value=\"c\""), "\(rawEcho)")
            let bot = try await Self.post(
                client, "/tip/lakeside-isd", ["school": "lincoln-hs", "text": "buy now", "website": "http://spam"])
            #expect(bot.status == .ok)
            #expect(try store.incidentIDs().isEmpty, "nothing stored for an empty tip or a bot")

            let sent = try await Self.post(
                client, "/tip/lakeside-isd",
                [
                    "school": "lincoln-hs", "text": "A student posted a picture of a gun with the school's name",
                    "when": "tonight",
                ])
            #expect(sent.status == .created)
            #expect(sent.headers[values: .setCookie].isEmpty)
            let code = try #require(Self.receipt(sent))
            #expect(code.count == 14)
            let id = try #require(try store.incidentIDs().first)
            let incident = try store.incident(id)
            #expect(incident.school == "lincoln-hs" && incident.playbookID == "anonymous-threat")
            #expect(incident.events.first?.data["source"] == "tip-page")
            #expect(incident.events.first?.data["reporter"] == nil)
            #expect(
                !incident.events.contains { $0.data.values.contains { $0.contains(code) } }, "the code is kept hashed")

            // Typed back in lower case without dashes, the code adds to the same incident.
            let plain = code.lowercased().replacingOccurrences(of: "-", with: "")
            let added = try await Self.post(
                client, "/tip/lakeside-isd/follow-up", ["receipt": plain, "text": "He said Friday, not tonight"])
            #expect(added.status == .ok)
            #expect(try store.incident(id).events.last?.data["text"] == "He said Friday, not tonight")
            let unknown = try await Self.post(
                client, "/tip/lakeside-isd/follow-up", ["receipt": "AAAA-BBBB-CCCC", "text": "more"])
            #expect(unknown.status == .notFound)

            // Not sure of the school: the district's team, every role the safety lead's.
            let unsure = try await Self.post(
                client, "/tip/lakeside-isd",
                ["school": "not-sure", "text": "Someone threatened 'the high school or the middle school'"])
            #expect(unsure.status == .created)
            let district = try store.incident(try store.incidentIDs().last!)
            #expect(district.school == "district")
            #expect(
                district.events.filter { $0.kind == .roleBound }.allSatisfy {
                    $0.data["holder"]?.contains("Dana Ortiz") == true
                })
        }
    }

    @Test func aFloodFromOneAddressIsSlowed() async throws {
        let (server, store, _) = try IntakeTests.server()
        try await Application(router: try server.router()).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for number in 0..<11 {
                statuses.append(
                    try await Self.post(client, "/tip/lakeside-isd", ["school": "ridge-ms", "text": "tip \(number)"])
                        .status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .created })
            #expect(statuses.last == .tooManyRequests)
            #expect(try store.incidentIDs().count == 10)
        }
    }
}
