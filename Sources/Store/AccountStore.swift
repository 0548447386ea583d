public import Foundation
import GRDB

/// Someone who signs in to `drillbook serve`. The role is the server's word (`district-admin`,
/// `school-admin`, `staff`, `team`, `partner`); the store keeps it as text.
public struct User: Sendable, Equatable, Codable {
    public var id: Int
    public var email: String
    public var role: String
    /// The school a school admin, staff member, team member or partner belongs to; nil for the district.
    public var school: String?
    public var createdAt: String
    public var disabledAt: String?
    /// Whether a password was ever set (by the setup link).
    public var hasPassword: Bool
    /// Whether a second factor is enrolled.
    public var hasTOTP: Bool

    package init(
        id: Int, email: String, role: String, school: String?, createdAt: String, disabledAt: String?,
        hasPassword: Bool, hasTOTP: Bool
    ) {
        self.id = id
        self.email = email
        self.role = role
        self.school = school
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.hasPassword = hasPassword
        self.hasTOTP = hasTOTP
    }
}

/// What signing in checks: the bcrypt hash and the TOTP secret, never shown.
public struct Credentials: Sendable {
    public var user: User
    public var passwordHash: String?
    public var totpSecret: String?

    package init(user: User, passwordHash: String?, totpSecret: String?) {
        self.user = user
        self.passwordHash = passwordHash
        self.totpSecret = totpSecret
    }
}

/// A key for the JSON API (`Authorization: Bearer KEY`), of which only the hash is kept.
public struct APIKey: Sendable, Equatable {
    public var id: Int
    public var role: String
    public var school: String?
    public var label: String
    public var createdAt: String
    public var revokedAt: String?

