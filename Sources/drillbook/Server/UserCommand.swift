import ArgumentParser
import DrillbookKit
import Store

/// `drillbook user add | list | disable`: the people who sign in to `drillbook serve`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Accounts of the web app: add (prints a setup link), list, disable.",
        subcommands: [Add.self, ListUsers.self, Disable.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; prints a single-use link (24 hours) that sets their password.",
            discussion: "Roles: \(AccountRole.names). district-admin and team also enrol a TOTP second factor.")
        @OptionGroup var options: PlanOptions
        @OptionGroup var asOf: AsOfOption
        @Argument(help: "Their email address (they sign in with it).")
        var email: String
        @Option(help: "One of \(AccountRole.names).")
        var role: String
        @Option(help: "Their school's id (school-admin and staff need one; team and partner may have one).")
        var school: String?
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).")
        var actor: String?

        func run() throws {
            let loaded = try options.load()
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            let added = try wrap { () throws(DrillbookError) in
                try Accounts.add(
                    email: email, role: role, school: school, loaded: loaded, store: store, actor: actor,
                    asOf: asOf.day)
            }
            print("user \(added.user.id): \(added.user.email) (\(added.user.role))")
            print("setup link, valid for \(Accounts.setupHours) hours and once: \(added.link)")
        }
    }

    struct ListUsers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every user, disabled ones marked.")
        @OptionGroup var options: PlanOptions

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            for user in try wrap({ () throws(DrillbookError) in try Accounts.list(store: store) }) {
                print(
                    "\(user.id)  \(user.email)  \(user.role)  \(user.school ?? "district")"
                        + (user.hasPassword ? "" : "  (setup pending)") + (user.hasTOTP ? "  totp" : "")
                        + (user.disabledAt.map { "  DISABLED \($0)" } ?? ""))
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: their sessions and links stop working at once.")
        @OptionGroup var options: PlanOptions
        @OptionGroup var asOf: AsOfOption
        @Argument(help: "Their email address.")
        var email: String
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).")
        var actor: String?

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            let user = try wrap { () throws(DrillbookError) in
                try Accounts.disable(email: email, store: store, actor: actor, asOf: asOf.day)
            }
            print("disabled user \(user.id) (\(user.email))")
        }
    }
}

/// `drillbook apikey create | list | revoke`: keys for the JSON API under /api/v1.
struct APIKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Keys for the JSON API (Authorization: Bearer KEY): create (shown once), list, revoke.",
        subcommands: [Create.self, ListKeys.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key; prints it this once.")
        @OptionGroup var options: PlanOptions
        @OptionGroup var asOf: AsOfOption
        @Option(help: "One of \(AccountRole.names): the key acts with that role's rights.")
        var role: String
        @Option(help: "The school it is limited to.")
        var school: String?
        @Option(help: "A name to know the key by.")
        var label: String?
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).")
        var actor: String?

        func run() throws {
            let loaded = try options.load()
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            let made = try wrap { () throws(DrillbookError) in
                try Accounts.createKey(
                    role: role, school: school, label: label, loaded: loaded, store: store, actor: actor, asOf: asOf.day
                )
            }
            print("apikey \(made.0.id): \(made.0.label) (\(made.0.role))")
            print(made.key)
        }
    }

    struct ListKeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Every key, revoked ones marked.")
        @OptionGroup var options: PlanOptions

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            for key in try wrap({ () throws(DrillbookError) in try Accounts.keys(store: store) }) {
                print(
                    "\(key.id)  \(key.role)  \(key.school ?? "district")  \(key.label)  created \(key.createdAt)"
                        + (key.revokedAt.map { "  REVOKED \($0)" } ?? ""))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key: it answers 401 at once.")
        @OptionGroup var options: PlanOptions
        @OptionGroup var asOf: AsOfOption
        @Argument(help: "The key's number, from `apikey list`.")
        var id: Int
        @Option(name: .customLong("as"), help: "Who is acting (default: the login name).")
        var actor: String?

        func run() throws {
            let store = try wrap { () throws(DrillbookError) in
                try ScheduleDatabase.open(options.databasePath, plan: options.plan)
            }
            let key = try wrap { () throws(DrillbookError) in
                try Accounts.revokeKey(id, store: store, actor: actor, asOf: asOf.day)
            }
            print("revoked apikey \(key.id) (\(key.label))")
        }
    }
}
