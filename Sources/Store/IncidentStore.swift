import Foundation
public import Playbooks

/// An incident as stored: its playbook pinned by id, version and content hash, and its events.
public struct StoredIncident: Sendable {
    public var id: String
    public var playbookID: String
    public var version: String
    public var contentHash: String
    public var school: String
    public var exercise: Bool
    public var events: [IncidentEvent]

    package init(
        id: String, playbookID: String, version: String, contentHash: String, school: String, exercise: Bool,
        events: [IncidentEvent]
    ) {
        self.id = id
        self.playbookID = playbookID
        self.version = version
        self.contentHash = contentHash
        self.school = school
        self.exercise = exercise
        self.events = events
    }
}

/// The incidents database: kept apart from the schedule so it can be held by fewer people. Events
/// are appended, never changed, and hash-chained per incident; every write also appends to the
/// database's own audit chain, which vouches for every incident and event row.
///
/// Two engines keep it: `SQLiteIncidentStore` (a file, the default) and `PostgresIncidentStore`
/// (a PostgreSQL database, for a state-wide service). Both give the same answers to the same calls;
/// `StoreTests` runs one suite against each.
public protocol IncidentStore: Sendable {
    /// Walks the chain and every incident and event against it; with `head`, also checks the chain
    /// against a hash kept elsewhere.
    func verifyAudit(head expected: String?) throws(StoreError) -> AuditVerification

    /// Creates an incident with its opening events, its id `<year>-<number>` (`2027-0003`). For a
    /// report from an intake source, in one transaction, so the same source and external id twice
    /// (a retry, two at once) open one incident; the second gets the first's id and `created` false.
    func open(
        playbook: Playbook, school: String, exercise: Bool, year: Int, events: [IncidentEvent],
        intake: (source: String, externalID: String, receivedAt: String)?
    ) throws(StoreError) -> (id: String, created: Bool)

    /// Appends events in one transaction.
    func append(_ events: [IncidentEvent], to id: String) throws(StoreError)

    /// An incident and its events; throws when it does not exist or its chain is broken.
    func incident(_ id: String) throws(StoreError) -> StoredIncident

    /// Every incident id, oldest first.
    func incidentIDs() throws(StoreError) -> [String]

    /// Every entry of the incidents database's audit chain, in order.
    func auditEntries() throws(StoreError) -> [AuditEntry]

    /// Records that someone looked at incidents (`status`, `report`, `list`): who and when, in the
    /// incidents database's audit chain.
    func recordView(_ subject: String, what: String, actor: String, at: Int) throws(StoreError)

    /// A sign-off link's token for a role on an incident's step, valid until `expires` (unix seconds).
    func createSignoffLink(incident: String, step: String, role: String, expires: Int) throws(StoreError) -> String

    /// What an unused, unexpired sign-off link is for, or nil.
    func signoffLink(token: String, now: Int) throws(StoreError) -> (incident: String, step: String, role: String)?

    /// Uses a sign-off link and appends its events in one transaction; false when it was used or
    /// expired meanwhile.
    func useSignoffLink(token: String, now: Int, events: [IncidentEvent], to id: String) throws(StoreError) -> Bool

    /// A link for the holder of `role` to acknowledge a late step (single use; a week at most).
    func createAckLink(incident: String, step: String, role: String, at: Int) throws(StoreError) -> String

    /// What an unused acknowledgement link (under a week old) is for, or nil.
    func ackLink(token: String, now: Int) throws(StoreError) -> (incident: String, step: String, role: String)?

    /// Uses an acknowledgement link and appends its event, in one transaction; false when used meanwhile.
    func useAckLink(token: String, now: Int, events: [IncidentEvent], to id: String) throws(StoreError) -> Bool

    /// A new intake source and its secret (shown once by the CLI).
    func addIntakeSource(name: String, secret: String, at: String) throws(StoreError)

