import Dates
import Testing

@testable import Planning

/// The checker's rule shapes and modes on a small year.
@Suite struct ComplianceCheckerTests {
    static func rule(_ id: String, _ drill: String, _ requirements: [Requirement], windows: [Window] = [])
        -> ComplianceRule
    {
        ComplianceRule(id: id, drill: drill, requirements: requirements, windows: windows, source: "s", confidence: "H")
    }

    static func set(_ rules: [ComplianceRule]) -> ComplianceRuleSet {
        ComplianceRuleSet(jurisdiction: "XX", title: "Test rules", sources: ["s": "A statute"], rules: rules)
    }

    static func drill(_ type: String, on date: String, slot: Int = 1, context: TimeOfDay? = .class) -> TrackedItem {
        TrackedItem(
            item: ScheduledItem(
                id: "lincoln-hs/\(type)-\(slot)", uid: "\(type)/\(slot)", schoolID: "lincoln-hs", activityID: type,
                slot: slot,
                kind: .drill(type), title: type, date: day(date), start: ClockTime(hour: 10), durationMinutes: 15,
                timeZone: "America/Chicago",
                announced: true, owner: "safety_coordinator", timeContext: context),
            changedOn: day("2027-08-01"))
    }

    func check(
        _ rules: [ComplianceRule], _ items: [TrackedItem], completions: [Completion] = [], asOf: String = "2027-08-01"
    )
        -> [ComplianceFinding]
    {
        ComplianceChecker(ruleSets: [Self.set(rules)]).check(
            school: school, year: smallYear(), items: items, completions: completions, asOf: day(asOf)
        ).findings
    }

    @Test func aPlanMeetingEveryPeriodIsClean() {
        let rule = Self.rule("xx-lockdown", "lockdown", [Requirement(count: 1, per: .semester)])
        #expect(
            check(
                [rule], [Self.drill("lockdown", on: "2027-09-08"), Self.drill("lockdown", on: "2027-11-03", slot: 2)]
            ).isEmpty)
    }

    @Test func aMissingDrillNamesSchoolRuleSourceAndFix() {
        let rule = Self.rule("xx-lockdown", "lockdown", [Requirement(count: 1, per: .semester)])
        let findings = check([rule], [Self.drill("lockdown", on: "2027-09-08")])
        #expect(findings.count == 1)
        #expect(
            findings[0].schoolID == "lincoln-hs" && findings[0].ruleID == "xx-lockdown"
                && findings[0].source == "A statute")
        #expect(findings[0].message == "0 of 1 lockdown drill in Semester 2 scheduled")
        #expect(findings[0].fix == "schedule or hold lockdown drills between 2027-10-18 and 2027-12-17")
    }

    @Test(arguments: [
        (DayKind.calendar, "2027-08-25", false), (.school, "2027-08-25", true), (.school, "2027-08-31", false),
        (.instructional, "2027-08-30", true),
    ])
    func windowsCountTheirKindOfDay(kind: DayKind, date: String, ok: Bool) {
        // Eight days: calendar Aug 16-23; school days Aug 16-25; the year has no staff days in August.
        let rule = Self.rule(
            "xx-first", "fire", [Requirement(count: 1, per: .year)],
            windows: [.within(days: kind == .instructional ? 11 : 8, ofPeriod: false, dayKind: kind)])
        #expect(check([rule], [Self.drill("fire", on: date)]).isEmpty == ok)
    }

    @Test func aSubstituteDrillCountsTowardTheRuleItReplaces() {
        var fire = Self.rule("xx-fire", "fire", [Requirement(count: 2, per: .year)])
        var security = Self.rule("xx-security", "lockdown", [Requirement(count: 1, per: .year)])
        security.substitutesFor = ["xx-fire"]
        fire.minSpacingDays = nil
        let items = [Self.drill("fire", on: "2027-09-08"), Self.drill("lockdown", on: "2027-10-06")]
        // One lockdown counts for both rules: double counting is allowed.
        #expect(check([fire, security], items).isEmpty)
        #expect(check([fire], items).count == 1, "without the substitution the lockdown does not count")
    }

    @Test func conditionsOnTimeOfDayAreChecked() {
        var rule = Self.rule("xx-lunch", "lockdown", [Requirement(count: 1, per: .year)])
        rule.condition.during = ["lunch", "passing"]
        #expect(check([rule], [Self.drill("lockdown", on: "2027-09-08", context: .class)]).count == 1)
        #expect(check([rule], [Self.drill("lockdown", on: "2027-09-08", context: .lunch)]).isEmpty)
    }

    @Test func theModeFollowsTheDay() {
        let rule = Self.rule("xx-fire", "fire", [Requirement(count: 1, per: .semester)])
        let items = [Self.drill("fire", on: "2027-09-08"), Self.drill("fire", on: "2027-11-03", slot: 2)]
        let year = smallYear()
        #expect(ComplianceChecker.mode(on: day("2027-08-01"), year: year) == .plan)
        #expect(ComplianceChecker.mode(on: day("2027-10-20"), year: year) == .duringYear)
        #expect(ComplianceChecker.mode(on: day("2028-01-05"), year: year) == .log)
        // During the year with nothing logged: semester 1 cannot be met; semester 2 is still covered by the schedule.
        let during = check([rule], items, asOf: "2027-10-20")
        #expect(during.map(\.severity) == [.cannotBeMet])
        // After the year, a logged drill with missing evidence is a finding of its own.
        var evidence = rule
        evidence.requiredEvidence = [.headCount]
        let logged = [
            Completion(
                id: 1, year: "2027-2028", itemUID: "fire/1", schoolID: "lincoln-hs", kind: .drill("fire"),
                startedAt: WallTime(year: 2027, month: 9, day: 8, hour: 10),
                recordedBy: "t", recordedOn: day("2027-09-08"), source: .complete)
        ]
        let after = check([evidence], items, completions: logged, asOf: "2028-01-05")
        #expect(after.map(\.severity).sorted { $0.rawValue < $1.rawValue } == [.evidence, .unmet])
    }

    @Test func aRuleForSomeSchoolsOnlyAppliesToThem() {
        var rule = Self.rule("xx-no-sprinklers", "fire", [Requirement(count: 9, per: .year)])
        rule.when = ("sprinklers", "false")
        #expect(check([rule], []).isEmpty, "the test school has no sprinklers attribute set to false")
    }
}
