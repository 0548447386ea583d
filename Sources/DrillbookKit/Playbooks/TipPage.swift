import Crypto
import Foundation
import Planning
import Playbooks
import Store

/// The anonymous tip page (`/tip/<district>`): a tip opens an incident for the threat assessment
/// team, and the tipster gets a receipt code to add to it later without saying who they are. Only
/// the code's SHA-256 is kept (as the tip's external id), so the database cannot show it again.
extension Incidents {
    /// The source name tips from the page carry.
    public static let tipSource = "tip-page"

    /// Opens the incident of a tip; `school` is a school's id, or `not-sure` for the district's team.
    public func tip(school: String, text: String, when: String?, contact: String?) throws(Intake.Refusal) -> (
        id: String, receipt: String
    ) {
        var problems: [String: String] = [:]
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if words.isEmpty { problems["text"] = "is empty: say what you saw or heard" }
        if words.count > 10_000 { problems["text"] = "is longer than 10,000 characters" }
        if school != "not-sure", !loaded.plan.schools.contains(where: { $0.school.id == school }) {
            problems["school"] = "is not one of the district's schools"
        }
        guard problems.isEmpty else { throw .badFields(problems) }
        let receipt = Self.receiptCode()
        var body = words
        if let when = when?.trimmingCharacters(in: .whitespaces), !when.isEmpty { body += "\nWhen: \(when)" }
        let report = Intake.Report(
            type: "tip", school: school == "not-sure" ? "district" : school, externalID: Self.receiptHash(receipt),
            channel: "tip page", text: body, source: nil, time: nil,
            reporter: contact.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }, attachments: [])
        let made = try open(report, source: Self.tipSource, districtWide: true)
        return (made.id, receipt)
    }

    /// Adds to the incident a receipt code opened; nil when the code is unknown.
    public func followUp(receipt: String, text: String) throws(Intake.Refusal) -> String? {
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !words.isEmpty, words.count <= 10_000 else {
            throw .badFields(["text": words.isEmpty ? "is empty" : "is longer than 10,000 characters"])
        }
        do {
            guard
                let id = try store.intakeIncident(source: Self.tipSource, externalID: Self.receiptHash(receipt))
            else { return nil }
            try store.append(
                [
                    IncidentEvent(
                        kind: .received, at: now, actor: "intake:\(Self.tipSource)",
                        data: ["source": Self.tipSource, "followup": "true", "text": words, "time": when(now)])
                ], to: id)
            return id
        } catch {
            throw .unprocessable(error.description)
        }
    }

    /// Twelve characters from an alphabet without look-alikes (60 bits), grouped by four.
    static func receiptCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let characters = (0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] }
        return stride(from: 0, to: 12, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The hash kept for a code, however it is typed back (case, spaces, dashes).
    static func receiptHash(_ code: String) -> String {
        let normalized = code.uppercased().filter { $0.isLetter || $0.isNumber }
        return SHA256.hash(data: Data(normalized.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
