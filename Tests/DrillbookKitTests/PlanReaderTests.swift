import Foundation
import Planning
import Testing

@testable import DrillbookKit

/// Bad plans are refused with the file, line and field, and what is expected.
@Suite struct PlanReaderTests {
    func error(_ text: String) throws -> String {
        let path = try planFile(text)
        do {
            _ = try Planner.load(planFile: path, resources: resources)
            Issue.record("the plan was accepted")
            return ""
        } catch {
            return error.description.replacingOccurrences(of: path, with: "drillbook.yaml")
        }
    }

    @Test func theExamplePlanLoads() throws {
        let loaded = try Planner.load(planFile: try exampleFolder() + "/drillbook.yaml", resources: resources)
        #expect(loaded.plan.schools.map(\.school.id) == ["harbor-es", "ridge-ms", "lincoln-hs"])
        #expect(
            loaded.plan.activities.filter(\.kind.isDrill).map(\.id).sorted() == [
                "bus-evacuation", "evacuation-drill", "fire-drill", "lockdown-drill", "secure-drill",
                "severe-weather-drill",
                "shelter-in-place-drill",
            ])
        let year = loaded.years["lincoln-hs"]!
        #expect(year.first == day("2027-08-16") && year.last == day("2028-05-26"))
        #expect(year.semesters.map(\.first) == [day("2027-08-16"), day("2028-01-04")])
        #expect(year.isSchoolDay(day("2027-09-06")) == false, "Labor Day is closed")
        #expect(year.isSchoolDay(day("2027-11-05")) && !year.isInstructionalDay(day("2027-11-05")), "a staff day")
        #expect(year.isTesting(day("2028-04-20")))
        // The override made the tip line campaign monthly.
        #expect(loaded.plan.activities.first { $0.id == "tip-line-campaign" }?.cadence.first?.per == .month)
    }

    @Test func anUnknownActivityKindNamesLineAndFieldAndTheChoices() throws {
        let message = try error(
            try examplePlan(replacing: "kind: drill/bus-evacuation", with: "kind: drill/bus-evacuaton"))
        #expect(
            message.hasPrefix(
                "drillbook.yaml:70: activities[2].kind: \"drill/bus-evacuaton\" is unknown (expected one of: protocol-review,"
            ))
    }

    @Test func anUnknownBellScheduleNamesTheOnesThereAre() throws {
        let message = try error(
            try examplePlan(replacing: "bell_schedule: elementary", with: "bell_schedule: elementry"))
        #expect(
            message
                == "drillbook.yaml:28: schools[0].bell_schedule: \"elementry\" is not one of the plan's bell_schedules (elementary, secondary)"
        )
    }

    /// YAML's unquoted words for true and false are booleans (`yes`, `On`, `FALSE`) and a quoted
    /// "true" is text, refused where a boolean goes: as Yams' default resolver read them, which
    /// loading no longer runs.
    @Test(arguments: [("yes", true), ("On", true), ("FALSE", false), ("no", false), ("\"true\"", nil)])
    func booleansAreYAMLsWords(written: String, announced: Bool?) throws {
        let text = try examplePlan(replacing: "    announced: true\n", with: "    announced: \(written)\n")
        guard let announced else {
            let message = try error(text)
            return #expect(
                message.contains("bus-evacuation") || message.contains("expected true or false, not \"true\""))
        }
        let loaded = try Planner.load(planFile: try planFile(text), resources: resources)
        #expect(loaded.plan.activities.first { $0.id == "bus-evacuation" }?.announced == announced)
    }

    /// An alias (`*harbor`) stands for its anchor's value; a merge key (`<<: *harbor`) is no field.
    @Test func anAliasIsItsAnchorsValueAndAMergeKeyIsNoField() throws {
        var text = try examplePlan(
            replacing:
                "    attributes: {sprinklers: true, bus_riders: true}\n    contacts:\n      principal: {name: Maria Chen",
            with:
                "    attributes: &harbor {sprinklers: true, bus_riders: false}\n    contacts:\n      principal: {name: Maria Chen"
        )
        text = text.replacingOccurrences(
            of:
                "    bell_schedule: secondary\n    attributes: {sprinklers: true, bus_riders: true}\n    contacts:\n      principal: {name: Omar",
            with: "    bell_schedule: secondary\n    attributes: *harbor\n    contacts:\n      principal: {name: Omar")
        let loaded = try Planner.load(planFile: try planFile(text), resources: resources)
        let ridge = loaded.plan.schools.first { $0.school.id == "ridge-ms" }?.school
        #expect(ridge?.attributes["bus_riders"] == "false")
        #expect(ridge?.attributes["sprinklers"] == "true")
        let merged = try error(text.replacingOccurrences(of: "attributes: *harbor", with: "attributes: {<<: *harbor}"))
        #expect(merged.contains("schools[1].attributes.<<: is not an attribute"))
    }

    @Test func aMisspelledFieldIsRefused() throws {
        let message = try error(try examplePlan(replacing: "    grades: K-5", with: "    grade: K-5"))
        #expect(message.hasPrefix("drillbook.yaml:27: schools[0].grade: is not a known field (did you mean grades?)"))
    }

    /// YAML 1.2 reads UTF-16 with a byte-order mark (Notepad's "Unicode"); a plan in another code
    /// page is refused at its first line that is not UTF-8, where a school's name once became
    /// another without a word.
    @Test func aPlanIsReadInUTF16AndRefusedInACodePage() throws {
        let text = try examplePlan(replacing: "Maria Chen", with: "María Chen")
        let path = try planFile(text)
        try text.data(using: .utf16)!.write(to: URL(fileURLWithPath: path))
        let loaded = try Planner.load(planFile: path, resources: resources)
        #expect(loaded.plan.schools.count == 3)
        try text.data(using: .windowsCP1252)!.write(to: URL(fileURLWithPath: path))
        let line =
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("María") }! + 1
        #expect {
            try Planner.load(planFile: path, resources: resources)
        } throws: { error in
            "\(error)".hasPrefix("\(path):\(line): is not UTF-8")
        }
    }

    @Test func brokenYAMLNamesItsLine() throws {
        let message = try error(try examplePlan(replacing: "year: 2027-2028", with: "year: [2027-2028"))
        #expect(message.contains("drillbook.yaml:") && message.contains("not valid YAML"))
    }

    @Test func anUnknownTemplateActivityListsTheTemplates() throws {
        let message = try error(
            try examplePlan(replacing: "use: toolkit-year/tip-line-campaign", with: "use: toolkit-year/tipline"))
        #expect(
            message.contains(
                "activities[1].use: template toolkit-year has no activity \"tipline\" (it has: tip-line-campaign,"))
    }

    @Test func aCalendarWithoutAFirstDayIsNamed() throws {
        let message = try error(
            try examplePlan(
                replacing: "first_day: [\"SUMMARY:/First Day of School/\"]",
                with: "first_day: [\"SUMMARY:/Opening Day/\"]"))
        #expect(message.contains("calendar_mapping.first_day: no event in"))
        #expect(message.contains("matches SUMMARY:/Opening Day/ between 2027-07-01 and 2028-06-30"))
    }

    @Test func aBadTimeZoneIsNamed() throws {
        let message = try error(try examplePlan(replacing: "time_zone: America/Chicago", with: "time_zone: Central"))
        #expect(
            message
                == "drillbook.yaml:8: district.time_zone: \"Central\" is not a time zone (expected an Olson name such as America/Chicago)"
        )
    }

    /// A zone tzdata knows but calendars cannot carry (libical has no VTIMEZONE named UTC) is refused
    /// here, not at export, with the name that works.
    @Test func aTimeZoneCalendarsCannotCarryIsRefusedWithTheNameThatWorks() throws {
        let message = try error(try examplePlan(replacing: "time_zone: America/Chicago", with: "time_zone: UTC"))
        #expect(
            message
                == "drillbook.yaml:8: district.time_zone: \"UTC\" is not a time zone (expected an Olson name such as America/Chicago; for UTC, write Etc/UTC)"
        )
        let path = try planFile(try examplePlan(replacing: "time_zone: America/Chicago", with: "time_zone: Etc/UTC"))
        #expect(try Planner.load(planFile: path, resources: resources).plan.district.timeZone == "Etc/UTC")
    }

    @Test func aStateAndItsRuleSetsAreChecked() throws {
        #expect(
            try error(try examplePlan(replacing: "state: TX", with: "state: ZZ"))
                == "drillbook.yaml:7: district.state: \"ZZ\" is not a US state or territory code (expected two capital letters like TX)"
        )
        #expect(
            try error(try examplePlan(replacing: "rules: [baseline, TX]", with: "rules: []")).hasSuffix(
                "compliance.rules: name at least one rule set, like [baseline, TX]"))
        #expect(
            try error(try examplePlan(replacing: "rules: [baseline, TX]", with: "rules: [baseline, TX, TX]")).hasSuffix(
                "compliance.rules: rule set TX is named twice"))
        #expect(
            try error(try examplePlan(replacing: "grades: K-5", with: "grades: K-5\n    state: tx")).contains(
                "schools[0].state: \"tx\" is not a US state or territory code"))
    }

    @Test func anUnknownRuleSetIsNamed() throws {
        let message = try error(try examplePlan(replacing: "rules: [baseline, TX]", with: "rules: [baseline, ZZ]"))
        #expect(message.contains("rule set \"ZZ\" is unknown"))
    }
}

