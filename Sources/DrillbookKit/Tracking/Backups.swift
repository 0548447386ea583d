import Crypto
import Foundation
import Store

/// `drillbook backup` and `drillbook restore`: both databases copied consistently while others
/// write, with their audit heads; a restore checks both chains of the copy before it replaces anything.
public enum Backups {
    /// The file names inside a backup folder.
    public static let scheduleFile = "drillbook.sqlite"
    public static let incidentsFile = "drillbook-incidents.sqlite"
    public static let headsFile = "HEADS"
    /// Photos and scans kept with records (`drillbook serve`), beside the database.
    public static let attachmentsFolder = "attachments"

    /// Copies the schedule database (and the incidents database, when it exists) into `folder`
    /// (created 0700), verifies the copies and writes their heads to HEADS; returns what to print.
    public static func backup(schedule: String, incidents: String?, to folder: String) throws(DrillbookError)
        -> [String]
    {
        guard FileManager.default.fileExists(atPath: schedule) else {
            throw .usage("\(schedule): no such database; nothing to back up")
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .usage("\(folder): cannot be created (\(error.localizedDescription))")
        }
        var heads: [String] = []
        do {
            let copy = "\(folder)/\(scheduleFile)"
            try Planner.openStore(schedule).backup(to: copy)
            heads.append("schedule \(try AuditCheck.head(try Planner.openStore(copy)))")
            if let incidents, FileManager.default.fileExists(atPath: incidents) {
                let copy = "\(folder)/\(incidentsFile)"
                try Incidents.openStore(incidents).backup(to: copy)
                heads.append("incidents \(try AuditCheck.head(try Incidents.openStore(copy)))")
            }
        } catch let error as DrillbookError {
            throw error
        } catch {
            throw .store("\(error)")
        }
        let files = try copyAttachments(
            from: (schedule as NSString).deletingLastPathComponent, to: folder, checking: false)
        if files > 0 { heads.append("attachments \(files) files") }
        let text = heads.joined(separator: "\n") + "\n"
        guard
            FileManager.default.createFile(
                atPath: "\(folder)/\(headsFile)", contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw .usage("\(folder)/\(headsFile): cannot be written; the backup has no record of its heads")
        }
        return heads.map { "backed up \($0)" } + [
            "keep these heads apart from the backup: `audit verify --head` checks them"
        ]
    }

    /// Puts a backup back: both copies' chains and rows must verify (and match HEADS) before either
    /// database is touched; then each is replaced through SQLite's backup API.
    public static func restore(from folder: String, schedule: String, incidents: String) throws(DrillbookError)
        -> [String]
    {
        let scheduleCopy = "\(folder)/\(scheduleFile)"
        let incidentsCopy = "\(folder)/\(incidentsFile)"
        guard FileManager.default.fileExists(atPath: scheduleCopy) else {
            throw .usage("\(folder): no \(scheduleFile) in it; not a Drillbook backup")
        }
        let kept =
            (try? String(contentsOfFile: "\(folder)/\(headsFile)", encoding: .utf8))?.split(separator: "\n")
            .reduce(into: [String: String]()) { heads, line in
                let parts = line.split(separator: " ")
                if parts.count >= 2 { heads[String(parts[0])] = String(parts[1]) }
            } ?? [:]
        var lines: [String] = []
        // Every attachment must still hash to its name before anything is replaced.
        let live = (schedule as NSString).deletingLastPathComponent
        _ = try checkAttachments(in: "\(folder)/\(attachmentsFolder)")
        do {
            let scheduleStore = try Planner.openStore(scheduleCopy)
            lines.append(try AuditCheck.verify(scheduleStore, head: kept["schedule"]))
            var incidentsStore: SQLiteIncidentStore?
            if FileManager.default.fileExists(atPath: incidentsCopy) {
                let store = try Incidents.openStore(incidentsCopy)
                lines.append(try AuditCheck.verify(store, head: kept["incidents"]))
                incidentsStore = store
            }
            // Both verified: only now is anything replaced.
            try Planner.openStore(schedule).restore(from: scheduleStore)
            lines.append("restored \(schedule)")
            let files = try copyAttachments(from: folder, to: live.isEmpty ? "." : live, checking: true)
            if files > 0 { lines.append("restored \(files) attachments") }
            if let incidentsStore {
                try Incidents.openStore(incidents).restore(from: incidentsStore)
                lines.append("restored \(incidents)")
            }
        } catch let error as DrillbookError {
            throw .store("\(error); nothing was restored")
        } catch {
            throw .store("\(error)")
        }
        return lines
    }

    /// Copies `from/attachments/*` into `to/attachments/` (0700, files 0600); returns how many files
    /// there are. With `checking`, each must hash to its name.
    static func copyAttachments(from source: String, to destination: String, checking: Bool) throws(DrillbookError)
        -> Int
    {
        let from = "\(source.isEmpty ? "." : source)/\(attachmentsFolder)"
        let to = "\(destination)/\(attachmentsFolder)"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: from)) ?? []).sorted()
        guard !names.isEmpty else { return 0 }
        if checking { _ = try checkAttachments(in: from) }
        do {
            try FileManager.default.createDirectory(
                atPath: to, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for name in names where !FileManager.default.fileExists(atPath: "\(to)/\(name)") {
                try FileManager.default.copyItem(atPath: "\(from)/\(name)", toPath: "\(to)/\(name)")
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(to)/\(name)")
            }
        } catch {
            throw .store("\(to): the attachments were not copied (\(error.localizedDescription))")
        }
        return names.count
    }

    /// Each file of an attachments folder hashes to its name (`<sha256>.<ext>`).
    static func checkAttachments(in folder: String) throws(DrillbookError) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names {
            let hash = name.split(separator: ".").first.map(String.init) ?? ""
            guard let data = FileManager.default.contents(atPath: "\(folder)/\(name)"),
                SHA256.hash(data: data).map({ String(format: "%02x", $0) }).joined() == hash
            else {
                throw .store(
                    "\(folder)/\(name) does not match its name: it changed after it was recorded; nothing was restored")
            }
        }
        return names.count
    }
}
