import ArgumentParser
import Dates
import DrillbookKit
import DrillbookServer
import Foundation
import Logging
import Prometheus
import Store

/// `drillbook serve --listen 127.0.0.1:8080`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve live calendar feeds from the same database as the CLI, until SIGTERM.",
        discussion: """
            Feeds: /feeds/TOKEN.ics (made by `drillbook feed create`), /schools/ID/families.ics when the plan \
            says server.publish_families: true, and /healthz. Put it behind a reverse proxy for HTTPS.
            """)

    @OptionGroup var options: PlanOptions
    @OptionGroup var asOf: AsOfOption
    @Option(help: IncidentDatabase.help)
    var incidentsDB: String?
    @Option(
        help:
            "Where uploaded evidence files are kept (default: attachments/ beside the database file, or beside the plan when the database is PostgreSQL; with two servers, a folder both share)."
    )
    var attachments: String?
    @Option(help: "Address and port to listen on (host:port).")
    var listen = "127.0.0.1:8080"

    func validate() throws {
        if let text = ProcessInfo.processInfo.environment["DRILLBOOK_INCIDENT_CHECK_SECONDS"],
            Int(text).map({ (1...300).contains($0) }) != true
        {
            throw ValidationError(
                "DRILLBOOK_INCIDENT_CHECK_SECONDS \"\(text)\" is not a number of seconds from 1 to 300")
        }
        if let problem = ScheduleRecords.leaseProblem() { throw ValidationError(problem) }
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen \"\(listen)\" is not host:port (expected e.g. 127.0.0.1:8080)")
        }
    }

    /// DRILLBOOK_INCIDENT_CHECK_SECONDS (1 to 300, checked by `validate`; default 30): how often live
    /// incidents are checked.
    static func incidentCheckSeconds() -> Int {
        ProcessInfo.processInfo.environment["DRILLBOOK_INCIDENT_CHECK_SECONDS"].flatMap { Int($0) } ?? 30
    }

    static func address(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port), colon > text.startIndex
        else { return nil }
        return (String(text[..<colon]), port)
    }

    func run() async throws {
        let loaded = try options.load()
        let store = try wrap { () throws(DrillbookError) in try ScheduleDatabase.open(options.databasePath) }
        let (host, port) = Self.address(listen)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        DrillbookServer.bootstrapMetrics(registry)
        // A fixed day (--as-of, DRILLBOOK_NOW) for demonstrations and tests; else the district's today.
        var today: (@Sendable () -> CalendarDate)?
        if asOf.asOf != nil || ProcessInfo.processInfo.environment["DRILLBOOK_NOW"] != nil {
            let day = asOf.day
            today = { day }
        }
        let resources = try options.resources()
        let folder = (options.plan as NSString).deletingLastPathComponent
        let library = try wrap { () throws(DrillbookError) in
            try PlaybookLibrary.load(resources: resources, planFolder: folder.isEmpty ? "." : folder)
        }
        let incidents = try wrap { () throws(DrillbookError) in
            try IncidentDatabase.open(Incidents.databasePath(planFile: options.plan, explicit: incidentsDB))
        }
        let beside =
            IncidentDatabase.isServer(options.databasePath) ? "\(folder.isEmpty ? "." : folder)/attachments" : nil
        try await DrillbookServer(
            loaded: loaded, store: store, resources: resources, incidents: incidents, library: library,
            attachments: attachments ?? beside, metrics: registry, today: today
        ).run(host: host, port: port, incidentCheck: .seconds(Self.incidentCheckSeconds()))
    }
}
