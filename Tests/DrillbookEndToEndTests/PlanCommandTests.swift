import Foundation
import Testing

/// `init`, `validate`, `schedule`, `list`, `export` and `demo`, run as a user runs them.
@Suite struct PlanCommandTests {
    @Test func demoWritesValidCalendarsForTheThreeSchools() throws {
        let folder = try Drillbook.temporaryFolder()
        let result = try Drillbook.run("demo", "--dir", folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("schedule again: no change"))
        let out = folder.appendingPathComponent("out")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(
            files == ["district-admin.ics", "district-families.ics", "district-staff.ics"]
                + ["harbor-es", "lincoln-hs", "ridge-ms"].flatMap { school in
                    ["admin", "families", "staff"].map { "\(school)-\($0).ics" }
                })
        let validate = try Drillbook.run(
            "calendar", "validate", out.path + "/lincoln-hs-staff.ics", out.path + "/district-admin.ics")
        #expect(validate.status == 0, "\(validate.stdout)")
    }

    /// A snow day added on an announced drill's day: `schedule` cancels it, makes it up on another
    /// day and says its families notice was made again.
    @Test func aSnowDayOnAnAnnouncedDrillIsMadeUpWithItsNoticeAnew() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        struct Row: Decodable {
            var id: String
            var date: String
        }
        let list = try Drillbook.run(
            "list", "--plan", plan, "--school", "lincoln-hs", "--kind", "drill/lockdown", "--json")
        let drill = try #require(try JSONDecoder().decode([Row].self, from: Data(list.stdout.utf8)).first)
        // The day before the drill: its families notice (a week ahead) has gone out.
        let parts = drill.date.split(separator: "-").compactMap { Int($0) }
        let drillDay = try #require(
            Calendar(identifier: .gregorian).date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])))
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        let dayBefore = format.string(from: drillDay.addingTimeInterval(-86_400))
        let calendar = folder.appendingPathComponent("lakeside-2027-2028.ics").path
        let compact = drill.date.replacingOccurrences(of: "-", with: "")
        let next = format.string(from: drillDay.addingTimeInterval(86_400)).replacingOccurrences(of: "-", with: "")
        let snow = """
            BEGIN:VEVENT\r
            UID:snow-\(compact)@lakeside-isd.example\r
            DTSTAMP:20270601T150000Z\r
            DTSTART;VALUE=DATE:\(compact)\r
            DTEND;VALUE=DATE:\(next)\r
            SUMMARY:Snow Day - No School\r
            CATEGORIES:HOLIDAY\r
            END:VEVENT\r

            """
        let text = try String(contentsOfFile: calendar, encoding: .utf8)
        try text.replacingOccurrences(of: "END:VCALENDAR", with: snow + "END:VCALENDAR")
            .write(toFile: calendar, atomically: true, encoding: .utf8)
        let again = try Drillbook.run("schedule", "--plan", plan, "--as-of", dayBefore)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("cancelled \(drill.id): \(drill.date)"), "\(again.stdout)")
        #expect(
            again.stdout.contains("make-up \(drill.id)-makeup: ")
                && again.stdout.contains(", announced anew (its notices added)"),
            "\(again.stdout)")
    }

    @Test func initScheduleListExportFromAFolder() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let validate = try Drillbook.run("validate", "--plan", plan)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("3 schools"))
        #expect(!validate.stderr.contains("warning"), "\(validate.stderr)")
        // The state's rules left out (compliance.rules defaults to the baseline alone): said.
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        let baselineOnly = folder.appendingPathComponent("baseline-only.yaml").path
        try text.replacingOccurrences(of: "rules: [baseline, TX]", with: "rules: [baseline]")
            .write(toFile: baselineOnly, atomically: true, encoding: .utf8)
        let unselected = try Drillbook.run("validate", "--plan", baselineOnly)
        #expect(unselected.status == 0, "\(unselected.stderr)")
        #expect(
            unselected.stderr.contains(
                "warning: \(baselineOnly): the plan's schools are in TX, but compliance.rules does not select TX's drill rules (it selects baseline); add TX to check them"
            ), "\(unselected.stderr)")
        try FileManager.default.removeItem(atPath: baselineOnly)
        let first = try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("added 78 items at lincoln-hs"))
        let second = try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01")
        #expect(second.stdout.hasPrefix("no change"))
        // A new title rewords the items where they are: updated, not moved.
        let planText = try String(contentsOfFile: plan, encoding: .utf8)
        try planText.replacingOccurrences(of: "title: Bus evacuation drill", with: "title: Bus drill")
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let reworded = try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01")
        #expect(
            reworded.stdout.hasSuffix("0 added, 0 moved, 18 updated, 0 cancelled, 216 unchanged\n"),
            "\(reworded.stdout)")
        #expect(
            reworded.stdout.contains(
                "updated lincoln-hs/bus-evacuation-2: 2028-02-14 15:25 (the wording of bus-evacuation changed in the plan), sequence 1"
            ), "\(reworded.stdout)")
        let list = try Drillbook.run(
            "list", "--plan", plan, "--school", "lincoln-hs", "--kind", "drill/lockdown", "--json")
        struct Row: Decodable {
            var id: String
            var kind: String
            var date: String
            var sequence: Int
        }
        let rows = try JSONDecoder().decode([Row].self, from: Data(list.stdout.utf8))
        #expect(rows.map(\.id) == ["lincoln-hs/lockdown-drill-1", "lincoln-hs/lockdown-drill-2"])
        // A kind no item has is a mistake named with the kinds there are, not "no items"; filters that
        // leave nothing say so, not that nothing is scheduled.
        let typo = try Drillbook.run("list", "--plan", plan, "--kind", "drill/lockdwn")
        #expect(typo.status == 1 && typo.stderr.contains("kind \"drill/lockdwn\" matches no scheduled item"))
        #expect(typo.stderr.contains("drill,"), "\(typo.stderr)")
        let none = try Drillbook.run("list", "--plan", plan, "--from", "2030-01-01")
        #expect(none.status == 0 && none.stdout == "no items match\n", "\(none.stdout)")
        // A range whose end is before its start is the two swapped, not a question answered "nothing".
        let swapped = try Drillbook.run("list", "--plan", plan, "--from", "2027-10-01", "--to", "2027-09-01")
        #expect(swapped.status == 64 && swapped.stderr.contains("--to 2027-09-01 is before --from 2027-10-01"))
        let export = try Drillbook.run(
            "export", "--plan", plan, "--out", folder.appendingPathComponent("out").path, "--school", "lincoln-hs",
            "--audience", "staff", "--as-of", "2027-08-01")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(
            export.stdout.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent } == [
                "lincoln-hs-staff.ics"
            ])
        #expect(
            try Drillbook.run("init", "--example", "--dir", folder.path).status == 1, "init never overwrites a plan")
    }

    /// A server's URL for either database, by flag or environment, is never read as a path SQLite
    /// cannot open (or creates): a PostgreSQL server that does not answer is said as such, another
    /// kind of server is refused by name, `backup` points to pg_dump; each exits 1 and makes nothing.
    @Test func aDatabaseServerURLIsNeverAFileAndMakesNothing() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        // Port 1: nothing listens there.
        let closed = "postgres://drillbook@127.0.0.1:1/lakeside"
        for result in [
            try Drillbook.run("schedule", "--plan", plan, "--db", closed, "--as-of", "2027-08-01"),
            try Drillbook.run(
                arguments: ["incident", "list", "--plan", plan], in: folder,
                environment: ["DRILLBOOK_INCIDENTS_DB": closed]),
        ] {
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("\(closed): cannot connect"), "\(result.stderr)")
        }
        let other = try Drillbook.run(
            arguments: ["list", "--plan", plan], in: folder, environment: ["DRILLBOOK_DB": "mysql://x@db/y"])
        #expect(other.status == 1, "\(other.stdout)\(other.stderr)")
        #expect(other.stderr.contains("mysql:// databases are not supported"), "\(other.stderr)")
        let url = "postgres://drillbook@127.0.0.1:5432/lakeside"
        for environment in [["DRILLBOOK_INCIDENTS_DB": url], ["DRILLBOOK_DB": url]] {
            let backup = try Drillbook.run(
                arguments: ["backup", "--plan", plan, "--out", folder.appendingPathComponent("copy").path], in: folder,
                environment: environment)
            #expect(backup.status != 0 && backup.stderr.contains("use pg_dump"), "\(backup.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("postgres:").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("mysql:").path))
    }

    @Test func aBrokenPlanExitsOneNamingFileAndLineAndWritesNothing() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        var text = try String(contentsOfFile: plan, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "bell_schedule: secondary\n    attributes: {sprinklers: true, bus_riders: true, summer_session: false}",
            with: "bell_schedule: high\n    attributes: {sprinklers: true, bus_riders: true, summer_session: false}")
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let result = try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01")
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "drillbook.yaml:54: schools[2].bell_schedule: \"high\" is not one of the plan's bell_schedules (elementary, secondary)"
            ), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("drillbook.sqlite").path))
    }
}

