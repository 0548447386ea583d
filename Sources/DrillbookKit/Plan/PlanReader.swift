import Dates
import Foundation
import ICalendar
import Planning
import Yams

/// Reads `drillbook.yaml` (shared/FORMATS.md section 1) into a `Plan`, with templates and rule sets
/// resolved; every error names the file, line and field.
public struct PlanReader: Sendable {
    public var resources: Resources

    /// Read the plan for this earlier school year (its `earlier_years` calendar) instead of its own.
    public var year: String?

    public init(resources: Resources, year: String? = nil) {
        self.resources = resources
        self.year = year
    }

    static let rootFields = [
        "schema", "district", "year", "calendar", "earlier_years", "calendar_mapping", "bell_schedules", "schools",
        "activities", "alerts", "compliance", "server",
    ]
    static let districtFields = ["id", "name", "state", "time_zone", "safety_lead", "tip_line"]
    static let schoolFields = [
        "id", "name", "grades", "bell_schedule", "time_zone", "calendar", "state", "attributes", "contacts",
    ]

    /// The plan's `district.id` alone, checked as `read` checks it: what picks a district's tables
    /// in a database of many, without reading its calendars.
    public static func districtID(file: String) throws(PlanError) -> String {
        let root = try YAMLValue.load(try Resources.text(file), file: file)
        let fields = try root.mapping(allowed: rootFields)
        guard let district = fields["district"] else { throw root.fail("district is missing") }
        guard let id = try district.mapping(allowed: districtFields)["id"] else { throw district.fail("id is missing") }
        return try PlanReader(resources: Resources(templates: "")).identifier(id)
    }

    public func read(file: String) throws(PlanError) -> Plan {
        let root = try YAMLValue.load(try Resources.text(file), file: file)
        let folder = (file as NSString).deletingLastPathComponent
        let fields = try root.mapping(allowed: Self.rootFields)
        guard try fields["schema"]?.string() == "drillbook/1" else {
            throw (fields["schema"] ?? root).fail("expected schema: drillbook/1")
        }
        func required(_ key: String) throws(PlanError) -> YAMLValue {
            guard let value = fields[key] else { throw root.fail("\(key) is missing") }
            return value
        }
        let district = try self.district(try required("district"))
        let yearField = try required("year")
        var year = try yearField.string()
        guard SchoolYearName(year) != nil else {
            throw yearField.fail("\"\(year)\" is not a school year like 2027-2028")
        }
        var calendar = resolve(try required("calendar").string(), in: folder)
        // Earlier school years (rollover keeps them): each with its calendar, so it stays checkable.
        var earlier: [String: String] = [:]
        for (name, path) in try fields["earlier_years"]?.namedMapping() ?? [] {
            guard SchoolYearName(name) != nil else {
                throw path.fail("\"\(name)\" is not a school year like 2027-2028")
            }
            earlier[name] = resolve(try path.string(), in: folder)
        }
        if let wanted = self.year, wanted != year {
            guard let path = earlier[wanted] else {
                throw yearField.fail(
                    "the plan has no school year \(wanted) (it has \(([year] + earlier.keys.sorted()).joined(separator: ", ")))"
                )
            }
            earlier[year] = calendar
            earlier[wanted] = nil
            (year, calendar) = (wanted, path)
        }
        let mapping =
            try fields["calendar_mapping"].map { (field) throws(PlanError) in try self.mapping(field) }
            ?? CalendarMapping()
        var bells: [String: BellSchedule] = [:]
        for (name, value) in try fields["bell_schedules"]?.namedMapping() ?? [] {
            bells[name] = try bellSchedule(value)
        }
        let (ruleNames, rules) = try ruleSets(fields["compliance"], district: district, folder: folder)
        let declared = try RuleSetAttributes.merge(rules)
        var schools: [PlannedSchool] = []
        var positions = PlanRoles.Positions(file: file)
        var ids: Set<String> = []
        for item in try required("schools").list() {
            let school = try self.school(
                item, district: district, bells: bells, calendar: calendar, folder: folder, declared: declared)
            guard ids.insert(school.school.id).inserted else {
                throw item.fail("school id \"\(school.school.id)\" is used twice")
            }
            schools.append(school)
            positions.schools[school.school.id] =
                (try? item.mapping(allowed: PlanReader.schoolFields))?["contacts"] ?? item
        }
        guard !schools.isEmpty else { throw (fields["schools"] ?? root).fail("the plan needs at least one school") }
        let planned = try self.activities(fields["activities"], positions: &positions.activities)
        // Drills are one series per type; the plan's own drill activities set how a type is run and
        // their cadence is a rule the scheduler meets (not one `check` judges).
        let planDrills = planned.filter(\.kind.isDrill)
        let activities =
            DrillSeries.activities(rules: rules, planDrills: planDrills) + planned.filter { !$0.kind.isDrill }
        var plan = Plan(
            file: file, folder: folder, district: district, year: year, calendar: calendar, calendarMapping: mapping,
            schools: schools, activities: activities, ruleSets: ruleNames, rules: rules, earlierYears: earlier)
        if let alerts = fields["alerts"] {
            try readAlerts(alerts, into: &plan)
            positions.ladder =
                (try? alerts.mapping(allowed: ["ladder", "mail", "webhook", "sms", "run_at"]))?["ladder"]
        }
        if let server = fields["server"] { plan.server = try Self.server(server) }
        let playbooks = try? PlaybookLibrary.load(resources: resources, planFolder: folder)
        try PlanRoles.check(plan, positions: positions, playbooks: playbooks)
        return plan
    }

