import Foundation
import Planning
import Playbooks
public import Store

/// A step of an open incident that is past its deadline.
public struct LateStep: Sendable {
    public var incident: String
    public var exercise: Bool
    public var step: String
    public var title: String
    public var due: String
    /// The role that owns it and who holds it (`Sam Lee <slee@...>`).
    public var role: String
    public var holder: String
    /// The holder's phone (E.164), from the plan's contacts, for SMS.
    public var phone: String?
}

extension Incidents {
    /// Late steps of every open incident.
    public func lateSteps() throws(DrillbookError) -> [LateStep] {
        let ids: [String]
        do { ids = try store.incidentIDs() } catch { throw .store(error.description) }
        var late: [LateStep] = []
        for id in ids {
            let (incident, playbook, state) = try load(id)
            guard !state.closed else { continue }
            let contacts = loaded.plan.schools.first { $0.school.id == incident.school }?.school.contacts ?? [:]
            for stepID in state.open {
                guard let step = playbook.step(stepID), let due = state.due(step), due < now else { continue }
                // The owner; the roles the step escalates to with it, or once the owner has not
                // acknowledged within the step's escalation time.
                let owner = state.assigned[stepID] ?? step.owner ?? ""
                var roles = [owner]
                if step.escalateAfterMinutes == 0 {
                    roles += step.escalateTo
                } else if state.acknowledged[stepID] == nil, let told = state.alerted[stepID]?[owner],
                    now >= told + step.escalateAfterMinutes * 60
                {
                    roles += step.escalateTo
                }
                for role in roles {
                    let phone = playbook.roles[role].flatMap {
                        person($0, contacts: contacts, fallback: incident.school == "district")?.phone
                    }
                    late.append(
                        LateStep(
                            incident: id, exercise: incident.exercise, step: stepID, title: step.title, due: when(due),
                            role: role, holder: state.holders[role] ?? "", phone: phone))
                }
            }
        }
        return late
    }

