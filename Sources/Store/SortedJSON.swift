/// A JSON object of text values, keys sorted: the bytes `JSONEncoder.sorted` gives for a
/// `[String: String]`, written directly. An audit entry that seals a first schedule names 78,000
/// rows per 1,000 schools, and Foundation's encoder spent 0.4 s of a core on them, most of it
/// sorting; `SortedJSONTests` compares the two on every ASCII character and beyond.
enum SortedJSON {
    /// `pairs` as one object, sorted by key (keys must be distinct). Foundation sorts keys by their
    /// UTF-8 bytes, not as Swift compares strings (`e` + U+0301 comes before `f` there, after it here).
    static func object(_ pairs: [(String, String)]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(pairs.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 6 })
        members(sorted(pairs), into: &bytes, first: true)
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `pairs` in the order `object` writes them: by the keys' UTF-8 bytes.
    static func sorted(_ pairs: [(String, String)]) -> [(String, String)] {
        // ASCII keys (UIDs) compare the same either way, and Swift compares them at memcmp's speed.
        pairs.allSatisfy { $0.0.utf8.allSatisfy { $0 < 0x80 } }
            ? pairs.sorted { $0.0 < $1.0 }
            : pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    }

    /// Writes `pairs` as members of an object, in the order given; `first`: no comma before the first.
    fileprivate static func members(_ pairs: [(String, String)], into bytes: inout [UInt8], first: Bool) {
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 || !first { bytes.append(UInt8(ascii: ",")) }
            string(key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            string(value, into: &bytes)
        }
    }

    static func object(_ dictionary: [String: String]) -> String {
        object(dictionary.map { ($0.key, $0.value) })
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func string(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most text (a UID, a hash) needs no escape: its bytes copied at once, not appended one by one.
        let plain =
            text.utf8.withContiguousStorageIfAvailable { utf8 in
                for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    return false
                }
                bytes += utf8
                return true
            } ?? false
        if plain {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20:
                bytes += Array("\\u00".utf8)
                bytes += [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// `SortedJSON.object` written block by block while the pairs are still being made: each block
/// sorted and written as it comes. A first schedule's audit entry names every row of the year,
/// school by school, and every UID begins with its school's path, so its blocks come in order and
/// the whole list is never sorted, nor held twice, at the end of the store. Once a block's first
/// key does not come after the last key written, the pairs cannot be written this way: `finish`
/// gives nil, and the caller writes them all with `object`.
package struct SortedJSONBlocks {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    /// The last key written, as bytes.
    private var last: [UInt8]?
    /// False once a block came out of order (or repeated a key): nothing more is written.
    package private(set) var inOrder = true

    /// With room for about `capacity` bytes of text.
    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Writes a block of pairs (keys distinct), sorted, after those written so far.
    package mutating func append(_ pairs: [(String, String)]) {
        guard inOrder, !pairs.isEmpty else { return }
        let sorted = SortedJSON.sorted(pairs)
        if let last, !last.lexicographicallyPrecedes(sorted[0].0.utf8) {
            inOrder = false
            bytes = []
            return
        }
        SortedJSON.members(sorted, into: &bytes, first: last == nil)
        last = Array(sorted[sorted.count - 1].0.utf8)
    }

    /// The object's text, or nil when the blocks did not come in order.
    package consuming func finish() -> String? {
        guard inOrder else { return nil }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SortedJSON {
    /// The pairs of an object of text values, as `object` writes it (any spacing, any escape), in the
    /// text's order; nil for anything else, which the caller hands to a general JSON reader. `audit
    /// verify` reads every entry's list of sealed rows, a first schedule's naming every row of the year.
    static func pairs(_ text: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        let read = eachPair(text) { name, value in
            pairs.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return read ? pairs : nil
    }

    /// The same pairs handed to `body` one at a time as bytes, each valid only during its call, with
    /// no string made of either: a first schedule's entry names 780,000 rows at 10,000 schools, and
    /// their strings in one array were a quarter of a gigabyte held while `check` verified. False
    /// for anything but such an object, found out part way: pairs already handed over stand, so a
    /// caller whose reading of a pair is idempotent reads the text again with a general reader.
    static func eachPair(
        _ text: String, _ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void
    ) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in eachPair(bytes, body) }
    }

    /// The same, over the text's bytes.
    static func eachPair(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void
    ) -> Bool {
        var reader = Reader(bytes: bytes)
        return reader.object(body)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var scratch: [UInt8] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func object(
            _ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void
        ) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            if take(UInt8(ascii: "}")) { return end() }
            var name: [UInt8] = []
            repeat {
                guard let key = string() else { return false }
                // The value's escapes are undone into the same scratch as the name's.
                if case .unescaped = key { name = scratch }
                guard take(UInt8(ascii: ":")), let value = string() else { return false }
                withBytes(of: key, escaped: name) { name in withBytes(of: value, escaped: scratch) { body(name, $0) } }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) && end()
        }

        /// Where a string's bytes are: in the text (no escape) or undone into `scratch`.
        enum Piece {
            case text(Range<Int>)
            case unescaped
        }

        private func withBytes(of piece: Piece, escaped: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
            switch piece {
            case .text(let range): body(UnsafeBufferPointer(rebasing: bytes[range]))
            case .unescaped: escaped.withUnsafeBufferPointer(body)
            }
        }

        private mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func end() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        private mutating func string() -> Piece? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            // Most strings have no escape: made straight from the text.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                if bytes[index] < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                return .text(start..<index - 1)
            }
            scratch.removeAll(keepingCapacity: true)
            scratch += UnsafeBufferPointer(rebasing: bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return .unescaped
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escaped)
                    case UInt8(ascii: "b"): scratch.append(0x08)
                    case UInt8(ascii: "f"): scratch.append(0x0C)
                    case UInt8(ascii: "n"): scratch.append(0x0A)
                    case UInt8(ascii: "r"): scratch.append(0x0D)
                    case UInt8(ascii: "t"): scratch.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                                bytes[index + 1] == UInt8(ascii: "u")
                            else { return nil }
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        scratch += Array(String(Character(unicode)).utf8)
                    default: return nil
                    }
                default:
                    if byte < 0x20 { return nil }
                    scratch.append(byte)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                index += 1
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
    }
}