/// The mistakes `validate` catches in a plan: addresses, bells, roles, keys.
@Suite struct PlanMistakeTests {
    static func error(replacing old: String, with new: String) throws -> String {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(text.contains(old), "the example has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: plan, atomically: true, encoding: .utf8)
        do {
            _ = try Planner.load(planFile: plan, resources: resources)
            return ""
        } catch { return "\(error)" }
    }

    /// `server:` and `alerts.run_at` are read, and their mistakes named.
    @Test(arguments: [
        ("server: {base_url: \"ftp://x.example\"}", "is not an http(s) address"),
        ("server: {base_url: \"https://drills.example\", publish: true}", "publish"),
        ("alerts: {run_at: \"6:30am\"}", "is not a time of day like 06:30"),
        ("alerts: {run_at: \"24:00\"}", "is not a time of day like 06:30"),
    ])
    func serverAndRunAtMistakesAreNamed(added: String, expected: String) throws {
        let old = "compliance: {rules: [baseline, TX]"
        let message = try Self.error(replacing: old, with: added + "\n" + old)
        #expect(message.contains(expected), "\(message)")
        #expect(message.contains("drillbook.yaml:"))
    }

    @Test func serverSettingsAreRead() throws {
        let folder = try exampleFolder()
        let plan = "\(folder)/drillbook.yaml"
        let text =
            try String(contentsOfFile: plan, encoding: .utf8)
            + "server: {base_url: \"https://drills.example/\", publish_families: true}\nalerts: {run_at: \"06:30\"}\n"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: plan, resources: resources)
        #expect(loaded.plan.server.baseURL == "https://drills.example")
        #expect(loaded.plan.server.publishFamilies)
        #expect(loaded.plan.channels.runAt == 390)
    }

