public import Dates
import Foundation
import Planning
import Playbooks
public import Store

extension Incidents {
    /// Closes the incident (refused while a mandatory step is open). Closing an exercise records the
    /// school's earliest open tabletop exercise as done.
    public func close(_ id: String, scheduleStore: (any ScheduleStore)?, asOf: CalendarDate) throws(DrillbookError)
        -> String?
    {
        let (incident, _, _) = try load(id)
        _ = try act(id, .close)
        guard incident.exercise, let scheduleStore else { return nil }
        let items = try Planner.published(loaded, store: scheduleStore)
        let done = Set(Completion.current(try Tracker.completions(loaded, store: scheduleStore)).compactMap(\.itemUID))
        guard
            let tabletop = items.filter({
                $0.status == .scheduled && $0.item.schoolID == incident.school && $0.item.kind == .tabletopExercise
                    && !done.contains($0.item.uid)
            })
            .min(by: { $0.item.date < $1.item.date })
        else { return nil }
        let started = local(incident.events.first?.at ?? now)
        let completion = Completion(
            year: loaded.plan.year, itemUID: tabletop.item.uid, schoolID: incident.school, kind: .tabletopExercise,
            startedAt: started, endedAt: local(now),
            evidence: [.scenario: "Exercise incident \(id) (\(incident.playbookID))"],
            recordedBy: "", recordedOn: asOf, source: .record)
        _ = try Tracker.save([completion], store: scheduleStore, actor: actor, asOf: asOf)
        return tabletop.item.id
    }

