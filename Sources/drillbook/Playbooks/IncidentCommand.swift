import ArgumentParser
import Dates
import DrillbookKit
import Foundation
import Planning
import Playbooks

/// `drillbook incident open | list | status | step | close | cancel | report`.
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident", abstract: "Run a playbook as an audited incident (or an exercise).",
        subcommands: [
            Open.self, ListIncidents.self, Status.self, StepCommand.self, SignoffLink.self, Close.self, Cancel.self,
            Report.self,
        ])

    /// Options every incident command takes.
    struct Options: ParsableArguments {
        @OptionGroup var plan: PlanOptions
        @Option(help: IncidentDatabase.help)
        var incidentsDB: String?
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).") var actor: String?

        func incidents() throws -> Incidents {
            let loaded = try plan.load()
            let resources = try plan.resources()
            let folder = (plan.plan as NSString).deletingLastPathComponent
            let library = try wrap { () throws(DrillbookError) in
                try PlaybookLibrary.load(resources: resources, planFolder: folder.isEmpty ? "." : folder)
            }
            let store = try wrap { () throws(DrillbookError) in
                try IncidentDatabase.open(
                    Incidents.databasePath(planFile: plan.plan, explicit: incidentsDB), plan: plan.plan,
                    schedule: plan.databasePath)
            }
            let zone = TimeZone(identifier: loaded.plan.district.timeZone) ?? .current
            return Incidents(
                loaded: loaded, library: library, store: store, now: try Self.now(zone: zone), actor: Actor.name(actor))
        }

        /// DRILLBOOK_NOW in any of `TimeInput`'s forms (the district's zone when it names none), or the
        /// clock; one that cannot be read is refused, never ignored.
        static func now(zone: TimeZone) throws -> Int {
            guard let text = ProcessInfo.processInfo.environment["DRILLBOOK_NOW"] else {
                return Int(Date().timeIntervalSince1970)
            }
            guard let instant = TimeInput.instant(text, zone: zone) else {
                throw Failure("DRILLBOOK_NOW \"\(text)\" is not \(TimeInput.forms)")
            }
            return instant
        }
    }

    static func facts(_ pairs: [String]) throws -> [String: String] {
        var facts: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ValidationError("--fact \"\(pair)\" is not NAME=VALUE")
            }
            facts[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return facts
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open an incident from a playbook, or from a JSON report.")
        @OptionGroup var options: Options
        @Argument(help: "The playbook's id.") var playbook: String?
        @Option(help: "The school's id.") var school: String?
        @Flag(help: "An exercise: nothing real is sent; closing it records the school's tabletop exercise.")
        var exercise = false
        @Option(help: "A fact, NAME=VALUE (repeat).") var fact: [String] = []
        @Option(
            help: "A report as a tip line or alert service sends it (JSON: type, school, source, channel, text, time).")
        var fromJson: String?

        func run() throws {
            let incidents = try options.incidents()
            let id: String
            if let fromJson {
                id = try wrap { () throws(DrillbookError) in try incidents.open(fromJSON: fromJson, exercise: exercise)
                }
            } else {
                guard let playbook, let school else {
                    throw ValidationError("give PLAYBOOK and --school, or --from-json FILE")
                }
                let facts = try IncidentCommand.facts(fact)
                id = try wrap { () throws(DrillbookError) in
                    try incidents.open(playbook, school: school, exercise: exercise, facts: facts)
                }
            }
            printText("opened incident \(id)")
            printText(try wrap { () throws(DrillbookError) in try incidents.status(id) })
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open steps, owners, what is due or late.")
        @OptionGroup var options: Options
        @Argument var id: String

        func run() throws {
            let incidents = try options.incidents()
            printText(try wrap { () throws(DrillbookError) in try incidents.status(id) })
        }
    }

    struct StepCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "step",
            abstract: "Act on an open step: --done, --decide OPTION --why TEXT, --assign ROLE, or --skip --why TEXT.")
        @OptionGroup var options: Options
        @Argument var id: String
        @Argument var step: String
        @Flag(help: "The step is done.") var done = false
        @Option(help: "Decide: the option chosen.") var decide: String?
        @Option(help: "Why (required for decisions that ask for it and for skipping).") var why: String?
        @Option(help: "Give the step to another role.") var assign: String?
        @Flag(help: "Skip a step that is not mandatory.") var skip = false
        @Option(help: "A note.") var note: String?
        @Option(help: "A sign-off by a role (repeat).") var signoff: [String] = []
        @Option(help: "A fact learned, NAME=VALUE (repeat).") var fact: [String] = []

        func validate() throws {
            let chosen = [done, decide != nil, assign != nil, skip].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("give exactly one of --done, --decide, --assign, --skip") }
        }

        func run() throws {
            let incidents = try options.incidents()
            let action: IncidentAction
            if let decide {
                action = .decide(step: step, option: decide, why: why ?? "", signoffs: signoff)
            } else if let assign {
                action = .assign(step: step, role: assign)
            } else if skip {
                action = .skip(step: step, why: why ?? "")
            } else {
                action = .done(step: step, note: note, signoffs: signoff, facts: try IncidentCommand.facts(fact))
            }
            _ = try wrap { () throws(DrillbookError) in try incidents.act(id, action) }
            printText(try wrap { () throws(DrillbookError) in try incidents.status(id) })
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close an incident (refused while a mandatory step is open).")
        @OptionGroup var options: Options
        @OptionGroup var asOf: AsOfOption
        @Argument var id: String

        func run() throws {
            let incidents = try options.incidents()
            let schedule = try? ScheduleDatabase.open(options.plan.databasePath, plan: options.plan.plan)
            let tabletop = try wrap { () throws(DrillbookError) in
                try incidents.close(id, scheduleStore: schedule, asOf: asOf.day)
            }
            printText("closed incident \(id)" + (tabletop.map { "; recorded \($0) as done" } ?? ""))
        }
    }

    struct ListIncidents: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every incident, oldest first: open, closed or cancelled.")
        @OptionGroup var options: Options
        @Flag(help: "Only incidents still open.") var open = false
        @Flag(help: "Only incidents closed or cancelled.") var closed = false
        @Option(help: "Only this school's.") var school: String?
        @Flag(help: "One JSON object per incident.") var json = false

        func validate() throws {
            if open && closed { throw ValidationError("give --open or --closed, not both") }
        }

        func run() throws {
            let incidents = try options.incidents()
            let list = try wrap { () throws(DrillbookError) in
                try incidents.list(status: open ? "open" : closed ? "closed" : nil, school: school)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                print(String(decoding: try encoder.encode(list), as: UTF8.self))
                return
            }
            if list.isEmpty { printText("no incidents") }
            for incident in list {
                printText(
                    "\(incident.id)  \(incident.opened)  \(incident.school)  \(incident.playbook)"
                        + (incident.exercise ? "  EXERCISE" : "") + "  \(incident.status)"
                        + (incident.openSteps.isEmpty ? "" : " (\(incident.openSteps.count) steps open)"))
            }
        }
    }

    struct SignoffLink: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signoff-link",
            abstract: "Ask a role's holder to sign off a step themselves: a single-use link (24 hours), mailed to them."
        )
        @OptionGroup var options: Options
        @Argument var id: String
        @Argument var step: String
        @Option(help: "The role whose sign-off the step requires (le_liaison, ...).") var role: String

        func run() throws {
            let incidents = try options.incidents()
            let resources = try options.plan.resources()
            let made = try wrap { () throws(DrillbookError) in
                try incidents.requestSignoff(id, step: step, role: role, resources: resources)
            }
            print(made.link)
            print(made.mailed)
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an incident opened by mistake or twice: kept and marked, never reported late.")
        @OptionGroup var options: Options
        @Argument var id: String
        @Option(help: "Why (opened by mistake, a duplicate of 2027-0003, ...).") var why: String

        func run() throws {
            let incidents = try options.incidents()
            _ = try wrap { () throws(DrillbookError) in try incidents.act(id, .cancel(why: why)) }
            printText("cancelled incident \(id)")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The timeline of every action, with who, when and why.")
        @OptionGroup var options: Options
        @Argument var id: String
        @Option(help: "md or html.") var format = "md"

        func validate() throws {
            guard ["md", "html"].contains(format) else { throw ValidationError("--format must be md or html") }
        }

        func run() throws {
            let incidents = try options.incidents()
            let report = try wrap { () throws(DrillbookError) in try incidents.report(id, html: format == "html") }
            print(format == "html" ? report : terminalSafe(report), terminator: "")
        }
    }
}