    @Test(arguments: [
        ("aruiz@lakeside.example", true), ("first.last+tag@sub.example.org", true), ("\"a b\"@example.org", true),
        ("user@[192.0.2.1]", true), ("josé@ejemplo.es", true), ("lmoore at maplecreek", false),
        ("lmoore@maplecreek", false), ("a..b@example.org", false), (".a@example.org", false), ("a@example..org", false),
        ("@example.org", false), ("a@", false), ("a b@example.org", false), ("a@b@example.org", false),
        ("\"unterminated@example.org", false),
    ])
    func emailAddressesFollowTheAddrSpecGrammar(address: String, valid: Bool) {
        #expect(EmailAddress.isValid(address) == valid, "\(address)")
    }

    @Test func aBadEmailIsNamedByLineAndField() throws {
        let message = try Self.error(replacing: "email: twells@lakeside.example", with: "email: twells at lakeside")
        #expect(
            message.contains(
                "schools[0].contacts.safety_coordinator.email: \"twells at lakeside\" is not an email address"))
    }

    @Test func bellTimesOutOfOrderOverlappingOrOutsideTheDayAreRefused() throws {
        let order = try Self.error(
            replacing: "lunch: [\"10:45-11:15\", \"11:20-11:50\"", with: "lunch: [\"11:20-11:50\", \"10:45-11:15\"")
        #expect(
            order.contains("bell_schedules.elementary.lunch: lunch 10:45-11:15 comes before the end of 11:20-11:50"))
        let overlap = try Self.error(replacing: "\"13:40-13:47\"", with: "\"11:40-11:47\"")
        #expect(overlap.contains("lunch 11:30-12:00 overlaps passing 11:40-11:47"), "\(overlap)")
        let outside = try Self.error(replacing: "passing: [\"09:20-09:27\"", with: "passing: [\"07:20-07:27\"")
        #expect(outside.contains("passing 07:20-07:27 is outside the school day 08:30-15:45"))
    }

    @Test func aRoleNoContactFillsIsNamedWhereItIsWrittenOrAtTheSchool() throws {
        let misspelt = try Self.error(
            replacing: "    owner: safety_coordinator\n", with: "    owner: safety_coordinater\n")
        #expect(
            misspelt.contains(
                "\"safety_coordinater\" names no contact of any school (did you mean safety_coordinator?)"))
        let lacking = try Self.error(
            replacing: "      communications: {name: Lee Grant, email: comms@lakeside.example}\n  - id: ridge-ms",
            with: "  - id: ridge-ms")
        #expect(lacking.contains("harbor-es has no communications contact, which"), "\(lacking)")
    }

    @Test func anUnknownKeyNamesTheNearestKnownOne() throws {
        let message = try Self.error(replacing: "    grades: K-5\n", with: "    grade: K-5\n")
        #expect(message.contains("schools[0].grade: is not a known field (did you mean grades?)"), "\(message)")
    }
}

