import ArgumentParser
import Dates
import DrillbookKit
import DrillbookServer
import Foundation
import Logging
import Planning
import PostgresStore
import Prometheus
import Store

/// `drillbook serve --listen 127.0.0.1:8080`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve live calendar feeds from the same database as the CLI, until SIGTERM.",
        discussion: """
            Feeds: /feeds/TOKEN.ics (made by `drillbook feed create`), /schools/ID/families.ics when the plan \
            says server.publish_families: true, and /healthz. Put it behind a reverse proxy for HTTPS. With the \
            database in PostgreSQL and districts registered there (`drillbook district add`), it serves every one \
            of them, each under /d/<district>/ once there are two or more, and --plan is not read.
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
        let (host, port) = Self.address(listen)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        DrillbookServer.bootstrapMetrics(registry)
        let location = options.databasePath
        let registered = try wrap { () throws(DrillbookError) in
            guard IncidentDatabase.isServer(location) else { return [PostgresDistricts.Registered]() }
            do { return try PostgresDistricts.list(url: location) } catch { throw .store("\(error)") }
        }
        guard !registered.isEmpty else {
            let loaded = try options.load()
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(location, plan: options.plan, serving: true)
            }
            try await server(loaded: loaded, planFile: options.plan, store: store, metrics: registry)
                .run(host: host, port: port, incidentCheck: .seconds(Self.incidentCheckSeconds()))
            return
        }
        // Every registered district, each at /d/<district>/ once there are two or more.
        printError(
            "serving the \(registered.count) district(s) registered in the database (`drillbook district list`): "
                + registered.map { registered.count > 1 ? "\($0.district) at /d/\($0.district)/" : $0.district }
                .joined(separator: ", "))
        var servers: [DrillbookServer] = []
        for district in registered {
            let planOptions = try PlanOptions.parse(
                ["--plan", district.plan] + (options.templates.map { ["--templates", $0] } ?? []))
            let loaded = try planOptions.load()
            guard loaded.plan.district.id == district.district else {
                throw Failure(
                    "\(district.plan): its district is now \(loaded.plan.district.id), but it was registered as \(district.district); register the plan again, or put the id back"
                )
            }
            let base = registered.count > 1 ? "/d/\(district.district)" : ""
            if !base.isEmpty, let url = loaded.plan.server.baseURL, !url.hasSuffix(base) {
                throw Failure(
                    "\(district.plan): server.base_url \(url) must end in \(base): with \(registered.count) districts on one server, \(district.district) is served there, and links in its mail and feeds must say so"
                )
            }
            let store = try wrap { () throws(DrillbookError) in
                do {
                    return try PostgresScheduleStore(
                        url: location, district: .init(district: district.district, schema: district.schema))
                } catch { throw .store("\(error)") }
            }
            servers.append(
                try server(loaded: loaded, planFile: district.plan, store: store, metrics: registry, base: base))
        }
        try await DrillbookServer.run(
            servers, metrics: registry, host: host, port: port,
            incidentCheck: .seconds(Self.incidentCheckSeconds()))
    }

    /// One district's server: its plan, schedule, incidents, playbooks and attachments.
    private func server(
        loaded: LoadedPlan, planFile: String, store: any ScheduleStore, metrics: PrometheusCollectorRegistry,
        base: String = ""
    ) throws -> DrillbookServer {
        // A fixed day (--as-of, DRILLBOOK_NOW) for demonstrations and tests; else the district's today.
        var today: (@Sendable () -> CalendarDate)?
        if asOf.asOf != nil || ProcessInfo.processInfo.environment["DRILLBOOK_NOW"] != nil {
            let day = asOf.day
            today = { day }
        }
        let resources = try options.resources()
        let folder = (planFile as NSString).deletingLastPathComponent
        let library = try wrap { () throws(DrillbookError) in
            try PlaybookLibrary.load(resources: resources, planFolder: folder.isEmpty ? "." : folder)
        }
        let incidents = try wrap { () throws(DrillbookError) in
            try IncidentDatabase.open(
                Incidents.databasePath(planFile: planFile, explicit: incidentsDB), plan: planFile,
                schedule: options.databasePath)
        }
        let beside =
            IncidentDatabase.isServer(options.databasePath) ? "\(folder.isEmpty ? "." : folder)/attachments" : nil
        // A shared --attachments folder keeps each district's files apart when there are many.
        let shared = attachments.map { base.isEmpty ? $0 : "\($0)/\(loaded.plan.district.id)" }
        return DrillbookServer(
            loaded: loaded, store: store, resources: resources, incidents: incidents, library: library,
            attachments: shared ?? beside, metrics: metrics, today: today, base: base)
    }
}
