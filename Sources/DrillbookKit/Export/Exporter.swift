public import Dates
import Foundation
import Glibc
import ICalendar
public import Planning
import Synchronization

/// Writes the published schedule as .ics files: `OUT/<school>-<audience>.ics` and
/// `OUT/district-<audience>.ics`, each file written as it goes.
public struct Exporter: Sendable {
    public let loaded: LoadedPlan
    public let asOf: CalendarDate
    /// The zones every calendar's header defines, and the first year they are used in: the same for
    /// every file, worked out once (per file it was schools x files, quadratic in a state's schools).
    let zoneYears: (zones: Set<String>, firstYear: Int)
    /// The plan's activities by id: every event of every audience looks its activity up (a walk of
    /// the list per event was a tenth of building a state's events).
    let activities: [String: Activity]

    public init(loaded: LoadedPlan, asOf: CalendarDate) {
        self.loaded = loaded
        self.asOf = asOf
        zoneYears = (
            Set(loaded.plan.schools.map(\.school.timeZone)), loaded.years.values.map(\.first.year).min() ?? asOf.year
        )
        activities = Dictionary(loaded.plan.activities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Writes the files; returns their paths. Cancelled items stay in, as STATUS:CANCELLED, until the
    /// school year ends, so subscribed calendars drop them rather than keep a stale copy.
    public func export(
        _ items: [TrackedItem], to folder: String, school only: String? = nil, audiences: [Audience] = Audience.allCases
    ) throws(DrillbookError) -> [String] {
        try export(bySchool: items.movedBySchool(), to: folder, school: only, audiences: audiences)
    }

    /// The same, from the year by school (`Planner.publishedBySchool`), each school's items in time
    /// order.
    public func export(
        bySchool: [String: [TrackedItem]], to folder: String, school only: String? = nil,
        audiences: [Audience] = Audience.allCases
    ) throws(DrillbookError) -> [String] {
        try exportFiles(bySchool: bySchool, to: folder, school: only, audiences: audiences).paths
    }

    /// What an export made: every file's path, and those left as they were (their bytes were the
    /// same: `FileReplacement`).
    public struct ExportedFiles: Sendable {
        /// Audience by audience, each school's file then the district's.
        public var paths: [String]
        public var unchanged: Set<String>
    }

    /// `export(bySchool:…)`, saying which files were left as they were.
    public func exportFiles(
        bySchool: [String: [TrackedItem]], to folder: String, school only: String? = nil,
        audiences: [Audience] = Audience.allCases
    ) throws(DrillbookError) -> ExportedFiles {
        let plan = loaded.plan
        if let only, !plan.schools.contains(where: { $0.school.id == only }) {
            throw .usage(
                "school \"\(only)\" is not in the plan (it has: \(plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .usage("\(folder): cannot create the folder (\(error.localizedDescription))")
        }
        let schools = plan.schools.filter { only == nil || $0.school.id == only }
        var unchanged: Set<String> = []
        do {
            // The district's files stay open while the schools are written: a school's events are
            // rendered once for all its audiences (admin and staff mostly see the same event) and
            // its text appended to the district's file of that audience.
            var district: [Audience: CalendarFile] = [:]
            if only == nil {
                for audience in audiences {
                    district[audience] = try open(
                        "\(folder)/district-\(audience.rawValue).ics",
                        name: "\(plan.district.name): safety preparation (\(audience.rawValue))")
                }
            }
            // Schools are written on every core, a batch at a time (events are rendered through
            // libical on each core, outside its lock: `Libical.rendering`), and their texts
            // appended to the district's files in plan order: the bytes do not depend on the threads.
            // A batch's texts go into the district's files on another thread while the next batch
            // is rendered (written between batches, a state's gigabyte of district calendars kept
            // a core idle), so two batches' renderings are held at most.
            let batch = ProcessInfo.processInfo.activeProcessorCount * 8
            let districtWriting = DistrictWriting(district)
            defer { districtWriting.wait() }
            for start in stride(from: 0, to: schools.count, by: batch) {
                let chunk = Array(schools[start..<min(start + batch, schools.count)])
                let texts = [Result<SchoolFiles, any Error>](concurrentlyComputing: chunk.count) { index in
                    Result {
                        let items = bySchool[chunk[index].school.id] ?? []
                        let shown = items.withUnsafeBufferPointer { items in
                            items.indices.filter { isShown(items[$0]) }
                        }
                        return try writeSchool(chunk[index].school, items, shown, to: folder, audiences: audiences)
                    }
                }
                var written: [SchoolFiles] = []
                for index in chunk.indices {
                    let school = try texts[index].get()
                    unchanged.formUnion(school.unchanged)
                    written.append(school)
                }
                try districtWriting.append(written, audiences: audiences)
            }
            try districtWriting.finish()
            for audience in audiences {
                guard let file = district[audience] else { continue }
                try file.finish()
                if !file.file.written { unchanged.insert(file.file.path) }
            }
        } catch let error as DrillbookError {
            throw error
        } catch {
            throw .usage("cannot write the calendars to \(folder) (\(error))")
        }
        // Listed audience by audience, each school's file then the district's, as they always were.
        let paths = audiences.flatMap { audience in
            schools.map { "\(folder)/\($0.school.id)-\(audience.rawValue).ics" }
                + (only == nil ? ["\(folder)/district-\(audience.rawValue).ics"] : [])
        }
        return ExportedFiles(paths: paths, unchanged: unchanged)
    }

    /// The district's files, appended to on a thread of their own, one batch of schools at a time
    /// and in order: `append` waits for the batch before to be written.
    final class DistrictWriting: @unchecked Sendable {
        // Touched by one thread at a time: the writing thread between `append`'s start of it and
        // the next `wait`, the caller otherwise.
        private let files: [Audience: CalendarFile]
        private let written = DispatchGroup()
        private let failure = Mutex<(any Error)?>(nil)

        init(_ files: [Audience: CalendarFile]) { self.files = files }

        /// Waits for the batch before, then starts writing `schools`' texts. Throws what the
        /// batch before could not write.
        func append(_ schools: [SchoolFiles], audiences: [Audience]) throws {
            try finish()
            guard !files.isEmpty else { return }
            DispatchQueue.global().async(group: written) {
                do {
                    for school in schools {
                        for (audience, text) in zip(audiences, school.texts) {
                            try self.files[audience]?.writer.write(rendered: text)
                        }
                    }
                } catch {
                    self.failure.withLock { $0 = $0 ?? error }
                }
            }
        }

        /// Waits for the last batch; throws what could not be written.
        func finish() throws {
            wait()
            if let error = failure.withLock({ $0 }) { throw error }
        }

        /// Waits for the last batch (on every way out: no thread may still write when the files close).
        func wait() { written.wait() }
    }

    /// One school's events as text, audience by audience (for the district's files), and its files
    /// left as they were.
    struct SchoolFiles {
        var texts: [String]
        var unchanged: [String]
    }

    /// Writes one school's file of each audience; returns each one's events as text, for the district's.
    private func writeSchool(
        _ school: School, _ items: [TrackedItem], _ positions: [Int], to folder: String, audiences: [Audience]
    ) throws -> SchoolFiles {
        // Admin and staff mostly see the same event: an item's event is made once for each look it
        // has (its view, in families' words or staff's), one rendering serving every audience that
        // sees it so; all of the school's renderings are made in one turn at libical. Different
        // items never share one: their UIDs differ.
        var unique: [Event] = []
        var shown = [[Int]](repeating: [], count: audiences.count)
        for audience in shown.indices { shown[audience].reserveCapacity(positions.count) }
        // Items read in place: an array's element read by subscript is a copy, every string of the
        // item retained and released again, for each audience.
        items.withUnsafeBufferPointer { items in
            var made: [(look: EventLook, rendering: Int)] = []
            for position in positions {
                made.removeAll(keepingCapacity: true)
                for (index, audience) in audiences.enumerated() {
                    guard let view = audience.view(of: items[position].item) else { continue }
                    let look = EventLook(view: view, forFamilies: audience == .families)
                    if let same = made.first(where: { $0.look == look }) {
                        shown[index].append(same.rendering)
                    } else {
                        made.append((look, unique.count))
                        shown[index].append(unique.count)
                        unique.append(event(for: items[position], look: look, school: school))
                    }
                }
            }
        }
        var files = SchoolFiles(texts: [], unchanged: [])
        var rendered: [String]?
        for (audience, positions) in zip(audiences, shown) {
            let file = try open(
                "\(folder)/\(school.id)-\(audience.rawValue).ics",
                name: "\(school.name): safety preparation (\(audience.rawValue))")
            if rendered == nil { rendered = try file.writer.renderEach(unique) }
            let text = positions.map { rendered![$0] }.joined()
            try file.writer.write(rendered: text)
            try file.finish()
            files.texts.append(text)
            if !file.file.written { files.unchanged.append(file.file.path) }
        }
        return files
    }

    /// What a calendar shows: scheduled items, and cancelled ones until their school year ends.
    func isShown(_ tracked: TrackedItem) -> Bool {
        tracked.status == .scheduled || loaded.years[tracked.item.schoolID].map { asOf <= $0.last } ?? false
    }

    /// The positions in `items` of what each school's calendars show, in order, by school id.
    func positionsBySchool(_ items: [TrackedItem]) -> [String: [Int]] {
        var bySchool: [String: [Int]] = [:]
        for (position, tracked) in items.enumerated() where isShown(tracked) {
            bySchool[tracked.item.schoolID, default: []].append(position)
        }
        return bySchool
    }

    /// The calendar a feed serves, byte for byte what `export` writes to `<school>-<audience>.ics`,
    /// or to `district-<audience>.ics` when `school` is nil.
    public func calendar(_ items: [TrackedItem], school only: String?, audience: Audience) throws(DrillbookError)
        -> String
    {
        let plan = loaded.plan
        let schools = plan.schools.map(\.school).filter { only == nil || $0.id == only }
        guard !schools.isEmpty else { throw .usage("school \"\(only ?? "")\" is not in the plan") }
        let bySchool = positionsBySchool(items)
        let buffer = TextBuffer()
        let name =
            only == nil
            ? "\(plan.district.name): safety preparation (\(audience.rawValue))"
            : "\(schools[0].name): safety preparation (\(audience.rawValue))"
        do {
            let writer = try makeWriter(name: name) { buffer.text += $0 }
            for school in schools {
                let events = (bySchool[school.id] ?? []).compactMap {
                    event(for: items[$0], audience: audience, school: school)
                }
                try writer.write(rendered: try writer.render(events))
            }
            try writer.finish()
        } catch {
            throw .usage("cannot render the calendar (\(error))")
        }
        return buffer.text
    }

    /// The threat assessment team's private calendar of incident follow-ups: each names its case
    /// by id and what is due, never a fact.
    public func followUps(_ followUps: [Incidents.FollowUp]) throws(DrillbookError) -> String {
        let buffer = TextBuffer()
        do {
            let writer = try makeWriter(name: "\(loaded.plan.district.name): incident follow-ups (team)") {
                buffer.text += $0
            }
            let events = followUps.map { followUp in
                Event(
                    uid: "incident-\(followUp.incident)-\(followUp.step)-\(followUp.round)@drillbook",
                    summary: "Case \(followUp.incident): \(followUp.what)",
                    start: .utc(WallTime(secondsSinceEpoch: followUp.due)),
                    duration: EventDuration(seconds: 1800),
                    description: "drillbook incident status \(followUp.incident)", categories: ["incident-follow-up"])
            }
            try writer.write(rendered: try writer.render(events))
            try writer.finish()
        } catch {
            throw .usage("cannot render the calendar (\(error))")
        }
        return buffer.text
    }

    final class TextBuffer: @unchecked Sendable {
        var text = ""
    }

    /// A calendar file being written beside its place (`FileReplacement`); `finish` ends the
    /// calendar and moves it into place, or leaves the file there when its bytes are the same.
    final class CalendarFile {
        let writer: CalendarStreamWriter
        let file: FileReplacement

        init(writer: CalendarStreamWriter, file: FileReplacement) {
            self.writer = writer
            self.file = file
        }

        func finish() throws {
            try writer.finish()
            try file.finish()
        }
    }

    private func open(_ path: String, name: String) throws -> CalendarFile {
        let file = try FileReplacement(path: path)
        let writer = try makeWriter(name: name) { text in try file.write(text) }
        return CalendarFile(writer: writer, file: file)
    }

    /// A calendar with the district's header, written piece by piece to `sink`.
    private func makeWriter(name: String, sink: @escaping (String) throws -> Void) throws -> CalendarStreamWriter {
        let (zones, firstYear) = zoneYears
        let header = CalendarDocument(
            productID: "-//Drillbook//Drillbook 0.1//EN", name: name,
            description: "Published by Drillbook for \(loaded.plan.district.name), school year \(loaded.plan.year)",
            extraProperties: [
                ExtraProperty(name: "X-WR-TIMEZONE", value: loaded.plan.district.timeZone),
                ExtraProperty(name: "X-PUBLISHED-TTL", value: "PT12H"),
            ])
        return try CalendarStreamWriter(
            header: header, timeZones: Dictionary(uniqueKeysWithValues: zones.map { ($0, firstYear) }),
            stamp: WallTime(date: asOf), output: sink)
    }

    /// What an item's event depends on besides the item and its school: how the audience sees it,
    /// and whether in families' words. Audiences with the same look get the same event.
    struct EventLook: Equatable {
        var view: ItemView
        var forFamilies: Bool
    }

    /// The event an item becomes for an audience, or nil when the audience must not see it.
    func event(for tracked: TrackedItem, audience: Audience, school: School) -> Event? {
        guard let view = audience.view(of: tracked.item) else { return nil }
        return event(for: tracked, look: EventLook(view: view, forFamilies: audience == .families), school: school)
    }

    /// The event an item becomes for audiences that see it with `look`.
    func event(for tracked: TrackedItem, look: EventLook, school: School) -> Event {
        let item = tracked.item
        let forFamilies = look.forFamilies
        var event: Event
        switch look.view {
        case .weekMarker:
            let monday = item.date.adding(days: -((item.date.weekday.rawValue + 6) % 7))
            event = Event(
                uid: "week-\(Self.opaque(item.uid))@drillbook", summary: "Safety drill this week",
                start: .date(monday), end: .date(monday.adding(days: 5)),
                description:
                    "A safety drill will take place at \(school.name) this week. Follow your room's procedures.")
        case .full:
            let start: EventTime
            let end: EventTime
            if let time = item.start {
                let wall = WallTime(date: item.date, hour: time.hour, minute: time.minute)
                start = .zoned(wall, tzid: item.timeZone)
                end = .zoned(wall.adding(seconds: max(item.durationMinutes, 5) * 60), tzid: item.timeZone)
            } else {
                start = .date(item.date)
                end = .date(item.date.adding(days: 1))
            }
            // Families read the activity's families wording where it has one.
            let activity = item.relatedTo == nil ? activities[item.activityID] : nil
            let title = forFamilies ? activity?.familiesTitle ?? item.title : item.title
            event = Event(
                uid: item.uid, summary: title, start: start, end: end,
                description: details(item, forFamilies: forFamilies, school, activity: activity))
            event.categories =
                [item.kind.isDrill ? "drill" : item.kind.description]
                + (item.kind.isDrill ? [item.kind.description] : [])
            if !forFamilies {
                event.extraProperties = [ExtraProperty(name: "X-DRILLBOOK-ITEM", value: item.id)]
            }
        }
        event.location = school.name
        event.status = tracked.status == .cancelled ? .cancelled : .confirmed
        event.sequence = tracked.sequence
        event.stamp = WallTime(date: tracked.changedOn)
        return event
    }

    /// A stable stand-in for a UID, so the marker's UID does not name the drill it hides.
    static func opaque(_ text: String) -> String { String(fnv1a(text), radix: 16) }

    private func details(_ item: ScheduledItem, forFamilies: Bool, _ school: School, activity: Activity?)
        -> String?
    {
        // Lines appended to one string as they come (an array of lines joined made each line twice).
        var text = ""
        var lines = 0
        func line(_ parts: String...) {
            if lines > 0 { text += "\n" }
            for part in parts { text += part }
            lines += 1
        }
        text.reserveCapacity(256)
        if let description = forFamilies
            ? activity?.familiesDescription ?? item.description : item.description
        {
            line(description)
        }
        if activity?.showsTipLine == true, let tip = loaded.plan.district.tipLine { line(tip.line) }
        guard !forFamilies else { return lines == 0 ? nil : text }
        if let contact = school.contacts[item.owner] {
            line("Owner: ", contact.name, " (", item.owner, ")")
        } else {
            line("Owner: ", item.owner)
        }
        if !item.presence.isEmpty {
            line("With: ")
            for (index, role) in item.presence.enumerated() {
                if index > 0 { text += ", " }
                if let contact = school.contacts[role] { text += "\(contact.name) (\(role))" } else { text += role }
            }
        }
        if let context = item.timeContext { line("Time of day: ", context.rawValue) }
        if let source = item.source { line("Source: ", source) }
        line("Drillbook item: ", item.id)
        return text
    }
}
