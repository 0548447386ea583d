import Dates
import Foundation
import ICalendar
import Synchronization
import Testing

@testable import DrillbookKit

/// The district's calendars are appended to on a thread of their own while the next schools are
/// rendered: what reaches each file is the schools' texts in plan order, and a write that fails
/// there fails the export.
@Suite struct DistrictWritingTests {
    /// A district file whose writer hands its text to `sink`, placed in a fresh folder.
    static func file(_ sink: @escaping (String) throws -> Void) throws -> Exporter.CalendarFile {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("district-writing-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let writer = try CalendarStreamWriter(
            header: CalendarDocument(productID: "-//Drillbook test//EN", name: "district"), timeZones: [:],
            stamp: WallTime(date: CalendarDate(year: 2027, month: 8, day: 1)), output: sink)
        return Exporter.CalendarFile(writer: writer, file: try FileReplacement(path: "\(folder)/district.ics"))
    }

    @Test func batchesReachEachFileInOrder() throws {
        let texts = Mutex([Audience: String]())
        func collecting(_ audience: Audience) -> (String) throws -> Void {
            { text in texts.withLock { $0[audience, default: ""] += text } }
        }
        let files = [Audience.admin: try Self.file(collecting(.admin)), .staff: try Self.file(collecting(.staff))]
        texts.withLock { $0 = [:] }  // the headers
        let writing = Exporter.DistrictWriting(files)
        for batch in 0..<20 {
            let schools = (0..<16).map { school in
                Exporter.SchoolFiles(texts: ["A\(batch).\(school);", "S\(batch).\(school);"], unchanged: [])
            }
            try writing.append(schools, audiences: [.admin, .staff])
        }
        try writing.finish()
        let expected = (0..<20).flatMap { batch in (0..<16).map { "\(batch).\($0);" } }
        #expect(texts.withLock { $0[.admin] } == expected.map { "A" + $0 }.joined())
        #expect(texts.withLock { $0[.staff] } == expected.map { "S" + $0 }.joined())
    }

    struct DiskFull: Error {}

    @Test func aFailedWriteFailsTheExportAndNothingIsWrittenAfterIt() throws {
        let calls = Mutex(0)
        let file = try Self.file { _ in
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call == 3 { throw DiskFull() }  // the header is the first
        }
        let writing = Exporter.DistrictWriting([.admin: file])
        let school = Exporter.SchoolFiles(texts: ["event\r\n"], unchanged: [])
        try writing.append([school], audiences: [.admin])
        try writing.append([school], audiences: [.admin])  // fails on its thread
        // The failure is reported by the next batch's start, or by the end: never lost.
        #expect(throws: DiskFull.self) {
            try writing.append([school], audiences: [.admin])
            try writing.finish()
        }
        #expect(throws: DiskFull.self) { try writing.finish() }
        #expect(calls.withLock { $0 } == 3)
    }
}
