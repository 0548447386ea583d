import Foundation
import Playbooks
import Store
import Synchronization
import Testing

@testable import PostgresStore

/// The incidents store's behaviour, the same on every engine: what a threat assessment team's
/// commands and `drillbook serve` rely on.
@Suite struct IncidentStoreTests {
    static let playbook = Playbook(
        id: "bomb-threat", version: "1.0.0", title: "Bomb threat", start: "call",
        steps: [Step(id: "call", kind: .task, title: "Take the call")], contentHash: "abc123")
    static let opened = [
        IncidentEvent(kind: .started, at: 1_820_000_000, actor: "mchen", data: ["playbook": "bomb-threat"]),
        IncidentEvent(kind: .factSet, at: 1_820_000_060, actor: "mchen", data: ["name": "caller", "value": "a\nb"]),
    ]

    @Test(arguments: Engine.available)
    func incidentsAreNumberedPerYearAndReadBackWithTheirEvents(engine: Engine) throws {
        let store = try TestDatabase(engine).incidents()
        let first = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: true, year: 2027, events: Self.opened)
        let second = try store.open(
            playbook: Self.playbook, school: "lakeside-hs", exercise: false, year: 2027, events: Self.opened)
        let nextYear = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2028, events: Self.opened)
        #expect([first, second, nextYear] == ["2027-0001", "2027-0002", "2028-0001"])
        #expect(try store.incidentIDs() == ["2027-0001", "2027-0002", "2028-0001"])

        let done = IncidentEvent(kind: .stepDone, at: 1_820_000_600, actor: "jdoe", step: "call")
        try store.append([done], to: first)
        let read = try store.incident(first)
        #expect(read.playbookID == "bomb-threat" && read.version == "1.0.0" && read.contentHash == "abc123")
        #expect(read.school == "harbor-es" && read.exercise)
        #expect(read.events == Self.opened + [done])
        #expect(try store.incident(second).exercise == false)
        #expect(throws: StoreError.self) { try store.incident("2027-0099") }
    }

    @Test(arguments: Engine.available)
    func theAuditChainNamesEveryWriteAndViewAndHoldsItsHead(engine: Engine) throws {
        let store = try TestDatabase(engine).incidents()
        let id = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened)
        try store.append([IncidentEvent(kind: .closed, at: 1_820_001_000, actor: "mchen")], to: id)
        try store.recordView("incidents", what: "list", actor: "jdoe", at: 1_820_002_000)
        let entries = try store.auditEntries()
        #expect(entries.map(\.action) == ["open", "events", "view"])
        #expect(entries.map(\.seq) == [1, 2, 3])
        #expect(entries[2].actor == "jdoe" && entries[2].at == "2027-09-03T20:06:40Z")
        #expect(zip(entries.dropFirst(), entries).allSatisfy { $0.previousHash == $1.hash })
        guard case .intact(let count, let head) = try store.verifyAudit() else {
            Issue.record("not intact: \(try store.verifyAudit())")
            return
        }
        #expect(count == 3 && head == entries[2].hash)
        #expect(try store.verifyAudit(head: entries[1].hash) == .intact(entries: 3, head: head))
        guard case .broken(_, let reason) = try store.verifyAudit(head: String(repeating: "f", count: 64)) else {
            Issue.record("a head the chain never held passed")
            return
        }
        #expect(reason.contains("kept head"))
    }

    @Test(arguments: Engine.available)
    func rowsChangedInsertedOrDeletedBehindTheStoreAreNamed(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.incidents()
        let id = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened)
        try store.append([IncidentEvent(kind: .closed, at: 1_820_001_000, actor: "mchen")], to: id)

        try database.tamper("UPDATE incident SET school = ? WHERE id = ?", ["lakeside-hs", id])
        #expect(
            try store.verifyAudit()
                == .tampered(["incident:2027-0001 differs from what audit entry 1 recorded: it was changed"]))
        try database.tamper("UPDATE incident SET school = ? WHERE id = ?", ["harbor-es", id])
        #expect(try store.verifyAudit() == .intact(entries: 2, head: try store.auditEntries()[1].hash))

        try database.tamper("DELETE FROM incident_event WHERE incident_id = ? AND seq = 3", [id])
        guard case .tampered(let deleted) = try store.verifyAudit() else {
            Issue.record("a deleted event passed")
            return
        }
        #expect(deleted == ["incident_event:2027-0001/3, recorded by audit entry 2, is missing: it was deleted"])

        try database.tamper(
            "INSERT INTO incident (id, playbook_id, version, content_hash, school, exercise) VALUES (?, 'x', '1', 'h', 's', false)",
            ["2027-0042"])
        guard case .tampered(let rows) = try store.verifyAudit() else {
            Issue.record("an inserted incident passed")
            return
        }
        #expect(rows.contains("incident:2027-0042 is in no audit entry: it was added behind Drillbook's back"))
    }

    @Test(arguments: Engine.available)
    func anEditedEventBreaksItsIncidentsChainAndAnEditedEntryTheAuditChain(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let store = try database.incidents()
        let id = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened)
        try database.tamper(
            "UPDATE incident_event SET body = replace(body, 'mchen', 'someone') WHERE incident_id = ? AND seq = 1", [id]
        )
        #expect {
            try store.incident(id)
        } throws: { error in
            "\(error)".contains("incident 2027-0001: event 1 was changed after it was written")
        }
        try database.tamper("UPDATE incident_audit SET actor = 'someone' WHERE seq = 1")
        #expect(
            try store.verifyAudit() == .broken(seq: 1, reason: "its content was changed after it was written"))
    }

    @Test(arguments: Engine.available)
    func aReportRetriedOrSentTwiceOpensOneIncident(engine: Engine) throws {
        let store = try TestDatabase(engine).incidents()
        let intake = (source: "tipline", externalID: "T-77", receivedAt: "2027-09-03T08:00:00Z")
        let first = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened,
            intake: intake)
        let again = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened,
            intake: intake)
        #expect(first.created && !again.created && first.id == again.id)
        #expect(try store.intakeIncident(source: "tipline", externalID: "T-77") == first.id)
        #expect(try store.intakeIncident(source: "tipline", externalID: "T-78") == nil)
        #expect(try store.incidentIDs() == [first.id])
    }

    @Test(arguments: Engine.available)
    func intakeSourcesAreAddedOnceListedAndRevoked(engine: Engine) throws {
        let store = try TestDatabase(engine).incidents()
        try store.addIntakeSource(name: "tipline", secret: "s3cret", at: "2027-08-01T00:00:00Z")
        try store.addIntakeSource(name: "alerts", secret: "other", at: "2027-08-02T00:00:00Z")
        #expect {
            try store.addIntakeSource(name: "tipline", secret: "again", at: "2027-08-03T00:00:00Z")
        } throws: { error in
            "\(error)" == "there is already an intake source tipline (`drillbook intake source list`)"
        }
        #expect(try store.intakeSecret("tipline") == "s3cret")
        try store.revokeIntakeSource("tipline", at: "2027-09-01T00:00:00Z")
        try store.revokeIntakeSource("tipline", at: "2027-10-01T00:00:00Z")
        #expect(try store.intakeSecret("tipline") == nil)
        #expect(try store.intakeSecret("nobody") == nil)
        let sources = try store.intakeSources()
        #expect(sources.map(\.name) == ["alerts", "tipline"])
        #expect(sources.map(\.revokedAt) == [nil, "2027-09-01T00:00:00Z"])
        #expect { try store.revokeIntakeSource("nobody", at: "2027-09-01T00:00:00Z") } throws: { error in
            "\(error)" == "there is no intake source nobody"
        }
    }

    @Test(arguments: Engine.available)
    func signOffAndAcknowledgementLinksWorkOnceAndExpire(engine: Engine) throws {
        let store = try TestDatabase(engine).incidents()
        let id = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened)
        let now = 1_820_000_000
        let signed = IncidentEvent(kind: .signedOff, at: now, actor: "principal", step: "call")

        let token = try store.createSignoffLink(incident: id, step: "call", role: "principal", expires: now + 3_600)
        #expect(try store.signoffLink(token: token, now: now)! == (id, "call", "principal"))
        #expect(try store.signoffLink(token: token, now: now + 3_600) == nil)
        #expect(try store.signoffLink(token: "forged", now: now) == nil)
        #expect(try store.useSignoffLink(token: token, now: now, events: [signed], to: id))
        #expect(try !store.useSignoffLink(token: token, now: now, events: [signed], to: id))
        #expect(try store.signoffLink(token: token, now: now) == nil)
        let late = try store.createSignoffLink(incident: id, step: "call", role: "principal", expires: now)
        #expect(try !store.useSignoffLink(token: late, now: now, events: [signed], to: id))

        let ack = try store.createAckLink(incident: id, step: "call", role: "receiver", at: now)
        #expect(try store.ackLink(token: ack, now: now + 6 * 86_400)! == (id, "call", "receiver"))
        #expect(try store.ackLink(token: ack, now: now + 7 * 86_400) == nil)
        let acknowledged = IncidentEvent(kind: .acknowledged, at: now, actor: "receiver", step: "call")
        #expect(try store.useAckLink(token: ack, now: now, events: [acknowledged], to: id))
        #expect(try !store.useAckLink(token: ack, now: now, events: [acknowledged], to: id))
        #expect(try store.incident(id).events == Self.opened + [signed, acknowledged])
        guard case .intact = try store.verifyAudit() else {
            Issue.record("links broke the chain: \(try store.verifyAudit())")
            return
        }
    }

    /// Two servers on one database are two stores; so are two `incident` commands at once.
    @Test(arguments: Engine.available)
    func writersAtOnceNeitherForkTheChainNorShareANumber(engine: Engine) throws {
        let database = try TestDatabase(engine)
        let stores = [try database.incidents(), try database.incidents()]
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            do {
                let store = stores[index % 2]
                for round in 0..<4 {
                    let id = try store.open(
                        playbook: Self.playbook, school: "s\(index)", exercise: false, year: 2027, events: Self.opened,
                        intake: (source: "tipline", externalID: "T-\(round)", receivedAt: "2027-09-03T08:00:00Z")
                    ).id
                    try store.append([IncidentEvent(kind: .stepDone, at: 1, actor: "w\(index)", step: "call")], to: id)
                }
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        // Four reports, each sent eight times: four incidents, each with its opening and eight steps.
        #expect(try stores[0].incidentIDs() == ["2027-0001", "2027-0002", "2027-0003", "2027-0004"])
        for id in try stores[1].incidentIDs() {
            #expect(try stores[1].incident(id).events.count == Self.opened.count + 8)
        }
        #expect(try stores[0].verifyAudit() == .intact(entries: 36, head: try stores[0].auditEntries().last!.hash))
    }
}

