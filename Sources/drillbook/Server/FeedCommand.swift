import ArgumentParser
import DrillbookKit
import Store

/// `drillbook feed create | list | revoke`.
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Subscribe links to live calendars: one per school (or the district) and audience.",
        subcommands: [Create.self, ListFeeds.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a feed; prints its URL (shown this once: only its hash is kept) and webcal:// form.")
        @OptionGroup var options: PlanOptions
        @OptionGroup var asOf: AsOfOption
        @Option(help: "The school's id.")
        var school: String?
        @Flag(help: "The whole district's calendar.")
        var district = false
        @Flag(help: "The threat assessment team's private calendar of incident follow-ups (case ids, no facts).")
        var team = false
        @Option(help: "staff or admin (families calendars are public when the plan publishes them).")
        var audience: String?
        @Option(help: "A name to know the feed by in `feed list`.")
        var label: String?
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).")
        var actor: String?

        func validate() throws {
            if team {
                guard school == nil, !district, audience == nil else {
                    throw ValidationError("--team takes no --school, --district or --audience")
                }
                return
            }
            guard (school != nil) != district else {
                throw ValidationError("give --school ID or --district (one of them), or --team")
            }
            guard let audience, Audience(rawValue: audience) != nil else {
                throw ValidationError("--audience \"\(audience ?? "")\" is not staff or admin")
            }
        }

        func run() throws {
            let loaded = try options.load()
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            let made = try wrap { () throws(DrillbookError) in
                team
                    ? try Feeds.createTeam(loaded, store: store, label: label, actor: actor, asOf: asOf.day)
                    : try Feeds.create(
                        loaded, store: store, school: school, audience: Audience(rawValue: audience ?? "")!,
                        label: label,
                        actor: actor, asOf: asOf.day)
            }
            print("feed \(made.feed.id): \(made.feed.label)")
            print(made.url)
            print(made.webcal)
        }
    }

    struct ListFeeds: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every feed, revoked ones marked.")
        @OptionGroup var options: PlanOptions

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            for feed in try wrap({ () throws(DrillbookError) in try Feeds.list(store: store) }) {
                print(
                    "\(feed.id)  \(feed.scope)  \(feed.audience)  \(feed.label)  created \(feed.createdAt)"
                        + (feed.revokedAt.map { "  REVOKED \($0)" } ?? ""))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a feed: its URL answers 404 at once.")
        @OptionGroup var options: PlanOptions
        @OptionGroup var asOf: AsOfOption
        @Argument(help: "The feed's number, from `feed list`.")
        var id: Int
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).")
        var actor: String?

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            let feed = try wrap { () throws(DrillbookError) in
                try Feeds.revoke(id, store: store, actor: actor, asOf: asOf.day)
            }
            print("revoked feed \(feed.id) (\(feed.label))")
        }
    }
}
