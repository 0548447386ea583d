import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Store
import Synchronization

/// Connections to one PostgreSQL database behind a synchronous API, as the SQLite stores have: the
/// CLI and `drillbook serve` call the stores from ordinary threads and wait. Each call borrows an
/// idle connection (or opens one), runs its transaction there and gives it back; a connection that
/// failed is closed instead. The connections run on an event loop of their own, so waiting never
/// blocks the loop that must answer (Hummingbird's are others).
final class PostgresPool: Sendable {
    /// What `--db` or `--incidents-db` gave, without its password: for messages.
    let shown: String
    /// The district's schema when the database holds many (`PostgresDistricts`); nil: `public`.
    let schema: String?
    private let configuration: PostgresConnection.Configuration
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    static let logger = Logger(label: "drillbook.postgres")
    /// How long one statement may take (`PostgresSession.answerSeconds`).
    let answerSeconds: Int64
    /// One thread per core: rows read whole (a year's items, every sealed row `audit verify`
    /// hashes) are decoded on their connection's loop, and `check` reads the year on one
    /// connection while it verifies on another.
    private static let loops = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
    /// Idle connections kept for the next call (a server's worth; more are opened when needed).
    private static let keep = 8

    /// From a server URL: `postgres://user[:password]@host[:port]/database`, or with
    /// `?host=/run/postgresql` a Unix socket in that folder. The password may also come from
    /// PGPASSWORD, as for libpq's tools, so it need not be on a command line. `sslmode` and
    /// `sslrootcert` as libpq takes them (`PostgresTLS`).
    ///
    /// With `schema`, every connection starts with it as its `search_path` (a startup parameter:
    /// no extra round trip), so every unqualified table is that district's, and the advisory locks
    /// are the district's own: districts do not wait for one another.
    init(url: String, schema: String? = nil, answerSeconds: Int64 = 60) throws(StoreError) {
        self.answerSeconds = answerSeconds
        self.schema = schema
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            ["postgres", "postgresql"].contains(scheme)
        else {
            throw StoreError(message: "\(url): not a PostgreSQL URL (expected postgres://user@host:port/database)")
        }
        var hidden = parts
        if hidden.password != nil { hidden.password = "***" }
        shown = (hidden.string ?? "postgres://") + (schema.map { " (district schema \($0))" } ?? "")
        let query = Dictionary(
            (parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        guard !database.isEmpty else {
            throw StoreError(message: "\(shown): no database named (postgres://user@host:port/DATABASE)")
        }
        guard let user = parts.user ?? ProcessInfo.processInfo.environment["PGUSER"], !user.isEmpty else {
            throw StoreError(message: "\(shown): no user named (postgres://USER@host:port/database)")
        }
        let password = parts.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let port = parts.port ?? 5432
        var configuration: PostgresConnection.Configuration
        if let socketFolder = query["host"], socketFolder.hasPrefix("/") {
            configuration = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            guard let host = parts.host, !host.isEmpty else {
                throw StoreError(message: "\(shown): no host named (postgres://user@HOST:port/database)")
            }
            let tls = try PostgresTLS.configuration(
                mode: query["sslmode"], rootCertificate: query["sslrootcert"], shown: shown)
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        if let schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        self.configuration = configuration
    }

    deinit {
        for connection in idle.withLock({ $0 }) { Self.close(connection) }
    }

    /// Runs `body` in one transaction on a borrowed connection: committed when it returns, rolled
    /// back when it throws. A writing transaction first takes `lock`, an advisory lock held until it
    /// ends, so the writers of one database (on any server) take turns and an audit chain cannot
    /// fork. A reading one is `REPEATABLE READ`: all of its queries see one snapshot.
    ///
    /// A kept connection the server has since closed (a restart, a fail-over, an idle timeout) fails
    /// at `BEGIN`, before anything was done: then every kept connection is dropped and the
    /// transaction runs once more on a new one.
    func transaction<T>(writing lock: String?, _ body: (PostgresSession) throws -> T) throws -> T {
        do {
            return try attempt(writing: lock, body)
        } catch is StaleConnection {
            for connection in idle.withLock({ idle in
                defer { idle.removeAll() }
                return idle
            }) {
                Self.close(connection)
            }
            return try attempt(writing: lock, body)
        }
    }

    /// A writing transaction under `lock`, its failure said as `failure (why)` (a `Refusal` as it is).
    func write<T>(_ lock: String, _ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        do {
            return try transaction(writing: lock, body)
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "\(failure) (\(error))")
        }
    }

    /// A reading transaction (one snapshot), its failure said as `failure (why)` (a `Refusal` as it is).
    func read<T>(_ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        do {
            return try transaction(writing: nil, body)
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "\(failure) (\(error))")
        }
    }

    /// One reading statement, outside any transaction: a statement is its own snapshot, and the
    /// `BEGIN` and `COMMIT` around it would be two more round trips (a feed GET is one statement).
    /// One that fails on a kept connection runs once more on a new one, as `transaction` does.
    func single<T>(_ failure: String, _ body: (PostgresSession) throws -> T) throws(StoreError) -> T {
        func run() throws -> T {
            try borrow { connection, reused in
                do {
                    return try body(
                        PostgresSession(connection: connection, logger: Self.logger, answerSeconds: answerSeconds))
                } catch {
                    throw reused ? StaleConnection() : error
                }
            }
        }
        do {
            do { return try run() } catch is StaleConnection {
                for connection in idle.withLock({ idle in
                    defer { idle.removeAll() }
                    return idle
                }) {
                    Self.close(connection)
                }
                return try run()
            }
        } catch let refusal as Refusal {
            throw StoreError(message: refusal.message)
        } catch {
            throw StoreError(message: "\(failure) (\(error))")
        }
    }

    /// A kept connection that no longer answered.
    private struct StaleConnection: Error {}

    private func attempt<T>(writing lock: String?, _ body: (PostgresSession) throws -> T) throws -> T {
        try borrow { connection, reused in
            let session = PostgresSession(connection: connection, logger: Self.logger, answerSeconds: answerSeconds)
            do {
                try session.execute(lock == nil ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
            } catch {
                if reused { throw StaleConnection() }
                throw error
            }
            do {
                if let lock {
                    let scoped = schema.map { "\(lock) \($0)" } ?? lock
                    try session.execute("SELECT pg_advisory_xact_lock(hashtext($1))", [.text(scoped)])
                }
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                // The first error is the one to report; `borrow` closes the connection, so
                // a rollback that failed too leaves nothing in doubt.
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes without waiting: nothing needs the answer. The connection is kept until it is closed
    /// (postgres-nio asserts that none is released open).
    private static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs `body` on a borrowed connection, outside any transaction (`CREATE DATABASE` must be).
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try borrow { connection, _ in try body(connection) }
    }

    /// A new connection.
    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                on: Self.loops.next(), configuration: configuration,
                id: nextID.wrappingAdd(1, ordering: .relaxed).oldValue, logger: Self.logger
            ).wait()
        } catch {
            throw StoreError(message: "\(shown): cannot connect (\(String(reflecting: error)))")
        }
    }

    /// Runs `body` in a read-only transaction on a connection opened for it and closed after, which
    /// sees the snapshot `snapshot` names (`pg_export_snapshot()` of a transaction still open): the
    /// same database as that transaction, for a read whose rows are too large to leave behind.
    /// postgres-nio's decoder keeps its buffer as large as the largest message a connection has
    /// read, and while rows are held it copies that whole buffer after each read from the socket:
    /// a 100 MB row made every later row of every later statement on its connection slow.
    func aside<T>(snapshot: String, _ body: (PostgresSession) throws -> T) throws -> T {
        // An id as the server gives it (`00000003-0000001B-1`): written into the statement, which
        // takes no parameter.
        guard !snapshot.isEmpty,
            snapshot.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 < 0x80 && isxdigit(Int32($0)) != 0) })
        else { throw StoreError(message: "\(shown): the server gave an unexpected snapshot id \"\(snapshot)\"") }
        let connection = try connect()
        defer { Self.close(connection) }
        let session = PostgresSession(connection: connection, logger: Self.logger, answerSeconds: answerSeconds)
        try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try session.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
        let result = try body(session)
        try session.execute("COMMIT")
        return result
    }

    /// The same, telling `body` whether the connection was kept from an earlier call.
    private func borrow<T>(_ body: (PostgresConnection, _ reused: Bool) throws -> T) throws -> T {
        let connection: PostgresConnection
        // One the server closed while it waited here is dropped (postgres-nio leaves a query sent on
        // it waiting for ever).
        var kept = idle.withLock { $0.popLast() }
        while let closed = kept, closed.isClosed {
            Self.close(closed)
            kept = idle.withLock { $0.popLast() }
        }
        if let kept {
            connection = kept
        } else {
            connection = try connect()
        }
        do {
            let result = try body(connection, kept != nil)
            let keep = idle.withLock { idle in
                guard idle.count < Self.keep, !connection.isClosed else { return false }
                idle.append(connection)
                return true
            }
            if !keep { Self.close(connection) }
            return result
        } catch {
            Self.close(connection)
            throw error
        }
    }
}