/// Inputs that used to trap: each is now a clear error, or is passed over.
@Suite struct CrashRegressionTests {
    @Test func aTemplateNamedOnlyBySlashesIsAnError() throws {
        let message = try PlanMistakeTests.error(replacing: "  - use: toolkit-year  ", with: "  - use: \"/\"  ")
        #expect(message.contains("activities[0].use: \"/\" is not a template"), "\(message)")
    }

    @Test(arguments: ["9223372036854775807", "999999999999999999m", "99999999h"])
    func anOverflowingTimeToEvacuateIsRefused(value: String) throws {
        let (loaded, store) = try TrackingTests.scheduled()
        var evidence = TrackingTests.fireEvidence
        evidence[.timeToEvacuate] = value
        #expect(
            performing: { try TrackingTests.complete("lincoln-hs/fire-drill-1", loaded, store, evidence: evidence) },
            throws: {
                "\($0)".contains("is not a time like 4m, 4m30s or 4:30 (at most 24h)")
            })
    }

    /// A school taken out of the plan after it was scheduled: `overdue` passes over its items.
    @Test func overdueAfterASchoolLeftThePlan() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        var smaller = loaded
        smaller.plan.schools.removeAll { $0.school.id == "ridge-ms" }
        smaller.years["ridge-ms"] = nil
        let report = try Notifier.evaluate(smaller, store: store, asOf: day("2027-10-01"))
        #expect(!report.findings.isEmpty && !report.findings.contains { $0.item.schoolID == "ridge-ms" })
    }
}

extension PlanMistakeTests {
    /// YAML errors name the line (and column) of the fault, never echo the file.
    @Test func aDuplicateKeyIsNamedAtTheDuplicateAndASyntaxErrorByColumn() throws {
        let duplicate = try Self.error(
            replacing: "    name: Lincoln High School\n", with: "    name: Lincoln High School\n    name: Lincoln HS\n")
        #expect(
            duplicate.hasSuffix(
                "drillbook.yaml:53: name: appears twice in the same mapping (first at line 52); keep one"),
            "\(duplicate)")
        #expect(!duplicate.contains("Lakeside ISD: Drillbook's example district"), "the file is not echoed")
        let syntax = try Self.error(replacing: "schools:\n", with: "schools:\n  - id: [oops\n")
        #expect(syntax.contains("drillbook.yaml:26: not valid YAML (column 7): "), "\(syntax)")
    }
}

extension PlanMistakeTests {
    @Test func idsAreASCIIOnly() throws {
        let message = try Self.error(replacing: "  - id: harbor-es", with: "  - id: harbor-٣")
        #expect(message.contains("must be lower-case letters, digits and dashes"), "\(message)")
    }
}
