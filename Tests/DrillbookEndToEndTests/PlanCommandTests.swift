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

    @Test func initScheduleListExportFromAFolder() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        let validate = try Drillbook.run("validate", "--plan", plan)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("3 schools"))
        let first = try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("added 76 items at lincoln-hs"))
        let second = try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01")
        #expect(second.stdout.hasPrefix("no change"))
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
                "drillbook.yaml:51: schools[2].bell_schedule: \"high\" is not one of the plan's bell_schedules (elementary, secondary)"
            ), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("drillbook.sqlite").path))
    }
}

/// `complete`, `overdue`, `history` and `audit`, with their exit codes.
@Suite struct TrackingCommandTests {
    @Test func overdueExitsZeroThenThreeAndCompleteRefusesBadInput() throws {
        let folder = try Drillbook.temporaryFolder()
        let plan = folder.appendingPathComponent("drillbook.yaml").path
        #expect(try Drillbook.run("init", "--example", "--dir", folder.path).status == 0)
        #expect(try Drillbook.run("schedule", "--plan", plan, "--as-of", "2027-08-01").status == 0)
        let before = try Drillbook.run("overdue", "--plan", plan, "--as-of", "2027-08-01")
        #expect(before.status == 0)
        #expect(before.stdout == "nothing due or overdue on 2027-08-01\n")
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
    }
}
