import Dates
import DrillbookKit
import Foundation
import Planning
import Store
import Testing

/// `check` on the example district and fresh plans; local rules; malformed rule files; report formats.
@Suite struct ComplianceTests {
    static func scheduled(_ folder: String) throws -> (LoadedPlan, SQLiteScheduleStore) {
        let loaded = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-07-01"))
        return (loaded, store)
    }

    /// Schools are judged side by side: the district's report lists them in plan order, each with
    /// the tallies and findings it gets when checked alone.
    @Test func aDistrictsReportIsEachSchoolCheckedAloneInPlanOrder() throws {
        let (loaded, store) = try Self.scheduled(try exampleFolder())
        let asOf = day("2028-02-15")
        let district = try ComplianceReport.make(loaded, store: store, asOf: asOf, school: nil)
        #expect(district.schools.map(\.school.id) == loaded.plan.schools.map(\.school.id))
        #expect(!district.findings.isEmpty)
        for result in district.schools {
            let alone = try ComplianceReport.make(loaded, store: store, asOf: asOf, school: result.school.id)
            #expect(alone.schools.count == 1)
            #expect(alone.schools[0].tallies == result.tallies)
            #expect(alone.schools[0].findings == result.findings)
            #expect(alone.schools[0].items.map(\.item.uid) == result.items.map(\.item.uid))
        }
        #expect(try ComplianceReport.make(loaded, store: store, asOf: asOf, school: nil).text == district.text)
    }

    @Test func theExampleDistrictChecksCleanAndAnEmptyLogDoesNot() throws {
        let (loaded, store) = try Self.scheduled(try exampleFolder())
        let plan = try ComplianceReport.make(loaded, store: store, asOf: day("2027-07-01"), school: nil)
        #expect(plan.mode == .plan && plan.findings.isEmpty, "\(plan.text)")
        #expect(plan.ruleSets == ["baseline", "TX"])
        let after = try ComplianceReport.make(loaded, store: store, asOf: day("2028-05-27"), school: "lincoln-hs")
        #expect(after.mode == .log && !after.findings.isEmpty)
        #expect(
            after.findings.contains {
                $0.ruleID == "tx-lockdown"
                    && $0.message == "0 of 1 lockdown drill between 2027-08-16 and 2027-12-17 held"
            })
        #expect(after.html.contains("<svg") && after.html.contains("Lincoln High School"))
        #expect(after.csv.hasPrefix("school,school_name,drill,kind,started_at,ended_at,time_zone,"))
    }

    /// Oklahoma's security drills (4 a year, at most 2 a semester) with the fall's missed: by
    /// February no spring drill can make up for them. `check` calls it final and the re-plan says
    /// which maximum stops it (both called it a lack of free days, and `check` "at risk").
    @Test func oklahomasSemesterMaximumMakesAMissedFallFinal() throws {
        let folder = try exampleFolder(state: "OK")
        let (loaded, store) = try Self.scheduled(folder)
        let asOf = day("2028-02-15")
        let replan = try Planner.run(loaded, store: store, asOf: asOf)
        let security = replan.skipped.filter { $0.activityID == "OK/ok-security" }
        #expect(security.count == loaded.plan.schools.count, "\(replan.skipped)")
        for skip in security {
            #expect(
                skip.constraint.hasSuffix("the rule allows at most 2 in Semester 2 (2 already counted there)"),
                "\(skip)")
        }
        let report = try ComplianceReport.make(loaded, store: store, asOf: asOf, school: nil)
        let year = report.findings.filter {
            $0.ruleID == "ok-security"
                && $0.message.hasPrefix("2 of 4 lockdown drills between 2027-08-16 and 2028-05-26")
        }
        #expect(year.count == loaded.plan.schools.count, "\(report.text)")
        #expect(year.allSatisfy { $0.severity == .cannotBeMet }, "\(year.map(\.message))")
        #expect(!report.findings.contains { $0.severity == .atRisk && $0.ruleID == "ok-security" }, "\(report.text)")
    }

    /// Every state with a rule file in Templates/compliance.
    static let states: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(resources.templates)/compliance")) ?? [])
        .filter { $0.hasSuffix(".yaml") && $0 != "baseline.yaml" }.map { String($0.dropLast(5)) }.sorted()

    @Test func everyRowOfTheStateTableHasARuleFile() {
        #expect(Self.states.count == 51)
    }

    @Test(arguments: states)
    func aFreshInitPlanChecksClean(state: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-state-\(UUID().uuidString)"
        ).path
        _ = try Initializer.write(
            to: folder, example: false, state: state, year: "2027-2028", resources: resources, today: day("2027-01-10"))
        let (loaded, store) = try Self.scheduled(folder)
        #expect(loaded.plan.ruleSets == ["baseline", state])
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2027-07-01"), school: nil)
        #expect(report.findings.isEmpty, "\(report.text)")
    }

    @Test func aLocalRuleReplacesOnlyAReplaceableOne() throws {
        let folder = try exampleFolder()
        try FileManager.default.createDirectory(atPath: "\(folder)/compliance", withIntermediateDirectories: true)
        let local = """
            schema: drillbook-compliance/1
            jurisdiction: Lakeside Fire Marshal
            sources: {marshal: {title: "Lakeside Fire Marshal letter, 2027"}}
            rules:
              - {id: tx-fire, drill: fire, require: {count: 1, per: month}, source: marshal, confidence: H}
              - {id: lakeside-bus, drill: bus-evacuation, require: {count: 2, per: year}, source: marshal}
            """
        try local.write(toFile: "\(folder)/compliance/lakeside.yaml", atomically: true, encoding: .utf8)
        let (loaded, store) = try Self.scheduled(folder)
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2027-07-01"), school: nil)
        #expect(
            report.localRules.contains { $0.hasPrefix("TX/tx-fire (replaced by ") && $0.hasSuffix("lakeside.yaml)") })
        #expect(report.localRules.contains { $0.hasPrefix("Lakeside Fire Marshal/lakeside-bus (") })
        #expect(report.text.contains("local rules in force: "))
        #expect(report.findings.isEmpty, "\(report.text)")
        try local.replacingOccurrences(of: "id: tx-fire", with: "id: tx-lockdown").write(
            toFile: "\(folder)/compliance/lakeside.yaml", atomically: true, encoding: .utf8)
        #expect(
            performing: { _ = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources) },
            throws: {
                "\($0)".contains("rule tx-lockdown of TX is not replaceable")
            })
    }

    @Test func aRuleUsingAShapeWronglyIsNamedByFileRuleAndField() throws {
        let folder = try exampleFolder()
        try FileManager.default.createDirectory(atPath: "\(folder)/compliance", withIntermediateDirectories: true)
        try """
        schema: drillbook-compliance/1
        jurisdiction: local
        rules:
          - id: lunch-lockdown
            drill: lockdown
            require: {count: 1, per: year}
            condition: {during: [assembly]}
        """.write(toFile: "\(folder)/compliance/mine.yaml", atomically: true, encoding: .utf8)
        #expect(
            performing: { _ = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources) },
            throws: {
                "\($0)".contains("mine.yaml:7: rules[0].condition.during[0]: \"assembly\" is not a time of day")
            })
    }
}

