import Dates
import DrillbookKit
import Foundation
import ICalendar
import Planning
import Testing

/// The example district scheduled and exported: valid files, audiences kept apart, stable UIDs.
@Suite struct ExportTests {
    struct Run {
        var folder: String
        var loaded: LoadedPlan
        var store: String
        var items: [TrackedItem]
        var paths: [String]
    }

    static func run(asOf: String = "2027-08-01", plan: ((String) -> String)? = nil) throws -> Run {
        let folder = try exampleFolder()
        let file = "\(folder)/drillbook.yaml"
        if let plan {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try plan(text).write(toFile: file, atomically: true, encoding: .utf8)
        }
        let loaded = try Planner.load(planFile: file, resources: resources)
        let store = try Planner.openStore("\(folder)/drillbook.sqlite")
        _ = try Planner.run(loaded, store: store, asOf: day(asOf))
        let items = try Planner.published(loaded, store: store)
        let paths = try Exporter(loaded: loaded, asOf: day(asOf)).export(items, to: "\(folder)/out")
        return Run(folder: folder, loaded: loaded, store: "\(folder)/drillbook.sqlite", items: items, paths: paths)
    }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// `DTSTART;TZID=America/Chicago:20270827T094500` for a timed item.
    static func dtstart(_ item: ScheduledItem) -> String? {
        item.start.map {
            "DTSTART;TZID=\(item.timeZone):\(item.date.basicFormat)T\(String(format: "%02d%02d00", $0.hour, $0.minute))"
        }
    }

    @Test func everyExportedFileIsCleanUnderTheValidator() throws {
        let run = try Self.run()
        #expect(run.paths.count == 12)
        for path in run.paths {
            let inspection = CalendarReader.inspect(Array(try Self.text(path).utf8), file: path)
            #expect(inspection.problems.isEmpty, "\(inspection.problems)")
        }
    }

