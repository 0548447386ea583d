import Foundation
import Mustache

/// An RFC 5322 message rendered from a Mustache template whose first line is `Subject: ...`.
struct MailMessage {
    var from: String
    var to: String
    var subject: String
    var body: String
    var itemID: String

    /// Renders `Templates/mail/<name>.mustache` with `values`.
    static func render(
        template name: String, templates folder: String, values: [String: Any], from: String, to: String, itemID: String
    ) throws(DrillbookError) -> MailMessage {
        let path = "\(folder)/mail/\(name).mustache"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("\(path): mail template missing")
        }
        let template: MustacheTemplate
        do { template = try MustacheTemplate(string: String(decoding: data, as: UTF8.self)) } catch {
            throw .usage("\(path): not a valid Mustache template (\(error))")
        }
        let text = template.render(values).trimmingCharacters(in: .newlines)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("Subject: ") else {
            throw .usage("\(path): the first line must be \"Subject: ...\"")
        }
        let body = lines.dropFirst().drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n")
        return MailMessage(from: from, to: to, subject: String(first.dropFirst(9)), body: body + "\n", itemID: itemID)
    }

    /// The message as the sendmail interface takes it (`sendmail -t` reads the recipients from To:).
    var text: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return [
            "From: \(Self.headerValue(from))", "To: \(Self.headerValue(to))",
            "Subject: \(Self.encodedWord(Self.headerValue(subject)))",
            "Date: \(formatter.string(from: Date()))",
            "Message-ID: <\(UUID().uuidString.lowercased())@drillbook>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
            "X-Drillbook-Item: \(Self.headerValue(itemID))",
            "",
            body,
        ].joined(separator: "\n")
    }

    /// A header value with every CR, LF and other control character turned into a space: a school
    /// name or title carrying "\r\nBcc: ..." can never add a header.
    static func headerValue(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// RFC 2047: a subject with non-ASCII characters travels base64-encoded.
    static func encodedWord(_ text: String) -> String {
        text.allSatisfy(\.isASCII) ? text : "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