/// `complete`, `overdue`, `history` and `audit`, with their exit codes.
@Suite struct TrackingCommandTests {
    /// The alert lease (DRILLBOOK_ALERT_LEASE_SECONDS, for tests and for operators who want a
    /// killed server's alerts sooner) is checked before anything is sent, by both senders.
    @Test func aLeaseThatIsNotSecondsIsRefusedBeforeAnythingIsSent() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        for value in ["ten", "0", "86400"] {
            for arguments in [
                ["overdue", "--plan", plan, "--notify", "--as-of", "2027-09-01"],
                ["serve", "--plan", plan, "--listen", "127.0.0.1:1"],
            ] {
                let result = try Drillbook.run(
                    arguments: arguments, in: folder, environment: ["DRILLBOOK_ALERT_LEASE_SECONDS": value])
                #expect(result.status == 64, "\(arguments) \(value): \(result.stderr)")
                #expect(
                    result.stderr.contains(
                        "DRILLBOOK_ALERT_LEASE_SECONDS \"\(value)\" is not a number of seconds from 1 to 3600"),
                    "\(result.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("drillbook.sqlite").path))
    }

    @Test func overdueExitsZeroThenThreeAndCompleteRefusesBadInput() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let before = try Drillbook.run("overdue", "--plan", plan, "--as-of", "2027-08-01")
        #expect(before.status == 0)
        #expect(before.stdout == "nothing due or overdue on 2027-08-01\n")
        // After the last day of school nothing can be made up: no alert, but no all-clear either.
        let summer = try Drillbook.run("overdue", "--plan", plan, "--as-of", "2028-06-10")
        #expect(summer.status == 0)
        let summerLines = summer.stdout.split(separator: "\n")
        #expect(summerLines.first == "nothing due or overdue on 2028-06-10")
        #expect(
            summerLines.last?.hasPrefix("year-ended    The school year ended on 2028-05-26 at every school: ") == true,
            "\(summer.stdout)")
        let missedCount = summerLines.last.flatMap {
            Int($0.split(separator: ": ").last?.split(separator: " ").first ?? "")
        }
        #expect((missedCount ?? 0) > 100, "\(summer.stdout)")
        let lastDay = try Drillbook.run("overdue", "--plan", plan, "--as-of", "2028-05-26")
        #expect(lastDay.status == 3 && !lastDay.stdout.contains("year-ended"))
        let later = try Drillbook.run("overdue", "--plan", plan, "--as-of", "2027-09-01", "--json")
        #expect(later.status == 3)
        #expect(later.stdout.contains("\"kind\" : \"overdue\"") || later.stdout.contains("\"kind\" : \"escalated\""))
        let missing = try Drillbook.run("complete", "lincoln-hs/fire-drill-1", "--plan", plan, "--as-of", "2027-09-01")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the rules require conducted_by (--conducted-by)"))
        let done = try Drillbook.run(
            "complete", "lincoln-hs/fire-drill-1", "--plan", plan, "--as-of", "2027-09-01", "--conducted-by",
            "Ana Ruiz",
            "--notification-method", "fire alarm", "--head-count", "1180", "--problems", "none", "--time-to-evacuate",
            "4m30s",
            "--as", "Ana Ruiz")
        #expect(done.status == 0, "\(done.stderr)")
        let history = try Drillbook.run("history", "lincoln-hs/fire-drill-1", "--plan", plan, "--as-of", "2027-09-01")
        #expect(history.stdout.contains("(done)") && history.stdout.contains("recorded by Ana Ruiz"))
        let verify = try Drillbook.run("audit", "verify", "--plan", plan)
        #expect(verify.status == 0 && verify.stdout.hasPrefix("audit log intact: 2 entries"))
        // What someone typed is shown, not sent to the terminal (this one would clear the screen).
        let typed = try Drillbook.run(
            "complete", "lincoln-hs/fire-drill-5", "--plan", plan, "--as-of", "2027-12-10", "--conducted-by",
            "Ana Ruiz", "--notification-method", "fire alarm", "--head-count", "1180", "--problems",
            "door 3 stuck\u{1B}[2J", "--time-to-evacuate", "4m", "--as", "Ana Ruiz")
        #expect(typed.status == 0, "\(typed.stderr)")
        let shown = try Drillbook.run("history", "lincoln-hs/fire-drill-5", "--plan", plan, "--as-of", "2027-12-10")
        #expect(shown.stdout.contains("problems: door 3 stuck\\u{1B}[2J"), "\(shown.stdout)")
        #expect(!shown.stdout.utf8.contains(0x1B))
        // --on in any documented form: with a zone, it becomes the school's wall time (Chicago, CDT).
        let evidence = [
            "--conducted-by", "Ana Ruiz", "--notification-method", "alarm", "--head-count", "1180", "--problems",
            "none", "--time-to-evacuate", "4m",
        ]
        let zoned = try Drillbook.run(
            arguments: [
                "complete", "lincoln-hs/fire-drill-2", "--plan", plan, "--as-of", "2027-10-20", "--on",
                "2027-09-29T16:40:00Z",
            ] + evidence)
        #expect(zoned.status == 0, "\(zoned.stderr)")
        #expect(zoned.stdout.contains("2027-09-29T11:40:00"), "\(zoned.stdout)")
        let refused = try Drillbook.run(
            arguments: [
                "complete", "lincoln-hs/fire-drill-3", "--plan", plan, "--as-of", "2027-10-20", "--on",
                "next friday",
            ] + evidence)
        #expect(refused.status != 0 && refused.stderr.contains("--on \"next friday\" is not a date (2027-10-05)"))
    }
}

