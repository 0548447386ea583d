import Crypto
import Foundation
import NIOCore
import Store

/// Photos and scans kept as a drill record's evidence (a sign-in sheet, a timed log): at most 10 MB
/// each, JPEG, PNG, HEIC or PDF by their first bytes (not by the name or the browser's word), stored
/// in `attachments/` beside the database under the SHA-256 of their bytes. The record names them by
/// that hash, and the record is sealed in the audit chain: a file changed on disk no longer matches
/// its name, and is refused when served.
struct Attachments: Sendable {
    let folder: String

    static let limit = 10 << 20

    /// `attachments/` in the folder of the database file at `path`.
    static func folder(besideDatabase path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "attachments" : parent + "/attachments"
    }

    /// The kind of file the bytes are, by their signature, or nil.
    static func type(of bytes: ByteBuffer) -> (ext: String, mime: String)? {
        let head = bytes.getBytes(at: bytes.readerIndex, length: min(12, bytes.readableBytes)) ?? []
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return ("jpg", "image/jpeg") }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return ("png", "image/png") }
        if head.starts(with: Array("%PDF-".utf8)) { return ("pdf", "application/pdf") }
        if head.count == 12, Array(head[4..<8]) == Array("ftyp".utf8),
            ["heic", "heix", "mif1", "msf1"].contains(String(decoding: head[8..<12], as: UTF8.self))
        {
            return ("heic", "image/heic")
        }
        return nil
    }

    /// Why an upload cannot be kept, or nil.
    static func problem(_ upload: FormBody.Upload) -> String? {
        if upload.data.readableBytes > limit { return "\(upload.filename) is larger than 10 MB" }
        if upload.data.readableBytes == 0 { return "\(upload.filename) is empty" }
        if type(of: upload.data) == nil { return "\(upload.filename) is not a JPEG, PNG, HEIC or PDF file" }
        return nil
    }

    /// Writes the file (0600) unless the same bytes are there; returns its stored name.
    func store(_ upload: FormBody.Upload) throws -> String {
        let bytes = Data(upload.data.readableBytesView)
        let name =
            SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() + "."
            + (Self.type(of: upload.data)?.ext ?? "bin")
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = "\(folder)/\(name)"
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600])
            else { throw HTTPStoreError(message: "cannot write \(path)") }
        }
        return name
    }

    enum Read {
        case file(Data, mime: String)
        case missing
        /// The bytes no longer hash to the name the record sealed.
        case changed
    }

    /// A stored file, if the name is one this type made (a hash and an extension: never a path).
    func read(_ name: String) -> Read {
        let parts = name.split(separator: ".")
        guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit),
            let data = FileManager.default.contents(atPath: "\(folder)/\(name)")
        else { return .missing }
        guard SHA256.hash(data: data).map({ String(format: "%02x", $0) }).joined() == parts[0] else { return .changed }
        return .file(data, mime: Self.type(of: ByteBuffer(bytes: data.prefix(12)))?.mime ?? "application/octet-stream")
    }

    /// What the record keeps of a file: its stored name and the browser's name, made safe to list.
    static func entry(stored: String, original: String) -> String {
        let safe = String(original.unicodeScalars.filter { $0.value >= 0x20 && $0 != ";" && $0 != "\u{7F}" }.prefix(80))
        return "\(stored) (\(safe.isEmpty ? "file" : safe))"
    }

    /// The stored names an `attachments` evidence value carries (`<hash>.jpg (sheet.jpg); ...`).
    static func names(in evidence: String) -> [String] {
        evidence.split(separator: ";").compactMap { entry in
            entry.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        }
    }
}

struct HTTPStoreError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
