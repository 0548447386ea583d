import Dates
import Testing

@testable import Planning

/// What a re-plan compares: an activity's placement and wording as canonical text, which a field
/// left at its default does not change, so a release that adds one moves nothing on its own.
@Suite struct ActivityFingerprintTests {
    static let fire = Activity(
        id: "fire-drill", kind: .drill("fire"), title: "Fire drill", cadence: [], durationMinutes: 20,
        timeOfDay: .rotate, announced: false)
    static var rule: ComplianceRule {
        ComplianceRule(id: "fire-monthly", drills: ["fire"], counts: [RuleCount(atLeast: 1, per: .month)])
    }

    static func fingerprint(_ activity: Activity = fire, _ rules: [ComplianceRule] = [rule]) -> ActivityFingerprint {
        ActivityFingerprint(activity, rules: [ComplianceRuleSet(jurisdiction: "XX", title: "Test", rules: rules)])
    }

    /// The exact text. A field added to `Activity` or `ComplianceRule` whose default is not nil,
    /// false, empty or `FingerprintNeutral` changes it: then every drill series of every district
    /// would be placed again on the first re-plan after the upgrade.
    @Test func aRuleAndAnActivityAtTheirDefaultsSayOnlyWhatWasSet() {
        let fingerprint = Self.fingerprint()
        #expect(
            fingerprint.placement
                == #"activity{durationMinutes=20,id="fire-drill",kind=drill("fire"),timeOfDay=rotate}"#
                + #"|XX:{counts=[{atLeast=1,per=month}],drills=["fire"],id="fire-monthly"}"#)
        #expect(fingerprint.wording == #"wording("Fire drill","","safety_coordinator","")"#)
    }

    @Test func windowsNameTheirFieldsAndLeaveOutTheYearAnchor() {
        #expect(
            ActivityFingerprint.canonical(Window.within(days: 10, from: .year, dayKind: .school))
                == "within(dayKind=school,days=10)")
        #expect(
            ActivityFingerprint.canonical(Window.within(days: 10, from: .period, dayKind: .school))
                == "within(dayKind=school,days=10,from=period)")
        #expect(
            ActivityFingerprint.canonical(
                Window.between(from: MonthDay(month: 9, day: 1), to: MonthDay(month: 12, day: 31)))
                == "between(from={day=1,month=9},to={day=31,month=12})")
        #expect(ActivityFingerprint.canonical(Window.inMonth(9)) == "inMonth(9)")
    }

    /// Everything that decides a drill's day or time changes the placement; where a rule comes
    /// from, how sure its reading is and the evidence a record needs change nothing.
    @Test func whatPlacesADrillChangesThePlacementAndNothingElseDoes() {
        let base = Self.fingerprint()
        var edits: [(String, ComplianceRule)] = []
        var rule = Self.rule
        rule.counts = [RuleCount(atLeast: 2, per: .month)]
        edits.append(("count", rule))
        rule = Self.rule
        rule.windows = [.inMonth(9)]
        edits.append(("window", rule))
        rule = Self.rule
        rule.maxGap = MaxGap(days: 30, dayKind: .school)
        edits.append(("spacing", rule))
        rule = Self.rule
        rule.condition.distinctHours = true
        edits.append(("distinct hours", rule))
        rule = Self.rule
        rule.schedule.timeOfDay = .class
        edits.append(("time of day", rule))
        rule = Self.rule
        rule.when = .equals(attribute: "sprinklers", value: "true")
        edits.append(("when", rule))
        for (what, rule) in edits {
            let changed = Self.fingerprint(Self.fire, [rule])
            #expect(changed.placement != base.placement, "\(what)")
            #expect(changed.wording == base.wording, "\(what)")
        }
        rule = Self.rule
        rule.source = "tn-code"
        rule.confidence = "M"
        rule.requiredEvidence = [.headCount]
        rule.evidenceWithinDays = 5
        rule.schedule.title = "Fire evacuation drill"
        #expect(Self.fingerprint(Self.fire, [rule]) == base)
        // A rule of another drill type is none of this series' business.
        let other = ComplianceRule(id: "lockdown", drills: ["lockdown"], counts: [RuleCount(atLeast: 2, per: .year)])
        #expect(Self.fingerprint(Self.fire, [Self.rule, other]) == base)
    }

    @Test func anActivitysWordsChangeOnlyItsWording() {
        let base = Self.fingerprint()
        var activity = Self.fire
        activity.title = "Fire evacuation drill"
        activity.description = "Leave by the nearest exit."
        activity.owner = "principal"
        activity.familiesTitle = "A drill"
        var changed = Self.fingerprint(activity)
        #expect(changed.placement == base.placement)
        #expect(changed.wording != base.wording)
        for edit in [
            { (activity: inout Activity) in activity.durationMinutes = 25 },
            { $0.timeOfDay = .lunch },
            { $0.announced = true },
            { $0.notice = Notice(familiesDays: 7) },
            { $0.windows = [.by(month: 12, day: 1)] },
            { $0.review = true },
        ] {
            activity = Self.fire
            edit(&activity)
            changed = Self.fingerprint(activity)
            #expect(changed.placement != base.placement)
            #expect(changed.wording == base.wording)
        }
    }

    /// The order of a set's or dictionary's contents is not theirs to give.
    @Test func unorderedContentsAreSorted() {
        #expect(ActivityFingerprint.canonical(Set(["b", "a", "c"])) == #"["a","b","c"]"#)
        #expect(ActivityFingerprint.canonical(["b": 1, "a": 2]) == ActivityFingerprint.canonical(["a": 2, "b": 1]))
    }
}
