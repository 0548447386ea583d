/// The drills of one type at a school are one series: one activity, slots 1, 2, ... in date order,
/// whatever rules each drill serves. So a drill's UID comes from the school, its type and its slot,
/// and a change of rule sets moves or cancels drills instead of duplicating them.
public enum DrillSeries {
    /// One activity per drill type that a rule or the plan names; a plan's own drill activity of a
    /// type sets how that type is run (title, time of day, owner, notice), the rules' `schedule:`
    /// blocks fill in what it leaves unsaid.
    public static func activities(rules: [ComplianceRuleSet], planDrills: [Activity]) -> [Activity] {
        var types: [String] = []
        for activity in planDrills {
            if case .drill(let type) = activity.kind, !types.contains(type) { types.append(type) }
        }
        for set in rules {
            // A rule places only its first type (the scheduler meets a rule of several types with
            // those other rules place first): the others count, and make no series of their own.
            for rule in set.rules
            where !rule.counts.isEmpty || !rule.substitutesFor.isEmpty || rule.maxGap != nil || rule.share != nil {
                if let type = rule.drills.first, !types.contains(type) { types.append(type) }
            }
        }
        return types.map { type in
            let own = planDrills.first { $0.kind == .drill(type) }
            // The rules that place this type first come first, and only they name it: baseline's
            // severe-weather drill, which a tornado drill also meets, does not title a state's
            // tornado drills.
            let placing = rules.flatMap { set in set.rules.filter { $0.drills.first == type }.map { (set, $0) } }
            let counting = rules.flatMap { set in
                set.rules.filter { $0.drills.first != type && $0.drills.contains(type) }.map { (set, $0) }
            }
            let defaults = (placing + counting).map(\.1.schedule)
            let name = type.dashesAsSpaces
            var activity =
                own
                ?? Activity(
                    id: "\(type)-drill", kind: .drill(type),
                    title: placing.compactMap(\.1.schedule.title).first ?? name.prefix(1).uppercased()
                        + name.dropFirst() + " drill",
                    cadence: [], durationMinutes: defaults.compactMap(\.durationMinutes).max() ?? 20,
                    timeOfDay: defaults.compactMap(\.timeOfDay).first ?? .rotate,
                    owner: defaults.compactMap(\.owner).first ?? "safety_coordinator",
                    // Unannounced when any rule says so; fire drills are unannounced unless a rule says otherwise.
                    announced: defaults.compactMap(\.announced).isEmpty
                        ? type != "fire" : defaults.compactMap(\.announced).allSatisfy { $0 },
                    presence: [], review: true)
            for schedule in defaults {
                activity.notice = activity.notice.merged(schedule.notice)
                activity.presence += schedule.presence.filter { !activity.presence.contains($0) }
            }
            let sources = rules.flatMap { set in
                set.rules.filter { $0.drills.contains(type) }.map { "\(set.jurisdiction):\($0.id)" }
            }
            if own == nil || activity.source == nil {
                activity.source = sources.isEmpty ? activity.source : sources.joined(separator: ", ")
            }
            return activity
        }
    }

    /// A plan's own drill activity (the example's bus evacuation each semester) as a rule the
    /// scheduler meets alongside the rule sets'. `check` judges the rule sets only.
    public static func rule(from activity: Activity) -> ComplianceRule? {
        guard case .drill(let type) = activity.kind else { return nil }
        var rule = ComplianceRule(
            id: activity.id, drills: [type], counts: activity.cadence.map { RuleCount(atLeast: $0.count, per: $0.per) },
            windows: activity.windows, firstWithin: activity.firstWithin, minSpacingDays: activity.minSpacingDays,
            source: activity.source)
        if activity.timeOfDay != .rotate, TimeOfDay.drillContexts.contains(activity.timeOfDay) {
            rule.schedule.timeOfDay = activity.timeOfDay
        }
        return rule
    }
}

extension String {
    /// `shelter in place` for `shelter-in-place`.
    var dashesAsSpaces: String { String(map { $0 == "-" ? " " : $0 }) }
}