    /// `server: {base_url: https://drills.lakeside.example, publish_families: true, trusted_proxies: [127.0.0.1]}`.
    static func server(_ value: YAMLValue) throws(PlanError) -> ServerSettings {
        let fields = try value.mapping(allowed: ["base_url", "publish_families", "trusted_proxies"])
        var settings = ServerSettings()
        if let field = fields["base_url"] {
            let text = try field.string()
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false, url.query == nil, url.fragment == nil
            else {
                throw field.fail(
                    "\"\(text)\" is not an http(s) address (expected e.g. https://drills.lakeside.example)")
            }
            settings.baseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        settings.publishFamilies = try fields["publish_families"]?.bool() ?? false
        if let field = fields["trusted_proxies"] {
            for address in try field.strings() {
                // An address as the socket reports it: IPv4 dotted or IPv6, no names, no ranges.
                var v4 = in_addr()
                var v6 = in6_addr()
                guard inet_pton(AF_INET, address, &v4) == 1 || inet_pton(AF_INET6, address, &v6) == 1 else {
                    throw field.fail("\"\(address)\" is not an IP address (expected e.g. [127.0.0.1, \"::1\"])")
                }
                settings.trustedProxies.append(address)
            }
        }
        return settings
    }

    /// A calendar's file beside the plan, or its address as written (`RemoteCalendar`).
    func resolve(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") || folder.isEmpty || RemoteCalendar.isAddress(path) ? path : "\(folder)/\(path)"
    }

    // MARK: - District and schools

    private func contact(_ value: YAMLValue) throws(PlanError) -> Contact {
        let fields = try value.mapping(allowed: ["name", "email", "agency", "phone"])
        guard let name = fields["name"] else { throw value.fail("name is missing") }
        if let email = fields["email"], !EmailAddress.isValid(try email.string()) {
            throw email.fail(
                "\"\(try email.string())\" is not an email address (expected local-part@domain, as RFC 5322 writes an addr-spec, like aruiz@lakeside.example)"
            )
        }
        if let phone = fields["phone"] {
            let text = try phone.string()
            guard text.hasPrefix("+"), (8...16).contains(text.count), text.dropFirst().allSatisfy(\.isASCII),
                text.dropFirst().allSatisfy(\.isNumber), text.dropFirst().first != "0"
            else {
                throw phone.fail(
                    "\"\(text)\" is not an E.164 number (expected + and the country code, like +15125550100)")
            }
        }
        return Contact(
            name: try name.string(), email: try fields["email"]?.string(), agency: try fields["agency"]?.string(),
            phone: try fields["phone"]?.string())
    }

    private func timeZone(_ value: YAMLValue) throws(PlanError) -> String {
        let name = try value.string()
        // Dates are worked out with tzdata (Foundation) and calendars carry libical's VTIMEZONE of
        // the same name: a zone one of them lacks would pass here and fail at export.
        guard TimeZone(identifier: name) != nil, name.contains("/"), CalendarWriter.canWrite(timeZone: name) else {
            let etc = "Etc/\(name)"
            let hint =
                !name.contains("/") && TimeZone(identifier: etc) != nil && CalendarWriter.canWrite(timeZone: etc)
                ? "; for \(name), write \(etc)" : ""
            throw value.fail(
                "\"\(name)\" is not a time zone (expected an Olson name such as America/Chicago\(hint))")
        }
        return name
    }

    /// The fifty states, DC and the territories, by their USPS codes.
    static let stateCodes: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
        "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
        "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI",
        "AS", "MP",
    ]

