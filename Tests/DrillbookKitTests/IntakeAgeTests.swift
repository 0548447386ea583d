import DrillbookKit
import Foundation
import Testing

/// A report's `time` may lie up to 30 days before its receipt: deadlines run from it, so a sender's
/// clock set to the wrong month must not open an incident with every step already late.
@Suite struct IntakeAgeTests {
    static func report(_ secondsBeforeReceipt: Int, id: String, now: Int) -> Data {
        let time = ISO8601DateFormatter().string(
            from: Date(timeIntervalSince1970: TimeInterval(now - secondsBeforeReceipt)))
        return Data(#"{"type": "tip", "school": "lincoln-hs", "external_id": "\#(id)", "time": "\#(time)"}"#.utf8)
    }

    @Test(arguments: [
        (29 * 86_400, true), (30 * 86_400, true), (30 * 86_400 + 1, false), (31 * 86_400, false), (-3_600, true),
    ])
    func aReportUpToThirtyDaysOldIsTakenAndNoOlder(_ age: Int, _ taken: Bool) throws {
        let (incidents, _, _) = try PlaybookTests.setUp()
        let now = 1_823_000_000  // the receipt: PlaybookTests.setUp's clock
        let body = Self.report(age, id: "age-\(age)", now: now)
        if taken {
            let opened = try incidents.intake(body, source: "vendor")
            #expect(opened.created)
        } else {
            do {
                _ = try incidents.intake(body, source: "vendor")
                Issue.record("a report \(age) s old was taken")
            } catch .badFields(let fields) {
                #expect(fields["time"]?.contains("more than 30 days before receipt") == true, "\(fields)")
            } catch {
                Issue.record("refused for another reason: \(error)")
            }
        }
    }
}
