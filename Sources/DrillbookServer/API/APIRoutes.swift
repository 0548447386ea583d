import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import Planning
import Store

/// `/api/v1`: the web app's actions for scripts and other systems, authenticated by API keys
/// (`drillbook apikey create`, sent as `Authorization: Bearer KEY`), with the roles and views of the
/// web app. `/openapi.json` describes it (Templates/web/openapi.json).
extension WebApp {
    func addAPIRoutes(to router: Router<WebContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: views.openAPI)))
        }
        router.get("/api/v1/items") { request, _ in
            let principal = try apiPrincipal(request)
            let school = try apiSchool(request, principal)
            let asOf = server.today()
            // A school's items alone when one is asked for (a state's year is 780,000).
            let year = try school.map { try schoolItems($0) } ?? Planner.published(loaded, store: store)
            let items = year.filter {
                principal.sees($0.item.schoolID) && (school == nil || $0.item.schoolID == school)
                    && Self.visible($0.item, to: principal, asOf: asOf)
            }
            let statuses = ItemJSON.statuses(
                items, loaded: loaded, completions: try Tracker.completions(loaded, store: store), asOf: asOf)
            return try Self.json(["items": zip(items, statuses).map { ItemJSON.Row($0, status: $1) }])
        }
        router.get("/api/v1/items/{school}/{item}") { request, context in
            let principal = try apiPrincipal(request)
            let (_, tracked) = try item(context, principal)
            let completions = try Tracker.completions(loaded, store: store)
            let status = ItemJSON.statuses([tracked], loaded: loaded, completions: completions, asOf: server.today())[0]
            return try Self.json(
                APIItemDetail(
                    item: ItemJSON.Row(tracked, status: status),
                    completions: completions.filter { $0.itemUID == tracked.item.uid }.map(APICompletion.init)))
        }
        router.post("/api/v1/items/{school}/{item}/completions") { request, context in
            let principal = try apiPrincipal(request)
            let (school, tracked) = try item(context, principal)
            try Self.forbid(principal.records(school.id), "this key's role may not record drills at \(school.id)")
            let buffer = try await request.body.collect(upTo: 1 << 20)
            guard let body = try? JSONDecoder().decode(APICompletionRequest.self, from: Data(buffer.readableBytesView))
            else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "the body is not JSON like {\"started_at\": \"2027-09-03T10:15\", \"evidence\": {\"head_count\": \"640\"}}"
                )
            }
            var evidence: [EvidenceField: String] = [:]
            var errors: [String: String] = [:]
            for (name, value) in body.evidence ?? [:] {
                guard let field = EvidenceField(rawValue: name), ![.startedAt, .endedAt].contains(field) else {
                    errors[name] = "is not an evidence field"
                    continue
                }
                evidence[field] = value
            }
            let asOf = server.today()
            errors.merge(
                RecordForm.problems(
                    loaded, kind: tracked.item.kind, school: school.id, startedText: body.startedAt,
                    endedText: body.endedAt ?? "", evidence: evidence, asOf: asOf)
            ) { first, _ in first }
            guard errors.isEmpty, let started = DateTimeArgument.wallTime(body.startedAt) else {
                return try Self.json(["errors": errors], status: .badRequest)
            }
            if !Completion.current(try Tracker.completions(loaded, store: store)).filter({
                $0.itemUID == tracked.item.uid
            }).isEmpty {
                return try Self.json(["errors": ["item": "is already done"]], status: .conflict)
            }
            do {
                let completion = try Tracker.complete(
                    tracked.item.id, loaded: loaded, store: store, startedAt: started,
                    endedAt: body.endedAt.flatMap { $0.isEmpty ? nil : DateTimeArgument.wallTime($0) },
                    durationMinutes: nil,
                    evidence: evidence, corrects: nil, actor: principal.name, asOf: asOf)
                return try Self.json(["completion": APICompletion(completion)], status: .created)
            } catch DrillbookError.conflict {
                // Recorded by another request (or server) between the check above and this write.
                return try Self.json(["errors": ["item": "is already done"]], status: .conflict)
            }
        }
        router.get("/api/v1/check") { request, _ in
            let principal = try apiPrincipal(request)
            let school = try apiSchool(request, principal)
            try Self.forbid(principal.reads(reportOf: school), "this key's role may not read compliance reports")
            let report = try ComplianceReport.make(loaded, store: store, asOf: server.today(), school: school)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: try report.json())))
        }
        router.get("/api/v1/overdue") { request, _ in
            let principal = try apiPrincipal(request)
            let school = try apiSchool(request, principal)
            let asOf = server.today()
            let findings = try Notifier.evaluate(loaded, store: store, asOf: asOf).findings.filter {
                ($0.kind == .overdue || $0.kind == .escalated) && principal.sees($0.item.schoolID)
                    && (school == nil || $0.item.schoolID == school) && Self.visible($0.item, to: principal, asOf: asOf)
            }
            return try Self.json(
                [
                    "overdue": findings.map {
                        APIOverdue(
                            item: $0.item.id, school: $0.item.schoolID, title: $0.item.title,
                            due: $0.item.date.description,
                            daysOverdue: $0.daysOverdue, escalated: $0.kind == .escalated,
                            makeUp: $0.makeUp?.description)
                    }
                ])
        }
        router.get("/api/v1/feeds") { request, _ in
            let principal = try apiPrincipal(request)
            try Self.forbid(principal.managesFeeds(of: principal.school), "this key's role may not see feeds")
            let feeds = try Feeds.list(store: store).filter {
                $0.revokedAt == nil && (principal.seesDistrict || $0.scope == principal.school)
            }
            return try Self.json(
                [
                    "feeds": feeds.map {
                        APIFeed(
                            id: $0.id, scope: $0.scope, audience: $0.audience, label: $0.label, createdAt: $0.createdAt)
                    }
                ])
        }
    }

    /// The key's principal, or 401 (unknown, revoked and missing keys alike).
    func apiPrincipal(_ request: Request) throws -> Principal {
        let header = request.headers[.authorization] ?? ""
        guard header.lowercased().hasPrefix("bearer "),
            let key = try store.apiKey(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)),
            let role = AccountRole(rawValue: key.role)
        else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"drillbook\""],
                message: "an API key is needed: Authorization: Bearer KEY (drillbook apikey create)")
        }
        return Principal(role: role, school: key.school, name: "apikey \(key.id) (\(key.label))", user: nil)
    }

    /// The `school` query parameter, checked: 404 unknown, 403 not the key's.
    func apiSchool(_ request: Request, _ principal: Principal) throws -> String? {
        guard let id = request.uri.queryParameters["school"].map(String.init) else { return nil }
        return try school(id, for: principal).id
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

struct APIItemDetail: Encodable {
    var item: ItemJSON.Row
    var completions: [APICompletion]
}

struct APICompletion: Encodable {
    var id: Int
    var startedAt: String
    var endedAt: String?
    var evidence: [String: String]
    var corrects: Int?
    var recordedBy: String
    var recordedOn: String

    init(_ completion: Completion) {
        id = completion.id
        startedAt = completion.startedAt.description
        endedAt = completion.endedAt?.description
        evidence = Dictionary(uniqueKeysWithValues: completion.evidence.map { ($0.key.rawValue, $0.value) })
        corrects = completion.corrects
        recordedBy = completion.recordedBy
        recordedOn = completion.recordedOn.description
    }
}

struct APICompletionRequest: Decodable {
    var startedAt: String
    var endedAt: String?
    var evidence: [String: String]?

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case evidence
    }
}

struct APIOverdue: Encodable {
    var item: String
    var school: String
    var title: String
    var due: String
    var daysOverdue: Int
    var escalated: Bool
    var makeUp: String?
}

struct APIFeed: Encodable {
    var id: Int
    var scope: String
    var audience: String
    var label: String
    var createdAt: String
}
