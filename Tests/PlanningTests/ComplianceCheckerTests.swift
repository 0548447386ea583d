import Dates
import Foundation
import Testing

@testable import Planning

/// The checker's rule shapes and modes on a small year (Aug 16 to Dec 17, two semesters), one test
/// per class of mistake an auditor found: counting, the year in progress, notices, conditions,
/// substitution, evidence and messages.
@Suite struct ComplianceCheckerTests {
    static func rule(
        _ id: String, _ drills: [String], _ counts: [RuleCount], windows: [Window] = []
    ) -> ComplianceRule {
        ComplianceRule(id: id, drills: drills, counts: counts, windows: windows, source: "s", confidence: "H")
    }

    static func set(_ rules: [ComplianceRule], _ jurisdiction: String = "XX") -> ComplianceRuleSet {
        ComplianceRuleSet(jurisdiction: jurisdiction, title: "Test rules", sources: ["s": "A statute"], rules: rules)
    }

    static func drill(
        _ type: String, on date: String, slot: Int = 1, context: TimeOfDay? = .class, presence: [String] = [],
        status: TrackedItem.Status = .scheduled
    ) -> TrackedItem {
        TrackedItem(
            item: ScheduledItem(
                id: "lincoln-hs/\(type)-drill-\(slot)", uid: "\(type)/\(slot)", schoolID: "lincoln-hs",
                activityID: "\(type)-drill", slot: slot, kind: .drill(type), title: type, date: day(date),
                start: ClockTime(hour: 10), durationMinutes: 15, timeZone: "America/Chicago", announced: true,
                owner: "safety_coordinator", presence: presence, timeContext: context),
            status: status, changedOn: day("2027-08-01"))
    }

    static func notice(for drill: TrackedItem, on date: String, status: TrackedItem.Status = .scheduled) -> TrackedItem
    {
        var notice = drill
        notice.item.id = drill.item.id.replacingOccurrences(of: "-drill-", with: "-drill-families-notice-")
        notice.item.uid = drill.item.uid + "/families-notice"
        notice.item.kind = .familyCommunication
        notice.item.date = day(date)
        notice.item.relatedTo = drill.item.id
        notice.status = status
        return notice
    }

    static func held(
        _ type: String, at time: String, item: TrackedItem? = nil, id: Int = 1, evidence: [EvidenceField: String] = [:],
        recordedOn: String? = nil, corrects: Int? = nil
    ) -> Completion {
        let start = WallTime(time)!
        return Completion(
            id: id, year: "2027-2028", itemUID: item?.item.uid, schoolID: "lincoln-hs",
            kind: item?.item.kind ?? .drill(type),
            startedAt: start, evidence: evidence, corrects: corrects, recordedBy: "t",
            recordedOn: recordedOn.map { day($0) } ?? start.date, source: .complete)
    }

    func check(
        _ sets: [ComplianceRuleSet], _ items: [TrackedItem], completions: [Completion] = [], asOf: String = "2027-08-01"
    ) -> [ComplianceFinding] {
        ComplianceChecker(ruleSets: sets).check(
            school: school, year: smallYear(), items: items, completions: completions, asOf: day(asOf)
        ).findings
    }

    func check(
        _ rules: [ComplianceRule], _ items: [TrackedItem], completions: [Completion] = [], asOf: String = "2027-08-01"
    )
        -> [ComplianceFinding]
    {
        check([Self.set(rules)], items, completions: completions, asOf: asOf)
    }

    // MARK: - Counting

