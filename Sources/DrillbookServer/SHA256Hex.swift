import Store

/// Lowercase hex SHA-256 of text (an ETag's basis): the store's, one implementation.
func sha256Hex(_ text: String) -> String { Store.sha256Hex(text) }
