import Foundation

/// Where Drillbook's shipped data lives: `Templates/` and `Calendars/`.
///
/// First hit wins: an explicit folder (`--templates` or DRILLBOOK_TEMPLATES); the installed copy at
/// `<binary>/../share/drillbook/Templates`; the checkout's own `Templates/` when the binary runs from
/// its `.build/` folder (`swift run drillbook`).
public struct Resources: Sendable {
    /// The Templates folder.
    public var templates: String
    /// The Calendars folder beside it.
    public var calendars: String { (templates as NSString).deletingLastPathComponent + "/Calendars" }

    public init(templates: String) { self.templates = templates }

    /// Finds the Templates folder, or says where it looked.
    public static func locate(explicit: String? = nil) throws(ResourceError) -> Resources {
        var tried: [String] = []
        let environment = ProcessInfo.processInfo.environment["DRILLBOOK_TEMPLATES"]
        for candidate in [explicit, environment].compactMap(\.self) {
            tried.append(candidate)
            if isFolder(candidate) { return Resources(templates: candidate) }
            throw ResourceError(message: "templates folder \(candidate) does not exist")
        }
        let binary = executable()
        let installed = binary.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/drillbook/Templates").path
        tried.append(installed)
        if isFolder(installed) { return Resources(templates: installed) }
        // In a checkout: .build/<triple>/debug/drillbook, so walk up to the folder holding Package.swift.
        var folder = binary.deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = folder.appendingPathComponent("Templates").path
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
                isFolder(candidate)
            {
                return Resources(templates: candidate)
            }
            folder.deleteLastPathComponent()
        }
        throw ResourceError(
            message:
                "cannot find Drillbook's Templates folder (looked in \(tried.joined(separator: ", ")) and the checkout); "
                + "pass --templates DIR or set DRILLBOOK_TEMPLATES")
    }

    /// The running binary's real path: `/proc/self/exe` on Linux (run through PATH, `argv[0]` is only
    /// "drillbook"), else Foundation's idea of it, else `argv[0]`.
    static func executable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path).resolvingSymlinksInPath()
        }
        let path = Bundle.main.executablePath ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).resolvingSymlinksInPath()
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A file's text, or a `PlanError` that names it.
    static func text(_ path: String) throws(PlanError) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PlanError(file: path, line: 0, field: "", message: "cannot be read (no such file)")
        }
        guard !isFolder.boolValue else {
            throw PlanError(file: path, line: 0, field: "", message: "is a folder; expected a YAML file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanError(file: path, line: 0, field: "", message: "cannot be read (permission denied?)")
        }
        return try text(Array(data), file: path)
    }

    /// A YAML file's text: UTF-8, or UTF-16 with its byte-order mark (Notepad's "Unicode"), both of
    /// which YAML 1.2 reads. Anything else is refused at its first line that is not UTF-8: decoded
    /// with replacement characters, a school's name (`Peña`) silently became another.
    static func text(_ bytes: [UInt8], file: String) throws(PlanError) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]),
            let text = String(bytes: bytes, encoding: .utf16)
        {
            return text
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var line = 1
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            if String(validating: bytes[start..<index], as: UTF8.self) == nil { break }
            line += 1
            start = index + 1
        }
        throw PlanError(
            file: file, line: line, field: "",
            message: "is not UTF-8 (saved as Windows-1252, Latin-1 or another code page?); save the file as UTF-8")
    }
}

/// Drillbook's own data cannot be found.
public struct ResourceError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