    @Test func aPlanMeetingEveryPeriodIsClean() {
        let rule = Self.rule("xx-lockdown", ["lockdown"], [RuleCount(atLeast: 1, per: .semester)])
        #expect(
            check(
                [rule], [Self.drill("lockdown", on: "2027-09-08"), Self.drill("lockdown", on: "2027-11-03", slot: 2)]
            )
            .isEmpty)
    }

    @Test func aMissingDrillNamesRuleWindowAndSource() {
        let rule = Self.rule("xx-lockdown", ["lockdown"], [RuleCount(atLeast: 1, per: .semester)])
        let findings = check([rule], [Self.drill("lockdown", on: "2027-09-08")])
        #expect(findings.count == 1)
        #expect(findings[0].ruleID == "xx-lockdown" && findings[0].source == "A statute")
        #expect(findings[0].message == "0 of 1 lockdown drill between 2027-10-18 and 2027-12-17 scheduled")
    }

    /// "2 a year, 1 of them in November" is two rules over the same drills: one November drill is not two.
    @Test func oneDrillInTheWindowDoesNotCountTwiceTowardATotal() {
        let total = Self.rule("xx-tornado", ["tornado"], [RuleCount(atLeast: 2, per: .year)])
        let november = Self.rule(
            "xx-tornado-nov", ["tornado"], [RuleCount(atLeast: 1, per: .year)], windows: [.inMonth(11)])
        let one = check([total, november], [Self.drill("tornado", on: "2027-11-03")])
        #expect(one.map(\.ruleID) == ["xx-tornado"])
        #expect(
            check(
                [total, november],
                [Self.drill("tornado", on: "2027-11-03"), Self.drill("tornado", on: "2027-09-08", slot: 2)]
            )
            .isEmpty)
    }

    @Test func aMaximumIsAMaximum() {
        let rule = Self.rule("xx-security", ["lockdown"], [RuleCount(atLeast: 1, atMost: 2, per: .semester)])
        let three = ["2027-08-25", "2027-09-08", "2027-10-06"].enumerated().map {
            Self.drill("lockdown", on: $0.element, slot: $0.offset + 1)
        }
        let findings = check([rule], three + [Self.drill("lockdown", on: "2027-11-03", slot: 4)])
        #expect(findings.count == 1)
        #expect(findings[0].message.contains("3 lockdown drills between 2027-08-16 and 2027-10-15, at most 2 allowed"))
    }

    @Test func severalTypesCountTogetherInAnyMix() {
        // NY's first eight by Dec 31, scaled down: any three evacuation or lockdown drills by Oct 15.
        let rule = Self.rule(
            "xx-fall", ["evacuation", "lockdown"], [RuleCount(atLeast: 3, per: .year)],
            windows: [.by(month: 10, day: 15)])
        let mix = [
            Self.drill("evacuation", on: "2027-08-25"), Self.drill("lockdown", on: "2027-09-08"),
            Self.drill("lockdown", on: "2027-09-22", slot: 2),
        ]
        #expect(check([rule], mix).isEmpty)
        #expect(check([rule], Array(mix.prefix(2))).count == 1)
    }

    @Test func afterDayNCountsOnlyDrillsPastTheNthDay() {
        // Aug 16 to Aug 27 are the first ten school days.
        let rule = Self.rule(
            "xx-later", ["lockdown"], [RuleCount(atLeast: 1, per: .year)],
            windows: [.after(days: 10, from: .year, dayKind: .school)])
        #expect(
            check([rule], [Self.drill("lockdown", on: "2027-08-27")]).map(\.message) == [
                "0 of 1 lockdown drill between 2027-08-28 and 2027-12-17 scheduled"
            ])
        #expect(check([rule], [Self.drill("lockdown", on: "2027-08-30")]).isEmpty)
    }

    @Test func distinctTimesOfDay() {
        var rule = Self.rule("xx-security", ["lockdown"], [RuleCount(atLeast: 2, per: .year)])
        rule.condition.distinctTimes = true
        let same = [
            Self.drill("lockdown", on: "2027-08-25", context: .lunch),
            Self.drill("lockdown", on: "2027-09-08", slot: 2, context: .lunch),
        ]
        #expect(
            check([rule], same).map(\.message) == [
                "lockdown drills on 2027-08-25 and 2027-09-08 are both at lunch; each must be at another time of day"
            ])
        #expect(check([rule], [same[0], Self.drill("lockdown", on: "2027-09-08", slot: 2, context: .passing)]).isEmpty)
    }

    // MARK: - The year in progress

    /// A drill held early (the spring lockdown in the fall) leaves the spring period short.
    @Test func aDrillHeldEarlyDoesNotCoverALaterPeriod() {
        let rule = Self.rule("xx-lockdown", ["lockdown"], [RuleCount(atLeast: 1, per: .semester)])
        let fall = Self.drill("lockdown", on: "2027-09-08")
        let spring = Self.drill("lockdown", on: "2027-11-03", slot: 2)
        let completions = [
            Self.held("lockdown", at: "2027-09-08T10:00", item: fall, id: 1),
            Self.held("lockdown", at: "2027-10-06T10:00", item: spring, id: 2),
        ]
        let during = check([rule], [fall, spring], completions: completions, asOf: "2027-10-20")
        #expect(during.map(\.severity) == [.atRisk])
        #expect(during[0].message.contains("0 of 1 lockdown drill between 2027-10-18 and 2027-12-17"))
        let after = check([rule], [fall, spring], completions: completions, asOf: "2027-12-20")
        #expect(after.map(\.severity) == [.unmet])
    }

    @Test func aClosedWindowCannotBeMetAndSaysWhenItClosed() {
        let rule = Self.rule("xx-fire", ["fire"], [RuleCount(atLeast: 1, per: .semester)])
        let items = [Self.drill("fire", on: "2027-09-08"), Self.drill("fire", on: "2027-11-03", slot: 2)]
        let during = check([rule], items, asOf: "2027-10-20")
        #expect(during.map(\.severity) == [.cannotBeMet])
        #expect(during[0].message.hasSuffix("the window closed on 2027-10-15"))
        #expect(!during[0].fix.contains("schedule"))
    }

    /// A window still open can be closed off by the rule's own limits: "4 a year, at most 2 a
    /// semester" with nothing in a fall that has ended can no longer reach 4, however many spring
    /// drills are added; while the fall is open it can.
    @Test func aShortfallTheMaximaForbidCannotBeMet() {
        let rule = Self.rule(
            "xx-security", ["lockdown"],
            [RuleCount(atLeast: 4, per: .year), RuleCount(atLeast: 0, atMost: 2, per: .semester)])
        let spring = [Self.drill("lockdown", on: "2027-11-03"), Self.drill("lockdown", on: "2027-12-01", slot: 2)]
        let open = check([rule], spring, asOf: "2027-09-20")
        #expect(open.map(\.severity) == [.atRisk])
        let closed = check([rule], spring, asOf: "2027-10-20")
        #expect(closed.map(\.severity) == [.cannotBeMet])
        #expect(
            closed.first?.message.hasSuffix(
                "no more can count by 2027-12-17: the rule allows at most 2 in Semester 2 (2 already counted there)")
                == true,
            "\(closed.map(\.message))")
        #expect(closed.first?.fix == "hold and record the 2 scheduled ahead; note the shortfall for the state")
        // One spring drill: one more can still count, and the finding says so.
        let one = check([rule], [spring[0]], asOf: "2027-10-20")
        #expect(one.map(\.severity) == [.cannotBeMet])
        #expect(one.first?.message.contains("at most 1 more can count by 2027-12-17") == true, "\(one.map(\.message))")
        // A rule set asking for more than its maxima allow: the plan check says no plan can.
        let greedy = Self.rule(
            "xx-security", ["lockdown"],
            [RuleCount(atLeast: 5, per: .year), RuleCount(atLeast: 0, atMost: 2, per: .semester)])
        let four =
            spring + [
                Self.drill("lockdown", on: "2027-08-25", slot: 3), Self.drill("lockdown", on: "2027-09-08", slot: 4),
            ]
        let plan = check([greedy], four)
        #expect(plan.map(\.severity) == [.unmet])
        #expect(
            plan.first?.fix
                == "no plan can add them, as the rule allows at most 2 in Semester 1 (2 already counted there), "
                + "at most 2 in Semester 2 (2 already counted there): the rule set asks for more than it allows")
    }

    /// Spacing leaves so many days: three drills 30 days apart fit in October 18 to December 17
    /// from its first day (18 Oct, 17 Nov, 17 Dec) and not from October 20.
    @Test func aShortfallTheSpacingForbidsCannotBeMet() {
        var rule = Self.rule(
            "xx-fire", ["fire"], [RuleCount(atLeast: 3, per: .year)],
            windows: [.between(from: MonthDay(month: 10, day: 18), to: MonthDay(month: 12, day: 31))])
        rule.minSpacingDays = 30
        #expect(check([rule], [], asOf: "2027-10-18").map(\.severity) == [.atRisk])
        let late = check([rule], [], asOf: "2027-10-20")
        #expect(late.map(\.severity) == [.cannotBeMet])
        #expect(
            late.first?.message.contains(
                "at most 2 more can count by 2027-12-17: its drills must be at least 30 days apart")
                == true, "\(late.map(\.message))")
    }

    /// Distinct times of day run out: the bells have five (class, passing, lunch, arrival,
    /// dismissal); two more drills with three used can still count, two more with four cannot.
    @Test func aShortfallTheTimesOfDayForbidCannotBeMet() {
        var rule = Self.rule("xx-security", ["lockdown"], [RuleCount(atLeast: 4, per: .year)])
        rule.condition.distinctTimes = true
        let contexts: [TimeOfDay] = [.class, .passing, .lunch, .arrival]
        // Scheduled ahead of the day checked, so they count.
        let used = zip(["2027-10-25", "2027-11-01", "2027-11-08", "2027-11-15"], contexts).enumerated().map {
            Self.drill("lockdown", on: $0.element.0, slot: $0.offset + 1, context: $0.element.1)
        }
        #expect(check([rule], used, asOf: "2027-10-20").isEmpty)
        rule.counts = [RuleCount(atLeast: 5, per: .year)]
        #expect(check([rule], Array(used.prefix(3)), asOf: "2027-10-20").map(\.severity) == [.atRisk])
        rule.counts = [RuleCount(atLeast: 6, per: .year)]
        let short = check([rule], used, asOf: "2027-10-20")
        #expect(short.map(\.severity) == [.cannotBeMet])
        #expect(
            short.first?.message.hasSuffix(
                "at most 1 more can count by 2027-12-17: each must be at a time of day not used yet, and only dismissal is left"
            )
                == true, "\(short.map(\.message))")
    }

    /// A drill is practice with students: one held on a Saturday, a closure or a staff-only day
    /// counts for no rule, whatever item it completes, and the finding says which day it was.
    @Test func aDrillOnADayWithoutStudentsCountsForNothing() {
        let rule = Self.rule("xx-fire", ["fire"], [RuleCount(atLeast: 1, per: .semester)])
        let fall = Self.drill("fire", on: "2027-09-08")
        let spring = Self.drill("fire", on: "2027-11-03", slot: 2)
        let days = [
            ("2027-09-11T10:00", "a Saturday"), ("2027-09-06T10:00", "a closure day (Holiday)"),
            ("2027-10-11T10:00", "a staff-only day"),
        ]
        for (time, why) in days {
            let findings = check(
                [rule], [fall, spring], completions: [Self.held("fire", at: time, item: fall, id: 7)],
                asOf: "2027-10-20")
            #expect(findings.map(\.severity) == [.notCounted, .cannotBeMet], "\(time)")
            #expect(
                findings.first?.message
                    == "lincoln-hs/fire-drill-1 (\(time.prefix(10))) was held on \(why), when there are no students: "
                    + "it counts for no rule")
            #expect(findings.first?.fix.contains("drillbook complete lincoln-hs/fire-drill-1 --corrects 7") == true)
        }
        // The same record on a school day counts.
        let counted = check(
            [rule], [fall, spring], completions: [Self.held("fire", at: "2027-09-10T10:00", item: fall, id: 7)],
            asOf: "2027-10-20")
        #expect(counted.isEmpty)
    }

    /// A closure added after the schedule was published: the drill still scheduled on it is named, and
    /// the plan's count is short until a re-plan moves it.
    @Test func aDrillStillScheduledOnANewClosureDoesNotCount() {
        let rule = Self.rule("xx-fire", ["fire"], [RuleCount(atLeast: 1, per: .semester)])
        let items = [Self.drill("fire", on: "2027-09-08"), Self.drill("fire", on: "2027-11-03", slot: 2)]
        let findings = ComplianceChecker(ruleSets: [Self.set([rule])]).check(
            school: school, year: smallYear(closures: ["2027-09-08"]), items: items, completions: [],
            asOf: day("2027-08-01")
        ).findings
        #expect(findings.map(\.severity) == [.notCounted, .unmet])
        #expect(findings[0].message.contains("is scheduled on a closure day (Holiday)"))
        #expect(findings[0].fix == "run drillbook schedule to move it to a school day")
    }

    // MARK: - Notices

    @Test func noticesAreMeasuredFromTheDayHeldAndACancelledNoticeIsNone() {
        var rule = Self.rule("xx-lockdown", ["lockdown"], [RuleCount(atLeast: 1, per: .year)])
        rule.notice = Notice(familiesDays: 7)
        let drill = Self.drill("lockdown", on: "2027-10-06")
        // Planned: a notice 9 days ahead is fine; cancelled, it is no notice.
        #expect(check([rule], [drill, Self.notice(for: drill, on: "2027-09-27")]).isEmpty)
        let cancelled = check([rule], [drill, Self.notice(for: drill, on: "2027-09-27", status: .cancelled)])
        #expect(cancelled.map(\.severity) == [.notice])
        // Held five days early, the notice given 2 days before the day it was held.
        let noticeItem = Self.notice(for: drill, on: "2027-09-27")
        let completions = [
            Self.held("lockdown", at: "2027-10-01T10:00", item: drill, id: 1),
            Completion(
                id: 2, year: "2027-2028", itemUID: noticeItem.item.uid, schoolID: "lincoln-hs",
                kind: .familyCommunication,
                startedAt: WallTime("2027-09-29T08:00")!, recordedBy: "t", recordedOn: day("2027-09-29"),
                source: .complete),
        ]
        let early = check([rule], [drill, noticeItem], completions: completions, asOf: "2027-12-20")
        #expect(
            early.map(\.message) == [
                "lincoln-hs/lockdown-drill-1 (2027-10-01) held 2027-10-01: families told on 2027-09-29, 2 days before; 7 asked"
            ])
        // A drill logged with `record` (no item, no notice) does not pass.
        let recorded = check(
            [rule], [], completions: [Self.held("lockdown", at: "2027-10-06T10:00")], asOf: "2027-12-20")
        #expect(recorded.map(\.severity) == [.notice])
        // Unless the record says when families were told.
        let told = Self.held("lockdown", at: "2027-10-06T10:00", evidence: [.familiesNotified: "2027-09-28"])
        #expect(check([rule], [], completions: [told], asOf: "2027-12-20").isEmpty)
    }

    @Test func responderNoticeIsCheckedAndANoticeFindingIsNotRepeatedPerRule() {
        var first = Self.rule("xx-lockdown", ["lockdown"], [RuleCount(atLeast: 1, per: .year)])
        first.notice = Notice(respondersHours: 48)
        var second = Self.rule(
            "xx-lockdown-fall", ["lockdown"], [RuleCount(atLeast: 1, per: .year)], windows: [.by(month: 9, day: 30)])
        second.notice = Notice(respondersHours: 48)
        let findings = check([first, second], [Self.drill("lockdown", on: "2027-09-08")])
        #expect(findings.count == 1)
        #expect(findings[0].rules.map(\.id) == ["xx-lockdown", "xx-lockdown-fall"])
        #expect(findings[0].message.contains("no responders notice planned 2 days before"))
    }

    // MARK: - Conditions

    @Test func presenceIsStructuredAndFreeTextCountsForNothing() {
        var rule = Self.rule("xx-police", ["lockdown"], [RuleCount(atLeast: 1, per: .year)])
        rule.condition.present = [.lawEnforcement]
        func log(_ evidence: [EvidenceField: String]) -> [ComplianceFinding] {
            check(
                [rule], [], completions: [Self.held("lockdown", at: "2027-09-08T10:00", evidence: evidence)],
                asOf: "2027-12-20")
        }
        #expect(log([.agenciesPresent: "none - officer unavailable"]).count == 1)
        #expect(log([.present: "fire"]).count == 1, "the fire department is not law enforcement")
        #expect(log([.present: "fire; law_enforcement"]).isEmpty)
    }

    @Test func theTimeOfDayOfAHeldDrillComesFromTheBellsWhenNotGiven() {
        var rule = Self.rule("xx-lunch", ["lockdown"], [RuleCount(atLeast: 1, per: .year)])
        rule.condition.during = [.lunch]
        let atLunch = check(
            [rule], [], completions: [Self.held("lockdown", at: "2027-09-08T11:40")], asOf: "2027-12-20")
        #expect(atLunch.isEmpty)
        let inClass = check(
            [rule], [], completions: [Self.held("lockdown", at: "2027-09-08T10:00")], asOf: "2027-12-20")
        #expect(inClass.count == 1 && inClass[0].message.contains("during lunch"))
        let said = check(
            [rule], [], completions: [Self.held("lockdown", at: "2027-09-08T10:00", evidence: [.timeContext: "lunch"])],
            asOf: "2027-12-20")
        #expect(said.isEmpty)
    }

    // MARK: - Substitution, attributes, evidence

    /// A state's substitution reaches the baseline's rule for the same drill type.
    @Test func aSubstituteCountsForEveryRuleOfTheReplacedType() {
        let baseline = Self.set([Self.rule("base-fire", ["fire"], [RuleCount(atLeast: 1, per: .semester)])], "baseline")
        var security = Self.rule("xx-security", ["lockdown"], [RuleCount(atLeast: 1, per: .year)])
        security.substitutesFor = ["xx-fire"]
        security.substitutesAtMost = 1
        let state = Self.set([Self.rule("xx-fire", ["fire"], [RuleCount(atLeast: 1, per: .semester)]), security])
        let items = [Self.drill("fire", on: "2027-09-08"), Self.drill("lockdown", on: "2027-11-03")]
        #expect(check([baseline, state], items).isEmpty)
        // At most one substitute a year: a second semester needing two is not covered by two lockdowns.
        #expect(
            check(
                [state], [Self.drill("lockdown", on: "2027-09-08"), Self.drill("lockdown", on: "2027-11-03", slot: 2)]
            ).count == 1)
    }

    @Test func aRuleForSomeSchoolsOnlyAppliesToThem() {
        var rule = Self.rule("xx-no-sprinklers", ["fire"], [RuleCount(atLeast: 9, per: .year)])
        rule.when = .all([
            .equals(attribute: "sprinklers", value: "false"), .equals(attribute: "smoke_detectors", value: "false"),
        ])
        #expect(check([rule], []).isEmpty, "the test school has neither attribute false")
    }

    @Test func evidenceIsTheUnionOverRulesAndItsDeadlineRunsFromTheFirstRecord() {
        var fire = Self.rule("xx-fire", ["fire"], [RuleCount(atLeast: 1, per: .year)])
        fire.requiredEvidence = [.headCount]
        var state = Self.rule("yy-fire", ["fire"], [RuleCount(atLeast: 1, per: .year)])
        state.requiredEvidence = [.timeToEvacuate]
        state.evidenceWithinDays = 30
        let original = Self.held(
            "fire", at: "2027-09-08T10:00", id: 1, evidence: [.headCount: "300"], recordedOn: "2027-09-09")
        let findings = check([fire, state], [], completions: [original], asOf: "2027-12-20")
        #expect(findings.map(\.message) == ["the fire drill of 2027-09-08 lacks time_to_evacuate"])
        #expect(findings[0].rules.map(\.id) == ["yy-fire"])
        // A correction two months later keeps the first record's day.
        let corrected = Self.held(
            "fire", at: "2027-09-08T10:00", id: 2, evidence: [.headCount: "300", .timeToEvacuate: "4:00"],
            recordedOn: "2027-11-20", corrects: 1)
        #expect(check([fire, state], [], completions: [original, corrected], asOf: "2027-12-20").isEmpty)
        let late = Self.held(
            "fire", at: "2027-09-08T10:00", id: 3, evidence: [.headCount: "300", .timeToEvacuate: "4:00"],
            recordedOn: "2027-10-20")
        #expect(check([fire, state], [], completions: [late], asOf: "2027-12-20").map(\.severity) == [.evidence])
    }

    @Test func theModeFollowsTheDay() {
        let year = smallYear()
        #expect(ComplianceChecker.mode(on: day("2027-08-01"), year: year) == .plan)
        #expect(ComplianceChecker.mode(on: day("2027-10-20"), year: year) == .duringYear)
        #expect(ComplianceChecker.mode(on: day("2028-01-05"), year: year) == .log)
    }
}
