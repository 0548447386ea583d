import Dates
public import ICalendar

/// A typical US school-year calendar for a new plan: first and last days, federal holidays, winter and
/// spring breaks, staff days and two semesters. A district replaces it with its own.
public enum StarterCalendar {
    /// The calendar for the school year starting in `year` (August of `year` to May of `year + 1`).
    public static func document(startingIn year: Int) -> CalendarDocument {
        let next = year + 1
        func nth(_ n: Int, _ weekday: Weekday, month: Int, year: Int) -> CalendarDate {
            var day = CalendarDate(year: year, month: month, day: 1)
            while day.weekday != weekday { day = day.adding(days: 1) }
            return day.adding(days: 7 * (n - 1))
        }
        func last(_ weekday: Weekday, month: Int, year: Int) -> CalendarDate {
            var day = CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))
            while day.weekday != weekday { day = day.adding(days: -1) }
            return day
        }
        let first = nth(3, .monday, month: 8, year: year)
        let memorial = last(.monday, month: 5, year: next)
        let lastDay = memorial.adding(days: -3)
        let thanksgiving = nth(4, .thursday, month: 11, year: year)
        let winterStart = CalendarDate(year: year, month: 12, day: 22)
        let winterEnd = CalendarDate(year: next, month: 1, day: 2)
        var spring = winterEnd.adding(days: 1)
        while spring.weekday == .saturday || spring.weekday == .sunday { spring = spring.adding(days: 1) }
        var fallLast = winterStart.adding(days: -1)
        while fallLast.weekday == .saturday || fallLast.weekday == .sunday { fallLast = fallLast.adding(days: -1) }
        let springBreak = nth(3, .monday, month: 3, year: next)
        var events: [Event] = []
        func add(_ id: String, _ summary: String, _ from: CalendarDate, _ to: CalendarDate, _ category: String) {
            events.append(
                Event(
                    uid: "starter-\(year)-\(id)@drillbook", summary: summary, start: .date(from),
                    end: .date(to.adding(days: 1)), categories: [category]))
        }
        add(
            "staff-days", "Staff Development - No School for Students", first.adding(days: -5), first.adding(days: -1),
            "STAFF-DEVELOPMENT")
        add("first-day", "First Day of School", first, first, "FIRST-DAY")
        add("fall-semester", "Fall Semester", first, fallLast, "SEMESTER")
        add(
            "labor-day", "Labor Day - No School", nth(1, .monday, month: 9, year: year),
            nth(1, .monday, month: 9, year: year), "HOLIDAY")
        add(
            "thanksgiving", "Thanksgiving Break - No School", thanksgiving.adding(days: -1),
            thanksgiving.adding(days: 1), "HOLIDAY")
        add("winter-break", "Winter Break - No School", winterStart, winterEnd, "HOLIDAY")
        add("spring-semester", "Spring Semester", spring, lastDay, "SEMESTER")
        let mlk = nth(3, .monday, month: 1, year: next)
        add("mlk-day", "Martin Luther King Jr. Day - No School", mlk, mlk, "HOLIDAY")
        let presidents = nth(3, .monday, month: 2, year: next)
        add("presidents-day", "Presidents' Day - No School", presidents, presidents, "HOLIDAY")
        add("spring-break", "Spring Break - No School", springBreak, springBreak.adding(days: 4), "HOLIDAY")
        add("last-day", "Last Day of School", lastDay, lastDay, "LAST-DAY")
        add("memorial-day", "Memorial Day", memorial, memorial, "HOLIDAY")
        return CalendarDocument(
            productID: "-//Drillbook//Starter Calendar//EN",
            name: "School year \(year)-\(next) (starter: replace with your district's)",
            events: events.sorted { $0.start.wallTime < $1.start.wallTime })
    }
}
