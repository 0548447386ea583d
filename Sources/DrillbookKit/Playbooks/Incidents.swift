import Dates
import Foundation
import Planning
public import Playbooks
public import Store

/// The incident use cases: open, act, status, close, report. Incidents never appear in a calendar,
/// `list` or `export`; they live in their own database.
public struct Incidents: Sendable {
    public var loaded: LoadedPlan
    public var library: PlaybookLibrary
    public var store: any IncidentStore
    /// Seconds since the Unix epoch: `DRILLBOOK_NOW` (`2027-10-05T06:10:00Z`) or the clock.
    public var now: Int
    public var actor: String

    public init(loaded: LoadedPlan, library: PlaybookLibrary, store: any IncidentStore, now: Int, actor: String) {
        self.loaded = loaded
        self.library = library
        self.store = store
        self.now = now
        self.actor = actor
    }

    /// `drillbook-incidents.sqlite` beside the plan unless `--incidents-db` or DRILLBOOK_INCIDENTS_DB says otherwise.
    public static func databasePath(planFile: String, explicit: String?) -> String {
        if let explicit { return explicit }
        // Set but empty is unset, as a shell's `VAR= command` means it.
        if let environment = ProcessInfo.processInfo.environment["DRILLBOOK_INCIDENTS_DB"], !environment.isEmpty {
            return environment
        }
        let folder = (planFile as NSString).deletingLastPathComponent
        return folder.isEmpty ? "drillbook-incidents.sqlite" : "\(folder)/drillbook-incidents.sqlite"
    }

    /// The incidents database in the SQLite file at `path` (a backup, or the default engine).
    public static func openStore(_ path: String) throws(DrillbookError) -> SQLiteIncidentStore {
        do { return try SQLiteIncidentStore(path: path) } catch { throw .store(error.description) }
    }

    /// Opens an incident: roles bound to the school's contacts, facts checked.
    public func open(_ playbookID: String, school: String, exercise: Bool, facts: [String: String])
        throws(DrillbookError) -> String
    {
        guard let planned = loaded.plan.schools.first(where: { $0.school.id == school }) else {
            throw .usage(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let playbook = try library.resolve(playbookID)
        let problems = PlaybookValidator.problems(playbook)
        guard problems.isEmpty else { throw .usage(problems.map(\.description).joined(separator: "\n")) }
        do {
            let events = try IncidentEngine.open(
                playbook, school: school, exercise: exercise,
                holders: holders(playbook, contacts: planned.school.contacts), facts: facts,
                at: now, actor: actor)
            let year = Calendar(identifier: .gregorian).component(
                .year, from: Date(timeIntervalSince1970: TimeInterval(now)))
            return try store.open(playbook: playbook, school: school, exercise: exercise, year: year, events: events)
        } catch let error as IncidentError {
            throw .usage(error.description)
        } catch {
            throw .store("\(error)")
        }
    }

    /// Each role of a playbook bound to the school's contact for it (or the district's); with
    /// `fallback`, a role no contact fills goes to the district safety lead.
    func holders(_ playbook: Playbook, contacts: [String: Contact], fallback: Bool = false) -> [String: String] {
        var holders: [String: String] = [:]
        for role in playbook.roles.values {
            holders[role.id] =
                person(role, contacts: contacts, fallback: fallback).map {
                    "\($0.name)" + ($0.email.map { " <\($0)>" } ?? "")
                } ?? "(unfilled: \(role.contact ?? role.id))"
        }
        return holders
    }

    /// Who holds a role: its contact, else an alternate, else (with `fallback`) the safety lead.
    func person(_ role: Role, contacts: [String: Contact], fallback: Bool) -> Contact? {
        ([role.contact] + role.alternates.map(Optional.some)).compactMap { $0 }.lazy.compactMap {
            contact -> Contact? in
            contact == "district.safety_lead" ? self.loaded.plan.district.safetyLead : contacts[contact]
        }.first ?? (fallback ? loaded.plan.district.safetyLead : nil)
    }

    /// A report as a tip line or alert service sends it.
    struct Report: Decodable {
        var type: String
        var source: String?
        var channel: String?
        var text: String?
        var school: String
        var time: String?
    }

    /// The playbook each type of report opens.
    static let playbooksByReport = [
        "social-media-threat": "anonymous-threat", "anonymous-threat": "anonymous-threat", "tip": "anonymous-threat",
        "bomb-threat": "bomb-threat", "known-source-threat": "known-source-threat",
    ]

    /// Reads a report and the playbook it opens; a clear error for anything else.
    static func report(_ data: Data, file: String) throws(DrillbookError) -> (Report, String) {
        let report: Report
        do { report = try JSONDecoder().decode(Report.self, from: data) } catch {
            throw .usage(
                "\(file): not a report (\(jsonProblem(error)); expected JSON with type, school, and optionally source, "
                    + "channel, text, time)")
        }
        guard let playbookID = playbooksByReport[report.type] else {
            throw .usage(
                "\(file): type \"\(report.type)\" is unknown (expected one of: \(playbooksByReport.keys.sorted().joined(separator: ", ")))"
            )
        }
        return (report, playbookID)
    }

    /// Opens an incident from a report as a tip line or alert service sends it:
    /// `{"type": "social-media-threat", "source": "...", "channel": "instagram", "text": "...", "school": "lincoln-hs", "time": "..."}`.
    public func open(fromJSON file: String, exercise: Bool) throws(DrillbookError) -> String {
        let data: Data
        do { data = Data(try FileBytes.read(file)) } catch { throw .usage(error.description) }
        let (report, playbookID) = try Self.report(data, file: file)
        var facts: [String: String] = [:]
        let playbook = try library.resolve(playbookID)
        if let text = report.text, playbook.facts["threat_text"] != nil { facts["threat_text"] = text }
        if let text = report.text, playbook.facts["threat_words"] != nil { facts["threat_words"] = text }
        if let channel = report.channel, case .choice(let values)? = playbook.facts["platform"]?.kind {
            facts["platform"] = values.contains(channel) ? channel : "other"
        }
        return try open(playbookID, school: report.school, exercise: exercise, facts: facts)
    }

    /// The incident, its playbook as it ran, and its state.
    public func load(_ id: String) throws(DrillbookError) -> (StoredIncident, Playbook, IncidentState) {
        let incident: StoredIncident
        do { incident = try store.incident(id) } catch { throw .store(error.description) }
        let playbook = try library.resolve(incident.playbookID)
        return (incident, playbook, IncidentEngine.state(playbook, incident.events))
    }

    /// Applies an action; refused actions write nothing.
    public func act(_ id: String, _ action: IncidentAction) throws(DrillbookError) -> IncidentState {
        let (incident, playbook, _) = try load(id)
        do {
            let events = try IncidentEngine.events(
                for: action, playbook: playbook, events: incident.events, at: now, actor: actor)
            try store.append(events, to: id)
            return IncidentEngine.state(playbook, incident.events + events)
        } catch let error as IncidentError {
            throw .usage("incident \(id): \(error.description); nothing was recorded")
        } catch {
            throw .store("\(error)")
        }
    }
}