/// One connection inside one transaction.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// How long a statement may take, waiting for the writers' lock included.
    var answerSeconds: Int64 = 60

    /// A value bound to a `$n` parameter.
    enum Value {
        case text(String)
        case integer(Int)
        case bool(Bool)
        case double(Double)
        case bytes([UInt8])
        case null
        /// Arrays, for `unnest`: a column of many rows in one parameter.
        case texts([String])
        case integers([Int])
        case bools([Bool])

        /// A value as SQLite would hold it, bound as the same type.
        init(_ value: CanonicalRow.Value) {
            switch value {
            case .null: self = .null
            case .integer(let int): self = .integer(Int(int))
            case .real(let double): self = .double(double)
            case .text(let text): self = .text(text)
            case .blob(let bytes): self = .bytes(bytes)
            }
        }

        /// Text, or NULL.
        static func text(_ text: String?) -> Value { text.map(Value.text) ?? .null }

        /// An integer, or NULL.
        static func integer(_ number: Int?) -> Value { number.map(Value.integer) ?? .null }
    }

    /// The rows of one statement.
    @discardableResult
    func query(_ sql: String, _ values: [Value] = []) throws -> PostgresQueryResult {
        try wait(send(sql, values))
    }

    /// A statement sent, not yet waited for: the next one can be made while the server runs this
    /// one (`wait` each, in order).
    struct Sent {
        fileprivate let answer: EventLoopFuture<PostgresQueryResult>
    }

    /// Sends a statement without waiting for its answer.
    func send(_ sql: String, _ values: [Value] = []) -> Sent {
        Sent(answer: connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger))
    }

    /// Statements sent ahead of their answers, at most `depth` unanswered: while the server runs
    /// them, the next one is made here. Answers are waited for in order; the first error ends the
    /// transaction (the server refuses what was sent after it).
    struct Pipeline {
        let session: PostgresSession
        var depth = 2
        private var waiting: [Sent] = []

        init(_ session: PostgresSession) { self.session = session }

        /// Sends a statement, first waiting for the oldest answer if `depth` are unanswered.
        mutating func send(_ sql: String, _ values: [Value] = []) throws {
            if waiting.count >= depth { try session.wait(waiting.removeFirst()) }
            waiting.append(session.send(sql, values))
        }

        /// Waits for every answer still to come.
        mutating func finish() throws {
            defer { waiting = [] }
            for sent in waiting { try session.wait(sent) }
        }
    }

    /// The answer to a statement sent.
    @discardableResult
    func wait(_ sent: Sent) throws -> PostgresQueryResult {
        // Waited for at most `answerSeconds`: a statement sent as the server closed the connection
        // can be left unanswered by postgres-nio, and a request must not hang for it. The
        // connection is then closed by `borrow`, as after any failure.
        let answer = sent.answer
        let bounded = answer.eventLoop.makePromise(of: PostgresQueryResult.self)
        answer.cascade(to: bounded)
        let timer = answer.eventLoop.scheduleTask(in: .seconds(answerSeconds)) {
            bounded.fail(StoreError(message: "the database did not answer within \(answerSeconds) s"))
        }
        defer { timer.cancel() }
        do {
            return try bounded.futureResult.wait()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(message: Self.describe(error))
        }
    }

    /// Calls `each` with every row of one statement as it arrives, in order, without holding the
    /// rows: a year's items, or every sealed row `audit verify` reads, can be more than memory
    /// would like. `each` runs on the connection's event loop, one row after another, while this
    /// thread waits; its first error ends the statement and is thrown here.
    ///
    /// The statement fails when the server has sent nothing for `answerSeconds`, not when all its
    /// rows took longer: a state's audit chain (780,000 rows hashed here as they come) is verified
    /// in about a minute, and a bound on the whole statement failed it on a busy machine, as if the
    /// server had not answered.
    func forEach(_ sql: String, _ values: [Value] = [], _ each: @escaping (PostgresRow) throws -> Void) throws {
        let visitor = RowVisitor(each)
        let answer = connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(values)), logger: logger) {
            row in try visitor.visit(row)
        }
        let bounded = answer.eventLoop.makePromise(of: PostgresQueryMetadata.self)
        answer.cascade(to: bounded)
        // On the event loop, as every row's visit: the last answer is read where it is written.
        let limit = TimeAmount.seconds(answerSeconds)
        let timer = answer.eventLoop.scheduleRepeatedTask(
            initialDelay: min(limit, .seconds(1)), delay: min(limit, .seconds(1))
        ) { task in
            guard NIODeadline.now() - visitor.lastAnswer >= limit else { return }
            bounded.fail(StoreError(message: "the database did not answer within \(answerSeconds) s"))
            task.cancel()
        }
        defer { timer.cancel() }
        do {
            _ = try bounded.futureResult.wait()
        } catch let error as StoreError {
            throw error
        } catch {
            throw visitor.failure ?? StoreError(message: Self.describe(error))
        }
    }

    /// The closure `forEach` calls, and its first error: called only on the connection's event
    /// loop, one row at a time, while the thread that made it waits.
    private final class RowVisitor: @unchecked Sendable {
        let each: (PostgresRow) throws -> Void
        var failure: (any Error)?

        /// When the statement was sent, then when its last row came.
        var lastAnswer = NIODeadline.now()

        init(_ each: @escaping (PostgresRow) throws -> Void) { self.each = each }

        func visit(_ row: PostgresRow) throws {
            // Rows come while this one is handled: a row that takes long here is not the server's silence.
            lastAnswer = .now()
            defer { lastAnswer = .now() }
            do { try each(row) } catch {
                failure = error
                throw error
            }
        }
    }

    static func bindings(_ values: [Value]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .bool(let flag): binds.append(flag)
            case .double(let number): binds.append(number)
            case .bytes(let bytes): binds.append(ByteBuffer(bytes: bytes))
            case .null: binds.appendNull()
            case .texts(let texts): binds.append(texts)
            case .integers(let numbers): binds.append(numbers)
            case .bools(let flags): binds.append(flags)
            }
        }
        return binds
    }

    /// A statement whose rows are not wanted; how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [Value] = []) throws -> Int {
        try query(sql, values).metadata.rows ?? 0
    }

    /// The server's own message (PSQLError's description hides it, as it may hold data).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let server = error.serverInfo, let message = server[.message] {
            return [server[.sqlState].map { "SQLSTATE \($0)" }, message, server[.detail]]
                .compactMap { $0 }.joined(separator: ": ")
        }
        return String(reflecting: error)
    }
}