extension IncidentStoreTests {
    /// A server that kept connections open keeps working when PostgreSQL drops them (a restart, a
    /// fail-over, an idle timeout): the next call reconnects instead of failing.
    @Test(.enabled(if: Engine.serverURL != nil))
    func connectionsTheServerDroppedAreReplacedWithoutAFailedCall() throws {
        let database = try TestDatabase(.postgres)
        let store = try database.incidents()
        let id = try store.open(
            playbook: Self.playbook, school: "harbor-es", exercise: false, year: 2027, events: Self.opened)
        try database.tamper(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        #expect(try store.incidentIDs() == [id])
        try store.append([IncidentEvent(kind: .closed, at: 1_820_001_000, actor: "mchen")], to: id)
        #expect(try store.incident(id).events.count == Self.opened.count + 1)
    }
}

extension IncidentStoreTests {
    /// A statement the server does not answer in time fails the call, saying so, instead of
    /// holding a request (or a command) for ever; the pool goes on with a new connection.
    @Test(.enabled(if: Engine.serverURL != nil))
    func aStatementLeftUnansweredFailsInsteadOfHanging() throws {
        let database = try TestDatabase(.postgres)
        let pool = try PostgresPool(url: database.location, answerSeconds: 1)
        #expect {
            try pool.transaction(writing: nil) { session in try session.execute("SELECT pg_sleep(5)") }
        } throws: { error in
            "\(error)" == "the database did not answer within 1 s"
        }
        #expect(try pool.transaction(writing: nil) { session in try session.query("SELECT 1").count } == 1)
    }

