import Dates
import Testing

@testable import Planning

/// The indexes and fast paths that keep a district linear: each must answer exactly what the
/// plain, slow reading answered.
@Suite struct ScaleTests {
    static func record(
        _ id: Int, uid: String?, school: String = "lincoln-hs", on date: String, recorded: String? = nil,
        corrects: Int? = nil
    ) -> Completion {
        Completion(
            id: id, year: "2027-2028", itemUID: uid, schoolID: school, kind: .drill("fire"),
            startedAt: WallTime(date: day(date), hour: 10), corrects: corrects, recordedBy: "t",
            recordedOn: day(recorded ?? date), source: .complete)
    }

    @Test func theLogAnswersWhatTheListAnswers() {
        let all = [
            Self.record(1, uid: "a", on: "2027-09-03"),
            // Corrected to a later day: the correction stands, the first record does not.
            Self.record(2, uid: "b", on: "2027-09-10", recorded: "2027-09-10"),
            Self.record(3, uid: "b", on: "2027-09-12", recorded: "2027-10-01", corrects: 2),
            Self.record(4, uid: "c", school: "harbor-es", on: "2027-09-20"),
            Self.record(5, uid: nil, on: "2027-09-21"),
            // Corrected twice: the chain keeps the first record's day.
            Self.record(6, uid: "d", on: "2027-09-22", recorded: "2027-09-22"),
            Self.record(7, uid: "d", on: "2027-09-23", recorded: "2027-09-30", corrects: 6),
            Self.record(8, uid: "d", on: "2027-09-24", recorded: "2027-10-05", corrects: 7),
        ]
        let log = CompletionLog(all)
        #expect(log.standing.map(\.id) == Completion.current(all).map(\.id))
        #expect(log.standing.map(\.id) == [1, 3, 4, 5, 8])
        #expect(log.standing(school: "lincoln-hs").map(\.id) == [1, 3, 5, 8])
        #expect(log.standing(school: "harbor-es").map(\.id) == [4])
        #expect(log.standing(school: "nowhere").isEmpty)
        #expect(log.doneOn("b") == day("2027-09-12"), "the correction's day, not the corrected record's")
        #expect(log.doneOn("d") == day("2027-09-24"))
        #expect(log.doneOn("e") == nil && !log.isDone("e") && log.isDone("a"))
        #expect(log.firstRecorded(all[7]) == day("2027-09-22"), "a correction keeps the first record's day")
        #expect(log.firstRecorded(all[0]) == day("2027-09-03"))
        // A status read through the log is the status read from the list.
        let item = TrackedItem(
            item: ScheduledItem(
                id: "lincoln-hs/fire-drill-2", uid: "b", schoolID: "lincoln-hs", activityID: "fire-drill", slot: 2,
                kind: .drill("fire"), title: "Fire drill", date: day("2027-09-11"), start: nil, durationMinutes: 15,
                timeZone: "America/Chicago", announced: false, adminOnly: false, owner: "principal"),
            status: .scheduled, sequence: 0, noticeDate: nil, changedOn: day("2027-08-01"))
        let ladder = AlertLadder()
        for asOf in ["2027-09-01", "2027-09-11", "2027-09-30", "2028-07-01"] {
            #expect(
                item.status(on: day(asOf), log: log, ladder: ladder, yearEnd: day("2028-06-01"))
                    == item.status(
                        on: day(asOf), completions: Completion.current(all), ladder: ladder,
                        yearEnd: day("2028-06-01")))
        }
        #expect(item.status(on: day("2027-09-30"), log: log, ladder: ladder) == .done(late: true))
    }

    /// A log without corrections stands on every record; one record's corrections still reach back
    /// to it by id.
    @Test func aLogWithoutCorrectionsStandsOnEveryRecord() {
        let all = [
            Self.record(4, uid: "a", on: "2027-09-03"), Self.record(2, uid: "b", school: "harbor-es", on: "2027-09-04"),
            Self.record(9, uid: "c", on: "2027-09-05", recorded: "2027-09-06"),
        ]
        let log = CompletionLog(all)
        #expect(log.standing.map(\.id) == [4, 2, 9])
        #expect(log.standing(school: "lincoln-hs").map(\.id) == [4, 9])
        #expect(log.firstRecorded(all[2]) == day("2027-09-06"))
        let corrected = CompletionLog(
            all + [Self.record(10, uid: "c", on: "2027-09-07", recorded: "2027-09-08", corrects: 9)])
        #expect(corrected.standing.map(\.id) == [4, 2, 10])
        #expect(corrected.firstRecorded(corrected.standing[2]) == day("2027-09-06"))
    }

    /// Grouping a year by school moves each item to its school's list, in the order given, every
    /// field intact.
    @Test func itemsMovedBySchoolKeepTheirOrderAndFields() {
        func tracked(_ id: String, school: String, on date: String, sequence: Int) -> TrackedItem {
            TrackedItem(
                item: ScheduledItem(
                    id: "\(school)/\(id)", uid: "\(school)/\(id)@x", schoolID: school, activityID: id, slot: 1,
                    kind: .drill("fire"), title: "Fire drill at \(school), a title too long to be stored inline",
                    date: day(date), start: nil, durationMinutes: 15, timeZone: "America/Chicago", announced: false,
                    adminOnly: false, owner: "principal"),
                status: .scheduled, sequence: sequence, noticeDate: nil, changedOn: day("2027-08-01"))
        }
        let items = [
            tracked("fire-1", school: "b", on: "2027-09-01", sequence: 0),
            tracked("fire-1", school: "a", on: "2027-09-02", sequence: 1),
            tracked("fire-2", school: "b", on: "2027-09-03", sequence: 2),
            tracked("fire-2", school: "a", on: "2027-09-04", sequence: 3),
            tracked("fire-3", school: "b", on: "2027-09-05", sequence: 4),
        ]
        let copy = items
        let bySchool = items.movedBySchool()
        #expect(bySchool.keys.sorted() == ["a", "b"])
        #expect(bySchool["a"] == [copy[1], copy[3]])
        #expect(bySchool["b"] == [copy[0], copy[2], copy[4]])
        #expect([TrackedItem]().movedBySchool().isEmpty)
    }

    @Test func datesAreReadOnlyInTheirTwoForms() {
        #expect(CalendarDate("2027-09-02") == CalendarDate(year: 2027, month: 9, day: 2))
        #expect(CalendarDate("20270902") == CalendarDate(year: 2027, month: 9, day: 2))
        for wrong in [
            "2027-9-02", "2027-09-2", "2027/09/02", "+027-09-02", "2027-09-31", "2027-13-01", "202709021", "2027090",
            "", "2027-09-02 ", "２０２７-09-02", "0000-01-01", String(repeating: "7", count: 40),
            String(repeating: "9", count: 19) + "-" + String(repeating: "9", count: 19),
        ] {
            #expect(CalendarDate(wrong) == nil, "\(wrong)")
        }
        #expect(CalendarDate(Substring("x2028-02-29").dropFirst()) == CalendarDate(year: 2028, month: 2, day: 29))
    }

    @Test func wallTimesReadTheSameByEitherPath() {
        #expect(
            WallTime("2027-09-02T10:15:30") == WallTime(year: 2027, month: 9, day: 2, hour: 10, minute: 15, second: 30))
        #expect(WallTime("2027-09-02T10:15") == WallTime(year: 2027, month: 9, day: 2, hour: 10, minute: 15))
        #expect(WallTime("20270902T101530") == WallTime(year: 2027, month: 9, day: 2, hour: 10, minute: 15, second: 30))
        for wrong in [
            "2027-09-02T24:00:00", "2027-02-30T10:00:00", "2027-09-02T10:61:00", "2027-09-02 10:15:00",
            "2027-09-02T10-15-00", "2027-09-02T1a:15:00",
            // Colons only between two-digit fields: `1:0:00` once read as 10:00, `10:1500` as 10:15.
            "2027-09-02T1:0:00", "2027-09-02T10:1500", "2027-09-02T1015:00", "2027-09-02T10::15", "2027-09-02T+1015",
        ] {
            #expect(WallTime(wrong) == nil, "\(wrong)")
        }
        // Every time a store writes reads back as itself.
        var time = WallTime(year: 2027, month: 8, day: 1)
        for _ in 0..<500 {
            #expect(WallTime(time.description) == time)
            time = time.adding(seconds: 7_919)
        }
    }

    @Test func datesHashConsistentlyWithEquality() {
        var seen: Set<CalendarDate> = []
        var date = day("2027-01-01")
        for _ in 0..<800 {
            #expect(seen.insert(date).inserted)
            date = date.adding(days: 1)
        }
        #expect(seen.contains(CalendarDate(year: 2027, month: 3, day: 1)))
        #expect(!seen.contains(CalendarDate(year: 2030, month: 3, day: 1)))
    }
}