extension PostgresCell {
    /// The cell as text, or nil when it is NULL or not text.
    var text: String? {
        guard bytes != nil, [.text, .varchar, .name].contains(dataType) else { return nil }
        return try? decode(String.self)
    }
}

extension PostgresRow {
    /// The cell named `column`, if the row has it.
    subscript(column name: String) -> PostgresCell? { first { $0.columnName == name } }

    /// `column` as text, or nil when it is NULL, missing or not text.
    func text(_ name: String) -> String? { self[column: name]?.text }

    /// `column` as a double, or nil when it is NULL, missing or not a number.
    func double(_ name: String) -> Double? {
        guard let cell = self[column: name], cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .float4, .float8: return try? cell.decode(Double.self)
        case .int2, .int4, .int8: return (try? cell.decode(Int.self)).map(Double.init)
        default: return nil
        }
    }

    /// `column`'s bytes, or nil when it is NULL, missing or not bytes.
    func bytes(_ name: String) -> [UInt8]? {
        guard let cell = self[column: name], let bytes = cell.bytes, cell.dataType == .bytea else { return nil }
        return Array(bytes.readableBytesView)
    }

    /// `column` as an integer, or nil when it is NULL, missing or not an integer.
    func integer(_ name: String) -> Int? {
        guard let cell = self[column: name], cell.bytes != nil, [.int2, .int4, .int8].contains(cell.dataType)
        else { return nil }
        return try? cell.decode(Int.self)
    }
}

extension PostgresCell {
    /// The value as SQLite would hold it, for the row's seal (`CanonicalRow`).
    var canonical: CanonicalRow.Value {
        guard bytes != nil else { return .null }
        switch dataType {
        case .bool: return .integer((try? decode(Bool.self)) == true ? 1 : 0)
        case .int2, .int4, .int8: return (try? decode(Int64.self)).map(CanonicalRow.Value.integer) ?? .null
        case .float4, .float8: return (try? decode(Double.self)).map(CanonicalRow.Value.real) ?? .null
        case .bytea: return .blob(Array((try? decode(ByteBuffer.self)).map { Array($0.readableBytesView) } ?? []))
        default: return .text((try? decode(String.self)) ?? "")
        }
    }
}
