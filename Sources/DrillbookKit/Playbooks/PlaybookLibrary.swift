import Foundation
public import Playbooks

/// The playbooks a district can run: the built-in ones in `Templates/playbooks/` and its own in
/// `playbooks/` beside the plan (which replace a built-in one of the same id).
public struct PlaybookLibrary: Sendable {
    public var playbooks: [String: Playbook]

    /// Reads every playbook; a file that cannot be read is an error naming it.
    public static func load(resources: Resources, planFolder: String?) throws(DrillbookError) -> PlaybookLibrary {
        var playbooks: [String: Playbook] = [:]
        let folders =
            [("\(resources.templates)/playbooks", true)] + (planFolder.map { [("\($0)/playbooks", false)] } ?? [])
        for (folder, builtIn) in folders {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
                $0.hasSuffix(".yaml")
            }.sorted()
            for file in files {
                do {
                    let playbook = try PlaybookReader.read(file: "\(folder)/\(file)", builtIn: builtIn)
                    playbooks[playbook.id] = playbook
                } catch {
                    throw .plan(error)
                }
            }
        }
        return PlaybookLibrary(playbooks: playbooks)
    }

    /// Reads one file on its own (for `playbook validate`), with the library for its calls.
    public func validate(file: String, builtIn: Bool = false) throws(DrillbookError) -> [PlaybookProblem] {
        let playbook: Playbook
        do { playbook = try PlaybookReader.read(file: file, builtIn: builtIn) } catch { throw .plan(error) }
        var problems = PlaybookValidator.problems(playbook, knownPlaybooks: Set(playbooks.keys).union([playbook.id]))
        if problems.isEmpty {
            var library = self
            library.playbooks[playbook.id] = playbook
            do {
                problems += PlaybookValidator.problems(try library.resolve(playbook.id))
            } catch {
                problems.append(PlaybookProblem(file: file, line: 1, message: error.description))
            }
        }
        return problems
    }

    /// A playbook with every `call` replaced by the called playbook's steps (ids prefixed with the
    /// call's id), so an incident is one state machine.
    public func resolve(_ id: String, seen: [String] = []) throws(DrillbookError) -> Playbook {
        guard var playbook = playbooks[id] else {
            throw .usage("playbook \"\(id)\" is unknown (known: \(playbooks.keys.sorted().joined(separator: ", ")))")
        }
        guard !seen.contains(id) else {
            throw .usage("playbook \(id) calls itself through \(seen.joined(separator: " -> "))")
        }
        var steps: [Step] = []
        for var step in playbook.steps {
            guard step.kind == .call, let subID = step.playbook else {
                steps.append(step)
                continue
            }
            let sub = try resolve(subID, seen: seen + [id])
            let prefix = "\(step.id)/"
            let ends = Set(sub.steps.filter { $0.kind == .end }.map(\.id))
            func map(_ target: String) -> String? { ends.contains(target) ? step.next : prefix + target }
            step.children = [map(sub.start)].compactMap(\.self)
            if step.title == step.id { step.title = "Run \(sub.title)" }
            steps.append(step)
            for var inner in sub.steps where inner.kind != .end {
                inner.id = prefix + inner.id
                inner.next = inner.next.flatMap(map)
                inner.options = inner.options.compactMap { option in
                    map(option.next).map { Step.Option(name: option.name, next: $0) }
                }
                inner.children = inner.children.compactMap(map)
                inner.parent = inner.parent.map { prefix + $0 }
                switch inner.due {
                case .after(let other, let minutes): inner.due = .after(step: prefix + other, minutes: minutes)
                // T+ in a called playbook counts from when it was entered.
                case .fromStart(let minutes): inner.due = .after(step: step.id, minutes: minutes)
                case nil: break
                }
                steps.append(inner)
            }
            playbook.roles.merge(sub.roles) { own, _ in own }
            playbook.facts.merge(sub.facts) { own, _ in own }
            playbook.sources.merge(sub.sources) { own, _ in own }
        }
        playbook.steps = steps
        return playbook
    }
}
