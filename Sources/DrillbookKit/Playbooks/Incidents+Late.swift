import Foundation
import Planning
public import Playbooks
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
            for stepID in state.open {
                guard let step = playbook.step(stepID), let due = state.due(step), due < now else { continue }
                // The owner, and the roles the step escalates to when late.
                for role in [state.assigned[stepID] ?? step.owner ?? ""] + step.escalateTo {
                    late.append(
                        LateStep(
                            incident: id, exercise: incident.exercise, step: stepID, title: step.title, due: when(due),
                            role: role, holder: state.holders[role] ?? ""))
                }
            }
        }
        return late
    }

    /// Mails each late step's role holder once (exercises send nothing): the incident id and the step's
    /// title only, never a fact.
    public func notifyLate(
        _ late: [LateStep], scheduleStore: ScheduleStore, resources: Resources, asOf: String
    ) throws(DrillbookError) -> (sent: [String], failures: [String]) {
        var sent: [String] = []
        var failures: [String] = []
        guard let from = loaded.plan.channels.mailFrom else { return ([], []) }
        for step in late where !step.exercise {
            // "Name <address>": the address is the last <...>, whatever the name holds (a ">" in it trapped).
            guard step.holder.hasSuffix(">"), let start = step.holder.lastIndex(of: "<") else { continue }
            let end = step.holder.index(before: step.holder.endIndex)
            let email = String(step.holder[step.holder.index(after: start)..<end])
            let key = "incident:\(step.incident)/\(step.step)/\(step.role)"
            let message = try MailMessage.render(
                template: "incident-late", templates: resources.templates,
                values: [
                    "incident": step.incident, "step": step.step, "title": step.title, "due": step.due,
                    "role": step.role,
                    "district": loaded.plan.district.name,
                ], from: from, to: email, itemID: key)
            let context = Actor.context(actor, asOf: asOf)
            do {
                if try scheduleStore.alertState(itemUID: key, step: "late", channel: "mail", recipient: email) == .sent
                {
                    continue
                }
                guard
                    let alert = try scheduleStore.claimAlert(
                        itemUID: key, step: "late", channel: "mail", recipient: email, audit: context)
                else { continue }
                let failure = MailSender(command: loaded.plan.channels.sendmail).send(message)
                try scheduleStore.recordResult(alert: alert, sent: failure == nil, error: failure, audit: context)
                if let failure {
                    failures.append("\(key) to \(email): \(failure)")
                } else {
                    sent.append("\(key) by mail to \(email)")
                }
            } catch {
                throw .store(error.description)
            }
        }
        return (sent, failures)
    }
}
