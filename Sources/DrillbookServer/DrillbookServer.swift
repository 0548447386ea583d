import CompressNIO
public import Dates
public import DrillbookKit
import Foundation
public import Hummingbird
import HummingbirdAuth
public import Logging
import Metrics
import Planning
public import Prometheus
import ServiceLifecycle
public import Store

/// `drillbook serve`: the store and plan the CLI uses, over HTTP. This first part serves live
/// calendar feeds (tokened per school or district and audience, public families calendars when the
/// plan says so) and `/healthz`.
public struct DrillbookServer: Sendable {
    public let loaded: LoadedPlan
    public let store: any ScheduleStore
    public let logger: Logger
    /// What `/metrics` shows (Prometheus's text format): Hummingbird's request counts and durations
    /// once `bootstrapMetrics` has run, and the feeds served.
    public let metrics: PrometheusCollectorRegistry
    /// Templates (the web app's pages in `Templates/web`, mail) and calendars.
    public let resources: Resources
    /// The incidents database and the playbooks, for reports posted to `/api/v1/intake`.
    public let incidents: (any IncidentStore)?
    public let library: PlaybookLibrary?
    /// Where uploaded evidence files are kept (`attachments/` beside a SQLite database by default).
    public let attachments: String
    /// What this district's paths start with behind `DistrictRouter`: "" when it is the server's
    /// only district, `/d/<district>` among many.
    public let base: String
    /// Today, in the district's zone, unless a test fixes it.
    let today: @Sendable () -> CalendarDate
    /// Now, in Unix seconds, unless a test fixes it: what incidents are timed by and what a signed
    /// report's timestamp is held against. (A test that stamped a report with the wall clock failed
    /// when the machine's clock was stepped between the stamp and the check.)
    let now: @Sendable () -> Int
    let cache = FeedCache()
    /// Feed tokens and the last change, asked of a database server at most once a second.
    let feedTokens: FeedTokens
    static var feedRequests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "drillbook", metricName: "feed_requests", unitName: "total",
            helpText: "Calendar feed requests by audience")
    }

    public init(
        loaded: LoadedPlan, store: any ScheduleStore, resources: Resources, incidents: (any IncidentStore)? = nil,
        library: PlaybookLibrary? = nil, attachments: String? = nil, logger: Logger = Logger(label: "drillbook"),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        today: (@Sendable () -> CalendarDate)? = nil, now: (@Sendable () -> Int)? = nil, base: String = ""
    ) {
        self.base = base
        self.feedTokens = FeedTokens(interval: store.readsAreRoundTrips ? .seconds(1) : .zero)
        self.loaded = loaded
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.resources = resources
        self.incidents = incidents
        self.library = library
        self.attachments = attachments ?? Attachments.folder(besideDatabase: store.location)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: loaded.plan.district.timeZone) ?? .current
        self.now = now ?? { Int(Date().timeIntervalSince1970) }
        self.today =
            today ?? { [calendar] in
                let parts = calendar.dateComponents([.year, .month, .day], from: Date())
                return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
            }
    }

    /// The routes, for the application and for in-process tests.
    public func router() throws -> Router<WebContext> {
        let views = try Views(folder: "\(resources.templates)/web", base: base)
        let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
        if !base.isEmpty { router.add(middleware: BasePath(base: base)) }
        router.add(middleware: AccessLog(logger: logger, base: base))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorPages(views: views))
        router.add(middleware: SecureCookies(always: secureCookies, trusted: Set(loaded.plan.server.trustedProxies)))
        router.add(
            middleware: SessionMiddleware(
                storage: StoreSessions(store: store),
                configuration: .init(
                    sessionCookieParameters: .init(name: "drillbook_session", path: cookiePath, sameSite: .lax),
                    defaultSessionExpiration: .seconds(12 * 3600))))
        let web = WebApp(server: self, views: views)
        web.addAccountRoutes(to: router)
        web.addSchoolRoutes(to: router)
        web.addAPIRoutes(to: router)
        web.addImportRoutes(to: router)
        web.addIntakeRoutes(to: router)
        web.addTipRoutes(to: router)
        web.addSignoffRoutes(to: router)
        web.addAckRoutes(to: router)
        web.addIncidentRoutes(to: router)
        web.addHolderSignoffRoutes(to: router)
        Self.addServerRoutes(to: router, views: views, metrics: metrics)
        router.get("/feeds/{token}.ics") { request, context in
            let token = context.parameters.get("token") ?? ""
            // Unknown and revoked tokens look the same: nothing tells which.
            let (found, seq, at) = try feedTokens.lookup(token, in: store)
            if let feed = found, feed.audience == "team", let incidents, let library {
                // The team's follow-ups come from the incidents database: built every time, never cached.
                let followUps = try Incidents(
                    loaded: loaded, library: library, store: incidents, now: now(),
                    actor: "feed \(feed.id)"
                ).followUps()
                let text = try Exporter(loaded: loaded, asOf: today()).followUps(followUps)
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, no-store"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            guard let feed = found, let audience = Audience(rawValue: feed.audience) else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
            }
            metrics.makeCounter(descriptor: Self.feedRequests, labels: [("audience", feed.audience)]).increment()
            return try await calendar(
                scope: feed.scope, audience: audience, request: request, public: false, change: (seq, at))
        }
        router.get("/schools/{school}/families.ics") { request, context in
            let school = context.parameters.get("school") ?? ""
            guard loaded.plan.server.publishFamilies, loaded.plan.schools.contains(where: { $0.school.id == school })
            else {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
            }
            return try await calendar(scope: school, audience: .families, request: request, public: true)
        }
        return router
    }

    /// What a server answers for itself, not for a district: the stylesheet, `/healthz` and `/metrics`.
    static func addServerRoutes(
        to router: Router<WebContext>, views: Views, metrics: PrometheusCollectorRegistry
    ) {
        router.get("/static/drillbook.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: views.stylesheet)))
        }
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
    }

    /// A feed's calendar with its validators: 304 when the client's ETag is current.
    func calendar(
        scope: String, audience: Audience, request: Request, public isPublic: Bool,
        change known: (seq: Int, at: String?)? = nil
    ) async throws -> Response {
        let change = try known ?? feedTokens.lastChange(in: store)
        let asOf = today()
        let key = FeedCache.Key(scope: scope, audience: audience.rawValue, asOf: asOf.description, change: change.seq)
        let rendered: FeedCache.Rendered
        if let cached = await cache.get(key) {
            rendered = cached
        } else {
            let text = try Feeds.calendar(loaded, store: store, scope: scope, audience: audience, asOf: asOf)
            var plain = ByteBuffer(string: text)
            let gzipped = try plain.compress(with: .gzip())
            let tag = sha256Hex(text).prefix(32)
            rendered = FeedCache.Rendered(
                plain: ByteBuffer(string: text), gzipped: gzipped, etag: "\"\(tag)\"", gzipETag: "\"\(tag)-gz\"",
                lastModified: change.at.flatMap(HTTPDate.string(fromISO:)))
            await cache.put(key, rendered)
        }
        // gzip when the client takes it (calendar apps do): each representation has its own ETag.
        let gzip = Self.acceptsGzip(request.headers[.acceptEncoding])
        let etag = gzip ? rendered.gzipETag : rendered.etag
        var headers: HTTPFields = [
            .eTag: etag,
            .cacheControl: isPublic ? "public, max-age=300" : "private, max-age=300",
            .vary: "Accept-Encoding",
        ]
        if let modified = rendered.lastModified { headers[.lastModified] = modified }
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: {
                let tag = $0.trimmingCharacters(in: .whitespaces)
                return tag == "*" || tag == etag || tag == "W/" + etag
            })
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "text/calendar; charset=utf-8"
        if gzip { headers[.contentEncoding] = "gzip" }
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: gzip ? rendered.gzipped : rendered.plain))
    }

    /// Whether `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.lowercased().split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.first == "gzip" || pieces.first == "x-gzip" else { continue }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
        return false
    }

    /// Routes swift-metrics (Hummingbird's request metrics) into `registry`; once per process.
    public static func bootstrapMetrics(_ registry: PrometheusCollectorRegistry) {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// Runs until SIGTERM or SIGINT, then finishes the requests in flight (swift-service-lifecycle);
    /// with `alerts.run_at` in the plan, also sends the day's alerts at that time.
    /// - Parameter incidentCheck: how often open incidents' deadlines are checked (30 s; tests go faster).
    public func run(host: String, port: Int, incidentCheck: Duration = .seconds(30)) async throws {
        let app = Application(
            router: try router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "drillbook"),
            services: services(incidentCheck: incidentCheck), logger: logger)
        try await app.runService()
    }

    /// Many districts on one server (`DistrictRouter`): each server's routes under its `base`,
    /// each district's alert run and incident watch beside the others'.
    public static func run(
        _ servers: [DrillbookServer], metrics: PrometheusCollectorRegistry, host: String, port: Int,
        incidentCheck: Duration = .seconds(30)
    ) async throws {
        guard let first = servers.first else { return }
        let app = Application(
            responder: try DistrictRouter(servers: servers, metrics: metrics),
            configuration: .init(address: .hostname(host, port: port), serverName: "drillbook"),
            services: servers.flatMap { $0.services(incidentCheck: incidentCheck) }, logger: first.logger)
        try await app.runService()
    }

    /// The district's background work: the daily alert run (`alerts.run_at`) and the incident watch.
    func services(incidentCheck: Duration) -> [any Service] {
        var services: [any Service] = []
        if let runAt = loaded.plan.channels.runAt {
            services.append(AlertSchedule(server: self, resources: resources, runAt: runAt))
        }
        if incidents != nil { services.append(IncidentWatch(server: self, interval: incidentCheck)) }
        return services
    }
}