/// The anonymous-threat playbook as an exercise from the command line, as the README walks through it.
@Suite struct IncidentCommandTests {
    @Test func anAnonymousThreatExerciseRunsEndToEndWithAReport() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let report = folder.appendingPathComponent("report.json")
        try
            #"{"type": "social-media-threat", "channel": "instagram", "text": "threat against LHS tomorrow", "school": "lincoln-hs", "source": "tip line"}"#
            .write(to: report, atomically: true, encoding: .utf8)
        let opened = try Drillbook.run(
            "incident", "open", "--from-json", report.path, "--exercise", "--plan", plan, "--as", "Sam Lee")
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout.hasPrefix("opened incident "))
        let id = String(opened.stdout.split(separator: "\n")[0].split(separator: " ").last!)
        func step(_ arguments: String...) throws -> Drillbook.Result {
            let result = try Drillbook.run(
                arguments: ["incident", "step", id] + arguments + ["--plan", plan, "--as", "Sam Lee"])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try step("capture", "--done")
        let refused = try Drillbook.run(
            "incident", "step", id, "imminent", "--decide", "maybe", "--why", "x", "--plan", plan)
        #expect(
            refused.status == 1 && refused.stderr.contains("\"maybe\" is not an option of imminent (options: yes, no)"))
        _ = try step("imminent", "--decide", "no", "--why", "Vague post, no time or place")
        _ = try step("notify_police", "--done", "--note", "Lakeside PD case 27-1234")
        _ = try step("posture", "--decide", "monitor", "--why", "Police advise monitoring", "--signoff", "le_liaison")
        _ = try step("brief_staff", "--done")
        _ = try step("family_message", "--done")
        _ = try step("counselors", "--done")
        _ = try step("police_check", "--done", "--fact", "source_identified=adult")
        _ = try step("source_known", "--decide", "adult", "--why", "Police identified a former employee")
        #expect(try Drillbook.run("incident", "close", id, "--plan", plan).status == 1, "all clear is still open")
        _ = try step("all_clear", "--done", "--signoff", "le_liaison")
        _ = try step("review/gather", "--done")
        _ = try step("review/review_meeting", "--done", "--note", "Tip line worked")
        _ = try step("review/update_plan", "--skip", "--why", "No change")
        let closed = try Drillbook.run("incident", "close", id, "--plan", plan, "--as-of", "2027-10-05")
        #expect(closed.status == 0 && closed.stdout.contains("recorded lincoln-hs/tabletop-exercise-1 as done"))
        let text = try Drillbook.run("incident", "report", id, "--plan", plan)
        #expect(text.stdout.contains("(EXERCISE)"))
        #expect(
            text.stdout.contains(
                "Decided imminent (Any sign of imminent danger?): no. Why: Vague post, no time or place"))
        #expect(text.stdout.contains("Notice SIMULATED (exercise, nothing sent) to families"))
        #expect(!text.stdout.contains("threat against LHS tomorrow"), "the threat's words stay confidential")
        let html = try Drillbook.run("incident", "report", id, "--plan", plan, "--format", "html")
        #expect(html.stdout.hasPrefix("<!doctype html>") && html.stdout.contains("<h2>Timeline</h2>"))
        // Incidents never reach a calendar.
        #expect(
            try Drillbook.run(
                "export", "--plan", plan, "--out", folder.appendingPathComponent("out").path, "--as-of", "2027-10-05"
            ).status == 0)
        let admin = try String(contentsOf: folder.appendingPathComponent("out/district-admin.ics"), encoding: .utf8)
        #expect(!admin.contains(id) && !admin.contains("Anonymous threat"))
    }
}

