import Testing

@testable import Playbooks

/// Each validation error on a small malformed playbook.
@Suite struct PlaybookValidatorTests {
    static func step(_ id: String, _ kind: Step.Kind = .task, next: String? = nil, line: Int = 1) -> Step {
        var step = Step(id: id, kind: kind, title: id)
        step.next = next
        step.line = line
        step.source = "local"
        step.owner = kind == .end ? nil : "lead"
        return step
    }

    static func playbook(_ steps: [Step], start: String = "a") -> Playbook {
        Playbook(
            id: "test", version: "1", title: "Test", sources: ["local": "Local"],
            roles: ["lead": Role(id: "lead", title: "Lead")],
            facts: ["secret": Fact(id: "secret", kind: .text, confidential: true)],
            start: start, steps: steps, file: "test.yaml", builtIn: true)
    }

    func messages(_ steps: [Step], start: String = "a") -> [String] {
        PlaybookValidator.problems(Self.playbook(steps, start: start)).map(\.description)
    }

    @Test func aSoundPlaybookHasNoProblems() {
        #expect(messages([Self.step("a", next: "b"), Self.step("b", .end)]).isEmpty)
    }

    @Test func eachFaultIsNamedOnItsLine() {
        var urgent = Self.step("a", next: "z", line: 4)
        urgent.urgent = true
        urgent.owner = "boss"
        var decision = Self.step("d", .decision, line: 9)
        decision.source = nil
        var notice = Self.step("n", .notify, next: "e", line: 12)
        notice.audience = "families"
        notice.message = "Threat: {{facts.secret}}"
        notice.requires = [.facts(["missing"])]
        let found = messages([urgent, decision, notice, Self.step("e", .end)])
        #expect(found.contains("test.yaml:4: step a: owner \"boss\" is not a declared role (lead)"))
        #expect(found.contains("test.yaml:4: step a: next \"z\" is not a step"))
        #expect(found.contains("test.yaml:4: step a: an urgent step needs a deadline (due: T+15m)"))
        #expect(found.contains("test.yaml:9: step d: a decision needs options"))
        #expect(found.contains("test.yaml:9: step d: a built-in step must cite a source"))
        #expect(
            found.contains(
                "test.yaml:12: step n: confidential fact \"secret\" must not appear in a notice (to families); it stays in the incident file"
            ))
        #expect(found.contains("test.yaml:12: step n: fact \"missing\" is not declared (secret)"))
    }

    /// A message that is not a template, or names something that is not a declared fact, is found
    /// when the playbook is loaded, not when the notice is due.
    @Test func aNoticeMustBeATemplateOverDeclaredFacts() {
        var broken = Self.step("a", .notify, next: "b", line: 5)
        broken.message = "Seen on {{#facts.platform}}"
        var stray = Self.step("b", .notify, next: "e", line: 7)
        stray.message = "Seen on {{platform}}, {{facts.platfrom}}{{^facts.secret}}{{/facts.secret}}"
        let found = messages([broken, stray, Self.step("e", .end)])
        #expect(found.contains { $0.hasPrefix("test.yaml:5: step a: the message is not a valid template") })
        #expect(
            found.contains(
                "test.yaml:7: step b: the message names facts.platfrom, platform, not facts of this playbook (write {{facts.NAME}}; facts: secret)"
            ))
    }

    /// Staff notices are read outside the team and logged in the report: no confidential fact there either.
    @Test func aConfidentialFactInAStaffNoticeIsRefused() {
        var notice = Self.step("a", .notify, next: "e", line: 5)
        notice.audience = "staff"
        notice.message = "Threat: {{facts.secret}}"
        #expect(
            messages([notice, Self.step("e", .end)]).contains(
                "test.yaml:5: step a: confidential fact \"secret\" must not appear in a notice (to staff); it stays in the incident file"
            ))
    }

    @Test func unreachableStepsAndDeadEndsAreFound() {
        var loop = Self.step("b", next: "a", line: 3)
        loop.line = 3
        let found = messages([
            Self.step("a", next: "b", line: 2), loop, Self.step("c", next: "end", line: 5),
            Self.step("end", .end, line: 6),
        ])
        #expect(found.contains("test.yaml:5: step c can never be reached from a"))
        #expect(found.contains("test.yaml:2: step a never reaches an end"))
        #expect(found.contains { $0.contains("loop through a -> b is not a bounded repeat") })
    }

    @Test func aRepeatMustBeBounded() {
        var repeatStep = Self.step("r", .repeat, next: "e", line: 7)
        repeatStep.children = ["body"]
        var body = Self.step("body")
        body.parent = "r"
        let found = messages([Self.step("a", next: "r"), repeatStep, body, Self.step("e", .end)])
        #expect(found.contains("test.yaml:7: step r: a repeat must be bounded (max: N)"))
    }
}
