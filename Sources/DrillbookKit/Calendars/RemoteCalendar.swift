import Crypto
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A district calendar the plan names by its address (`https://.../basic.ics`, `webcal://...`), as
/// Google Calendar, Outlook and school-site publishers hand one out: fetched with URLSession and kept
/// beside the plan (`.drillbook-calendars/`), so a snow day added to it reaches the next
/// `drillbook schedule` and every command reads the same copy.
///
/// A copy younger than `maxAge` is read as it is. An older one is fetched again; when that fails
/// (offline, the server down, an HTTP error), the copy is read with a notice saying so. With no
/// copy, the failure is the plan's error, naming the address.
enum RemoteCalendar {
    static let maxAge: TimeInterval = 600
    static let timeout: TimeInterval = 30

    /// Whether a plan's `calendar:` is an address rather than a file.
    static func isAddress(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("webcal://")
    }

    /// The local copy of `address` for the plan in `folder`, fetched when it is missing or old, and
    /// a notice when an old copy had to be read.
    static func copy(of address: String, folder: String, now: Date = Date()) throws(FileReadError) -> (
        path: String, notice: String?
    ) {
        let digest = SHA256.hash(data: Data(address.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let directory = (folder.isEmpty ? "." : folder) + "/.drillbook-calendars"
        let path = "\(directory)/\(digest).ics"
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let modified, now.timeIntervalSince(modified) < maxAge { return (path, nil) }
        switch fetch(address) {
        case .success(let data):
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw FileReadError(path: address, reason: "its copy \(path) cannot be written: \(error)")
            }
            return (path, nil)
        case .failure(let why):
            guard let modified else { throw FileReadError(path: address, reason: why.reason) }
            let age = ISO8601DateFormatter().string(from: modified)
            return (path, "\(address): \(why.reason); reading the copy fetched \(age)")
        }
    }

    struct Failure: Error {
        var reason: String
    }

    /// The body of a GET of `address` (`webcal://` read as `https://`), or why there is none.
    static func fetch(_ address: String) -> Result<Data, Failure> {
        let text = address.lowercased().hasPrefix("webcal://") ? "https://" + address.dropFirst(9) : address
        guard let url = URL(string: text), url.host != nil else {
            return .failure(Failure(reason: "not an address (expected https://host/path.ics)"))
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("text/calendar", forHTTPHeaderField: "Accept")
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = session.dataTask(with: request) { data, response, error in
            outcome.set(
                {
                    if let error {
                        return .failure(Failure(reason: "could not be fetched: \(error.localizedDescription)"))
                    }
                    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                    guard (200..<300).contains(status), let data else {
                        return .failure(Failure(reason: "could not be fetched: HTTP \(status)"))
                    }
                    // A sign-in page or an error page served as 200 must not replace a good copy.
                    guard data.range(of: Data("BEGIN:VCALENDAR".utf8)) != nil else {
                        let start = String(decoding: data.prefix(40), as: UTF8.self)
                            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: "")
                        return .failure(Failure(reason: "the answer is not a calendar (it starts with \"\(start)\")"))
                    }
                    return .success(data)
                }())
            done.signal()
        }
        task.resume()
        guard done.wait(timeout: .now() + timeout + 5) == .success, let result = outcome.result else {
            task.cancel()
            return .failure(Failure(reason: "could not be fetched: no answer within \(Int(timeout)) s"))
        }
        return result
    }

    /// One long-lived session: a session made and invalidated per request trips FoundationNetworking's
    /// teardown races on Linux (see `WebhookSender.session`).
    static let session = URLSession(configuration: .ephemeral)

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<Data, Failure>?
        var result: Result<Data, Failure>? { lock.withLock { value } }
        func set(_ result: Result<Data, Failure>) { lock.withLock { value = result } }
    }
}
