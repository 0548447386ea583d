import Crypto
public import Dates
public import Foundation
public import Planning

/// The schedule database: what was published for every school year, the completions recorded
/// against it, the alerts sent, and the server's users, sessions, API keys and feeds. Every change
/// is one transaction and appends to the database's audit chain, which vouches for every sealed row.
///
/// Two engines keep it: `SQLiteScheduleStore` (a file, the default) and `PostgresScheduleStore`
/// (a PostgreSQL database, for a state-wide service). Both give the same answers to the same calls,
/// row hash for row hash; `StoreTests` runs one suite against each.
public protocol ScheduleStore: AnyObject, Sendable {
    /// Where the database is, for messages and for files kept beside it: a file's path, or a
    /// server's URL without its password.
    var location: String { get }

    /// Whether each read is a round trip to a database server (PostgreSQL), not a local file: a
    /// server then asks for the last change at most once a second on feed GETs (`FeedTokens`).
    var readsAreRoundTrips: Bool { get }

    /// Every item published for `year`, in time order (date, then start, all-day first, then id).
    /// With `onEveryCore` false a large year is read in one piece, where the engine would split it.
    func items(year: String, onEveryCore: Bool) throws(StoreError) -> [TrackedItem]

    /// One school's items of `year`, in the same order: what its feed shows.
    func items(year: String, school: String) throws(StoreError) -> [TrackedItem]

    /// Every item published for `year`, by school id, each school's in the same order: what a
    /// command that judges, re-plans or writes school by school reads. With `onEveryCore` false a
    /// large year is read in one piece, where the engine would split it.
    func itemsBySchool(year: String, onEveryCore: Bool) throws(StoreError) -> [String: [TrackedItem]]

    /// Writes a re-plan's changes and the activity versions it was made from, records the run and
    /// audits it, all or nothing.
    func apply(
        _ result: ReplanResult, year: String, asOf: CalendarDate, versions: [String: String]?, audit: AuditContext
    ) throws(StoreError)

    /// Activity id to fingerprint, as the last `schedule` of `year` stored them.
    func activityVersions(year: String) throws(StoreError) -> [String: String]

    /// Stores the versions a run that changed nothing was made from.
    func saveVersions(_ versions: [String: String], year: String) throws(StoreError)

    /// Every completion of `year`, oldest first.
    func completions(year: String) throws(StoreError) -> [Completion]

    /// The drill records of `year`, oldest first, with what a re-plan counts of them: their item,
    /// school, kind, start and the record they correct, and of their evidence only the time of day
    /// and who was present.
    func drillRecords(year: String) throws(StoreError) -> [Completion]

    /// Appends completions (one, or a whole imported log) and their audit entries, all or nothing;
    /// returns them with their ids. Refused when an item is already done or a record was already
    /// corrected, even by another run at the same moment.
    func add(_ completions: [Completion], audit: AuditContext) throws(StoreError) -> [Completion]

    // MARK: Alerts

    /// The last day anything about `itemUID` was sent to `recipient`, by `channel`.
    func lastSent(itemUID: String, channel: String, recipient: String) throws(StoreError) -> CalendarDate?

    /// Alerts attempted and not sent (failed, or interrupted after the intent).
    func unsentAlerts() throws(StoreError) -> [(itemUID: String, step: String, channel: String, recipient: String)]

    /// The steps sent to a recipient about an item, by channel.
    func sentSteps(itemUID: String, channel: String, recipient: String) throws(StoreError) -> [String]

    /// The state of an alert, if it was ever attempted.
    func alertState(itemUID: String, step: String, channel: String, recipient: String) throws(StoreError)
        -> AlertState?

    /// Claims an alert for this run and records the intent to send, before sending, so that of two
    /// runs at once (on one machine or two servers) exactly one gets it; a claim not settled within
    /// `ScheduleRecords.leaseSeconds` (a killed run) may be taken over. Its id, or nil.
    func claimAlert(itemUID: String, step: String, channel: String, recipient: String, audit: AuditContext)
        throws(StoreError) -> Int?

    /// Records how the send went, and audits it.
    func recordResult(alert id: Int, sent: Bool, error: String?, audit: AuditContext) throws(StoreError)

    // MARK: Feeds

    /// A new feed and its token, which is shown this once.
    func createFeed(scope: String, audience: String, label: String, audit: AuditContext) throws(StoreError)
        -> (Feed, token: String)

    /// Every feed, revoked ones included, oldest first.
    func feeds() throws(StoreError) -> [Feed]

    /// The live feed a token opens, or nil (unknown and revoked alike).
    func feed(token: String) throws(StoreError) -> Feed?

    /// Revokes a feed, at once; revoking one already revoked changes nothing.
    func revokeFeed(_ id: Int, audit: AuditContext) throws(StoreError) -> Feed

