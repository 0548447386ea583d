public import Dates
public import Foundation
import PostgresNIO
public import Store

/// What `drillbook serve` keeps in the schedule database, in PostgreSQL: alerts, feeds, users, their
/// links and sessions, API keys. Shared by every server on the database: a session made on one is
/// good on the other, and an alert claimed by one is not sent by the other.
extension PostgresScheduleStore {
    // MARK: - Alerts

    public func lastSent(itemUID: String, channel: String, recipient: String) throws(StoreError) -> CalendarDate? {
        try read("cannot read the alerts") { session in
            try session.query(
                """
                SELECT max(sent_on COLLATE "C") AS day FROM alert
                WHERE item_uid = $1 AND channel = $2 AND recipient = $3 AND status = 'sent'
                """, [.text(itemUID), .text(channel), .text(recipient)]
            ).first?.text("day").flatMap { CalendarDate($0) }
        }
    }

    public func unsentAlerts() throws(StoreError) -> [(
        itemUID: String, step: String, channel: String, recipient: String
    )] {
        try read("cannot read the alerts") { session in
            try session.query("SELECT item_uid, step, channel, recipient FROM alert WHERE status <> 'sent' ORDER BY id")
                .map {
                    (
                        $0.text("item_uid") ?? "", $0.text("step") ?? "", $0.text("channel") ?? "",
                        $0.text("recipient") ?? ""
                    )
                }
        }
    }

    public func sentSteps(itemUID: String, channel: String, recipient: String) throws(StoreError) -> [String] {
        try read("cannot read the alerts") { session in
            try session.query(
                """
                SELECT step FROM alert WHERE item_uid = $1 AND channel = $2 AND recipient = $3 AND status = 'sent'
                ORDER BY id
                """, [.text(itemUID), .text(channel), .text(recipient)]
            ).compactMap { $0.text("step") }
        }
    }

    public func alertState(itemUID: String, step: String, channel: String, recipient: String) throws(StoreError)
        -> AlertState?
    {
        try read("cannot read alerts") { session in
            try session.query(
                "SELECT status FROM alert WHERE item_uid = $1 AND step = $2 AND channel = $3 AND recipient = $4",
                [.text(itemUID), .text(step), .text(channel), .text(recipient)]
            ).first?.text("status").flatMap(AlertState.init(rawValue:))
        }
    }

