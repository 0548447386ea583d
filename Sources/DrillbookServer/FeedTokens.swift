import Store
import Synchronization

/// Feed GETs against a database server without a round trip each. Calendar apps ask for their feed
/// every few minutes to hours, thousands of them at once across a state; with the schedule in
/// PostgreSQL every GET asked the database for its token and the last change, and waiting for that
/// answer was most of the request. Here the last change is asked at most once per `interval`, and
/// the feeds found under it are kept until it moves: any audited write (a re-plan, a revoked feed)
/// moves it, so a server sees the write, its own or another server's, within `interval`. With a
/// local file (`interval` zero) every GET asks the store, as before.
final class FeedTokens: Sendable {
    let interval: Duration

    private struct State {
        var change: (seq: Int, at: String?)?
        var checked = ContinuousClock.now
        /// Live feeds by their token's hash, for `change`.
        var feeds: [String: Feed] = [:]
    }

    private let state = Mutex(State())
    /// A bound on what is kept: tokens tried by the thousand do not grow the server.
    private static let most = 10_000

    init(interval: Duration) { self.interval = interval }

    /// The live feed of `token` (nil for an unknown or revoked one) and the last change.
    func lookup(_ token: String, in store: any ScheduleStore) throws(StoreError) -> (Feed?, seq: Int, at: String?) {
        guard interval > .zero else { return try store.feedAndLastChange(token: token) }
        let key = sha256Hex(token)
        let now = ContinuousClock.now
        let kept: (Feed, Int, String?)? = state.withLock { state in
            guard let change = state.change, now - state.checked < interval, let feed = state.feeds[key] else {
                return nil
            }
            return (feed, change.seq, change.at)
        }
        if let (feed, seq, at) = kept { return (feed, seq, at) }
        let (feed, seq, at) = try store.feedAndLastChange(token: token)
        remember(seq: seq, at: at, at: now) { feeds in
            if let feed {
                if feeds.count >= Self.most { feeds.removeAll() }
                feeds[key] = feed
            }
        }
        return (feed, seq, at)
    }

    /// The last change, asked of the store at most once per `interval`.
    func lastChange(in store: any ScheduleStore) throws(StoreError) -> (seq: Int, at: String?) {
        guard interval > .zero else { return try store.lastChange() }
        let now = ContinuousClock.now
        let kept: (seq: Int, at: String?)? = state.withLock { state in
            guard let change = state.change, now - state.checked < interval else { return nil }
            return change
        }
        if let kept { return kept }
        let change = try store.lastChange()
        remember(seq: change.seq, at: change.at, at: now) { _ in }
        return change
    }

    private func remember(
        seq: Int, at: String?, at now: ContinuousClock.Instant, _ update: (inout [String: Feed]) -> Void
    ) {
        state.withLock { state in
            // An answer overtaken by a newer one (asked earlier, answered later) changes nothing.
            if let current = state.change, seq < current.seq { return }
            if state.change?.seq != seq { state.feeds.removeAll() }
            state.change = (seq, at)
            state.checked = now
            update(&state.feeds)
        }
    }
}