extension ComplianceTests {
    static func writeLocal(_ folder: String, _ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: "\(folder)/compliance", withIntermediateDirectories: true)
        try text.write(toFile: "\(folder)/compliance/\(name)", atomically: true, encoding: .utf8)
    }

    /// The plan's load error once `compliance/<file>` holds one rule (a flow mapping) under schema
    /// version `schema`; empty when it loads.
    static func localRuleError(_ folder: String, file: String = "local.yaml", schema: Int, rule: String) throws
        -> String
    {
        try writeLocal(
            folder, file, "schema: drillbook-compliance/\(schema)\njurisdiction: local\nrules:\n  - \(rule)\n")
        return loadError(folder)
    }

    static func loadError(_ folder: String) -> String {
        do {
            _ = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
            return ""
        } catch { return "\(error)" }
    }

    /// A local file named like a shipped set would silently replace the law.
    @Test func aLocalFileNamedLikeAShippedSetIsRefused() throws {
        let folder = try exampleFolder()
        try Self.writeLocal(
            folder, "TX.yaml",
            "schema: drillbook-compliance/2\njurisdiction: TX\nrules:\n  - {id: tx-fire, drill: fire, require: {count: 1, per: year}}\n"
        )
        #expect(Self.loadError(folder).contains("has the name of Drillbook's shipped rule set TX; rename it"))
    }

    @Test func attributesAreDeclaredTypedAndRequiredWhereTheLawHasNoDefault() throws {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        try text.replacingOccurrences(
            of: "attributes: {sprinklers: true, bus_riders: true}\n    contacts:\n      principal: {name: Maria Chen",
            with: "attributes: {sprinkler: false, bus_riders: true}\n    contacts:\n      principal: {name: Maria Chen"
        ).write(toFile: plan, atomically: true, encoding: .utf8)
        let misspelt = Self.loadError(folder)
        #expect(
            misspelt.contains(
                "schools[0].attributes.sprinkler: is not an attribute any selected rule set reads (did you mean sprinklers?)"
            ), "\(misspelt)")
        try text.replacingOccurrences(
            of: "{sprinklers: true, bus_riders: true}\n    contacts:\n      principal: {name: Maria Chen",
            with: "{sprinklers: maybe, bus_riders: true}\n    contacts:\n      principal: {name: Maria Chen"
        ).write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(Self.loadError(folder).contains("attributes.sprinklers: expected true or false, not \"maybe\""))
        // A set that reads no attributes at all (TX alone) says so, rather than offer an empty list.
        try text.replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [TX]").write(
            toFile: plan, atomically: true, encoding: .utf8)
        #expect(
            Self.loadError(folder).contains(
                "sprinklers: is not an attribute any selected rule set reads; the selected rule sets read none"))
        // Ohio's fire rules read smoke detectors and sprinklers, with no default in the law.
        try text.replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, OH]").write(
            toFile: plan, atomically: true, encoding: .utf8)
        #expect(Self.loadError(folder).contains("the school does not say smoke_detectors, which the OH rules read"))
        try text.replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline, OH]")
            .replacingOccurrences(
                of: "{sprinklers: true, bus_riders: true}", with: "{sprinklers: no, smoke_detectors: no}"
            )
            .replacingOccurrences(
                of: "{sprinklers: true, bus_riders: true, summer_session: false}",
                with: "{sprinklers: yes, smoke_detectors: no}"
            )
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: resources)
        let ridge = loaded.requirements("ridge-ms")!.entries.map(\.rule.id)
        #expect(ridge.contains("oh-fire-unprotected") && !ridge.contains("oh-fire"))
        #expect(loaded.requirements("lincoln-hs")!.entries.map(\.rule.id).contains("oh-fire"))
    }

    @Test func aFirstReleaseFileStillLoadsAndIsToldWhatToChangeForNewShapes() throws {
        let folder = try exampleFolder()
        try Self.writeLocal(
            folder, "lakeside.yaml",
            "schema: drillbook-compliance/1\njurisdiction: Lakeside\nrules:\n  - {id: lakeside-bus, drill: bus-evacuation, require: {count: 2, per: year}}\n"
        )
        #expect(Self.loadError(folder) == "")
        try Self.writeLocal(
            folder, "lakeside.yaml",
            "schema: drillbook-compliance/1\njurisdiction: Lakeside\nrules:\n  - {id: lakeside-bus, drill: bus-evacuation, require: {count: 1, at_most: 2, per: year}}\n"
        )
        #expect(Self.loadError(folder).contains("at_most needs schema: drillbook-compliance/2"))
        try Self.writeLocal(
            folder, "lakeside.yaml",
            "schema: drillbook-compliance/1\njurisdiction: Lakeside\nrules:\n  - {id: lakeside-fire, drill: fire, require: {count: 2, per: year}, condition: {distinct_hours: true}}\n"
        )
        #expect(Self.loadError(folder).contains("distinct_hours needs schema: drillbook-compliance/2"))
        let january = "{id: january, drill: fire, require: {count: 1, per: year}, window: {within_days: 10, of: "
        #expect(
            try Self.localRuleError(folder, file: "lakeside.yaml", schema: 1, rule: january + "\"01-01\"}}").contains(
                "of: a month and day needs schema: drillbook-compliance/2"))
        let badDay = try Self.localRuleError(folder, file: "lakeside.yaml", schema: 2, rule: january + "\"13-01\"}}")
        #expect(
            badDay.contains("\"13-01\" is unknown (expected year, period or a month and day like \"01-01\")"),
            "\(badDay)")
    }

    @Test func theJSONReportIsOneObjectWithTalliesAndTheItemsBehindEachFinding() throws {
        let (loaded, store) = try Self.scheduled(try exampleFolder())
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2028-01-10"), school: "lincoln-hs")
        let object = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as! [String: Any]
        #expect(object["mode"] as? String == "during-year" && object["as_of"] as? String == "2028-01-10")
        #expect(object["rule_sets"] as? [String] == ["baseline", "TX"])
        let school = (object["schools"] as! [[String: Any]])[0]
        let tallies = school["tallies"] as! [[String: Any]]
        let fire = tallies.first { $0["rule"] as? String == "tx-fire" }!
        #expect(fire["required"] as? Int == 4 && fire["done"] as? Int == 0)
        #expect((fire["scheduled_ahead"] as? Int ?? 0) > 0)
        let findings = school["findings"] as! [[String: Any]]
        #expect(findings.count == object["finding_count"] as? Int)
        #expect(
            findings.contains {
                ($0["severity"] as? String) == "cannot-be-met" && !(($0["item_ids"] as? [String]) ?? []).isEmpty
            })
    }
}

