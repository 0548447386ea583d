public import ICalendar

/// Reading calendar files from disk: the I/O edge in front of `CalendarReader`.
public enum CalendarFiles {
    /// Every problem in the file at `path`, strict as `drillbook calendar validate` is.
    public static func inspect(path: String) throws(FileReadError) -> CalendarInspection {
        CalendarReader.inspect(try FileBytes.read(path), file: path)
    }

    /// The calendar at `path` for use: throws its errors, keeps tolerable faults as warnings, each
    /// named by `name` (the address a copy was fetched from), else the path.
    public static func load(path: String, name: String? = nil) throws(CalendarLoadError) -> CalendarInspection {
        let contents: [UInt8]
        do { contents = try FileBytes.read(path) } catch { throw .unreadable(error) }
        do { return try CalendarReader.read(contents, file: name ?? path) } catch { throw .invalid(error) }
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
