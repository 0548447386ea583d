import Crypto
import Dates
public import Foundation
import Planning
import Playbooks
import Store

/// Reports that arrive by themselves: tip lines and threat-alert services post JSON to
/// `/api/v1/intake`, signed with their source's secret.
public enum Intake {
    /// How long before its receipt a report's `time` may lie (30 days, in seconds).
    public static let oldestReport = 30 * 86400

    /// How far a signature's timestamp may be from the server's clock: older is a replay.
    public static let window = 300

    /// Why a report was refused: 401 (signature), 400 (each field named), 422 (unknown school or type).
    public enum Refusal: Error, Sendable {
        case unauthorized(String)
        case badFields([String: String])
        case unprocessable(String)
    }

    /// Checks `X-Drillbook-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>` in
    /// constant time, and the timestamp within `window` seconds of `now`.
    public static func verify(secret: String, timestamp: String, body: Data, signature: String, now: Int)
        -> Refusal?
    {
        guard let seconds = Int(timestamp) else { return .unauthorized("X-Drillbook-Timestamp is not unix seconds") }
        guard abs(now - seconds) <= window else {
            return .unauthorized("the timestamp is more than \(window / 60) minutes from the server's clock")
        }
        guard signature.hasPrefix("sha256="), let given = hexBytes(String(signature.dropFirst(7))) else {
            return .unauthorized("X-Drillbook-Signature is not sha256=<hex>")
        }
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(body)
        let valid = HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: message, using: SymmetricKey(data: Data(secret.utf8)))
        return valid ? nil : .unauthorized("the signature does not match")
    }

    /// The signature a source computes (for tests and the README's example).
    public static func sign(secret: String, timestamp: String, body: Data) -> String {
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// A report's fields, read strictly: each missing or mistyped one is named.
    struct Report {
        var type: String
        var school: String
        var externalID: String
        var channel: String?
        var text: String?
        var source: String?
        var time: String?
        var reporter: String?
        var attachments: [String]
    }

    static func read(_ body: Data) -> Result<Report, Refusal> {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.badFields(["body": "is not a JSON object"]))
        }
        var problems: [String: String] = [:]
        func string(_ name: String, required: Bool) -> String? {
            switch object[name] {
            case nil, is NSNull:
                if required { problems[name] = "is required" }
                return nil
            case let value as String:
                if required && value.trimmingCharacters(in: .whitespaces).isEmpty { problems[name] = "is empty" }
                if value.utf8.count > 100_000 { problems[name] = "is longer than 100,000 bytes" }
                return value
            default:
                problems[name] = "is not a string"
                return nil
            }
        }
        let type = string("type", required: true)
        let school = string("school", required: true)
        let externalID = string("external_id", required: true)
        let report = Report(
            type: type ?? "", school: school ?? "", externalID: externalID ?? "",
            channel: string("channel", required: false), text: string("text", required: false),
            source: string("source", required: false), time: string("time", required: false),
            reporter: string("reporter", required: false), attachments: [])
        var attachments: [String] = []
        if let list = object["attachments"], !(list is NSNull) {
            if let urls = list as? [String], urls.allSatisfy({ URL(string: $0)?.scheme?.hasPrefix("http") == true }) {
                attachments = urls
            } else {
                problems["attachments"] = "is not a list of http(s) URLs"
            }
        }
        guard problems.isEmpty else { return .failure(.badFields(problems)) }
        var read = report
        read.attachments = attachments
        return .success(read)
    }

    /// A report time: a date and time (`TimeInput`'s forms, not a date alone).
    public static func instant(_ text: String, zone: TimeZone) -> Int? {
        guard text.trimmingCharacters(in: .whitespaces).count > 10 else { return nil }
        return TimeInput.instant(text, zone: zone)
    }
}

extension Incidents {
    /// Opens the incident a signed report asks for (or finds the one the same source and external id
    /// opened before). Every field is kept in the incident's first event; deadlines run from the
    /// report's `time` (a time after receipt counts as receipt). `now` is the receipt.
    public func intake(_ body: Data, source: String) throws(Intake.Refusal) -> (id: String, created: Bool) {
        let report: Intake.Report
        switch Intake.read(body) {
        case .success(let read): report = read
        case .failure(let refusal): throw refusal
        }
        return try open(report, source: source, districtWide: false)
    }

    /// Opens (or finds) the incident of a report. `districtWide` lets a tip whose sender was not sure
    /// of the school go to the district's team (school `district`, every role the safety lead's).
    func open(_ report: Intake.Report, source: String, districtWide: Bool) throws(Intake.Refusal) -> (
        id: String, created: Bool
    ) {
        let contacts: [String: Contact]
        if districtWide && report.school == "district" {
            contacts = [:]
        } else if let planned = loaded.plan.schools.first(where: { $0.school.id == report.school }) {
            contacts = planned.school.contacts
        } else {
            throw .unprocessable(
                "school \"\(report.school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        guard let playbookID = Self.playbooksByReport[report.type] else {
            throw .unprocessable(
                "type \"\(report.type)\" is unknown (expected one of: \(Self.playbooksByReport.keys.sorted().joined(separator: ", ")))"
            )
        }
        let zone = TimeZone(identifier: loaded.plan.district.timeZone) ?? .current
        var reported = now
        if let time = report.time {
            guard let instant = Intake.instant(time, zone: zone) else {
                throw .badFields([
                    "time": "is not a date and time: expected \(TimeInput.forms)"
                ])
            }
            // A sender's clock set to the wrong year would open an incident with every step late at
            // once and every alert fired together: a report older than the bound is refused, not guessed at.
            guard instant >= now - Intake.oldestReport else {
                throw .badFields([
                    "time": "is more than \(Intake.oldestReport / 86400) days before receipt: check the sender's clock"
                ])
            }
            reported = min(instant, now)
        }
        do {
            let playbook = try library.resolve(playbookID)
            var facts: [String: String] = [:]
            if let text = report.text, playbook.facts["threat_text"] != nil { facts["threat_text"] = text }
            if let text = report.text, playbook.facts["threat_words"] != nil { facts["threat_words"] = text }
            if let channel = report.channel, case .choice(let values)? = playbook.facts["platform"]?.kind {
                facts["platform"] = values.contains(channel) ? channel : "other"
            }
            var received: [String: String] = [
                "source": source, "external_id": report.externalID, "type": report.type,
                "time": when(reported),
            ]
            received["channel"] = report.channel
            received["text"] = report.text
            received["reporter"] = report.reporter
            received["reported_by"] = report.source
            if !report.attachments.isEmpty { received["attachments"] = report.attachments.joined(separator: " ") }
            let actor = "intake:\(source)"
            let opening = try IncidentEngine.open(
                playbook, school: report.school, exercise: false,
                holders: holders(playbook, contacts: contacts, fallback: contacts.isEmpty), facts: facts,
                at: reported, actor: actor)
            let year = Calendar(identifier: .gregorian).component(
                .year, from: Date(timeIntervalSince1970: TimeInterval(reported)))
            let made = try store.open(
                playbook: playbook, school: report.school, exercise: false, year: year,
                events: [IncidentEvent(kind: .received, at: now, actor: actor, data: received)] + opening,
                intake: (source, report.externalID, Accounts.iso(Date(timeIntervalSince1970: TimeInterval(now)))))
            return made
        } catch let error as IncidentError {
            throw .unprocessable(error.description)
        } catch {
            throw .unprocessable("\(error)")
        }
    }
}
