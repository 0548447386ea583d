import Dates
import DrillbookKit
import Planning
import Testing

/// Shipped rules that let one drill type stand in for another, checked alone.
@Suite struct SubstitutionRuleTests {
    /// Georgia: a fire drill every month, but the severe-weather drill of November and of February
    /// replaces that month's. In any other month it does not, and one covers one month only.
    @Test func georgiasSevereWeatherDrillReplacesNovembersAndFebruarysFireDrill() throws {
        let georgia = try StateRuleTests.Alone("GA")
        let year = georgia.test.year
        // The first school day of each month of the year, its fire drill.
        var firsts: [CalendarDate] = []
        for date in year.days where year.isSchoolDay(date) {
            if firsts.last.map({ ($0.year, $0.month) != (date.year, date.month) }) ?? true { firsts.append(date) }
        }
        func severeWeather(_ id: Int, on date: CalendarDate) -> Completion {
            var drill = georgia.fireDrill(id, on: date)
            drill.kind = .drill("severe-weather")
            return drill
        }
        func log(swapping months: [Int]) -> [Completion] {
            firsts.enumerated().map { index, date in
                months.contains(date.month)
                    ? severeWeather(index + 1, on: date) : georgia.fireDrill(index + 1, on: date)
            }
        }
        #expect(georgia.findings(log(swapping: []), rule: "ga-fire").isEmpty)
        #expect(georgia.findings(log(swapping: [11, 2]), rule: "ga-fire").isEmpty)
        let october = georgia.findings(log(swapping: [10, 11, 2]), rule: "ga-fire")
        #expect(october.count == 1)
        #expect(
            october.first?.message.contains("between 2027-10-01 and 2027-10-31") == true, "\(october.map(\.message))")
        // Two severe-weather drills in November: December still has no fire drill.
        var twice = log(swapping: [11, 2]).filter { $0.startedAt.date.month != 12 }
        twice.append(severeWeather(99, on: firsts.first { $0.month == 11 }!.adding(days: 1)))
        let december = georgia.findings(twice, rule: "ga-fire")
        #expect(december.count == 1)
        #expect(
            december.first?.message.contains("between 2027-12-01 and 2027-12-31") == true, "\(december.map(\.message))")
    }
}

/// New York's twelve drills: eight evacuation drills, fire drills among them, and four lockdowns;
/// eight of the twelve "between September first and December thirty-first".
@Suite struct NewYorkRuleTests {
    @Test func fireDrillsAreEvacuationDrillsAndAugustIsNotInTheFirstEight() throws {
        let york = try StateRuleTests.Alone("NY")
        let year = york.test.year
        let days = year.days.filter { year.isInstructionalDay($0) }
        func drill(_ id: Int, _ type: String, on date: CalendarDate) -> Completion {
            var drill = york.fireDrill(id, on: date, hour: 8 + id % 6)
            drill.kind = .drill(type)
            drill.evidence[.familiesNotified] = "\(date.adding(days: -8))"  // a week ahead, as lockdowns ask
            return drill
        }
        let fall = days.filter { $0.month >= 9 && $0.month <= 12 }
        let spring = days.filter { $0.month >= 1 && $0.month <= 6 }
        // Six fire drills and two lockdowns in the fall, two fire drills and two lockdowns in the spring.
        var log = (0..<6).map { drill($0 + 1, "fire", on: fall[$0 * 12]) }
        log += [drill(7, "lockdown", on: fall[5]), drill(8, "lockdown", on: fall[40])]
        log += [drill(9, "fire", on: spring[3]), drill(10, "fire", on: spring[30])]
        log += [drill(11, "lockdown", on: spring[10]), drill(12, "lockdown", on: spring[50])]
        for rule in ["ny-evacuation", "ny-lockdown", "ny-first-eight"] {
            #expect(york.findings(log, rule: rule).isEmpty, "\(rule): \(york.findings(log, rule: rule).map(\.message))")
        }
        // Two of the fall's fire drills held in August instead: still evacuation drills, not of the first eight.
        guard let august = days.first(where: { $0.month == 8 }) else {
            Issue.record("the starter year has no school day in August")
            return
        }
        log[0] = drill(1, "fire", on: august)
        log[1] = drill(2, "fire", on: august.adding(days: 1))
        #expect(york.findings(log, rule: "ny-evacuation").isEmpty)
        let first = york.findings(log, rule: "ny-first-eight").map(\.message)
        #expect(first.count == 1 && first[0].hasPrefix("6 of 8"), "\(first)")
    }
}

