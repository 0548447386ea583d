import DrillbookKit
import Foundation
import Hummingbird
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

    static func seesIncidents(_ principal: Principal) -> Bool {
        principal.role == .team || principal.role == .districtAdmin
    }

    /// The incidents use cases acting as the signed-in user (so views are audited under their name).
    func incidentsAs(_ principal: Principal) throws -> Incidents {
        guard let store = server.incidents, let library = server.library else {
            throw HTTPError(.serviceUnavailable, message: "This server has no incidents database.")
        }
        return Incidents(
            loaded: loaded, library: library, store: store, now: Int(Date().timeIntervalSince1970),
            actor: principal.name)
    }
}