    private func state(_ value: YAMLValue) throws(PlanError) -> String {
        let code = try value.string()
        guard Self.stateCodes.contains(code) else {
            throw value.fail("\"\(code)\" is not a US state or territory code (expected two capital letters like TX)")
        }
        return code
    }

    private func district(_ value: YAMLValue) throws(PlanError) -> District {
        let fields = try value.mapping(allowed: Self.districtFields)
        for key in ["id", "name", "state", "time_zone"] where fields[key] == nil {
            throw value.fail("\(key) is missing")
        }
        let state = try state(fields["state"]!)
        var district = District(
            id: try identifier(fields["id"]!), name: try fields["name"]!.string(), state: state,
            timeZone: try timeZone(fields["time_zone"]!),
            safetyLead: try fields["safety_lead"].map { (field) throws(PlanError) in try contact(field) })
        if let tip = fields["tip_line"] {
            let given = try tip.mapping(allowed: ["name", "phone", "url", "text"])
            guard let name = given["name"] else {
                throw tip.fail("name is missing (expected {name, phone, url, text})")
            }
            if let url = given["url"] {
                let address = try url.string()
                guard address.hasPrefix("https://") || address.hasPrefix("http://") else {
                    throw url.fail("expected an http(s) address")
                }
            }
            district.tipLine = TipLine(
                name: try name.string(), phone: try given["phone"]?.string(), url: try given["url"]?.string(),
                text: try given["text"]?.string())
        }
        return district
    }

