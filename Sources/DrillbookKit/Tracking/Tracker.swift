public import Dates
public import Foundation
public import Planning
public import Store

/// Recording what was done: `complete`, `record`, `history`, and the evidence checks they share.
public enum Tracker {
    /// An item by its short id (`lincoln-hs/fire-drill-3`) or UID.
    public static func item(_ id: String, in items: [TrackedItem]) throws(DrillbookError) -> TrackedItem {
        guard let item = items.first(where: { $0.item.id == id || $0.item.uid == id }) else {
            let near = items.filter { $0.item.id.hasPrefix(String(id.prefix(id.count / 2))) }.prefix(3).map(\.item.id)
            throw .usage(
                "item \"\(id)\" is unknown" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")
                    + "; `drillbook list` shows the ids")
        }
        return item
    }

    /// The activity an item comes from.
    static func activity(of item: ScheduledItem, in plan: Plan) -> Activity? {
        plan.activities.first { $0.id == item.activityID }
    }

    /// Checks a completion before anything is written: times not after `asOf`, the end after the
    /// start, evidence in shape, and every field the rules require present.
    static func check(
        startedAt: WallTime, endedAt: WallTime?, evidence: [EvidenceField: String],
        required: ([EvidenceField: String]) -> [EvidenceField], asOf: CalendarDate, year: String, zone: TimeZone,
        what: String
    ) throws(DrillbookError) -> [EvidenceField: String] {
        // 00:00 is a record with no time (a date alone), not midnight, which some zones skip
        // (America/Santiago on the night daylight saving begins).
        for time in [startedAt] + (endedAt.map { [$0] } ?? []) where time != WallTime(date: time.date) {
            if let read = TimeInput.skipped(time, zone: zone) {
                throw .usage(
                    "\(what): \(time) did not happen in \(zone.identifier): the clocks went forward over it "
                        + "(daylight saving time began); a clock left unchanged read \(read) then")
            }
        }
        guard startedAt.date <= asOf else {
            throw .usage("\(what): \(startedAt) is after \(asOf) (--as-of): a completion cannot be in the future")
        }
        // A completion counts in the plan's school year: one dated in another year (0001-01-01, or
        // last spring's drill) was stored as this year's and counted toward its rules.
        if let days = SchoolYearName(year)?.days, !days.contains(startedAt.date) {
            throw .usage(
                "\(what): \(startedAt) is outside the \(year) school year the plan is for "
                    + "(\(days.lowerBound) to \(days.upperBound))"
                    + (startedAt.date > days.upperBound ? "; `drillbook rollover` starts the next year" : ""))
        }
        if let endedAt, endedAt <= startedAt {
            throw .usage("\(what): the end \(endedAt) is not after the start \(startedAt)")
        }
        // As --duration: a drill or an activity of the plan takes less than a day.
        if let endedAt, endedAt.secondsSinceEpoch - startedAt.secondsSinceEpoch > 86_400 {
            throw .usage(
                "\(what): the end \(endedAt) is more than a day after the start \(startedAt) (at most 24h)")
        }
        var normalized: [EvidenceField: String] = [:]
        for (field, value) in evidence {
            normalized[field] = try EvidenceValue.normalize(value, for: field, what: what)
        }
        let missing = required(normalized).filter { normalized[$0] == nil }
        guard missing.isEmpty else {
            throw .usage(
                "\(what): the rules require " + missing.map { "\($0.rawValue) (\($0.flag))" }.joined(separator: ", ")
                    + "; nothing was recorded")
        }
        return normalized
    }

