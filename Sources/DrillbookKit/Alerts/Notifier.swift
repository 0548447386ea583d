public import Dates
import Foundation
public import Planning
public import Store
import Synchronization

/// What `overdue` found and, with `--notify`, what it sent.
public struct OverdueReport: Sendable {
    public var findings: [AlertFinding]
    public var sent: [String] = []
    public var alreadySent = 0
    /// Alerts held back: the recipient heard about the item within the ladder's `min_interval`.
    public var deferred = 0
    public var failures: [String] = []
    public var warnings: [String] = []

    /// Something is overdue (due-soon reminders and families notices alone are not).
    public var hasOverdue: Bool { findings.contains { $0.kind == .overdue || $0.kind == .escalated } }
}

/// `drillbook overdue`: evaluates the ladder and, when asked, sends each alert once.
public enum Notifier {
    public static func evaluate(_ loaded: LoadedPlan, store: any ScheduleStore, asOf: CalendarDate)
        throws(DrillbookError)
        -> OverdueReport
    {
        // The log read and indexed on another core while the year is read on every core (it was a
        // quarter of a state's `overdue`, one core busy while the other waited).
        let log = ReadBeside { () throws(DrillbookError) in CompletionLog(try Tracker.completions(loaded, store: store))
        }
        defer { log.wait() }
        let bySchool = try Planner.publishedBySchool(loaded, store: store)
        return OverdueReport(
            findings: Overdue.evaluate(
                bySchool: bySchool, log: try log.value(), asOf: asOf, ladder: loaded.plan.ladder, years: loaded.years))
    }

    /// Sends every alert not sent before: intent, send, result, each recorded (a crash can at worst
    /// repeat one message). A recipient hears about an item at most once per `min_interval` days. A
    /// failed send is reported and tried again on the next run, even once its step has passed, until
    /// it is sent or a later step reaches the same recipient.
    /// Schools whose year ended before `asOf`, grouped by their last day, with how many of their
    /// items were never done. `overdue` owes nothing for them (what was not done can no longer be
    /// made up), and says so rather than print an all-clear over a year of missed drills.
    public static func yearsEnded(_ loaded: LoadedPlan, store: any ScheduleStore, asOf: CalendarDate)
        throws(DrillbookError) -> [(last: CalendarDate, schools: [String], missed: Int)]
    {
        let ended = loaded.plan.schools.map(\.school.id).filter { loaded.years[$0].map { asOf > $0.last } ?? false }
        guard !ended.isEmpty else { return [] }
        let log = CompletionLog(try Tracker.completions(loaded, store: store))
        var missed: [String: Int] = [:]
        for tracked in try Planner.published(loaded, store: store) where !tracked.item.adminOnly {
            guard let year = loaded.years[tracked.item.schoolID], asOf > year.last else { continue }
            if tracked.status(on: asOf, log: log, ladder: loaded.plan.ladder, yearEnd: year.last) == .missed {
                missed[tracked.item.schoolID, default: 0] += 1
            }
        }
        let byLast = Dictionary(grouping: ended) { loaded.years[$0]!.last }
        return byLast.keys.sorted().map { last in
            (last, byLast[last]!, byLast[last]!.reduce(0) { $0 + (missed[$1] ?? 0) })
        }
    }

    public static func notify(
        _ report: OverdueReport, loaded: LoadedPlan, store: any ScheduleStore, resources: Resources, asOf: CalendarDate,
        actor: String?
    ) throws(DrillbookError) -> OverdueReport {
        var report = report
        let channels = loaded.plan.channels
        guard channels.mailFrom != nil || channels.webhookURL != nil else {
            report.warnings.append("no alerts.mail or alerts.webhook in the plan: nothing was sent")
            return report
        }
        let schools = Dictionary(uniqueKeysWithValues: loaded.plan.schools.map { ($0.school.id, $0.school) })
        var handled: Set<String> = []
        let outbox = Outbox(loaded: loaded, store: store, resources: resources, asOf: asOf, actor: actor)
        for finding in report.findings {
            guard let school = schools[finding.item.schoolID] else { continue }
            if channels.mailFrom != nil {
                for role in finding.roles {
                    let contact =
                        role == "district.safety_lead" ? loaded.plan.district.safetyLead : school.contacts[role]
                    guard let email = contact?.email else {
                        report.warnings.append("\(finding.item.id): no email for \(role) at \(school.id); not mailed")
                        continue
                    }
                    handled.insert("\(finding.item.uid) mail \(email)")
                    try outbox.deliver(finding, school: school, channel: "mail", recipient: email, report: &report)
                }
            }
            if let address = channels.webhookURL {
                handled.insert("\(finding.item.uid) webhook \(address)")
                try outbox.deliver(finding, school: school, channel: "webhook", recipient: address, report: &report)
            }
        }
        try retryOwed(
            loaded: loaded, store: store, asOf: asOf, schools: schools, handled: handled, outbox: outbox,
            report: &report)
        return report
    }

