import DrillbookKit
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import Planning
public import Prometheus

/// One `drillbook serve` for many districts (`drillbook district add`): `/d/<district>/...` goes to
/// that district's own routes, store, sessions and incidents with the prefix taken off, so each
/// district's router is exactly the one a server of one district runs. Nothing is shared between
/// districts but the process: a session, API key or feed token of one is unknown to every other's
/// store, and its cookies are sent back only under its own prefix. Outside the prefixes: a list
/// of the districts at `/`, `/healthz`, `/metrics` and the stylesheet.
public struct DistrictRouter: HTTPResponder {
    public typealias Context = WebContext
    let districts: [String: RouterResponder<WebContext>]
    let top: RouterResponder<WebContext>

    /// The servers' routes, each under its `base` (`/d/<district>`).
    public init(servers: [DrillbookServer], metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) throws
    {
        var districts: [String: RouterResponder<WebContext>] = [:]
        for server in servers { districts[server.loaded.plan.district.id] = try server.router().buildResponder() }
        self.districts = districts
        guard let first = servers.first else { throw WebError.templates("no district to serve") }
        let views = try Views(folder: "\(first.resources.templates)/web")
        let listed = servers.map { ["id": $0.loaded.plan.district.id, "name": $0.loaded.plan.district.name] }
            .sorted { $0["name"]! < $1["name"]! }
        let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessLog(logger: first.logger))
        router.get("/") { _, _ in
            views.page("districts", title: "Districts", values: ["districts": listed], chrome: [:])
        }
        DrillbookServer.addServerRoutes(to: router, views: views, metrics: metrics)
        top = router.buildResponder()
    }

    public func respond(to request: Request, context: WebContext) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/d/") else { return try await top.respond(to: request, context: context) }
        let rest = path.dropFirst(3)
        let id = rest.prefix { $0 != "/" }
        guard let district = districts[String(id)] else {
            return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
        }
        let inner = rest.dropFirst(id.count)
        // `/d/lakeside-isd` alone: the district's own `/`, where relative links resolve.
        guard !inner.isEmpty else {
            return Response(status: .movedPermanently, headers: [.location: "/d/\(id)/"])
        }
        // The process's own routes are answered once, at the top: `/metrics` kept off the public
        // proxy there (README's nginx `location /metrics`) must not be reachable under a prefix.
        guard inner != "/metrics" else {
            return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
        }
        var head = request.head
        let query = request.uri.query.map { "?\($0)" } ?? ""
        head.path = String(inner) + query
        return try await district.respond(to: Request(head: head, body: request.body), context: context)
    }
}

/// A district's redirects among many: its routes say `/sign-in`, the browser must go to
/// `/d/<district>/sign-in`. Outermost in the district's router, so it sees every answer, thrown
/// ones (`require`'s 303) included.
struct BasePath: RouterMiddleware {
    typealias Context = WebContext
    let base: String

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        do {
            var response = try await next(request, context)
            if let location = response.headers[.location] { response.headers[.location] = prefixed(location) }
            return response
        } catch var error as HTTPError {
            if let location = error.headers[.location] { error.headers[.location] = prefixed(location) }
            throw error
        }
    }

    /// A path on this server (`/...`, not `//host/...` nor a full URL) under the district's prefix.
    func prefixed(_ location: String) -> String {
        guard location.hasPrefix("/"), !location.hasPrefix("//") else { return location }
        return base + location
    }
}