    /// `drillbook complete ITEM`: records a completion (or a correction of one) with its evidence.
    public static func complete(
        _ id: String, loaded: LoadedPlan, store: any ScheduleStore, startedAt: WallTime?, endedAt: WallTime?,
        durationMinutes: Int?, evidence: [EvidenceField: String], corrects: Int?, actor: String?, asOf: CalendarDate
    ) throws(DrillbookError) -> Completion {
        let items = try Planner.published(loaded, store: store)
        let tracked = try item(id, in: items)
        let scheduled = tracked.item
        guard tracked.status == .scheduled else {
            throw .usage("\(scheduled.id) was cancelled; record a drill with `drillbook record`")
        }
        let start =
            startedAt
            ?? WallTime(date: scheduled.date, hour: scheduled.start?.hour ?? 0, minute: scheduled.start?.minute ?? 0)
        let end = endedAt ?? durationMinutes.map { start.adding(seconds: $0 * 60) }
        let completions = try self.completions(loaded, store: store)
        if let corrects {
            guard let original = completions.first(where: { $0.id == corrects }) else {
                throw .usage("completion \(corrects) does not exist; `drillbook history \(scheduled.id)` lists them")
            }
            guard original.itemUID == scheduled.uid else {
                throw .usage("completion \(corrects) is not for \(scheduled.id)")
            }
        } else if Completion.current(completions).contains(where: { $0.itemUID == scheduled.uid }) {
            throw .conflict(
                "\(scheduled.id) is already done; to change its record, give --corrects with the completion's id")
        }
        let fields = try check(
            startedAt: start, endedAt: end, evidence: evidence,
            required: { given in
                scheduled.relatedTo == nil
                    ? loaded.owed(kind: scheduled.kind, school: scheduled.schoolID, startedAt: start, evidence: given)
                        .requiredFields : []
            }, asOf: asOf, year: loaded.plan.year, zone: loaded.zone(of: scheduled.schoolID), what: scheduled.id)
        let completion = Completion(
            year: loaded.plan.year, itemUID: scheduled.uid, schoolID: scheduled.schoolID, kind: scheduled.kind,
            startedAt: start,
            endedAt: end, evidence: fields, corrects: corrects, recordedBy: "", recordedOn: asOf, source: .complete)
        return try save([completion], store: store, actor: actor, asOf: asOf)[0]
    }

