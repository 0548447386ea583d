import Dates

/// One school's drills judged against the model's constraints: counts and maxima per period,
/// spacing, distinct times of day, notices and evidence.
struct Judgement {
    let model: RequirementModel
    let events: [DrillEvent]
    /// Scheduled drills whose day passed unrecorded: named in the shortfalls they leave.
    let missed: [DrillEvent]
    let mode: CheckMode
    let asOf: CalendarDate
    let school: School
    /// What each of `events` owes (notices, evidence), worked out once for both judgements.
    let owed: [Obligations]
    var findings: [ComplianceFinding] = []

    init(
        model: RequirementModel, events: [DrillEvent], missed: [DrillEvent], mode: CheckMode, asOf: CalendarDate,
        school: School
    ) {
        self.model = model
        self.events = events
        self.missed = missed
        self.mode = mode
        self.asOf = asOf
        self.school = school
        owed = events.map(model.obligations)
    }

    private mutating func add(
        _ rules: [RuleReference], _ severity: ComplianceFinding.Severity, _ message: String, fix: String,
        items: [DrillEvent]
    ) {
        let entry = model.entries.first { $0.jurisdiction == rules[0].jurisdiction && $0.rule.id == rules[0].id }
        findings.append(
            ComplianceFinding(
                schoolID: school.id, rules: rules, source: entry?.source ?? "", confidence: entry?.rule.confidence,
                severity: severity, message: message, fix: fix,
                itemIDs: items.map { $0.itemID ?? $0.completionID.map { "record \($0)" } ?? "\($0.date)" }))
    }

    private func reference(_ entry: Int) -> RuleReference {
        RuleReference(jurisdiction: model.entries[entry].jurisdiction, id: model.entries[entry].rule.id)
    }

    // MARK: - Counts

