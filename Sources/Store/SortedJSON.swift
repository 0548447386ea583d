/// A JSON object of text values, keys sorted: the bytes `JSONEncoder.sorted` gives for a
/// `[String: String]`, written directly. An audit entry that seals a first schedule names 78,000
/// rows per 1,000 schools, and Foundation's encoder spent 0.4 s of a core on them, most of it
/// sorting; `SortedJSONTests` compares the two on every ASCII character and beyond.
enum SortedJSON {
    /// `pairs` as one object, sorted by key (keys must be distinct). Foundation sorts keys by their
    /// UTF-8 bytes, not as Swift compares strings (`e` + U+0301 comes before `f` there, after it here).
    static func object(_ pairs: [(String, String)]) -> String {
        // ASCII keys (UIDs) compare the same either way, and Swift compares them at memcmp's speed.
        let sorted =
            pairs.allSatisfy { $0.0.utf8.allSatisfy { $0 < 0x80 } }
            ? pairs.sorted { $0.0 < $1.0 }
            : pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(pairs.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 6 })
        for (index, (key, value)) in sorted.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            string(value, into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    static func object(_ dictionary: [String: String]) -> String {
        object(dictionary.map { ($0.key, $0.value) })
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func string(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
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
