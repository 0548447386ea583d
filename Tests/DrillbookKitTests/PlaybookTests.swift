import Dates
import DrillbookKit
import Foundation
import GRDB
import Planning
import Playbooks
import Store
import Testing

extension String {
    var headHash: String { String(split(separator: " ").first ?? "") }
}

/// The built-in playbooks validate, and run as incidents through every option of every decision.
@Suite struct PlaybookTests {
    static func setUp() throws -> (Incidents, LoadedPlan, String) {
        let folder = try exampleFolder()
        let loaded = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
        let library = try PlaybookLibrary.load(resources: resources, planFolder: folder)
        let store = try Incidents.openStore("\(folder)/drillbook-incidents.sqlite")
        let incidents = Incidents(loaded: loaded, library: library, store: store, now: 1_823_000_000, actor: "tester")
        return (incidents, loaded, folder)
    }

    @Test func everyBuiltInPlaybookValidates() throws {
        let (incidents, _, _) = try Self.setUp()
        #expect(incidents.library.playbooks.count == 9)
        for playbook in incidents.library.playbooks.values {
            #expect(try incidents.library.validate(file: playbook.file, builtIn: true).isEmpty, "\(playbook.id)")
        }
    }

    /// Runs an incident to its close, taking `choices[step]` at a decision (else the first option).
    static func walk(_ incidents: Incidents, _ id: String, playbook: Playbook, choices: [String: String]) throws
        -> IncidentState
    {
        var state = try incidents.load(id).2
        var rounds = 0
        while let stepID = state.open.first(where: {
            playbook.step($0)?.kind != .repeat && playbook.step($0)?.kind != .parallel
        }), rounds < 500 {
            rounds += 1
            let step = playbook.step(stepID)!
            var facts: [String: String] = [:]
            var signoffs: [String] = []
            for requirement in step.requires {
                switch requirement {
                case .facts(let names):
                    for name in names where state.facts[name] == nil {
                        if case .choice(let values)? = playbook.facts[name]?.kind {
                            facts[name] = values[0]
                        } else {
                            facts[name] = "recorded"
                        }
                    }
                case .signoff(let role): signoffs.append(role)
                case .note, .attachment: break
                }
            }
            if step.kind == .decision {
                if !facts.isEmpty { state = try incidents.act(id, .setFacts(facts)) }
                state = try incidents.act(
                    id,
                    .decide(
                        step: stepID, option: choices[stepID] ?? step.options[0].name, why: "test reason",
                        signoffs: signoffs))
            } else {
                state = try incidents.act(id, .done(step: stepID, note: "note", signoffs: signoffs, facts: facts))
            }
        }
        #expect(rounds < 500)
        return state
    }

    @Test(arguments: [
        "anonymous-threat", "known-source-threat", "bomb-threat", "srp-lockdown", "srp-evacuate", "srp-shelter",
        "srp-hold", "srp-secure", "after-action-review",
    ])
    func everyOptionOfEveryDecisionRunsToAClose(playbookID: String) throws {
        let (incidents, _, _) = try Self.setUp()
        let playbook = try incidents.library.resolve(playbookID)
        var plans: [[String: String]] = [[:]]
        for step in playbook.steps where step.kind == .decision {
            for option in step.options.dropFirst() { plans.append([step.id: option.name]) }
        }
        for choices in plans {
            let id = try incidents.open(playbookID, school: "lincoln-hs", exercise: true, facts: [:])
            let state = try Self.walk(incidents, id, playbook: playbook, choices: choices)
            #expect(state.open.isEmpty, "\(playbookID) \(choices): still open \(state.open)")
            _ = try incidents.close(id, scheduleStore: nil, asOf: day("2027-10-05"))
            #expect(try incidents.load(id).2.closed)
            // A sign-off given from the command line says whose word it was.
            let report = try incidents.report(id, html: false)
            if playbook.steps.contains(where: { $0.requires.contains(.signoff(role: "le_liaison")) }),
                report.contains("Signed off")
            {
                #expect(report.contains("attested by tester on behalf of le_liaison"), "\(playbookID)")
                #expect(!report.contains(" in person"))
            }
            for (step, option) in choices { #expect(try incidents.load(id).2.decisions[step] == option) }
        }
    }

    /// The incidents database keeps its own chain: an incident or event edited, added or deleted in
    /// SQLite is named by `audit verify`, and a kept head catches entries cut from the end.
    @Test func theIncidentsChainNamesEveryChangedRecord() throws {
        let (incidents, _, folder) = try Self.setUp()
        let id = try incidents.open("bomb-threat", school: "lincoln-hs", exercise: true, facts: [:])
        #expect(try AuditCheck.verify(incidents.store, head: nil).hasPrefix("incidents audit log intact: 1 entries"))
        let head = try AuditCheck.head(incidents.store)
        let path = "\(folder)/drillbook-incidents.sqlite"
        for (sql, expected) in [
            ("UPDATE incident SET school = 'ridge-ms'", "incident:\(id) differs"),
            (
                "UPDATE incident_event SET body = replace(body, 'tester', 'nobody') WHERE seq = 1",
                "incident_event:\(id)/1 differs"
            ),
            ("DELETE FROM incident_event WHERE seq = (SELECT max(seq) FROM incident_event)", "is missing"),
        ] {
            let copy = "\(folder)/copy-\(UUID().uuidString).sqlite"
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            let queue = try DatabaseQueue(path: copy)
            try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
            let store = try Incidents.openStore(copy)
            #expect {
                try AuditCheck.verify(store, head: nil)
            } throws: { "\($0)".contains(expected) }
        }
        #expect(try AuditCheck.verify(incidents.store, head: head.headHash).hasPrefix("incidents audit log intact"))
    }