    /// Every constraint of one rule: at least, at most, spacing, distinct times; and its tally.
    mutating func counts(_ index: Int) -> RuleTally {
        let entry = model.entries[index]
        let rule = entry.rule
        let counted = model.counted(index, in: events).map { events[$0] }
        let words = rule.drillWords
        let condition = rule.condition.words.isEmpty ? "" : " \(rule.condition.words)"
        for constraintIndex in entry.constraints where !model.constraints[constraintIndex].isGap {
            let constraint = model.constraints[constraintIndex]
            let inSpan = counted.filter { constraint.span.contains($0.date) }
            let held = inSpan.filter { $0.state == .held }.count
            let have = inSpan.count
            let between = " between \(constraint.span.lowerBound) and \(constraint.span.upperBound)"
            let first = constraint.isFirst ? " (the first of the year)" : ""
            let need = constraint.atLeast
            if have < need {
                let behind = inSpan + missed.filter { constraint.span.contains($0.date) && model.mayCount(index, $0) }
                let what = "\(have) of \(need) \(words) drill\(need == 1 ? "" : "s")\(condition)\(between)\(first)"
                // What the rule's own maxima, spacing and times of day still leave room for.
                func room(from day: CalendarDate) -> Room {
                    model.room(
                        constraintIndex, from: day, dayNumbers: counted.map(\.date.dayNumber),
                        usedTimes: Set(counted.compactMap(\.context)), wanted: need - have)
                }
                switch mode {
                case .plan:
                    let limit = room(from: constraint.span.lowerBound).limit
                    add(
                        [reference(index)], .unmet, what + " scheduled",
                        fix: limit.map { "no plan can add them, as \($0): the rule set asks for more than it allows" }
                            ?? "add \(need - have) to the plan between \(constraint.span.lowerBound) and "
                            + "\(constraint.span.upperBound) (drillbook schedule places what the rules ask)",
                        items: behind)
                case .log:
                    add(
                        [reference(index)], .unmet, what + " held",
                        fix:
                            "record any that were held (drillbook complete or record); note the shortfall for the state",
                        items: behind)
                case .duringYear where constraint.span.upperBound < asOf:
                    add(
                        [reference(index)], .cannotBeMet,
                        what + " held; the window closed on \(constraint.span.upperBound)",
                        fix: "record any that were held; note the shortfall for the state", items: behind)
                case .duringYear:
                    let left = room(from: asOf)
                    if let limit = left.limit {
                        add(
                            [reference(index)], .cannotBeMet,
                            what + " (\(held) held, \(have - held) scheduled ahead); "
                                + (left.count == 0 ? "no more" : "at most \(left.count) more")
                                + " can count by \(constraint.span.upperBound): \(limit)",
                            fix: (have > held ? "hold and record the \(have - held) scheduled ahead; " : "")
                                + (left.count == 0 ? "" : "hold and record \(left.count) more; ")
                                + "note the shortfall for the state", items: behind)
                        break
                    }
                    add(
                        [reference(index)], .atRisk,
                        what + " (\(held) held, \(have - held) scheduled ahead)",
                        fix: "hold and record \(need - have) more between \(max(asOf, constraint.span.lowerBound)) "
                            + "and \(constraint.span.upperBound)", items: behind)
                }
            }
            if let most = constraint.atMost, have > most {
                add(
                    [reference(index)], .unmet,
                    "\(have) \(words) drills\(condition)\(between), at most \(most) allowed",
                    fix: mode == .log ? "note it for the state" : "take \(have - most) of them off the plan",
                    items: inSpan)
            }
        }
        if let spacing = rule.minSpacingDays {
            for (a, b) in zip(counted, counted.dropFirst()) where b.date.dayNumber - a.date.dayNumber < spacing {
                add(
                    [reference(index)], .unmet,
                    "\(words) drills on \(a.date) and \(b.date) are \(b.date.dayNumber - a.date.dayNumber) days apart; "
                        + "at least \(spacing) are asked", fix: "move one of them", items: [a, b])
            }
        }
        if let gap = rule.maxGap { gaps(index, gap, counted: counted) }
        if rule.condition.distinctTimes {
            for (position, event) in counted.enumerated() {
                if let earlier = counted[..<position].first(where: { $0.context == event.context }) {
                    add(
                        [reference(index)], .unmet,
                        "\(words) drills on \(earlier.date) and \(event.date) are both at "
                            + "\(event.context?.words ?? "an unknown time of day"); each must be at another time of day",
                        fix: "hold the later one at another time of day", items: [earlier, event])
                }
            }
        }
        if rule.condition.distinctHours { hours(index, counted: counted, asked: model.asked(index)) }
        let shareNeed = share(index)
        let ahead = counted.filter { $0.state == .scheduled }.count
        return RuleTally(
            rule: reference(index), drills: words, required: max(model.asked(index), shareNeed),
            counted: counted.count,
            scheduledAhead: ahead, done: counted.count - ahead, source: entry.source, dates: counted.map(\.date))
    }

    /// A rule's `share` of the drills another rule asks (NV: half of the monthly drills are
    /// lockdowns): one finding when too few of the drills that rule counts are this rule's.
    /// Returns how many it asks.
    private mutating func share(_ index: Int) -> Int {
        guard let share = model.entries[index].rule.share, let (need, mine) = model.share(index, in: events)
        else { return 0 }
        guard mine.count < need else { return need }
        let base = model.entries[index].shareOf!
        let words = model.entries[index].rule.drillWords
        let condition = model.entries[index].rule.condition.words
        let kind = "\(words) drill\(condition.isEmpty ? "" : " " + condition)"
        let message =
            "\(mine.count) of the drills \(model.entries[base].rule.id) counts \(mine.count == 1 ? "is a" : "are") "
            + "\(kind)\(mine.count == 1 ? "" : "s"); at least \(share.words) of the \(model.asked(base)) it asks "
            + "(\(need)) must be"
        let short = need - mine.count
        let rules = [reference(index), reference(base)]
        let counted = Set(mine)
        let others = model.counted(base, in: events).filter { !counted.contains($0) }.map { events[$0] }
        switch mode {
        case .plan:
            add(
                rules, .unmet, message + " (in the plan)",
                fix:
                    "make \(short) of the others \(kind)s, or add \(short) (drillbook schedule places what the rules ask)",
                items: others)
        case .log:
            add(rules, .unmet, message, fix: "note the shortfall for the state", items: others)
        case .duringYear:
            add(
                rules, .atRisk, message + " (held and scheduled ahead)",
                fix: "hold \(short) more \(kind)\(short == 1 ? "" : "s") by \(model.year.last)", items: others)
        }
        return need
    }