extension IncidentCommandTests {
    /// A district playbook's id, however long, is listed whole: it is what `incident open` takes.
    @Test func aDistrictPlaybookIsListedWithItsWholeId() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let playbooks = folder.appendingPathComponent("playbooks")
        try FileManager.default.createDirectory(at: playbooks, withIntermediateDirectories: true)
        let id = "after-action-review-for-the-high-school"
        let text = try String(contentsOfFile: "Templates/playbooks/after-action-review.yaml", encoding: .utf8)
            .replacingOccurrences(of: "id: after-action-review", with: "id: \(id)")
        try text.write(to: playbooks.appendingPathComponent("\(id).yaml"), atomically: true, encoding: .utf8)
        let listed = try Drillbook.run("playbook", "list", "--plan", plan)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").contains { $0.hasPrefix("\(id) ") && $0.hasSuffix("(district)") })
    }

    @Test func aLateIncidentStepIsReportedByOverdueWithoutItsFacts() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let opened = try Drillbook.run(
            arguments: [
                "incident", "open", "bomb-threat", "--school", "ridge-ms", "--fact", "threat_words=secret words",
                "--plan", plan,
            ],
            environment: ["DRILLBOOK_NOW": "2027-10-05T14:00:00Z"])
        #expect(opened.status == 0, "\(opened.stderr)")
        let overdue = try Drillbook.run(
            arguments: ["overdue", "--plan", plan, "--as-of", "2027-08-01"],
            environment: ["DRILLBOOK_NOW": "2027-10-05T15:00:00Z"])
        #expect(overdue.status == 3)
        #expect(
            overdue.stdout.contains(
                "incident-step incident 2027-0001: checklist (Keep the caller talking and fill in the bomb threat checklist) late since 2027-10-05 09:05, for receiver"
            ))
        #expect(!overdue.stdout.contains("secret words"))
    }

    /// DRILLBOOK_NOW in a local form (the district's zone) counts; one that cannot be read stops the
    /// command, naming the forms, instead of falling back to the clock.
    @Test func drillbookNowIsReadInEveryDocumentedFormOrRefused() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let opened = try Drillbook.run(
            arguments: ["incident", "open", "bomb-threat", "--school", "ridge-ms", "--plan", plan],
            environment: ["DRILLBOOK_NOW": "2027-10-05 09:00"])
        #expect(opened.status == 0, "\(opened.stderr)")
        let status = try Drillbook.run(
            arguments: ["incident", "status", "2027-0001", "--plan", plan],
            environment: ["DRILLBOOK_NOW": "2027-10-05T09:30"])
        #expect(status.stdout.contains("opened 2027-10-05 09:00"), "\(status.stdout)")
        for bad in ["next tuesday", "2027-13-05", "05/10/2027 09:00"] {
            let refused = try Drillbook.run(
                arguments: ["incident", "list", "--plan", plan], environment: ["DRILLBOOK_NOW": bad])
            #expect(refused.status != 0, "\(bad)")
            #expect(refused.stderr.contains("DRILLBOOK_NOW \"\(bad)\" is not a date (2027-10-05)"), "\(refused.stderr)")
            let list = try Drillbook.run(arguments: ["list", "--plan", plan], environment: ["DRILLBOOK_NOW": bad])
            #expect(list.status != 0 && list.stderr.contains("DRILLBOOK_NOW"), "\(bad): \(list.stderr)")
        }
    }
}

