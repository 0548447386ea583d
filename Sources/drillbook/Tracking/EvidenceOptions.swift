import ArgumentParser
import Planning

/// The evidence of a drill record as flags, by the field ids of shared/FORMATS.md (`--head-count`).
struct EvidenceOptions: ParsableArguments {
    @Option(help: "What was practised (scenario).") var scenario: String?
    @Option(help: "Who conducted it.") var conductedBy: String?
    @Option(help: "How occupants were notified (alarm, PA announcement, ...).") var notificationMethod: String?
    @Option(help: "How many took part (staff and students).") var headCount: String?
    @Option(help: "Students present.") var studentsPresent: String?
    @Option(help: "class, passing, lunch, arrival or dismissal.") var timeContext: String?
    @Option(
        help: ArgumentHelp(
            "Who was present: law_enforcement, fire, ems, emergency_management, school_resource_officer, mental_health or district_office (repeat for more; names and titles go in --note).",
            valueName: "role"))
    var present: [String] = []
    @Option(help: "The day families were told of the drill (2027-09-01), when no notice item records it.")
    var familiesNotified: String?
    @Option(help: "The day responders (police, fire, EMS) were told.") var respondersNotified: String?
    @Option(help: "Weather.") var weather: String?
    @Option(help: "Problems met.") var problems: String?
    @Option(help: "Time to evacuate (4m30s, 4:30).") var timeToEvacuate: String?
    @Option(help: "Time to account for everyone.") var timeToAccount: String?
    @Option(help: "What went well.") var strengths: String?
    @Option(help: "What to improve.") var improvements: String?
    @Option(help: "Who signed it off.") var signedOffBy: String?
    @Option(help: "A note.") var note: String?
    @Option(help: "A file kept as evidence (repeat for more).") var attachment: [String] = []

    var fields: [EvidenceField: String] {
        var result: [EvidenceField: String] = [:]
        let given: [(EvidenceField, String?)] = [
            (.scenario, scenario), (.conductedBy, conductedBy), (.notificationMethod, notificationMethod),
            (.headCount, headCount),
            (.studentsPresent, studentsPresent), (.timeContext, timeContext),
            (.present, present.isEmpty ? nil : present.joined(separator: "; ")),
            (.familiesNotified, familiesNotified), (.respondersNotified, respondersNotified), (.weather, weather),
            (.problems, problems), (.timeToEvacuate, timeToEvacuate),
            (.timeToAccount, timeToAccount),
            (.strengths, strengths), (.improvements, improvements), (.signedOffBy, signedOffBy), (.notes, note),
            (.attachments, attachment.isEmpty ? nil : attachment.joined(separator: "; ")),
        ]
        for case (let field, let value?) in given { result[field] = value }
        return result
    }
}