    /// A statement read row by row (a year's items, every sealed row `audit verify` hashes) may take
    /// longer in all than the limit, as long as the server is never silent for that long; one that
    /// sends nothing for longer still fails.
    @Test(.enabled(if: Engine.serverURL != nil))
    func aLongReadFailsOnlyWhenTheServerFallsSilent() throws {
        let database = try TestDatabase(.postgres)
        let pool = try PostgresPool(url: database.location, answerSeconds: 1)
        let seen = Mutex(0)
        try pool.transaction(writing: nil) { session in
            try session.forEach("SELECT generate_series(1, 25)") { _ in
                usleep(100_000)
                seen.withLock { $0 += 1 }
            }
        }
        #expect(seen.withLock { $0 } == 25, "2.5 s of rows under a limit of 1 s")
        #expect {
            try pool.transaction(writing: nil) { session in
                try session.forEach("SELECT 1 FROM pg_sleep(3)") { _ in }
            }
        } throws: { error in
            "\(error)" == "the database did not answer within 1 s"
        }
    }
}

/// Errors from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ text: String) { lock.withLock { list.append(text) } }
    var all: [String] { lock.withLock { list } }
}

/// TLS to the database as libpq's `sslmode` says (the test server offers TLS with a certificate for
/// 127.0.0.1 from a throwaway authority).
@Suite(.enabled(if: Engine.serverURL != nil)) struct PostgresTLSTests {
    /// Whether the pool's connection to `url` is encrypted, as the server sees it.
    static func encrypted(_ url: String) throws -> Bool {
        try PostgresPool(url: url).transaction(writing: nil) { session in
            try session.query("SELECT ssl::text AS ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.text(
                "ssl") == "true"
        }
    }

    static var authorities: String { ProcessInfo.processInfo.environment["DRILLBOOK_TEST_POSTGRES_CA"] ?? "" }

    @Test func encryptedWhenOfferedVerifiedWhenAskedAndRefusedOnAnUnknownAuthority() throws {
        let database = try TestDatabase(.postgres)
        let url = database.location
        #expect(try Self.encrypted(url), "TLS is preferred, as by libpq")
        #expect(try !Self.encrypted(url + "?sslmode=disable"))
        #expect(try Self.encrypted(url + "?sslmode=require"))
        let trusted = url + "?sslmode=verify-full&sslrootcert=\(Self.authorities)/ca.pem"
        #expect(try Self.encrypted(trusted))
        // The store itself over it.
        let store = try PostgresIncidentStore(url: trusted)
        #expect(try store.incidentIDs().isEmpty)
        for mode in ["verify-ca", "verify-full"] {
            #expect {
                try PostgresIncidentStore(url: url + "?sslmode=\(mode)&sslrootcert=\(Self.authorities)/other-ca.pem")
            } throws: { error in
                "\(error)".contains("cannot connect")
            }
        }
        #expect {
            try PostgresPool(url: url + "?sslmode=sometimes")
        } throws: { error in
            "\(error)".contains(
                "sslmode=sometimes is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
    }
}
