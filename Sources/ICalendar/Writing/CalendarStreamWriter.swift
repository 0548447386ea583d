internal import CLibical
public import Dates

/// Writes a calendar piece by piece, so a district's file of many thousand events never sits whole
/// in memory: the header and VTIMEZONEs first, then each batch of events as it comes, then the end.
///
/// The bytes are those `CalendarWriter` would write for the same document.
public final class CalendarStreamWriter {
    private let writer: CalendarWriter
    private let output: (String) throws -> Void

    /// Starts a calendar with `header`'s properties (its events are not written) and a VTIMEZONE for
    /// each zone in `timeZones`, given with the first year it is used in.
    public init(
        header: CalendarDocument, timeZones: [String: Int], stamp: WallTime, output: @escaping (String) throws -> Void
    ) throws {
        writer = CalendarWriter(stamp: stamp)
        self.output = output
        var empty = header
        empty.events = []
        // The properties, then the zones: libical writes a component's properties before its
        // subcomponents, so these are the bytes of the whole header written at once.
        let properties = try writer.write(empty, zoneYears: [:])
        try output(String(properties.dropLast("END:VCALENDAR\r\n".count)) + (try writer.timeZoneText(timeZones)))
    }

    /// Writes events, in the order given.
    public func write(_ events: [Event]) throws { try output(try render(events)) }

    /// The text of events as this writer would write them: to share one rendering between files
    /// (a school's calendar and the district's).
    public func render(_ events: [Event]) throws -> String {
        try Libical.rendering { () throws(CalendarWriteError) -> String in
            var text = ""
            var shared: [CalendarWriter.SharedLine: String] = [:]
            for event in events { text += try writer.text(for: event, shared: &shared) }
            return text
        }
    }

    /// Each event's text, in order: for a caller that shares renderings between files and works on
    /// several threads (rendering takes no lock: `Libical.rendering`).
    public func renderEach(_ events: [Event]) throws -> [String] {
        try Libical.rendering { () throws(CalendarWriteError) -> [String] in
            // A school's year shares a few hundred lines: made room for at once, not grown by doubling.
            var shared: [CalendarWriter.SharedLine: String] = [:]
            shared.reserveCapacity(min(events.count * 2, 512))
            return try events.map { event throws(CalendarWriteError) -> String in
                try writer.text(for: event, shared: &shared)
            }
        }
    }

    /// Writes text `render` made.
    public func write(rendered text: String) throws { try output(text) }

    public func finish() throws { try output("END:VCALENDAR\r\n") }
}
