/// The parts of an .xlsx package Drillbook reads, as XMLCoder decodes them (attributes and elements
/// alike by name). ECMA-376 Part 1 gives their full shape.

/// xl/workbook.xml: the worksheets in order, and the date system.
struct WorkbookXML: Decodable {
    struct Properties: Decodable {
        var date1904: String?
    }

    struct Sheets: Decodable {
        var sheet: [Sheet] = []
    }

    struct Sheet: Decodable {
        var name: String
        /// The relationship (`r:id`) that names the worksheet's part.
        var relationship: String

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        /// The relationships namespace is usually prefixed `r:`, but any prefix is the same attribute.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            name = try container.decode(String.self, forKey: Key(stringValue: "name"))
            guard let key = container.allKeys.first(where: { $0.stringValue.hasSuffix(":id") }) else {
                throw DecodingError.keyNotFound(
                    Key(stringValue: "r:id"),
                    .init(codingPath: decoder.codingPath, debugDescription: "a sheet without r:id"))
            }
            relationship = try container.decode(String.self, forKey: key)
        }
    }

    var workbookPr: Properties?
    var sheets: Sheets
}

/// xl/_rels/workbook.xml.rels: relationship ids to part paths.
struct Relationships: Decodable {
    struct Relationship: Decodable {
        var id: String
        var target: String

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case target = "Target"
        }
    }

    var relationship: [Relationship] = []

    enum CodingKeys: String, CodingKey {
        case relationship = "Relationship"
    }
}

/// A run of text (`<t xml:space="preserve"> x </t>`).
struct TextElement: Decodable {
    var value: String

    enum CodingKeys: String, CodingKey {
        case value = ""
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = (try? container.decode(String.self, forKey: .value)) ?? ""
    }
}

/// A string item: plain text, or rich text in runs (phonetic guides left out).
struct StringItem: Decodable {
    struct Run: Decodable {
        var t: TextElement?
    }

    var t: TextElement?
    var r: [Run]?

    var text: String { t?.value ?? (r ?? []).map { $0.t?.value ?? "" }.joined() }
}

/// xl/sharedStrings.xml: the workbook's strings, which cells of type `s` name by index.
struct SharedStrings: Decodable {
    var si: [StringItem] = []
}

/// xl/styles.xml: which cell styles format their number as a date or time.
struct StyleSheet: Decodable {
    struct NumberFormats: Decodable {
        var numFmt: [NumberFormat] = []
    }

    struct NumberFormat: Decodable {
        var numFmtId: Int
        var formatCode: String
    }

    struct CellFormats: Decodable {
        var xf: [CellFormat] = []
    }

    struct CellFormat: Decodable {
        var numFmtId: Int?
    }

    var numFmts: NumberFormats?
    var cellXfs: CellFormats?

    /// Built-in number formats that show dates or times (ECMA-376 Part 1, 18.8.30), CJK ones included.
    static let builtinDateFormats = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// Indexes into cellXfs (a cell's `s`) whose format shows a date or a time.
    var dateStyles: Set<Int> {
        var custom: [Int: String] = [:]
        for format in numFmts?.numFmt ?? [] { custom[format.numFmtId] = format.formatCode }
        var styles = Set<Int>()
        for (index, format) in (cellXfs?.xf ?? []).enumerated() {
            guard let id = format.numFmtId else { continue }
            if let code = custom[id] {
                if Self.isDateFormat(code) { styles.insert(index) }
            } else if Self.builtinDateFormats.contains(id) {
                styles.insert(index)
            }
        }
        return styles
    }

    /// Whether a format code shows a date or time: a d, m, y, h or s outside quoted text, escapes and
    /// [brackets] (colors, locales; `[h]` of elapsed time counts).
    static func isDateFormat(_ code: String) -> Bool {
        var quoted = false
        var bracket = false
        var escaped = false
        for character in code.lowercased() {
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[": bracket = true
            case "]": bracket = false
            default:
                if bracket, character == "h" || character == "m" || character == "s" { return true }
                if !quoted && !bracket && "dmyhs".contains(character) { return true }
            }
        }
        return false
    }
}

/// A worksheet part: its rows of cells.
struct Worksheet: Decodable {
    struct SheetData: Decodable {
        var row: [Row] = []
    }

    struct Row: Decodable {
        var r: Int?
        var c: [Cell] = []
    }

    struct Cell: Decodable {
        /// The cell's reference (`B7`).
        var r: String?
        /// Its style, an index into the style sheet's cellXfs.
        var s: Int?
        /// Its type: s (shared string), inlineStr, str (formula string), b, e, n (number, the default), d.
        var t: String?
        var v: String?
        var inline: StringItem?

        enum CodingKeys: String, CodingKey {
            case r, s, t, v
            case inline = "is"
        }
    }

    var sheetData: SheetData
}