    /// A feed's lookup and the last change, in one read: what every feed GET needs.
    func feedAndLastChange(token: String) throws(StoreError) -> (Feed?, seq: Int, at: String?)

    /// The number of the last audited write: it changes whenever anything a feed shows may have.
    func lastChange() throws(StoreError) -> (seq: Int, at: String?)

    // MARK: Users, links, sessions, API keys

    /// A new user, and the token of a setup link valid until `expires` (ISO 8601, UTC).
    func addUser(email: String, role: String, school: String?, expires: String, audit: AuditContext)
        throws(StoreError) -> (User, token: String)

    /// Every user, disabled ones included, in the order they were added.
    func users() throws(StoreError) -> [User]

    /// A user and what signing in checks, by email (any case).
    func credentials(email: String) throws(StoreError) -> Credentials?

    /// A user and what signing in checks, by id.
    func credentials(id: Int) throws(StoreError) -> Credentials?

    /// Disables a user at once: their sessions stop working on the next request.
    func disableUser(email: String, audit: AuditContext) throws(StoreError) -> User

    /// A single-use link of `purpose` (`reset`) for a user, valid until `expires`.
    func issueLink(userID: Int, purpose: String, expires: String) throws(StoreError) -> String

    /// The user a link opens, if it is unused, unexpired and its user enabled; nothing is consumed.
    func linkUser(token: String, purposes: [String], now: String) throws(StoreError) -> User?

    /// Sets a password (and, when given, a TOTP secret) through a link, consuming it and ending the
    /// user's other sessions. Nil when the link is unknown, used or expired.
    func setPassword(token: String, purposes: [String], passwordHash: String, totpSecret: String?, audit: AuditContext)
        throws(StoreError) -> User?

    /// Stores a session; `userID` lets a password change end the user's other sessions.
    func putSession(key: String, value: Data, userID: Int?, expires: Double?) throws(StoreError)

    /// A session's value and expiry (seconds since 1970), if it exists and has not expired by `now`.
    func session(key: String, now: Double) throws(StoreError) -> (Data, Double?)?

    /// Ends a session.
    func removeSession(key: String) throws(StoreError)

    /// Drops expired sessions and links (a daily chore of the server).
    func pruneSessions(now: Double, nowISO: String) throws(StoreError)

    /// A new API key and its token (`dbk_…`), shown this once.
    func createAPIKey(role: String, school: String?, label: String, audit: AuditContext) throws(StoreError)
        -> (APIKey, key: String)

    /// Every API key, revoked ones included, oldest first.
    func apiKeys() throws(StoreError) -> [APIKey]

    /// The live key a bearer token is, or nil (unknown and revoked alike).
    func apiKey(token: String) throws(StoreError) -> APIKey?

    /// Revokes an API key; revoking one already revoked changes nothing.
    func revokeAPIKey(_ id: Int, audit: AuditContext) throws(StoreError) -> APIKey

    // MARK: Audit

    /// Every entry of the audit chain, in order.
    func auditEntries() throws(StoreError) -> [AuditEntry]

    /// Walks the chain and every sealed row; with `head`, also checks the chain against a hash kept
    /// outside the database.
    func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification
}

extension ScheduleStore {
    /// Every item published for `year`, in time order, read as fast as the engine can.
    public func items(year: String) throws(StoreError) -> [TrackedItem] {
        try items(year: year, onEveryCore: true)
    }

    /// The year in time order, then moved into each school's list: what an engine without a read
    /// of its own by school gives (PostgreSQL's).
    public func itemsBySchool(year: String, onEveryCore: Bool) throws(StoreError) -> [String: [TrackedItem]] {
        try items(year: year, onEveryCore: onEveryCore).movedBySchool()
    }

    /// Every item published for `year` by school, each school's in time order, read as fast as the
    /// engine can.
    public func itemsBySchool(year: String) throws(StoreError) -> [String: [TrackedItem]] {
        try itemsBySchool(year: year, onEveryCore: true)
    }

    /// `apply` without activity versions (a re-plan that did not change them).
    public func apply(_ result: ReplanResult, year: String, asOf: CalendarDate, audit: AuditContext)
        throws(StoreError)
    {
        try apply(result, year: year, asOf: asOf, versions: nil, audit: audit)
    }

    /// `completions(year:)`'s drills, their evidence cut to what a re-plan counts: what an engine
    /// without a read of its own gives (PostgreSQL's).
    public func drillRecords(year: String) throws(StoreError) -> [Completion] {
        try completions(year: year).compactMap { completion in
            guard completion.kind.isDrill else { return nil }
            var kept = completion
            kept.evidence = completion.evidence.filter { $0.key == .timeContext || $0.key == .present }
            return kept
        }
    }

