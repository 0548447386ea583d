import Foundation
public import Store

/// Many districts in one PostgreSQL database: each registered district's tables live in a schema
/// of its own (`district_<id>`), listed in the registry `public.drillbook_district`. A store opened
/// for a district has that schema as its `search_path`, so every query it makes is the district's
/// by construction: no table of another district is in reach of a query that forgot a `WHERE`,
/// each district's audit chain and row seals are exactly those of a SQLite file of its own (a
/// district moves in and out with `db migrate`, hash for hash), and its advisory locks are its own.
///
/// While no district is registered the database is a single district's, in `public`, as before.
public enum PostgresDistricts {
    /// Where one district's rows are.
    public struct Scope: Sendable, Equatable {
        public let district: String
        public let schema: String

        public init(district: String, schema: String) {
            self.district = district
            self.schema = schema
        }
    }

    /// A registered district.
    public struct Registered: Sendable, Equatable {
        public let district: String
        public let schema: String
        /// The plan file, as an absolute path: `serve` loads it.
        public let plan: String
        public let addedAt: String
        /// From `add`, when the district was registered already: the plan's path before.
        public var movedFrom: String? = nil
    }

    /// The schema a district's rows live in: its id with dashes as underscores (ids are lower-case
    /// letters, digits and dashes, so two ids never share one), under PostgreSQL's 63-byte limit.
    public static func schema(of district: String) throws(StoreError) -> String {
        guard !district.isEmpty,
            district.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
        else {
            throw StoreError(message: "district id \"\(district)\" is not lower-case letters, digits and dashes")
        }
        let name = "district_" + district.replacingOccurrences(of: "-", with: "_")
        guard name.utf8.count <= 63 else {
            throw StoreError(
                message: "district id \"\(district)\" is too long for a schema name (at most 54 characters)")
        }
        return name
    }

    /// The registered districts of the database at `url`, by id (none when nothing is registered).
    public static func list(url: String) throws(StoreError) -> [Registered] {
        let pool = try PostgresPool(url: url)
        return try pool.read("\(pool.shown): cannot read the districts") { session in try registered(session) }
    }

    /// Where `district`'s schedule is in the database at `url`: its schema once registered; nil
    /// (the `public` schema, one district's database) while no district is registered. Refused when
    /// others are registered and it is not: its rows would otherwise land outside every district.
    public static func scope(url: String, district: String) throws(StoreError) -> Scope? {
        let all = try list(url: url)
        guard !all.isEmpty else { return nil }
        guard let found = all.first(where: { $0.district == district }) else {
            throw StoreError(
                message:
                    "district \(district) is not registered in \(try PostgresPool(url: url).shown) (registered: \(all.map(\.district).joined(separator: ", "))); run `drillbook district add --plan FILE` first"
            )
        }
        return Scope(district: found.district, schema: found.schema)
    }

    /// Registers `district` (its plan at `plan`) in the database at `url`: makes its schema and
    /// its tables there, and, given an incidents database, its schema in that one too. A district
    /// registered with another plan file has its plan's path updated (the plan moved). Refused when
    /// it is registered already with this plan, or when the database holds a schedule outside any
    /// district (its `public` tables, from before districts were registered): that one moves with
    /// `db migrate`.
    public static func add(url: String, district: String, plan: String, incidents: String? = nil)
        throws(StoreError) -> Registered
    {
        let schema = try schema(of: district)
        let pool = try PostgresPool(url: url)
        let added = try pool.write("drillbook districts", "\(pool.shown): district \(district) was not added") {
            session in
            try session.execute(
                """
                CREATE TABLE IF NOT EXISTS public.drillbook_district (
                    id text COLLATE "C" PRIMARY KEY, schema_name text COLLATE "C" NOT NULL UNIQUE,
                    plan text NOT NULL, added_at text NOT NULL)
                """)
            let already = try registered(session)
            if let same = already.first(where: { $0.district == district }) {
                guard same.plan != plan else {
                    throw Refusal(
                        "district \(district) is registered already (plan \(same.plan), since \(same.addedAt))")
                }
                // Its plan moved: the registry follows, its tables stay as they are.
                try session.execute(
                    "UPDATE public.drillbook_district SET plan = $1 WHERE id = $2", [.text(plan), .text(district)])
                return Registered(
                    district: district, schema: same.schema, plan: plan, addedAt: same.addedAt, movedFrom: same.plan)
            }
            if already.isEmpty, try holdsSchedule(session) {
                throw Refusal(
                    "\(pool.shown) holds one district's schedule outside any district (its public tables, from before districts were registered); register districts in a new database and move that one in with `drillbook db migrate --district`"
                )
            }
            try session.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
            let now = ISO8601DateFormatter().string(from: Date())
            try session.execute(
                "INSERT INTO public.drillbook_district (id, schema_name, plan, added_at) VALUES ($1, $2, $3, $4)",
                [.text(district), .text(schema), .text(plan), .text(now)])
            return Registered(district: district, schema: schema, plan: plan, addedAt: now)
        }
        // Its tables, made now so a mistake shows here and not at its first command.
        let scope = Scope(district: district, schema: schema)
        _ = try PostgresScheduleStore(url: url, district: scope)
        if let incidents {
            _ = try PostgresIncidentStore(url: incidents, district: try incidentScope(url: incidents, scope))
        }
        return added
    }

    /// The incidents database has no registry of its own (it may be another server, with other
    /// credentials): a district's incidents live in the schema of the same name there, made on
    /// first use.
    public static func incidentScope(url: String, _ scope: Scope) throws(StoreError) -> Scope {
        let pool = try PostgresPool(url: url)
        try pool.write("drillbook districts", "\(pool.shown): cannot make schema \(scope.schema)") { session in
            let present = try session.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(scope.schema)])
            if present.isEmpty { try session.execute("CREATE SCHEMA \(scope.schema)") }
        }
        return scope
    }

    private static func registered(_ session: PostgresSession) throws -> [Registered] {
        let table = try session.query("SELECT (to_regclass('public.drillbook_district') IS NOT NULL)::int AS present")
        guard table.first?.integer("present") == 1 else { return [] }
        return try session.query(
            #"SELECT id, schema_name, plan, added_at FROM public.drillbook_district ORDER BY id COLLATE "C""#
        ).map { row in
            Registered(
                district: row.text("id") ?? "", schema: row.text("schema_name") ?? "", plan: row.text("plan") ?? "",
                addedAt: row.text("added_at") ?? "")
        }
    }

    /// Whether `public` holds a schedule: items, or entries in its audit log.
    private static func holdsSchedule(_ session: PostgresSession) throws -> Bool {
        for table in ["public.item", "public.audit"] {
            let present = try session.query("SELECT (to_regclass($1) IS NOT NULL)::int AS present", [.text(table)])
            guard present.first?.integer("present") == 1 else { continue }
            if !(try session.query("SELECT 1 FROM \(table) LIMIT 1").isEmpty) { return true }
        }
        return false
    }
}
