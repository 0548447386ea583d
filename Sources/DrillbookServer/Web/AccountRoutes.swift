import Dates
import DrillbookKit
import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdBcrypt
import HummingbirdOTP
import Logging
import Planning
import Store

/// Signing in and out, the second factor, and the single-use setup and reset links.
extension WebApp {
    /// A bcrypt hash of nothing anyone types: checked when the account does not exist, so a wrong
    /// address takes as long as a wrong password.
    static let decoyHash = Bcrypt.hash("drillbook decoy password", cost: 10)

    func addAccountRoutes(to router: Router<WebContext>) {
        router.get("/sign-in") { request, context in
            if try principal(context) != nil { return Views.redirect("/") }
            return signInPage(
                request, context,
                message: request.uri.queryParameters["done"] != nil
                    ? "Your password is set. Sign in with it." : nil)
        }
        router.post("/sign-in") { request, context in
            let fields = try await Self.form(request)
            try Self.checkCSRF(fields, request: request, context: context)
            let email = (fields["email"] ?? "").trimmingCharacters(in: .whitespaces)
            let address = clientAddress(request, context)
            guard await limiter.allowed(account: email, address: address) else {
                return signInPage(
                    request, context, error: "Too many failed sign-ins. Wait 15 minutes, or reset your password.",
                    status: .tooManyRequests)
            }
            let found = try store.credentials(email: email)
            let password = fields["password"] ?? ""
            let matches = Bcrypt.verify(password, hash: found?.passwordHash ?? Self.decoyHash)
            guard let found, matches, found.user.disabledAt == nil, found.passwordHash != nil,
                let role = AccountRole(rawValue: found.user.role)
            else {
                await limiter.failed(account: email, address: address)
                return signInPage(
                    request, context, error: "That email and password do not match an account.", status: .unauthorized)
            }
            await limiter.succeeded(account: email)
            // Expired sessions and links go as people sign in: no timer needed for a small table.
            try? store.pruneSessions(now: Date().timeIntervalSince1970, nowISO: Accounts.iso(Date()))
            let needsCode = role.needsSecondFactor && found.totpSecret != nil
            // A fresh session (a new cookie) at every sign-in: no fixation.
            context.sessions.clearSession()
            context.sessions.createSession(
                WebSession(userID: found.user.id, csrf: Tokens.random(), verified: !needsCode))
            return Views.redirect(needsCode ? "/sign-in/code" : "/")
        }
        router.get("/sign-in/code") { request, context in
            guard let session = context.sessions.session, !session.verified else { return Views.redirect("/sign-in") }
            return page("code", title: "Second factor", ["formCSRF": session.csrf], principal: nil, context: context)
        }
        router.post("/sign-in/code") { request, context in
            guard let session = context.sessions.session, !session.verified,
                let found = try store.credentials(id: session.userID), found.user.disabledAt == nil,
                let secret = found.totpSecret
            else { return Views.redirect("/sign-in") }
            let fields = try await Self.form(request)
            try Self.checkCSRF(fields, request: request, context: context)
            let address = clientAddress(request, context)
            guard await limiter.allowed(account: found.user.email, address: address) else {
                context.sessions.clearSession()
                return Views.redirect("/sign-in")
            }
            guard Self.codeMatches(fields["code"] ?? "", secret: secret, now: server.now()) else {
                await limiter.failed(account: found.user.email, address: address)
                return page(
                    "code", title: "Second factor",
                    ["formCSRF": session.csrf, "error": "That code is not the current one. Try the next code."],
                    principal: nil, context: context, status: .unauthorized)
            }
            await limiter.succeeded(account: found.user.email)
            var verified = session
            verified.verified = true
            context.sessions.createSession(verified)
            return Views.redirect("/")
        }
        router.post("/sign-out") { request, context in
            let fields = try await Self.form(request)
            try Self.checkCSRF(fields, request: request, context: context)
            context.sessions.clearSession()
            return Views.redirect("/sign-in")
        }
        for purpose in ["setup", "reset"] {
            router.get("/\(purpose)/{token}") { request, context in
                let token = context.parameters.get("token") ?? ""
                guard let user = try store.linkUser(token: token, purposes: [purpose], now: Accounts.iso(Date())) else {
                    throw HTTPError(
                        .notFound,
                        message: "This link is unknown, used or expired. Ask your district admin for a new one.")
                }
                return passwordPage(request, context, user: user, purpose: purpose, secret: nil, errors: [:])
            }
            router.post("/\(purpose)/{token}") { request, context in
                let token = context.parameters.get("token") ?? ""
                let fields = try await Self.form(request)
                try Self.checkCSRF(fields, request: request, context: context)
                guard let user = try store.linkUser(token: token, purposes: [purpose], now: Accounts.iso(Date())) else {
                    throw HTTPError(
                        .notFound,
                        message: "This link is unknown, used or expired. Ask your district admin for a new one.")
                }
                let password = fields["password"] ?? ""
                var errors: [String: String] = [:]
                if password.count < 12 { errors["password"] = "is shorter than 12 characters" }
                if password.lowercased() == user.email.lowercased() { errors["password"] = "is your email address" }
                if fields["confirm"] != password { errors["confirm"] = "is not the same as the password" }
                // Enrolment: the secret shown on the form, confirmed by a code from the app.
                let enrol = purpose == "setup" && AccountRole(rawValue: user.role)?.needsSecondFactor == true
                let secret = enrol ? fields["secret"] ?? "" : nil
                if let secret, !Self.codeMatches(fields["code"] ?? "", secret: secret, now: server.now()) {
                    errors["code"] = "is not the code your authenticator app shows now"
                }
                guard errors.isEmpty else {
                    return passwordPage(request, context, user: user, purpose: purpose, secret: secret, errors: errors)
                }
                let audit = AuditContext(actor: user.email, asOf: server.today().description, at: Accounts.iso(Date()))
                guard
                    try store.setPassword(
                        token: token, purposes: [purpose], passwordHash: Bcrypt.hash(password), totpSecret: secret,
                        audit: audit) != nil
                else { throw HTTPError(.notFound, message: "This link was used meanwhile.") }
                context.sessions.clearSession()
                return Views.redirect("/sign-in?done=1")
            }
        }
        router.get("/reset") { request, context in
            let (token, cookie) = anonymousToken(request)
            var response = page(
                "reset", title: "Reset your password", ["formCSRF": token], principal: nil, context: context)
            if let cookie { response.setCookie(cookie) }
            return response
        }
        router.post("/reset") { request, context in
            let fields = try await Self.form(request)
            try Self.checkCSRF(fields, request: request, context: context)
            let email = (fields["email"] ?? "").trimmingCharacters(in: .whitespaces)
            let address = clientAddress(request, context)
            // The same answer whether or not the address has an account; attempts count like sign-ins.
            if await limiter.allowed(account: email, address: address) {
                await limiter.failed(account: email, address: address)
                if let found = try store.credentials(email: email), found.user.disabledAt == nil,
                    let base = loaded.plan.server.baseURL
                {
                    let token = try store.issueLink(
                        userID: found.user.id, purpose: "reset",
                        expires: Accounts.iso(Date().addingTimeInterval(Double(Accounts.resetMinutes) * 60)))
                    if let problem = Accounts.mailReset(
                        loaded, resources: server.resources, to: found.user.email, link: "\(base)/reset/\(token)")
                    {
                        context.logger.error("password reset mail not sent: \(problem)")
                    }
                }
            }
            return page(
                "reset", title: "Reset your password",
                ["sent": true, "minutes": Accounts.resetMinutes], principal: nil, context: context)
        }
    }

