import Dates
import Planning

func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

/// A small school year: Aug 16 2027 to Dec 17 2027, Labor Day and Thanksgiving closed, a staff day,
/// a testing week.
func smallYear(closures: [String] = ["2027-09-06", "2027-11-24", "2027-11-25", "2027-11-26"]) -> SchoolYear {
    SchoolYear(
        name: "2027-2028", first: day("2027-08-16"), last: day("2027-12-17"),
        semesters: [
            Term(name: "Semester 1", first: day("2027-08-16"), last: day("2027-10-15")),
            Term(name: "Semester 2", first: day("2027-10-18"), last: day("2027-12-17")),
        ],
        closures: closures.map { SchoolClosure(date: day($0), reason: "Holiday") },
        staffOnly: [day("2027-10-11")],
        testing: [Term(name: "Testing", first: day("2027-09-13"), last: day("2027-09-17"))])
}

let bells = BellSchedule(
    day: TimeRange("08:30-15:45")!, passing: [TimeRange("09:20-09:27")!, TimeRange("10:17-10:24")!],
    lunch: [TimeRange("11:30-12:00")!, TimeRange("12:05-12:35")!])

let school = School(
    id: "lincoln-hs", name: "Lincoln High School", grades: "9-12", state: "TX", timeZone: "America/Chicago",
    bellSchedule: bells)

func schedule(_ activities: [Activity], year: SchoolYear = smallYear()) throws -> [ScheduledItem] {
    try Scheduler(districtID: "lakeside-isd", activities: activities).schedule(school, year: year)
}