extension ComplianceTests {
    @Test func initWritesTheStatesTimeZoneAndRefusesAnUnknownState() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "drillbook-init-\(UUID().uuidString)"
        )
        .path
        _ = try Initializer.write(
            to: folder, example: false, state: "NY", year: "2027-2028", resources: resources, today: day("2027-01-10"))
        let plan = try String(contentsOfFile: "\(folder)/drillbook.yaml", encoding: .utf8)
        #expect(plan.contains("time_zone: America/New_York"))
        #expect(
            try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources).plan.district.timeZone
                == "America/New_York")
        #expect(
            performing: {
                _ = try Initializer.write(
                    to: folder + "-zz", example: false, state: "ZZ", year: "2027-2028", resources: resources,
                    today: day("2027-01-10"))
            }, throws: { "\($0)".contains("--state \"ZZ\" is not a US state or DC (expected one of: AK, AL, AR") })
    }

    /// `complete` refuses a drill record for exactly the fields `check` would flag as missing.
    @Test func completeRefusesWhatCheckWouldFlag() throws {
        let (loaded, store) = try Self.scheduled(try exampleFolder())
        let items = try Planner.published(loaded, store: store)
        let fire = try Tracker.item("lincoln-hs/fire-drill-1", in: items)
        let refusal: String
        do {
            _ = try Tracker.complete(
                fire.item.id, loaded: loaded, store: store, startedAt: nil, endedAt: nil, durationMinutes: nil,
                evidence: [:], corrects: nil, actor: "t", asOf: fire.item.date)
            refusal = ""
        } catch { refusal = "\(error)" }
        let school = loaded.plan.schools.first { $0.school.id == "lincoln-hs" }!.school
        let bare = Completion(
            id: 1, year: "2027-2028", itemUID: fire.item.uid, schoolID: "lincoln-hs", kind: fire.item.kind,
            startedAt: WallTime(date: fire.item.date, hour: fire.item.start!.hour, minute: fire.item.start!.minute),
            recordedBy: "t", recordedOn: fire.item.date, source: .complete)
        let flagged = ComplianceChecker(ruleSets: loaded.plan.rules).check(
            school: school, year: loaded.years["lincoln-hs"]!, items: items, completions: [bare],
            asOf: day("2028-06-01")
        ).findings.filter { $0.severity == .evidence }
        #expect(flagged.count == 1)
        let fields = flagged[0].message.components(separatedBy: " lacks ")[1].components(separatedBy: ", ")
        #expect(fields.count == 5)
        for field in fields { #expect(refusal.contains("\(field) (--"), "\(field) in \(refusal)") }
        #expect(refusal.components(separatedBy: " (--").count - 1 == fields.count)
    }
}