    /// Ids go into file names, UIDs and item ids: lower-case letters, digits and dashes.
    private func identifier(_ value: YAMLValue) throws(PlanError) -> String {
        let id = try value.string()
        // ASCII only: ids become file names, UIDs and URL parts ("٣" is a digit to Unicode, not to a URL).
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw value.fail("\"\(id)\" must be lower-case letters, digits and dashes (like lincoln-hs)")
        }
        return id
    }

    private func bellSchedule(_ value: YAMLValue) throws(PlanError) -> BellSchedule {
        let fields = try value.mapping(allowed: ["day", "passing", "lunch", "recess", "arrival", "dismissal"])
        func range(_ field: YAMLValue) throws(PlanError) -> TimeRange {
            let text = try field.string()
            guard let range = TimeRange(text) else {
                if let (start, end) = TimeRange.ends(text) {
                    throw field.fail("\"\(text)\": the end \(end) is not after the start \(start)")
                }
                throw field.fail("expected a time range like \"08:30-15:45\" or \"8:30 AM-3:45 PM\", not \"\(text)\"")
            }
            return range
        }
        func ranges(_ field: YAMLValue?) throws(PlanError) -> [TimeRange] {
            var result: [TimeRange] = []
            for item in field?.listOrOne() ?? [] { result.append(try range(item)) }
            return result
        }
        guard let day = fields["day"] else { throw value.fail("day is missing (expected e.g. day: \"08:30-15:45\")") }
        let dayRange = try range(day)
        // Passing periods, lunches and recesses fall in the school day, in order, none overlapping another.
        var parts: [(TimeRange, String)] = []
        for key in ["passing", "lunch", "recess"] {
            let list = try ranges(fields[key])
            for (a, b) in zip(list, list.dropFirst()) where b.start < a.end {
                throw fields[key]!.fail(
                    "\(key) \(b) comes before the end of \(a) (expected them in order, not overlapping)")
            }
            for part in list {
                guard part.start >= dayRange.start && part.end <= dayRange.end else {
                    throw fields[key]!.fail("\(key) \(part) is outside the school day \(dayRange)")
                }
                if let other = parts.first(where: { part.start < $0.0.end && $0.0.start < part.end }) {
                    throw fields[key]!.fail("\(key) \(part) overlaps \(other.1) \(other.0)")
                }
                parts.append((part, key))
            }
        }
        return BellSchedule(
            day: dayRange, passing: try ranges(fields["passing"]), lunch: try ranges(fields["lunch"]),
            recess: try ranges(fields["recess"]),
            arrival: try fields["arrival"].map { (field) throws(PlanError) in try range(field) },
            dismissal: try fields["dismissal"].map { (field) throws(PlanError) in try range(field) })
    }

    private func school(
        _ value: YAMLValue, district: District, bells: [String: BellSchedule], calendar: String, folder: String,
        declared: [String: (AttributeDeclaration, String)]
    ) throws(PlanError) -> PlannedSchool {
        let fields = try value.mapping(allowed: Self.schoolFields)
        for key in ["id", "name", "bell_schedule"] where fields[key] == nil { throw value.fail("\(key) is missing") }
        let bellName = try fields["bell_schedule"]!.string()
        guard let bell = bells[bellName] else {
            throw fields["bell_schedule"]!.fail(
                "\"\(bellName)\" is not one of the plan's bell_schedules (\(bells.keys.sorted().joined(separator: ", ")))"
            )
        }
        let attributes = try RuleSetAttributes.read(
            fields["attributes"], declared: declared, school: value, grades: fields["grades"])
        var contacts: [String: Contact] = [:]
        for (role, person) in try fields["contacts"]?.namedMapping() ?? [] { contacts[role] = try contact(person) }
        let school = School(
            id: try identifier(fields["id"]!), name: try fields["name"]!.string(),
            grades: try fields["grades"]?.string() ?? "",
            state: try fields["state"].map { (field) throws(PlanError) in try state(field) } ?? district.state,
            timeZone: try fields["time_zone"].map { (field) throws(PlanError) in try timeZone(field) }
                ?? district.timeZone,
            bellSchedule: bell, attributes: attributes, contacts: contacts)
        let own = try fields["calendar"].map { (field) throws(PlanError) in resolve(try field.string(), in: folder) }
        return PlannedSchool(school: school, calendar: own ?? calendar)
    }

    private func mapping(_ value: YAMLValue) throws(PlanError) -> CalendarMapping {
        let fields = try value.mapping(allowed: [
            "first_day", "last_day", "semester", "quarter", "closure", "staff_only", "testing", "early_release",
        ])
        var mapping = CalendarMapping()
        func matchers(_ key: String) throws(PlanError) -> [String]? {
            guard let field = fields[key] else { return nil }
            let list = try field.strings()
            for matcher in list where EventMatcher(matcher) == nil {
                throw field.fail(
                    "\"\(matcher)\" is not a matcher (expected PROPERTY:value or PROPERTY:/regex/, like \"CATEGORIES:HOLIDAY\")"
                )
            }
            return list
        }
        mapping.firstDay = try matchers("first_day") ?? mapping.firstDay
        mapping.lastDay = try matchers("last_day") ?? mapping.lastDay
        mapping.semester = try matchers("semester") ?? mapping.semester
        mapping.quarter = try matchers("quarter") ?? mapping.quarter
        mapping.closure = try matchers("closure") ?? mapping.closure
        mapping.staffOnly = try matchers("staff_only") ?? mapping.staffOnly
        mapping.testing = try matchers("testing") ?? mapping.testing
        mapping.earlyRelease = try matchers("early_release") ?? mapping.earlyRelease
        return mapping
    }

    // MARK: - Alerts

    private func readAlerts(_ value: YAMLValue, into plan: inout Plan) throws(PlanError) {
        let fields = try value.mapping(allowed: ["ladder", "mail", "webhook", "sms", "run_at"])
        if let runAt = fields["run_at"] {
            let text = try runAt.string()
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
            else {
                throw runAt.fail("\"\(text)\" is not a time of day like 06:30")
            }
            plan.channels.runAt = hour * 60 + minute
        }
        if let ladder = fields["ladder"] {
            let steps = try ladder.mapping(allowed: [
                "remind_before", "overdue_after", "escalate_after", "repeat_every", "min_interval", "roles",
            ])
            func days(_ key: String, _ range: ClosedRange<Int>) throws(PlanError) -> Int? {
                guard let field = steps[key] else { return nil }
                let minutes = try field.duration()
                guard minutes % 1440 == 0, range.contains(minutes / 1440) else {
                    throw field.fail("expected whole days from \(range.lowerBound)d to \(range.upperBound)d, like 7d")
                }
                return minutes / 1440
            }
            plan.ladder.remindBefore = try days("remind_before", 0...60) ?? plan.ladder.remindBefore
            plan.ladder.overdueAfter = try days("overdue_after", 0...60) ?? plan.ladder.overdueAfter
            plan.ladder.escalateAfter = try days("escalate_after", 0...120) ?? plan.ladder.escalateAfter
            plan.ladder.repeatEvery = try days("repeat_every", 1...120) ?? plan.ladder.repeatEvery
            plan.ladder.minInterval = try days("min_interval", 0...60) ?? plan.ladder.minInterval
            if let roles = steps["roles"] {
                let given = try roles.mapping(allowed: AlertLadder.steps)
                for (step, list) in given { plan.ladder.roles[step] = try list.strings() }
            }
        }
        if let mail = fields["mail"] {
            let settings = try mail.mapping(allowed: ["from", "sendmail"])
            plan.channels.mailFrom = try settings["from"]?.string()
            plan.channels.sendmail = try settings["sendmail"]?.string() ?? plan.channels.sendmail
        }
        if let sms = fields["sms"] {
            // A gateway that takes a form POST, as Twilio-like services do: the recipient and text under
            // the names given, other fields as they are, the Authorization header from the environment.
            let settings = try sms.mapping(allowed: ["url", "fields", "to", "body", "auth_header_env", "timeout"])
            guard let url = settings["url"] else { throw sms.fail("url is missing") }
            let text = try url.string()
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                throw url.fail("expected an http(s) address")
            }
            var gateway = SMSGateway(url: text)
            if let extra = settings["fields"] {
                for (name, value) in try extra.namedMapping() { gateway.fields[name] = try value.string() }
            }
            gateway.toField = try settings["to"]?.string() ?? gateway.toField
            gateway.bodyField = try settings["body"]?.string() ?? gateway.bodyField
            gateway.authHeaderEnvironment = try settings["auth_header_env"]?.string()
            if let timeout = settings["timeout"] { gateway.timeoutSeconds = try timeout.int(1...300) }
            plan.channels.sms = gateway
        }
        if let webhook = fields["webhook"] {
            let settings = try webhook.mapping(allowed: ["url", "format", "timeout"])
            guard let url = settings["url"] else { throw webhook.fail("url is missing") }
            let text = try url.string()
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                throw url.fail("expected an http(s) address")
            }
            plan.channels.webhookURL = text
            plan.channels.webhookFormat = try settings["format"]?.choice(["slack", "teams", "json"]) ?? "slack"
            if let timeout = settings["timeout"] { plan.channels.webhookTimeoutSeconds = try timeout.int(1...300) }
        }
    }

    // MARK: - Activities and rules

    private func activities(_ value: YAMLValue?, positions: inout [String: YAMLValue]) throws(PlanError) -> [Activity] {
        var result: [Activity] = []
        func add(_ activity: Activity, _ at: YAMLValue) throws(PlanError) {
            positions[activity.id] = at
            if let index = result.firstIndex(where: { $0.id == activity.id }) {
                result[index] = activity  // a later entry (an override) replaces the template's
            } else {
                result.append(activity)
            }
        }
        for item in try value?.list() ?? [] {
            let fields = try item.mapping(allowed: ActivityReader.fields)
            guard let use = fields["use"] else {
                try add(try ActivityReader.activity(fields, at: item), item)
                continue
            }
            let name = try use.string()
            let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw use.fail(
                    "\"\(name)\" is not a template (expected a name like toolkit-year, or toolkit-year/ACTIVITY)")
            }
            let template = try TemplateReader.read(resources: resources, name: first, at: use)
            if parts.count == 1 {
                for (entry, at) in template { try add(try ActivityReader.activity(entry, at: at), at) }
            } else {
                guard let (entry, at) = template.first(where: { (try? $0.0["id"]?.string()) == parts[1] }) else {
                    throw use.fail(
                        "template \(parts[0]) has no activity \"\(parts[1])\" (it has: "
                            + template.compactMap { try? $0.0["id"]?.string() }.joined(separator: ", ") + ")")
                }
                try add(
                    try ActivityReader.activity(entry.merging(fields.filter { $0.key != "use" }) { $1 }, at: at), item)
            }
        }
        return result
    }

    private func ruleSets(_ value: YAMLValue?, district: District, folder: String) throws(PlanError) -> (
        [String], [ComplianceRuleSet]
    ) {
        var names = ["baseline"]
        var local: String?
        if let value {
            let fields = try value.mapping(allowed: ["rules", "local"])
            if let field = fields["rules"] {
                names = try field.strings()
                guard !names.isEmpty else {
                    throw field.fail("name at least one rule set, like [baseline, \(district.state)]")
                }
                if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                    throw field.fail("rule set \(twice) is named twice")
                }
            }
            local = try fields["local"].map { (field) throws(PlanError) in
                var path = resolve(try field.string(), in: folder)
                while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
                return path
            }
        }
        var sets: [ComplianceRuleSet] = []
        for name in names {
            let localFile = local.map { "\($0)/\(name).yaml" }
            let shipped = "\(resources.templates)/compliance/\(name).yaml"
            let hasLocal = localFile.map { FileManager.default.fileExists(atPath: $0) } ?? false
            let hasShipped = FileManager.default.fileExists(atPath: shipped)
            // A local file named like a shipped set would silently replace the law: refuse it.
            if hasLocal && hasShipped {
                throw PlanError(
                    file: localFile!, line: 0, field: "",
                    message:
                        "has the name of Drillbook's shipped rule set \(name); rename it (e.g. \(name)-local.yaml): "
                        + "a local file adds rules, or replaces those the shipped set marks replaceable")
            }
            guard hasLocal || hasShipped else {
                let known =
                    (try? FileManager.default.contentsOfDirectory(atPath: "\(resources.templates)/compliance")) ?? []
                let names = known.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
                throw (value ?? YAMLValue(node: "", file: "", path: "")).fail(
                    "rule set \"\(name)\" is unknown"
                        + (nearest(name, in: names).map { " (did you mean \($0)?)" } ?? "")
                        + "; expected one of: \(names.joined(separator: ", "))"
                        + (localFile.map { ", or a file \($0)" } ?? ""))
            }
            let path = hasLocal ? localFile! : shipped
            var set = try RuleSetReader.read(try Resources.text(path), file: path)
            if hasLocal { set.localFile = path }
            sets.append(set)
        }
        if let local, let files = try? FileManager.default.contentsOfDirectory(atPath: local) {
            // A district's own files add rules, or replace a rule its set marks replaceable.
            for file in files.filter({ $0.hasSuffix(".yaml") }).sorted() where !names.contains(String(file.dropLast(5)))
            {
                let path = "\(local)/\(file)"
                var own = try RuleSetReader.read(try Resources.text(path), file: path)
                var added: [ComplianceRule] = []
                for rule in own.rules {
                    if let (index, position) = sets.enumerated().lazy.compactMap({ set in
                        set.element.rules.firstIndex { $0.id == rule.id }.map { (set.offset, $0) }
                    }).first {
                        guard sets[index].rules[position].replaceable else {
                            throw PlanError(
                                file: path, line: 0, field: "rules",
                                message:
                                    "rule \(rule.id) of \(sets[index].jurisdiction) is not replaceable; give a local rule another id to add to it"
                            )
                        }
                        var replacement = rule
                        replacement.source = "local: \(path)"
                        sets[index].rules[position] = replacement
                    } else {
                        added.append(rule)
                    }
                }
                own.rules = added
                own.localFile = path
                if !added.isEmpty || !own.attributes.isEmpty { sets.append(own) }
            }
        }
        return (names, sets)
    }
}

