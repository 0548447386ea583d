public import Dates
public import Foundation
import Planning
public import Store

/// What a signed-in user (or an API key) may do on `drillbook serve`.
public enum AccountRole: String, CaseIterable, Sendable, Codable {
    /// Everything, in every school.
    case districtAdmin = "district-admin"
    /// Their school: plan view, records, feeds, reports.
    case schoolAdmin = "school-admin"
    /// Their school as the staff calendar shows it; records the drills they ran.
    case staff
    /// The threat assessment team: incidents of their school (or every school without one).
    case team
    /// Read-only: e.g. the police liaison sees the drill schedule.
    case partner

    /// Roles that must enrol a second factor before they see anything.
    public var needsSecondFactor: Bool { self == .districtAdmin || self == .team }

    /// Roles tied to one school.
    public var needsSchool: Bool { self == .schoolAdmin || self == .staff }

    /// `district-admin, school-admin, staff, team, partner`.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// `drillbook user add | list | disable` and `drillbook apikey create | list | revoke`.
public enum Accounts {
    /// How long a setup link works.
    public static let setupHours = 24
    /// How long a password-reset link works.
    public static let resetMinutes = 60

    /// A user just added and the single-use link that sets their password.
    public struct Added: Sendable {
        public var user: User
        public var link: String
    }

    /// Adds a user; the link (24 hours, once) sets the password, so the first admin needs no mail.
    public static func add(
        email: String, role: String, school: String?, loaded: LoadedPlan, store: any ScheduleStore, actor: String?,
        asOf: CalendarDate, now: Date = Date()
    ) throws(DrillbookError) -> Added {
        guard let role = AccountRole(rawValue: role) else {
            throw .usage("--role \"\(role)\" is not one of \(AccountRole.names)")
        }
        let address = email.trimmingCharacters(in: .whitespaces)
        guard EmailAddress.isValid(address) else {
            throw .usage("\"\(email)\" is not an email address (expected e.g. principal@lakeside.example)")
        }
        if role.needsSchool, school == nil {
            throw .usage("a \(role.rawValue) belongs to a school: give --school ID")
        }
        if role == .districtAdmin, school != nil {
            throw .usage("a district-admin sees every school: leave out --school")
        }
        if let school, !loaded.plan.schools.contains(where: { $0.school.id == school }) {
            throw .usage(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let base = try baseURL(loaded)
        do {
            let made = try store.addUser(
                email: address, role: role.rawValue, school: school,
                expires: iso(now.addingTimeInterval(Double(setupHours) * 3600)),
                audit: Actor.context(actor, asOf: asOf.description))
            return Added(user: made.0, link: "\(base)/setup/\(made.token)")
        } catch {
            throw .usage(error.description)
        }
    }

    public static func list(store: any ScheduleStore) throws(DrillbookError) -> [User] {
        do { return try store.users() } catch { throw .store(error.description) }
    }

    public static func disable(email: String, store: any ScheduleStore, actor: String?, asOf: CalendarDate)
        throws(DrillbookError) -> User
    {
        do { return try store.disableUser(email: email, audit: Actor.context(actor, asOf: asOf.description)) } catch {
            throw .usage(error.description)
        }
    }

    /// A key for the JSON API, shown this once.
    public static func createKey(
        role: String, school: String?, label: String?, loaded: LoadedPlan, store: any ScheduleStore, actor: String?,
        asOf: CalendarDate
    ) throws(DrillbookError) -> (APIKey, key: String) {
        guard let role = AccountRole(rawValue: role) else {
            throw .usage("--role \"\(role)\" is not one of \(AccountRole.names)")
        }
        if role.needsSchool, school == nil {
            throw .usage("a \(role.rawValue) key belongs to a school: give --school ID")
        }
        if let school, !loaded.plan.schools.contains(where: { $0.school.id == school }) {
            throw .usage(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        do {
            return try store.createAPIKey(
                role: role.rawValue, school: school, label: label ?? role.rawValue,
                audit: Actor.context(actor, asOf: asOf.description))
        } catch {
            throw .store(error.description)
        }
    }

    public static func keys(store: any ScheduleStore) throws(DrillbookError) -> [APIKey] {
        do { return try store.apiKeys() } catch { throw .store(error.description) }
    }

    public static func revokeKey(_ id: Int, store: any ScheduleStore, actor: String?, asOf: CalendarDate)
        throws(DrillbookError) -> APIKey
    {
        do { return try store.revokeAPIKey(id, audit: Actor.context(actor, asOf: asOf.description)) } catch {
            throw .usage(error.description)
        }
    }

    /// The server's public address, which every link needs.
    public static func baseURL(_ loaded: LoadedPlan) throws(DrillbookError) -> String {
        guard let base = loaded.plan.server.baseURL else {
            throw .usage(
                "\(loaded.plan.file): no server.base_url; links need the server's public address "
                    + "(server: {base_url: https://drills.example.org})")
        }
        return base
    }

    /// ISO 8601 in UTC to the second, as the audit log writes times (so they compare as text).
    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension Accounts {
    /// Mails a password-reset link through the plan's mail channel (`alerts.mail`); nil when sent,
    /// else what went wrong.
    public static func mailReset(_ loaded: LoadedPlan, resources: Resources, to email: String, link: String) -> String?
    {
        guard let from = loaded.plan.channels.mailFrom else { return "no alerts.mail in the plan" }
        do {
            let message = try MailMessage.render(
                template: "password-reset", templates: resources.templates,
                values: ["link": link, "minutes": String(resetMinutes), "district": loaded.plan.district.name],
                from: from, to: email, itemID: "password-reset")
            return MailSender(command: loaded.plan.channels.sendmail).send(message)
        } catch {
            return error.description
        }
    }
}
