import Foundation
import Planning
import Playbooks
import Store

/// Sign-offs from the people who give them: a single-use link (24 hours) mailed to the role's
/// holder, who agrees or disagrees with a reason, no account needed ("Officer Diaz agrees to the
/// lockdown posture"). The report shows it as the holder's own, apart from sign-offs attested on the
/// command line.
extension Incidents {
    public static let signoffHours = 24

    /// What a sign-off link asks, for its page.
    public struct SignoffRequest: Sendable {
        public var incident: String
        public var step: String
        public var title: String
        public var role: String
        public var roleTitle: String
        public var holder: String
        public var school: String
    }

    /// Makes a link for `role` to sign off `step` of an open incident and mails it to the holder when
    /// the plan has mail and the holder an address; returns the link and what happened to the mail.
    public func requestSignoff(_ id: String, step stepID: String, role: String, resources: Resources)
        throws(DrillbookError) -> (link: String, mailed: String)
    {
        let (incident, playbook, state) = try load(id)
        guard !state.closed else { throw .usage("incident \(id) is closed") }
        guard let step = playbook.step(stepID), state.open.contains(stepID) else {
            throw .usage("step \(stepID) is not open in incident \(id) (open: \(state.open.joined(separator: ", ")))")
        }
        guard step.requires.contains(.signoff(role: role)) else {
            let asked = step.requires.compactMap { if case .signoff(let role) = $0 { role } else { nil } }
            throw .usage(
                "step \(stepID) asks no sign-off of \(role)"
                    + (asked.isEmpty ? "" : " (it asks: \(asked.joined(separator: ", ")))"))
        }
        let base = try Accounts.baseURL(loaded)
        let token: String
        do {
            token = try store.createSignoffLink(
                incident: id, step: stepID, role: role, expires: now + Self.signoffHours * 3600)
        } catch {
            throw .store(error.description)
        }
        let link = "\(base)/signoff/\(token)"
        let holder = state.holders[role] ?? ""
        guard let from = loaded.plan.channels.mailFrom, holder.hasSuffix(">"), let start = holder.lastIndex(of: "<")
        else { return (link, "not mailed (no alerts.mail or no address for \(role)): give the link yourself") }
        let email = String(holder[holder.index(after: start)..<holder.index(before: holder.endIndex)])
        let message = try MailMessage.render(
            template: "signoff-request", templates: resources.templates,
            values: [
                "incident": id, "title": step.title, "role": playbook.roles[role]?.title ?? role, "link": link,
                "hours": String(Self.signoffHours), "district": loaded.plan.district.name, "school": incident.school,
            ], from: from, to: email, itemID: "incident:\(id)/\(stepID)/signoff")
        let failure = MailSender(command: loaded.plan.channels.sendmail).send(message)
        return (link, failure.map { "not mailed: \($0)" } ?? "mailed to \(email)")
    }

    /// What an unused, unexpired link asks, or nil.
    public func signoffRequest(token: String) throws(DrillbookError) -> SignoffRequest? {
        let found: (incident: String, step: String, role: String)?
        do { found = try store.signoffLink(token: token, now: now) } catch { throw .store(error.description) }
        guard let found else { return nil }
        let (incident, playbook, state) = try load(found.incident)
        guard !state.closed, state.open.contains(found.step), let step = playbook.step(found.step) else { return nil }
        return SignoffRequest(
            incident: found.incident, step: found.step, title: step.title, role: found.role,
            roleTitle: playbook.roles[found.role]?.title ?? found.role, holder: state.holders[found.role] ?? "",
            school: incident.school)
    }

