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

/// Files sent with forms: a record's photos and scans (type-checked by their bytes, stored beside
/// the database under their hash, served only to those who see the school, refused once changed on
/// disk) and a drill log imported in a browser.
@Suite struct UploadTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)

    /// A multipart body: text fields, then files as (field, filename, bytes).
    static func multipart(_ fields: [String: String], files: [(String, String, [UInt8])]) -> (ByteBuffer, String) {
        let boundary = "drillbook-test-boundary"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (field, filename, bytes) in files {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    static func send(
        _ client: some TestClientProtocol, _ uri: String, _ body: (ByteBuffer, String), browser: WebAppTests.Browser
    ) async throws -> TestResponse {
        var headers = browser.header
        headers[.contentType] = body.1
        return try await client.execute(uri: uri, method: .post, headers: headers, body: body.0)
    }

    /// A part's header parameters are split by scalar: a quote followed by a combining mark still
    /// closes the value (it is one `Character`, which is no quote), so the next parameter is found.
    @Test func partHeaderParametersSplitAtEveryQuoteAndSemicolon() {
        let header = "form-data; name=\"scan\"\u{301}; filename=\"a;\\\"b.png\""
        #expect(FormBody.parameter("filename", of: header) == "a;\"b.png")
        #expect(FormBody.parameter("name", of: header) == "scan\u{301}")
        #expect(FormBody.parameter("boundary", of: "multipart/form-data; boundary=x\u{301}") == "x\u{301}")
    }

    @Test func aRecordKeepsItsScansAndServesThemToThoseWhoSeeTheSchool() async throws {
        let district = try WebAppTests.district()
        try await district.app().test(.router) { client in
            var district = district
            var staff = try await WebAppTests.setUpAndSignIn(client, &district, "st@lakeside.example")
            let uri = "/schools/lincoln-hs/items/fire-drill-3/record"
            let page = String(buffer: try await WebAppTests.get(client, uri, browser: &staff).body)
            #expect(page.contains("enctype=\"multipart/form-data\""))
            let fields = [
                "csrf": WebAppTests.field("csrf", in: page)!, "started_at": "2027-10-15T11:40",
                "conducted_by": "Ana Ruiz", "notification_method": "alarm", "head_count": "640", "problems": "none",
                "time_to_evacuate": "4m30s",
            ]
            let refused = try await Self.send(
                client, uri,
                Self.multipart(
                    fields,
                    files: [("attachment", "sheet.png", Self.png), ("attachment", "notes.txt", Array("hi".utf8))]),
                browser: staff)
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("notes.txt is not a JPEG, PNG, HEIC or PDF file"))
            #expect(try district.store.completions(year: "2027-2028").isEmpty)

            let saved = try await Self.send(
                client, uri, Self.multipart(fields, files: [("attachment", "sheet;1.png", Self.png)]), browser: staff)
            #expect(saved.status == .seeOther)
            let record = try #require(try district.store.completions(year: "2027-2028").first)
            let name = try #require(Attachments.names(in: record.evidence[.attachments] ?? "").first)
            #expect(record.evidence[.attachments]?.hasSuffix("(sheet1.png)") == true)
            let folder = (district.store.path as NSString).deletingLastPathComponent + "/attachments"
            #expect(FileManager.default.contents(atPath: "\(folder)/\(name)") == Data(Self.png))

            let served = try await WebAppTests.get(client, "/attachments/\(name)", browser: &staff)
            #expect(served.status == .ok)
            #expect(served.headers[.contentType] == "image/png")
            var anonymous = WebAppTests.Browser()
            #expect(try await WebAppTests.get(client, "/attachments/\(name)", browser: &anonymous).status == .seeOther)
            #expect(
                try await WebAppTests.get(client, "/attachments/../drillbook.sqlite", browser: &staff).status
                    == .notFound)
            // Another school's admin: the file does not exist for them.
            var other = try await Self.otherSchoolAdmin(client, &district)
            #expect(try await WebAppTests.get(client, "/attachments/\(name)", browser: &other).status == .notFound)
            // Changed behind Drillbook's back: refused, not served.
            try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1]).write(
                to: URL(fileURLWithPath: "\(folder)/\(name)"))
            #expect(try await WebAppTests.get(client, "/attachments/\(name)", browser: &staff).status == .conflict)
        }
    }

    static func otherSchoolAdmin(_ client: some TestClientProtocol, _ district: inout WebAppTests.District) async throws
        -> WebAppTests.Browser
    {
        let added = try Accounts.add(
            email: "harbor@lakeside.example", role: "school-admin", school: "harbor-es", loaded: district.loaded,
            store: district.store, actor: "test", asOf: WebAppTests.today)
        district.links[added.user.email] = String(added.link.dropFirst("https://drills.lakeside.example".count))
        return try await WebAppTests.setUpAndSignIn(client, &district, added.user.email)
    }

    @Test func aDistrictAdminImportsALogInTheBrowser() async throws {
        let district = try WebAppTests.district()
        try await district.app().test(.router) { client in
            var district = district
            var admin = try await WebAppTests.setUpAndSignIn(client, &district, "da@lakeside.example")
            let page = String(buffer: try await WebAppTests.get(client, "/import", browser: &admin).body)
            let csrf = WebAppTests.field("csrf", in: page)!
            let bad = Array(
                """
                school,kind,started_at,head_count,conducted_by,notification_method,problems,time_to_evacuate
                harbor-es,fire,2027-08-26 09:30,540,Tom Wells,alarm,none,3m
                harbor-es,fire,2027-09-08 09:30,lots,Tom Wells,alarm,none,3m

                """.utf8)
            let refused = try await Self.send(
                client, "/import", Self.multipart(["csrf": csrf], files: [("log", "september.csv", bad)]),
                browser: admin)
            #expect(refused.status == .badRequest)
            let text = String(buffer: refused.body)
            #expect(text.contains("september.csv:3: head_count"))
            #expect(!text.contains("drillbook-import-"), "the temporary path stays out of the message")
            #expect(try district.store.completions(year: "2027-2028").isEmpty)
            let good = Array(String(decoding: bad, as: UTF8.self).replacingOccurrences(of: "lots", with: "512").utf8)
            let imported = try await Self.send(
                client, "/import", Self.multipart(["csrf": csrf], files: [("log", "september.csv", good)]),
                browser: admin)
            #expect(imported.status == .ok)
            #expect(String(buffer: imported.body).contains("Imported 2 rows"))
            #expect(try district.store.completions(year: "2027-2028").count == 2)
            #expect(
                try district.store.completions(year: "2027-2028").allSatisfy { $0.recordedBy == "da@lakeside.example" })
            #expect(!String(buffer: imported.body).contains("Windows-1252"))
            #expect(!String(buffer: imported.body).contains("counted for no rule"))
            // Excel's "CSV (Comma delimited)" on Windows: the page says how it was read.
            let windowsText =
                "school,kind,started_at,conducted_by,head_count,notification_method,problems,time_to_evacuate\n"
                + "harbor-es,fire,2027-09-20 09:30,Tom O’Brien,540,alarm,none,3m\n"
                + "harbor-es,fire,2027-09-25 09:30,Tom Wells,540,alarm,none,3m\n"
            let windows = Array(windowsText.data(using: .windowsCP1252)!)
            let read = try await Self.send(
                client, "/import", Self.multipart(["csrf": csrf], files: [("log", "october.csv", windows)]),
                browser: admin)
            #expect(read.status == .ok)
            #expect(String(buffer: read.body).contains("read as Windows-1252"))
            // A Saturday's drill is stored, and the page says at once that it counts for nothing.
            #expect(
                String(buffer: read.body).contains(
                    "<li>harbor-es: the fire drill of 2027-09-25 was on a Saturday, when there are no students"))
            #expect(
                try district.store.completions(year: "2027-2028").contains {
                    $0.evidence[.conductedBy] == "Tom O’Brien"
                })
        }
    }
}
