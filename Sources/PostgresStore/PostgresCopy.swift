import Foundation
import NIOCore
import PostgresNIO
import Store
import Synchronization

/// Rows streamed into a table with `COPY … FROM STDIN`: the server reads tab-separated lines as
/// they come instead of parsing, planning and unpacking an `INSERT`'s arrays, and this side makes
/// the next chunk while the server stores the last.
struct PostgresCopy {
    /// One line of COPY's text format: `\N` for NULL, booleans as `t`/`f`, and in text the four
    /// characters the format gives meaning to escaped (backslash, tab, newline, carriage return).
    static func append(_ row: [CanonicalRow.Value], booleans: Set<Int>, extra: String?, to line: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { line.append(0x09) }
            switch value {
            case .null: line.append(contentsOf: [0x5C, 0x4E])
            case .integer(let number):
                if booleans.contains(index) {
                    line.append(number == 1 ? 0x74 : 0x66)
                } else {
                    line.append(contentsOf: String(number).utf8)
                }
            case .real(let number): line.append(contentsOf: "\(number)".utf8)
            case .text(let text): escape(text, into: &line)
            case .blob(let bytes):
                // bytea's hex input, as text.
                line.append(contentsOf: [0x5C, 0x5C, 0x78])
                for byte in bytes { line.append(contentsOf: String(format: "%02x", byte).utf8) }
            }
        }
        if let extra {
            line.append(0x09)
            escape(extra, into: &line)
        }
        line.append(0x0A)
    }

    private static func escape(_ text: String, into line: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case 0x5C: line.append(contentsOf: [0x5C, 0x5C])
                case 0x09: line.append(contentsOf: [0x5C, 0x74])
                case 0x0A: line.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: line.append(contentsOf: [0x5C, 0x72])
                default: line.append(byte)
                }
            }
        }
    }
}

/// Runs a task's jobs on an event loop, where postgres-nio's own work for the connection runs.
private final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// The lines of one copy, sent a chunk of about a mebibyte at a time as they are added: a state's
/// log is not held whole a second time as text.
final class CopyLines {
    static let chunk = 1 << 20
    private var lines: [UInt8] = []
    private let send: ([UInt8]) throws -> Void

    fileprivate init(send: @escaping ([UInt8]) throws -> Void) { self.send = send }

    /// Adds one row (see `PostgresCopy.append`).
    func add(_ row: [CanonicalRow.Value], booleans: Set<Int> = [], extra: String? = nil) throws {
        PostgresCopy.append(row, booleans: booleans, extra: extra, to: &lines)
        if lines.count >= Self.chunk { try flush() }
    }

    /// Adds lines made elsewhere (on other cores).
    func add(lines made: [UInt8]) throws {
        lines += made
        if lines.count >= Self.chunk { try flush() }
    }

    fileprivate func flush() throws {
        guard !lines.isEmpty else { return }
        try send(lines)
        lines.removeAll(keepingCapacity: true)
    }
}

extension PostgresSession {
    /// What the two sides of a copy tell each other: the server's error, or that the lines ran out
    /// because making them failed (the copy is then failed, not ended).
    private final class CopyState: Sendable {
        let serverError = Mutex<String?>(nil)
        let abandoned = Atomic<Bool>(false)
    }

    private struct Abandoned: Error {}

    /// Copies into `table`'s `columns` the lines `produce` adds, made on this thread: at most two
    /// chunks wait to be sent, so a state's year is not held twice. The COPY
    /// runs inside the session's transaction; its first error (a constraint, a lost connection)
    /// ends it, stops `produce` at its next chunk, and is thrown here.
    func copy(into table: String, columns: [String], _ produce: (CopyLines) throws -> Void) throws {
        let (chunks, feed) = AsyncStream<[UInt8]>.makeStream()
        // Made empty and given its room after: libdispatch refuses to free a semaphore left
        // below the value it was made with, which a copy stopped midway would do.
        let room = DispatchSemaphore(value: 0)
        room.signal()
        room.signal()
        let finished = DispatchSemaphore(value: 0)
        let state = CopyState()
        let connection = connection
        let logger = logger
        // On the connection's own event loop, never Swift's shared threads: the caller waits on
        // semaphores, and when it is one of those threads (a test, a server's request) they can
        // all be waiting, with none left to run the copy.
        Task(executorPreference: EventLoopTaskExecutor(loop: connection.eventLoop)) {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    for await chunk in chunks {
                        try await writer.write(ByteBuffer(bytes: chunk))
                        room.signal()
                    }
                    // A failed COPY stores nothing, where an ended one would keep the lines sent.
                    if state.abandoned.load(ordering: .acquiring) { throw Abandoned() }
                }
            } catch {
                if !(error is Abandoned) { state.serverError.withLock { $0 = Self.describe(error) } }
                // The lines' maker may be waiting for room: let it reach its next check.
                room.signal()
                for await _ in chunks { room.signal() }
            }
            finished.signal()
        }
        func serverError() -> StoreError? { state.serverError.withLock { $0 }.map { StoreError(message: $0) } }
        do {
            let lines = CopyLines { chunk in
                room.wait()
                if let error = serverError() { throw error }
                feed.yield(chunk)
            }
            try produce(lines)
            try lines.flush()
        } catch {
            state.abandoned.store(true, ordering: .releasing)
            feed.finish()
            finished.wait()
            throw serverError() ?? error
        }
        feed.finish()
        // The server answers once it has stored the last line.
        guard finished.wait(timeout: .now() + .seconds(Int(answerSeconds))) == .success else {
            throw StoreError(message: "the database did not answer within \(answerSeconds) s")
        }
        if let error = serverError() { throw error }
    }
}
