import DrillbookKit
import Foundation
import Hummingbird
import Planning

/// `/signoff/<token>`: a role holder's own sign-off from a mailed link, no account: agree, or
/// disagree with a reason. Single use; expired, used and unknown links are the same 404.
extension WebApp {
    func addSignoffRoutes(to router: Router<WebContext>) {
        router.get("/signoff/{token}") { request, context in
            let incidents = try signoffIncidents()
            guard let asked = try incidents.signoffRequest(token: context.parameters.get("token") ?? "") else {
                throw HTTPError(
                    .notFound, message: "This link is unknown, used or expired, or the step is no longer open.")
            }
            return page(
                "signoff", title: "Your sign-off", signoffValues(asked, why: "", error: nil), principal: nil,
                context: context)
        }
        router.post("/signoff/{token}") { request, context in
            let incidents = try signoffIncidents()
            let token = context.parameters.get("token") ?? ""
            let fields = try await FormBody.read(request).fields
            let agree = fields["answer"] == "agree"
            guard fields["answer"] == "agree" || fields["answer"] == "disagree" else {
                throw HTTPError(.badRequest, message: "Choose Agree or Disagree.")
            }
            do {
                guard
                    let asked = try incidents.answerSignoff(token: token, agree: agree, why: fields["why"] ?? "")
                else {
                    throw HTTPError(
                        .notFound, message: "This link is unknown, used or expired, or the step is no longer open.")
                }
                return page(
                    "signoff", title: "Recorded", ["done": true, "agreed": agree, "incident": asked.incident],
                    principal: nil, context: context)
            } catch let error as DrillbookError {
                guard let asked = try incidents.signoffRequest(token: token) else { throw error }
                return page(
                    "signoff", title: "Your sign-off",
                    signoffValues(asked, why: fields["why"] ?? "", error: error.description),
                    principal: nil, context: context, status: .badRequest)
            }
        }
    }

    func signoffIncidents() throws -> Incidents {
        guard let store = server.incidents, let library = server.library else {
            throw HTTPError(.serviceUnavailable, message: "This server has no incidents database.")
        }
        return Incidents(
            loaded: loaded, library: library, store: store, now: server.now(),
            actor: "signoff link")
    }

    func signoffValues(_ asked: Incidents.SignoffRequest, why: String, error: String?) -> [String: Any] {
        var values: [String: Any] = [
            "incident": asked.incident, "title": asked.title, "role": asked.roleTitle, "holder": asked.holder,
            "school": loaded.plan.schools.first { $0.school.id == asked.school }?.school.name ?? asked.school,
            "why": why,
        ]
        if let error { values["error"] = error }
        return values
    }
}

/// `/ack/<token>`: the link in a late-step alert. Acknowledging stops the step's escalation.
extension WebApp {
    func addAckRoutes(to router: Router<WebContext>) {
        router.get("/ack/{token}") { request, context in
            let incidents = try signoffIncidents()
            guard let asked = try incidents.ackRequest(token: context.parameters.get("token") ?? "") else {
                throw HTTPError(.notFound, message: "This link is unknown or was used already.")
            }
            return page(
                "ack", title: "Acknowledge",
                ["incident": asked.incident, "title": asked.title, "role": asked.roleTitle],
                principal: nil, context: context)
        }
        router.post("/ack/{token}") { request, context in
            let incidents = try signoffIncidents()
            guard let asked = try incidents.acknowledge(token: context.parameters.get("token") ?? "") else {
                throw HTTPError(.notFound, message: "This link is unknown or was used already.")
            }
            return page(
                "ack", title: "Acknowledged", ["done": true, "incident": asked.incident], principal: nil,
                context: context)
        }
    }
}