/// The last calendar rendered per feed, kept until anything is written (the audit log's last entry
/// changes) or the day changes.
actor FeedCache {
    struct Key: Hashable {
        var scope: String
        var audience: String
        var asOf: String
        var change: Int
    }

    struct Rendered: Sendable {
        var plain: ByteBuffer
        var gzipped: ByteBuffer
        var etag: String
        var gzipETag: String
        /// Formatted once: a DateFormatter per request costs more than the rest of a 304.
        var lastModified: String?
    }

    private var entries: [String: (Key, Rendered)] = [:]

    func get(_ key: Key) -> Rendered? {
        guard let (stored, rendered) = entries["\(key.scope) \(key.audience)"], stored == key else { return nil }
        return rendered
    }

    func put(_ key: Key, _ rendered: Rendered) { entries["\(key.scope) \(key.audience)"] = (key, rendered) }
}

/// One log line per request: method, path (feed tokens masked: they are the feed's only key),
/// status and time; no client address.
struct AccessLog<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// The district's prefix, which `DistrictRouter` took off the path: logged as the client sent it.
    var base = ""

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        let path = base + Self.masked(request.uri.path)
        do {
            let response = try await next(request, context)
            logger.info(
                "\(request.method) \(path) \(response.status.code)",
                metadata: ["ms": "\(Self.milliseconds(since: started))"])
            return response
        } catch let error as HTTPError {
            // A refusal (401, 404, ...) is an answer, logged like one.
            logger.info(
                "\(request.method) \(path) \(error.status.code)",
                metadata: ["ms": "\(Self.milliseconds(since: started))"])
            throw error
        } catch {
            logger.error("\(request.method) \(path) failed: \(error)")
            throw error
        }
    }

    /// Whole milliseconds since `start` (`Duration.components` splits seconds from attoseconds).
    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = (ContinuousClock.now - start).components
        return elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }

    static func masked(_ path: String) -> String {
        path.hasPrefix("/feeds/") ? "/feeds/<token>.ics" : path
    }
}

/// HTTP dates (RFC 9110's IMF-fixdate) from the audit log's ISO 8601 times.
enum HTTPDate {
    static func string(fromISO text: String) -> String? {
        guard let date = ISO8601DateFormatter().date(from: text) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