    /// A rule's `distinct_hours`: its counted drills start in as many clock hours as it asks
    /// drills. One finding names the hours used and the drills that repeat one.
    private mutating func hours(_ index: Int, counted: [DrillEvent], asked: Int) {
        var used: [Int] = []
        var repeats: [DrillEvent] = []
        for event in counted {
            guard let hour = event.hour else { continue }
            if used.contains(hour) { repeats.append(event) } else { used.append(hour) }
        }
        guard used.count < asked else { return }
        let words = model.entries[index].rule.drillWords
        let untimed = counted.filter { $0.hour == nil }.count
        let hours = used.sorted().map { "\($0 < 10 ? "0" : "")\($0):00" }.joined(separator: ", ")
        let message =
            "\(words.isEmpty ? "" : words + " ")drills start in \(used.count) different hour\(used.count == 1 ? "" : "s") "
            + "of the day\(used.isEmpty ? "" : " (\(hours))"); \(asked) at different hours are asked"
            + (untimed == 0 ? "" : "; \(untimed) recorded with no time show no hour")
        let short = asked - used.count
        switch mode {
        case .plan:
            add(
                [reference(index)], .unmet, message,
                fix: "move \(short) of them to hours not used yet (the school day may not hold \(asked) hours: "
                    + "the rule allows evening drills)", items: repeats)
        case .log:
            add(
                [reference(index)], .unmet, message,
                fix: untimed > 0
                    ? "record the times of those recorded with none (--corrects); note the shortfall for the state"
                    : "note the shortfall for the state", items: repeats + counted.filter { $0.hour == nil })
        case .duringYear:
            add(
                [reference(index)], .atRisk, message,
                fix: "hold \(short) of the drills still ahead at hours not used yet", items: repeats)
        }
    }

    /// A rule's `max_days` spacing: each stretch of days with no counted drill that holds a whole
    /// run is one finding, however many of the model's runs it holds. During the year, the part
    /// of a stretch whose runs ended before the day checked cannot be met; the rest is at risk.
    private mutating func gaps(_ index: Int, _ gap: MaxGap, counted: [DrillEvent]) {
        let runs = model.entries[index].constraints.filter { model.constraints[$0].isGap }.map {
            model.constraints[$0].span
        }
        // The runs with no counted drill, in order; runs that overlap or touch make one stretch.
        var stretches: [(span: ClosedRange<CalendarDate>, closed: Bool)] = []
        var next = 0
        for run in runs {
            while next < counted.count, counted[next].date < run.lowerBound { next += 1 }
            if next < counted.count, counted[next].date <= run.upperBound { continue }
            let closed = mode == .duringYear && run.upperBound < asOf
            if let last = stretches.last, last.closed == closed, run.lowerBound <= last.span.upperBound.adding(days: 1)
            {
                stretches[stretches.count - 1].span = last.span.lowerBound...run.upperBound
            } else {
                stretches.append((run, closed))
            }
        }
        let words = model.entries[index].rule.drillWords
        for (span, closed) in stretches {
            let length = gap.count(in: span, of: model.year)
            let needed = max(1, length / gap.length)
            let behind = missed.filter { span.contains($0.date) && model.mayCount(index, $0) }
            let asked = "; at least one every \(gap.words) is asked"
            let stretch = "the \(gap.stretch(length)) from \(span.lowerBound) to \(span.upperBound)"
            switch mode {
            case .plan:
                add(
                    [reference(index)], .unmet, "no \(words) drill scheduled in \(stretch)\(asked)",
                    fix: "add \(needed) between \(span.lowerBound) and \(span.upperBound), none more than \(gap.words) "
                        + "from the next (drillbook schedule places what the rules ask)", items: behind)
            case .log:
                add(
                    [reference(index)], .unmet, "no \(words) drill held in \(stretch)\(asked)",
                    fix: "record any that were held (drillbook complete or record); note the gap for the state",
                    items: behind)
            case .duringYear where closed:
                add(
                    [reference(index)], .cannotBeMet, "no \(words) drill held in \(stretch)\(asked)",
                    fix: "record any that were held; note the gap for the state", items: behind)
            case .duringYear:
                // Only the days from the one checked on can still take drills.
                let from = max(asOf, span.lowerBound)
                let needed = max(1, gap.count(in: from...span.upperBound, of: model.year) / gap.length)
                add(
                    [reference(index)], .atRisk,
                    "no \(words) drill held or scheduled in \(stretch)\(asked)",
                    fix: "hold and record \(needed == 1 ? "one" : "\(needed)") between \(from) and \(span.upperBound)",
                    items: behind)
            }
        }
    }

