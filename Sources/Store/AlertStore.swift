public import Dates
import Foundation
import GRDB

/// The state of one alert (an item, a ladder step, a channel, a recipient).
public enum AlertState: String, Sendable {
    case pending, sent, failed
}

/// Alerts sent: each is written as an intent before it is sent and with its result after, so a crash
/// can at worst repeat one message and never lose a record; one sent is never sent again.
extension SQLiteScheduleStore {
    static func registerAlerts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: alerts") { db in
            try db.create(table: "alert") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("item_uid", .text).notNull()
                table.column("step", .text).notNull()
                table.column("channel", .text).notNull()
                table.column("recipient", .text).notNull()
                table.column("status", .text).notNull()
                table.column("attempts", .integer).notNull()
                table.column("created_at", .text).notNull()
                table.column("sent_at", .text)
                table.column("error", .text)
                table.uniqueKey(["item_uid", "step", "channel", "recipient"])
            }
        }
        migrator.registerMigration("v5: the day an alert was sent") { db in
            // The `--as-of` day of the run that sent it: the per-recipient interval counts in these days.
            try db.alter(table: "alert") { table in table.add(column: "sent_on", .text) }
        }
        migrator.registerMigration("v6: alert leases") { db in
            try db.alter(table: "alert") { table in table.add(column: "lease_until", .text) }
        }
    }

    /// The last day anything about `itemUID` was sent to `recipient`, by `channel`.
    public func lastSent(itemUID: String, channel: String, recipient: String) throws(StoreError) -> CalendarDate? {
        do {
            return try database.read { db in
                try String.fetchOne(
                    db,
                    sql: """
                        SELECT max(sent_on) FROM alert
                        WHERE item_uid = ? AND channel = ? AND recipient = ? AND status = 'sent'
                        """,
                    arguments: [itemUID, channel, recipient]
                ).flatMap { CalendarDate($0) }
            }
        } catch {
            throw StoreError(message: "cannot read the alerts (\(error))")
        }
    }

    /// Alerts attempted and not sent (failed, or interrupted after the intent): still owed unless a
    /// later step reached the same recipient.
    public func unsentAlerts() throws(StoreError) -> [(
        itemUID: String, step: String, channel: String, recipient: String
    )] {
        do {
            return try database.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT item_uid, step, channel, recipient FROM alert WHERE status != 'sent' ORDER BY id"
                ).map {
                    (
                        $0.anyText("item_uid") ?? "", $0.anyText("step") ?? "", $0.anyText("channel") ?? "",
                        $0.anyText("recipient") ?? ""
                    )
                }
            }
        } catch {
            throw StoreError(message: "cannot read the alerts (\(error))")
        }
    }

    /// The steps sent to a recipient about an item, by channel.
    public func sentSteps(itemUID: String, channel: String, recipient: String) throws(StoreError) -> [String] {
        do {
            return try database.read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT step FROM alert WHERE item_uid = ? AND channel = ? AND recipient = ? AND status = 'sent'",
                    arguments: [itemUID, channel, recipient])
            }
        } catch {
            throw StoreError(message: "cannot read the alerts (\(error))")
        }
    }

    /// The state of an alert, if it was ever attempted.
    public func alertState(itemUID: String, step: String, channel: String, recipient: String) throws(StoreError)
        -> AlertState?
    {
        do {
            return try database.read { db in
                try String.fetchOne(
                    db,
                    sql: "SELECT status FROM alert WHERE item_uid = ? AND step = ? AND channel = ? AND recipient = ?",
                    arguments: [itemUID, step, channel, recipient]
                ).flatMap(AlertState.init(rawValue:))
            }
        } catch {
            throw StoreError(message: "cannot read alerts (\(error))")
        }
    }

    /// Claims an alert for this run and records the intent to send, before sending: in one write
    /// transaction, so of two runs at once (the CLI's cron job and the server, or two cron jobs)
    /// exactly one gets it. Returns its id, or nil when it was sent already or another run holds it.
    public func claimAlert(itemUID: String, step: String, channel: String, recipient: String, audit: AuditContext)
        throws(StoreError) -> Int?
    {
        let until = ScheduleRecords.leaseUntil(audit.at)
        do {
            return try database.write { db -> Int? in
                let key: [any DatabaseValueConvertible] = [itemUID, step, channel, recipient]
                if let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT status, lease_until FROM alert WHERE item_uid = ? AND step = ? AND channel = ? AND recipient = ?",
                    arguments: StatementArguments(key))
                {
                    let status = row.anyText("status")
                    if status == "sent" { return nil }
                    if status == "pending", let lease = row.anyText("lease_until"), lease > audit.at {
                        return nil
                    }
                }
                try db.execute(
                    sql: """
                        INSERT INTO alert (item_uid, step, channel, recipient, status, attempts, created_at, lease_until)
                        VALUES (?, ?, ?, ?, 'pending', 1, ?, ?)
                        ON CONFLICT (item_uid, step, channel, recipient)
                        DO UPDATE SET status = 'pending', attempts = attempts + 1, lease_until = excluded.lease_until
                        """,
                    arguments: [itemUID, step, channel, recipient, audit.at, until])
                let id = try Int.fetchOne(
                    db, sql: "SELECT id FROM alert WHERE item_uid = ? AND step = ? AND channel = ? AND recipient = ?",
                    arguments: StatementArguments(key))!
                try AuditLog.append(
                    db, context: audit, action: "alert-claimed", subject: itemUID,
                    detail: String(
                        decoding: try JSONEncoder.sorted.encode([
                            "step": step, "channel": channel, "recipient": recipient,
                        ]),
                        as: UTF8.self),
                    rows: try RowSeal.seal(db, ScheduleRecords.alertTable, keys: [id]))
                return id
            }
        } catch {
            throw StoreError(message: "cannot record an alert (\(error))")
        }
    }

    /// Records how the send went, and audits it.
    public func recordResult(alert id: Int, sent: Bool, error: String?, audit: AuditContext) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(
                    sql:
                        "UPDATE alert SET status = ?, sent_at = ?, sent_on = ?, error = ?, lease_until = NULL WHERE id = ?",
                    arguments: [sent ? "sent" : "failed", sent ? audit.at : nil, sent ? audit.asOf : nil, error, id])
                let row = try Row.fetchOne(db, sql: "SELECT * FROM alert WHERE id = ?", arguments: [id])!
                let detail: [String: String] = [
                    "step": row.anyText("step") ?? "", "channel": row.anyText("channel") ?? "",
                    "recipient": row.anyText("recipient") ?? "",
                    "status": sent ? "sent" : "failed", "error": error ?? "",
                ]
                try AuditLog.append(
                    db, context: audit, action: "alert", subject: row.anyText("item_uid") ?? "",
                    detail: String(decoding: try JSONEncoder.sorted.encode(detail), as: UTF8.self),
                    rows: try RowSeal.seal(db, ScheduleRecords.alertTable, keys: [id]))
            }
        } catch {
            throw StoreError(message: "cannot record an alert's result (\(error))")
        }
    }
}
