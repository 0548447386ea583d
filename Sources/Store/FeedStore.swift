import Foundation
import GRDB

/// A calendar feed a district gave out: who may subscribe (a school's or the district's calendar,
/// for one audience) by an unguessable token, of which only the hash is kept.
public struct Feed: Sendable, Equatable {
    public var id: Int
    /// A school's id, or `district`.
    public var scope: String
    /// `admin` or `staff`.
    public var audience: String
    public var label: String
    public var createdAt: String
    public var revokedAt: String?

    package init(id: Int, scope: String, audience: String, label: String, createdAt: String, revokedAt: String?) {
        self.id = id
        self.scope = scope
        self.audience = audience
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension SQLiteScheduleStore {
    static func registerFeeds(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8: feeds") { db in
            try db.create(table: "feed") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("token_hash", .text).notNull().unique()
                table.column("scope", .text).notNull()
                table.column("audience", .text).notNull()
                table.column("label", .text).notNull()
                table.column("created_at", .text).notNull()
                table.column("revoked_at", .text)
                table.column("row_hash", .text)
            }
        }
    }

    /// A new feed and its token, which is shown this once: 256 random bits, base64url.
    public func createFeed(scope: String, audience: String, label: String, audit: AuditContext) throws(StoreError)
        -> (Feed, token: String)
    {
        let token = Tokens.random()
        do {
            let feed = try database.write { db -> Feed in
                try db.execute(
                    sql: "INSERT INTO feed (token_hash, scope, audience, label, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [sha256Hex(token), scope, audience, label, audit.at])
                let id = Int(db.lastInsertedRowID)
                try AuditLog.append(
                    db, context: audit, action: "feed-create", subject: "feed \(id)",
                    detail: ScheduleRecords.json(["scope": scope, "audience": audience, "label": label]),
                    rows: try RowSeal.seal(db, ScheduleRecords.feedTable, keys: [id]))
                return Feed(id: id, scope: scope, audience: audience, label: label, createdAt: audit.at, revokedAt: nil)
            }
            return (feed, token)
        } catch {
            throw StoreError(message: "the feed was not created (\(error))")
        }
    }

    /// Every feed, revoked ones included, oldest first.
    public func feeds() throws(StoreError) -> [Feed] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM feed ORDER BY id").map(Self.feed)
            }
        } catch {
            throw StoreError(message: "cannot read the feeds (\(error))")
        }
    }

    /// The live feed a token opens, or nil (unknown and revoked alike).
    public func feed(token: String) throws(StoreError) -> Feed? {
        do {
            return try database.read { db in
                // Cached statements: a feed GET is the server's hottest path.
                try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM feed WHERE token_hash = ? AND revoked_at IS NULL"),
                    arguments: [sha256Hex(token)]
                ).map(Self.feed)
            }
        } catch {
            throw StoreError(message: "cannot read the feeds (\(error))")
        }
    }

    /// Revokes a feed, at once; revoking one already revoked changes nothing.
    public func revokeFeed(_ id: Int, audit: AuditContext) throws(StoreError) -> Feed {
        do {
            return try database.write { db -> Feed in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM feed WHERE id = ?", arguments: [id]) else {
                    throw Refusal("there is no feed \(id)")
                }
                if row.anyText("revoked_at") != nil { return Self.feed(row) }
                try db.execute(sql: "UPDATE feed SET revoked_at = ? WHERE id = ?", arguments: [audit.at, id])
                try AuditLog.append(
                    db, context: audit, action: "feed-revoke", subject: "feed \(id)", detail: "{}",
                    rows: try RowSeal.seal(db, ScheduleRecords.feedTable, keys: [id]))
                return Self.feed(try Row.fetchOne(db, sql: "SELECT * FROM feed WHERE id = ?", arguments: [id])!)
            }
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "the feed was not revoked (\(error))")
        }
    }

    /// A feed's lookup and the last change in one read: what every feed GET needs, in one
    /// transaction on one pooled connection.
    public func feedAndLastChange(token: String) throws(StoreError) -> (Feed?, seq: Int, at: String?) {
        do {
            return try database.read { db in
                let feed = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM feed WHERE token_hash = ? AND revoked_at IS NULL"),
                    arguments: [sha256Hex(token)]
                ).map(Self.feed)
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT seq, at FROM audit ORDER BY seq DESC LIMIT 1"))
                return (feed, row?.anyInt("seq") ?? 0, row?.anyText("at"))
            }
        } catch {
            throw StoreError(message: "cannot read the feeds (\(error))")
        }
    }

    /// The number of the last audited write: it changes whenever anything a feed shows may have.
    public func lastChange() throws(StoreError) -> (seq: Int, at: String?) {
        do {
            return try database.read { db in
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT seq, at FROM audit ORDER BY seq DESC LIMIT 1"))
                return (row?.anyInt("seq") ?? 0, row?.anyText("at"))
            }
        } catch {
            throw StoreError(message: "cannot read the audit log (\(error))")
        }
    }

    static func feed(_ row: Row) -> Feed {
        Feed(
            id: row.anyInt("id") ?? 0, scope: row.anyText("scope") ?? "", audience: row.anyText("audience") ?? "",
            label: row.anyText("label") ?? "", createdAt: row.anyText("created_at") ?? "",
            revokedAt: row.anyText("revoked_at"))
    }
}