    /// A drill on a day without students, filed under the rules that count its type.
    mutating func notCounted(_ event: DrillEvent, why: String) {
        let rules = model.entries.indices.filter { model.entries[$0].rule.drills.contains(event.type) }.map(reference)
        guard !rules.isEmpty else { return }
        let held = event.state == .held
        let correction =
            event.itemID.map { "drillbook complete \($0) --corrects \(event.completionID ?? 0) --on DATE" }
            ?? "drillbook record \(event.type) --school \(school.id) --on REAL-DAY --corrects \(event.completionID ?? 0)"
        add(
            rules, .notCounted,
            "\(event.label) \(held ? "was held" : "is scheduled") on \(why), when there are no students: "
                + "it counts for no rule",
            fix: held
                ? "if it was held on another day, record that day (\(correction)); if not, hold another on a school day"
                : "run drillbook schedule to move it to a school day", items: [event])
    }

    // MARK: - Notices and evidence

    /// Each drill that counts for a rule with a notice owes it once, measured from the day it is
    /// (or was) held; a cancelled notice is no notice.
    mutating func notices() {
        for (event, owed) in zip(events, owed) {
            let audiences: [(String, Int?, CalendarDate?, [RuleReference])] = [
                ("families", owed.notice.familiesDays, event.familiesNoticeOn, owed.familiesNoticeRules),
                (
                    "responders", owed.notice.respondersHours.map { ($0 + 23) / 24 }, event.respondersNoticeOn,
                    owed.respondersNoticeRules
                ),
            ]
            for (audience, days, on, rules) in audiences {
                guard let days, !rules.isEmpty else { continue }
                if let on, event.date.dayNumber - on.dayNumber >= days { continue }
                let verb = event.state == .held ? "held" : "scheduled for"
                let message =
                    on.map {
                        "\(event.label) \(verb) \(event.date): \(audience) told on \($0), "
                            + "\(event.date.dayNumber - $0.dayNumber) days before; \(days) asked"
                    } ?? "\(event.label): no \(audience) notice \(event.state == .held ? "recorded" : "planned") "
                    + "\(days) day\(days == 1 ? "" : "s") before"
                add(
                    rules, .notice, message,
                    fix: event.state == .held
                        ? "record the notice if it was given (drillbook complete on the notice item)"
                        : "notify \(audience) by \(event.date.adding(days: -days))", items: [event])
            }
        }
    }

    /// Each held drill carries every field the rules it counts for require, first recorded in time.
    mutating func evidence() {
        for (event, owed) in zip(events, owed) where event.state == .held {
            let missing = owed.requiredFields.filter { (event.evidence[$0] ?? "").isEmpty }
            if !missing.isEmpty {
                var rules: [RuleReference] = []
                for field in missing { rules += owed.evidence[field]!.filter { !rules.contains($0) } }
                add(
                    rules, .evidence, "\(event.label) lacks " + missing.map(\.rawValue).joined(separator: ", "),
                    fix: "drillbook complete ITEM --corrects \(event.completionID ?? 0) with "
                        + missing.map(\.flag).joined(separator: ", "), items: [event])
            }
            if let within = owed.evidenceWithinDays, let recorded = event.firstRecordedOn,
                recorded.dayNumber - event.date.dayNumber > within, let rule = owed.evidenceWithinRule
            {
                add(
                    [rule], .evidence,
                    "\(event.label) was first recorded on \(recorded), \(recorded.dayNumber - event.date.dayNumber) "
                        + "days after; within \(within) asked",
                    fix: "record drills within \(within) days", items: [event])
            }
        }
    }
}
