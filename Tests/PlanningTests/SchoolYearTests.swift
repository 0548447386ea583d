import Dates
import Testing

@testable import Planning

/// What a school year says of each day, which the planner asks of every day for every school: the
/// answers come from a table worked out once, and must follow every change made to the year after.
@Suite struct SchoolYearTests {
    /// The answer worked out from the fields, as the table must give it.
    static func expected(_ year: SchoolYear, _ date: CalendarDate) -> (school: Bool, instructional: Bool, testing: Bool)
    {
        let school =
            date >= year.first && date <= year.last && date.weekday != .saturday && date.weekday != .sunday
            && year.closures[date] == nil
        return (school, school && !year.staffOnly.contains(date), year.testing.contains { $0.contains(date) })
    }

    static func agrees(_ year: SchoolYear) -> Bool {
        // A week either side of the year too: nothing there is a school day, a testing window may be.
        var date = year.first.adding(days: -7)
        while date <= year.last.adding(days: 7) {
            let want = expected(year, date)
            guard year.isSchoolDay(date) == want.school, year.isInstructionalDay(date) == want.instructional,
                year.isTesting(date) == want.testing, year.isOpen(date) == (want.instructional && !want.testing)
            else { return false }
            date = date.adding(days: 1)
        }
        return true
    }

    @Test func everyDayIsWhatItsFieldsSay() {
        let year = smallYear()
        #expect(Self.agrees(year))
        #expect(!year.isSchoolDay(day("2027-09-06")))  // Labor Day
        #expect(year.isSchoolDay(day("2027-10-11")) && !year.isInstructionalDay(day("2027-10-11")))  // staff day
        #expect(year.isTesting(day("2027-09-15")) && !year.isOpen(day("2027-09-15")))
        #expect(year.isOpen(day("2027-09-20")))
    }

    @Test func aChangeAfterTheYearIsMadeIsSeen() {
        var year = smallYear()
        // A snow day, as a re-plan's caller adds one to the year it loaded.
        year.closures[day("2027-09-20")] = "Snow Day"
        #expect(!year.isSchoolDay(day("2027-09-20")) && !year.isOpen(day("2027-09-20")))
        year.staffOnly.insert(day("2027-09-21"))
        #expect(year.isSchoolDay(day("2027-09-21")) && !year.isInstructionalDay(day("2027-09-21")))
        year.testing.append(Term(name: "Retest", first: day("2027-12-13"), last: day("2027-12-24")))
        #expect(year.isTesting(day("2027-12-15")) && year.isTesting(day("2027-12-22")))
        year.last = day("2027-12-10")
        #expect(!year.isSchoolDay(day("2027-12-13")))
        year.first = day("2027-08-09")
        #expect(year.isSchoolDay(day("2027-08-09")))
        #expect(Self.agrees(year))
        // Two years with the same fields are the same year, however they were reached.
        var other = smallYear(closures: [])
        other.closures = smallYear().closures
        #expect(other == smallYear())
    }

    /// The days a placement may take, as the scheduler asks for them: a period's open days inside
    /// its windows, counted by day number. They must be the days a walk over the dates keeps, for
    /// periods reaching past the year, windows cutting them, and windows outside them.
    @Test func aPeriodsOpenDaysAreTheDatesThatAreOpenInsideEveryWindow() {
        let year = smallYear()
        let periods =
            year.periods(.month) + year.periods(.semester)
            + [Term(name: "wide", first: year.first.adding(days: -30), last: year.last.adding(days: 30))]
        let windowSets: [[ClosedRange<CalendarDate>]] = [
            [],
            [day("2027-09-10")...day("2027-10-20")],
            [day("2027-09-10")...day("2027-10-20"), day("2027-10-01")...day("2028-01-31")],
            [year.last.adding(days: 1)...year.last.adding(days: 1)],
        ]
        var nonEmpty = 0
        for period in periods {
            for windows in windowSets {
                var walked: [CalendarDate] = []
                var date = period.first
                while date <= period.last {
                    if date >= year.first, date <= year.last, year.isOpen(date),
                        windows.allSatisfy({ $0.contains(date) })
                    {
                        walked.append(date)
                    }
                    date = date.adding(days: 1)
                }
                #expect(year.openDays(in: period, within: windows) == walked, "\(period.name), \(windows)")
                if !walked.isEmpty { nonEmpty += 1 }
            }
        }
        // The cases compared are not all empty ones.
        #expect(nonEmpty > periods.count)
        #expect(!year.openDays(in: periods[0], within: []).contains(day("2027-09-06")))  // Labor Day
    }
}