    /// Walks the chain and every sealed row.
    public func verifyAudit() throws(StoreError) -> AuditVerification {
        try verifyAudit(head: nil)
    }
}

/// What both schedule engines share: which tables are sealed, how tokens are made, what an audit
/// entry says.
public enum ScheduleRecords {
    /// The tables sealed when sealing began (v7): frozen, as that migration is.
    package static let sealedAtV7 = [
        SealedTable(name: "item", key: "uid"), SealedTable(name: "completion", key: "id"),
        SealedTable(name: "alert", key: "id"),
    ]

    /// The tables whose rows the schedule's audit chain vouches for.
    package static let sealedTables =
        sealedAtV7 + [
            SealedTable(name: "feed", key: "id"), SealedTable(name: "app_user", key: "id"),
            SealedTable(name: "api_key", key: "id"),
        ]

    package static var itemTable: SealedTable { sealedTables[0] }
    package static var completionTable: SealedTable { sealedTables[1] }
    package static var alertTable: SealedTable { sealedTables[2] }
    package static var feedTable: SealedTable { sealedTables[3] }
    package static var userTable: SealedTable { sealedTables[4] }
    package static var apiKeyTable: SealedTable { sealedTables[5] }

    /// How long a run may hold an alert it is sending before another run may take it over: longer
    /// than any send (mail, or a webhook with its timeout), short enough that a killed run's alert
    /// goes out on the next one. 600 s, or DRILLBOOK_ALERT_LEASE_SECONDS (checked by the commands
    /// that send: `leaseProblem`).
    package static let leaseSeconds =
        ProcessInfo.processInfo.environment["DRILLBOOK_ALERT_LEASE_SECONDS"].flatMap { Int($0) }
        .flatMap { (1...3_600).contains($0) ? $0 : nil } ?? 600

    /// Why DRILLBOOK_ALERT_LEASE_SECONDS cannot be used, or nil when it is unset or good.
    public static func leaseProblem(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        guard let text = environment["DRILLBOOK_ALERT_LEASE_SECONDS"] else { return nil }
        guard let value = Int(text), (1...3_600).contains(value) else {
            return "DRILLBOOK_ALERT_LEASE_SECONDS \"\(text)\" is not a number of seconds from 1 to 3600"
        }
        return nil
    }

    /// When a claim made at `at` (ISO 8601) lapses.
    package static func leaseUntil(_ at: String) -> String {
        let formatter = ISO8601DateFormatter()
        let now = formatter.date(from: at) ?? Date()
        return formatter.string(from: now.addingTimeInterval(TimeInterval(leaseSeconds)))
    }

    /// Fields as an audit entry's detail: JSON, keys sorted (`JSONEncoder.sorted`'s bytes).
    package static func json(_ fields: [String: String]) -> String { SortedJSON.object(fields) }

    /// The detail of a schedule run's audit entry.
    package static func scheduleDetail(_ result: ReplanResult) -> String {
        let detail: [String: [String]] = [
            "added": [String(result.added.count)],
            "moved": result.moved.map { "\($0.to.item.id) \($0.from.item.date) -> \($0.to.item.date)" },
            "cancelled": result.cancelled.map(\.item.id),
        ]
        return (try? JSONEncoder.sorted.encode(detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A password-change entry's detail.
    package static func passwordDetail(totpSecret: String?) -> String {
        totpSecret == nil ? "{}" : "{\"totp\":\"enrolled\"}"
    }
}

/// Unguessable tokens: feeds, links, sessions, API keys, intake secrets.
public enum Tokens {
    /// 256 random bits, base64url.
    public static func random() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The database cannot be opened, read or written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Another writer got there first (an item recorded, a record corrected, at the same moment):
    /// the caller's request conflicts with what is now stored, and nothing was written.
    public var conflict: Bool
    public var description: String { message }

    package init(message: String, conflict: Bool = false) {
        self.message = message
        self.conflict = conflict
    }

    /// A server's URL where a file is expected: said as such, before SQLite reads it as a path it
    /// cannot open (or, with a folder named `postgres:`, creates).
    static func refuseServerURL(_ path: String) throws(StoreError) {
        guard let colon = path.firstIndex(of: ":"), path[colon...].hasPrefix("://") else { return }
        let scheme = path[..<colon].lowercased()
        guard scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return }
        guard ["postgres", "postgresql"].contains(scheme) else {
            throw StoreError(
                message:
                    "\(path): \(scheme):// databases are not supported; give a SQLite file's path "
                    + "(e.g. --db /srv/drillbook/drillbook.sqlite) or a postgres:// URL")
        }
        throw StoreError(message: "\(path): a PostgreSQL URL, where a SQLite file's path was expected")
    }
}