    /// Alerts that failed (or were interrupted) on an earlier run and are still owed: the item is
    /// still open and no later step reached that recipient by that channel.
    private static func retryOwed(
        loaded: LoadedPlan, store: any ScheduleStore, asOf: CalendarDate, schools: [String: School],
        handled: Set<String>,
        outbox: Outbox, report: inout OverdueReport
    ) throws(DrillbookError) {
        let items = try Planner.published(loaded, store: store)
        let byUID = Dictionary(items.map { ($0.item.uid, $0) }, uniquingKeysWith: { a, _ in a })
        let byID = Dictionary(items.map { ($0.item.id, $0) }, uniquingKeysWith: { a, _ in a })
        let log = CompletionLog(try Tracker.completions(loaded, store: store))
        do {
            for owed in try store.unsentAlerts()
            where !handled.contains("\(owed.itemUID) \(owed.channel) \(owed.recipient)") {
                guard let tracked = byUID[owed.itemUID], tracked.status == .scheduled,
                    let school = schools[tracked.item.schoolID], let year = loaded.years[tracked.item.schoolID],
                    asOf <= year.last, !log.isDone(owed.itemUID)
                else { continue }
                let sent = try store.sentSteps(itemUID: owed.itemUID, channel: owed.channel, recipient: owed.recipient)
                if sent.contains(where: { rank($0) >= rank(owed.step) }) { continue }
                var finding = AlertFinding(
                    item: tracked.item,
                    kind: owed.step == "reminder"
                        ? .reminder
                        : owed.step == "family-notice"
                            ? .familyNotice : owed.step.hasPrefix("escalated") ? .escalated : .overdue,
                    status: tracked.status(
                        on: asOf, log: log, ladder: loaded.plan.ladder, yearEnd: year.last),
                    step: owed.step, roles: [])
                if finding.kind == .familyNotice {
                    guard let drill = tracked.item.relatedTo.flatMap({ byID[$0] }), drill.status == .scheduled,
                        drill.item.date >= asOf, !log.isDone(drill.item.uid)
                    else { continue }
                    finding.announces = drill.item
                }
                try outbox.deliver(
                    finding, school: school, channel: owed.channel, recipient: owed.recipient, report: &report)
            }
        } catch let error as DrillbookError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    /// reminder, family-notice < overdue < escalated-0 < escalated-1 ...
    static func rank(_ step: String) -> Int {
        if step == "overdue" { return 1 }
        if step.hasPrefix("escalated-") { return 2 + (Int(step.dropFirst(10)) ?? 0) }
        if step.hasPrefix("overdue-") { return 1 + (Int(step.dropFirst(8)) ?? 0) }
        return 0
    }

    /// One message to one recipient by one channel: rendered, and sent once (and not within the
    /// ladder's interval of the last one about the same item).
    struct Outbox {
        let loaded: LoadedPlan
        let store: any ScheduleStore
        let resources: Resources
        let asOf: CalendarDate
        let actor: String?

        func deliver(
            _ finding: AlertFinding, school: School, channel: String, recipient: String, report: inout OverdueReport
        ) throws(DrillbookError) {
            let channels = loaded.plan.channels
            let values = Notifier.values(finding, school: school, plan: loaded.plan)
            let context = Actor.context(actor, asOf: asOf.description)
            let deliver: () -> String?
            if channel == "mail", let from = channels.mailFrom {
                var named = values
                named["owner"] = school.contacts[finding.item.owner]?.name ?? finding.item.owner
                let message = try MailMessage.render(
                    template: finding.kind == .familyNotice
                        ? "family-notice" : finding.kind == .reminder ? "reminder" : "overdue",
                    templates: resources.templates, values: named, from: from, to: recipient, itemID: finding.item.id)
                deliver = { MailSender(command: channels.sendmail).send(message) }
            } else if channel == "webhook", let url = URL(string: recipient) {
                // A chat channel is wider than the owner's inbox: no advance word of an unannounced drill there.
                if finding.kind == .reminder && !finding.item.announced { return }
                let text = Notifier.summary(finding, school: school)
                let fields = values.compactMapValues { $0 as? String }
                deliver = {
                    WebhookSender(url: url, timeout: TimeInterval(channels.webhookTimeoutSeconds))
                        .send(WebhookSender.body(text: text, fields: fields))
                }
            } else {
                return
            }
            do {
                if try store.alertState(
                    itemUID: finding.item.uid, step: finding.step, channel: channel, recipient: recipient) == .sent
                {
                    report.alreadySent += 1
                    return
                }
                if let last = try store.lastSent(itemUID: finding.item.uid, channel: channel, recipient: recipient),
                    asOf.dayNumber - last.dayNumber < loaded.plan.ladder.minInterval
                {
                    report.deferred += 1
                    return
                }
                guard
                    let id = try store.claimAlert(
                        itemUID: finding.item.uid, step: finding.step, channel: channel, recipient: recipient,
                        audit: context)
                else {
                    // Sent, or being sent, by another run that started at the same time.
                    report.alreadySent += 1
                    return
                }
                let failure = deliver()
                try store.recordResult(alert: id, sent: failure == nil, error: failure, audit: context)
                if let failure {
                    report.failures.append(
                        "\(finding.item.id) (\(finding.step)) by \(channel) to \(recipient): \(failure)")
                } else {
                    report.sent.append("\(finding.item.id) (\(finding.step)) by \(channel) to \(recipient)")
                }
            } catch {
                throw .store(error.description)
            }
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
        // With a server, the record form is one click away (it asks the recipient to sign in).
        if let base = plan.server.baseURL, item.id.hasPrefix(item.schoolID + "/") {
            values["recordLink"] =
                "\(base)/schools/\(item.schoolID)/items/\(item.id.dropFirst(item.schoolID.count + 1))/record"
        }
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
