import ICalendar

/// `CATEGORIES:HOLIDAY` or `SUMMARY:/No School/`: how a plan's `calendar_mapping` picks events.
struct EventMatcher {
    static let properties = ["SUMMARY", "CATEGORIES", "DESCRIPTION", "LOCATION", "UID"]

    var property: String
    var exact: String?
    var pattern: Regex<AnyRegexOutput>?

    init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        property = text[..<colon].uppercased()
        let value = String(text[text.index(after: colon)...])
        guard Self.properties.contains(property), !value.isEmpty else { return nil }
        if value.count > 2, value.hasPrefix("/"), value.hasSuffix("/") {
            guard let regex = try? Regex(String(value.dropFirst().dropLast())) else { return nil }
            pattern = regex.ignoresCase()
        } else {
            exact = value.lowercased()
        }
    }

    func matches(_ event: Event) -> Bool {
        let values: [String]
        switch property {
        case "SUMMARY": values = [event.summary]
        case "CATEGORIES": values = event.categories.flatMap { $0.split(separator: ",").map(String.init) }
        case "DESCRIPTION": values = event.description.map { [$0] } ?? []
        case "LOCATION": values = event.location.map { [$0] } ?? []
        default: values = [event.uid]
        }
        return values.contains { value in
            if let exact { return value.lowercased() == exact }
            return pattern.map { (try? $0.firstMatch(in: value)) != nil } ?? false
        }
    }
}
