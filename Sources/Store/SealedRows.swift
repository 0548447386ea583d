import Crypto
import GRDB
import GRDBSQLite

/// A chunk of a first schedule's item rows, sealed and ready to insert: each row's canonical bytes
/// (`RowSeal.appendField`'s, what its seal hashes) one after the other in one buffer, each followed
/// by the 64 hex digits of its hash, and each value to bind described by where it lies there. The
/// canonical bytes hold every text value whole, so the inserts bind them in place.
///
/// As an array of `DatabaseValue`s per row, every row was an allocation of two dozen values, each
/// string retained, made on the sealing core and taken apart and released on the inserting one,
/// and SQLite copied each text once more when it was bound: about a third of the inserting core's
/// time, and the inserts are the slower half of a first schedule's store.
struct SealedRows: Sendable {
    /// A value to bind: a number as it is, text (or a blob) as a range of `bytes`.
    private enum Bound {
        case null
        case integer(Int64)
        case real(Double)
        case text(start: Int, count: Int)
        case blob(start: Int, count: Int)
    }

    /// Each row's content columns, then `row_hash`.
    static let width = ItemRecord.columns.count + 1

    /// Each content column's name field (`RowSeal.nameField`) in the seal's order, and its position.
    private static let names = ItemRecord.sealOrder.map { (RowSeal.nameField($0.name), $0.index) }

    private var bytes: [UInt8] = []
    private var bound: [Bound] = []

    /// Room for `rows` rows.
    init(capacity rows: Int) {
        bytes.reserveCapacity(rows * 768)
        bound.reserveCapacity(rows * Self.width)
    }

    var count: Int { bound.count / Self.width }

    /// Adds `record`'s row; returns its hash, the `row_hash` it is inserted with.
    mutating func append(_ record: ItemRecord) -> String {
        let start = bytes.count
        let first = bound.count
        bound.append(contentsOf: repeatElement(.null, count: Self.width))
        var blobs: [(column: Int, bytes: [UInt8])] = []
        for (name, column) in Self.names {
            bytes += name
            let value = record.value(column)
            let at = RowSeal.appendValue(value, to: &bytes)
            switch value {
            case .null: break
            case .integer(let number): bound[first + column] = .integer(number)
            case .real(let number): bound[first + column] = .real(number)
            case .text(let text): bound[first + column] = .text(start: at, count: text.utf8.count)
            // The canonical bytes hold a blob's base64: its own bytes go after the hash.
            case .blob(let data): blobs.append((column, data))
            }
        }
        let end = bytes.count
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        let digest = hasher.finalize()
        bytes.append(contentsOf: repeatElement(0, count: 64))
        bytes.withUnsafeMutableBufferPointer {
            writeHex(digest, into: UnsafeMutableBufferPointer(rebasing: $0[end...]))
        }
        bound[first + Self.width - 1] = .text(start: end, count: 64)
        for (column, data) in blobs {
            bound[first + column] = .blob(start: bytes.count, count: data.count)
            bytes += data
        }
        return String(decoding: bytes[end..<(end + 64)], as: UTF8.self)
    }

    /// The canonical bytes of row `row`, for tests: what its hash is of.
    func canonical(_ row: Int) -> ArraySlice<UInt8> {
        guard case .text(let hash, _) = bound[row * Self.width + Self.width - 1] else { return [] }
        let start = row == 0 ? 0 : rowEnd(row - 1)
        return bytes[start..<hash]
    }

    private func rowEnd(_ row: Int) -> Int {
        var end = 0
        for value in bound[(row * Self.width)..<((row + 1) * Self.width)] {
            switch value {
            case .text(let start, let count), .blob(let start, let count): end = max(end, start + count)
            default: break
            }
        }
        return end
    }

    /// Inserts every row with `statement` (an INSERT of `ItemRecord.columns` then `row_hash`, made
    /// with `makeStatement`: it is left with no bindings), inside the caller's transaction. Text is
    /// bound where it lies, which SQLite reads until the statement's next binding: cleared before
    /// the buffer can go.
    func insert(with statement: Statement) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_clear_bindings(handle) }
        try bytes.withUnsafeBufferPointer { bytes in
            for row in 0..<count {
                sqlite3_reset(handle)
                for column in 0..<Self.width {
                    let index = Int32(column + 1)
                    let code: Int32
                    switch bound[row * Self.width + column] {
                    case .null: code = sqlite3_bind_null(handle, index)
                    case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
                    case .real(let number): code = sqlite3_bind_double(handle, index, number)
                    case .text(let start, let count):
                        code = sqlite3_bind_text(
                            handle, index,
                            UnsafeRawPointer(bytes.baseAddress! + start).assumingMemoryBound(to: CChar.self),
                            Int32(count), inPlace)
                    case .blob(let start, let count):
                        code = sqlite3_bind_blob(handle, index, bytes.baseAddress! + start, Int32(count), inPlace)
                    }
                    guard code == SQLITE_OK else { throw statement.failure(code) }
                }
                let code = sqlite3_step(handle)
                guard code == SQLITE_DONE else { throw statement.failure(code) }
            }
        }
    }
}

/// SQLite reads the bound bytes where they are, until the statement's next binding (SQLITE_STATIC).
private let inPlace = unsafeBitCast(0, to: sqlite3_destructor_type.self)
