import Crypto
import Foundation

/// The SHA-256 of a text, as 64 lower-case hex digits: the audit chain, incident events and the
/// content hash an incident pins its playbook by.
public func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
