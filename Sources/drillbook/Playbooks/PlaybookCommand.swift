import ArgumentParser
import DrillbookKit
import Foundation
import Playbooks

/// `drillbook playbook list | show ID | validate FILE...`.
struct PlaybookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playbook", abstract: "List, show and validate response playbooks.",
        subcommands: [ListPlaybooks.self, Show.self, ValidatePlaybooks.self])

    /// The library: built-in playbooks, and the district's beside the plan when there is one.
    static func library(_ templates: String?, plan: String) throws -> PlaybookLibrary {
        let resources: Resources
        do { resources = try Resources.locate(explicit: templates) } catch { throw Failure(error.description) }
        let folder = FileManager.default.fileExists(atPath: plan) ? (plan as NSString).deletingLastPathComponent : nil
        return try wrap { () throws(DrillbookError) in
            try PlaybookLibrary.load(resources: resources, planFolder: folder.map { $0.isEmpty ? "." : $0 })
        }
    }

    struct ListPlaybooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "The playbooks a district can run.")
        @Option(help: "The plan file (its playbooks/ folder adds to the built-in ones).") var plan = "drillbook.yaml"
        @Option(help: "Drillbook's Templates folder.") var templates: String?

        func run() throws {
            let library = try PlaybookCommand.library(templates, plan: plan)
            for playbook in library.playbooks.values.sorted(by: { $0.id < $1.id }) {
                printText(
                    "\(playbook.id.padded(to: 22)) \(playbook.version)  \(playbook.title)\(playbook.builtIn ? "" : "  (district)")"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A playbook's roles, facts and steps, sub-playbooks included.")
        @Argument(help: "The playbook's id.") var id: String
        @Option(help: "The plan file.") var plan = "drillbook.yaml"
        @Option(help: "Drillbook's Templates folder.") var templates: String?

        func run() throws {
            let library = try PlaybookCommand.library(templates, plan: plan)
            let playbook = try wrap { () throws(DrillbookError) in try library.resolve(id) }
            printText("\(playbook.id) \(playbook.version): \(playbook.title)")
            printText(
                "roles: "
                    + playbook.roles.values.sorted { $0.id < $1.id }.map { "\($0.id) (\($0.title))" }.joined(
                        separator: ", "))
            printText(
                "facts: "
                    + playbook.facts.values.sorted { $0.id < $1.id }.map {
                        $0.id + ($0.confidential ? " (confidential)" : "")
                    }.joined(separator: ", "))
            for step in playbook.steps where step.kind != .end {
                let indent = String(
                    repeating: "  ", count: step.id.filter { $0 == "/" }.count + (step.parent == nil ? 1 : 2))
                let options =
                    step.options.isEmpty
                    ? "" : " [" + step.options.map { "\($0.name) -> \($0.next)" }.joined(separator: ", ") + "]"
                printText(
                    "\(indent)\(step.id) (\(step.kind.rawValue)\(step.owner.map { ", \($0)" } ?? "")): \(step.title)\(options)"
                )
            }
        }
    }

    struct ValidatePlaybooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate", abstract: "Check playbook files: FILE:LINE: what is wrong; exit 1 on any.")
        @Argument(help: "Playbook files.") var files: [String]
        @Option(help: "The plan file.") var plan = "drillbook.yaml"
        @Option(help: "Drillbook's Templates folder.") var templates: String?

        func run() throws {
            let library = try PlaybookCommand.library(templates, plan: plan)
            var count = 0
            for file in files {
                let builtIn = file.contains("Templates/playbooks/")
                do {
                    let problems = try library.validate(file: file, builtIn: builtIn)
                    for problem in problems { printText(problem.description) }
                    count += problems.count
                } catch {
                    printError(error.description)
                    count += 1
                }
            }
            guard count == 0 else {
                printError("\(count) problem\(count == 1 ? "" : "s")")
                throw ExitStatus.error
            }
            printText("\(files.count) playbook\(files.count == 1 ? "" : "s") valid")
        }
    }
}