    /// Every intake source: name, created, revoked.
    func intakeSources() throws(StoreError) -> [(name: String, createdAt: String, revokedAt: String?)]

    /// A live source's secret, or nil (unknown and revoked alike).
    func intakeSecret(_ name: String) throws(StoreError) -> String?

    /// The incident a source's report with this external id opened, if any.
    func intakeIncident(source: String, externalID: String) throws(StoreError) -> String?

    /// Revokes a source (its reports are refused from then on).
    func revokeIntakeSource(_ name: String, at: String) throws(StoreError)
}

extension IncidentStore {
    /// Walks the chain and every incident and event against it.
    public func verifyAudit() throws(StoreError) -> AuditVerification { try verifyAudit(head: nil) }

    /// Creates an incident with its opening events; returns its id.
    public func open(
        playbook: Playbook, school: String, exercise: Bool, year: Int, events: [IncidentEvent]
    ) throws(StoreError) -> String {
        try open(playbook: playbook, school: school, exercise: exercise, year: year, events: events, intake: nil).id
    }
}

/// What both engines share of the incidents database: its sealed tables, its audit table, how an
/// event links to the one before, and the texts a write puts in the audit chain.
package enum IncidentRecords {
    /// The tables the incidents database's own audit chain vouches for.
    package static let sealedTables = [
        SealedTable(name: "incident", key: "id"), SealedTable(name: "incident_event", key: "incident_id || '/' || seq"),
    ]

    package static let auditTable = "incident_audit"

    /// An event's link in its incident's chain. The fields cannot shift: the id is ASCII
    /// `[a-z0-9_-]`, the number digits, the body JSON (whose strings escape newlines).
    package static func hash(id: String, seq: Int, body: String, previous: String) -> String {
        sha256Hex([id, String(seq), body, previous].joined(separator: "\n"))
    }

    /// An event's stored text: its JSON, keys sorted.
    package static func body(_ event: IncidentEvent) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(event), as: UTF8.self)
    }

    /// Who wrote the database and when, for entries whose actor is in the events themselves.
    package static func writeContext() -> AuditContext {
        let now = ISO8601DateFormatter().string(from: Date())
        return AuditContext(actor: "drillbook", asOf: String(now.prefix(10)), at: now)
    }

    /// The audit context of a view at `at` (unix seconds) by `actor`.
    package static func viewContext(actor: String, at: Int) -> AuditContext {
        let time = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(at)))
        return AuditContext(actor: actor, asOf: String(time.prefix(10)), at: time)
    }

    /// A view entry's detail.
    package static func viewDetail(_ what: String) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(["what": what]), as: UTF8.self)
    }

    /// The id of a year's next incident, after `count` of that year.
    package static func nextID(year: Int, count: Int) -> String { "\(year)-" + String(format: "%04d", count + 1) }

    /// Acknowledgement links last a week.
    package static let ackLifetime = 7 * 86_400
}

/// An incident's events read back in order, each checked against its link: strict reads, so a
/// value of another type anywhere in the link is a changed event.
package struct IncidentEventReader {
    let id: String
    var previous = AuditLog.genesis
    package private(set) var events: [IncidentEvent] = []

    package init(id: String) { self.id = id }

    /// The next stored event: each field nil where the stored value is not of its type.
    package mutating func read(seq: Int?, body: String?, previousHash: String?, hash: String?) throws(StoreError) {
        let number = seq ?? 0
        guard let seq, let body, let hash, previousHash == previous,
            IncidentRecords.hash(id: id, seq: seq, body: body, previous: previous) == hash
        else {
            throw StoreError(message: "incident \(id): event \(number) was changed after it was written")
        }
        previous = hash
        do {
            events.append(try JSONDecoder().decode(IncidentEvent.self, from: Data(body.utf8)))
        } catch {
            throw StoreError(message: "incident \(id): event \(seq) cannot be read (\(error))")
        }
    }
}
