import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Planning
import Store
import Testing

@testable import DrillbookServer

/// The JSON API: keys and roles, the record action with the CLI's checks, and `/openapi.json`
/// naming only routes that exist. (schemathesis, run by `make api`, fuzzes it against the schema.)
@Suite struct APITests {
    static func key(_ district: WebAppTests.District, role: String, school: String?) throws -> String {
        try Accounts.createKey(
            role: role, school: school, label: nil, loaded: district.loaded, store: district.store, actor: "test",
            asOf: WebAppTests.today
        ).key
    }

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    @Test func keysActWithTheirRole() async throws {
        let district = try WebAppTests.district()
        let admin = try Self.key(district, role: "school-admin", school: "lincoln-hs")
        let partner = try Self.key(district, role: "partner", school: nil)
        let revoked = try Self.key(district, role: "district-admin", school: nil)
        _ = try Accounts.revokeKey(3, store: district.store, actor: "test", asOf: WebAppTests.today)
        try await district.app().test(.router) { client in
            for headers in [HTTPFields(), Self.bearer("dbk_nothing"), Self.bearer(revoked)] {
                let response = try await client.execute(uri: "/api/v1/items", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            let items = try await client.execute(uri: "/api/v1/items", method: .get, headers: Self.bearer(admin))
            #expect(items.status == .ok)
            let listed =
                try JSONSerialization.jsonObject(with: Data(items.body.readableBytesView)) as! [String: [[String: Any]]]
            #expect(!listed["items"]!.isEmpty)
            #expect(listed["items"]!.allSatisfy { $0["school"] as? String == "lincoln-hs" })
            #expect(
                try await client.execute(
                    uri: "/api/v1/items?school=harbor-es", method: .get, headers: Self.bearer(admin)
                ).status == .forbidden)
            #expect(
                try await client.execute(uri: "/api/v1/items?school=nowhere", method: .get, headers: Self.bearer(admin))
                    .status == .notFound)
            // A partner reads, never records.
            let uri = "/api/v1/items/lincoln-hs/fire-drill-3/completions"
            let body = ByteBuffer(
                string: """
                    {"started_at": "2027-10-15T11:40", "ended_at": "2027-10-15T11:52", "evidence": {"head_count": "lots",
                    "conducted_by": "Ana Ruiz", "notification_method": "alarm", "problems": "none", "time_to_evacuate": "4m"}}
                    """)
            #expect(
                try await client.execute(uri: uri, method: .post, headers: Self.bearer(partner), body: body).status
                    == .forbidden)
            let wrong = try await client.execute(uri: uri, method: .post, headers: Self.bearer(admin), body: body)
            #expect(wrong.status == .badRequest)
            let errors =
                try JSONSerialization.jsonObject(with: Data(wrong.body.readableBytesView))
                as! [String: [String: String]]
            #expect(errors["errors"]?["head_count"] == "is not a whole number")
            #expect(try district.store.completions(year: "2027-2028").isEmpty)
            let right = ByteBuffer(string: String(buffer: body).replacingOccurrences(of: "\"lots\"", with: "\"640\""))
            let created = try await client.execute(uri: uri, method: .post, headers: Self.bearer(admin), body: right)
            #expect(created.status == .created)
            #expect(String(buffer: created.body).contains("\"recorded_by\":\"apikey 1 (school-admin)\""))
            let again = try await client.execute(uri: uri, method: .post, headers: Self.bearer(admin), body: right)
            #expect(again.status == .conflict)
            #expect(try district.store.completions(year: "2027-2028").count == 1)
        }
    }

    /// Every operation `/openapi.json` names answers (with its example parameters) instead of 404.
    @Test func theOpenAPIDocumentNamesRealRoutes() async throws {
        let district = try WebAppTests.district()
        let key = try Self.key(district, role: "district-admin", school: nil)
        try await district.app().test(.router) { client in
            let served = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try JSONSerialization.jsonObject(with: Data(served.body.readableBytesView)) as! [String: Any]
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = document["paths"] as! [String: [String: Any]]
            #expect(paths.count == 7)
            for (path, operations) in paths {
                let uri = path.replacingOccurrences(of: "{school}", with: "lincoln-hs")
                    .replacingOccurrences(of: "{item}", with: "fire-drill-3")
                for method in operations.keys {
                    let response = try await client.execute(
                        uri: uri, method: method == "post" ? .post : .get, headers: Self.bearer(key),
                        body: method == "post" ? ByteBuffer(string: "{\"started_at\": \"2027-10-15T11:40\"}") : nil)
                    #expect(response.status != .notFound, "\(method) \(uri)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(method) \(uri)")
                }
            }
        }
    }
}
