import DrillbookKit
import Foundation
import Store
import Testing

@testable import DrillbookServer

/// `FeedTokens`: with a database server, a feed GET asks for the last change at most once per
/// interval; a write shows within it, and with a file every GET asks.
@Suite struct FeedTokensTests {
    @Test func aRevokedFeedStopsWithinTheIntervalAndAFileIsAskedEveryTime() async throws {
        let (loaded, store, _) = try FeedRouteTests.district(publishFamilies: false)
        let created = try Feeds.create(
            loaded, store: store, school: "lincoln-hs", audience: .staff, label: nil, actor: "test",
            asOf: FeedRouteTests.today)
        let token = FeedRouteTests.token(created)
        let kept = FeedTokens(interval: .milliseconds(400))
        let asked = FeedTokens(interval: .zero)
        let (found, seq, _) = try kept.lookup(token, in: store)
        #expect(found?.scope == "lincoln-hs")
        #expect(try asked.lookup(token, in: store).0?.scope == "lincoln-hs")
        #expect(try kept.lookup("no-such-token", in: store).0 == nil)
        let revokedAt = ContinuousClock.now
        _ = try Feeds.revoke(try #require(found?.id), store: store, actor: "test", asOf: FeedRouteTests.today)
        // A file is asked every time: gone at once.
        #expect(try asked.lookup(token, in: store).0 == nil)
        // Kept for at most the interval (it may already have passed on a slow machine)...
        let early = try kept.lookup(token, in: store)
        if ContinuousClock.now - revokedAt < .milliseconds(300) {
            #expect(early.0 != nil && early.seq == seq)
        }
        // ...and gone once it has, with the newer change.
        try await Task.sleep(for: .milliseconds(450))
        let late = try kept.lookup(token, in: store)
        #expect(late.0 == nil && late.seq > seq)
        #expect(try kept.lastChange(in: store).seq == late.seq)
    }
}
