import Dates
import DrillbookKit
import Foundation
import Planning
import Store
import Testing

/// Four weeks of a daily `overdue --notify` on the example district with nothing recorded, through
/// a sendmail that fails every few messages: every owed alert goes out exactly once, failed ones
/// on a later run, and no one hears about the same item on consecutive days.
@Suite(.serialized) struct CronSimulationTests {
    /// A sendmail that appends `DAY TO ITEM SUBJECT` to a log, and fails every fifth call.
    static func fakeSendmail(in folder: String) throws -> String {
        let script = "\(folder)/fake-sendmail"
        try """
        #!/bin/sh
        n=$(cat "\(folder)/count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "\(folder)/count"
        message=$(cat)
        if [ $((n % 5)) -eq 0 ]; then echo "injected failure" >&2; exit 75; fi
        to=$(printf '%s\\n' "$message" | sed -n 's/^To: //p' | head -n 1)
        item=$(printf '%s\\n' "$message" | sed -n 's/^X-Drillbook-Item: //p' | head -n 1)
        printf '%s %s %s\\n' "$(cat "\(folder)/day")" "$to" "$item" >> "\(folder)/delivered"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return script
    }

    @Test func aMonthOfDailyRunsSendsEachAlertOnceAndNeverOnConsecutiveDays() throws {
        let folder = try exampleFolder()
        let file = "\(folder)/drillbook.yaml"
        let sendmail = try Self.fakeSendmail(in: folder)
        try
            (try String(contentsOfFile: file, encoding: .utf8)
            + "alerts:\n  mail: {from: drillbook@lakeside.example, sendmail: \"\(sendmail)\"}\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: file, resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        var failures = 0
        var sentLines = 0
        let start = day("2027-08-10")
        for offset in 0..<28 {
            let asOf = start.adding(days: offset)
            try asOf.description.write(toFile: "\(folder)/day", atomically: true, encoding: .utf8)
            let report = try Notifier.notify(
                try Notifier.evaluate(loaded, store: store, asOf: asOf), loaded: loaded, store: store,
                resources: resources, asOf: asOf, actor: "cron")
            failures += report.failures.count
            sentLines += report.sent.count
        }
        let delivered = try String(contentsOfFile: "\(folder)/delivered", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(failures > 0, "the fake sendmail failed some sends")
        #expect(delivered.count == sentLines)
        // Never twice on consecutive days (nor within the ladder's interval) to one recipient for one item.
        var last: [String: CalendarDate] = [:]
        for entry in delivered {
            let key = "\(entry[1]) \(entry[2])"
            let day = CalendarDate(entry[0])!
            if let previous = last[key] {
                #expect(
                    day.dayNumber - previous.dayNumber >= loaded.plan.ladder.minInterval,
                    "\(key) on \(previous) and \(day)")
            }
            last[key] = day
        }
        // Every failure was sent on a later run, or a later step reached the same person.
        let states = try store.unsentAlerts()
        for owed in states {
            let recipientHeard = try store.sentSteps(
                itemUID: owed.itemUID, channel: owed.channel, recipient: owed.recipient)
            #expect(!recipientHeard.isEmpty, "\(owed.itemUID) \(owed.step) to \(owed.recipient) never sent")
        }
        // Every item overdue at the end was told to its owner and the principal.
        let items = try Planner.published(loaded, store: store)
        let end = start.adding(days: 27)
        let school = Dictionary(uniqueKeysWithValues: loaded.plan.schools.map { ($0.school.id, $0.school) })
        for tracked in items
        where tracked.status == .scheduled && !tracked.item.adminOnly && tracked.item.date.dayNumber < end.dayNumber - 2
            && tracked.item.date >= start
        {
            for role in [tracked.item.owner, "principal"] {
                guard let email = school[tracked.item.schoolID]?.contacts[role]?.email else { continue }
                #expect(
                    delivered.contains { $0[1] == email && $0[2] == tracked.item.id }, "\(tracked.item.id) to \(role)")
            }
        }
    }

    /// A families notice is not sent for a drill already held, and nothing is owed after the year.
    @Test func noNoticeForAHeldDrillAndNoAlertsAfterTheYear() throws {
        let folder = try exampleFolder()
        let loaded = try Planner.load(planFile: "\(folder)/drillbook.yaml", resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day("2027-08-01"))
        let items = try Planner.published(loaded, store: store)
        let notice = items.first { $0.item.id.contains("lockdown-drill-families-notice") }!
        let drill = items.first { $0.item.id == notice.item.relatedTo }!
        _ = try Tracker.record(
            kind: drill.item.kind, school: drill.item.schoolID, loaded: loaded, store: store,
            startedAt: WallTime(date: notice.item.date.adding(days: -1), hour: 10), endedAt: nil,
            evidence: [.present: "law_enforcement"], actor: "t", asOf: notice.item.date)
        let report = try Notifier.evaluate(loaded, store: store, asOf: notice.item.date)
        #expect(!report.findings.contains { $0.item.uid == notice.item.uid })
        let after = try Notifier.evaluate(loaded, store: store, asOf: day("2028-06-15"))
        #expect(after.findings.isEmpty)
        let missed = items.filter { !$0.item.adminOnly }.map {
            $0.status(on: day("2028-06-15"), completions: [], ladder: loaded.plan.ladder, yearEnd: day("2028-05-26"))
        }
        #expect(missed.allSatisfy { $0 == .missed || $0 == .cancelled })
    }

    /// Schools are evaluated side by side: each school's findings are what it gets alone, and the
    /// district's list is theirs in one order (day, then id), the same from run to run.
    @Test func eachSchoolsAlertsAreWhatItGetsAloneInOneOrder() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let asOf = day("2028-01-20")
        let items = try Planner.published(loaded, store: store)
        let completions = try Tracker.completions(loaded, store: store)
        let district = Overdue.evaluate(
            items, completions: completions, asOf: asOf, ladder: loaded.plan.ladder, years: loaded.years)
        #expect(Set(district.map(\.item.schoolID)).count == loaded.plan.schools.count)
        #expect(district.filter { $0.makeUp != nil }.count > 20)
        let alone = loaded.plan.schools.flatMap { planned in
            Overdue.evaluate(
                items.filter { $0.item.schoolID == planned.school.id }, completions: completions, asOf: asOf,
                ladder: loaded.plan.ladder, years: loaded.years)
        }
        #expect(Set(district) == Set(alone))
        #expect(district.count == alone.count)
        #expect(
            zip(district, district.dropFirst()).allSatisfy { ($0.item.date, $0.item.id) < ($1.item.date, $1.item.id) })
        for _ in 0..<3 {
            #expect(
                Overdue.evaluate(
                    items, completions: completions, asOf: asOf, ladder: loaded.plan.ladder, years: loaded.years)
                    == district)
        }
    }

    /// Many overdue drills at one school get distinct make-up days, spread, after their notices.
    @Test func makeUpDaysAreDistinctAndLeaveRoomForNotices() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let asOf = day("2028-01-20")
        let report = try Notifier.evaluate(loaded, store: store, asOf: asOf)
        let year = loaded.years["lincoln-hs"]!
        let late = report.findings.filter { $0.item.schoolID == "lincoln-hs" && $0.makeUp != nil }
        #expect(late.count > 10)
        let days = late.compactMap(\.makeUp)
        #expect(Set(days).count == days.count, "make-up days repeat: \(days)")
        for finding in late {
            let day = finding.makeUp!
            #expect(day > asOf && year.isInstructionalDay(day) && !year.isTesting(day))
            if finding.item.id.contains("lockdown-drill") { #expect(day.dayNumber - asOf.dayNumber > 7) }
        }
    }
}
