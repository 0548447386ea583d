import Foundation
public import Playbooks
public import Store

/// The incidents database in PostgreSQL (`--incidents-db postgres://…`): the same tables, events,
/// chains and seals as `SQLiteIncidentStore`, so `audit verify` and every incident command answer
/// alike on both. Every write takes the database's advisory lock first: two servers on one
/// database append to one audit chain in turn, and two reports with the same external id open one
/// incident.
public final class PostgresIncidentStore: IncidentStore {
    let pool: PostgresPool
    static let writers = "drillbook incidents"
    private static let audit = IncidentRecords.auditTable
    private static let sealedTables = IncidentRecords.sealedTables

    /// Connects to the database at `url` and brings its tables up to date; with `district`, that
    /// district's own tables in a database of many (`PostgresDistricts.open`).
    public init(url: String, district: PostgresDistricts.Scope? = nil) throws(StoreError) {
        pool = try PostgresPool(url: url, schema: district?.schema)
        do {
            try Self.migrations.run(on: pool)
        } catch {
            throw StoreError(message: "\(pool.shown): cannot open the incidents database (\(error))")
        }
    }

    /// The SQLite store's migrations, by name, in PostgreSQL's words.
    static var migrations: PostgresMigrations {
        var migrations = PostgresMigrations()
        migrations.register(
            "v1: incidents and their events",
            [
                """
                CREATE TABLE incident (
                    id text PRIMARY KEY, playbook_id text NOT NULL, version text NOT NULL,
                    content_hash text NOT NULL, school text NOT NULL, exercise boolean NOT NULL)
                """,
                """
                CREATE TABLE incident_event (
                    incident_id text NOT NULL REFERENCES incident(id), seq bigint NOT NULL, body text NOT NULL,
                    previous_hash text NOT NULL, hash text NOT NULL, PRIMARY KEY (incident_id, seq))
                """,
            ])
        migrations.register(
            "v2: sealed rows and the incidents audit chain",
            [
                PostgresAuditLog.createTable(audit),
                "ALTER TABLE incident ADD COLUMN row_hash text",
                "ALTER TABLE incident_event ADD COLUMN row_hash text",
            ])
        migrations.register(
            "v3: intake sources and reports",
            [
                """
                CREATE TABLE intake_source (
                    name text PRIMARY KEY, secret text NOT NULL, created_at text NOT NULL, revoked_at text)
                """,
                """
                CREATE TABLE intake (
                    source text NOT NULL, external_id text NOT NULL,
                    incident_id text NOT NULL REFERENCES incident(id), received_at text NOT NULL,
                    PRIMARY KEY (source, external_id))
                """,
            ])
        migrations.register(
            "v4: sign-off links",
            [
                """
                CREATE TABLE signoff_link (
                    token_hash text PRIMARY KEY, incident_id text NOT NULL REFERENCES incident(id),
                    step text NOT NULL, role text NOT NULL, expires_at bigint NOT NULL, used_at bigint)
                """
            ])
        migrations.register(
            "v5: acknowledgement links",
            [
                """
                CREATE TABLE ack_link (
                    token_hash text PRIMARY KEY, incident_id text NOT NULL REFERENCES incident(id),
                    step text NOT NULL, role text NOT NULL, created_at bigint NOT NULL, used_at bigint)
                """
            ])
        return migrations
    }

    private func write<T>(_ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        try pool.write(Self.writers, failure, body)
    }

    private func read<T>(_ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        try pool.read(failure, body)
    }

    public func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification {
        try read("cannot read the incidents audit log") { session in
            try PostgresAuditLog.verify(
                session, table: Self.audit, sealed: Self.sealedTables, head: expected, pool: pool)
        }
    }

