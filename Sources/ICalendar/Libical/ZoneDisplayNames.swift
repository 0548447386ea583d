import Foundation

/// TZIDs that are a zone's display name rather than its name: what Outlook Web Access, Outlook on
/// some locales and Exchange's feeds write when they leave the VTIMEZONE out ("(UTC-05:00) Eastern
/// Time (US & Canada)", "(GMT+10:00) Canberra, Melbourne, Sydney", "Amsterdam, Belgrade, Berlin,
/// ...", "UTC+01"). One of Windows' own display names is read through CLDR's table of them; any
/// other (an older wording, a localized or shortened one) by what it says: its offset, and the
/// Windows name or the cities it gives, which must agree with it.
enum ZoneDisplayNames {
    /// The Olson name a display name stands for, or nil when it says too little or contradicts
    /// itself (a city whose zone's standard offset is not the one written). `known` says whether
    /// libical has a zone of that name.
    static func olson(_ tzid: String, known: (String) -> Bool) -> String? {
        let trimmed = tzid.trimmingCharacters(in: .whitespaces)
        // Windows' own display name, as CLDR lists it (older Windows wrote "GMT" for "UTC"): its
        // zone, whatever tzdata now says of the offset ("(UTC-03:00) Greenland" is Nuuk, at -02:00
        // since 2023).
        let windowsDisplayName = trimmed.hasPrefix("(GMT") ? "(UTC" + trimmed.dropFirst(4) : trimmed
        if let windows = WindowsZones.displayNames[windowsDisplayName], let olson = WindowsZones.olson[windows],
            known(olson)
        {
            return olson
        }
        let (offset, rest) = splitOffset(trimmed)
        guard offset != nil || rest.contains(",") else { return nil }
        func agrees(_ name: String) -> Bool {
            guard known(name), let zone = TimeZone(identifier: name) else { return false }
            return offset.map { standardOffset(zone) == $0 } ?? true
        }
        if rest.isEmpty {
            // Only an offset ("UTC+01", "(GMT +01:00)"): a zone of that fixed offset, where tzdata
            // has one (whole hours), as the name literally says.
            guard let offset, offset % 3600 == 0 else { return nil }
            let hours = offset / 3600
            let name = hours == 0 ? "Etc/UTC" : "Etc/GMT\(hours > 0 ? "-" : "+")\(abs(hours))"
            return known(name) ? name : nil
        }
        // The Windows name a display name is made from: "<Name> Time (...)" is "<Name> Standard
        // Time" ("Eastern Time (US & Canada)"), a region alone is "<Region> Standard Time"
        // ("(UTC-03:30) Newfoundland", "(UTC-06:00) Central America").
        let plain = rest.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? rest
        let windows = (plain.hasSuffix(" Time") ? String(plain.dropLast(5)) : plain) + " Standard Time"
        if let olson = WindowsZones.olson[windows], agrees(olson) { return olson }
        // The cities (or US states, Canadian provinces) it lists, each looked up among tzdata's
        // zones by its last part, then among tzdata's links by country ("US/Hawaii",
        // "Canada/Saskatchewan").
        let places = rest.split { $0 == "," || $0 == "(" || $0 == ")" }.map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "_")
        }
        for place in places where !place.isEmpty {
            for name in (byPlace[place] ?? []) + ["US/\(place)", "Canada/\(place)"] where agrees(name) { return name }
        }
        return nil
    }

    /// The offset a display name starts with ("(UTC-05:00)", "(GMT +01:00)", "UTC+01") in seconds
    /// east of UTC, and the text after it.
    static func splitOffset(_ text: String) -> (offset: Int?, rest: String) {
        var scanner = Substring(text)
        let bracketed = scanner.first == "("
        if bracketed { scanner = scanner.dropFirst() }
        guard scanner.hasPrefix("UTC") || scanner.hasPrefix("GMT") else { return (nil, text) }
        scanner = scanner.dropFirst(3).drop { $0 == " " }
        guard let sign = scanner.first, sign == "+" || sign == "-" else {
            // "(UTC) Dublin, Edinburgh": the offset is zero.
            if bracketed, scanner.first == ")" {
                return (0, String(scanner.dropFirst()).trimmingCharacters(in: .whitespaces))
            }
            return (nil, text)
        }
        scanner = scanner.dropFirst()
        let digits = scanner.prefix { $0.isASCII && ($0.isNumber || $0 == ":") }
        scanner = scanner.dropFirst(digits.count)
        let parts = digits.split(separator: ":")
        guard let hours = parts.first.flatMap({ Int($0) }), hours <= 14, parts.count <= 2,
            let minutes = parts.count == 2 ? Int(parts[1]) : 0, minutes < 60
        else { return (nil, text) }
        if bracketed {
            guard scanner.first == ")" else { return (nil, text) }
            scanner = scanner.dropFirst()
        }
        // "UTC+01" alone, or followed by a space; "UTC+01x" is no offset.
        guard bracketed || scanner.isEmpty || scanner.first == " " else { return (nil, text) }
        let seconds = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
        return (seconds, scanner.trimmingCharacters(in: .whitespaces))
    }

    /// A zone's offset outside daylight saving time, in seconds east of UTC (of this year's
    /// January and July, the one not in daylight time).
    static func standardOffset(_ zone: TimeZone) -> Int {
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        var components = DateComponents(year: year, month: 1, day: 15, hour: 12)
        components.timeZone = zone
        let dates = [1, 7].compactMap { month -> Date? in
            components.month = month
            return Calendar(identifier: .gregorian).date(from: components)
        }
        let standard = dates.first { !zone.isDaylightSavingTime(for: $0) } ?? dates.first ?? Date()
        return zone.secondsFromGMT(for: standard)
    }

    /// tzdata's zones by their last part (`Sydney` -> `Australia/Sydney`), spaces as underscores:
    /// the zones tzdata's own tables list (`Asia/Kolkata`, which ICU knows as `Asia/Calcutta`),
    /// then Foundation's.
    static let byPlace: [String: [String]] = {
        var names: [String] = []
        for table in ["zone1970.tab", "zone.tab"] {
            let text = (try? String(contentsOfFile: "/usr/share/zoneinfo/\(table)", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let columns = line.split(separator: "\t")
                if columns.count >= 3 { names.append(String(columns[2])) }
            }
        }
        names += TimeZone.knownTimeZoneIdentifiers.sorted()
        var places: [String: [String]] = [:]
        for name in names {
            guard let last = name.split(separator: "/").last, name.contains("/") else { continue }
            if !(places[String(last)] ?? []).contains(name) { places[String(last), default: []].append(name) }
        }
        return places
    }()
}
