internal import CLibical
import Dates
import Foundation

/// The one door to libical.
///
/// libical keeps process-wide state (the builtin zone cache, the error states a parse changes), and
/// Swift Testing and servers call in from many threads, so every entry point of this module takes the
/// lock for the whole of one synchronous call and hands out only Swift values. Two exceptions:
/// rendering events (`rendering`), and a large calendar's read, whose next slice is parsed on another
/// thread while the lock's holder reads this one (`SliceReader`).
enum Libical {
    private static let lock = NSLock()

    static func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The first exception: building VEVENTs from Swift values and serializing them, which an export
    /// does for every item of a district on every core. Debian's libical is built with pthreads: its
    /// ring buffer and `icalerrno` are per thread and its zone cache is behind its own mutex; this
    /// path allocates components, reads constant tables and compares times with the UTC zone, which
    /// is set up here once, under the lock, before the first such call. (`ThreadSanitizer` cannot see
    /// into libical: `ConcurrentRenderingTests` renders the same events on many threads at once and
    /// compares each text with the serial one.)
    static func rendering<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        _ = utcZoneReady
        return try body()
    }

    private static let utcZoneReady: Void = withLock { _ = icaltimezone_get_utc_timezone() }

    /// Copies a C string libical owns (ring buffer or component storage) into Swift at once.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Renders a component as text; `_r` hands over a buffer that must go back to libical.
    static func serialize(_ component: OpaquePointer) -> String {
        guard let buffer = icalcomponent_as_ical_string_r(component) else { return "" }
        defer { icalmemory_free_buffer(buffer) }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: strlen(buffer)) { start in
            repairFolds(UnsafeBufferPointer(start: start, count: strlen(buffer)))
        }
    }

    /// Renders one property as its content line (folded, CRLF-ended), as a component's text holds it.
    static func serialize(property: OpaquePointer) -> String {
        guard let buffer = icalproperty_as_ical_string_r(property) else { return "" }
        defer { icalmemory_free_buffer(buffer) }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: strlen(buffer)) { start in
            repairFolds(UnsafeBufferPointer(start: start, count: strlen(buffer)))
        }
    }

    /// libical 3.0.16 counts the CR of a line's own CRLF when it folds: a value that fills its last
    /// fold to 74 octets comes out as `value CR CRLF SPACE LF` (a bare CR), one of 75 as `value CRLF
    /// SPACE CRLF` (an empty continuation line). Put the line end back together; content never holds
    /// a raw CR (TEXT escapes it), and an empty continuation unfolds to nothing.
    static func repairFolds(_ text: String) -> String { repairFolds(Array(text.utf8)) }

    static func repairFolds(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { repairFolds($0) }
    }

    static func repairFolds(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let cr: UInt8 = 13
        let lf: UInt8 = 10
        let space: UInt8 = 32
        let count = bytes.count
        func at(_ index: Int) -> UInt8 { index < count ? bytes[index] : 0 }
        // Most text needs no repair: look before copying.
        var needed = false
        var index = 0
        while index + 4 < count {
            if bytes[index] == cr
                && (bytes[index + 1] == cr
                    || (bytes[index + 1] == lf && bytes[index + 2] == space && bytes[index + 3] == cr))
            {
                needed = true
                break
            }
            index += 1
        }
        guard needed else { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(count)
        index = 0
        while index < count {
            let byte = bytes[index]
            if byte == cr && at(index + 1) == cr && at(index + 2) == lf && at(index + 3) == space && at(index + 4) == lf
            {
                output += [cr, lf]
                index += 5
            } else if byte == cr && at(index + 1) == lf && at(index + 2) == space && at(index + 3) == cr
                && at(index + 4) == lf
            {
                index += 3  // drop the empty fold; its CRLF follows
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

// MARK: - Times

extension Libical {
    /// A libical time for a wall time: floating (no zone), UTC, or a date.
    static func time(_ wall: WallTime, isDate: Bool = false, utc: Bool = false) -> icaltimetype {
        var time = icaltime_null_time()
        time.year = Int32(wall.date.year)
        time.month = Int32(wall.date.month)
        time.day = Int32(wall.date.day)
        if isDate {
            time.is_date = 1
        } else {
            time.hour = Int32(wall.hour)
            time.minute = Int32(wall.minute)
            time.second = Int32(wall.second)
        }
        if utc { time.zone = icaltimezone_get_utc_timezone() }
        return time
    }

    static func time(_ eventTime: EventTime) -> icaltimetype {
        switch eventTime {
        case .date(let date): time(WallTime(date: date), isDate: true)
        case .utc(let wall): time(wall, utc: true)
        case .zoned(let wall, _), .floating(let wall): time(wall)
        }
    }

    static func wallTime(_ time: icaltimetype) -> WallTime {
        WallTime(
            year: Int(time.year), month: Int(time.month), day: Int(time.day),
            hour: Int(time.hour), minute: Int(time.minute), second: Int(time.second))
    }

    /// The event time a libical time stands for, given the property's TZID parameter.
    static func eventTime(_ time: icaltimetype, tzid: String?) -> EventTime {
        let wall = wallTime(time)
        if time.is_date != 0 { return .date(wall.date) }
        if let tzid { return .zoned(wall, tzid: tzid) }
        if icaltime_is_utc(time) != 0 { return .utc(wall) }
        return .floating(wall)
    }
}