    public func open(
        playbook: Playbook, school: String, exercise: Bool, year: Int, events: [IncidentEvent],
        intake: (source: String, externalID: String, receivedAt: String)?
    ) throws(StoreError) -> (id: String, created: Bool) {
        try write("the incident was not opened") { session -> (id: String, created: Bool) in
            if let intake,
                let existing = try session.query(
                    "SELECT incident_id FROM intake WHERE source = $1 AND external_id = $2",
                    [.text(intake.source), .text(intake.externalID)]
                ).first?.text("incident_id")
            {
                return (existing, false)
            }
            let count =
                try session.query("SELECT count(*) AS n FROM incident WHERE id LIKE $1", [.text("\(year)-%")])
                .first?.integer("n") ?? 0
            let id = IncidentRecords.nextID(year: year, count: count)
            try session.execute(
                """
                INSERT INTO incident (id, playbook_id, version, content_hash, school, exercise)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    .text(id), .text(playbook.id), .text(playbook.version), .text(playbook.contentHash),
                    .text(school), .bool(exercise),
                ])
            let opened = try PostgresRowSeal.seal(session, Self.sealedTables[0], keys: [id])
            try Self.append(session, id: id, events: events, sealing: opened)
            if let intake {
                try session.execute(
                    "INSERT INTO intake (source, external_id, incident_id, received_at) VALUES ($1, $2, $3, $4)",
                    [.text(intake.source), .text(intake.externalID), .text(id), .text(intake.receivedAt)])
            }
            return (id, true)
        }
    }

    public func append(_ events: [IncidentEvent], to id: String) throws(StoreError) {
        try write("nothing was recorded") { session in try Self.append(session, id: id, events: events) }
    }

    /// Appends events to an incident's chain, and one entry naming them (and `sealing`) to the
    /// database's audit chain.
    private static func append(
        _ session: PostgresSession, id: String, events: [IncidentEvent], sealing: [String: String] = [:]
    ) throws {
        let last = try session.query(
            "SELECT seq, hash FROM incident_event WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1", [.text(id)]
        ).first
        var seq = last?.integer("seq") ?? 0
        var previous = last?.text("hash") ?? AuditLog.genesis
        var keys: [String] = []
        for event in events {
            seq += 1
            let body = try IncidentRecords.body(event)
            let hash = IncidentRecords.hash(id: id, seq: seq, body: body, previous: previous)
            try session.execute(
                "INSERT INTO incident_event (incident_id, seq, body, previous_hash, hash) VALUES ($1, $2, $3, $4, $5)",
                [.text(id), .integer(seq), .text(body), .text(previous), .text(hash)])
            previous = hash
            keys.append("\(id)/\(seq)")
        }
        var rows = sealing
        rows.merge(try PostgresRowSeal.seal(session, sealedTables[1], keys: keys), uniquingKeysWith: { $1 })
        try PostgresAuditLog.append(
            session, table: audit, context: IncidentRecords.writeContext(),
            action: sealing.isEmpty ? "events" : "open", subject: id, detail: "{}", rows: rows)
    }

    public func incident(_ id: String) throws(StoreError) -> StoredIncident {
        try read("cannot read incident \(id)") { session in
            guard let row = try session.query("SELECT * FROM incident WHERE id = $1", [.text(id)]).first else {
                throw Refusal("incident \(id) does not exist")
            }
            var reader = IncidentEventReader(id: id)
            for event in try session.query(
                "SELECT * FROM incident_event WHERE incident_id = $1 ORDER BY seq", [.text(id)])
            {
                do {
                    try reader.read(
                        seq: event.integer("seq"), body: event.text("body"),
                        previousHash: event.text("previous_hash"), hash: event.text("hash"))
                } catch let error as StoreError {
                    throw Refusal(error.message)
                }
            }
            let exercise = row[column: "exercise"]?.canonical == .integer(1)
            return StoredIncident(
                id: id, playbookID: row.text("playbook_id") ?? "", version: row.text("version") ?? "",
                contentHash: row.text("content_hash") ?? "", school: row.text("school") ?? "", exercise: exercise,
                events: reader.events)
        }
    }

    public func incidentIDs() throws(StoreError) -> [String] {
        try read("cannot read incidents") { session in
            try session.query(#"SELECT id FROM incident ORDER BY id COLLATE "C""#).compactMap { $0.text("id") }
        }
    }

    public func auditEntries() throws(StoreError) -> [AuditEntry] {
        try read("cannot read the incidents audit log") { session in
            try PostgresAuditLog.entries(session, table: Self.audit)
        }
    }

    public func recordView(_ subject: String, what: String, actor: String, at: Int) throws(StoreError) {
        try write("the view was not recorded") { session in
            try PostgresAuditLog.append(
                session, table: Self.audit, context: IncidentRecords.viewContext(actor: actor, at: at),
                action: "view", subject: subject, detail: try IncidentRecords.viewDetail(what))
        }
    }

    // MARK: - Sign-off and acknowledgement links

    public func createSignoffLink(incident: String, step: String, role: String, expires: Int) throws(StoreError)
        -> String
    {
        try createLink(
            "INSERT INTO signoff_link (token_hash, incident_id, step, role, expires_at) VALUES ($1, $2, $3, $4, $5)",
            incident: incident, step: step, role: role, time: expires)
    }

    public func signoffLink(token: String, now: Int) throws(StoreError) -> (
        incident: String, step: String, role: String
    )? {
        try link(
            "SELECT * FROM signoff_link WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
            token: token, time: now)
    }

    public func useSignoffLink(token: String, now: Int, events: [IncidentEvent], to id: String) throws(StoreError)
        -> Bool
    {
        try useLink(
            "UPDATE signoff_link SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
            token: token, now: now, events: events, to: id)
    }

    public func createAckLink(incident: String, step: String, role: String, at: Int) throws(StoreError) -> String {
        try createLink(
            "INSERT INTO ack_link (token_hash, incident_id, step, role, created_at) VALUES ($1, $2, $3, $4, $5)",
            incident: incident, step: step, role: role, time: at)
    }

    public func ackLink(token: String, now: Int) throws(StoreError) -> (incident: String, step: String, role: String)? {
        try link(
            "SELECT * FROM ack_link WHERE token_hash = $1 AND used_at IS NULL AND created_at > $2",
            token: token, time: now - IncidentRecords.ackLifetime)
    }

    public func useAckLink(token: String, now: Int, events: [IncidentEvent], to id: String) throws(StoreError) -> Bool {
        try useLink(
            "UPDATE ack_link SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
            token: token, now: now, events: events, to: id)
    }

    /// A new link's token; only its hash is kept.
    private func createLink(_ insert: String, incident: String, step: String, role: String, time: Int)
        throws(StoreError) -> String
    {
        let token = Tokens.random()
        try write("the link was not made") { session in
            _ = try session.execute(
                insert, [.text(sha256Hex(token)), .text(incident), .text(step), .text(role), .integer(time)])
        }
        return token
    }

    private func link(_ select: String, token: String, time: Int) throws(StoreError) -> (
        incident: String, step: String, role: String
    )? {
        try read("cannot read the links") { session in
            try session.query(select, [.text(sha256Hex(token)), .integer(time)]).first.map {
                ($0.text("incident_id") ?? "", $0.text("step") ?? "", $0.text("role") ?? "")
            }
        }
    }

    /// Marks a link used and appends its events in one transaction; false when it was used meanwhile.
    private func useLink(_ update: String, token: String, now: Int, events: [IncidentEvent], to id: String)
        throws(StoreError) -> Bool
    {
        try write("nothing was recorded") { session in
            guard try session.execute(update, [.integer(now), .text(sha256Hex(token))]) == 1 else { return false }
            try Self.append(session, id: id, events: events)
            return true
        }
    }

    // MARK: - Intake sources

    public func addIntakeSource(name: String, secret: String, at: String) throws(StoreError) {
        try write("the source was not added") { session in
            if !(try session.query("SELECT name FROM intake_source WHERE name = $1", [.text(name)]).isEmpty) {
                throw Refusal("there is already an intake source \(name) (`drillbook intake source list`)")
            }
            try session.execute(
                "INSERT INTO intake_source (name, secret, created_at) VALUES ($1, $2, $3)",
                [.text(name), .text(secret), .text(at)])
        }
    }

    public func intakeSources() throws(StoreError) -> [(name: String, createdAt: String, revokedAt: String?)] {
        try read("cannot read the intake sources") { session in
            try session.query(#"SELECT name, created_at, revoked_at FROM intake_source ORDER BY name COLLATE "C""#).map
            {
                ($0.text("name") ?? "", $0.text("created_at") ?? "", $0.text("revoked_at"))
            }
        }
    }

    public func intakeSecret(_ name: String) throws(StoreError) -> String? {
        try read("cannot read the intake sources") { session in
            try session.query(
                "SELECT secret FROM intake_source WHERE name = $1 AND revoked_at IS NULL", [.text(name)]
            ).first?.text("secret")
        }
    }

    public func intakeIncident(source: String, externalID: String) throws(StoreError) -> String? {
        try read("cannot read the intake") { session in
            try session.query(
                "SELECT incident_id FROM intake WHERE source = $1 AND external_id = $2",
                [.text(source), .text(externalID)]
            ).first?.text("incident_id")
        }
    }

    public func revokeIntakeSource(_ name: String, at: String) throws(StoreError) {
        try write("the source was not revoked") { session in
            let changed = try session.execute(
                "UPDATE intake_source SET revoked_at = COALESCE(revoked_at, $1) WHERE name = $2",
                [.text(at), .text(name)])
            if changed == 0 { throw Refusal("there is no intake source \(name)") }
        }
    }
}
