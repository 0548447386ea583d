import Dates
import Foundation
import Planning

extension ComplianceReport {
    /// One self-contained page a principal can print or send on: per school, the rules table and a
    /// year-at-a-glance chart (inline SVG, months across, activities as marks coloured by status).
    public var html: String {
        var body = """
            <h1>\(htmlEscaped(district)): drill compliance, \(htmlEscaped(mode.rawValue)) check as of \(asOf)</h1>
            <p>School year \(year.first) to \(year.last). Rule sets: \(htmlEscaped(ruleSets.joined(separator: ", "))).\
            \(localRules.isEmpty ? "" : " Local rules in force: " + htmlEscaped(localRules.joined(separator: ", ")) + ".")</p>

            """
        // Each school's section on every core, as the text report's parts.
        let report = self
        body += [String](concurrentlyComputing: schools.count) { report.section(report.schools[$0]) }.joined()
        body += """
            <section class="sign"><h2>Certification</h2>
            <p>I certify that the drills above were held as recorded.</p>
            <p>Name and title: ______________________________ Signature: ____________________ Date: __________</p>
            <p><small>Audit head \(htmlEscaped(auditHead ?? "none")): a hash of every record so far. Keep it apart from \
            the database; <code>drillbook audit verify --head</code> shows whether anything changed since.</small></p></section>

            """
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Drill compliance \(asOf)</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:3px 8px;text-align:left}
            .findings li{margin:.3em 0}.sign p{margin:1.5em 0}.sources{font-size:85%;color:#444}
            @media print{body{margin:0;font-size:10pt}h2{page-break-before:always;margin-top:0}td,th{padding:1px 4px}}</style></head><body>
            \(body)</body></html>

            """
    }

    /// One school's section: its heading, rules table, findings and chart.
    func section(_ result: SchoolResult) -> String {
        var body =
            "<h2>\(htmlEscaped(result.school.name)) <small>(\(result.findings.isEmpty ? "compliant" : Self.count(result.findings.count)))</small></h2>\n"
        body +=
            "<table><tr><th>Rule</th><th>Drills</th><th>Required</th><th>Counted</th><th>Done</th><th>Scheduled ahead</th><th>Dates</th><th>Source</th></tr>\n"
        // Sources once under the table, by number: a school's table stays short enough to print on a page.
        var sources: [String] = []
        for tally in result.tallies {
            if !sources.contains(tally.source) { sources.append(tally.source) }
            body +=
                "<tr><td>\(htmlEscaped(tally.rule.description))</td><td>\(htmlEscaped(tally.drills.isEmpty ? "any" : tally.drills))</td><td>\(tally.required)</td>"
                + "<td>\(tally.counted)</td><td>\(tally.done)</td><td>\(tally.scheduledAhead)</td>"
                + "<td>\(tally.dates.map(\.description).joined(separator: ", "))</td><td>[\(sources.firstIndex(of: tally.source)! + 1)]</td></tr>\n"
        }
        body += "</table>\n<ol class=\"sources\">"
        body += sources.map { "<li>\(htmlEscaped($0))</li>" }.joined() + "</ol>\n"
        if !result.findings.isEmpty {
            body += "<ul class=\"findings\">\n"
            for finding in result.findings {
                body +=
                    "<li><b>\(htmlEscaped(finding.severity.rawValue))</b> \(htmlEscaped(finding.rules.map(\.description).joined(separator: ", "))): \(htmlEscaped(finding.message)). <i>Fix:</i> \(htmlEscaped(finding.fix)). <small>\(htmlEscaped(finding.source))</small></li>\n"
            }
            body += "</ul>\n"
        }
        body += chart(result)
        return body
    }

    /// Months across, one row per activity kind, a mark per item: green done, red overdue, grey scheduled.
    public func chart(_ result: SchoolResult) -> String {
        let first = year.first.firstOfMonth(addingMonths: 0)
        var months: [CalendarDate] = []
        var month = first
        while month <= year.last {
            months.append(month)
            month = month.firstOfMonth(addingMonths: 1)
        }
        let done = Dictionary(
            result.completions.compactMap { completion in completion.itemUID.map { ($0, completion.startedAt.date) } },
            uniquingKeysWith: min)
        // Each kind's items in one pass, in the school's order: a row per kind then walks only its own.
        var byKind: [String: [TrackedItem]] = [:]
        for tracked in result.items where tracked.item.relatedTo == nil {
            byKind[tracked.item.kind.description, default: []].append(tracked)
        }
        let kinds = byKind.keys.sorted()
        let left = 170
        let width = left + months.count * 60
        let height = 30 + kinds.count * 18
        let span = max(1, year.last.dayNumber - first.dayNumber + 1)
        func x(_ day: CalendarDate) -> Int { left + (day.dayNumber - first.dayNumber) * months.count * 60 / span }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-size=\"11\" font-family=\"sans-serif\">"
        for (index, start) in months.enumerated() {
            let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            svg += "<text x=\"\(left + index * 60 + 4)\" y=\"14\">\(names[start.month - 1])</text>"
            svg +=
                "<line x1=\"\(left + index * 60)\" y1=\"18\" x2=\"\(left + index * 60)\" y2=\"\(height)\" stroke=\"#ddd\"/>"
        }
        for (row, kind) in kinds.enumerated() {
            let y = 30 + row * 18
            svg += "<text x=\"2\" y=\"\(y + 4)\">\(htmlEscaped(Self.kindWords(kind)))</text>"
            for tracked in byKind[kind]! where tracked.status == .scheduled {
                // A drill held is marked on the day it was held, not the day it was planned.
                let held = done[tracked.item.uid]
                let day = held ?? tracked.item.date
                let colour = held != nil ? "#2a8a2a" : tracked.item.date < asOf ? "#c0392b" : "#7f8c8d"
                svg +=
                    "<rect x=\"\(x(day))\" y=\"\(y - 5)\" width=\"4\" height=\"10\" fill=\"\(colour)\"><title>"
                    + htmlEscaped("\(tracked.item.id) \(day)\(held != nil ? " (held)" : "")") + "</title></rect>"
            }
        }
        return svg
            + "</svg>\n<p><small>Marks: green held (on the day held), red past and not recorded, grey scheduled.</small></p>\n"
    }

    /// `Fire drill`, `Team meeting`: a kind in words for the chart.
    static func kindWords(_ kind: String) -> String {
        if kind.hasPrefix("drill/") { return words(String(kind.dropFirst(6))) }
        let name = String(kind.map { $0 == "-" ? " " : $0 })
        return name.prefix(1).uppercased() + name.dropFirst()
    }
}
