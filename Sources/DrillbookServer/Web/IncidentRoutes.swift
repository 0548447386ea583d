import DrillbookKit
import Foundation
import Hummingbird
import HummingbirdAuth
import Planning
import Store

/// `/incidents`: the threat assessment team's view of its incidents (and the district admin's),
/// never anyone else's. Every look is audited under the signed-in user, as the CLI's are.
extension WebApp {
    func addIncidentRoutes(to router: Router<WebContext>) {
        router.get("/incidents") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(Self.seesIncidents(principal), "Incidents are for the threat assessment team.")
            let incidents = try incidentsAs(principal)
            // A team member of one school sees that school's and the district-wide ones.
            let list = try incidents.list(status: nil, school: nil).filter {
                principal.school == nil || $0.school == principal.school || $0.school == "district"
            }
            let rows = list.map { incident -> [String: Any] in
                [
                    "id": incident.id, "opened": incident.opened, "school": incident.school,
                    "playbook": incident.playbook, "status": incident.status, "exercise": incident.exercise,
                    "open": incident.openSteps.count,
                ]
            }
            return page(
                "incidents", title: "Incidents", ["incidents": rows, "hasIncidents": !rows.isEmpty],
                principal: principal, context: context)
        }
        router.get("/incidents/{id}") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(Self.seesIncidents(principal), "Incidents are for the threat assessment team.")
            let incidents = try incidentsAs(principal)
            let id = context.parameters.get("id") ?? ""
            guard let stored = try? incidents.store.incident(id),
                principal.school == nil || stored.school == principal.school || stored.school == "district"
            else { throw HTTPError(.notFound, message: "There is no incident \(id) of yours.") }
            return Views.html(try incidents.report(id, html: true), inlineStyles: true)
        }
    }

    /// A signed-in account that holds a role a step asks a sign-off of (a partner account of the
    /// police liaison) signs off here; anyone else gets 404, as for an incident that is not theirs.
    func addHolderSignoffRoutes(to router: Router<WebContext>) {
        router.get("/incidents/{id}/signoff/{step}") { request, context in
            let principal = try require(context, path: request.uri.path)
            let (incidents, asked) = try holderRequest(principal, context)
            _ = incidents
            var values = signoffValues(asked, why: "", error: nil)
            values["formCSRF"] = context.sessions.session?.csrf ?? ""
            return page("signoff", title: "Your sign-off", values, principal: principal, context: context)
        }
        router.post("/incidents/{id}/signoff/{step}") { request, context in
            let principal = try require(context, path: request.uri.path)
            let fields = try await Self.form(request)
            try Self.checkCSRF(fields, request: request, context: context)
            let (incidents, asked) = try holderRequest(principal, context)
            guard fields["answer"] == "agree" || fields["answer"] == "disagree" else {
                throw HTTPError(.badRequest, message: "Choose Agree or Disagree.")
            }
            do {
                try incidents.answerAsHolder(asked, agree: fields["answer"] == "agree", why: fields["why"] ?? "")
            } catch {
                var values = signoffValues(asked, why: fields["why"] ?? "", error: "\(error)")
                values["formCSRF"] = context.sessions.session?.csrf ?? ""
                return page(
                    "signoff", title: "Your sign-off", values, principal: principal, context: context,
                    status: .badRequest)
            }
            return page(
                "signoff", title: "Recorded",
                ["done": true, "agreed": fields["answer"] == "agree", "incident": asked.incident],
                principal: principal, context: context)
        }
    }

    func holderRequest(_ principal: Principal, _ context: WebContext) throws -> (Incidents, Incidents.SignoffRequest) {
        let incidents = try incidentsAs(principal)
        guard let email = principal.user?.email,
            let asked = try? incidents.holderSignoff(
                context.parameters.get("id") ?? "", step: context.parameters.get("step") ?? "", email: email)
        else { throw HTTPError(.notFound, message: "There is no sign-off of yours here.") }
        return (incidents, asked)
    }

    static func seesIncidents(_ principal: Principal) -> Bool {
        principal.role == .team || principal.role == .districtAdmin
    }

    /// The incidents use cases acting as the signed-in user (so views are audited under their name).
    func incidentsAs(_ principal: Principal) throws -> Incidents {
        guard let store = server.incidents, let library = server.library else {
            throw HTTPError(.serviceUnavailable, message: "This server has no incidents database.")
        }
        return Incidents(
            loaded: loaded, library: library, store: store, now: server.now(),
            actor: principal.name)
    }
}
