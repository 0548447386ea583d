/// The incident state machine: replays events into state, and turns an action into the events it
/// adds, or refuses it (then nothing is written). Pure: time and actor are given.
public enum IncidentEngine {
    /// The state the events lead to.
    public static func state(_ playbook: Playbook, _ events: [IncidentEvent]) -> IncidentState {
        var state = IncidentState()
        for event in events { apply(event, to: &state, playbook) }
        return state
    }

    /// The events that open an incident: started, each role bound, the facts given.
    public static func open(
        _ playbook: Playbook, school: String, exercise: Bool, holders: [String: String], facts: [String: String],
        at: Int,
        actor: String
    ) throws(IncidentError) -> [IncidentEvent] {
        var events = [
            IncidentEvent(
                kind: .started, at: at, actor: actor,
                data: [
                    "playbook": playbook.id, "version": playbook.version, "hash": playbook.contentHash,
                    "school": school,
                    "exercise": exercise ? "true" : "false",
                ])
        ]
        for (role, person) in holders.sorted(by: { $0.key < $1.key }) {
            events.append(
                IncidentEvent(kind: .roleBound, at: at, actor: actor, data: ["role": role, "holder": person]))
        }
        try checkFacts(facts, playbook)
        for (name, value) in facts.sorted(by: { $0.key < $1.key }) {
            events.append(IncidentEvent(kind: .factSet, at: at, actor: actor, data: ["fact": name, "value": value]))
        }
        return events
    }

    /// The events an action adds, or why it is refused.
    public static func events(
        for action: IncidentAction, playbook: Playbook, events history: [IncidentEvent], at: Int, actor: String
    ) throws(IncidentError) -> [IncidentEvent] {
        let state = state(playbook, history)
        guard !state.closed else { throw IncidentError("the incident is closed") }
        func openStep(_ id: String) throws(IncidentError) -> Step {
            guard let step = playbook.step(id) else {
                throw IncidentError("step \"\(id)\" is not in playbook \(playbook.id)")
            }
            guard state.open.contains(id) else {
                let open = state.open.isEmpty ? "none" : state.open.joined(separator: ", ")
                throw IncidentError("step \(id) is not open now (open: \(open))")
            }
            return step
        }
        switch action {
        case .setFacts(let facts):
            try checkFacts(facts, playbook)
            return facts.sorted { $0.key < $1.key }.map {
                IncidentEvent(kind: .factSet, at: at, actor: actor, data: ["fact": $0.key, "value": $0.value])
            }
        case .assign(let id, let role):
            _ = try openStep(id)
            guard playbook.roles[role] != nil else {
                throw IncidentError("role \"\(role)\" is not in playbook \(playbook.id)")
            }
            return [IncidentEvent(kind: .assigned, at: at, actor: actor, step: id, data: ["role": role])]
        case .skip(let id, let why):
            let step = try openStep(id)
            guard !step.mandatory else { throw IncidentError("step \(id) is mandatory and cannot be skipped") }
            guard !why.isEmpty else { throw IncidentError("skipping \(id) needs --why") }
            return [IncidentEvent(kind: .stepSkipped, at: at, actor: actor, step: id, data: ["why": why])]
        case .decide(let id, let option, let why, let signoffs):
            let step = try openStep(id)
            guard step.kind == .decision else {
                throw IncidentError("step \(id) is a \(step.kind.rawValue), not a decision: use --done")
            }
            guard step.options.contains(where: { $0.name == option }) else {
                throw IncidentError(
                    "\"\(option)\" is not an option of \(id) (options: \(step.options.map(\.name).joined(separator: ", ")))"
                )
            }
            if step.rationaleRequired && why.isEmpty { throw IncidentError("deciding \(id) needs --why") }
            try checkRequirements(step, state: state, note: why, signoffs: signoffs, newFacts: [:])
            let signed = signoffs.map {
                IncidentEvent(kind: .signedOff, at: at, actor: actor, step: id, data: ["role": $0])
            }
            let seen = state.facts.filter { playbook.facts[$0.key]?.confidential != true }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            return signed + [
                IncidentEvent(
                    kind: .decided, at: at, actor: actor, step: id, data: ["option": option, "why": why, "facts": seen])
            ]
        case .done(let id, let note, let signoffs, let facts):
            let step = try openStep(id)
            // A repeat's later rounds keep its cadence in a live incident: a weekly check-in once a
            // week. Exercises run at the table's pace.
            if !state.exercise, let parent = step.parent, let container = playbook.step(parent),
                container.kind == .repeat, let every = container.everyMinutes, (state.iterations[parent] ?? 0) > 0,
                let opened = state.openedAt[id], at < opened + every * 60
            {
                throw IncidentError(
                    "step \(id) repeats every \(Self.span(every)): its next round opens \(Self.span((opened + every * 60 - at + 59) / 60)) from now"
                )
            }
            guard step.kind != .decision else {
                throw IncidentError("step \(id) is a decision: use --decide OPTION --why TEXT")
            }
            try checkFacts(facts, playbook)
            try checkRequirements(step, state: state, note: note, signoffs: signoffs, newFacts: facts)
            var added = facts.sorted { $0.key < $1.key }.map {
                IncidentEvent(kind: .factSet, at: at, actor: actor, data: ["fact": $0.key, "value": $0.value])
            }
            for role in signoffs {
                added.append(IncidentEvent(kind: .signedOff, at: at, actor: actor, step: id, data: ["role": role]))
            }
            if step.kind == .notify {
                let message: String
                do throws(IncidentError) {
                    message = try render(
                        step.message ?? step.title, facts: state.facts.merging(facts) { $1 }, playbook: playbook)
                } catch { throw IncidentError("step \(id): \(error.message)") }
                let simulated = state.exercise
                added.append(
                    IncidentEvent(
                        kind: simulated ? .noticeSimulated : .noticeSent, at: at, actor: actor, step: id,
                        data: ["audience": step.audience ?? "", "message": message]))
            }
            added.append(
                IncidentEvent(kind: .stepDone, at: at, actor: actor, step: id, data: note.map { ["note": $0] } ?? [:]))
            return added
        case .close:
            let blocking = state.open.filter { playbook.step($0)?.mandatory ?? false }
            guard blocking.isEmpty else {
                throw IncidentError("cannot close: mandatory steps are open: \(blocking.joined(separator: ", "))")
            }
            return [IncidentEvent(kind: .closed, at: at, actor: actor)]
        case .cancel(let why):
            guard why.contains(where: { !$0.isWhitespace }) else {
                throw IncidentError("cancelling needs --why (opened by mistake, a duplicate of ...)")
            }
            return [IncidentEvent(kind: .cancelled, at: at, actor: actor, data: ["why": why])]
        }
    }

