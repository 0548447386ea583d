import Crypto
import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Planning
import Store

/// The web app's plumbing shared by its routes: who is signed in, form bodies, CSRF tokens.
struct WebApp: Sendable {
    let server: DrillbookServer
    let views: Views
    let limiter = SignInLimiter()
    var attachments: Attachments { Attachments(folder: server.attachments) }

    var store: any ScheduleStore { server.store }
    var loaded: LoadedPlan { server.loaded }

    /// Anonymous forms (sign-in, setup, reset) carry this cookie's value as their CSRF token.
    static let csrfCookie = "drillbook_csrf"

    // MARK: - Who is acting

    /// The signed-in user with their second factor given, or nil. A disabled user has no principal.
    func principal(_ context: WebContext) throws -> Principal? {
        guard let session = context.sessions.session, session.verified,
            let found = try store.credentials(id: session.userID), found.user.disabledAt == nil,
            let role = AccountRole(rawValue: found.user.role)
        else { return nil }
        return Principal(role: role, school: found.user.school, name: found.user.email, user: found.user)
    }

    /// The principal, or a redirect to the sign-in page.
    func require(_ context: WebContext, path: String) throws -> Principal {
        guard let principal = try principal(context) else {
            throw HTTPError(.seeOther, headers: [.location: "/sign-in"], message: "sign in first")
        }
        return principal
    }

    /// 404 for a school the plan does not have, 403 for one the principal may not see.
    func school(_ id: String, for principal: Principal) throws -> School {
        guard let school = loaded.plan.schools.first(where: { $0.school.id == id })?.school else {
            throw HTTPError(.notFound, message: "There is no school \"\(id)\".")
        }
        guard principal.sees(id) else { throw HTTPError(.forbidden, message: "This school is not yours to see.") }
        return school
    }

    static func forbid(_ allowed: Bool, _ message: String = "Your role may not do this.") throws {
        guard allowed else { throw HTTPError(.forbidden, message: message) }
    }

    // MARK: - Forms

    /// A form's text fields (URL-encoded or multipart).
    static func form(_ request: Request) async throws -> [String: String] { try await FormBody.read(request).fields }

    /// Refuses a form whose `csrf` field is not the session's token (signed in) or the anonymous
    /// cookie's (sign-in, setup, reset): another site cannot post on the user's behalf.
    static func checkCSRF(_ fields: [String: String], request: Request, context: WebContext) throws {
        let expected = context.sessions.session?.csrf ?? request.cookies[csrfCookie]?.value
        guard let expected, let given = fields["csrf"], !expected.isEmpty,
            Self.same(String(expected), given)
        else {
            throw HTTPError(
                .forbidden, message: "This form is out of date or came from another site. Reload it and try again.")
        }
    }

    /// Constant-time comparison of two tokens.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The anonymous CSRF token, and the cookie that sets it when the browser has none yet.
    func anonymousToken(_ request: Request) -> (String, Cookie?) {
        if let value = request.cookies[Self.csrfCookie]?.value, value.count >= 32 { return (String(value), nil) }
        let token = Tokens.random()
        return (
            token,
            Cookie(
                name: Self.csrfCookie, value: token, path: server.cookiePath, secure: server.secureCookies,
                httpOnly: true,
                sameSite: .lax)
        )
    }

    // MARK: - Pages

    /// The layout's values: the user, their menu and the sign-out form's token.
    func chrome(_ principal: Principal?, _ context: WebContext) -> [String: Any] {
        var values: [String: Any] = ["district": loaded.plan.district.name]
        guard let principal else { return values }
        var menu: [[String: String]] = []
        if principal.seesDistrict { menu.append(["href": "/", "label": "Dashboard"]) }
        if let school = principal.school { menu.append(["href": "/schools/\(school)", "label": "My school"]) }
        if principal.reads(reportOf: principal.school) {
            menu.append([
                "href": principal.school.map { "/schools/\($0)/report" } ?? "/report", "label": "Compliance report",
            ])
        }
        if principal.managesFeeds(of: principal.school) { menu.append(["href": "/feeds", "label": "Calendar feeds"]) }
        if Self.seesIncidents(principal) { menu.append(["href": "/incidents", "label": "Incidents"]) }
        if principal.role == .districtAdmin { menu.append(["href": "/import", "label": "Import a log"]) }
        if principal.readsAudit { menu.append(["href": "/audit", "label": "Audit log"]) }
        values["user"] = ["email": principal.name, "role": principal.role.rawValue]
        values["menu"] = menu
        values["csrf"] = context.sessions.session?.csrf ?? ""
        return values
    }

    func page(
        _ name: String, title: String, _ values: [String: Any], principal: Principal?, context: WebContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        views.page(name, title: title, values: values, chrome: chrome(principal, context), status: status)
    }
}

extension DrillbookServer {
    /// The path a district's cookies are sent back on: its own prefix among many districts, so a
    /// browser signed in to one sends nothing of it to another.
    var cookiePath: String { base.isEmpty ? "/" : base + "/" }

    /// Whether cookies carry `Secure`: the server's public address is HTTPS.
    var secureCookies: Bool { loaded.plan.server.baseURL?.lowercased().hasPrefix("https://") == true }
}

/// Errors as pages: a 403, 404 or 429 in the web app is a page with a way back, not JSON; the API
/// keeps Hummingbird's JSON errors. A 303 thrown by `require` is a redirect.
struct ErrorPages: RouterMiddleware {
    typealias Context = WebContext
    let views: Views

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .seeOther { return Views.redirect(error.headers[.location] ?? "/") }
            guard !request.uri.path.hasPrefix("/api/") else { throw error }
            return views.page(
                "error", title: error.status.reasonPhrase,
                values: [
                    "status": error.status.code, "reason": error.status.reasonPhrase, "message": error.body ?? "",
                ],
                chrome: [:], status: error.status)
        }
    }
}

/// Cookies are `Secure` when the client reached the server over HTTPS, directly or through a
/// trusted proxy saying so, or when the public address is HTTPS.
struct SecureCookies: RouterMiddleware {
    typealias Context = WebContext
    let always: Bool
    let trusted: Set<String>

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        let https =
            always
            || ClientAddress.resolve(
                peer: context.remoteAddress?.ipAddress, headers: request.headers, trusted: trusted
            ).https
        guard https else { return response }
        let cookies = response.headers[values: .setCookie]
        guard !cookies.isEmpty else { return response }
        response.headers[values: .setCookie] = cookies.map {
            $0.lowercased().contains("; secure") ? $0 : $0 + "; Secure"
        }
        return response
    }
}
