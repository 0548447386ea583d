import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Delivers a message through the sendmail interface: a configured command (`sendmail -t -i`,
/// `msmtp -t`) that reads the message on standard input.
struct MailSender {
    var command: String

    /// Nil when delivered, else what went wrong.
    func send(_ message: MailMessage) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "cannot run \(command): \(error.localizedDescription)"
        }
        // A sendmail that exits without reading its input must fail the send, not kill Drillbook
        // (the executable ignores SIGPIPE, so a write to a closed pipe is an error here).
        var unread: String?
        do { try input.fileHandleForWriting.write(contentsOf: Data(message.text.utf8)) } catch {
            unread = "\(command) did not read the message (\(error.localizedDescription))"
        }
        try? input.fileHandleForWriting.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if let unread, process.terminationStatus == 0 { return unread }
        guard process.terminationStatus == 0 else {
            let said = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(command) exited \(process.terminationStatus)" + (said.isEmpty ? "" : ": \(said)")
        }
        return nil
    }
}

/// Posts a JSON alert to an HTTP endpoint (Slack and Teams incoming webhooks read its `text`).
struct WebhookSender {
    var url: URL
    var timeout: TimeInterval

    /// The body: `text` for chat tools, and the alert's fields for anything else.
    static func body(text: String, fields: [String: String]) -> Data {
        var object = fields
        object["text"] = text
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(object)) ?? Data()
    }

    /// Nil when the endpoint answered 2xx, else what went wrong.
    func send(_ body: Data) -> String? {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, error in
            if let error {
                outcome.error = "POST \(url.absoluteString) failed: \(error.localizedDescription)"
            } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                outcome.error = "POST \(url.absoluteString) answered HTTP \(status)"
            }
            done.signal()
        }.resume()
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            return "POST \(url.absoluteString) timed out after \(Int(timeout)) s"
        }
        return outcome.error
    }

    /// The result handed back from URLSession's queue; read only after the semaphore.
    final class Outcome: @unchecked Sendable {
        var error: String?
    }
}