    /// `7d`, `1h`, `1h 30m`, `45m`.
    static func span(_ minutes: Int) -> String {
        if minutes % 1440 == 0 { return "\(minutes / 1440)d" }
        if minutes >= 60 { return "\(minutes / 60)h" + (minutes % 60 == 0 ? "" : " \(minutes % 60)m") }
        return "\(minutes)m"
    }

    /// A notice's text with facts filled in (``NoticeText``); confidential facts never reach a notice,
    /// whoever reads it, and a notice that names a fact not set yet is refused, not sent with a gap.
    public static func render(_ text: String, facts: [String: String], playbook: Playbook) throws(IncidentError)
        -> String
    {
        let filled = try NoticeText(text).render(facts: facts, playbook: playbook)
        if !filled.unknown.isEmpty {
            throw IncidentError(
                "the notice names \(filled.unknown.joined(separator: ", ")), not facts of playbook \(playbook.id) "
                    + "(facts: \(playbook.facts.keys.sorted().joined(separator: ", ")))")
        }
        if !filled.unset.isEmpty {
            throw IncidentError(
                "the notice names facts not set yet: "
                    + filled.unset.map { "--fact \($0)=VALUE" }.joined(separator: " "))
        }
        return filled.text
    }

    // MARK: - Checks

    static func checkFacts(_ facts: [String: String], _ playbook: Playbook) throws(IncidentError) {
        for (name, value) in facts {
            guard let fact = playbook.facts[name] else {
                throw IncidentError(
                    "fact \"\(name)\" is not in playbook \(playbook.id) (facts: \(playbook.facts.keys.sorted().joined(separator: ", ")))"
                )
            }
            if case .choice(let values) = fact.kind, !values.contains(value) {
                throw IncidentError("fact \(name) \"\(value)\" is not one of \(values.joined(separator: ", "))")
            }
        }
    }

