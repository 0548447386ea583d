import Dates

/// Which engine expands a rule.
///
/// libical's iterator expands every rule it is known to get right. Debian's libical 3.0.16 is wrong
/// or hangs for the shapes below (each has a test in `LibicalCorrectionTests`); those go to
/// `ReferenceExpansion`, which follows RFC 5545 section 3.3.10 directly.
extension RecurrenceRule {
    /// Why libical cannot be trusted with this rule, or nil when it can.
    var libicalFault: String? {
        if interval > Self.libicalIntervalLimit {
            return "libical 3.0.16 keeps INTERVAL in 16 bits: 65,537 reads as 1, and 32,768 to 65,535 are refused"
        }
        if frequency < .daily {
            return "libical 3.0.16 can spin forever on HOURLY and finer rules"
        }
        if !bySetPos.isEmpty { return "libical 3.0.16 misapplies BYSETPOS with WEEKLY, BYHOUR or BYMONTHDAY" }
        if !byWeekNo.isEmpty { return "libical 3.0.16 places BYWEEKNO days in the wrong week and year" }
        if Set(byDay.map(\.weekday)).count != byDay.count {
            return "libical 3.0.16 repeats or drops occurrences when a weekday appears twice in BYDAY"
        }
        if !byMonthDay.isEmpty && (frequency == .daily || (frequency == .yearly && byMonth.isEmpty)) {
            return "libical 3.0.16 ignores BYMONTHDAY in DAILY rules and in YEARLY rules without BYMONTH"
        }
        if hasNoPossibleDay { return "no month has the days this rule asks for" }
        return nil
    }

    /// The largest INTERVAL libical 3.0.16's `short` field holds.
    static let libicalIntervalLimit = Int(Int16.max)
    /// The largest COUNT its `int` field holds.
    static let libicalCountLimit = Int(Int32.max)

    /// Whether INTERVAL or COUNT is larger than libical's fields hold: its parser wraps or refuses
    /// such a rule, and its writer would write another.
    var exceedsLibicalFields: Bool {
        interval > Self.libicalIntervalLimit || (count ?? 0) > Self.libicalCountLimit
    }

    /// The same rule with numbers libical holds, for asking whether libical reads the rest of it.
    var withinLibicalFields: RecurrenceRule {
        var rule = self
        rule.interval = min(interval, Self.libicalIntervalLimit)
        rule.count = count.map { min($0, Self.libicalCountLimit) }
        return rule
    }

    /// True when BYMONTHDAY names only days that no month allowed by BYMONTH has (Feb 30):
    /// libical's iterator would search for them without end.
    var hasNoPossibleDay: Bool {
        guard !byMonthDay.isEmpty else { return false }
        let months = byMonth.isEmpty ? Array(1...12) : byMonth
        let longest = months.map { CalendarDate.daysIn(month: $0, year: 2000) }.max() ?? 31
        return byMonthDay.allSatisfy { abs($0) > longest }
    }
}