    /// The holder's answer: agreeing signs off; disagreeing (a reason required) is recorded and does
    /// not. Nil when the link is unknown, used, expired, or its step no longer open.
    public func answerSignoff(token: String, agree: Bool, why: String) throws(DrillbookError) -> SignoffRequest? {
        guard let request = try signoffRequest(token: token) else { return nil }
        let reason = why.trimmingCharacters(in: .whitespacesAndNewlines)
        if !agree && reason.isEmpty { throw .usage("say why you disagree") }
        // The holder as the plan names them, without the address.
        let name = request.holder.components(separatedBy: " <").first ?? request.holder
        let event = IncidentEvent(
            kind: .signedOff, at: now, actor: name, step: request.step,
            data: ["role": request.role, "by": "holder", "answer": agree ? "agree" : "disagree", "why": reason])
        do {
            guard try store.useSignoffLink(token: token, now: now, events: [event], to: request.incident) else {
                return nil
            }
        } catch {
            throw .store(error.description)
        }
        return request
    }
}

/// Acknowledging a late step from the link in its alert: whoever takes it in hand stops its
/// escalation to the next roles.
extension Incidents {
    /// What an acknowledgement link is for (incident, step title, role), if it is unused and recent.
    public func ackRequest(token: String) throws(DrillbookError) -> SignoffRequest? {
        let found: (incident: String, step: String, role: String)?
        do { found = try store.ackLink(token: token, now: now) } catch { throw .store(error.description) }
        guard let found else { return nil }
        let (incident, playbook, state) = try load(found.incident)
        guard let step = playbook.step(found.step) else { return nil }
        return SignoffRequest(
            incident: found.incident, step: found.step, title: step.title, role: found.role,
            roleTitle: playbook.roles[found.role]?.title ?? found.role, holder: state.holders[found.role] ?? "",
            school: incident.school)
    }

    /// Records the acknowledgement under the role holder's name; nil when the link is unknown or used.
    public func acknowledge(token: String) throws(DrillbookError) -> SignoffRequest? {
        guard let request = try ackRequest(token: token) else { return nil }
        let name = request.holder.components(separatedBy: " <").first ?? request.holder
        let event = IncidentEvent(
            kind: .acknowledged, at: now, actor: name.isEmpty ? request.role : name, step: request.step,
            data: ["role": request.role])
        do {
            guard try store.useAckLink(token: token, now: now, events: [event], to: request.incident) else {
                return nil
            }
        } catch {
            throw .store(error.description)
        }
        return request
    }
}

/// Sign-offs from a signed-in account that holds the role (a partner account of the police liaison).
extension Incidents {
    /// The sign-off `email` may give on an open step: a role the step asks a sign-off of, whose
    /// holder has that address. Nil when none.
    public func holderSignoff(_ id: String, step stepID: String, email: String) throws(DrillbookError)
        -> SignoffRequest?
    {
        let (incident, playbook, state) = try load(id)
        guard !state.closed, state.open.contains(stepID), let step = playbook.step(stepID) else { return nil }
        for case .signoff(let role) in step.requires {
            let holder = state.holders[role] ?? ""
            guard holder.lowercased().hasSuffix("<\(email.lowercased())>") else { continue }
            return SignoffRequest(
                incident: id, step: stepID, title: step.title, role: role,
                roleTitle: playbook.roles[role]?.title ?? role, holder: holder, school: incident.school)
        }
        return nil
    }

    /// Records a signed-in holder's answer, as a link's is recorded (agreeing signs off).
    public func answerAsHolder(_ request: SignoffRequest, agree: Bool, why: String) throws(DrillbookError) {
        let reason = why.trimmingCharacters(in: .whitespacesAndNewlines)
        if !agree && reason.isEmpty { throw .usage("say why you disagree") }
        let name = request.holder.components(separatedBy: " <").first ?? request.holder
        let event = IncidentEvent(
            kind: .signedOff, at: now, actor: name, step: request.step,
            data: [
                "role": request.role, "by": "holder", "via": "signed in", "answer": agree ? "agree" : "disagree",
                "why": reason,
            ])
        do { try store.append([event], to: request.incident) } catch { throw .store(error.description) }
    }
}
