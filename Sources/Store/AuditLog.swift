import Foundation
import GRDB

/// Who is acting, and on what day: stamped on every audit entry.
public struct AuditContext: Sendable {
    public var actor: String
    /// The command's `--as-of` day.
    public var asOf: String
    /// The real time of the change, in UTC (`2027-09-03T20:14:05Z`).
    public var at: String

    public init(actor: String, asOf: String, at: String) {
        self.actor = actor
        self.asOf = asOf
        self.at = at
    }
}

/// One entry of the audit log.
public struct AuditEntry: Hashable, Sendable {
    public var seq: Int
    public var at: String
    public var asOf: String
    public var actor: String
    public var action: String
    public var subject: String
    public var detail: String
    public var previousHash: String
    public var hash: String
}

/// The append-only audit log, chained by SHA-256: each entry's hash covers its fields and the hash
/// before it, so an entry edited, removed or inserted behind Drillbook's back breaks the chain.
enum AuditLog {
    static let genesis = String(repeating: "0", count: 64)

    static func hash(
        seq: Int, at: String, asOf: String, actor: String, action: String, subject: String, detail: String,
        previous: String
    )
        -> String
    {
        sha256Hex([String(seq), at, asOf, actor, action, subject, detail, previous].joined(separator: "\n"))
    }

    /// Appends one entry inside the caller's transaction.
    static func append(_ db: Database, context: AuditContext, action: String, subject: String, detail: String) throws {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let seq = (last?["seq"] as Int? ?? 0) + 1
        let previous = last?["hash"] as String? ?? genesis
        let hash = hash(
            seq: seq, at: context.at, asOf: context.asOf, actor: context.actor, action: action, subject: subject,
            detail: detail,
            previous: previous)
        try db.execute(
            sql: """
                INSERT INTO audit (seq, at, as_of, actor, action, subject, detail, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [seq, context.at, context.asOf, context.actor, action, subject, detail, previous, hash])
    }
}

/// What `audit verify` found.
public enum AuditVerification: Sendable, Equatable {
    case intact(entries: Int, head: String)
    /// The first entry whose hash, link or number is wrong, and why.
    case broken(seq: Int, reason: String)
}

extension ScheduleStore {
    /// Every entry, in order.
    public func auditEntries() throws(StoreError) -> [AuditEntry] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY seq").map { row in
                    AuditEntry(
                        seq: row["seq"], at: row["at"], asOf: row["as_of"], actor: row["actor"], action: row["action"],
                        subject: row["subject"], detail: row["detail"], previousHash: row["previous_hash"],
                        hash: row["hash"])
                }
            }
        } catch {
            throw StoreError(message: "cannot read the audit log (\(error))")
        }
    }

    /// Walks the chain; with `head`, also checks the last hash against one kept outside the database.
    public func verifyAudit(head expected: String? = nil) throws(StoreError) -> AuditVerification {
        var previous = AuditLog.genesis
        let entries = try auditEntries()
        for (index, entry) in entries.enumerated() {
            if entry.seq != index + 1 { return .broken(seq: index + 1, reason: "entry \(index + 1) is missing") }
            if entry.previousHash != previous {
                return .broken(seq: entry.seq, reason: "it does not follow entry \(entry.seq - 1)")
            }
            let hash = AuditLog.hash(
                seq: entry.seq, at: entry.at, asOf: entry.asOf, actor: entry.actor, action: entry.action,
                subject: entry.subject,
                detail: entry.detail, previous: entry.previousHash)
            if hash != entry.hash {
                return .broken(seq: entry.seq, reason: "its content was changed after it was written")
            }
            previous = entry.hash
        }
        // Entries appended after the head was kept are normal; a kept head missing from the chain
        // means the chain was rewritten.
        if let expected, !entries.contains(where: { $0.hash == expected }), expected != AuditLog.genesis {
            return .broken(seq: 1, reason: "the chain no longer contains the kept head \(expected): it was rewritten")
        }
        return .intact(entries: entries.count, head: previous)
    }
}
