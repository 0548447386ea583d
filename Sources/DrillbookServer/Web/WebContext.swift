public import DrillbookKit
import Foundation
import HTTPTypes
public import Hummingbird
public import HummingbirdAuth
import Logging
public import NIOCore
public import Store

/// What a browser session holds: who signed in, the CSRF token of its forms, and whether the second
/// factor was given (district admins and the team must before they see anything).
public struct WebSession: Codable, Sendable {
    public var userID: Int
    public var csrf: String
    public var verified: Bool
}

/// The request context of every route: the session (hummingbird-auth) and the socket's peer, from
/// which the client's address is worked out (`ClientAddress`).
public struct WebContext: SessionRequestContext, RemoteAddressRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<WebSession>
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        remoteAddress = source.channel.remoteAddress
    }
}

/// Sessions in the database (they survive a restart), keyed by the SHA-256 of the cookie's value:
/// a copy of the database opens no one's session. hummingbird-auth's `SessionMiddleware` drives it.
struct StoreSessions: PersistDriver {
    let store: any ScheduleStore

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try write(key: key, value: value, expires: expires)
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try write(key: key, value: value, expires: expires)
    }

    private func write<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) throws {
        let until = expires.map { Date().timeIntervalSince1970 + Double($0.components.seconds) }
        try store.putSession(
            key: key, value: try JSONEncoder().encode(value), userID: (value as? WebSession)?.userID, expires: until)
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (
        object: Object, ttl: Duration?
    )? {
        let now = Date().timeIntervalSince1970
        guard let (data, expires) = try store.session(key: key, now: now) else { return nil }
        return (try JSONDecoder().decode(type, from: data), expires.map { .seconds(Int64($0 - now)) })
    }

    func remove(key: String) async throws { try store.removeSession(key: key) }
}

/// Who is acting: a signed-in user or an API key, with a role and (for most roles) a school.
public struct Principal: Sendable {
    public var role: AccountRole
    public var school: String?
    /// What the audit log records as the actor: the user's email, or `apikey N (label)`.
    public var name: String
    public var user: User?

    /// Whether the district-wide pages are theirs (others go to their school's page).
    var seesDistrict: Bool { role == .districtAdmin || (school == nil && (role == .partner || role == .team)) }

    /// Whether a school's pages are theirs to see.
    func sees(_ school: String) -> Bool { seesDistrict || self.school == school }

    /// Recording drills: admins of the school and its staff.
    func records(_ school: String) -> Bool {
        role == .districtAdmin || ((role == .schoolAdmin || role == .staff) && self.school == school)
    }

    /// Compliance reports: admins and partners (read-only).
    func reads(reportOf school: String?) -> Bool {
        switch role {
        case .districtAdmin: true
        case .schoolAdmin: school != nil && self.school == school
        case .partner: self.school == nil || self.school == school
        case .staff, .team: false
        }
    }

    /// Feed links: the district admin for all, a school admin for their school.
    func managesFeeds(of school: String?) -> Bool {
        role == .districtAdmin || (role == .schoolAdmin && school != nil && self.school == school)
    }

    var readsAudit: Bool { role == .districtAdmin }

    /// Staff, team and partners see the staff calendar's view (no unannounced drill's time before its
    /// day); admins see everything.
    var audience: Audience { role == .districtAdmin || role == .schoolAdmin ? .admin : .staff }
}

/// The client's address and scheme: the socket's, unless the socket is a configured reverse proxy,
/// whose `X-Forwarded-For` (the right-most address that is not itself a trusted proxy) and
/// `X-Forwarded-Proto` are then believed. From anyone else those headers are ignored.
struct ClientAddress: Sendable {
    var address: String
    var https: Bool

    static func resolve(peer: String?, headers: HTTPFields, trusted: Set<String>) -> ClientAddress {
        let peer = peer ?? "local"
        guard trusted.contains(peer) else { return ClientAddress(address: peer, https: false) }
        var address = peer
        if let forwarded = headers[values: HTTPField.Name("X-Forwarded-For")!].joined(separator: ",") as String?,
            !forwarded.isEmpty
        {
            let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            address = hops.reversed().first { !trusted.contains($0) && !$0.isEmpty } ?? peer
        }
        let proto = headers[HTTPField.Name("X-Forwarded-Proto")!]?.split(separator: ",").last
        return ClientAddress(
            address: address, https: proto?.trimmingCharacters(in: .whitespaces).lowercased() == "https")
    }
}

/// Failed sign-ins, in memory: at most 5 per account and 20 per client address in 15 minutes.
actor SignInLimiter {
    private var failures: [String: [ContinuousClock.Instant]] = [:]
    let window: Duration = .seconds(15 * 60)

    func allowed(account: String, address: String) -> Bool {
        prune()
        return (failures["account " + account.lowercased()]?.count ?? 0) < 5
            && (failures["address " + address]?.count ?? 0) < 20
    }

    func failed(account: String, address: String) {
        let now = ContinuousClock.now
        failures["account " + account.lowercased(), default: []].append(now)
        failures["address " + address, default: []].append(now)
    }

    func succeeded(account: String) { failures["account " + account.lowercased()] = nil }

    private func prune() {
        let cutoff = ContinuousClock.now - window
        failures = failures.compactMapValues { times in
            let kept = times.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
    }
}
