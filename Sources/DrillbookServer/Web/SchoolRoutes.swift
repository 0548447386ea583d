import Dates
import DrillbookKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Planning
import Store

/// The pages behind sign-in: dashboard, school, item with history, the record forms, the compliance
/// report, feeds and the audit log. Every route asks `Principal` first.
extension WebApp {
    func addSchoolRoutes(to router: Router<WebContext>) {
        router.get("/") { request, context in
            let principal = try require(context, path: "/")
            guard principal.seesDistrict else { return Views.redirect("/schools/\(principal.school ?? "")") }
            let asOf = server.today()
            // The dashboard shows no audit head: the chain is not verified for it.
            let report = try ComplianceReport.make(
                loaded, store: store, asOf: asOf, school: nil, verifyingAudit: false)
            let overdue = try Notifier.evaluate(loaded, store: store, asOf: asOf).findings.filter {
                $0.kind == .overdue || $0.kind == .escalated
            }
            let rows: [[String: Any]] = report.schools.map { result in
                let late = overdue.filter { $0.item.schoolID == result.school.id }.count
                return [
                    "id": result.school.id, "name": result.school.name,
                    "status": result.findings.isEmpty ? "compliant" : "\(result.findings.count) findings",
                    "compliant": result.findings.isEmpty, "overdue": late,
                ]
            }
            return page(
                "dashboard", title: "Dashboard",
                ["schools": rows, "asOf": asOf.description, "mode": report.mode.rawValue], principal: principal,
                context: context)
        }
        router.get("/schools/{school}") { request, context in
            let principal = try require(context, path: request.uri.path)
            let school = try self.school(context.parameters.get("school") ?? "", for: principal)
            let asOf = server.today()
            let items = try schoolItems(school.id)
            let done = Set(Completion.current(try Tracker.completions(loaded, store: store)).compactMap(\.itemUID))
            let upcoming = items.filter {
                $0.status == .scheduled && $0.item.date >= asOf && !done.contains($0.item.uid)
            }
            .compactMap { row(for: $0.item, principal: principal, asOf: asOf, done: false) }.prefix(12)
            let overdue = try Notifier.evaluate(loaded, store: store, asOf: asOf).findings.filter {
                $0.item.schoolID == school.id && ($0.kind == .overdue || $0.kind == .escalated)
            }.compactMap { finding -> [String: Any]? in
                guard var row = row(for: finding.item, principal: principal, asOf: asOf, done: false) else {
                    return nil
                }
                row["days"] = finding.daysOverdue
                row["makeUp"] = finding.makeUp?.description ?? "none left this year"
                return row
            }
            var values: [String: Any] = [
                "school": ["id": school.id, "name": school.name], "asOf": asOf.description,
                "upcoming": Array(upcoming), "overdue": overdue, "hasOverdue": !overdue.isEmpty,
                "records": principal.records(school.id),
                "reads": principal.reads(reportOf: school.id),
            ]
            // The chart and findings name every drill's day: admins and partners only.
            if principal.audience == .admin || principal.role == .partner {
                let report = try ComplianceReport.make(
                    loaded, store: store, asOf: asOf, school: school.id, verifyingAudit: false)
                if let result = report.schools.first {
                    if principal.audience == .admin { values["chart"] = report.chart(result) }
                    values["findings"] = result.findings.map {
                        ["severity": $0.severity.rawValue, "message": $0.message, "fix": $0.fix]
                    }
                    values["hasFindings"] = !result.findings.isEmpty
                }
            }
            return page("school", title: school.name, values, principal: principal, context: context)
        }
        router.get("/schools/{school}/items/{item}") { request, context in
            let principal = try require(context, path: request.uri.path)
            let (school, tracked) = try item(context, principal)
            let asOf = server.today()
            guard var values = row(for: tracked.item, principal: principal, asOf: asOf, done: false, full: true) else {
                throw HTTPError(.notFound, message: "There is no such item.")
            }
            let history = try Tracker.completions(loaded, store: store).filter { $0.itemUID == tracked.item.uid }
            let current = Set(Completion.current(history).map(\.id))
            values["history"] = history.map { completion -> [String: Any] in
                var row: [String: Any] = [
                    "id": completion.id, "startedAt": Self.display(completion.startedAt), "by": completion.recordedBy,
                    "on": completion.recordedOn.description, "current": current.contains(completion.id),
                    "evidence": completion.evidence.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                        entry -> [String: Any] in
                        guard entry.key == .attachments else {
                            return ["field": entry.key.rawValue, "value": entry.value]
                        }
                        return [
                            "field": entry.key.rawValue,
                            "files": entry.value.split(separator: ";").map { part -> [String: String] in
                                let text = part.trimmingCharacters(in: .whitespaces)
                                let stored = Attachments.names(in: text).first ?? ""
                                // The name the file was sent with, from "<hash>.png (sheet.png)".
                                let original = text.dropFirst(stored.count).trimmingCharacters(in: .whitespaces)
                                return [
                                    "href": "/attachments/\(stored)",
                                    "label": original.hasPrefix("(") ? String(original.dropFirst().dropLast()) : stored,
                                ]
                            },
                        ]
                    },
                ]
                if let corrects = completion.corrects { row["corrects"] = corrects }
                if let ended = completion.endedAt { row["endedAt"] = Self.display(ended) }
                return row
            }
            values["hasHistory"] = !history.isEmpty
            values["cancelled"] = tracked.status == .cancelled
            values["canRecord"] = principal.records(school.id) && tracked.status == .scheduled && current.isEmpty
            values["school"] = ["id": school.id, "name": school.name]
            return page("item", title: tracked.item.title, values, principal: principal, context: context)
        }
        router.get("/schools/{school}/items/{item}/record") { request, context in
            let principal = try require(context, path: request.uri.path)
            let (school, tracked) = try item(context, principal)
            try Self.forbid(principal.records(school.id), "Only the school's admins and staff record its drills.")
            let start = WallTime(
                date: tracked.item.date, hour: tracked.item.start?.hour ?? 0, minute: tracked.item.start?.minute ?? 0)
            return recordPage(
                context, principal: principal, school: school, item: tracked.item, kind: tracked.item.kind,
                fields: ["started_at": Self.inputTime(start)], problems: [:])
        }
        router.post("/schools/{school}/items/{item}/record") { request, context in
            let principal = try require(context, path: request.uri.path)
            let (school, tracked) = try item(context, principal)
            try Self.forbid(principal.records(school.id), "Only the school's admins and staff record its drills.")
            let body = try await FormBody.read(request)
            try Self.checkCSRF(body.fields, request: request, context: context)
            return try save(
                body, context: context, principal: principal, school: school, item: tracked.item,
                kind: tracked.item.kind)
        }
        router.get("/schools/{school}/record") { request, context in
            let principal = try require(context, path: request.uri.path)
            let school = try self.school(context.parameters.get("school") ?? "", for: principal)
            try Self.forbid(principal.records(school.id), "Only the school's admins and staff record its drills.")
            let kind = request.uri.queryParameters["kind"].flatMap { ActivityKind(String($0)) }
            return recordPage(
                context, principal: principal, school: school, item: nil, kind: kind ?? .drill("fire"), fields: [:],
                problems: [:])
        }
        router.post("/schools/{school}/record") { request, context in
            let principal = try require(context, path: request.uri.path)
            let school = try self.school(context.parameters.get("school") ?? "", for: principal)
            try Self.forbid(principal.records(school.id), "Only the school's admins and staff record its drills.")
            let body = try await FormBody.read(request)
            try Self.checkCSRF(body.fields, request: request, context: context)
            guard let kind = ActivityKind(body.fields["kind"] ?? ""), kind.isDrill else {
                return recordPage(
                    context, principal: principal, school: school, item: nil, kind: .drill("fire"), fields: body.fields,
                    problems: ["kind": "is not a drill type"], status: .badRequest)
            }
            return try save(body, context: context, principal: principal, school: school, item: nil, kind: kind)
        }
        router.get("/report") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(principal.reads(reportOf: nil), "The district report is for district admins.")
            let report = try ComplianceReport.make(loaded, store: store, asOf: server.today(), school: nil)
            return Views.html(report.html, inlineStyles: true)
        }
        router.get("/schools/{school}/report") { request, context in
            let principal = try require(context, path: request.uri.path)
            let school = try self.school(context.parameters.get("school") ?? "", for: principal)
            try Self.forbid(principal.reads(reportOf: school.id), "Compliance reports are for admins and partners.")
            let report = try ComplianceReport.make(loaded, store: store, asOf: server.today(), school: school.id)
            return Views.html(report.html, inlineStyles: true)
        }
        router.get("/attachments/{name}") { request, context in
            let principal = try require(context, path: request.uri.path)
            let name = context.parameters.get("name") ?? ""
            // Only someone who sees the school whose record names the file; for anyone else it does not exist.
            let owner = try Tracker.completions(loaded, store: store).first {
                Attachments.names(in: $0.evidence[.attachments] ?? "").contains(name)
            }
            guard let owner, principal.sees(owner.schoolID) else {
                throw HTTPError(.notFound, message: "No such file.")
            }
            switch attachments.read(name) {
            case .missing: throw HTTPError(.notFound, message: "The file is missing from the attachments folder.")
            case .changed:
                throw HTTPError(
                    .conflict,
                    message: "This file changed on disk after it was recorded: it no longer matches its record.")
            case .file(let data, let mime):
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: mime, .cacheControl: "private, no-store",
                        .contentDisposition: "inline; filename=\"\(name)\"",
                        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
        router.get("/feeds") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(principal.managesFeeds(of: principal.school), "Feed links are for admins.")
            return try feedsPage(context, principal: principal, created: nil)
        }
        router.post("/feeds") { request, context in
            let principal = try require(context, path: request.uri.path)
            let fields = try await Self.form(request)
            try Self.checkCSRF(fields, request: request, context: context)
            let scope = fields["scope"] ?? ""
            let school = scope == "district" ? nil : scope
            if let school { _ = try self.school(school, for: principal) }
            try Self.forbid(principal.managesFeeds(of: school), "Feed links are for admins.")
            guard let audience = Audience(rawValue: fields["audience"] ?? ""), audience != .families else {
                throw HTTPError(.badRequest, message: "The audience is staff or admin.")
            }
            let created = try Feeds.create(
                loaded, store: store, school: school, audience: audience,
                label: fields["label"].flatMap { $0.isEmpty ? nil : $0 },
                actor: principal.name, asOf: server.today())
            return try feedsPage(context, principal: principal, created: created)
        }
        router.get("/audit") { request, context in
            let principal = try require(context, path: request.uri.path)
            try Self.forbid(principal.readsAudit, "The audit log is for district admins.")
            let entries = try store.auditEntries().suffix(200).reversed().map { entry -> [String: Any] in
                [
                    "seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
                    "subject": entry.subject,
                ]
            }
            let verdict = try AuditCheck.verify(store, head: nil)
            return page(
                "audit", title: "Audit log",
                ["entries": entries, "head": try AuditCheck.head(store), "verdict": verdict], principal: principal,
                context: context)
        }
    }

    // MARK: - Pieces

    /// One school's items of the year: its own rows, not a state's year filtered (as its feed reads them).
    func schoolItems(_ school: String) throws -> [TrackedItem] {
        do { return try store.items(year: loaded.plan.year, school: school) } catch {
            throw DrillbookError.store(error.description)
        }
    }

    /// The school and item a route names; staff do not reach an unannounced drill before its day.
    func item(_ context: WebContext, _ principal: Principal) throws -> (School, TrackedItem) {
        let school = try self.school(context.parameters.get("school") ?? "", for: principal)
        let id = "\(school.id)/\(context.parameters.get("item") ?? "")"
        guard let tracked = try schoolItems(school.id).first(where: { $0.item.id == id }),
            Self.visible(tracked.item, to: principal, asOf: server.today())
        else { throw HTTPError(.notFound, message: "There is no item \(id).") }
        return (school, tracked)
    }

    /// What a principal's calendar shows of an item: everything for admins; for the others the staff
    /// calendar's view, except that an unannounced drill's day, once passed, is no secret.
    static func visible(_ item: ScheduledItem, to principal: Principal, asOf: CalendarDate) -> Bool {
        switch principal.audience.view(of: item) {
        case .full: true
        case .weekMarker: item.date < asOf
        case nil: false
        }
    }

    func row(for item: ScheduledItem, principal: Principal, asOf: CalendarDate, done: Bool, full: Bool = false)
        -> [String: Any]?
    {
        let visible = Self.visible(item, to: principal, asOf: asOf)
        if !visible {
            // A week marker, as the staff calendar shows it; nothing at all for what staff do not see.
            guard principal.audience.view(of: item) == .weekMarker, !full else { return nil }
            let monday = CalendarDate(dayNumber: item.date.dayNumber - (item.date.weekday.rawValue + 6) % 7)
            return ["title": "Safety drill this week", "date": "week of \(monday)", "marker": true]
        }
        let slug = String(item.id.dropFirst(item.schoolID.count + 1))
        var row: [String: Any] = [
            "id": item.id, "title": item.title, "date": item.date.description,
            "time": item.start?.description ?? "all day", "href": "/schools/\(item.schoolID)/items/\(slug)",
            "recordHref": "/schools/\(item.schoolID)/items/\(slug)/record", "owner": item.owner,
            "kind": item.kind.description,
        ]
        if let description = item.description { row["description"] = description }
        row["announced"] = item.announced
        return row
    }

    /// `2027-09-03 10:15`, as people read it.
    static func display(_ time: WallTime) -> String {
        "\(time.date) " + String(format: "%02d:%02d", time.hour, time.minute)
    }

    /// `2027-09-03T10:15`, as `datetime-local` inputs take it.
    static func inputTime(_ time: WallTime) -> String {
        "\(time.date)T" + String(format: "%02d:%02d", time.hour, time.minute)
    }

    func recordPage(
        _ context: WebContext, principal: Principal, school: School, item: ScheduledItem?, kind: ActivityKind,
        fields given: [String: String], problems: [String: String], status: HTTPResponse.Status = .ok
    ) -> Response {
        let startText = given["started_at"] ?? ""
        let start = DateTimeArgument.wallTime(startText) ?? WallTime(date: item?.date ?? server.today())
        var evidence: [EvidenceField: String] = [:]
        for field in EvidenceField.allCases {
            if let value = given[field.rawValue], !value.isEmpty { evidence[field] = value }
        }
        let inputs = RecordForm.fields(loaded, kind: kind, school: school.id, startedAt: start, evidence: evidence)
            .map { field -> [String: Any] in
                let value = given[field.id] ?? ""
                let chosen = Set(value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
                var input: [String: Any] = [
                    "id": field.id, "label": field.label, "value": value,
                    "required": !field.requiredBy.isEmpty, "requiredBy": field.requiredBy.joined(separator: ", "),
                    "choices": field.choices.map { ["value": $0, "selected": chosen.contains($0)] },
                    field.input: true,
                ]
                if let problem = problems[field.id] { input["error"] = problem }
                if !field.hint.isEmpty { input["hint"] = field.hint }
                return input
            }
        let required = inputs.filter { $0["required"] as? Bool == true }
        var values: [String: Any] = [
            "school": ["id": school.id, "name": school.name], "fields": required, "hasFields": !required.isEmpty,
            "optional": inputs.filter { $0["required"] as? Bool != true }, "startedAt": startText,
            "endedAt": given["ended_at"] ?? "", "hasErrors": !problems.isEmpty,
            "formCSRF": context.sessions.session?.csrf ?? "",
        ]
        if let problem = problems["started_at"] { values["startedError"] = problem }
        if let problem = problems["ended_at"] { values["endedError"] = problem }
        if let problem = problems["form"] { values["formError"] = problem }
        if let problem = problems["attachments"] { values["attachmentsError"] = problem }
        if let item {
            values["item"] = row(for: item, principal: principal, asOf: server.today(), done: false) ?? [:]
            values["action"] = "/schools/\(school.id)/items/\(item.id.dropFirst(school.id.count + 1))/record"
        } else {
            values["action"] = "/schools/\(school.id)/record"
            values["hasKinds"] = true
            values["kinds"] = ActivityKind.drillTypes.map {
                ["value": ActivityKind.drill($0).description, "selected": kind == .drill($0)]
            }
        }
        return page(
            "record", title: item.map { "Record: \($0.title)" } ?? "Record a drill", values, principal: principal,
            context: context, status: status)
    }

    /// Validates the form with the CLI's checks; stores nothing unless all pass; the actor is the
    /// signed-in user.
    func save(
        _ body: FormBody, context: WebContext, principal: Principal, school: School, item: ScheduledItem?,
        kind: ActivityKind
    ) throws -> Response {
        let fields = body.fields
        var evidence: [EvidenceField: String] = [:]
        for field in EvidenceField.allCases where ![.startedAt, .endedAt, .attachments].contains(field) {
            if let value = fields[field.rawValue], !value.trimmingCharacters(in: .whitespaces).isEmpty {
                evidence[field] = value
            }
        }
        let asOf = server.today()
        var problems = RecordForm.problems(
            loaded, kind: kind, school: school.id, startedText: fields["started_at"] ?? "",
            endedText: fields["ended_at"] ?? "", evidence: evidence, asOf: asOf)
        let uploads = body.files.filter { $0.field == "attachment" }
        let refused = uploads.compactMap(Attachments.problem)
        if uploads.count > 10 { problems["attachments"] = "are more than 10 files" }
        if !refused.isEmpty { problems["attachments"] = refused.joined(separator: "; ") }
        if problems.isEmpty, let started = DateTimeArgument.wallTime(fields["started_at"] ?? "") {
            let ended = (fields["ended_at"] ?? "").isEmpty ? nil : DateTimeArgument.wallTime(fields["ended_at"] ?? "")
            do {
                // Content-addressed: a file written for a record that is then refused harms nothing.
                let stored = try uploads.map {
                    Attachments.entry(stored: try attachments.store($0), original: $0.filename)
                }
                if !stored.isEmpty { evidence[.attachments] = stored.joined(separator: "; ") }
                if let item {
                    _ = try Tracker.complete(
                        item.id, loaded: loaded, store: store, startedAt: started, endedAt: ended, durationMinutes: nil,
                        evidence: evidence, corrects: nil, actor: principal.name, asOf: asOf)
                    return Views.redirect("/schools/\(school.id)/items/\(item.id.dropFirst(school.id.count + 1))")
                }
                _ = try Tracker.record(
                    kind: kind, school: school.id, loaded: loaded, store: store, startedAt: started, endedAt: ended,
                    evidence: evidence, actor: principal.name, asOf: asOf)
                return Views.redirect("/schools/\(school.id)")
            } catch {
                problems["form"] = "\(error)"
            }
        }
        return recordPage(
            context, principal: principal, school: school, item: item, kind: kind, fields: fields, problems: problems,
            status: .badRequest)
    }

    func feedsPage(_ context: WebContext, principal: Principal, created: Feeds.Created?) throws -> Response {
        let scopes =
            principal.seesDistrict ? ["district"] + loaded.plan.schools.map(\.school.id) : [principal.school ?? ""]
        let feeds = try Feeds.list(store: store).filter { scopes.contains($0.scope) && $0.revokedAt == nil }.map {
            ["id": $0.id, "scope": $0.scope, "audience": $0.audience, "label": $0.label, "created": $0.createdAt]
        }
        var values: [String: Any] = [
            "feeds": feeds, "scopes": scopes.map { ["value": $0] }, "formCSRF": context.sessions.session?.csrf ?? "",
        ]
        if let created {
            values["created"] = ["url": created.url, "webcal": created.webcal, "label": created.feed.label]
        }
        if loaded.plan.server.publishFamilies, let base = loaded.plan.server.baseURL {
            let families = scopes.filter { $0 != "district" }.map {
                ["school": $0, "url": "\(base)/schools/\($0)/families.ics"]
            }
            values["families"] = families
            values["hasFamilies"] = !families.isEmpty
        }
        return page("feeds", title: "Calendar feeds", values, principal: principal, context: context)
    }
}
