import Planning
import Playbooks

/// Every contact role the plan relies on, checked against each school's contacts: an activity's
/// owner and who must be present, the alert ladder's recipients, the families notices'
/// communications contact, and the roles of the built-in playbooks. A misspelt role is named where
/// it is written, with the nearest role; a role a school lacks is named at that school's contacts.
enum PlanRoles {
    /// Where things stand in the plan file, for errors.
    struct Positions {
        var file: String
        var schools: [String: YAMLValue] = [:]
        var activities: [String: YAMLValue] = [:]
        var ladder: YAMLValue?
    }

    static func check(_ plan: Plan, positions: Positions, playbooks: PlaybookLibrary?) throws(PlanError) {
        // (role, who needs it, where it is written when the plan or a template says it)
        var needs: [(role: String, by: String, at: YAMLValue?)] = []
        for activity in plan.activities {
            let at = positions.activities[activity.id]
            needs.append((activity.owner, "activity \(activity.id) (owner)", at))
            for role in activity.presence { needs.append((role, "activity \(activity.id) (presence)", at)) }
            if activity.notice.familiesDays != nil {
                needs.append(("communications", "the families notices of \(activity.id)", nil))
            }
        }
        for step in AlertLadder.steps {
            for role in plan.ladder.roles[step] ?? [] where role != "owner" {
                needs.append((role, "the alert ladder (\(step))", positions.ladder))
            }
        }
        for playbook in (playbooks?.playbooks.values.sorted { $0.id < $1.id }) ?? [] {
            for role in playbook.roles.values.sorted(by: { $0.id < $1.id }) {
                guard let contact = role.contact else { continue }
                // A role with alternates is filled by any of them: check the first only when none exist.
                needs.append(
                    (
                        ([contact] + role.alternates).joined(separator: "|"),
                        "the \(playbook.id) playbook (\(role.id))", nil
                    ))
            }
        }
        let known = Set(plan.schools.flatMap { $0.school.contacts.keys })
        // The schools lacking a role (and each of its alternates), worked out once per role: a
        // plan names the same few roles in dozens of places, and asking a state's 10,000 schools
        // again for each place was a quarter of loading its plan.
        var lacking: [String: [Int]] = [:]
        func schoolsLacking(_ choices: [String], role: String) -> [Int] {
            if let known = lacking[role] { return known }
            let found = plan.schools.indices.filter { index in
                !choices.contains { plan.schools[index].school.contacts[$0] != nil }
            }
            lacking[role] = found
            return found
        }
        var problems: [PlanError] = []
        for need in needs {
            let choices = need.role.split(separator: "|").map(String.init)
            if choices.contains("district.safety_lead") {
                if plan.district.safetyLead == nil {
                    problems.append(
                        PlanError(
                            file: positions.file, line: 0, field: "district.safety_lead",
                            message: "is missing, and \(need.by) needs it"))
                }
                continue
            }
            // Written wrong where it is written: no school has it, but one role is close.
            if let at = need.at, choices.count == 1, !known.contains(choices[0]),
                let near = nearest(choices[0], in: Array(known))
            {
                problems.append(
                    at.fail(
                        "\(need.by): \"\(choices[0])\" names no contact of any school (did you mean \(near)?)"))
                continue
            }
            for index in schoolsLacking(choices, role: need.role) {
                let planned = plan.schools[index]
                let at = positions.schools[planned.school.id]
                let message =
                    "\(planned.school.id) has no \(choices.joined(separator: " or ")) contact, which \(need.by) needs "
                    + "(it has: \(planned.school.contacts.keys.sorted().joined(separator: ", ")))"
                problems.append(
                    at.map { $0.fail(message) }
                        ?? PlanError(file: positions.file, line: 0, field: "schools", message: message))
            }
        }
        // One error per place and role, in file order.
        var seen: Set<String> = []
        let unique = problems.filter { seen.insert("\($0)").inserted }
        guard let first = unique.first else { return }
        if unique.count == 1 { throw first }
        throw PlanError(
            file: first.file, line: first.line, field: first.field,
            message: first.message + "\n" + unique.dropFirst().map(\.description).joined(separator: "\n"))
    }
}
