public import Dates
import Planning
public import Store

/// Live calendar feeds: subscribe links with an unguessable token per school (or the district) and
/// audience, and the calendar each serves, byte for byte what `export` writes.
public enum Feeds {
    /// A feed just made: its token is in these URLs and nowhere else.
    public struct Created: Sendable {
        public var feed: Feed
        public var url: String
        /// The same address as `webcal://`, which calendar apps open as a subscription.
        public var webcal: String
    }

    /// `drillbook feed create --school ID|--district --audience staff|admin [--label TEXT]`.
    public static func create(
        _ loaded: LoadedPlan, store: any ScheduleStore, school: String?, audience: Audience, label: String?,
        actor: String?, asOf: CalendarDate
    ) throws(DrillbookError) -> Created {
        guard let base = loaded.plan.server.baseURL else {
            throw .usage(
                "\(loaded.plan.file): no server.base_url; feed links need the server's public address "
                    + "(server: {base_url: https://drills.example.org})")
        }
        guard audience != .families else {
            throw .usage(
                "families calendars need no token: they are public at \(base)/schools/ID/families.ics when the plan says server.publish_families: true"
            )
        }
        if let school, !loaded.plan.schools.contains(where: { $0.school.id == school }) {
            throw .usage(
                "school \"\(school)\" is not in the plan (it has: \(loaded.plan.schools.map(\.school.id).joined(separator: ", ")))"
            )
        }
        let scope = school ?? "district"
        let made: (Feed, token: String)
        do {
            made = try store.createFeed(
                scope: scope, audience: audience.rawValue, label: label ?? "\(scope) \(audience.rawValue)",
                audit: Actor.context(actor, asOf: asOf.description))
        } catch {
            throw .store(error.description)
        }
        let url = "\(base)/feeds/\(made.token).ics"
        let webcal = "webcal://" + url.drop { $0 != ":" }.dropFirst(3)
        return Created(feed: made.0, url: url, webcal: String(webcal))
    }

    /// `drillbook feed create --team`: the threat assessment team's private calendar of incident
    /// follow-ups (deadlines and monitoring reviews, by case id, no facts).
    public static func createTeam(
        _ loaded: LoadedPlan, store: any ScheduleStore, label: String?, actor: String?, asOf: CalendarDate
    ) throws(DrillbookError) -> Created {
        let base = try Accounts.baseURL(loaded)
        let made: (Feed, token: String)
        do {
            made = try store.createFeed(
                scope: "incidents", audience: "team", label: label ?? "threat assessment team follow-ups",
                audit: Actor.context(actor, asOf: asOf.description))
        } catch {
            throw .store(error.description)
        }
        let url = "\(base)/feeds/\(made.token).ics"
        return Created(feed: made.0, url: url, webcal: "webcal://" + String(url.drop { $0 != ":" }.dropFirst(3)))
    }

    public static func list(store: any ScheduleStore) throws(DrillbookError) -> [Feed] {
        do { return try store.feeds() } catch { throw .store(error.description) }
    }

    /// Revokes a feed; its URL answers 404 from the next request on.
    public static func revoke(_ id: Int, store: any ScheduleStore, actor: String?, asOf: CalendarDate)
        throws(DrillbookError) -> Feed
    {
        do { return try store.revokeFeed(id, audit: Actor.context(actor, asOf: asOf.description)) } catch {
            throw .usage(error.description)
        }
    }

    /// The calendar a feed of `scope` (a school's id, or `district`) serves for `audience` now.
    public static func calendar(
        _ loaded: LoadedPlan, store: any ScheduleStore, scope: String, audience: Audience, asOf: CalendarDate
    ) throws(DrillbookError) -> String {
        // A school's feed reads the school's items alone (a state's year is 780,000 of them).
        let items: [TrackedItem]
        if scope == "district" {
            items = try Planner.published(loaded, store: store)
        } else {
            do { items = try store.items(year: loaded.plan.year, school: scope) } catch {
                throw .store(error.description)
            }
        }
        return try Exporter(loaded: loaded, asOf: asOf).calendar(
            items, school: scope == "district" ? nil : scope, audience: audience)
    }
}
