import Dates
import DrillbookKit
import Foundation
import Planning
import Store
import Testing

/// Overdue evaluation on the example district, and importing a spreadsheet log.
@Suite struct OverdueAndImportTests {
    @Test func inSpringExactlyTheMissedItemsAreOverdueWithMakeUpDates() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let asOf = day("2028-03-01")
        let items = try Planner.published(loaded, store: store).filter { !$0.item.adminOnly && $0.item.date < asOf }
        let missed = ["lincoln-hs/fire-drill-7", "ridge-ms/tabletop-exercise-1"]
        for tracked in items where !missed.contains(tracked.item.id) {
            _ = try Tracker.complete(
                tracked.item.id, loaded: loaded, store: store, startedAt: nil, endedAt: nil, durationMinutes: nil,
                evidence: tracked.item.activityID == "fire-drill" ? TrackingTests.fireEvidence : [:], corrects: nil,
                actor: "t",
                asOf: asOf)
        }
        let report = try Notifier.evaluate(loaded, store: store, asOf: asOf)
        let overdue = report.findings.filter { $0.kind == .overdue || $0.kind == .escalated }
        #expect(overdue.map(\.item.id).sorted() == missed.sorted())
        #expect(report.hasOverdue)
        for finding in overdue {
            let makeUp = try #require(finding.makeUp)
            let year = loaded.years[finding.item.schoolID]!
            #expect(makeUp > asOf && year.isInstructionalDay(makeUp) && !year.isTesting(makeUp))
        }
        let tabletop = overdue.first { $0.item.id == "ridge-ms/tabletop-exercise-1" }!
        #expect(tabletop.kind == .escalated && tabletop.roles.contains("district.safety_lead"))
    }

    static func csv(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aLogWithOneBadRowImportsNothingAndNamesEveryBadRow() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let file = try Self.csv(
            """
            school,kind,started_at,head_count,conducted_by,notification_method,problems,time_to_evacuate
            harbor-es,fire,2027-08-26 09:30,540,Tom Wells,alarm,none,3m
            harbor-es,fire,2027-09-08 09:30,lots,Tom Wells,alarm,none,3m
            nowhere,fire,2027-09-09 09:30,5,x,y,none,3m

            """)
        #expect(
            performing: {
                _ = try LogImporter.run(
                    file: file, mapping: .init(), loaded: loaded, store: store, actor: nil, asOf: day("2027-10-01"))
            },
            throws: { error in
                let text = "\(error)"
                return text.contains("\(file):3: head_count \"lots\" is not a whole number")
                    && text.contains("\(file):4: school \"nowhere\"")
                    && text.contains("nothing was imported")
            })
        #expect(try store.completions(year: "2027-2028").isEmpty)
    }

    @Test func aMappingRenamesHeadersAndDrillNames() throws {
        let (loaded, store) = try TrackingTests.scheduled()
        let mapping = FileManager.default.temporaryDirectory.appendingPathComponent("map-\(UUID().uuidString).yaml")
            .path
        try """
        columns: {Building: school, Drill: kind, "Date/Time": started_at}
        kinds: {"Lock-down": lockdown}
        """.write(toFile: mapping, atomically: true, encoding: .utf8)
        let lockdown = try Tracker.item("lincoln-hs/lockdown-drill-1", in: try Planner.published(loaded, store: store))
        let file = try Self.csv(
            "Building,Drill,Date/Time,notes\nlincoln-hs,Lock-down,\(lockdown.item.date.adding(days: -2)) 10:00,held early\n"
        )
        let imported = try LogImporter.run(
            file: file, mapping: try LogImporter.readMapping(mapping), loaded: loaded, store: store, actor: nil,
            asOf: lockdown.item.date)
        #expect(imported.count == 1)
        #expect(imported[0].kind == .drill("lockdown") && imported[0].evidence[.notes] == "held early")
        #expect(imported[0].itemUID == lockdown.item.uid, "counted for the nearest open lockdown")
    }
}
