import CompressNIO
import Dates
import DrillbookKit
import DrillbookServer
import Foundation
import Hummingbird
import HummingbirdTesting
import ICalendar
import Planning
import Store
import Testing

/// The feed routes, in process: the served bytes are `export`'s, validators give 304, unknown and
/// revoked tokens are the same 404, families calendars are public only when the plan says so, and a
/// re-plan changes the ETag while a moved event keeps its UID with a higher SEQUENCE.
@Suite struct FeedRouteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let resources = Resources(templates: root.appendingPathComponent("Templates").path)
    static let today = CalendarDate(year: 2027, month: 9, day: 1)

    /// The example district, scheduled, with `server:` settings added.
    static func district(publishFamilies: Bool) throws -> (LoadedPlan, SQLiteScheduleStore, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-server-\(UUID().uuidString)"
        )
        .path
        _ = try Initializer.write(
            to: folder, example: true, state: "TX", year: "2027-2028", resources: resources, today: today)
        let plan = "\(folder)/drillbook.yaml"
        try
            (try String(contentsOfFile: plan, encoding: .utf8)
            + "server: {base_url: \"https://drills.lakeside.example/\", publish_families: \(publishFamilies)}\n")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: CalendarDate(year: 2027, month: 8, day: 1), actor: "test")
        return (loaded, store, folder)
    }

    static func app(_ loaded: LoadedPlan, _ store: SQLiteScheduleStore) -> some ApplicationProtocol {
        Application(
            router: try! DrillbookServer(loaded: loaded, store: store, resources: resources, today: { today }).router())
    }

    static func token(_ created: Feeds.Created) -> String {
        String(created.url.split(separator: "/").last!.dropLast(4))
    }

    @Test func aFeedServesExportsBytesWithValidators() async throws {
        let (loaded, store, folder) = try Self.district(publishFamilies: false)
        let created = try Feeds.create(
            loaded, store: store, school: "lincoln-hs", audience: .staff, label: nil, actor: "test", asOf: Self.today)
        #expect(created.url.hasPrefix("https://drills.lakeside.example/feeds/"))
        #expect(created.webcal.hasPrefix("webcal://drills.lakeside.example/feeds/"))
        let paths = try Exporter(loaded: loaded, asOf: Self.today).export(
            try Planner.published(loaded, store: store), to: "\(folder)/out", school: "lincoln-hs",
            audiences: [.staff])
        let exported = try String(contentsOfFile: paths[0], encoding: .utf8)
        try await Self.app(loaded, store).test(.router) { client in
            let etag = try await client.execute(uri: "/feeds/\(Self.token(created)).ics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
                #expect(response.headers[.cacheControl] == "private, max-age=300")
                #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
                #expect(String(buffer: response.body) == exported)
                // libical reads it back whole.
                let read = try CalendarReader.read(String(buffer: response.body), file: "feed.ics")
                #expect(!read.document.events.isEmpty)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(
                uri: "/feeds/\(Self.token(created)).ics", method: .get, headers: [.ifNoneMatch: etag]
            ) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/feeds/\(Self.token(created)).ics", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
            // gzip when asked: the same bytes, compressed, under their own ETag.
            try await client.execute(
                uri: "/feeds/\(Self.token(created)).ics", method: .get, headers: [.acceptEncoding: "gzip, deflate"]
            ) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.eTag] != etag)
                var body = response.body
                let unpacked = try body.decompress(with: .gzip())
                #expect(String(buffer: unpacked) == exported)
                #expect(response.body.readableBytes < exported.utf8.count / 3)
            }
            try await client.execute(
                uri: "/feeds/\(Self.token(created)).ics", method: .get, headers: [.acceptEncoding: "gzip;q=0"]
            ) { response in
                #expect(response.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test func unknownAndRevokedTokensAreTheSame404() async throws {
        let (loaded, store, _) = try Self.district(publishFamilies: false)
        let created = try Feeds.create(
            loaded, store: store, school: nil, audience: .admin, label: "district office", actor: "test",
            asOf: Self.today)
        let app = Self.app(loaded, store)
        try await app.test(.router) { client in
            try await client.execute(uri: "/feeds/\(Self.token(created)).ics", method: .get) { response in
                #expect(response.status == .ok)
            }
            _ = try Feeds.revoke(created.feed.id, store: store, actor: "test", asOf: Self.today)
            let revoked = try await client.execute(uri: "/feeds/\(Self.token(created)).ics", method: .get) { $0 }
            let unknown = try await client.execute(uri: "/feeds/nothing-here.ics", method: .get) { $0 }
            #expect(revoked.status == .notFound && unknown.status == .notFound)
            #expect(String(buffer: revoked.body) == String(buffer: unknown.body))
        }
        // Only the hash of the token is stored.
        #expect(try store.feeds().count == 1)
        if case .intact = try store.verifyAudit() {} else { Issue.record("the audit chain does not verify") }
    }

    @Test(arguments: [false, true])
    func familiesCalendarsArePublicOnlyWhenThePlanSaysSo(publish: Bool) async throws {
        let (loaded, store, _) = try Self.district(publishFamilies: publish)
        try await Self.app(loaded, store).test(.router) { client in
            try await client.execute(uri: "/schools/lincoln-hs/families.ics", method: .get) { response in
                #expect(response.status == (publish ? .ok : .notFound))
                if publish {
                    #expect(response.headers[.cacheControl] == "public, max-age=300")
                    // No unannounced drill's time: at most a week marker, all day.
                    let events = try CalendarReader.read(String(buffer: response.body), file: "f.ics").document.events
                    let unannounced = try Planner.published(loaded, store: store).filter {
                        $0.item.schoolID == "lincoln-hs" && $0.item.kind.isDrill && !$0.item.announced
                    }
                    #expect(!unannounced.isEmpty)
                    for tracked in unannounced {
                        let shown = events.filter { $0.uid == tracked.item.uid }
                        #expect(shown.allSatisfy { $0.start.isAllDay }, "\(tracked.item.id)")
                        let timed = events.contains { event in
                            event.start.wallTime.date == tracked.item.date && !event.start.isAllDay
                                && event.summary.lowercased().contains("drill")
                        }
                        #expect(!timed, "\(tracked.item.id)")
                    }
                }
            }
            try await client.execute(uri: "/schools/nowhere/families.ics", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(String(buffer: response.body) == "ok\n")
            }
        }
    }

    /// A closure on a scheduled day moves its item: the ETag changes, the event keeps its UID and
    /// gets a higher SEQUENCE, so subscribed calendars move it instead of adding a second.
    @Test func aReplanChangesTheETagAndMovesTheEventByUID() async throws {
        let (loaded, store, _) = try Self.district(publishFamilies: false)
        let created = try Feeds.create(
            loaded, store: store, school: "lincoln-hs", audience: .admin, label: nil, actor: "test", asOf: Self.today)
        let app = Self.app(loaded, store)
        func fetch() async throws -> (String, CalendarDocument) {
            try await app.test(.router) { client in
                try await client.execute(uri: "/feeds/\(Self.token(created)).ics", method: .get) { response in
                    (
                        response.headers[.eTag] ?? "",
                        try CalendarReader.read(String(buffer: response.body), file: "feed.ics").document
                    )
                }
            }
        }
        let (before, first) = try await fetch()
        let moving = try #require(
            try Planner.published(loaded, store: store).first {
                $0.item.schoolID == "lincoln-hs" && $0.item.date > Self.today && $0.item.relatedTo == nil
                    && !$0.item.kind.isDrill
            })
        var changed = loaded
        for school in changed.years.keys { changed.years[school]!.closures[moving.item.date] = "Water main break" }
        _ = try Planner.run(changed, store: store, asOf: Self.today, actor: "test")
        let (after, second) = try await fetch()
        #expect(before != after)
        let old = try #require(first.events.first { $0.uid == moving.item.uid })
        let new = try #require(second.events.first { $0.uid == moving.item.uid })
        #expect(new.sequence > old.sequence)
        #expect(new.start != old.start)
        #expect(second.events.filter { $0.uid == moving.item.uid }.count == 1)
    }
}
