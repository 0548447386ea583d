import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Windows time zone names, as Outlook and Exchange write them in TZID ("Pacific Standard Time"),
/// and the Olson zone each means: CLDR's `windowsZones.xml` (Debian's unicode-cldr-core), the
/// table Windows, ICU and python's icalendar use. A name's zone is its "001" row, the one CLDR
/// gives for the name itself rather than for one country under it.
///
/// Read once per process; empty when the file is not there, and then a Windows name is an unknown
/// zone as before.
enum WindowsZones {
    /// Where Debian puts CLDR's table.
    static let path = "/usr/share/unicode/cldr/common/supplemental/windowsZones.xml"

    /// Olson name by Windows name.
    static var olson: [String: String] { table.olson }

    /// Windows name by display name ("(UTC-03:30) Newfoundland" for "Newfoundland Standard Time"):
    /// the comment CLDR writes above each Windows name's rows, Windows' own display names, which
    /// Outlook Web Access and Exchange write as a TZID when they leave the VTIMEZONE out.
    static var displayNames: [String: String] { table.displayNames }

    /// Read once per process; empty when the file is not there, and then a Windows name is an
    /// unknown zone as before.
    private static let table: Table = (try? load(path)) ?? Table()

    /// Whether the table could be read (a missing package changes what an unknown TZID's error says).
    static var isAvailable: Bool { !olson.isEmpty }

    struct Table {
        var olson: [String: String] = [:]
        var displayNames: [String: String] = [:]
    }

    /// The table in the file at `path`. Read with Foundation's XMLParser, which reports comments
    /// (XMLCoder, used for the spreadsheets, passes over them).
    static func load(_ path: String) throws -> Table {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse() else {
            throw parser.parserError ?? CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        return reader.table
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var table = Table()
        /// The display name in the comment just read, for the next Windows name's rows.
        private var displayName: String?

        func parser(_ parser: XMLParser, foundComment comment: String) {
            let text = comment.trimmingCharacters(in: .whitespaces)
            displayName = text.hasPrefix("(UTC") ? text : nil
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            // A name's zone is its "001" row, the one CLDR gives for the name itself rather than
            // for one country under it.
            guard name == "mapZone", attributes["territory"] == "001", let other = attributes["other"],
                let type = attributes["type"]
            else { return }
            // A row may list several zones ("America/Rio_Branco America/Eirunepe"); the first is canonical.
            if let first = type.split(separator: " ").first { table.olson[other] = String(first) }
            if let displayName { table.displayNames[displayName] = other }
            displayName = nil
        }
    }
}
