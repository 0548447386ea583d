import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A submitted form: its text fields (a repeated name, as checkboxes send, joined with "; " as the
/// CLI's repeated flags are) and its files. URL-encoded forms are read here; multipart ones
/// (forms with a file input) through MultipartKit's parser.
struct FormBody {
    struct Upload {
        var field: String
        /// The name the browser gave, for messages only: never a path.
        var filename: String
        var data: ByteBuffer
    }

    var fields: [String: String] = [:]
    var files: [Upload] = []

    /// The largest body taken: ten 10 MB scans and the fields.
    static let limit = 105 << 20

    static func read(_ request: Request) async throws -> FormBody {
        let contentType = request.headers[.contentType] ?? ""
        let limit = contentType.lowercased().hasPrefix("multipart/form-data") ? Self.limit : 1 << 20
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw HTTPError(.contentTooLarge, message: "The form is larger than \(limit >> 20) MB.")
        }
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = parameter("boundary", of: contentType) else {
                throw HTTPError(.badRequest, message: "The form has no multipart boundary.")
            }
            return try multipart(buffer, boundary: boundary)
        }
        var body = FormBody()
        // Split and unplussed as bytes: as Characters, `&`, `=` or `+` followed by a combining mark
        // is one Character that matches none of them.
        for pair in buffer.readableBytesView.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ bytes: some Sequence<UInt8>) -> String {
                let spaced = bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
                return String(decoding: spaced, as: UTF8.self).removingPercentEncoding ?? ""
            }
            body.add(decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
        return body
    }

    mutating func add(_ name: String, _ value: String) {
        if let earlier = fields[name], !earlier.isEmpty {
            fields[name] = value.isEmpty ? earlier : earlier + "; " + value
        } else {
            fields[name] = value
        }
    }

    static func multipart(_ buffer: ByteBuffer, boundary: String) throws -> FormBody {
        var body = FormBody()
        var headers: [(String, String)] = []
        var data = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { chunk in data.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
            if let name = parameter("name", of: disposition) {
                if let filename = parameter("filename", of: disposition) {
                    // An empty file input still sends a part: no name, no bytes.
                    if !filename.isEmpty || data.readableBytes > 0 {
                        body.files.append(Upload(field: name, filename: filename, data: data))
                    }
                } else {
                    body.add(name, String(buffer: data))
                }
            }
            headers = []
            data = ByteBuffer()
        }
        do { try parser.execute(buffer) } catch {
            throw HTTPError(.badRequest, message: "The form could not be read (\(error)).")
        }
        return body
    }

    /// `boundary=...` of a Content-Type, `name="..."` of a Content-Disposition: parameters split at
    /// `;` outside quotes, a quoted value unescaped (`filename="sheet;1.png"` is one value).
    static func parameter(_ key: String, of header: String) -> String? {
        // By scalar, as the client wrote it: `"` or `;` followed by a combining mark is still a quote
        // or a separator to every other reader of the header.
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var escaped = false
        for scalar in header.unicodeScalars {
            if escaped {
                current.append(scalar)
                escaped = false
            } else if quoted && scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                quoted.toggle()
            } else if scalar == ";" && !quoted {
                parts.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        parts.append(String(current))
        for part in parts.dropFirst() {
            let pair = part.unicodeScalars.split(separator: "=", maxSplits: 1).map { String($0) }.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if pair.count == 2, pair[0].lowercased() == key { return pair[1] }
        }
        return nil
    }
}
