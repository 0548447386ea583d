/// A fault in a playbook, on its line.
public struct PlaybookProblem: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// The checks a playbook must pass before it runs: every reference resolves, every step is reachable
/// and can reach an end, loops are bounded repeats, urgent steps have deadlines, built-in steps cite a
/// source, and no confidential fact flows into any notice.
public enum PlaybookValidator {
    public static func problems(_ playbook: Playbook, knownPlaybooks: Set<String> = []) -> [PlaybookProblem] {
        var found: [PlaybookProblem] = []
        func report(_ step: Step?, _ message: String) {
            found.append(PlaybookProblem(file: playbook.file, line: step?.line ?? 1, message: message))
        }
        let ids = Set(playbook.steps.map(\.id))
        var seen = Set<String>()
        for step in playbook.steps where !seen.insert(step.id).inserted {
            report(step, "step id \"\(step.id)\" is used twice")
        }
        guard ids.contains(playbook.start) else {
            report(nil, "start \"\(playbook.start)\" is not a step")
            return found
        }
        for step in playbook.steps {
            let name = "step \(step.id)"
            func role(_ id: String, _ what: String) {
                if !playbook.roles.keys.contains(id) {
                    report(
                        step,
                        "\(name): \(what) \"\(id)\" is not a declared role (\(playbook.roles.keys.sorted().joined(separator: ", ")))"
                    )
                }
            }
            func fact(_ id: String) {
                if playbook.facts[id] == nil {
                    report(
                        step,
                        "\(name): fact \"\(id)\" is not declared (\(playbook.facts.keys.sorted().joined(separator: ", ")))"
                    )
                }
            }
            func target(_ id: String, _ what: String) {
                if !ids.contains(id) { report(step, "\(name): \(what) \"\(id)\" is not a step") }
            }
            if let owner = step.owner { role(owner, "owner") }
            for id in step.escalateTo { role(id, "escalation to") }
            for requirement in step.requires {
                switch requirement {
                case .facts(let facts): facts.forEach(fact)
                case .signoff(let id): role(id, "sign-off by")
                case .note, .attachment: break
                }
            }
            if let next = step.next { target(next, "next") }
            for option in step.options { target(option.next, "option \"\(option.name)\" leads to") }
            for child in step.children { target(child, step.kind == .repeat ? "body" : "branch") }
            if step.kind == .decision && step.options.isEmpty { report(step, "\(name): a decision needs options") }
            if step.urgent && step.due == nil { report(step, "\(name): an urgent step needs a deadline (due: T+15m)") }
            if case .after(let other, _) = step.due { target(other, "deadline after") }
            if playbook.builtIn && step.source == nil && step.kind != .end {
                report(step, "\(name): a built-in step must cite a source")
            }
            if let source = step.source, let base = source.split(separator: "#").first,
                playbook.sources[String(base)] == nil
            {
                report(step, "\(name): source \"\(base)\" is not one of the playbook's sources")
            }
            if step.kind == .repeat {
                if step.max == nil { report(step, "\(name): a repeat must be bounded (max: N)") }
                if step.children.isEmpty { report(step, "\(name): a repeat needs a body") }
                if let until = step.until { fact(until.fact) }
            }
            if step.kind == .parallel && step.children.isEmpty {
                report(step, "\(name): a parallel step needs branches")
            }
            if step.kind == .call, let sub = step.playbook, !knownPlaybooks.isEmpty, !knownPlaybooks.contains(sub) {
                report(step, "\(name): playbook \"\(sub)\" is unknown")
            }
            // A notice is read outside the team (and logged in the report): no confidential fact in
            // any, staff's included.
            if step.kind == .notify, let message = step.message {
                do throws(IncidentError) {
                    // Every declared fact given a value: what is left over is a name that is not a fact.
                    let sample = playbook.facts.mapValues { _ in "x" }
                    let unknown = try NoticeText(message).render(facts: sample, playbook: playbook).unknown
                    if !unknown.isEmpty {
                        report(
                            step,
                            "\(name): the message names \(unknown.joined(separator: ", ")), not facts of this playbook "
                                + "(write {{facts.NAME}}; facts: \(playbook.facts.keys.sorted().joined(separator: ", ")))"
                        )
                    }
                } catch { report(step, "\(name): \(error.message)") }
                // Read as text, not rendered: a confidential name anywhere in the message, even in a
                // section or a comment, is refused.
                for (id, fact) in playbook.facts where fact.confidential && message.contains("facts.\(id)") {
                    report(
                        step,
                        "\(name): confidential fact \"\(id)\" must not appear in a notice (to \(step.audience ?? "anyone")); it stays in the incident file"
                    )
                }
            }
            if step.kind != .end && step.parent == nil && step.next == nil && step.options.isEmpty {
                report(step, "\(name): has no next step (every path must reach an end)")
            }
        }
        guard found.isEmpty else { return found }
        flow(playbook, report: report)
        return found
    }

    /// Reachability, paths to an end, and loops that are not bounded repeats.
    private static func flow(_ playbook: Playbook, report: (Step?, String) -> Void) {
        let byID = Dictionary(playbook.steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // The step a finished step hands on to: its own next, or its container's.
        func successors(_ step: Step) -> [String] {
            var result = step.options.map(\.next) + (step.next.map { [$0] } ?? [])
            if step.kind == .parallel || step.kind == .repeat || step.kind == .call { result += step.children }
            if let parent = step.parent, step.next == nil, step.options.isEmpty, let container = byID[parent] {
                result += container.next.map { [$0] } ?? []
            }
            return result
        }
        var reachable = Set<String>()
        var frontier = [playbook.start]
        while let id = frontier.popLast() {
            guard reachable.insert(id).inserted, let step = byID[id] else { continue }
            frontier += successors(step)
        }
        for step in playbook.steps where !reachable.contains(step.id) {
            report(step, "step \(step.id) can never be reached from \(playbook.start)")
        }
        // Which steps can reach an end, walking backwards from the ends.
        var predecessors: [String: [String]] = [:]
        for step in playbook.steps { for next in successors(step) { predecessors[next, default: []].append(step.id) } }
        var ending = Set(playbook.steps.filter { $0.kind == .end }.map(\.id))
        var queue = Array(ending)
        while let id = queue.popLast() {
            for previous in predecessors[id] ?? [] where ending.insert(previous).inserted { queue.append(previous) }
        }
        for step in playbook.steps where reachable.contains(step.id) && !ending.contains(step.id) {
            report(step, "step \(step.id) never reaches an end")
        }
        // Loops: a cycle of next/option edges (repeats loop through their body, not through edges).
        var state: [String: Int] = [:]  // 1 on the path, 2 finished
        func visit(_ id: String, _ path: [String]) {
            state[id] = 1
            for next in (byID[id].map { $0.options.map(\.next) + ($0.next.map { [$0] } ?? []) } ?? []) {
                if state[next] == 1 {
                    let loop = path.drop { $0 != next } + [id]
                    report(byID[next], "loop through \(Array(loop).joined(separator: " -> ")) is not a bounded repeat")
                } else if state[next] == nil {
                    visit(next, path + [id])
                }
            }
            state[id] = 2
        }
        visit(playbook.start, [])
    }
}
