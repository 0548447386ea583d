public import Dates
import Foundation
public import Planning
public import Store

/// What `overdue` found and, with `--notify`, what it sent.
public struct OverdueReport: Sendable {
    public var findings: [AlertFinding]
    public var sent: [String] = []
    public var alreadySent = 0
    public var failures: [String] = []
    public var warnings: [String] = []

    /// Something is overdue (due-soon reminders and families notices alone are not).
    public var hasOverdue: Bool { findings.contains { $0.kind == .overdue || $0.kind == .escalated } }
}

/// `drillbook overdue`: evaluates the ladder and, when asked, sends each alert once.
public enum Notifier {
    public static func evaluate(_ loaded: LoadedPlan, store: ScheduleStore, asOf: CalendarDate) throws(DrillbookError)
        -> OverdueReport
    {
        let items = try Planner.published(loaded, store: store)
        let completions = try Tracker.completions(loaded, store: store)
        return OverdueReport(
            findings: Overdue.evaluate(
                items, completions: completions, asOf: asOf, ladder: loaded.plan.ladder, years: loaded.years))
    }

    /// Sends every alert not sent before: intent, send, result, each recorded (a crash can at worst
    /// repeat one message). A failed send is reported and tried again on the next run.
    public static func notify(
        _ report: OverdueReport, loaded: LoadedPlan, store: ScheduleStore, resources: Resources, asOf: CalendarDate,
        actor: String?
    ) throws(DrillbookError) -> OverdueReport {
        var report = report
        let channels = loaded.plan.channels
        guard channels.mailFrom != nil || channels.webhookURL != nil else {
            report.warnings.append("no alerts.mail or alerts.webhook in the plan: nothing was sent")
            return report
        }
        let schools = Dictionary(uniqueKeysWithValues: loaded.plan.schools.map { ($0.school.id, $0.school) })
        for finding in report.findings {
            guard let school = schools[finding.item.schoolID] else { continue }
            let values = self.values(finding, school: school, plan: loaded.plan)
            if let from = channels.mailFrom {
                for role in finding.roles {
                    let contact =
                        role == "district.safety_lead" ? loaded.plan.district.safetyLead : school.contacts[role]
                    guard let email = contact?.email else {
                        report.warnings.append("\(finding.item.id): no email for \(role) at \(school.id); not mailed")
                        continue
                    }
                    var named = values
                    named["owner"] = school.contacts[finding.item.owner]?.name ?? finding.item.owner
                    let message = try MailMessage.render(
                        template: finding.kind == .familyNotice
                            ? "family-notice" : finding.kind == .reminder ? "reminder" : "overdue",
                        templates: resources.templates, values: named, from: from, to: email, itemID: finding.item.id)
                    try send(
                        finding, channel: "mail", recipient: email, store: store, asOf: asOf, actor: actor,
                        report: &report
                    ) {
                        MailSender(command: channels.sendmail).send(message)
                    }
                }
            }
            // A chat channel is wider than the owner's inbox: no advance word of an unannounced drill there.
            let quiet = finding.kind == .reminder && !finding.item.announced
            if let address = channels.webhookURL, let url = URL(string: address), !quiet {
                let text = summary(finding, school: school)
                let fields = values.compactMapValues { $0 as? String }
                try send(
                    finding, channel: "webhook", recipient: address, store: store, asOf: asOf, actor: actor,
                    report: &report
                ) {
                    WebhookSender(url: url, timeout: TimeInterval(channels.webhookTimeoutSeconds))
                        .send(WebhookSender.body(text: text, fields: fields))
                }
            }
        }
        return report
    }

    private static func send(
        _ finding: AlertFinding, channel: String, recipient: String, store: ScheduleStore, asOf: CalendarDate,
        actor: String?,
        report: inout OverdueReport, deliver: () -> String?
    ) throws(DrillbookError) {
        let context = Actor.context(actor, asOf: asOf.description)
        do {
            if try store.alertState(
                itemUID: finding.item.uid, step: finding.step, channel: channel, recipient: recipient) == .sent
            {
                report.alreadySent += 1
                return
            }
            let id = try store.recordIntent(
                itemUID: finding.item.uid, step: finding.step, channel: channel, recipient: recipient, at: context.at)
            let failure = deliver()
            try store.recordResult(alert: id, sent: failure == nil, error: failure, audit: context)
            if let failure {
                report.failures.append("\(finding.item.id) (\(finding.step)) by \(channel) to \(recipient): \(failure)")
            } else {
                report.sent.append("\(finding.item.id) (\(finding.step)) by \(channel) to \(recipient)")
            }
        } catch {
            throw .store(error.description)
        }
    }

    /// One line for chat tools and the console.
    public static func summary(_ finding: AlertFinding, school: School) -> String {
        let item = finding.item
        switch finding.kind {
        case .reminder: return "Due \(item.date): \(item.title) at \(school.name) (\(item.id))"
        case .familyNotice:
            return "Families notice due today: \(finding.announces?.title ?? item.title) at \(school.name) (\(item.id))"
        case .overdue, .escalated:
            return (finding.kind == .escalated ? "Escalated: " : "")
                + "\(item.title) at \(school.name) is \(finding.daysOverdue) days overdue (due \(item.date))"
                + (finding.makeUp.map { "; make-up \($0)" } ?? "") + " (\(item.id))"
        }
    }

    static func values(_ finding: AlertFinding, school: School, plan: Plan) -> [String: Any] {
        let item = finding.item
        var values: [String: Any] = [
            "id": item.id, "title": item.title, "school": school.name, "due": item.date.description,
            "days": String(finding.daysOverdue), "step": finding.step, "district": plan.district.name,
            "escalated": finding.kind == .escalated,
        ]
        if let time = item.start { values["time"] = time.description }
        if let description = item.description { values["description"] = description }
        if let makeUp = finding.makeUp { values["makeUp"] = makeUp.description }
        if let drill = finding.announces {
            values["drill"] = drill.title
            values["drillLower"] = drill.title.prefix(1).lowercased() + drill.title.dropFirst()
            values["drillDate"] = drill.date.description
            values["drillID"] = drill.id
            if let time = drill.start { values["drillTime"] = time.description }
        }
        return values
    }
}
