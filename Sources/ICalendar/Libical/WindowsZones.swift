import Foundation
import XMLCoder

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
    static let olson: [String: String] = (try? load(path)) ?? [:]

    /// Whether the table could be read (a missing package changes what an unknown TZID's error says).
    static var isAvailable: Bool { !olson.isEmpty }

    /// The table in the file at `path`.
    static func load(_ path: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let table = try XMLDecoder().decode(SupplementalData.self, from: data)
        var olson: [String: String] = [:]
        for zone in table.windowsZones.mapTimezones.mapZone where zone.territory == "001" {
            // A row may list several zones ("America/Rio_Branco America/Eirunepe"); the first is canonical.
            if let first = zone.type.split(separator: " ").first { olson[zone.other] = String(first) }
        }
        return olson
    }

    private struct SupplementalData: Decodable {
        var windowsZones: Zones
    }

    private struct Zones: Decodable {
        var mapTimezones: Mappings
    }

    private struct Mappings: Decodable {
        var mapZone: [Mapping] = []
    }

    private struct Mapping: Decodable {
        var other: String
        var territory: String
        var type: String
    }
}
