import DrillbookKit
import Foundation
import Hummingbird
import Planning
import Store

/// The anonymous tip page, `/tip/<district>`: plain HTML, no account, no cookie; the client's address
/// is used only to slow a flood (counted in memory, never written or logged) and a hidden honeypot
/// field turns bots away. A tip opens an incident for the threat assessment team and shows a receipt
/// code for adding to it later.
extension WebApp {
    func addTipRoutes(to router: Router<WebContext>) {
        let throttle = Throttle()
        router.get("/tip/{district}") { request, context in
            try tipDistrict(context)
            return page("tip", title: "Report a concern", tipValues([:], [:]), principal: nil, context: context)
        }
        router.post("/tip/{district}") { request, context in
            try tipDistrict(context)
            let fields = try await FormBody.read(request).fields
            // A bot fills every field; people never see this one. It is thanked and nothing is stored.
            if !(fields["website"] ?? "").isEmpty {
                return page("tip-sent", title: "Thank you", ["receipt": "RECEIVED"], principal: nil, context: context)
            }
            guard await throttle.take("tip " + clientAddress(request, context), limit: 10, window: .seconds(3600))
            else {
                throw HTTPError(
                    .tooManyRequests,
                    message: "Too many reports from here in an hour. If someone is in danger, call 911.")
            }
            guard let incidents = try tipIncidents() else {
                throw HTTPError(
                    .serviceUnavailable, message: "Reports cannot be taken here now. Call your school or 911.")
            }
            do throws(Intake.Refusal) {
                let made = try incidents.tip(
                    school: fields["school"] ?? "", text: fields["text"] ?? "", when: fields["when"],
                    contact: fields["contact"])
                return page(
                    "tip-sent", title: "Thank you", ["receipt": made.receipt], principal: nil, context: context,
                    status: .created)
            } catch {
                guard case .badFields(let problems) = error else {
                    throw HTTPError(
                        .serviceUnavailable, message: "The report could not be stored. Call your school or 911.")
                }
                return page(
                    "tip", title: "Report a concern", tipValues(fields, problems), principal: nil, context: context,
                    status: .badRequest)
            }
        }
        router.post("/tip/{district}/follow-up") { request, context in
            try tipDistrict(context)
            let fields = try await FormBody.read(request).fields
            guard await throttle.take("follow " + clientAddress(request, context), limit: 10, window: .seconds(3600))
            else { throw HTTPError(.tooManyRequests, message: "Too many tries from here in an hour.") }
            guard let incidents = try tipIncidents() else {
                throw HTTPError(
                    .serviceUnavailable, message: "Reports cannot be taken here now. Call your school or 911.")
            }
            let added: String?
            do throws(Intake.Refusal) {
                added = try incidents.followUp(receipt: fields["receipt"] ?? "", text: fields["text"] ?? "")
            } catch {
                throw HTTPError(.badRequest, message: "Write what you want to add.")
            }
            guard added != nil else {
                throw HTTPError(
                    .notFound, message: "That receipt code is not known here. Check it, or send a new report.")
            }
            return page("tip-sent", title: "Thank you", ["followUp": true], principal: nil, context: context)
        }
    }

    /// 404 unless the path names this district.
    func tipDistrict(_ context: WebContext) throws {
        guard context.parameters.get("district") == loaded.plan.district.id else {
            throw HTTPError(.notFound, message: "There is no such district here.")
        }
    }

    func tipIncidents() throws -> Incidents? {
        guard let store = server.incidents, let library = server.library else { return nil }
        return Incidents(
            loaded: loaded, library: library, store: store, now: server.now(),
            actor: "intake:\(Incidents.tipSource)")
    }

    func tipValues(_ fields: [String: String], _ problems: [String: String]) -> [String: Any] {
        let chosen = fields["school"] ?? ""
        var values: [String: Any] = [
            "district": loaded.plan.district.name, "districtID": loaded.plan.district.id,
            "schools": loaded.plan.schools.map {
                ["id": $0.school.id, "name": $0.school.name, "selected": $0.school.id == chosen]
            },
            "text": fields["text"] ?? "", "when": fields["when"] ?? "", "contact": fields["contact"] ?? "",
            "hasErrors": !problems.isEmpty,
        ]
        if let line = loaded.plan.district.tipLine {
            values["tipLine"] = ["name": line.name, "phone": line.phone ?? ""]
        }
        if let problem = problems["text"] { values["textError"] = problem }
        if let problem = problems["school"] { values["schoolError"] = problem }
        return values
    }
}

/// At most `limit` events per key in a sliding `window`, in memory only.
actor Throttle {
    private var events: [String: [ContinuousClock.Instant]] = [:]

    func take(_ key: String, limit: Int, window: Duration) -> Bool {
        let now = ContinuousClock.now
        var recent = (events[key] ?? []).filter { $0 > now - window }
        guard recent.count < limit else {
            events[key] = recent
            return false
        }
        recent.append(now)
        events[key] = recent
        if events.count > 10_000 { events = events.filter { $0.value.contains { $0 > now - window } } }
        return true
    }
}
