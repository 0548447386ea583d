import Dates
import DrillbookKit
import Foundation
import Testing

@testable import Planning

/// A rule's `condition: {distinct_hours: true}`: its counted drills start in as many clock hours
/// as it asks drills (Montana's eight disaster drills "at different hours of the day or evening",
/// which were read and not checked before: eight drills at 10:00 checked clean).
@Suite struct DistinctHoursTests {
    struct Montana {
        var state: StateRuleTests.Alone
        var test: StateRuleTests.Case { state.test }
        var days: [CalendarDate]

        init() throws {
            state = try StateRuleTests.Alone("MT")
            let year = state.test.year
            days = year.days.filter { year.isInstructionalDay($0) }
        }

        /// Fire drills held three weeks apart, at these hours (minute 10; nil: no time, 00:00).
        func log(_ hours: [Int?]) -> [Completion] {
            hours.enumerated().map { position, hour in
                state.fireDrill(
                    position + 1, on: days[position * 15 + 3], hour: hour ?? 0, minute: hour == nil ? 0 : 10)
            }
        }

        func findings(_ log: [Completion]) -> [ComplianceFinding] { state.findings(log, rule: "mt-disaster") }
    }

    @Test func eightDrillsAtOneHourBreakTheRuleAndEightHoursMeetIt() throws {
        let mt = try Montana()
        let same = mt.findings(mt.log(Array(repeating: 10, count: 8)))
        #expect(
            same.map(\.message) == [
                "drills start in 1 different hour of the day (10:00); 8 at different hours are asked"
            ])
        #expect(same.first?.severity == .unmet)
        #expect(same.first?.itemIDs.count == 7, "the seven that repeat an hour are named")
        #expect(mt.findings(mt.log(Array(8...15))).isEmpty)
        // Seven hours and one repeated: one short. Two with no time show no hour and are named.
        let short = mt.findings(mt.log([8, 9, 10, 11, 12, 13, 14, 14]))
        #expect(short.map(\.message).first?.hasPrefix("drills start in 7 different hours") == true)
        let untimed = mt.findings(mt.log([8, 9, 10, 11, 12, 13, nil, nil]))
        #expect(untimed.first?.message.hasSuffix("; 2 recorded with no time show no hour") == true)
        #expect(untimed.first?.itemIDs.count == 2)
    }

    /// The scheduler moves drills that repeat an hour to hours not used yet, keeping a time of day
    /// a rule asks for; a second run makes the same times.
    @Test func theSchedulerSpreadsTheDrillsOverTheHours() throws {
        let mt = try Montana()
        let drills = mt.test.items.filter { $0.kind.isDrill && $0.relatedTo == nil }
        #expect(drills.count >= 8)
        #expect(Set(drills.compactMap { $0.start.map { $0.minutes / 60 } }).count >= 8)
        let scheduler = Scheduler(
            districtID: mt.test.loaded.plan.district.id, activities: mt.test.loaded.plan.activities,
            rules: mt.test.loaded.plan.rules)
        #expect(try scheduler.schedule(mt.test.school, year: mt.test.year) == mt.test.items)
        // Each drill's start falls in the time of day its item says.
        for drill in drills {
            #expect(mt.test.school.bellSchedule.context(at: drill.start!) == drill.timeContext, "\(drill.id)")
        }
    }

    /// The scheduler counts the hours drills were held at, by their records, not the hours their
    /// items had: the only drills planned at two hours were held at 10:05 and 10:20 instead, so the
    /// drills still ahead must take those two hours. (It counted the items' hours, and left both
    /// missing.) `drillbook schedule` keeps a published drill's time as it keeps its day; this is
    /// what a drill placed again gets.
    @Test func aReplanCountsTheHoursDrillsWereHeldAt() throws {
        let mt = try Montana()
        let school = mt.test.school
        let drills = mt.test.items.filter { $0.kind.isDrill && $0.relatedTo == nil }.sorted { $0.date < $1.date }
        func hour(_ item: ScheduledItem) -> Int { item.start!.minutes / 60 }
        let perHour = Dictionary(grouping: drills, by: hour).mapValues(\.count)
        let moved = Array(drills.filter { perHour[hour($0)] == 1 && hour($0) != 10 }.prefix(2))
        try #require(moved.count == 2)
        let asOf = moved[1].date.adding(days: 1)
        let done = drills.filter { $0.date < asOf }
        let completions = done.enumerated().map { position, item in
            let at = moved.firstIndex { $0.uid == item.uid }
            return Completion(
                id: position + 1, year: mt.test.loaded.plan.year, itemUID: item.uid, schoolID: school.id,
                kind: item.kind,
                startedAt: WallTime(
                    date: item.date, hour: at == nil ? hour(item) : 10,
                    minute: at.map { 5 + 15 * $0 } ?? item.start!.minutes % 60),
                recordedBy: "test", recordedOn: item.date, source: .complete)
        }
        let held = completions.compactMap {
            DrillEvent.held($0, school: school, itemID: nil, firstRecordedOn: $0.recordedOn)
        }
        let fixed = drills.map { item in
            FixedOccurrence(
                schoolID: school.id, activityID: item.activityID, slot: item.slot, date: item.date,
                timeContext: item.timeContext, presence: item.presence, counts: item.date >= asOf)
        }
        let scheduler = Scheduler(
            districtID: mt.test.loaded.plan.district.id, activities: mt.test.loaded.plan.activities,
            rules: mt.test.loaded.plan.rules)
        var skipped: [SchedulingError] = []
        let replanned = try scheduler.schedule(
            school, year: mt.test.year, fixed: fixed, held: held, notBefore: asOf, skipped: &skipped)
        let findings = mt.state.checker.check(
            school: school, year: mt.test.year, items: StateRuleTests.tracked(replanned), completions: completions,
            asOf: asOf
        ).findings.filter { $0.ruleID == "mt-disaster" }
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }
}