    func signInPage(
        _ request: Request, _ context: WebContext, message: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let (token, cookie) = anonymousToken(request)
        var values: [String: Any] = ["formCSRF": token]
        if let message { values["message"] = message }
        if let error { values["error"] = error }
        var response = page("sign-in", title: "Sign in", values, principal: nil, context: context, status: status)
        if let cookie { response.setCookie(cookie) }
        return response
    }

    func passwordPage(
        _ request: Request, _ context: WebContext, user: User, purpose: String, secret: String?,
        errors: [String: String]
    ) -> Response {
        let (token, cookie) = anonymousToken(request)
        var values: [String: Any] = [
            "formCSRF": token, "email": user.email, "purpose": purpose, "setup": purpose == "setup",
            "errors": errors, "hasErrors": !errors.isEmpty,
        ]
        if purpose == "setup", AccountRole(rawValue: user.role)?.needsSecondFactor == true {
            let secret = secret ?? Self.newSecret()
            values["secret"] = secret
            let url = TOTP(secret: secret).createAuthenticatorURL(
                label: user.email, issuer: "Drillbook \(loaded.plan.district.name)")
            values["otpauth"] = url
            // The key as apps take it typed in: the URL's base32 `secret`.
            values["manualKey"] = URLComponents(string: url)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        }
        var response = page(
            "password", title: purpose == "setup" ? "Set your password" : "Choose a new password", values,
            principal: nil, context: context, status: errors.isEmpty ? .ok : .badRequest)
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// A TOTP key: 32 random letters and digits (160 bits and more), the raw key HummingbirdOTP
    /// takes; authenticator apps receive it base32-encoded in the otpauth URL.
    static func newSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<32)] })
    }

    /// The code of the 30-second step of `now` (Unix seconds, the server's clock), or of the one
    /// before or after (clocks drift).
    static func codeMatches(_ code: String, secret: String, now: Int) -> Bool {
        let digits = code.filter(\.isNumber)
        guard digits.count == 6, let given = Int(digits), !secret.isEmpty else { return false }
        let totp = TOTP(secret: secret)
        return [-30, 0, 30].contains {
            totp.compute(date: Date(timeIntervalSince1970: TimeInterval(now + $0))) == given
        }
    }

    func clientAddress(_ request: Request, _ context: WebContext) -> String {
        ClientAddress.resolve(
            peer: context.remoteAddress?.ipAddress, headers: request.headers,
            trusted: Set(loaded.plan.server.trustedProxies)
        ).address
    }
}
