import Dates
import DrillbookKit
import Foundation
import Logging
import ServiceLifecycle

/// Live incidents' deadlines, checked every `interval` (30 s): a step that falls late reaches its
/// owner and the roles it escalates to at once, by mail and SMS, each once (claimed in the database
/// like every alert, so `overdue --notify` from cron never repeats one). The daily `overdue` keeps
/// working without the server.
struct IncidentWatch: Service {
    let server: DrillbookServer
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled {
            tick(now: server.now())
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
        }
    }

    /// One check at `now` (seconds since 1970); what was sent, for the log and for tests.
    @discardableResult
    func tick(now: Int) -> [String] {
        guard let store = server.incidents, let library = server.library else { return [] }
        let incidents = Incidents(
            loaded: server.loaded, library: library, store: store, now: now, actor: "drillbook serve")
        do {
            let late = try incidents.lateSteps()
            guard !late.isEmpty else { return [] }
            let outcome = try incidents.notifyLate(
                late, scheduleStore: server.store, resources: server.resources, asOf: server.today().description)
            for line in outcome.sent { server.logger.info("late incident step: sent \(line)") }
            for failure in outcome.failures { server.logger.warning("late incident step not sent: \(failure)") }
            return outcome.sent
        } catch {
            server.logger.error("the incident check failed: \(error)")
            return []
        }
    }
}
