import Crypto
import Foundation

/// The SHA-256 of a text, as 64 lower-case hex digits: the audit chain, sealed rows, incident
/// events and the content hash an incident pins its playbook by.
public func sha256Hex(_ text: String) -> String { sha256Hex(bytes: Array(text.utf8)) }

/// The same, of bytes.
package func sha256Hex(bytes: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: 64) { buffer in
        writeHex(SHA256.hash(data: bytes), into: buffer)
        return 64
    }
}

/// The 64 lower-case hex digits of a digest, written into `hex` (at least 64 bytes): by table, as
/// `String(format:)` per byte was most of the cost of sealing 78,000 rows; into a buffer, so a
/// verification compares a row's hash with the stored one without making a string of it.
func writeHex(_ digest: SHA256.Digest, into hex: UnsafeMutableBufferPointer<UInt8>) {
    let digits: StaticString = "0123456789abcdef"
    digits.withUTF8Buffer { digits in
        var index = 0
        for byte in digest {
            hex[index] = digits[Int(byte >> 4)]
            hex[index + 1] = digits[Int(byte & 0x0F)]
            index += 2
        }
    }
}

/// Appends `value` in decimal (as `String(value)` spells it) without making a string, most
/// significant digit first (reversing a slice of the array afterwards copied it).
package func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
    // Most numbers written are a canonical row's lengths and small values: one or two digits.
    if value >= 0, value < 100 {
        if value >= 10 { bytes.append(UInt8(ascii: "0") + UInt8(value / 10)) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
        return
    }
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var divisor: UInt64 = 1
    while magnitude / divisor >= 10 { divisor *= 10 }
    repeat {
        bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
        magnitude %= divisor
        divisor /= 10
    } while divisor > 0
}

/// The number of bytes `appendDecimal` writes for `value`.
package func decimalLength(_ value: Int64) -> Int {
    var count = value < 0 ? 2 : 1
    var rest = value.magnitude / 10
    while rest > 0 {
        count += 1
        rest /= 10
    }
    return count
}
