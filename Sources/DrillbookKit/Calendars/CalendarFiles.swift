import Foundation
public import ICalendar

/// A file that could not be read at all.
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot be read (\(reason))" }
}

/// Reading calendar files from disk: the I/O edge in front of `CalendarReader`.
public enum CalendarFiles {
    /// Every problem in the file at `path`, strict as `drillbook calendar validate` is.
    public static func inspect(path: String) throws(FileReadError) -> CalendarInspection {
        CalendarReader.inspect(try bytes(at: path), file: path)
    }

    /// The calendar at `path` for use: throws its errors, keeps tolerable faults as warnings.
    public static func load(path: String) throws(CalendarLoadError) -> CalendarInspection {
        let contents: [UInt8]
        do { contents = try bytes(at: path) } catch { throw .unreadable(error) }
        do { return try CalendarReader.read(contents, file: path) } catch { throw .invalid(error) }
    }

    static func bytes(at path: String) throws(FileReadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw FileReadError(
                path: path,
                reason: !exists ? "no such file" : isDirectory.boolValue ? "it is a folder" : "permission denied")
        }
        return [UInt8](data)
    }
}

/// Why a calendar could not be loaded for use.
public enum CalendarLoadError: Error, Sendable, CustomStringConvertible {
    case unreadable(FileReadError)
    case invalid(CalendarReadError)

    public var description: String {
        switch self {
        case .unreadable(let error): error.description
        case .invalid(let error): error.description
        }
    }
}