/// Rules whose law names a kind of drill rather than one type: each type of the kind counts, on a
/// day the rule counts, and a type outside it does not.
@Suite struct DrillKindRuleTests {
    static let kinds: [(state: String, rule: String, counts: [String], not: [String])] = [
        (
            "KS", "ks-crisis", ["lockdown", "lockout", "shelter-in-place", "evacuation", "bomb-threat"],
            ["fire", "tornado"]
        ),
        ("CT", "ct-crisis", ["lockdown", "lockout", "shelter-in-place", "evacuation", "active-threat"], ["fire"]),
        ("LA", "la-safety-drill", ["lockdown", "shelter-in-place", "evacuation", "severe-weather"], ["fire"]),
        ("IN", "in-man-made", ["lockdown", "active-threat", "shelter-in-place", "bomb-threat"], ["tornado", "fire"]),
        ("IL", "il-severe-weather", ["severe-weather", "tornado", "shelter-in-place"], ["lockdown"]),
        ("IL", "il-lockdown", ["lockdown", "active-threat"], ["evacuation"]),
        ("VT", "vt-options-fall", ["lockdown", "active-threat"], ["fire"]),
        ("VT", "vt-options-spring", ["lockdown", "active-threat"], ["fire"]),
        ("SC", "sc-severe-weather", ["severe-weather", "tornado", "earthquake"], ["fire"]),
        ("MS", "ms-lockdown", ["lockdown", "active-threat"], ["tornado"]),
        // Education Law 807's evacuation drills are the fire drills (NYSED, 2020).
        ("NY", "ny-evacuation", ["evacuation", "fire"], ["lockdown"]),
        ("NY", "ny-first-eight", ["evacuation", "fire", "lockdown"], ["shelter-in-place"]),
        ("ME", "me-evacuation-first", ["fire", "evacuation"], ["lockdown"]),
        ("WA", "wa-evacuation", ["evacuation", "fire"], ["lockdown"]),
        // Drills that keep occupants inside a secured building, for a hazardous release or an armed person.
        ("MI", "mi-lockdown", ["lockdown", "shelter-in-place", "lockout", "secure", "active-threat"], ["evacuation"]),
        ("MI", "mi-lockdown-after-january", ["lockdown", "shelter-in-place"], ["tornado"]),
        // A tornado drill is a severe-weather drill (not the other way round: AR's, KS's tornado rules).
        ("TX", "tx-severe-weather", ["severe-weather", "tornado"], ["shelter-in-place"]),
        ("KY", "ky-severe-weather-first", ["severe-weather", "tornado"], ["earthquake"]),
        ("MD", "md-severe-weather", ["severe-weather", "tornado"], ["earthquake"]),
        ("baseline", "baseline-severe-weather", ["severe-weather", "tornado"], ["fire"]),
        ("KS", "ks-tornado", ["tornado"], ["severe-weather"]),
    ]

    /// A type a rule only also counts makes no series: a Texas school, asked no tornado drill, gets
    /// none for baseline's severe-weather rule, which a tornado drill meets. Where the state asks
    /// tornado drills (OH), one of them is also the severe-weather drill, and keeps its own title.
    @Test func aTypeARuleOnlyAlsoCountsIsPlacedOnlyWhereARuleAsksIt() throws {
        let texas = try StateRuleTests.make("TX")
        #expect(!texas.loaded.plan.activities.contains { $0.kind == .drill("tornado") })
        #expect(texas.items.filter { $0.kind == .drill("severe-weather") && $0.relatedTo == nil }.count == 1)
        let ohio = try StateRuleTests.make("OH")
        let tornado = try #require(ohio.loaded.plan.activities.first { $0.kind == .drill("tornado") })
        #expect(tornado.title == "Tornado drill")
        #expect(!ohio.items.contains { $0.kind == .drill("severe-weather") })
        #expect(ohio.items.filter { $0.kind == .drill("tornado") && $0.relatedTo == nil }.count == 2)
    }

    @Test(arguments: kinds.indices)
    func everyTypeOfTheLawsKindCounts(index: Int) throws {
        let (state, rule, counts, not) = Self.kinds[index]
        // Baseline's rules come with every state's plan.
        let alone = try StateRuleTests.Alone(state == "baseline" ? "TX" : state)
        let model = RequirementModel(
            ruleSets: alone.test.loaded.plan.rules.filter { $0.jurisdiction == state }, school: alone.test.school,
            year: alone.test.year)
        let entry = try #require(model.entries.firstIndex { $0.rule.id == rule })
        let span = model.constraints[model.entries[entry].constraints[0]].span
        let day = try #require(
            alone.test.year.days.first { span.contains($0) && alone.test.year.isInstructionalDay($0) })
        let presence = Set(model.entries[entry].rule.condition.present)
        for type in counts {
            #expect(
                model.countsNatively(entry, type: type, date: day, context: .class, presence: presence),
                "\(state) \(rule): a \(type) drill does not count")
        }
        for type in not {
            #expect(
                !model.countsNatively(entry, type: type, date: day, context: .class, presence: presence),
                "\(state) \(rule): a \(type) drill counts")
        }
    }
}
