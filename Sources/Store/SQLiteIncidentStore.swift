import Foundation
import GRDB
public import Playbooks

/// The incidents database in a SQLite file (`drillbook-incidents.sqlite`, mode 0600).
public final class SQLiteIncidentStore: IncidentStore {
    let database: DatabaseQueue

    public init(path: String) throws(StoreError) {
        try StoreError.refuseServerURL(path)
        try SQLiteSetup.createPrivately(path)
        do {
            var configuration = SQLiteSetup.configuration()
            configuration.foreignKeysEnabled = true
            // Concurrent `incident` commands wait for each other instead of failing "database is locked".
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: path, configuration: configuration)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1: incidents and their events") { db in
                try db.create(table: "incident") { table in
                    table.primaryKey("id", .text)
                    table.column("playbook_id", .text).notNull()
                    table.column("version", .text).notNull()
                    table.column("content_hash", .text).notNull()
                    table.column("school", .text).notNull()
                    table.column("exercise", .boolean).notNull()
                }
                try db.create(table: "incident_event") { table in
                    table.column("incident_id", .text).notNull().references("incident", column: "id")
                    table.column("seq", .integer).notNull()
                    table.column("body", .text).notNull()
                    table.column("previous_hash", .text).notNull()
                    table.column("hash", .text).notNull()
                    table.primaryKey(["incident_id", "seq"])
                }
            }
            migrator.registerMigration("v2: sealed rows and the incidents audit chain") { db in
                try AuditLog.createTable(db, "incident_audit")
                try AuditLog.addSealColumns(db, "incident_audit")
                for table in Self.sealedTables {
                    try db.alter(table: table.name) { $0.add(column: "row_hash", .text) }
                }
                try AuditLog.sealAll(db, table: "incident_audit", tables: Self.sealedTables)
            }
            migrator.registerMigration("v3: intake sources and reports") { db in
                // Tip lines and alert services that post reports, each with its HMAC secret (kept:
                // it must be recomputed for every report; the file is 0600).
                try db.create(table: "intake_source") { table in
                    table.primaryKey("name", .text)
                    table.column("secret", .text).notNull()
                    table.column("created_at", .text).notNull()
                    table.column("revoked_at", .text)
                }
                // One incident per source and external id, whatever the retries.
                try db.create(table: "intake") { table in
                    table.column("source", .text).notNull()
                    table.column("external_id", .text).notNull()
                    table.column("incident_id", .text).notNull().references("incident", column: "id")
                    table.column("received_at", .text).notNull()
                    table.primaryKey(["source", "external_id"])
                }
            }
            migrator.registerMigration("v4: sign-off links") { db in
                // A role holder signs off from a mailed link, no account needed: single use, expiring,
                // only the token's hash kept.
                try db.create(table: "signoff_link") { table in
                    table.primaryKey("token_hash", .text)
                    table.column("incident_id", .text).notNull().references("incident", column: "id")
                    table.column("step", .text).notNull()
                    table.column("role", .text).notNull()
                    table.column("expires_at", .integer).notNull()
                    table.column("used_at", .integer)
                }
            }
            migrator.registerMigration("v5: acknowledgement links") { db in
                try db.create(table: "ack_link") { table in
                    table.primaryKey("token_hash", .text)
                    table.column("incident_id", .text).notNull().references("incident", column: "id")
                    table.column("step", .text).notNull()
                    table.column("role", .text).notNull()
                    table.column("created_at", .integer).notNull()
                    table.column("used_at", .integer)
                }
            }
            try Migrations.run(migrator, on: database)
        } catch {
            throw StoreError(message: "\(path): cannot open the incidents database (\(error))")
        }
    }

    static let sealedTables = IncidentRecords.sealedTables

    /// Walks the incidents database's chain and every incident and event against it; with `head`,
    /// also checks the chain against a hash kept elsewhere.
    public func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification {
        do {
            return try database.read { db in
                try AuditLog.verify(db, table: "incident_audit", sealed: Self.sealedTables, head: expected)
            }
        } catch {
            throw StoreError(message: "cannot read the incidents audit log (\(error))")
        }
    }

    /// The same, for a report from an intake source: in one transaction, so the same source and
    /// external id twice (a retry, two at once) open one incident; the second gets the first's id
    /// and `created` false.
    public func open(
        playbook: Playbook, school: String, exercise: Bool, year: Int, events: [IncidentEvent],
        intake: (source: String, externalID: String, receivedAt: String)?
    ) throws(StoreError) -> (id: String, created: Bool) {
        do {
            return try database.write { db -> (id: String, created: Bool) in
                if let intake,
                    let existing = try String.fetchOne(
                        db, sql: "SELECT incident_id FROM intake WHERE source = ? AND external_id = ?",
                        arguments: [intake.source, intake.externalID])
                {
                    return (existing, false)
                }
                let count =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incident WHERE id LIKE ?", arguments: ["\(year)-%"])
                    ?? 0
                let id = IncidentRecords.nextID(year: year, count: count)
                try db.execute(
                    sql:
                        "INSERT INTO incident (id, playbook_id, version, content_hash, school, exercise) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [id, playbook.id, playbook.version, playbook.contentHash, school, exercise])
                let opened = try RowSeal.seal(db, Self.sealedTables[0], keys: [id])
                try Self.append(db, id: id, events: events, sealing: opened)
                if let intake {
                    try db.execute(
                        sql: "INSERT INTO intake (source, external_id, incident_id, received_at) VALUES (?, ?, ?, ?)",
                        arguments: [intake.source, intake.externalID, id, intake.receivedAt])
                }
                return (id, true)
            }
        } catch {
            throw StoreError(message: "the incident was not opened (\(error))")
        }
    }

    /// Appends events in one transaction.
    public func append(_ events: [IncidentEvent], to id: String) throws(StoreError) {
        do { try database.write { db in try Self.append(db, id: id, events: events) } } catch {
            throw StoreError(message: "nothing was recorded (\(error))")
        }
    }

    /// Appends events to an incident's chain, and one entry naming them (and `sealing`) to the
    /// database's audit chain.
    private static func append(_ db: Database, id: String, events: [IncidentEvent], sealing: [String: String] = [:])
        throws
    {
        let last = try Row.fetchOne(
            db, sql: "SELECT seq, hash FROM incident_event WHERE incident_id = ? ORDER BY seq DESC LIMIT 1",
            arguments: [id])
        var seq = last?.anyInt("seq") ?? 0
        var previous = last?.anyText("hash") ?? AuditLog.genesis
        var keys: [String] = []
        for event in events {
            seq += 1
            let body = try IncidentRecords.body(event)
            let hash = IncidentRecords.hash(id: id, seq: seq, body: body, previous: previous)
            try db.execute(
                sql: "INSERT INTO incident_event (incident_id, seq, body, previous_hash, hash) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, seq, body, previous, hash])
            previous = hash
            keys.append("\(id)/\(seq)")
        }
        var rows = sealing
        rows.merge(try RowSeal.seal(db, sealedTables[1], keys: keys), uniquingKeysWith: { $1 })
        // Who acted is in each event; the entry says when the database was written, and what.
        try AuditLog.append(
            db, table: "incident_audit", context: IncidentRecords.writeContext(),
            action: sealing.isEmpty ? "events" : "open", subject: id, detail: "{}", rows: rows)
    }

    /// An incident and its events; throws when it does not exist or its chain is broken.
    public func incident(_ id: String) throws(StoreError) -> StoredIncident {
        do {
            return try database.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [id]) else {
                    throw StoreError(message: "incident \(id) does not exist")
                }
                var reader = IncidentEventReader(id: id)
                for event in try Row.fetchAll(
                    db, sql: "SELECT * FROM incident_event WHERE incident_id = ? ORDER BY seq", arguments: [id])
                {
                    try reader.read(
                        seq: event.integer("seq").map(Int.init), body: event.text("body"),
                        previousHash: event.text("previous_hash"), hash: event.text("hash"))
                }
                return StoredIncident(
                    id: id, playbookID: row.anyText("playbook_id") ?? "", version: row.anyText("version") ?? "",
                    contentHash: row.anyText("content_hash") ?? "", school: row.anyText("school") ?? "",
                    exercise: (row.anyInt("exercise") ?? 0) != 0, events: reader.events)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(message: "cannot read incident \(id) (\(error))")
        }
    }

    /// Every entry of the incidents database's audit chain, in order.
    public func auditEntries() throws(StoreError) -> [AuditEntry] {
        do { return try database.read { db in try AuditLog.entries(db, table: "incident_audit") } } catch {
            throw StoreError(message: "cannot read the incidents audit log (\(error))")
        }
    }

    /// Records that someone looked at incidents (`status`, `report`, `list`): who and when, in the
    /// incidents database's audit chain.
    public func recordView(_ subject: String, what: String, actor: String, at: Int) throws(StoreError) {
        do {
            try database.write { db in
                try AuditLog.append(
                    db, table: "incident_audit", context: IncidentRecords.viewContext(actor: actor, at: at),
                    action: "view", subject: subject, detail: try IncidentRecords.viewDetail(what))
            }
        } catch {
            throw StoreError(message: "the view was not recorded (\(error)); nothing was shown")
        }
    }

    // MARK: - Sign-off and acknowledgement links

    public func createSignoffLink(incident: String, step: String, role: String, expires: Int) throws(StoreError)
        -> String
    {
        try createLink(
            "INSERT INTO signoff_link (token_hash, incident_id, step, role, expires_at) VALUES (?, ?, ?, ?, ?)",
            incident: incident, step: step, role: role, time: expires)
    }

    public func signoffLink(token: String, now: Int) throws(StoreError) -> (
        incident: String, step: String, role: String
    )? {
        try link(
            "SELECT * FROM signoff_link WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            token: token, time: now)
    }

    public func useSignoffLink(token: String, now: Int, events: [IncidentEvent], to id: String) throws(StoreError)
        -> Bool
    {
        try useLink(
            "UPDATE signoff_link SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1",
            token: token, now: now, events: events, to: id)
    }

    public func createAckLink(incident: String, step: String, role: String, at: Int) throws(StoreError) -> String {
        try createLink(
            "INSERT INTO ack_link (token_hash, incident_id, step, role, created_at) VALUES (?, ?, ?, ?, ?)",
            incident: incident, step: step, role: role, time: at)
    }

    public func ackLink(token: String, now: Int) throws(StoreError) -> (incident: String, step: String, role: String)? {
        try link(
            "SELECT * FROM ack_link WHERE token_hash = ? AND used_at IS NULL AND created_at > ?",
            token: token, time: now - IncidentRecords.ackLifetime)
    }

    public func useAckLink(token: String, now: Int, events: [IncidentEvent], to id: String) throws(StoreError) -> Bool {
        try useLink(
            "UPDATE ack_link SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL",
            token: token, now: now, events: events, to: id)
    }

    /// A new link's token; only its hash is kept.
    private func createLink(_ insert: String, incident: String, step: String, role: String, time: Int)
        throws(StoreError) -> String
    {
        let token = Tokens.random()
        do {
            try database.write { db in
                try db.execute(sql: insert, arguments: [sha256Hex(token), incident, step, role, time])
            }
        } catch {
            throw StoreError(message: "the link was not made (\(error))")
        }
        return token
    }

    private func link(_ select: String, token: String, time: Int) throws(StoreError) -> (
        incident: String, step: String, role: String
    )? {
        do {
            return try database.read { db in
                try Row.fetchOne(db, sql: select, arguments: [sha256Hex(token), time]).map {
                    ($0.anyText("incident_id") ?? "", $0.anyText("step") ?? "", $0.anyText("role") ?? "")
                }
            }
        } catch {
            throw StoreError(message: "cannot read the links (\(error))")
        }
    }

    /// Marks a link used and appends its events in one transaction; false when it was used meanwhile.
    private func useLink(_ update: String, token: String, now: Int, events: [IncidentEvent], to id: String)
        throws(StoreError) -> Bool
    {
        do {
            return try database.write { db in
                try db.execute(sql: update, arguments: [now, sha256Hex(token)])
                guard db.changesCount == 1 else { return false }
                try Self.append(db, id: id, events: events)
                return true
            }
        } catch {
            throw StoreError(message: "nothing was recorded (\(error))")
        }
    }

    // MARK: - Intake sources

    /// A new source and its secret (shown once by the CLI).
    public func addIntakeSource(name: String, secret: String, at: String) throws(StoreError) {
        do {
            try database.write { db in
                if try Row.fetchOne(db, sql: "SELECT name FROM intake_source WHERE name = ?", arguments: [name]) != nil
                {
                    throw Refusal("there is already an intake source \(name) (`drillbook intake source list`)")
                }
                try db.execute(
                    sql: "INSERT INTO intake_source (name, secret, created_at) VALUES (?, ?, ?)",
                    arguments: [name, secret, at])
            }
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "the source was not added (\(error))")
        }
    }

    /// Every source: name, created, revoked.
    public func intakeSources() throws(StoreError) -> [(name: String, createdAt: String, revokedAt: String?)] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT name, created_at, revoked_at FROM intake_source ORDER BY name").map {
                    ($0.anyText("name") ?? "", $0.anyText("created_at") ?? "", $0.anyText("revoked_at"))
                }
            }
        } catch {
            throw StoreError(message: "cannot read the intake sources (\(error))")
        }
    }

    /// A live source's secret, or nil (unknown and revoked alike).
    public func intakeSecret(_ name: String) throws(StoreError) -> String? {
        do {
            return try database.read { db in
                try String.fetchOne(
                    db, sql: "SELECT secret FROM intake_source WHERE name = ? AND revoked_at IS NULL", arguments: [name]
                )
            }
        } catch {
            throw StoreError(message: "cannot read the intake sources (\(error))")
        }
    }

    /// The incident a source's report with this external id opened, if any.
    public func intakeIncident(source: String, externalID: String) throws(StoreError) -> String? {
        do {
            return try database.read { db in
                try String.fetchOne(
                    db, sql: "SELECT incident_id FROM intake WHERE source = ? AND external_id = ?",
                    arguments: [source, externalID])
            }
        } catch {
            throw StoreError(message: "cannot read the intake (\(error))")
        }
    }

    public func revokeIntakeSource(_ name: String, at: String) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute(
                    sql: "UPDATE intake_source SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?",
                    arguments: [at, name])
                if db.changesCount == 0 { throw Refusal("there is no intake source \(name)") }
            }
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "the source was not revoked (\(error))")
        }
    }

    /// Every incident id, oldest first.
    public func incidentIDs() throws(StoreError) -> [String] {
        do {
            return try database.read { db in try String.fetchAll(db, sql: "SELECT id FROM incident ORDER BY id") }
        } catch {
            throw StoreError(message: "cannot read incidents (\(error))")
        }
    }
}
