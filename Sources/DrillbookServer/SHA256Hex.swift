import Crypto
import Foundation

/// Lowercase hex SHA-256 of text (an ETag's basis).
func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
