import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import Store

/// `POST /api/v1/intake`: reports from tip lines and alert services, signed per source
/// (`X-Drillbook-Source`, `X-Drillbook-Timestamp`, `X-Drillbook-Signature: sha256=<hex of
/// HMAC-SHA256(secret, timestamp + "." + body)>`). 201 with the new incident, 200 with the one the
/// same source and external id opened before; 401 (signature, replay), 400 (fields), 422 (school, type).
extension WebApp {
    func addIntakeRoutes(to router: Router<WebContext>) {
        router.post("/api/v1/intake") { request, _ in
            guard let incidentStore = server.incidents, let library = server.library else {
                throw HTTPError(.serviceUnavailable, message: "this server has no incidents database")
            }
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = Data(buffer.readableBytesView)
            let header = { (name: String) in request.headers[HTTPField.Name(name)!] ?? "" }
            let source = header("X-Drillbook-Source")
            let now = server.now()
            // Unknown, revoked and wrongly signed look alike from outside.
            guard !source.isEmpty, let secret = try incidentStore.intakeSecret(source) else {
                throw HTTPError(.unauthorized, message: "unknown source or bad signature")
            }
            if case .unauthorized(let why)? = Intake.verify(
                secret: secret, timestamp: header("X-Drillbook-Timestamp"), body: body,
                signature: header("X-Drillbook-Signature"), now: now)
            {
                throw HTTPError(.unauthorized, message: why)
            }
            let incidents = Incidents(
                loaded: loaded, library: library, store: incidentStore, now: now, actor: "intake:\(source)")
            let outcome: Result<(id: String, created: Bool), Intake.Refusal>
            do throws(Intake.Refusal) { outcome = .success(try incidents.intake(body, source: source)) } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let made): return try Self.json(["incident": made.id], status: made.created ? .created : .ok)
            case .failure(.badFields(let fields)): return try Self.json(["errors": fields], status: .badRequest)
            case .failure(.unprocessable(let why)): throw HTTPError(.unprocessableContent, message: why)
            case .failure(.unauthorized(let why)): throw HTTPError(.unauthorized, message: why)
            }
        }
    }
}