/// `drillbook check` exit codes and formats.
@Suite struct CheckCommandTests {
    @Test func checkIsCleanBeforeTheYearAndHasFindingsAfterIt() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let before = try Drillbook.run("check", "--plan", plan, "--as-of", "2027-08-01")
        #expect(before.status == 0, "\(before.stdout)")
        #expect(before.stdout.hasPrefix("plan check as of 2027-08-01, rule sets: baseline, TX"))
        let after = try Drillbook.run("check", "--plan", plan, "--as-of", "2028-05-27", "--format", "json")
        #expect(after.status == 3)
        #expect(after.stdout.contains("\"severity\" : \"unmet\""))
        let csv = try Drillbook.run("check", "--plan", plan, "--as-of", "2028-05-27", "--format", "csv")
        #expect(csv.stdout.hasPrefix("school,school_name,drill,kind,started_at,ended_at,time_zone,"))
        let posting = try Drillbook.run("check", "--plan", plan, "--as-of", "2028-05-27", "--format", "csv", "--public")
        #expect(posting.stdout.hasPrefix("school,") && !posting.stdout.contains("recorded_by"))
    }

    /// `check` verifies the audit chain while it reads the plan: the head it reports is `audit
    /// head`'s, a database edited behind Drillbook's back gives none, and a plan that cannot be read
    /// still stops the command with its own error, making no database where there was none.
    @Test func checkReportsTheVerifiedHeadAndAPlanErrorStillStopsIt() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let head = try Drillbook.run("audit", "head", "--plan", plan)
        let line = head.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(head.status == 0 && line.hasSuffix("(1 entries)"), "\(head.stdout)\(head.stderr)")
        let report = try Drillbook.run("check", "--plan", plan, "--as-of", "2027-08-01", "--format", "json")
        #expect(report.stdout.contains("\"audit_head\" : \"\(line)\""), "\(report.stdout.prefix(400))")
        // The head as printed (with its count), in capitals, holds; a head mistyped or cut short is
        // the user's mistake (64), not a chain "broken" (1).
        let hash = String(line.prefix(64))
        for kept in [line, hash.uppercased()] {
            let verified = try Drillbook.run("audit", "verify", "--plan", plan, "--head", kept)
            #expect(verified.status == 0 && verified.stdout.hasPrefix("audit log intact"), "\(verified.stdout)")
        }
        for typo in [String(hash.prefix(20)), "zz", hash + "0"] {
            let refused = try Drillbook.run("audit", "verify", "--plan", plan, "--head", typo)
            #expect(refused.status == 64 && refused.stderr.contains("is not a head"), "\(refused.stderr)")
            #expect(!refused.stdout.contains("broken"))
        }

        let edit = try Drillbook.shell(
            "python3 -c \"import sqlite3; c = sqlite3.connect('drillbook.sqlite'); "
                + "c.execute(\\\"UPDATE item SET date = '2027-12-24' WHERE id = 'ridge-ms/fire-drill-1'\\\"); c.commit()\"",
            in: folder)
        #expect(edit.status == 0, "\(edit.stderr)")
        let edited = try Drillbook.run("check", "--plan", plan, "--as-of", "2027-08-01", "--format", "json")
        #expect(edited.stdout.contains("\"schools\"") && !edited.stdout.contains("\"audit_head\""))
        let page = try Drillbook.run("check", "--plan", plan, "--as-of", "2027-08-01", "--format", "html")
        #expect(page.stdout.contains("Audit head none"))

        // The plan broken, with the database there and without it.
        try "district: [\n".write(toFile: plan, atomically: true, encoding: .utf8)
        let broken = try Drillbook.run("check", "--plan", plan, "--as-of", "2027-08-01")
        #expect(broken.status == 1 && broken.stderr.contains(plan), "\(broken.stderr)")
        let database = folder.appendingPathComponent("drillbook.sqlite").path
        try FileManager.default.removeItem(atPath: database)
        let fresh = try Drillbook.run("check", "--plan", plan, "--as-of", "2027-08-01")
        #expect(fresh.status == 1 && fresh.stderr.contains(plan), "\(fresh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }
}