    public func claimAlert(itemUID: String, step: String, channel: String, recipient: String, audit: AuditContext)
        throws(StoreError) -> Int?
    {
        let key: [PostgresSession.Value] = [.text(itemUID), .text(step), .text(channel), .text(recipient)]
        return try write("cannot record an alert") { session -> Int? in
            // Under the writers' lock, so the check and the claim are one step for every server.
            if let row = try session.query(
                """
                SELECT status, lease_until FROM alert
                WHERE item_uid = $1 AND step = $2 AND channel = $3 AND recipient = $4
                """, key
            ).first {
                let status = row.text("status")
                if status == "sent" { return nil }
                if status == "pending", let lease = row.text("lease_until"), lease > audit.at { return nil }
            }
            guard
                let id = try session.query(
                    """
                    INSERT INTO alert (item_uid, step, channel, recipient, status, attempts, created_at, lease_until)
                    VALUES ($1, $2, $3, $4, 'pending', 1, $5, $6)
                    ON CONFLICT (item_uid, step, channel, recipient)
                    DO UPDATE SET status = 'pending', attempts = alert.attempts + 1, lease_until = excluded.lease_until
                    RETURNING id
                    """, key + [.text(audit.at), .text(ScheduleRecords.leaseUntil(audit.at))]
                ).first?.integer("id")
            else { throw Refusal("the alert was not recorded") }
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "alert-claimed", subject: itemUID,
                detail: ScheduleRecords.json(["step": step, "channel": channel, "recipient": recipient]),
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.alertTable, keys: [String(id)]))
            return id
        }
    }

    public func recordResult(alert id: Int, sent: Bool, error: String?, audit: AuditContext) throws(StoreError) {
        try write("cannot record an alert's result") { session in
            guard
                let row = try session.query(
                    """
                    UPDATE alert SET status = $1, sent_at = $2, sent_on = $3, error = $4, lease_until = NULL
                    WHERE id = $5 RETURNING *
                    """,
                    [
                        .text(sent ? "sent" : "failed"), .text(sent ? audit.at : nil), .text(sent ? audit.asOf : nil),
                        .text(error), .integer(id),
                    ]
                ).first
            else { throw Refusal("there is no alert \(id)") }
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "alert", subject: row.text("item_uid") ?? "",
                detail: ScheduleRecords.json([
                    "step": row.text("step") ?? "", "channel": row.text("channel") ?? "",
                    "recipient": row.text("recipient") ?? "", "status": sent ? "sent" : "failed", "error": error ?? "",
                ]),
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.alertTable, keys: [String(id)]))
        }
    }

    // MARK: - Feeds

    public func createFeed(scope: String, audience: String, label: String, audit: AuditContext) throws(StoreError)
        -> (Feed, token: String)
    {
        let token = Tokens.random()
        let feed = try write("the feed was not created") { session -> Feed in
            let id =
                try session.query(
                    """
                    INSERT INTO feed (token_hash, scope, audience, label, created_at) VALUES ($1, $2, $3, $4, $5)
                    RETURNING id
                    """, [.text(sha256Hex(token)), .text(scope), .text(audience), .text(label), .text(audit.at)]
                ).first?.integer("id") ?? 0
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "feed-create", subject: "feed \(id)",
                detail: ScheduleRecords.json(["scope": scope, "audience": audience, "label": label]),
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.feedTable, keys: [String(id)]))
            return Feed(id: id, scope: scope, audience: audience, label: label, createdAt: audit.at, revokedAt: nil)
        }
        return (feed, token)
    }

    public func feeds() throws(StoreError) -> [Feed] {
        try read("cannot read the feeds") { session in
            try session.query("SELECT * FROM feed ORDER BY id").map(Self.feedOf)
        }
    }

    public func feed(token: String) throws(StoreError) -> Feed? {
        try pool.single("cannot read the feeds") { session in try Self.liveFeed(session, token: token) }
    }

    public func revokeFeed(_ id: Int, audit: AuditContext) throws(StoreError) -> Feed {
        try write("the feed was not revoked") { session -> Feed in
            guard let row = try session.query("SELECT * FROM feed WHERE id = $1", [.integer(id)]).first else {
                throw Refusal("there is no feed \(id)")
            }
            if row.text("revoked_at") != nil { return Self.feedOf(row) }
            let revoked = try session.query(
                "UPDATE feed SET revoked_at = $1 WHERE id = $2 RETURNING *", [.text(audit.at), .integer(id)])
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "feed-revoke", subject: "feed \(id)", detail: "{}",
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.feedTable, keys: [String(id)]))
            return revoked.first.map(Self.feedOf) ?? Self.feedOf(row)
        }
    }

    public func feedAndLastChange(token: String) throws(StoreError) -> (Feed?, seq: Int, at: String?) {
        // One statement, one round trip: every feed GET asks this.
        try pool.single("cannot read the feeds") { session in
            let row = try session.query(
                """
                SELECT last.seq AS last_seq, last.at AS last_at, feed.*
                FROM (SELECT max(seq) AS seq FROM audit) newest
                LEFT JOIN audit last ON last.seq = newest.seq
                LEFT JOIN feed ON feed.token_hash = $1 AND feed.revoked_at IS NULL
                """, [.text(sha256Hex(token))]
            ).first
            let feed = row.flatMap { $0.integer("id") == nil ? nil : Self.feedOf($0) }
            return (feed, row?.integer("last_seq") ?? 0, row?.text("last_at"))
        }
    }

    private static func liveFeed(_ session: PostgresSession, token: String) throws -> Feed? {
        try session.query(
            "SELECT * FROM feed WHERE token_hash = $1 AND revoked_at IS NULL", [.text(sha256Hex(token))]
        ).first.map(feedOf)
    }

    static func feedOf(_ row: PostgresRow) -> Feed {
        Feed(
            id: row.integer("id") ?? 0, scope: row.text("scope") ?? "", audience: row.text("audience") ?? "",
            label: row.text("label") ?? "", createdAt: row.text("created_at") ?? "", revokedAt: row.text("revoked_at"))
    }

    // MARK: - Users and their links

    public func addUser(email: String, role: String, school: String?, expires: String, audit: AuditContext)
        throws(StoreError) -> (User, token: String)
    {
        let token = Tokens.random()
        let user = try write("the user was not added") { session -> User in
            if !(try session.query("SELECT id FROM app_user WHERE lower(email) = lower($1)", [.text(email)]).isEmpty) {
                throw Refusal("there is already a user \(email) (`drillbook user list`)")
            }
            let id =
                try session.query(
                    "INSERT INTO app_user (email, role, school_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    [.text(email), .text(role), .text(school), .text(audit.at)]
                ).first?.integer("id") ?? 0
            try session.execute(
                "INSERT INTO user_link (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, 'setup', $3)",
                [.text(sha256Hex(token)), .integer(id), .text(expires)])
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "user-add", subject: "user \(id)",
                detail: ScheduleRecords.json(["email": email, "role": role, "school": school ?? ""]),
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.userTable, keys: [String(id)]))
            return try Self.user(session, id: id)!.user
        }
        return (user, token)
    }

    public func users() throws(StoreError) -> [User] {
        try read("cannot read the users") { session in
            try session.query("SELECT * FROM app_user ORDER BY id").map { Self.credentialsOf($0).user }
        }
    }

    public func credentials(email: String) throws(StoreError) -> Credentials? {
        try read("cannot read the users") { session in
            try session.query("SELECT * FROM app_user WHERE lower(email) = lower($1)", [.text(email)]).first.map(
                Self.credentialsOf)
        }
    }

    public func credentials(id: Int) throws(StoreError) -> Credentials? {
        try read("cannot read the users") { session in try Self.user(session, id: id) }
    }

    public func disableUser(email: String, audit: AuditContext) throws(StoreError) -> User {
        try write("the user was not disabled") { session -> User in
            guard
                let found = try session.query(
                    "SELECT * FROM app_user WHERE lower(email) = lower($1)", [.text(email)]
                ).first, let id = found.integer("id")
            else { throw Refusal("there is no user \(email) (`drillbook user list`)") }
            if found.text("disabled_at") == nil {
                try session.execute(
                    "UPDATE app_user SET disabled_at = $1 WHERE id = $2", [.text(audit.at), .integer(id)])
                try PostgresAuditLog.append(
                    session, table: "audit", context: audit, action: "user-disable", subject: "user \(id)",
                    detail: "{}",
                    rows: try PostgresRowSeal.seal(session, ScheduleRecords.userTable, keys: [String(id)]))
            }
            return try Self.user(session, id: id)!.user
        }
    }

    public func issueLink(userID: Int, purpose: String, expires: String) throws(StoreError) -> String {
        let token = Tokens.random()
        try write("the link was not made") { session in
            try session.execute(
                "INSERT INTO user_link (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
                [.text(sha256Hex(token)), .integer(userID), .text(purpose), .text(expires)])
        }
        return token
    }

    public func linkUser(token: String, purposes: [String], now: String) throws(StoreError) -> User? {
        try read("cannot read the links") { session in
            try Self.openLink(session, token: token, purposes: purposes, now: now)
        }
    }

    public func setPassword(
        token: String, purposes: [String], passwordHash: String, totpSecret: String?, audit: AuditContext
    ) throws(StoreError) -> User? {
        try write("the password was not set") { session -> User? in
            guard let user = try Self.openLink(session, token: token, purposes: purposes, now: audit.at) else {
                return nil
            }
            try session.execute(
                "UPDATE user_link SET used_at = $1 WHERE token_hash = $2", [.text(audit.at), .text(sha256Hex(token))])
            try session.execute(
                "UPDATE app_user SET password_hash = $1, totp_secret = COALESCE($2, totp_secret) WHERE id = $3",
                [.text(passwordHash), .text(totpSecret), .integer(user.id)])
            // Every other session of the user ends with the old password.
            try session.execute("DELETE FROM web_session WHERE user_id = $1", [.integer(user.id)])
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "user-password", subject: "user \(user.id)",
                detail: ScheduleRecords.passwordDetail(totpSecret: totpSecret),
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.userTable, keys: [String(user.id)]))
            return try Self.user(session, id: user.id)!.user
        }
    }

    private static func openLink(_ session: PostgresSession, token: String, purposes: [String], now: String) throws
        -> User?
    {
        guard
            let link = try session.query(
                #"SELECT * FROM user_link WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 COLLATE "C""#,
                [.text(sha256Hex(token)), .text(now)]
            ).first,
            let purpose = link.text("purpose"), purposes.contains(purpose), let userID = link.integer("user_id"),
            let user = try Self.user(session, id: userID)?.user, user.disabledAt == nil
        else { return nil }
        return user
    }

    private static func user(_ session: PostgresSession, id: Int) throws -> Credentials? {
        try session.query("SELECT * FROM app_user WHERE id = $1", [.integer(id)]).first.map(credentialsOf)
    }

    private static func credentialsOf(_ row: PostgresRow) -> Credentials {
        let hash = row.text("password_hash")
        let secret = row.text("totp_secret")
        return Credentials(
            user: User(
                id: row.integer("id") ?? 0, email: row.text("email") ?? "", role: row.text("role") ?? "",
                school: row.text("school_id"), createdAt: row.text("created_at") ?? "",
                disabledAt: row.text("disabled_at"), hasPassword: hash != nil, hasTOTP: secret != nil),
            passwordHash: hash, totpSecret: secret)
    }

    // MARK: - Sessions

    public func putSession(key: String, value: Data, userID: Int?, expires: Double?) throws(StoreError) {
        try pool.write(Self.sessionWriters, "the session was not saved") { session in
            try session.execute(
                """
                INSERT INTO web_session (key_hash, value, expires_at, user_id) VALUES ($1, $2, $3, $4)
                ON CONFLICT (key_hash) DO UPDATE
                SET value = excluded.value, expires_at = excluded.expires_at, user_id = excluded.user_id
                """,
                [.text(sha256Hex(key)), .bytes(Array(value)), expires.map { .double($0) } ?? .null, .integer(userID)])
        }
    }

    public func session(key: String, now: Double) throws(StoreError) -> (Data, Double?)? {
        try read("cannot read the session") { session in
            guard
                let row = try session.query(
                    "SELECT value, expires_at FROM web_session WHERE key_hash = $1", [.text(sha256Hex(key))]
                ).first, let value = row.bytes("value")
            else { return nil }
            let expires = row.double("expires_at")
            if let expires, expires <= now { return nil }
            return (Data(value), expires)
        }
    }

    public func removeSession(key: String) throws(StoreError) {
        try pool.write(Self.sessionWriters, "the session was not removed") { session in
            try session.execute("DELETE FROM web_session WHERE key_hash = $1", [.text(sha256Hex(key))])
        }
    }

    public func pruneSessions(now: Double, nowISO: String) throws(StoreError) {
        try write("expired sessions were not removed") { session in
            try session.execute("DELETE FROM web_session WHERE expires_at <= $1", [.double(now)])
            try session.execute(#"DELETE FROM user_link WHERE expires_at <= $1 COLLATE "C""#, [.text(nowISO)])
        }
    }

    // MARK: - API keys

    public func createAPIKey(role: String, school: String?, label: String, audit: AuditContext) throws(StoreError)
        -> (APIKey, key: String)
    {
        let key = "dbk_" + Tokens.random()
        let created = try write("the API key was not created") { session -> APIKey in
            guard
                let row = try session.query(
                    """
                    INSERT INTO api_key (key_hash, role, school_id, label, created_at) VALUES ($1, $2, $3, $4, $5)
                    RETURNING *
                    """, [.text(sha256Hex(key)), .text(role), .text(school), .text(label), .text(audit.at)]
                ).first, let id = row.integer("id")
            else { throw Refusal("the API key was not created") }
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "apikey-create", subject: "apikey \(id)",
                detail: ScheduleRecords.json(["role": role, "school": school ?? "", "label": label]),
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.apiKeyTable, keys: [String(id)]))
            return Self.apiKeyOf(row)
        }
        return (created, key)
    }

    public func apiKeys() throws(StoreError) -> [APIKey] {
        try read("cannot read the API keys") { session in
            try session.query("SELECT * FROM api_key ORDER BY id").map(Self.apiKeyOf)
        }
    }

    public func apiKey(token: String) throws(StoreError) -> APIKey? {
        try read("cannot read the API keys") { session in
            try session.query(
                "SELECT * FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL", [.text(sha256Hex(token))]
            ).first.map(Self.apiKeyOf)
        }
    }

    public func revokeAPIKey(_ id: Int, audit: AuditContext) throws(StoreError) -> APIKey {
        try write("the API key was not revoked") { session -> APIKey in
            guard let row = try session.query("SELECT * FROM api_key WHERE id = $1", [.integer(id)]).first else {
                throw Refusal("there is no API key \(id)")
            }
            guard row.text("revoked_at") == nil else { return Self.apiKeyOf(row) }
            let revoked = try session.query(
                "UPDATE api_key SET revoked_at = $1 WHERE id = $2 RETURNING *", [.text(audit.at), .integer(id)])
            try PostgresAuditLog.append(
                session, table: "audit", context: audit, action: "apikey-revoke", subject: "apikey \(id)",
                detail: "{}",
                rows: try PostgresRowSeal.seal(session, ScheduleRecords.apiKeyTable, keys: [String(id)]))
            return revoked.first.map(Self.apiKeyOf) ?? Self.apiKeyOf(row)
        }
    }

    private static func apiKeyOf(_ row: PostgresRow) -> APIKey {
        APIKey(
            id: row.integer("id") ?? 0, role: row.text("role") ?? "", school: row.text("school_id"),
            label: row.text("label") ?? "", createdAt: row.text("created_at") ?? "", revokedAt: row.text("revoked_at"))
    }
}
