import Dates
import Foundation
import GRDB
import GRDBSQLite

/// The current row of a statement, read by position straight from SQLite.
///
/// For the tables read whole (a year's items and completions, every sealed row): decoding each
/// column through a `DatabaseValue` was most of the time, and GRDB's typed reads stop the process on
/// a NULL or a value of another type, which an edit of the file behind Drillbook's back can leave
/// anywhere. Here a NULL reads as empty (or nil where the field is optional) and a value of another
/// type as SQLite converts it; `audit verify` is what reports such a row.
struct ColumnReader {
    let statement: SQLiteStatement

    init(_ statement: Statement) { self.statement = statement.sqliteStatement }

    init(_ statement: SQLiteStatement) { self.statement = statement }

    /// The column as text, every byte of it; nil for NULL.
    func text(_ index: Int32) -> String? {
        guard sqlite3_column_type(statement, index) != SQLITE_NULL,
            let start = sqlite3_column_text(statement, index)
        else { return nil }
        return String(
            decoding: UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, index))),
            as: UTF8.self)
    }

    /// The column as text, empty for NULL.
    func string(_ index: Int32) -> String { text(index) ?? "" }

    /// The column's bytes as SQLite holds them (as text), valid until the statement moves; nil for NULL.
    func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard sqlite3_column_type(statement, index) != SQLITE_NULL,
            let start = sqlite3_column_text(statement, index)
        else { return nil }
        return UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, index)))
    }

    /// The column as text, the same string as every earlier row with the same bytes; nil for NULL.
    func text(_ index: Int32, pool: inout TextPool) -> String? { bytes(index).map { pool.text($0) } }

    /// The same, empty for NULL.
    func string(_ index: Int32, pool: inout TextPool) -> String { text(index, pool: &pool) ?? "" }

    /// The column as a date (`2027-09-02`); nil for NULL or anything else.
    func date(_ index: Int32) -> CalendarDate? { bytes(index).flatMap { CalendarDate(utf8: $0) } }

    /// Where columns `date` (text such as `2027-09-02`) and `start` (NULL, or a day's minute as an
    /// integer) put the row in `ORDER BY date, start` (SQLite's order: text byte by byte, NULL
    /// first), as one number; nil when either holds anything else, which SQLite orders by other
    /// rules (a number before every text, a date of another form where its bytes fall).
    func timeOrder(date: Int32, start: Int32) -> UInt64? {
        // Ten bytes `YYYY-MM-DD` of a real day: in byte order exactly when in calendar order.
        guard sqlite3_column_type(statement, date) == SQLITE_TEXT, let text = bytes(date), text.count == 10,
            let day = CalendarDate(utf8: text)
        else { return nil }
        let minute: UInt64
        switch sqlite3_column_type(statement, start) {
        case SQLITE_NULL: minute = 0
        case SQLITE_INTEGER:
            let value = sqlite3_column_int64(statement, start)
            guard value >= 0, value < 1 << 24 else { return nil }
            minute = UInt64(value) + 1
        default: return nil
        }
        return UInt64(day.year * 10_000 + day.month * 100 + day.day) << 25 | minute
    }

    /// The column as an integer; nil for NULL.
    func integer(_ index: Int32) -> Int? {
        sqlite3_column_type(statement, index) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(statement, index))
    }

    /// The column as an integer, 0 for NULL.
    func int(_ index: Int32) -> Int { integer(index) ?? 0 }

    /// The column as a boolean (non-zero), false for NULL.
    func bool(_ index: Int32) -> Bool { int(index) != 0 }
}

/// Strings already read, found again by their bytes: the columns of a year that repeat from row to
/// row (school, activity, title, description, time zone, owner...) become one string each, not one
/// allocation per row, and the items read share them.
///
/// Open addressing over a fixed table: once it is half full the column is not one that repeats,
/// and what is new is returned without being kept.
struct TextPool {
    private var slots: [String?]
    private var count = 0
    /// The text returned last: rows come school by school, so a column such as the school, its
    /// time zone or the status is most often the row before's, found without hashing its bytes.
    private var last = ""

