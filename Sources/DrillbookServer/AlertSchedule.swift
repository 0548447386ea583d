import Dates
import DrillbookKit
import Foundation
import Logging
import Planning
import ServiceLifecycle

/// The server's daily alert run (`alerts.run_at`): at that time of day in the district's zone it
/// evaluates and sends alerts as `overdue --notify` does. Each alert is claimed with a lease in the
/// database first, so a cron job running `overdue --notify` as well never sends one twice.
struct AlertSchedule: Service {
    let server: DrillbookServer
    let resources: Resources
    /// Minutes after midnight.
    let runAt: Int

    func run() async throws {
        let zone = TimeZone(identifier: server.loaded.plan.district.timeZone) ?? .current
        while !Task.isCancelled {
            let next = Self.next(after: Date(), at: runAt, in: zone)
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .seconds(max(1, next.timeIntervalSinceNow)))
                }
            } catch {
                return
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            runOnce()
        }
    }

    /// One evaluation and sending, logged; a failure is logged and the next day tries again.
    func runOnce() {
        let asOf = server.today()
        do {
            let evaluated = try Notifier.evaluate(server.loaded, store: server.store, asOf: asOf)
            let report = try Notifier.notify(
                evaluated, loaded: server.loaded, store: server.store, resources: resources, asOf: asOf,
                actor: "drillbook serve")
            server.logger.info(
                "alerts for \(asOf): \(report.sent.count) sent, \(report.alreadySent) already sent, \(report.failures.count) failed"
            )
            for failure in report.failures { server.logger.warning("alert not sent: \(failure)") }
        } catch {
            server.logger.error("the alert run failed: \(error)")
        }
    }

    /// The next time the clock in `zone` reads `minutes` after midnight, after `date`: on a day
    /// daylight saving skips that time, the first time after it.
    static func next(after date: Date, at minutes: Int, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(hour: minutes / 60, minute: minutes % 60, second: 0)
        return calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime)
            ?? date.addingTimeInterval(86_400)
    }
}
