import Planning

/// Reading activities (from the plan or a template) and the shapes they share with rule files.
enum ActivityReader {
    static let fields = [
        "use", "id", "kind", "title", "description", "cadence", "window", "first_within", "spacing", "duration",
        "time_of_day", "owner", "announced", "presence", "notice", "review", "source", "families_title",
        "families_description", "tip_line",
    ]

    /// An activity from its fields; `at` names it in errors when a field is missing.
    static func activity(_ fields: [String: YAMLValue], at value: YAMLValue) throws(PlanError) -> Activity {
        func required(_ key: String) throws(PlanError) -> YAMLValue {
            guard let field = fields[key] else { throw value.fail("\(key) is missing") }
            return field
        }
        let id = try required("id").string()
        let kindField = try required("kind")
        guard let kind = ActivityKind(try kindField.string()) else {
            throw kindField.fail(
                "\"\(try kindField.string())\" is unknown (expected one of: \(ActivityKind.allNames.joined(separator: ", ")))"
            )
        }
        var activity = Activity(
            id: id, kind: kind, title: try required("title").string(),
            cadence: try requirements(try required("cadence")))
        activity.description = try fields["description"]?.string()
        activity.windows = try fields["window"].map { (field) throws(PlanError) in try windows(field) } ?? []
        activity.firstWithin = try fields["first_within"].map { (field) throws(PlanError) in try window(field) }
        if let spacing = fields["spacing"] {
            activity.minSpacingDays = try spacing.mapping(allowed: ["min_days"])["min_days"]?.int(0...366)
        }
        if let duration = fields["duration"] { activity.durationMinutes = try duration.duration(max: 24 * 60) }
        if let time = fields["time_of_day"] {
            activity.timeOfDay = TimeOfDay(rawValue: try time.choice(TimeOfDay.allCases.map(\.rawValue)))!
        } else {
            activity.timeOfDay = kind.isDrill ? .rotate : .afterSchool
        }
        if let owner = fields["owner"] { activity.owner = try owner.string() }
        if let announced = fields["announced"] { activity.announced = try announced.bool() }
        if let presence = fields["presence"] { activity.presence = try presence.strings() }
        if let notice = fields["notice"] { activity.notice = try self.notice(notice) }
        activity.review = try fields["review"]?.bool() ?? kind.isDrill
        activity.source = try fields["source"]?.string()
        activity.familiesTitle = try fields["families_title"]?.string()
        activity.familiesDescription = try fields["families_description"]?.string()
        activity.showsTipLine = try fields["tip_line"]?.bool() ?? false
        return activity
    }

    /// `{count: 2, per: year}` or a list of them.
    static func requirements(_ value: YAMLValue) throws(PlanError) -> [Requirement] {
        var result: [Requirement] = []
        for item in value.listOrOne() {
            let fields = try item.mapping(allowed: ["count", "per"])
            guard let count = fields["count"], let per = fields["per"] else {
                throw item.fail("expected {count: N, per: PERIOD}")
            }
            result.append(
                Requirement(
                    count: try count.int(1...366),
                    per: PeriodKind(rawValue: try per.choice(PeriodKind.allCases.map(\.rawValue)))!))
        }
        return result
    }

    static func windows(_ value: YAMLValue) throws(PlanError) -> [Window] {
        var result: [Window] = []
        for item in value.listOrOne() { result.append(try window(item)) }
        return result
    }

    /// `{within_days: 30, of: year|period|"01-01", day_kind: school}`, `{after_days: ...}`,
    /// `{by: "12-01"}`, `{in_month: 3}`, `{between: ["09-01", "12-31"]}`.
    static func window(_ value: YAMLValue) throws(PlanError) -> Window {
        let fields = try value.mapping(allowed: [
            "within_days", "after_days", "of", "day_kind", "by", "in_month", "between",
        ])
        func monthDay(_ field: YAMLValue) throws(PlanError) -> MonthDay {
            guard let day = MonthDay(try field.string()) else {
                throw field.fail("expected a month and day like \"12-01\"")
            }
            return day
        }
        func anchor() throws(PlanError) -> WindowAnchor {
            guard let of = fields["of"] else { return .year }
            let text = try of.string()
            if text == "year" { return .year }
            if text == "period" { return .period }
            guard let day = MonthDay(text) else {
                throw of.fail("\"\(text)\" is unknown (expected year, period or a month and day like \"01-01\")")
            }
            return .day(day)
        }
        for (key, within) in [("within_days", true), ("after_days", false)] {
            guard let days = fields[key] else { continue }
            let from = try anchor()
            let kind = DayKind(rawValue: try fields["day_kind"]?.choice(DayKind.allCases.map(\.rawValue)) ?? "school")!
            let count = try days.int(1...366)
            return within
                ? .within(days: count, from: from, dayKind: kind) : .after(days: count, from: from, dayKind: kind)
        }
        if let by = fields["by"] {
            let day = try monthDay(by)
            return .by(month: day.month, day: day.day)
        }
        if let month = fields["in_month"] { return .inMonth(try month.int(1...12)) }
        if let between = fields["between"] {
            let ends = try between.list()
            guard ends.count == 2 else { throw between.fail("expected two month-days, like [\"09-01\", \"12-31\"]") }
            return .between(from: try monthDay(ends[0]), to: try monthDay(ends[1]))
        }
        throw value.fail("expected within_days, after_days, by, in_month or between")
    }

    /// `{families: 7d, responders: 48h}`.
    static func notice(_ value: YAMLValue) throws(PlanError) -> Notice {
        let fields = try value.mapping(allowed: ["families", "responders"])
        return Notice(
            familiesDays: try fields["families"].map { (field) throws(PlanError) in (try field.duration() + 1439) / 1440
            },
            respondersHours: try fields["responders"].map { (field) throws(PlanError) in
                (try field.duration() + 59) / 60
            })
    }
}
