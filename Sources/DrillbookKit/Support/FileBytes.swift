import Foundation

/// A file that could not be read at all.
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot be read (\(reason))" }
}

/// A file the user named, read whole: a calendar, a drill log, a report. Why it cannot be read is
/// said as it is (a folder was "no such file", `/dev/null` "permission denied").
enum FileBytes {
    static func read(_ path: String) throws(FileReadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason =
                !exists
                ? "no such file"
                : isDirectory.boolValue
                    ? "it is a folder"
                    : !FileManager.default.isReadableFile(atPath: path)
                        ? "permission denied" : "it is not a regular file"
            throw FileReadError(path: path, reason: reason)
        }
        return [UInt8](data)
    }
}