    package init(id: Int, role: String, school: String?, label: String, createdAt: String, revokedAt: String?) {
        self.id = id
        self.role = role
        self.school = school
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension SQLiteScheduleStore {
    static func registerAccounts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9: users, sessions, one-time links, API keys") { db in
            try db.create(table: "app_user") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("email", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                table.column("role", .text).notNull()
                table.column("school_id", .text)
                table.column("password_hash", .text)
                table.column("totp_secret", .text)
                table.column("created_at", .text).notNull()
                table.column("disabled_at", .text)
                table.column("row_hash", .text)
            }
            // Setup and reset links: single use, expiring, only their hash kept.
            try db.create(table: "user_link") { table in
                table.primaryKey("token_hash", .text)
                table.column("user_id", .integer).notNull().references("app_user", column: "id")
                table.column("purpose", .text).notNull()
                table.column("expires_at", .text).notNull()
                table.column("used_at", .text)
            }
            // Web sessions (hummingbird-auth's session storage), keyed by the hash of the cookie.
            try db.create(table: "web_session") { table in
                table.primaryKey("key_hash", .text)
                table.column("value", .blob).notNull()
                table.column("expires_at", .double)
                table.column("user_id", .integer)
            }
            try db.create(table: "api_key") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("key_hash", .text).notNull().unique()
                table.column("role", .text).notNull()
                table.column("school_id", .text)
                table.column("label", .text).notNull()
                table.column("created_at", .text).notNull()
                table.column("revoked_at", .text)
                table.column("row_hash", .text)
            }
        }
    }

    static var userTable: SealedTable { ScheduleRecords.userTable }
    static var apiKeyTable: SealedTable { ScheduleRecords.apiKeyTable }

    /// A new user, and the token of a setup link valid until `expires` (ISO 8601, UTC).
    public func addUser(email: String, role: String, school: String?, expires: String, audit: AuditContext)
        throws(StoreError) -> (User, token: String)
    {
        let token = Tokens.random()
        do {
            let user = try database.write { db -> User in
                if try Row.fetchOne(db, sql: "SELECT id FROM app_user WHERE email = ?", arguments: [email]) != nil {
                    throw Refusal("there is already a user \(email) (`drillbook user list`)")
                }
                try db.execute(
                    sql: "INSERT INTO app_user (email, role, school_id, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [email, role, school, audit.at])
                let id = Int(db.lastInsertedRowID)
                try db.execute(
                    sql: "INSERT INTO user_link (token_hash, user_id, purpose, expires_at) VALUES (?, ?, 'setup', ?)",
                    arguments: [sha256Hex(token), id, expires])
                try AuditLog.append(
                    db, context: audit, action: "user-add", subject: "user \(id)",
                    detail: ScheduleRecords.json(["email": email, "role": role, "school": school ?? ""]),
                    rows: try RowSeal.seal(db, Self.userTable, keys: [id]))
                return try Self.user(db, id: id)!.user
            }
            return (user, token)
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "the user was not added (\(error))")
        }
    }

    /// Every user, disabled ones included, in the order they were added.
    public func users() throws(StoreError) -> [User] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM app_user ORDER BY id").map { Self.credentials($0).user }
            }
        } catch {
            throw StoreError(message: "cannot read the users (\(error))")
        }
    }

    /// A user and what signing in checks, by email (any case) or id.
    public func credentials(email: String) throws(StoreError) -> Credentials? {
        do {
            return try database.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE email = ?", arguments: [email]).map(
                    Self.credentials)
            }
        } catch {
            throw StoreError(message: "cannot read the users (\(error))")
        }
    }

    public func credentials(id: Int) throws(StoreError) -> Credentials? {
        do { return try database.read { db in try Self.user(db, id: id) } } catch {
            throw StoreError(message: "cannot read the users (\(error))")
        }
    }

    /// Disables a user at once: their sessions stop working on the next request.
    public func disableUser(email: String, audit: AuditContext) throws(StoreError) -> User {
        do {
            return try database.write { db -> User in
                guard
                    let found = try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE email = ?", arguments: [email])
                else { throw Refusal("there is no user \(email) (`drillbook user list`)") }
                let id = found.anyInt("id") ?? 0
                if found.anyText("disabled_at") == nil {
                    try db.execute(sql: "UPDATE app_user SET disabled_at = ? WHERE id = ?", arguments: [audit.at, id])
                    try AuditLog.append(
                        db, context: audit, action: "user-disable", subject: "user \(id)", detail: "{}",
                        rows: try RowSeal.seal(db, Self.userTable, keys: [id]))
                }
                return try Self.user(db, id: id)!.user
            }
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "the user was not disabled (\(error))")
        }
    }

    /// A single-use link of `purpose` (`reset`) for a user, valid until `expires`.
    public func issueLink(userID: Int, purpose: String, expires: String) throws(StoreError) -> String {
        let token = Tokens.random()
        do {
            try database.write { db in
                try db.execute(
                    sql: "INSERT INTO user_link (token_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
                    arguments: [sha256Hex(token), userID, purpose, expires])
            }
        } catch {
            throw StoreError(message: "the link was not made (\(error))")
        }
        return token
    }

    /// The user a link opens, if it is unused, unexpired and its user enabled; nothing is consumed.
    public func linkUser(token: String, purposes: [String], now: String) throws(StoreError) -> User? {
        do {
            return try database.read { db in try Self.openLink(db, token: token, purposes: purposes, now: now) }
        } catch {
            throw StoreError(message: "cannot read the links (\(error))")
        }
    }

    /// Sets a password (and, when given, a TOTP secret) through a link, consuming it: a second use
    /// finds nothing. Nil when the link is unknown, used or expired.
    public func setPassword(
        token: String, purposes: [String], passwordHash: String, totpSecret: String?, audit: AuditContext
    ) throws(StoreError) -> User? {
        do {
            return try database.write { db -> User? in
                guard let user = try Self.openLink(db, token: token, purposes: purposes, now: audit.at) else {
                    return nil
                }
                try db.execute(
                    sql: "UPDATE user_link SET used_at = ? WHERE token_hash = ?",
                    arguments: [audit.at, sha256Hex(token)])
                try db.execute(
                    sql: "UPDATE app_user SET password_hash = ?, totp_secret = COALESCE(?, totp_secret) WHERE id = ?",
                    arguments: [passwordHash, totpSecret, user.id])
                // Every other session of the user ends with the old password.
                try db.execute(sql: "DELETE FROM web_session WHERE user_id = ?", arguments: [user.id])
                try AuditLog.append(
                    db, context: audit, action: "user-password", subject: "user \(user.id)",
                    detail: ScheduleRecords.passwordDetail(totpSecret: totpSecret),
                    rows: try RowSeal.seal(db, Self.userTable, keys: [user.id]))
                return try Self.user(db, id: user.id)!.user
            }
        } catch {
            throw StoreError(message: "the password was not set (\(error))")
        }
    }

    static func openLink(_ db: Database, token: String, purposes: [String], now: String) throws -> User? {
        guard
            let link = try Row.fetchOne(
                db, sql: "SELECT * FROM user_link WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                arguments: [sha256Hex(token), now]),
            let purpose = link.anyText("purpose"), purposes.contains(purpose), let userID = link.anyInt("user_id"),
            let user = try user(db, id: userID)?.user, user.disabledAt == nil
        else { return nil }
        return user
    }

    // MARK: - Sessions (for hummingbird-auth's SessionMiddleware)

    /// Stores a session; `userID` lets a password change end the user's other sessions.
    public func putSession(key: String, value: Data, userID: Int?, expires: Double?) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO web_session (key_hash, value, expires_at, user_id) VALUES (?, ?, ?, ?)",
                    arguments: [sha256Hex(key), value, expires, userID])
            }
        } catch {
            throw StoreError(message: "the session was not saved (\(error))")
        }
    }

    /// A session's value and expiry (seconds since 1970), if it exists and has not expired by `now`.
    public func session(key: String, now: Double) throws(StoreError) -> (Data, Double?)? {
        do {
            return try database.read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT value, expires_at FROM web_session WHERE key_hash = ?",
                        arguments: [sha256Hex(key)])
                else { return nil }
                let expires = row.anyReal("expires_at")
                guard let value = row.anyBytes("value") else { return nil }
                if let expires, expires <= now { return nil }
                return (value, expires)
            }
        } catch {
            throw StoreError(message: "cannot read the session (\(error))")
        }
    }

    public func removeSession(key: String) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(sql: "DELETE FROM web_session WHERE key_hash = ?", arguments: [sha256Hex(key)])
            }
        } catch {
            throw StoreError(message: "the session was not removed (\(error))")
        }
    }

    /// Drops expired sessions and links (a daily chore of the server).
    public func pruneSessions(now: Double, nowISO: String) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(sql: "DELETE FROM web_session WHERE expires_at <= ?", arguments: [now])
                try db.execute(sql: "DELETE FROM user_link WHERE expires_at <= ?", arguments: [nowISO])
            }
        } catch {
            throw StoreError(message: "expired sessions were not removed (\(error))")
        }
    }

    // MARK: - API keys

    public func createAPIKey(role: String, school: String?, label: String, audit: AuditContext) throws(StoreError)
        -> (APIKey, key: String)
    {
        let key = "dbk_" + Tokens.random()
        do {
            let created = try database.write { db -> APIKey in
                try db.execute(
                    sql: "INSERT INTO api_key (key_hash, role, school_id, label, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [sha256Hex(key), role, school, label, audit.at])
                let id = Int(db.lastInsertedRowID)
                try AuditLog.append(
                    db, context: audit, action: "apikey-create", subject: "apikey \(id)",
                    detail: ScheduleRecords.json(["role": role, "school": school ?? "", "label": label]),
                    rows: try RowSeal.seal(db, Self.apiKeyTable, keys: [id]))
                return Self.apiKey(try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id])!)
            }
            return (created, key)
        } catch {
            throw StoreError(message: "the API key was not created (\(error))")
        }
    }

    public func apiKeys() throws(StoreError) -> [APIKey] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY id").map(Self.apiKey)
            }
        } catch {
            throw StoreError(message: "cannot read the API keys (\(error))")
        }
    }

    /// The live key a bearer token is, or nil (unknown and revoked alike).
    public func apiKey(token: String) throws(StoreError) -> APIKey? {
        do {
            return try database.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
                    arguments: [sha256Hex(token)]
                ).map(Self.apiKey)
            }
        } catch {
            throw StoreError(message: "cannot read the API keys (\(error))")
        }
    }

    public func revokeAPIKey(_ id: Int, audit: AuditContext) throws(StoreError) -> APIKey {
        do {
            return try database.write { db -> APIKey in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id]) else {
                    throw Refusal("there is no API key \(id)")
                }
                if row.anyText("revoked_at") == nil {
                    try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ?", arguments: [audit.at, id])
                    try AuditLog.append(
                        db, context: audit, action: "apikey-revoke", subject: "apikey \(id)", detail: "{}",
                        rows: try RowSeal.seal(db, Self.apiKeyTable, keys: [id]))
                }
                return Self.apiKey(try Row.fetchOne(db, sql: "SELECT * FROM api_key WHERE id = ?", arguments: [id])!)
            }
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "the API key was not revoked (\(error))")
        }
    }

    // MARK: - Rows

    static func user(_ db: Database, id: Int) throws -> Credentials? {
        try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE id = ?", arguments: [id]).map(credentials)
    }

    static func credentials(_ row: Row) -> Credentials {
        let hash = row.anyText("password_hash")
        let secret = row.anyText("totp_secret")
        return Credentials(
            user: User(
                id: row.anyInt("id") ?? 0, email: row.anyText("email") ?? "", role: row.anyText("role") ?? "",
                school: row.anyText("school_id"), createdAt: row.anyText("created_at") ?? "",
                disabledAt: row.anyText("disabled_at"), hasPassword: hash != nil,
                hasTOTP: secret != nil),
            passwordHash: hash, totpSecret: secret)
    }

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(
            id: row.anyInt("id") ?? 0, role: row.anyText("role") ?? "", school: row.anyText("school_id"),
            label: row.anyText("label") ?? "", createdAt: row.anyText("created_at") ?? "",
            revokedAt: row.anyText("revoked_at"))
    }
}
