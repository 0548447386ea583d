import Crypto
import Foundation

/// The SHA-256 of a text, as 64 lower-case hex digits: the audit chain, sealed rows, incident
/// events and the content hash an incident pins its playbook by.
public func sha256Hex(_ text: String) -> String { sha256Hex(bytes: Array(text.utf8)) }

/// The same, of bytes.
package func sha256Hex(bytes: [UInt8]) -> String {
    // Hex by table: `String(format:)` per byte was most of the cost of sealing 78,000 rows.
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: bytes) {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: hex, as: UTF8.self)
}
