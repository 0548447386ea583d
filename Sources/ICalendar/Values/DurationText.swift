/// The length a DURATION value's text says, worked out in `Int` from the digits themselves.
///
/// libical 3.0.16 reads each of a duration's numbers into a 32-bit field and wraps what does not fit
/// (`P4294967297D` is one day, `-PT4294967296S` none): a reader that trusted its fields alone would
/// take a rule for something else. Checks compare their limits with this.
enum DurationText {
    /// The magnitude in seconds of `text` (`-P1W2DT3H`, `PT15M`), `Int.max` when it does not fit;
    /// nil for text that is not a duration's shape (libical's own error covers it).
    static func seconds(_ text: some StringProtocol) -> Int? {
        var bytes = Substring(text).utf8.drop { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        guard bytes.first == UInt8(ascii: "P") else { return nil }
        bytes = bytes.dropFirst()
        var total = 0
        var number: Int?
        var overflowed = false
        for byte in bytes {
            if let digit = byte.digitValue {
                let (times, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(digit)
                overflowed = overflowed || o1 || o2
                number = sum
                continue
            }
            let unit: Int
            switch byte {
            case UInt8(ascii: "T"):
                guard number == nil else { return nil }
                continue
            case UInt8(ascii: "W"): unit = 604_800
            case UInt8(ascii: "D"): unit = 86_400
            case UInt8(ascii: "H"): unit = 3_600
            case UInt8(ascii: "M"): unit = 60
            case UInt8(ascii: "S"): unit = 1
            default: return nil
            }
            guard let value = number else { return nil }
            let (part, o1) = value.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(part)
            overflowed = overflowed || o1 || o2
            total = sum
            number = nil
        }
        guard number == nil else { return nil }
        return overflowed ? .max : total
    }

    /// Ten years: longer than any school event or reminder, and where the arithmetic of dates
    /// stops being safe.
    static let tenYears = 3_660 * 86_400
}

extension UInt8 {
    /// 0 to 9 for an ASCII digit.
    fileprivate var digitValue: Int? { (48...57).contains(self) ? Int(self) - 48 : nil }
}