/// `2027-2028`: two consecutive years.
struct SchoolYearName {
    var first: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let first = Int(parts[0]), let second = Int(parts[1]), second == first + 1,
            (2000...2200).contains(first)
        else { return nil }
        self.first = first
    }

    /// July 1 to June 30: the days whose calendar events, completions and records are the year's.
    var days: ClosedRange<CalendarDate> {
        CalendarDate(year: first, month: 7, day: 1)...CalendarDate(year: first + 1, month: 6, day: 30)
    }
}

/// Reading an activity template (`Templates/plans/NAME.yaml`, `schema: drillbook-template/1`).
enum TemplateReader {
    static func read(resources: Resources, name: String, at use: YAMLValue) throws(PlanError) -> [(
        [String: YAMLValue], YAMLValue
    )] {
        let path = "\(resources.templates)/plans/\(name).yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            let known = (try? FileManager.default.contentsOfDirectory(atPath: "\(resources.templates)/plans")) ?? []
            throw use.fail(
                "template \"\(name)\" is unknown (expected one of: "
                    + known.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted().joined(
                        separator: ", ") + ")")
        }
        let root = try YAMLValue.load(try Resources.text(path), file: path)
        let fields = try root.mapping(allowed: ["schema", "id", "title", "description", "sources", "activities"])
        guard try fields["schema"]?.string() == "drillbook-template/1" else {
            throw (fields["schema"] ?? root).fail("expected schema: drillbook-template/1")
        }
        var result: [([String: YAMLValue], YAMLValue)] = []
        for item in try (fields["activities"] ?? root).list() {
            result.append((try item.mapping(allowed: ActivityReader.fields), item))
        }
        return result
    }
}
