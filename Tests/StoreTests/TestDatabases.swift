import Foundation
import GRDB
import PostgresNIO
import Store
import Testing

@testable import PostgresStore

/// The engines a store test runs on: SQLite always, PostgreSQL when DRILLBOOK_TEST_POSTGRES names a
/// server (`make test` starts a throwaway one, `scripts/postgres.sh`). Each test gets a database of
/// its own: a new file, or a new PostgreSQL database.
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The server's URL, from the environment.
    static var serverURL: String? { ProcessInfo.processInfo.environment["DRILLBOOK_TEST_POSTGRES"] }

    /// Every engine this run can test.
    static var available: [Engine] { serverURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// A fresh, empty database on one engine, and a way around the store to change it as someone with
/// the file or the database's password could. A PostgreSQL database sorts text by ICU's English
/// rules, as many servers are set up to, not bytewise as SQLite does: a query that leaves order to
/// the database's collation answers differently here, and a test sees it.
struct TestDatabase {
    let engine: Engine
    /// A file path, or a `postgres://` URL.
    let location: String

    init(_ engine: Engine) throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            location = folder.appendingPathComponent("store.sqlite").path
        case .postgres:
            let server = try #require(Engine.serverURL)
            let name = "drillbook_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try PostgresPool(url: server)
            _ = try admin.withConnection { connection in
                try PostgresSession(connection: connection, logger: PostgresPool.logger).execute(
                    "CREATE DATABASE \(name) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en'")
            }
            var parts = try #require(URLComponents(string: server))
            parts.path = "/\(name)"
            location = try #require(parts.string)
        }
    }

    /// The incidents store on it.
    func incidents() throws -> any IncidentStore {
        switch engine {
        case .sqlite: try SQLiteIncidentStore(path: location)
        case .postgres: try PostgresIncidentStore(url: location)
        }
    }

    /// The schedule store on it.
    func schedule() throws -> any ScheduleStore {
        switch engine {
        case .sqlite: try SQLiteScheduleStore(path: location)
        case .postgres: try PostgresScheduleStore(url: location)
        }
    }

    /// Runs SQL behind the store's back (`?` parameters become `$n` on PostgreSQL).
    func tamper(_ sql: String, _ texts: [String] = []) throws {
        switch engine {
        case .sqlite:
            let queue = try DatabaseQueue(path: location)
            try queue.write { db in try db.execute(sql: sql, arguments: StatementArguments(texts)) }
        case .postgres:
            var numbered = ""
            var next = 0
            for character in sql {
                if character == "?" {
                    next += 1
                    numbered += "$\(next)"
                } else {
                    numbered.append(character)
                }
            }
            _ = try PostgresPool(url: location).transaction(writing: "test") { session in
                try session.execute(numbered, texts.map { .text($0) })
            }
        }
    }

    /// One text column of every row `sql` selects.
    func texts(_ sql: String) throws -> [String] {
        switch engine {
        case .sqlite:
            return try DatabaseQueue(path: location).read { db in try String.fetchAll(db, sql: sql) }
        case .postgres:
            return try PostgresPool(url: location).transaction(writing: nil) { session in
                try session.query(sql).compactMap { row in row.first.flatMap { try? $0.decode(String.self) } }
            }
        }
    }
}