    /// Each file is written beside its place and moved in whole: a server reading the folder during
    /// an export reads the old file or the new one. One that cannot be moved in fails the export,
    /// leaves no partial file, and the files already there stay as they were.
    @Test func filesAreReplacedWholeAndAFailedOneLeavesNothingHalfWritten() throws {
        let run = try Self.run()
        let out = "\(run.folder)/out"
        let before = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(before == run.paths.map { ($0 as NSString).lastPathComponent }.sorted())
        let staff = try Self.text("\(out)/lincoln-hs-staff.ics")
        // A folder where one school's file goes: its new file cannot be moved there.
        try FileManager.default.removeItem(atPath: "\(out)/ridge-ms-admin.ics")
        try FileManager.default.createDirectory(atPath: "\(out)/ridge-ms-admin.ics", withIntermediateDirectories: false)
        #expect(throws: DrillbookError.self) {
            try Exporter(loaded: run.loaded, asOf: day("2027-08-01")).export(run.items, to: out)
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!after.contains { $0.contains(".partial-") }, "\(after)")
        #expect(after.sorted() == before)
        #expect(try Self.text("\(out)/lincoln-hs-staff.ics") == staff)
    }

    /// A file's inode: a file replaced by a rename has a new one, a file left as it was keeps it.
    static func inode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)
    }

    /// An export of what is already there writes nothing: every file keeps its inode (and so its
    /// modification time, a web server's Last-Modified), and the export says each is unchanged.
    @Test func anUnchangedExportLeavesEveryFileAsItWas() throws {
        let run = try Self.run()
        let before = try Dictionary(uniqueKeysWithValues: run.paths.map { ($0, try Self.inode($0)) })
        let texts = try run.paths.map(Self.text)
        let again = try Exporter(loaded: run.loaded, asOf: day("2027-08-01")).exportFiles(
            bySchool: run.items.movedBySchool(), to: "\(run.folder)/out")
        #expect(again.paths == run.paths)
        #expect(again.unchanged == Set(run.paths))
        for path in run.paths { #expect(try Self.inode(path) == before[path], "\(path) was rewritten") }
        #expect(try run.paths.map(Self.text) == texts)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(run.folder)/out").count == run.paths.count)
    }

    /// A change rewrites the files it shows in, and only those, each the same bytes as a fresh
    /// export; so does a file changed behind the export's back: longer, shorter, or one byte other.
    @Test func aChangedExportRewritesOnlyTheFilesThatDifferAndEachInFull() throws {
        let run = try Self.run()
        let out = "\(run.folder)/out"
        var items = run.items
        let cancelled = try #require(
            items.firstIndex { $0.item.schoolID == "ridge-ms" && $0.item.kind.isDrill && $0.item.announced })
        items[cancelled].status = .cancelled
        items[cancelled].sequence += 1
        // Behind the export's back: one file longer, one shorter, one with a byte changed mid-way.
        let longer = "\(out)/harbor-es-staff.ics"
        let shorter = "\(out)/harbor-es-families.ics"
        let flipped = "\(out)/lincoln-hs-admin.ics"
        try (Self.text(longer) + "X").write(toFile: longer, atomically: false, encoding: .utf8)
        try String(Self.text(shorter).dropLast(10)).write(toFile: shorter, atomically: false, encoding: .utf8)
        var bytes = Array(try Self.text(flipped).utf8)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(bytes).write(to: URL(fileURLWithPath: flipped))
        let before = try Dictionary(uniqueKeysWithValues: run.paths.map { ($0, try Self.inode($0)) })

        let exporter = Exporter(loaded: run.loaded, asOf: day("2027-08-01"))
        let files = try exporter.exportFiles(bySchool: items.movedBySchool(), to: out)
        let fresh = try exporter.export(items, to: "\(run.folder)/fresh")
        let rewritten = Set(run.paths).subtracting(files.unchanged)
        let expected: Set<String> = [
            "ridge-ms-admin.ics", "ridge-ms-staff.ics", "ridge-ms-families.ics", "district-admin.ics",
            "district-staff.ics", "district-families.ics", "harbor-es-staff.ics", "harbor-es-families.ics",
            "lincoln-hs-admin.ics",
        ]
        #expect(Set(rewritten.map { ($0 as NSString).lastPathComponent }) == expected)
        for (path, freshPath) in zip(files.paths, fresh) {
            #expect(try Self.text(path) == Self.text(freshPath), "\(path) differs from a fresh export")
            #expect((try Self.inode(path) == before[path]) == files.unchanged.contains(path))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!left.contains { $0.contains(".partial-") }, "\(left)")
    }

    @Test func staffSeeNoTimeOfAnUnannouncedDrillAndNoReviewOfOne() throws {
        let run = try Self.run()
        let staff = try Self.text("\(run.folder)/out/lincoln-hs-staff.ics")
        let unannounced = run.items.map(\.item).filter {
            $0.schoolID == "lincoln-hs" && $0.kind.isDrill && !$0.announced
        }
        #expect(unannounced.count >= 9)
        for drill in unannounced {
            #expect(!staff.contains(Self.dtstart(drill)!), "staff calendar shows \(drill.id)'s time")
            #expect(!staff.contains(drill.uid))
        }
        let markers = CalendarReader.inspect(Array(staff.utf8), file: "staff").document.events.filter {
            $0.summary == "Safety drill this week"
        }
        #expect(markers.count == unannounced.count)
        #expect(markers.allSatisfy { $0.start.isAllDay && $0.start.wallTime.date.weekday == .monday })
        #expect(!staff.contains("After-action review: Fire drill"))
        #expect(!staff.contains("Notify families"))
        #expect(staff.contains("After-action review: Lockdown drill"), "announced drills keep their reviews")
    }

    @Test func familiesSeeOnlyAnnouncedDrillsCampaignsAndMessages() throws {
        let run = try Self.run()
        let families = CalendarReader.inspect(
            Array(try Self.text("\(run.folder)/out/district-families.ics").utf8), file: "f"
        ).document
        let byUID = Dictionary(run.items.map { ($0.item.uid, $0.item) }, uniquingKeysWith: { a, _ in a })
        #expect(!families.events.isEmpty)
        for event in families.events {
            let item = try #require(byUID[event.uid])
            #expect(item.announced && !item.adminOnly)
            #expect(
                item.kind.isDrill || item.kind == .awarenessCampaign || item.kind == .familyCommunication, "\(item.id)")
            #expect(event.extraProperties.isEmpty, "no internal ids in the public file")
            // The tip-line campaign speaks to families in their words, with the district's tip line.
            if item.activityID == "tip-line-campaign" {
                #expect(event.summary == "See something, say something: our tip line")
                #expect(
                    event.description?.contains("Tip line: Safe Lakeside, 555-0100, https://safe.lakeside.example")
                        == true)
                #expect(event.description?.contains("you do not have to give your name") == true)
            }
        }
        #expect(families.events.contains { byUID[$0.uid]?.activityID == "tip-line-campaign" })
    }

    @Test func pythonIcalendarReadsTheAdminFileWithTheSameInstants() throws {
        let run = try Self.run()
        let path = "\(run.folder)/out/lincoln-hs-admin.ics"
        let data = try runPython(
            [packageRoot.appendingPathComponent("Tests/Checkers/read_instants.py").path], input: path)
        let rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: "\t").map(String.init)
        }
        let chicago = TimeZone(identifier: "America/Chicago")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = chicago
        let items = run.items.map(\.item).filter { $0.schoolID == "lincoln-hs" }
        #expect(rows.count == items.count)
        for item in items {
            let row = try #require(rows.first { $0[0] == item.uid }, "\(item.uid) missing")
            guard let start = item.start else {
                #expect(row[2] == item.date.description)
                continue
            }
            // Foundation's own time zone rules, not libical's, say what the instant must be.
            let local = calendar.date(
                from: DateComponents(
                    year: item.date.year, month: item.date.month, day: item.date.day, hour: start.hour,
                    minute: start.minute))!
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            #expect(row[2] == formatter.string(from: local), "\(item.id)")
        }
    }

    @Test func aSecondScheduleChangesNothingAndAChangeMovesOnlyWhatItMust() throws {
        let run = try Self.run()
        let store = try Planner.openStore(run.store)
        #expect(try Planner.run(run.loaded, store: store, asOf: day("2027-08-01")).isEmpty)
        // Drop an activity and close a day: items move with SEQUENCE 1, vanished ones are cancelled.
        let file = "\(run.folder)/drillbook.yaml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "    cadence: {per: semester, count: 1}\n    window: {within_days: 30",
            with: "    cadence: {per: year, count: 1}\n    window: {within_days: 30")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let changed = try Planner.load(planFile: file, resources: resources)
        let result = try Planner.run(changed, store: store, asOf: day("2027-08-01"))
        let vanished = ["harbor-es", "ridge-ms", "lincoln-hs"].flatMap { school in
            ["bus-evacuation-2", "bus-evacuation-families-notice-2", "bus-evacuation-review-2"].map {
                "\(school)/\($0)"
            }
        }
        #expect(result.cancelled.map(\.item.id).sorted() == vanished.sorted())
        let items = try Planner.published(changed, store: store)
        for (before, after) in result.moved {
            #expect(before.item.uid == after.item.uid)
            #expect(after.sequence == before.sequence + 1)
        }
        let paths = try Exporter(loaded: changed, asOf: day("2027-08-01")).export(items, to: "\(run.folder)/out2")
        let admin = try Self.text(paths.first { $0.hasSuffix("lincoln-hs-admin.ics") }!)
        #expect(admin.contains("STATUS:CANCELLED"))
        let again = try Planner.run(changed, store: store, asOf: day("2027-08-01"))
        #expect(again.isEmpty)
    }

    @Test func doneAndAnnouncedItemsDoNotMove() throws {
        let run = try Self.run()
        let store = try Planner.openStore(run.store)
        // By Sep 20 the first lockdown's families notice has gone out; close its day (a snow day).
        let lockdown = try #require(run.items.map(\.item).first { $0.id == "lincoln-hs/lockdown-drill-1" })
        let asOf = lockdown.date.adding(days: -2)
        let calendar = "\(run.folder)/lakeside-2027-2028.ics"
        var text = try String(contentsOfFile: calendar, encoding: .utf8)
        let closure = [
            "BEGIN:VEVENT", "UID:snow-day@lakeside-isd.example", "DTSTAMP:20270601T150000Z",
            "DTSTART;VALUE=DATE:\(lockdown.date.basicFormat)",
            "DTEND;VALUE=DATE:\(lockdown.date.adding(days: 1).basicFormat)",
            "SUMMARY:Weather Closure - No School", "CATEGORIES:HOLIDAY", "END:VEVENT",
        ].joined(separator: "\r\n")
        text = text.replacingOccurrences(of: "END:VCALENDAR\r\n", with: closure + "\r\nEND:VCALENDAR\r\n")
        try text.write(toFile: calendar, atomically: true, encoding: .utf8)
        let loaded = try Planner.load(planFile: "\(run.folder)/drillbook.yaml", resources: resources)
        let result = try Planner.run(loaded, store: store, asOf: asOf)
        #expect(result.cancelled.map(\.item.id).contains(lockdown.id))
        let makeUp = try #require(result.added.first { $0.item.id == "\(lockdown.id)-makeup" })
        #expect(makeUp.item.date > asOf && makeUp.item.date != lockdown.date)
        // Nothing already past moved.
        for (before, _) in result.moved { #expect(before.item.date > asOf) }
    }
}