    /// `drillbook record KIND --school ID --on ...`: a drill (or a real event counted as one) that was
    /// not scheduled. It completes the open item of that kind nearest its day (within a month), if any.
    /// With `corrects`, it replaces an earlier record that completes no item (a wrong day, time or
    /// kind), as `complete --corrects` replaces an item's; the earlier one stays in the log.
    public static func record(
        kind: ActivityKind, school: String, loaded: LoadedPlan, store: any ScheduleStore, startedAt: WallTime,
        endedAt: WallTime?,
        evidence: [EvidenceField: String], corrects: Int? = nil, actor: String?, asOf: CalendarDate
    ) throws(DrillbookError) -> (Completion, ScheduledItem?) {
        guard loaded.plan.schools.contains(where: { $0.school.id == school }) else {
            throw .usage(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let items = try Planner.published(loaded, store: store)
        let all = try completions(loaded, store: store)
        if let corrects {
            guard let original = all.first(where: { $0.id == corrects }) else {
                throw .usage("completion \(corrects) does not exist in \(loaded.plan.year)")
            }
            if let uid = original.itemUID {
                let id = items.first { $0.item.uid == uid }?.item.id ?? uid
                throw .usage(
                    "completion \(corrects) completes \(id): correct it with drillbook complete \(id) --corrects \(corrects)"
                )
            }
            guard original.schoolID == school else {
                throw .usage("completion \(corrects) is for \(original.schoolID), not \(school)")
            }
        }
        let done = Set(Completion.current(all).compactMap(\.itemUID))
        let open = items.filter {
            $0.status == .scheduled && $0.item.schoolID == school && $0.item.kind == kind && $0.item.relatedTo == nil
                && !done.contains($0.item.uid)
        }
        let match = open.min {
            abs($0.item.date.dayNumber - startedAt.date.dayNumber)
                < abs($1.item.date.dayNumber - startedAt.date.dayNumber)
        }
        .flatMap { abs($0.item.date.dayNumber - startedAt.date.dayNumber) <= 31 ? $0 : nil }
        // A drill on a day without students counts for nothing, so it completes no scheduled one.
        .flatMap { loaded.years[school]?.noStudents(on: startedAt.date) == nil ? $0 : nil }
        let fields = try check(
            startedAt: startedAt, endedAt: endedAt, evidence: evidence,
            required: { loaded.owed(kind: kind, school: school, startedAt: startedAt, evidence: $0).requiredFields },
            asOf: asOf, year: loaded.plan.year, zone: loaded.zone(of: school), what: "\(school) \(kind)")
        let completion = Completion(
            year: loaded.plan.year, itemUID: match?.item.uid, schoolID: school, kind: kind, startedAt: startedAt,
            endedAt: endedAt,
            evidence: fields, corrects: corrects, recordedBy: "", recordedOn: asOf, source: .record)
        return (try save([completion], store: store, actor: actor, asOf: asOf)[0], match?.item)
    }

    /// Drills just recorded on a day of their school's year without students: kept, as they are what
    /// was written down, but `check` counts them for no rule; and drills given a time outside the
    /// school day (`03:00` for `15:00`), which count only for rules that ask no time of day. Said
    /// at once, one line each. (A record with no time, 00:00, is not judged by its time.)
    public static func recordWarnings(_ recorded: [Completion], loaded: LoadedPlan) -> [String] {
        recorded.compactMap { completion in
            guard case .drill(let type) = completion.kind, let year = loaded.years[completion.schoolID] else {
                return nil
            }
            let label = DrillEvent(type: type, date: completion.startedAt.date).label
            if let why = year.noStudents(on: completion.startedAt.date) {
                return "\(completion.schoolID): \(label) was on \(why), when there are no students: it counts "
                    + "for no rule (drillbook check names it)"
            }
            let start = ClockTime(hour: completion.startedAt.hour, minute: completion.startedAt.minute)
            guard start.minutes != 0, completion.evidence[.timeContext] == nil,
                let bells = loaded.plan.schools.first(where: { $0.school.id == completion.schoolID })?.school
                    .bellSchedule,
                bells.context(at: start) == nil
            else { return nil }
            return "\(completion.schoolID): \(label) at \(start) is outside the school day (\(bells.day)): it "
                + "counts only for rules that ask no time of day"
                + "; if the time is wrong, correct it (--corrects \(completion.id))"
        }
    }

    /// Every completion of the plan's year.
    public static func completions(_ loaded: LoadedPlan, store: any ScheduleStore) throws(DrillbookError)
        -> [Completion]
    {
        do { return try store.completions(year: loaded.plan.year) } catch { throw .store(error.description) }
    }

    static func save(_ completions: [Completion], store: any ScheduleStore, actor: String?, asOf: CalendarDate)
        throws(DrillbookError)
        -> [Completion]
    {
        let context = Actor.context(actor, asOf: asOf.description)
        let stamped = completions.map { completion in
            var completion = completion
            completion.recordedBy = context.actor
            return completion
        }
        do { return try store.add(stamped, audit: context) } catch {
            throw error.conflict ? .conflict(error.description) : .store(error.description)
        }
    }
}

extension LoadedPlan {
    /// The zone a school's clock reads in: its own, else the district's.
    public func zone(of schoolID: String) -> TimeZone {
        let name = plan.schools.first { $0.school.id == schoolID }?.school.timeZone ?? plan.district.timeZone
        return TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")!
    }

    /// A school's year against the rule sets `check` judges.
    public func requirements(_ schoolID: String) -> RequirementModel? {
        guard let school = plan.schools.first(where: { $0.school.id == schoolID })?.school,
            let year = years[schoolID]
        else { return nil }
        return RequirementModel(ruleSets: plan.rules, school: school, year: year)
    }

    /// What a drill held at `startedAt` owes, for every rule it counts for: the same derivation
    /// `check` uses, so `complete` refuses exactly what `check` would flag.
    func owed(kind: ActivityKind, school: String, startedAt: WallTime, evidence: [EvidenceField: String])
        -> Obligations
    {
        guard let model = requirements(school),
            let event = DrillEvent.held(
                Completion(
                    year: plan.year, itemUID: nil, schoolID: school, kind: kind, startedAt: startedAt,
                    evidence: evidence, recordedBy: "", recordedOn: startedAt.date, source: .record),
                school: model.school, itemID: nil, firstRecordedOn: startedAt.date)
        else { return Obligations() }
        return model.obligations(event)
    }
}

/// Evidence values as the CLI and CSV take them, normalized for storing.
enum EvidenceValue {
    static func normalize(_ value: String, for field: EvidenceField, what: String) throws(DrillbookError) -> String {
        do { return try normalized(value, for: field) } catch {
            throw .usage("\(what): \(field.rawValue) \"\(value)\" is not \(error.expected)")
        }
    }

    /// What a value should have been: the web form shows it beside the field.
    struct Problem: Error {
        var expected: String
    }

    static func normalized(_ value: String, for field: EvidenceField) throws(Problem) -> String {
        let text = value.trimmingCharacters(in: .whitespaces)
        func fail(_ expected: String) -> Problem { Problem(expected: expected) }
        switch field.shape {
        case .text:
            guard !text.isEmpty else { throw fail("filled in") }
            return text
        case .count:
            guard let count = Int(text), count >= 0 else { throw fail("a whole number") }
            return String(count)
        case .minutes:
            guard let seconds = seconds(text) else { throw fail("a time like 4m, 4m30s or 4:30 (at most 24h)") }
            return "\(seconds / 60):" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)"
        case .date:
            guard let date = CalendarDate(text), text.count == 10 else { throw fail("a date like 2027-09-03") }
            return date.description
        case .dateTime:
            guard let time = DateTimeArgument.wallTime(text) else {
                throw fail("a date and time like 2027-09-03T10:15")
            }
            return time.description
        case .choice(let choices):
            guard choices.contains(text) else { throw fail("one of " + choices.joined(separator: ", ")) }
            return text
        case .roles:
            let words = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            var roles: Set<PresenceRole> = []
            for word in words {
                guard let role = PresenceRole(rawValue: word) else {
                    throw fail(
                        "a list of " + PresenceRole.allCases.map(\.rawValue).joined(separator: ", ")
                            + " (free text goes in --note)")
                }
                roles.insert(role)
            }
            guard !roles.isEmpty else { throw fail("filled in") }
            return roles.sorted().map(\.rawValue).joined(separator: "; ")
        }
    }

    /// `4m`, `4m30s`, `90s`, `4:30`, `4` (minutes); at most a day, so no arithmetic can overflow.
    static func seconds(_ text: String) -> Int? {
        guard text.count <= 16, let seconds = uncheckedSeconds(text), seconds <= 86_400 else { return nil }
        return seconds
    }

    private static func uncheckedSeconds(_ text: String) -> Int? {
        if let minutes = Int(text) { return minutes >= 0 ? minutes * 60 : nil }
        let parts = text.split(separator: ":")
        if parts.count == 2, let minutes = Int(parts[0]), let seconds = Int(parts[1]), minutes >= 0,
            (0..<60).contains(seconds)
        {
            return minutes * 60 + seconds
        }
        var total = 0
        var number = ""
        for character in text {
            if character.isNumber {
                number.append(character)
            } else if let value = Int(number), character == "m" || character == "s" {
                total += character == "m" ? value * 60 : value
                number = ""
            } else {
                return nil
            }
        }
        return number.isEmpty && total > 0 ? total : nil
    }
}

/// Dates and times as people type them: `2027-09-03T10:15`, `2027-09-03 10:15`, `2027-09-03`.
public enum DateTimeArgument {
    public static func wallTime(_ text: String) -> WallTime? {
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        if let date = CalendarDate(normalized), normalized.count == 10 { return WallTime(date: date) }
        return WallTime(normalized)
    }
}