    static func checkRequirements(
        _ step: Step, state: IncidentState, note: String?, signoffs: [String], newFacts: [String: String]
    ) throws(IncidentError) {
        for requirement in step.requires {
            switch requirement {
            case .facts(let names):
                let missing = names.filter { state.facts[$0] == nil && newFacts[$0] == nil }
                if !missing.isEmpty {
                    throw IncidentError(
                        "step \(step.id) needs the facts " + missing.joined(separator: ", ") + " (--fact NAME=VALUE)")
                }
            case .note:
                if (note ?? "").isEmpty { throw IncidentError("step \(step.id) needs a note (--note TEXT)") }
            case .signoff(let role):
                if !signoffs.contains(role) && !(state.signoffs[step.id]?.contains(role) ?? false) {
                    throw IncidentError("step \(step.id) needs a sign-off by \(role) (--signoff \(role))")
                }
            case .attachment:
                if (note ?? "").isEmpty { throw IncidentError("step \(step.id) needs an attachment named in --note") }
            }
        }
    }

    // MARK: - Replay

    private static func apply(_ event: IncidentEvent, to state: inout IncidentState, _ playbook: Playbook) {
        switch event.kind {
        case .started:
            state.started = event.at
            state.exercise = event.data["exercise"] == "true"
            activate(playbook.start, at: event.at, state: &state, playbook)
        case .roleBound: if let role = event.data["role"] { state.holders[role] = event.data["holder"] }
        case .factSet: if let name = event.data["fact"] { state.facts[name] = event.data["value"] }
        case .assigned: if let step = event.step { state.assigned[step] = event.data["role"] }
        case .signedOff:
            // A holder who disagrees answered, but did not sign off.
            if let step = event.step, let role = event.data["role"], event.data["answer"] != "disagree" {
                state.signoffs[step, default: []].insert(role)
            }
        case .escalated:
            if let step = event.step, let role = event.data["role"], state.alerted[step]?[role] == nil {
                state.alerted[step, default: [:]][role] = event.at
            }
        case .acknowledged:
            if let step = event.step, state.acknowledged[step] == nil { state.acknowledged[step] = event.actor }
        case .noticeSent, .noticeSimulated, .received: break
        case .stepDone, .stepSkipped:
            if let id = event.step {
                finish(id, skipped: event.kind == .stepSkipped, option: nil, at: event.at, state: &state, playbook)
            }
        case .decided:
            if let id = event.step {
                finish(id, skipped: false, option: event.data["option"], at: event.at, state: &state, playbook)
            }
        case .closed:
            state.closed = true
            state.open = []
        case .cancelled:
            state.closed = true
            state.cancelled = event.data["why"] ?? ""
            state.open = []
        }
    }

    private static func activate(_ id: String, at: Int, state: inout IncidentState, _ playbook: Playbook) {
        guard let step = playbook.step(id) else { return }
        switch step.kind {
        case .end:
            state.done[id] = at
        case .call:
            // Entering a sub-playbook: its steps follow at once.
            state.done[id] = at
            for child in step.children { activate(child, at: at, state: &state, playbook) }
        case .parallel, .repeat:
            open(id, at: at, state: &state)
            for child in step.children { activate(child, at: at, state: &state, playbook) }
        default:
            open(id, at: at, state: &state)
        }
    }

    private static func open(_ id: String, at: Int, state: inout IncidentState) {
        if !state.open.contains(id) { state.open.append(id) }
        state.openedAt[id] = at
    }

    private static func finish(
        _ id: String, skipped: Bool, option: String?, at: Int, state: inout IncidentState, _ playbook: Playbook
    ) {
        guard let step = playbook.step(id) else { return }
        state.open.removeAll { $0 == id }
        if skipped { state.skipped.insert(id) } else { state.done[id] = at }
        if let option { state.decisions[id] = option }
        if let parent = step.parent, let container = playbook.step(parent) {
            if container.kind == .repeat {
                state.iterations[parent, default: 0] += 1
                let stop =
                    state.iterations[parent]! >= (container.max ?? 1) || (container.until?.holds(state.facts) ?? false)
                if stop {
                    state.open.removeAll { $0 == parent }
                    state.done[parent] = at
                    if let next = container.next { activate(next, at: at, state: &state, playbook) }
                } else {
                    open(id, at: at, state: &state)  // the next round of the body
                }
                return
            }
            if step.next == nil && step.options.isEmpty {
                let branchesLeft = container.children.contains { state.done[$0] == nil && !state.skipped.contains($0) }
                if !branchesLeft {
                    state.open.removeAll { $0 == parent }
                    state.done[parent] = at
                    if let next = container.next { activate(next, at: at, state: &state, playbook) }
                }
                return
            }
        }
        let next = option.flatMap { name in step.options.first { $0.name == name }?.next } ?? step.next
        if let next { activate(next, at: at, state: &state, playbook) }
    }
}
