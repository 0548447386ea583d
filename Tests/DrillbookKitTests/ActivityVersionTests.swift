import Dates
import DrillbookKit
import Foundation
import Planning
import Store
import Testing

/// What a re-plan takes for a changed activity: a new title rewords its items where they are, a
/// new time of day places them again, and a fingerprint an earlier release stored moves nothing.
@Suite struct ActivityVersionTests {
    static func edit(_ plan: String, _ old: String, _ new: String) throws -> LoadedPlan {
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(toFile: plan, atomically: true, encoding: .utf8)
        return try Planner.load(planFile: plan, resources: resources)
    }

    /// The bus evacuation drill renamed: every future item of it (the drills, their notices and
    /// reviews) takes the new words on its own day and time, SEQUENCE up by one; nothing else changes.
    @Test func aNewTitleRewordsTheItemsWhereTheyAre() throws {
        var (plan, loaded, store) = try scheduledExample(asOf: "2027-08-01")
        let before = try Planner.published(loaded, store: store)
        loaded = try Self.edit(plan, "title: Bus evacuation drill", "title: Bus evacuation drill (with drivers)")
        let result = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        let theirs = before.filter { $0.item.activityID == "bus-evacuation" }
        #expect(theirs.count == 18)  // three schools, two semesters: drill, families notice, review
        #expect(result.added.isEmpty && result.cancelled.isEmpty)
        #expect(Set(result.moved.map(\.to.item.uid)) == Set(theirs.map(\.item.uid)))
        for (from, to) in result.moved {
            #expect(to.item.date == from.item.date && to.item.start == from.item.start, "\(to.item.id) moved")
            #expect(to.item.title.contains("Bus evacuation drill (with drivers)"), "\(to.item.title)")
            #expect(to.sequence == 1)
            #expect(result.reasons[to.item.uid] == "the wording of bus-evacuation changed in the plan")
        }
        let after = try Planner.published(loaded, store: store)
        #expect(after.filter { $0.item.title.contains("(with drivers)") }.count == 18)
        #expect(try Planner.run(loaded, store: store, asOf: day("2027-08-01")).isEmpty)
    }

    /// The same rename after the families were told: the announced drill keeps its words (its
    /// notice went out with them), as it keeps its day.
    @Test func anAnnouncedItemKeepsItsWords() throws {
        var (plan, loaded, store) = try scheduledExample(asOf: "2027-08-01")
        let before = try Planner.published(loaded, store: store)
        let first = try #require(
            before.filter { $0.item.activityID == "bus-evacuation" && $0.item.relatedTo == nil }.min {
                $0.item.date < $1.item.date
            })
        let notice = try #require(first.noticeDate)
        loaded = try Self.edit(plan, "title: Bus evacuation drill", "title: Bus drill")
        let result = try Planner.run(loaded, store: store, asOf: notice)
        #expect(!result.moved.contains { $0.to.item.uid == first.item.uid })
        #expect(result.moved.contains { $0.to.item.activityID == "bus-evacuation" })
        let stored = try Planner.published(loaded, store: store).first { $0.item.uid == first.item.uid }
        #expect(stored?.item.title == "Bus evacuation drill")
    }

    /// A fingerprint from before this scheme (Swift's description of the rules, which changed with
    /// every field a release added): the first re-plan moves nothing and stores the new ones; a real
    /// change after it is seen.
    @Test func aFingerprintFromAnEarlierReleaseMovesNothing() throws {
        var (plan, loaded, store) = try scheduledExample(asOf: "2027-08-01")
        let current = try store.activityVersions(year: loaded.plan.year)
        #expect(current.values.allSatisfy { $0.hasPrefix("2:") })
        try store.saveVersions(current.mapValues { _ in "9f3e51c07a2b44d1" }, year: loaded.plan.year)
        #expect(try Planner.run(loaded, store: store, asOf: day("2027-08-01")).isEmpty)
        #expect(try store.activityVersions(year: loaded.plan.year) == current)
        loaded = try Self.edit(plan, "    time_of_day: dismissal\n", "    time_of_day: arrival\n")
        let result = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        #expect(!result.moved.isEmpty)
        #expect(result.moved.allSatisfy { $0.to.item.activityID == "bus-evacuation" })
        #expect(result.moved.contains { $0.from.item.start != $0.to.item.start })
    }

    /// A local rule file's comment or key order is not a change; its count is.
    @Test func aRuleFilesLayoutIsNotAChange() throws {
        let (plan, _, store) = try scheduledExample(asOf: "2027-08-01")
        let folder = (plan as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: "\(folder)/compliance", withIntermediateDirectories: true)
        let rule = { (body: String) in
            try "schema: drillbook-compliance/2\njurisdiction: local\nrules:\n\(body)"
                .write(toFile: "\(folder)/compliance/lakeside.yaml", atomically: true, encoding: .utf8)
        }
        try rule("  - id: lakeside-tornado\n    drill: tornado\n    require: {count: 2, per: year}\n")
        var reloaded = try Planner.load(planFile: plan, resources: resources)
        let first = try Planner.run(reloaded, store: store, asOf: day("2027-08-01"))
        #expect(first.added.contains { $0.item.activityID == "tornado-drill" })
        try rule(
            "  # the board's own rule\n  - require: {per: year, count: 2}\n    drill: tornado\n    id: lakeside-tornado\n"
        )
        reloaded = try Planner.load(planFile: plan, resources: resources)
        #expect(try Planner.run(reloaded, store: store, asOf: day("2027-08-01")).isEmpty)
        try rule("  - id: lakeside-tornado\n    drill: tornado\n    require: {count: 2, per: semester}\n")
        reloaded = try Planner.load(planFile: plan, resources: resources)
        let changed = try Planner.run(reloaded, store: store, asOf: day("2027-08-01"))
        #expect(changed.added.contains { $0.item.activityID == "tornado-drill" })
        #expect(
            changed.moved.allSatisfy { result in
                result.to.item.activityID == "tornado-drill"
                    && changed.reasons[result.to.item.uid].map {
                        $0.contains("changed in the plan or its rules") || $0.hasPrefix("follows")
                    } == true
            })
    }
}