    /// Tells each late step's role holder once per channel (exercises send nothing): by mail, and
    /// by SMS when the plan has `alerts.sms` and the holder a phone; the webhook once per step. The incident id and the step's
    /// title only, never a fact. Each alert is claimed in the schedule database first, so the server's
    /// watch and a cron job's `overdue --notify` never send one twice.
    public func notifyLate(
        _ late: [LateStep], scheduleStore: any ScheduleStore, resources: Resources, asOf: String
    ) throws(DrillbookError) -> (sent: [String], failures: [String]) {
        var sent: [String] = []
        var failures: [String] = []
        let channels = loaded.plan.channels
        let context = Actor.context(actor, asOf: asOf)
        func deliverOnce(_ key: String, _ channel: String, _ recipient: String, _ send: () -> String?)
            throws(StoreError)
        {
            if try scheduleStore.alertState(itemUID: key, step: "late", channel: channel, recipient: recipient)
                == .sent
            {
                return
            }
            guard
                let alert = try scheduleStore.claimAlert(
                    itemUID: key, step: "late", channel: channel, recipient: recipient, audit: context)
            else { return }
            let failure = send()
            try scheduleStore.recordResult(alert: alert, sent: failure == nil, error: failure, audit: context)
            if let failure {
                failures.append("\(key) to \(recipient): \(failure)")
            } else {
                sent.append("\(key) by \(channel) to \(recipient)")
            }
        }
        func deliver(_ key: String, _ channel: String, _ recipient: String, _ send: () -> String?)
            throws(DrillbookError)
        {
            do { try deliverOnce(key, channel, recipient, send) } catch { throw .store(error.description) }
        }
        for step in late where !step.exercise {
            let key = "incident:\(step.incident)/\(step.step)/\(step.role)"
            let before = sent.count
            // Each message carries its own single-use link to acknowledge the step (with a server).
            func ackLink() throws(DrillbookError) -> String? {
                guard let base = loaded.plan.server.baseURL else { return nil }
                do {
                    return "\(base)/ack/"
                        + (try store.createAckLink(incident: step.incident, step: step.step, role: step.role, at: now))
                } catch {
                    throw .store(error.description)
                }
            }
            // "Name <address>": the address is the last <...>, whatever the name holds (a ">" in it trapped).
            if let from = channels.mailFrom, step.holder.hasSuffix(">"), let start = step.holder.lastIndex(of: "<") {
                let end = step.holder.index(before: step.holder.endIndex)
                let email = String(step.holder[step.holder.index(after: start)..<end])
                var values: [String: Any] = [
                    "incident": step.incident, "step": step.step, "title": step.title, "due": step.due,
                    "role": step.role, "district": loaded.plan.district.name,
                ]
                if let link = try ackLink() { values["ackLink"] = link }
                let message = try MailMessage.render(
                    template: "incident-late", templates: resources.templates, values: values, from: from, to: email,
                    itemID: key)
                try deliver(key, "mail", email) { MailSender(command: channels.sendmail).send(message) }
            }
            if let gateway = channels.sms, let phone = step.phone {
                let link = try ackLink()
                let text =
                    "Drillbook: incident \(step.incident), step \"\(step.title)\" is late (due \(step.due)). "
                    + "You hold \(step.role)." + (link.map { " Acknowledge: \($0)" } ?? "") + " No details by text."
                try deliver(key, "sms", phone) { SMSSender(gateway: gateway).send(to: phone, text: text) }
            }
            // The first time a role is told, the incident records it: escalation times run from it.
            if sent.count > before {
                do {
                    let state = try load(step.incident).2
                    if state.alerted[step.step]?[step.role] == nil {
                        try store.append(
                            [
                                IncidentEvent(
                                    kind: .escalated, at: now, actor: actor, step: step.step, data: ["role": step.role])
                            ],
                            to: step.incident)
                    }
                } catch let error as DrillbookError {
                    throw error
                } catch {
                    throw .store("\(error)")
                }
            }
            // The team's chat channel hears once per late step (not per role): the id and the title.
            if let address = channels.webhookURL, let url = URL(string: address) {
                let text = "Incident \(step.incident): step \"\(step.title)\" is late (due \(step.due))"
                let fields = ["incident": step.incident, "step": step.step, "due": step.due]
                try deliver("incident:\(step.incident)/\(step.step)", "webhook", address) {
                    WebhookSender(url: url, timeout: TimeInterval(channels.webhookTimeoutSeconds))
                        .send(WebhookSender.body(text: text, fields: fields))
                }
            }
        }
        return (sent, failures)
    }
}

extension Incidents {
    /// A dated follow-up of a live incident for the team's private calendar.
    public struct FollowUp: Sendable {
        public var incident: String
        public var step: String
        /// Which round of a repeat (0 for a plain deadline): part of the event's stable UID.
        public var round: Int
        /// `review`, `deadline`: never a fact, never the step's wording.
        public var what: String
        /// Seconds since 1970.
        public var due: Int
    }

    /// Every open live incident's next dated step: each open step's deadline, and each paced repeat's
    /// next round (a known-source threat's monitoring reviews).
    public func followUps() throws(DrillbookError) -> [FollowUp] {
        let ids: [String]
        do { ids = try store.incidentIDs() } catch { throw .store(error.description) }
        var followUps: [FollowUp] = []
        for id in ids {
            let (incident, playbook, state) = try load(id)
            guard !state.closed, !incident.exercise else { continue }
            for stepID in state.open {
                guard let step = playbook.step(stepID) else { continue }
                if let parent = step.parent, let container = playbook.step(parent), container.kind == .repeat,
                    let every = container.everyMinutes, let opened = state.openedAt[stepID]
                {
                    let round = state.iterations[parent] ?? 0
                    followUps.append(
                        FollowUp(
                            incident: id, step: stepID, round: round, what: "review",
                            due: round == 0 ? opened : opened + every * 60))
                } else if let due = state.due(step) {
                    followUps.append(FollowUp(incident: id, step: stepID, round: 0, what: "deadline", due: due))
                }
            }
        }
        return followUps.sorted { ($0.due, $0.incident) < ($1.due, $1.incident) }
    }
}