    /// An incident opened by mistake is cancelled with a reason: kept, listed as cancelled, never late,
    /// closed to every further action; `list` filters by state and school.
    @Test func aCancelledIncidentIsKeptListedAndNeverLate() throws {
        var (incidents, _, _) = try Self.setUp()
        let mistake = try incidents.open("anonymous-threat", school: "lincoln-hs", exercise: false, facts: [:])
        let real = try incidents.open("bomb-threat", school: "harbor-es", exercise: false, facts: [:])
        incidents.now += 3 * 86_400
        #expect(try incidents.lateSteps().contains { $0.incident == mistake })
        #expect(
            performing: { _ = try incidents.act(mistake, .cancel(why: "  ")) }, throws: { "\($0)".contains("--why") })
        let state = try incidents.act(mistake, .cancel(why: "a duplicate of \(real)"))
        #expect(state.closed && state.cancelled == "a duplicate of \(real)")
        #expect(try !incidents.lateSteps().contains { $0.incident == mistake }, "out of overdue")
        #expect(try incidents.lateSteps().contains { $0.incident == real })
        #expect(performing: { _ = try incidents.act(mistake, .close) }, throws: { "\($0)".contains("is closed") })
        #expect(try incidents.list(status: nil, school: nil).map(\.id) == [mistake, real])
        #expect(try incidents.list(status: "open", school: nil).map(\.id) == [real])
        let over = try incidents.list(status: "closed", school: nil)
        #expect(over.map(\.id) == [mistake] && over[0].status == "cancelled")
        #expect(try incidents.list(status: nil, school: "harbor-es").map(\.id) == [real])
        #expect(throws: DrillbookError.self) { try incidents.list(status: nil, school: "nowhere") }
        #expect(try incidents.report(mistake, html: false).contains("CANCELLED. Why: a duplicate of \(real)"))
        #expect(try incidents.status(mistake).contains("(CANCELLED: a duplicate of \(real))"))
        // Every look was recorded: who, what, when; the chain still holds.
        let views = try incidents.store.auditEntries().filter { $0.action == "view" }
        #expect(views.map(\.subject) == ["incidents", "incidents", "incidents", "incidents", mistake, mistake])
        #expect(views.allSatisfy { $0.actor == "tester" })
        #expect(views.map(\.detail).contains("{\"what\":\"list --closed\"}"))
        if case .intact = try incidents.store.verifyAudit() {} else { Issue.record("the incidents chain broke") }
    }

    /// A repeat keeps its cadence in a live incident (a weekly check-in once a week); an exercise is
    /// not paced.
    @Test func repeatRoundsArePacedInALiveIncident() throws {
        let (_, loaded, folder) = try Self.setUp()
        try FileManager.default.createDirectory(atPath: "\(folder)/playbooks", withIntermediateDirectories: true)
        try """
        schema: drillbook-playbook/1
        id: weekly-check
        version: 1.0.0
        title: Weekly check-ins
        sources: {t: {title: A test}}
        roles:
          incident_lead: {title: Principal, contact: principal}
        start: checks
        steps:
          checks:
            kind: repeat
            title: Check in with the family
            every: 7d
            max: 3
            body: {id: check_in, kind: task, title: Check in with the family, owner: incident_lead, source: t}
            source: t
            next: done
          done: {kind: end}

        """.write(toFile: "\(folder)/playbooks/weekly-check.yaml", atomically: true, encoding: .utf8)
        let library = try PlaybookLibrary.load(resources: resources, planFolder: folder)
        let store = try Incidents.openStore("\(folder)/drillbook-incidents.sqlite")
        let day0 = 1_823_000_000
        func at(_ days: Double) -> Incidents {
            Incidents(loaded: loaded, library: library, store: store, now: day0 + Int(days * 86_400), actor: "t")
        }
        let live = try at(0).open("weekly-check", school: "lincoln-hs", exercise: false, facts: [:])
        let check = IncidentAction.done(step: "check_in", note: nil, signoffs: [], facts: [:])
        _ = try at(0.1).act(live, check)  // the first round: whenever
        #expect(
            performing: { _ = try at(2).act(live, check) },
            throws: { "\($0)".contains("repeats every 7d: its next round opens") })
        _ = try at(7.2).act(live, check)
        let third = try at(14.3).act(live, check)
        #expect(third.done["checks"] != nil, "three rounds, a week apart, then on")
        // An exercise runs them back to back.
        let exercise = try at(0).open("weekly-check", school: "lincoln-hs", exercise: true, facts: [:])
        for _ in 0..<3 { _ = try at(0.1).act(exercise, check) }
        #expect(try at(0.1).load(exercise).2.done["checks"] != nil)
    }

    @Test func illegalActionsAreRefusedAndChangeNothing() throws {
        let (incidents, _, _) = try Self.setUp()
        let id = try incidents.open(
            "anonymous-threat", school: "lincoln-hs", exercise: false, facts: ["platform": "tiktok"])
        let before = try incidents.store.incident(id).events.count
        let refused: [(IncidentAction, String)] = [
            (.done(step: "capture", note: nil, signoffs: [], facts: [:]), "needs the facts threat_text"),
            (
                .done(step: "posture", note: nil, signoffs: [], facts: [:]),
                "step posture is not open now (open: capture)"
            ),
            (.decide(step: "capture", option: "yes", why: "x", signoffs: []), "is a task, not a decision"),
            (.skip(step: "capture", why: "busy"), "mandatory and cannot be skipped"),
            (.setFacts(["platform": "myspace"]), "is not one of instagram"),
            (.close, "cannot close: mandatory steps are open: capture"),
        ]
        for (action, message) in refused {
            #expect(performing: { _ = try incidents.act(id, action) }, throws: { "\($0)".contains(message) })
        }
        #expect(try incidents.store.incident(id).events.count == before)
        #expect(throws: DrillbookError.self) {
            try incidents.open("anonymous-threat", school: "nowhere", exercise: false, facts: [:])
        }
    }

    /// A notice goes out as text: a value is neither HTML-escaped nor read as a template, and a
    /// notice never goes out with a hole where a fact should be.
    @Test func noticesAreFilledInAsPlainTextAndNeverWithAGap() throws {
        let (incidents, _, _) = try Self.setUp()
        let playbook = try incidents.library.resolve("anonymous-threat")
        let text = try IncidentEngine.render(
            "Seen on {{facts.platform}} & {{facts.credibility}}{{#facts.source_identified}}, source {{facts.source_identified}}{{/facts.source_identified}}.",
            facts: ["platform": "<b>x</b> & \"y\"", "credibility": "{{facts.threat_text}}"], playbook: playbook)
        #expect(text == "Seen on <b>x</b> & \"y\" & {{facts.threat_text}}.")
        #expect(
            performing: { _ = try IncidentEngine.render("On {{facts.platform}}", facts: [:], playbook: playbook) },
            throws: { "\($0)".contains("--fact platform=VALUE") })
        #expect(
            performing: {
                _ = try IncidentEngine.render("On {{platform}} {{facts.nope}}", facts: [:], playbook: playbook)
            },
            throws: { "\($0)".contains("names facts.nope, platform, not facts") })
        #expect(
            performing: { _ = try IncidentEngine.render("On {{#facts.platform}}", facts: [:], playbook: playbook) },
            throws: { "\($0)".contains("not a valid template") })

    }

    /// A JSON report that is not one is refused with the field and what is wrong, as its writer
    /// would say it, and opens nothing.
    @Test func aBadJSONReportNamesItsField() throws {
        let (incidents, _, _) = try Self.setUp()
        let cases = [
            ("{\"school\": \"lincoln-hs\"}", "(\"type\" is missing;"),
            ("{\"type\": \"tip\", \"school\": 5}", "(\"school\" is not text;"),
            ("{\"type\": \"tip\", \"school\": \"lincoln-hs\", \"text\": [\"a\"]}", "(\"text\" is not text;"),
            ("[1, 2", "(not valid JSON;"),
        ]
        for (json, message) in cases {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json")
            try json.write(to: file, atomically: true, encoding: .utf8)
            #expect(
                performing: { _ = try incidents.open(fromJSON: file.path, exercise: true) },
                throws: { "\($0)".contains(message) && !"\($0)".contains("CodingKeys") })
            try? FileManager.default.removeItem(at: file)
        }
        #expect(try incidents.store.incidentIDs().isEmpty)
    }

    @Test func confidentialFactsStayOutOfFamilyNoticesAndReports() throws {
        let (incidents, _, _) = try Self.setUp()
        let playbook = try incidents.library.resolve("anonymous-threat")
        let text = try IncidentEngine.render(
            "Seen on {{facts.platform}}: {{facts.threat_text}}", facts: ["platform": "x", "threat_text": "kill"],
            playbook: playbook)
        #expect(text == "Seen on x: [withheld]")
        // Whatever the tag: triple braces, an unescaped `&`, a section.
        let staff = try IncidentEngine.render(
            "{{{facts.threat_text}}} {{& facts.threat_text}} {{#facts.threat_text}}{{.}}{{/facts.threat_text}}",
            facts: ["threat_text": "kill"], playbook: playbook)
        #expect(staff == "[withheld] [withheld] [withheld]")
        let id = try incidents.open(
            "anonymous-threat", school: "lincoln-hs", exercise: true,
            facts: ["platform": "x", "threat_text": "the words of the threat"])
        let report = try incidents.report(id, html: false)
        #expect(!report.contains("the words of the threat"))
        #expect(report.contains("threat_text = [confidential, in the incident file]"))
        // Markdown passes raw HTML through: a note with markup is shown as text, and cannot break the table.
        _ = try incidents.act(
            id, .done(step: "capture", note: "<img src=x onerror=alert(1)> | next\nline", signoffs: [], facts: [:]))
        let markdown = try incidents.report(id, html: false)
        #expect(!markdown.contains("<img"))
        #expect(markdown.contains("&lt;img src=x onerror=alert(1)&gt; \\| next<br>line"))
        // A Windows line end (one `Character`, neither "\r" nor "\n") and a bar or `<` followed by a
        // combining mark still cannot end the row or the cell, nor open a tag.
        _ = try incidents.act(
            id, .decide(step: "imminent", option: "no", why: "a |\u{301} b\r\nc <\u{301}img> d", signoffs: []))
        let windows = try incidents.report(id, html: false)
        let row = try #require(windows.split(separator: "\n").first { $0.contains("Decided imminent") }, "\(windows)")
        #expect(row.contains("a \\|\u{301} b <br>c &lt;\u{301}img&gt; d. "), "\(row)")
        #expect(!windows.contains("\r"))
    }

    @Test func closingAnExerciseRecordsTheSchoolsTabletopExercise() throws {
        let (incidents, loaded, folder) = try Self.setUp()
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        let playbook = try incidents.library.resolve("srp-hold")
        let id = try incidents.open("srp-hold", school: "ridge-ms", exercise: true, facts: [:])
        _ = try Self.walk(incidents, id, playbook: playbook, choices: [:])
        let recorded = try incidents.close(id, scheduleStore: store, asOf: day("2027-10-05"))
        #expect(recorded == "ridge-ms/tabletop-exercise-1")
        let done = try Tracker.completions(loaded, store: store)
        #expect(done.count == 1 && done[0].kind == .tabletopExercise)
        // Incidents appear in no calendar: the schedule holds no item for them.
        #expect(try Planner.published(loaded, store: store).allSatisfy { !$0.item.id.contains(id) })
    }
}