/// An installed `drillbook`, run through PATH from another folder, finds its own Templates.
@Suite struct InstallTests {
    @Test func anInstalledBinaryRunFromPathFindsItsData() throws {
        let prefix = try Drillbook.temporaryFolder().appendingPathComponent("prefix")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = [
            "make", "-s", "-C", Drillbook.packageRoot.path, "install-files", "PREFIX=\(prefix.path)",
            "BIN=\(try Drillbook.binary.path)",
        ]
        try make.run()
        make.waitUntilExit()
        #expect(make.terminationStatus == 0)
        let work = try Drillbook.temporaryFolder()
        let result = try Drillbook.shell(
            "drillbook init --example --as-of 2027-01-01 && drillbook validate", in: work,
            environment: [
                "PATH": prefix.appendingPathComponent("bin").path + ":/usr/bin:/bin", "DRILLBOOK_TEMPLATES": "",
            ])
        let text = result.stdout + result.stderr
        #expect(result.status == 0, "\(text)")
        #expect(text.contains("the plan is valid"))
    }
}

/// Two `complete` runs of one item at once: exactly one records it; no "database is locked".
@Suite struct ConcurrencyTests {
    @Test func twoCompletionsOfOneItemAtOnceRecordItOnce() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        for slot in 1...5 {
            let arguments = [
                "complete", "lincoln-hs/tip-line-campaign-\(slot)", "--plan", plan, "--as-of", "2028-05-01", "--as",
                "cron",
            ]
            let statuses = Statuses()
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                let result = try? Drillbook.run(arguments: arguments)
                statuses.append(result.map { ($0.status, $0.stderr) } ?? (-1, "did not run"))
            }
            let all = statuses.values
            #expect(all.filter { $0.0 == 0 }.count == 1, "slot \(slot): \(all)")
            #expect(!all.contains { $0.1.contains("locked") }, "slot \(slot): \(all)")
        }
        let history = try Drillbook.run(
            "history", "lincoln-hs/tip-line-campaign-1", "--plan", plan, "--as-of", "2028-05-01")
        #expect(history.stdout.components(separatedBy: "#").count - 1 == 1, "\(history.stdout)")
    }

    /// Two `overdue --notify` runs at once (two cron jobs, or cron and the server), with a mailer slow
    /// enough that they overlap: every alert goes out exactly once.
    @Test func twoOverlappingNotifyRunsSendEachAlertOnce() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let sent = folder.appendingPathComponent("sent").path
        let mailer = folder.appendingPathComponent("slow-sendmail").path
        // Reads the message, waits a little so the other run is mid-send, then files its recipient,
        // item and subject (the step is in the subject): the identity of one alert, in one write, so
        // two mailers at once cannot interleave their lines.
        try
            "#!/bin/sh\nmessage=$(cat)\nsleep 0.02\nline=$(printf '%s\\n' \"$message\" | grep -E '^(To|X-Drillbook-Item|Subject):' | tr '\\n' ' ')\nprintf '%s\\n' \"$line\" >> '\(sent)'\n"
            .write(toFile: mailer, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: mailer)
        var text = try String(contentsOfFile: plan, encoding: .utf8)
        text += "alerts:\n  mail: {from: drillbook@lakeside.example, sendmail: \"\(mailer)\"}\n"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let arguments = ["overdue", "--notify", "--plan", plan, "--as-of", "2027-11-15", "--as", "cron"]
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let result = try? Drillbook.run(arguments: arguments)
            statuses.append(result.map { ($0.status, $0.stdout + $0.stderr) } ?? (-1, "did not run"))
        }
        #expect(!statuses.values.contains { $0.1.contains("locked") }, "\(statuses.values)")
        let lines = try String(contentsOfFile: sent, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 3, "too few alerts to show anything: \(lines)")
        #expect(Set(lines).count == lines.count, "an alert went out twice: \(lines.sorted())")
        let again = try Drillbook.run(arguments: arguments)
        #expect(try String(contentsOfFile: sent, encoding: .utf8).split(separator: "\n").count == lines.count)
        #expect(again.stdout.contains("sent 0") || !again.stdout.contains("sent "), "\(again.stdout)")
        let audit = try Drillbook.run("audit", "verify", "--plan", plan)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    /// Ten incidents opened at once on a new incidents database: all open, with distinct ids (the
    /// first opens used to race on creating its tables).
    @Test func incidentsOpenedAtOnceAllOpen() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 10) { index in
            let result = try? Drillbook.run(arguments: [
                "incident", "open", "bomb-threat", "--school", "lincoln-hs", "--exercise", "--plan", plan, "--as",
                "t\(index)",
            ])
            statuses.append(result.map { ($0.status, $0.stdout + $0.stderr) } ?? (-1, "did not run"))
        }
        let all = statuses.values
        #expect(all.allSatisfy { $0.0 == 0 }, "\(all)")
        let ids = Set(all.compactMap { $0.1.split(separator: "\n").first { $0.hasPrefix("opened incident ") } })
        #expect(ids.count == 10, "\(all)")
    }

    final class Statuses: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [(Int32, String)] = []
        func append(_ value: (Int32, String)) { lock.withLock { list.append(value) } }
        var values: [(Int32, String)] { lock.withLock { list } }
    }
}

extension InstallTests {
    /// Under umask 000, exports are still 0644 and the database 0600.
    @Test func filesKeepTheirModesWhateverTheUmask() throws {
        let folder = try Drillbook.temporaryFolder()
        let binary = try Drillbook.binary.path
        let result = try Drillbook.shell(
            "umask 000 && '\(binary)' init --example --as-of 2027-01-01 >/dev/null && '\(binary)' schedule --as-of 2027-08-01 >/dev/null && '\(binary)' export --out out --as-of 2027-08-01 >/dev/null",
            in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        func mode(_ name: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
        }
        #expect(try mode("out/district-families.ics") == 0o644)
        #expect(try mode("drillbook.sqlite") == 0o600)
    }
}