extension ComplianceTests {
    /// The state drill log: names, zone and words; public without names, problems and notes; no
    /// formula survives; import-log reads it back into a fresh database as it was.
    @Test func theDrillLogIsAStateLogAndImportsBack() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        var evidence = TrackingTests.fireEvidence
        evidence[.conductedBy] = "=HYPERLINK(\"http://x.example\",\"Ana\")"
        evidence[.notes] = "back door, sticks"
        evidence[.present] = "fire"
        let done = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: evidence)
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2028-06-01"), school: "lincoln-hs")
        let csv = report.csv(public: false)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("school,school_name,drill,kind,started_at,ended_at,time_zone,"))
        #expect(lines[0].contains(",conducted_by,") && lines[0].hasSuffix("recorded_by,recorded_on,item"))
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("lincoln-hs,Lincoln High School,Fire drill,fire,\(done.startedAt),"))
        #expect(lines[1].contains(",America/Chicago,") && lines[1].contains(",\"'=HYPERLINK(\"\"http"))
        let posting = report.csv(public: true)
        #expect(!posting.contains("conducted_by") && !posting.contains("HYPERLINK") && !posting.contains("sticks"))
        #expect(!posting.contains("problems") && !posting.contains("Ana Ruiz"))
        // Read back into a fresh copy of the district.
        let (fresh, freshStore) = try TrackingTests.scheduled()
        let file = try OverdueAndImportTests.csv(csv)
        let imported = try LogImporter.run(
            file: file, mapping: .init(), loaded: fresh, store: freshStore, actor: "importer", asOf: day("2028-06-01")
        ).imported
        #expect(imported.count == 1)
        #expect(imported[0].evidence[.conductedBy] == evidence[.conductedBy])
        #expect(imported[0].evidence[.present] == "fire" && imported[0].startedAt == done.startedAt)
        #expect(imported[0].itemUID == done.itemUID)
    }

    /// A comma, quote or `=` followed by a combining mark is one `Character` that equals none of them;
    /// a spreadsheet sees the comma, the quote and the formula all the same. The drill log quotes,
    /// doubles and neutralises by scalar: python's csv module reads every row with the header's
    /// columns and each value as written, and import-log reads the values back.
    @Test func drillLogCellsAreQuotedByScalarForEveryReader() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        var evidence = TrackingTests.fireEvidence
        evidence[.conductedBy] = "=\u{301}HYPERLINK(\"x\",\u{301} \"\u{301}Ana\"\u{301})\r\nRuiz\u{2028}fixed"
        evidence[.present] = "fire"
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: evidence)
        var report = try ComplianceReport.make(loaded, store: store, asOf: day("2028-06-01"), school: "lincoln-hs")
        report.schools[0].school.name = "Lincoln,\u{301} High"
        let file = try OverdueAndImportTests.csv(report.csv(public: false))
        let data = try runPython([
            "-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", file,
        ])
        let rows = try JSONDecoder().decode([[String]].self, from: data)
        try #require(rows.count == 2)
        #expect(rows[1].count == rows[0].count, "\(rows[1])")
        let column = { (name: String) in rows[0].firstIndex(of: name).map { rows[1][$0] } }
        #expect(column("school_name") == "Lincoln,\u{301} High")
        #expect(column("conducted_by") == "'" + evidence[.conductedBy]!)
        let (fresh, freshStore) = try TrackingTests.scheduled()
        let imported = try LogImporter.run(
            file: file, mapping: .init(), loaded: fresh, store: freshStore, actor: "importer", asOf: day("2028-06-01")
        ).imported
        try #require(imported.count == 1)
        // A spreadsheet's line ends inside a cell read back as LF. (The literal stands apart: #expect's
        // expansion cannot hold a U+2028 escape.)
        let typed = "=\u{301}HYPERLINK(\"x\",\u{301} \"\u{301}Ana\"\u{301})\nRuiz\u{2028}fixed"
        #expect(imported[0].evidence[.conductedBy] == typed)
    }

    @Test func theHTMLReportNamesTheDistrictAndEndsWithASignatureAndTheAuditHead() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        _ = try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store)
        let report = try ComplianceReport.make(loaded, store: store, asOf: day("2028-06-01"), school: nil)
        let html = report.html
        #expect(html.contains("<h1>Lakeside Independent School District: drill compliance"))
        #expect(html.contains(">Fire drill</text>") && !html.contains(">drill/fire</text>"))
        let head = try AuditCheck.head(store)
        #expect(html.contains("Signature:") && html.contains("Audit head \(head)"))
        #expect(html.contains("(held)</title>"))
    }

    /// Each school's part of the text and HTML reports is written on its own core: the parts still
    /// come in plan order, each once, and a name with markup in it is escaped in the page, a quote
    /// or `<` followed by a combining mark included (one `Character`, which equals neither).
    @Test func reportsListEverySchoolOnceInPlanOrderWithNamesEscaped() throws {
        let (loaded, store) = try Self.scheduled(try exampleFolder())
        var report = try ComplianceReport.make(loaded, store: store, asOf: day("2028-02-15"), school: nil)
        #expect(report.schools.count == 3)
        report.schools[1].school.name = "Q\"\u{301} onmouseover=x <\u{338}b> & Co"
        let names = report.schools.map(\.school.name)
        let text = report.text
        let positions = names.map { text.range(of: "\n\n\($0) (")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
        #expect(text.components(separatedBy: "\n\n").count == names.count + 1)
        let html = report.html
        #expect(html.contains("<h2>Q&quot;\u{301} onmouseover=x &lt;\u{338}b&gt; &amp; Co <small>"))
        #expect(!html.contains("\"\u{301}") && !html.contains("<\u{338}"))
        let headings = names.map { html.range(of: "<h2>\($0 == names[1] ? "Q&quot" : $0)")?.lowerBound }
        #expect(headings.allSatisfy { $0 != nil } && headings.map { $0! } == headings.map { $0! }.sorted())
        #expect(html.components(separatedBy: "<svg ").count == names.count + 1)
    }
}