extension PlaybookTests {
    @Test func aMalformedPlaybookFileIsNamedByLine() throws {
        let (incidents, _, folder) = try Self.setUp()
        let file = "\(folder)/broken.yaml"
        try """
        schema: drillbook-playbook/1
        id: broken
        version: 0.1.0
        title: Broken
        roles: {lead: {title: Lead}}
        start: first
        steps:
          first: {kind: task, title: First, owner: lead, next: second, colour: red}
          second: {kind: end}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(
            performing: { _ = try incidents.library.validate(file: file) },
            throws: { error in
                "\(error)".contains("broken.yaml:8: steps.first.colour: is not a known field")
            })
        try """
        schema: drillbook-playbook/1
        id: broken
        version: 0.1.0
        title: Broken
        roles: {lead: {title: Lead}}
        start: first
        steps:
          first: {kind: decision, title: First, owner: lead, urgent: true}
          second: {kind: call, playbook: nowhere, next: done}
          done: {kind: end}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let problems = try incidents.library.validate(file: file).map(\.description)
        #expect(problems.contains("\(file):8: step first: a decision needs options"))
        #expect(problems.contains("\(file):8: step first: an urgent step needs a deadline (due: T+15m)"))
        #expect(problems.contains("\(file):9: step second: playbook \"nowhere\" is unknown"))
    }
}
