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