    init(capacity: Int = 4096) { slots = Array(repeating: nil, count: capacity) }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if last.utf8.withContiguousStorageIfAvailable({ Self.equal($0, bytes) }) ?? false { return last }
        last = pooled(bytes)
        return last
    }

    private mutating func pooled(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let mask = slots.count - 1
        var slot = Hasher.hashing(bytes) & mask
        while let existing = slots[slot] {
            if existing.utf8.withContiguousStorageIfAvailable({ Self.equal($0, bytes) }) ?? false { return existing }
            slot = (slot + 1) & mask
        }
        let new = String(decoding: bytes, as: UTF8.self)
        if count < slots.count / 2 {
            slots[slot] = new
            count += 1
        }
        return new
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        return memcmp(left, right, a.count) == 0
    }
}

extension Hasher {
    fileprivate static func hashing(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return hasher.finalize()
    }
}

extension Statement {
    /// Binds `values` to the statement's parameters by position, straight into SQLite, and runs it
    /// to its end, inside the caller's transaction.
    ///
    /// For inserts of a whole year in one transaction: `StatementArguments` converted each value
    /// through its protocol again, a fifth of storing a first schedule. The statement is then only
    /// good for this (GRDB does not know these bindings): make it with `makeStatement`, not cached.
    func execute(binding values: [DatabaseValue]) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(statement, index)
            case .int64(let number): code = sqlite3_bind_int64(statement, index, number)
            case .double(let number): code = sqlite3_bind_double(statement, index, number)
            case .string(let text):
                code =
                    text.utf8.withContiguousStorageIfAvailable { bytes in
                        sqlite3_bind_text(
                            statement, index,
                            bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                            Int32(bytes.count), transient)
                    } ?? sqlite3_bind_text(statement, index, text, -1, transient)
            case .blob(let data):
                code = data.withUnsafeBytes {
                    sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
    }
}

/// SQLite copies the bound bytes (the Swift string's storage is not kept alive for it).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Reads of one column of a `Row`, for the tables read by key (accounts, feeds, alerts, incidents).
///
/// GRDB's typed subscripts (`row["x"] as String`) stop the process when the column holds a value of
/// another type, which an edit of the file behind Drillbook's back can leave in any row. The strict
/// reads (`text`, `integer`) answer nil for anything but their type: for hash chains, where a value
/// of another type is a broken link. The `any…` reads convert as SQLite does and answer nil only
/// for NULL (or what cannot be a number): for showing and using a row, which `audit verify` then
/// reports as changed.
extension Row {
    /// The text in `column`, or nil when it holds NULL or anything but text.
    func text(_ column: String) -> String? {
        if case .string(let text) = (self[column] as DatabaseValue).storage { return text }
        return nil
    }

    /// The integer in `column`, or nil when it holds NULL or anything but an integer.
    func integer(_ column: String) -> Int64? {
        if case .int64(let number) = (self[column] as DatabaseValue).storage { return number }
        return nil
    }

    /// The column as text, whatever it holds (a number in decimal, a blob's bytes as UTF-8); nil for NULL.
    func anyText(_ column: String) -> String? {
        switch (self[column] as DatabaseValue).storage {
        case .null: nil
        case .string(let text): text
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .blob(let data): String(decoding: data, as: UTF8.self)
        }
    }

    /// The column as an integer: a real truncated, text that spells one; nil for NULL, a blob, or
    /// anything out of range.
    func anyInt(_ column: String) -> Int? {
        switch (self[column] as DatabaseValue).storage {
        case .null, .blob: nil
        case .int64(let number): Int(number)
        case .double(let number): Int(exactly: number.rounded(.towardZero))
        case .string(let text): Int(text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// The column as a real; nil for NULL, a blob, or text that is not a number.
    func anyReal(_ column: String) -> Double? {
        switch (self[column] as DatabaseValue).storage {
        case .null, .blob: nil
        case .int64(let number): Double(number)
        case .double(let number): number
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// The column's bytes (text as UTF-8); nil for NULL or a number.
    func anyBytes(_ column: String) -> Data? {
        switch (self[column] as DatabaseValue).storage {
        case .null, .int64, .double: nil
        case .blob(let data): data
        case .string(let text): Data(text.utf8)
        }
    }
}
