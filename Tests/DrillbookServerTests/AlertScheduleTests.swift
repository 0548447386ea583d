import Foundation
import Testing

@testable import DrillbookServer

/// When the server's daily alert run happens: the district's wall clock, across daylight saving.
@Suite struct AlertScheduleTests {
    static let chicago = TimeZone(identifier: "America/Chicago")!

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(arguments: [
        // 06:30 in Chicago is 11:30Z in summer time, 12:30Z in winter.
        ("2027-09-01T10:00:00Z", 390, "2027-09-01T11:30:00Z"),
        ("2027-09-01T12:00:00Z", 390, "2027-09-02T11:30:00Z"),
        ("2027-11-06T12:00:00Z", 390, "2027-11-07T12:30:00Z"),
        // 02:30 does not exist on 2028-03-12: the run is at the first time after it, 03:00 CDT.
        ("2028-03-12T06:00:00Z", 150, "2028-03-12T08:00:00Z"),
    ])
    func theNextRunIsAtTheDistrictsWallClockTime(now: String, minutes: Int, expected: String) {
        #expect(AlertSchedule.next(after: Self.date(now), at: minutes, in: Self.chicago) == Self.date(expected))
    }
}