    /// The school's wall time of an instant.
    func local(_ seconds: Int) -> WallTime {
        let zone = TimeZone(identifier: loaded.plan.district.timeZone) ?? .current
        return WallTime(
            secondsSinceEpoch: seconds + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    func when(_ seconds: Int) -> String {
        let wall = local(seconds)
        return "\(wall.date) " + String(format: "%02d:%02d", wall.hour, wall.minute)
    }

    /// One line of `incident list`.
    public struct Summary: Sendable, Encodable {
        public var id: String
        public var playbook: String
        public var school: String
        public var opened: String
        public var exercise: Bool
        /// open, closed or cancelled.
        public var status: String
        public var openSteps: [String]
    }

    /// `incident list [--open|--closed] [--school ID]`: every incident, oldest first.
    public func list(status wanted: String?, school: String?) throws(DrillbookError) -> [Summary] {
        if let school, !loaded.plan.schools.contains(where: { $0.school.id == school }) {
            throw .usage(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let ids: [String]
        do { ids = try store.incidentIDs() } catch { throw .store(error.description) }
        var summaries: [Summary] = []
        for id in ids {
            let (incident, playbook, state) = try load(id)
            guard school == nil || incident.school == school else { continue }
            let status = state.cancelled != nil ? "cancelled" : state.closed ? "closed" : "open"
            // --closed lists what is over, cancelled included.
            if let wanted, wanted == "open" ? status != "open" : status == "open" { continue }
            summaries.append(
                Summary(
                    id: id, playbook: playbook.id, school: incident.school, opened: when(state.started),
                    exercise: incident.exercise, status: status, openSteps: state.open))
        }
        try recordView(
            "incidents", "list" + (wanted.map { " --\($0)" } ?? "") + (school.map { " --school \($0)" } ?? ""))
        return summaries
    }

    /// Every look at an incident is audited: who (the actor) and when (the clock, not --as-of).
    func recordView(_ subject: String, _ what: String) throws(DrillbookError) {
        do { try store.recordView(subject, what: what, actor: actor, at: Int(Date().timeIntervalSince1970)) } catch {
            throw .store(error.description)
        }
    }

    /// `incident status`: open steps with owners and deadlines, what is late, decisions so far.
    public func status(_ id: String) throws(DrillbookError) -> String {
        let (incident, playbook, state) = try load(id)
        try recordView(id, "status")
        var lines = [
            "incident \(id)\(incident.exercise ? " [EXERCISE]" : ""): \(playbook.title) at \(incident.school)"
                + (state.cancelled.map { " (CANCELLED: \($0))" } ?? (state.closed ? " (closed)" : "")),
            "  opened \(when(state.started)); playbook \(playbook.id) \(incident.version)",
        ]
        if !state.closed {
            lines.append(
                state.open.isEmpty ? "  nothing open: close it with `drillbook incident close \(id)`" : "  open steps:")
        }
        for stepID in state.open {
            guard let step = playbook.step(stepID) else { continue }
            let owner =
                (state.assigned[stepID] ?? step.owner).map { role in "\(role): \(state.holders[role] ?? "?")" }
                ?? "anyone"
            var due = ""
            if let deadline = state.due(step) {
                due = deadline < now ? ", LATE since \(when(deadline))" : ", due \(when(deadline))"
            }
            let kind = step.kind == .decision ? " [decide: \(step.options.map(\.name).joined(separator: " | "))]" : ""
            lines.append("    \(stepID): \(step.title)\(kind) (\(owner)\(due))")
        }
        for (stepID, option) in state.decisions.sorted(by: { $0.key < $1.key }) {
            lines.append("  decided \(stepID): \(option)")
        }
        return lines.joined(separator: "\n")
    }

    /// `incident report`: the timeline of every action with who, when and why, and deadlines met or missed.
    public func report(_ id: String, html: Bool) throws(DrillbookError) -> String {
        let (incident, playbook, state) = try load(id)
        try recordView(id, html ? "report html" : "report")
        var rows: [(String, String, String)] = []
        for event in incident.events {
            let step = event.step.flatMap(playbook.step)
            let title = step.map { "\($0.id) (\($0.title))" } ?? ""
            let text: String
            switch event.kind {
            case .received:
                // What the tipster wrote and who they are stay in the incident file.
                text =
                    "Received from \(event.data["source"] ?? "")"
                    + (event.data["channel"].map { " via \($0)" } ?? "")
                    + " (external id \(event.data["external_id"] ?? ""), reported \(event.data["time"] ?? "")): "
                    + "text and reporter [confidential, in the incident file]"
                    + (event.data["attachments"].map { "; \($0.split(separator: " ").count) attachments" } ?? "")
            case .started: text = "Opened \(playbook.title)" + (incident.exercise ? " as an EXERCISE" : "")
            case .roleBound: text = "Role \(event.data["role"] ?? "") held by \(event.data["holder"] ?? "")"
            case .factSet:
                let name = event.data["fact"] ?? ""
                let hidden = playbook.facts[name]?.confidential == true
                text = "Fact \(name) = " + (hidden ? "[confidential, in the incident file]" : event.data["value"] ?? "")
            case .stepDone: text = "Done: \(title)" + (event.data["note"].map { ". Note: \($0)" } ?? "")
            case .stepSkipped: text = "Skipped: \(title). Why: \(event.data["why"] ?? "")"
            case .decided:
                text =
                    "Decided \(title): \(event.data["option"] ?? ""). Why: \(event.data["why"] ?? "")"
                    + (event.data["facts"].map { $0.isEmpty ? "" : ". Facts seen: \($0)" } ?? "")
            case .assigned: text = "Assigned \(title) to \(event.data["role"] ?? "")"
            case .signedOff:
                // From the command line the sign-off is someone's word for the role holder: said so.
                let role = event.data["role"] ?? ""
                if event.data["by"] == "holder" {
                    let answer = event.data["answer"] == "disagree" ? "DISAGREED with" : "Signed off"
                    text =
                        "\(answer) \(title) by \(role) (\(event.actor)) in person, "
                        + (event.data["via"] == "signed in" ? "signed in" : "from a sign-off link")
                        + (event.data["why"].map { $0.isEmpty ? "" : ". Why: \($0)" } ?? "")
                } else {
                    text = "Signed off \(title) for \(role): attested by \(event.actor) on behalf of \(role)"
                }
            case .escalated: text = "Told \(event.data["role"] ?? "") that \(title) is late"
            case .acknowledged: text = "Acknowledged the late \(title) (from the alert's link)"
            case .noticeSent: text = "Notice sent to \(event.data["audience"] ?? ""): \(event.data["message"] ?? "")"
            case .noticeSimulated:
                text =
                    "Notice SIMULATED (exercise, nothing sent) to \(event.data["audience"] ?? ""): \(event.data["message"] ?? "")"
            case .closed: text = "Closed"
            case .cancelled: text = "CANCELLED. Why: \(event.data["why"] ?? "")"
            }
            rows.append((when(event.at), event.actor, text))
        }
        var deadlines: [(String, String, String)] = []
        for step in playbook.steps where state.openedAt[step.id] != nil {
            guard let due = state.due(step) else { continue }
            let done = state.done[step.id]
            let verdict =
                done.map { $0 <= due ? "met (done \(when($0)))" : "MISSED (done \(when($0)))" }
                ?? (state.skipped.contains(step.id) ? "skipped" : "not done")
            deadlines.append((step.id, when(due), verdict))
        }
        let title = "Incident \(id)\(incident.exercise ? " (EXERCISE)" : ""): \(playbook.title)"
        let facts = [
            "School: \(incident.school)",
            "Playbook: \(playbook.id) \(incident.version), sha256 \(incident.contentHash.prefix(16))",
            "Status: \(state.closed ? "closed" : "open")",
        ]
        if html { return Self.html(title: title, facts: facts, rows: rows, deadlines: deadlines) }
        var lines =
            ["# \(Self.cell(title))", ""] + facts.map { "- \(Self.cell($0))" } + [
                "", "## Timeline", "", "| When | Who | What |", "|---|---|---|",
            ]
        lines += rows.map { "| \(Self.cell($0.0)) | \(Self.cell($0.1)) | \(Self.cell($0.2)) |" }
        lines += ["", "## Deadlines", "", "| Step | Due | Result |", "|---|---|---|"]
        lines += deadlines.map { "| \(Self.cell($0.0)) | \(Self.cell($0.1)) | \(Self.cell($0.2)) |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown table cell: HTML escaped (Markdown passes raw HTML through to the page), and no
    /// `|` or line end that would end the cell or the row.
    static func cell(_ text: String) -> String {
        // By scalar: `\r\n` is one `Character`, which a replacement of "\n" did not find, and the row broke.
        replacingScalars(htmlEscaped(text)) {
            switch $0 {
            case "|": "\\|"
            case "\r": " "
            case "\n": "<br>"
            default: nil
            }
        }
    }

    static func html(
        title: String, facts: [String], rows: [(String, String, String)], deadlines: [(String, String, String)]
    ) -> String {
        func table(_ head: [String], _ body: [(String, String, String)]) -> String {
            "<table><tr>" + head.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
                + body.map {
                    "<tr><td>\(htmlEscaped($0.0))</td><td>\(htmlEscaped($0.1))</td><td>\(htmlEscaped($0.2))</td></tr>"
                }
                .joined(separator: "\n")
                + "</table>"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(htmlEscaped(title))</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}</style>
            </head><body>
            <h1>\(htmlEscaped(title))</h1>
            <ul>\(facts.map { "<li>\(htmlEscaped($0))</li>" }.joined())</ul>
            <h2>Timeline</h2>
            \(table(["When", "Who", "What"], rows))
            <h2>Deadlines</h2>
            \(table(["Step", "Due", "Result"], deadlines))
            </body></html>

            """
    }
}
