import Foundation

/// Text in Windows-1252, the code page Outlook, Excel and Notepad write on a US or Western European
/// Windows (`’` as 0x92, `é` as 0xE9): calendars exported so, and drill logs saved as Excel's
/// "CSV (Comma delimited)".
public enum Windows1252 {
    /// The bytes as UTF-8.
    public static func utf8(_ bytes: some Sequence<UInt8>) -> [UInt8] { bytes.flatMap { table[Int($0)] } }

    /// Each byte's UTF-8 as Foundation's decoder reads it; its five unassigned bytes (0x81, 0x8D,
    /// 0x8F, 0x90, 0x9D), which it refuses, as U+FFFD.
    private static let table: [[UInt8]] = (0...255).map { byte in
        guard byte >= 0x80 else { return [UInt8(byte)] }
        return Array((String(bytes: [UInt8(byte)], encoding: .windowsCP1252) ?? "\u{FFFD}").utf8)
    }
}
