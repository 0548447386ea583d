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
    ///
    /// `timeout` bounds the whole request, not each pause in it. The answer counts as soon as its
    /// status line arrives: a 2xx is final (the receiver took the alert, so it is never sent again),
    /// whatever happens to the rest of the response.
    func send(_ body: Data, contentType: String = "application/json", headers: [String: String] = [:]) -> String? {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let answer = Answer()
        let task = Self.session.dataTask(with: request)
        // Known before it starts: nothing the task reports can come before its answer is waited for.
        Self.answers.expect(answer, for: task)
        defer { Self.answers.forget(task) }
        task.resume()
        guard answer.done.wait(timeout: .now() + timeout) == .success else {
            task.cancel()
            return "POST \(url.absoluteString) had no answer within \(Int(timeout)) s"
        }
        switch answer.result {
        case .status(let status) where (200..<300).contains(status): return nil
        case .status(let status): return "POST \(url.absoluteString) answered HTTP \(status)"
        case .failed(let reason): return "POST \(url.absoluteString) failed: \(reason)"
        case nil: return "POST \(url.absoluteString) failed"
        }
    }

    /// The process's one session, never invalidated. A session made and invalidated per request
    /// is the trigger of FoundationNetworking's teardown races on Linux (libcurl's multi handle
    /// freed while its socket sources are still being cancelled: swift-corelibs-foundation issues
    /// 4791, 5203, 5469), which crash the process at random; one long-lived session, as
    /// `URLSession.shared` is, never tears down. Each request's own timeout bounds it (`send`).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        return URLSession(configuration: configuration, delegate: answers, delegateQueue: nil)
    }()

    /// The session's delegate: each task's report handed to the answer its `send` waits on.
    static let answers = Answers()

    final class Answers: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: [Int: Answer] = [:]

        func expect(_ answer: Answer, for task: URLSessionTask) {
            lock.withLock { waiting[task.taskIdentifier] = answer }
        }

        func forget(_ task: URLSessionTask) {
            _ = lock.withLock { waiting.removeValue(forKey: task.taskIdentifier) }
        }

        private func answer(_ task: URLSessionTask) -> Answer? {
            lock.withLock { waiting[task.taskIdentifier] }
        }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
        ) {
            answer(dataTask)?.finish(.status((response as? HTTPURLResponse)?.statusCode ?? 0))
            // The status line is the answer; the body is not waited for.
            completionHandler(.cancel)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            answer(task)?.finish(error.map { .failed($0.localizedDescription) } ?? .failed("no answer"))
        }
    }

    /// The first thing URLSession reports of one request: the status line, or the failure.
    final class Answer: @unchecked Sendable {
        enum Result {
            case status(Int)
            case failed(String)
        }

        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var first: Result?

        /// Read after `done` was signalled.
        var result: Result? { lock.withLock { first } }

        func finish(_ result: Result) {
            let isFirst = lock.withLock {
                guard first == nil else { return false }
                first = result
                return true
            }
            if isFirst { done.signal() }
        }
    }
}

/// Sends a text message through the plan's gateway (`alerts.sms`): a form POST with the recipient,
/// the text and the gateway's own fields; a 2xx is delivered.
struct SMSSender {
    var gateway: SMSGateway

    func send(to phone: String, text: String) -> String? {
        guard let url = URL(string: gateway.url) else { return "alerts.sms.url \(gateway.url) is not a URL" }
        var fields = gateway.fields
        fields[gateway.toField] = phone
        fields[gateway.bodyField] = text
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }.map {
            "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")="
                + ($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        var headers: [String: String] = [:]
        if let name = gateway.authHeaderEnvironment {
            guard let value = ProcessInfo.processInfo.environment[name] else {
                return "alerts.sms.auth_header_env names \(name), which is not set"
            }
            headers["Authorization"] = value
        }
        return WebhookSender(url: url, timeout: TimeInterval(gateway.timeoutSeconds)).send(
            Data(body.utf8), contentType: "application/x-www-form-urlencoded", headers: headers)
    }
}
