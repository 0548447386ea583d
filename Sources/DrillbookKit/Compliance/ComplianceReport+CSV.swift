import Dates
import Planning

extension ComplianceReport {
    /// Fields a public posting leaves out: people's names, problems and notes.
    static let privateFields: Set<EvidenceField> = [
        .conductedBy, .signedOffBy, .problems, .notes, .improvements, .attachments, .agenciesPresent,
    ]

    /// The state drill log: one row per drill held, with the school's name, the local date and time
    /// and its zone, the drill in words, the evidence columns the rules require (and the time of day
    /// and who was present, which conditions read), and who recorded it when. `public` leaves out
    /// names, problems and notes, for a website posting. `drillbook import-log` reads it back.
    public func csv(public: Bool = false) -> String {
        var fields: [EvidenceField] = []
        for result in schools {
            let model = RequirementModel(ruleSets: rules, school: result.school, year: year)
            for completion in result.completions {
                guard
                    let event = DrillEvent.held(
                        completion, school: result.school, itemID: nil, firstRecordedOn: completion.recordedOn)
                else { continue }
                fields += model.obligations(event).requiredFields.filter { !fields.contains($0) }
            }
        }
        fields = EvidenceField.allCases.filter {
            (fields.contains($0) || $0 == .timeContext || $0 == .present) && $0 != .startedAt && $0 != .endedAt
                && !(`public` && Self.privateFields.contains($0))
        }
        var header = ["school", "school_name", "drill", "kind", "started_at", "ended_at", "time_zone"]
        header += fields.map(\.rawValue)
        header += `public` ? ["recorded_on"] : ["recorded_by", "recorded_on", "item"]
        var lines = [header.joined(separator: ",")]
        for result in schools {
            let ids = Dictionary(result.items.map { ($0.item.uid, $0.item.id) }, uniquingKeysWith: { a, _ in a })
            for completion in result.completions.sorted(by: { $0.startedAt < $1.startedAt }) {
                guard case .drill(let type) = completion.kind else { continue }
                let context =
                    completion.evidence[.timeContext]
                    ?? result.school.bellSchedule.context(
                        at: ClockTime(hour: completion.startedAt.hour, minute: completion.startedAt.minute))?.rawValue
                var row = [
                    result.school.id, result.school.name, Self.words(type), type, completion.startedAt.description,
                    completion.endedAt?.description ?? "", result.school.timeZone,
                ]
                row += fields.map { $0 == .timeContext ? context ?? "" : completion.evidence[$0] ?? "" }
                row +=
                    `public`
                    ? [completion.recordedOn.description]
                    : [
                        completion.recordedBy, completion.recordedOn.description,
                        completion.itemUID.flatMap { ids[$0] } ?? "",
                    ]
                lines.append(row.map(Self.cell).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The drill log as before: every field, for the district's own files.
    public var csv: String { csv(public: false) }

    /// `Shelter in place drill`.
    static func words(_ type: String) -> String {
        let name = String(type.map { $0 == "-" ? " " : $0 })
        return name.prefix(1).uppercased() + name.dropFirst() + " drill"
    }

    /// A CSV cell: quoted when it must be, and a leading `=`, `+`, `-` or `@` (or tab, CR) neutralised
    /// with a `'` so a spreadsheet never runs it as a formula. Tested by scalar (see `replacingScalars`).
    static func cell(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0.isLineEnd }) else { return text }
        return "\"" + replacingScalars(text) { $0 == "\"" ? "\"\"" : nil } + "\""
    }
}
