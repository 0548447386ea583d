// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target: strict imports and explicit existentials, as in Hummingbird.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("ExistentialAny"),
]

/// Release builds allocate through mimalloc (Debian's libmimalloc-dev), which replaces malloc and
/// free for the whole process, libical's and SQLite's included: a state's export spent 15 to 20 % of
/// its CPU in glibc's malloc and free, and whole runs took a fifth less with mimalloc
/// (BENCHMARKS.md, "mimalloc"). Debug builds, and so the tests and the sanitizers (which bring their
/// own malloc), keep glibc's.
let releaseAllocator: [LinkerSetting] = [.linkedLibrary("mimalloc", .when(configuration: .release))]

let package = Package(
    name: "Drillbook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "drillbook", targets: ["drillbook"]),
        .library(name: "ICalendar", targets: ["ICalendar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libical from Debian (libical-dev); only ICalendar imports it.
        .systemLibrary(
            name: "CLibical",
            pkgConfig: "libical",
            providers: [.apt(["libical-dev"])]
        ),
        // Civil dates and wall times, pure Swift: shared by ICalendar and Planning.
        .target(
            name: "Dates",
            swiftSettings: swiftSettings
        ),
        // Windows zone names (TZID=Pacific Standard Time) and display names through CLDR's
        // windowsZones.xml from Debian's unicode-cldr-core, read by Foundation's XMLParser (its
        // display names are comments, which XMLCoder does not report).
        .target(
            name: "ICalendar",
            dependencies: ["CLibical", "Dates"],
            swiftSettings: swiftSettings
        ),
        // The domain, pure Swift: no I/O, no C.
        .target(
            name: "Planning",
            dependencies: ["Dates"],
            swiftSettings: swiftSettings
        ),
        // Excel workbooks (.xlsx) read as rows of text: the ZIP through ZIPFoundation (zlib1g-dev on
        // Linux), the XML through XMLCoder.
        .target(
            name: "Spreadsheets",
            dependencies: ["Dates", "ZIPFoundation", "XMLCoder"],
            swiftSettings: swiftSettings
        ),
        // Response procedures and incidents as a pure state machine: no I/O.
        .target(
            name: "Playbooks",
            // A notice's message is a Mustache template over the incident's facts (NoticeText).
            dependencies: [.product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        // glibc's mallopt, which Swift's Glibc module leaves out (Allocator.oneArenaPerCore).
        .target(name: "CAllocator"),
        // sqlite3_config, which is variadic and so out of Swift's reach (SQLiteSetup).
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // SQLite through GRDB; only Store imports GRDB.
        .target(
            name: "Store",
            dependencies: [
                "CSQLiteSetup", "Dates", "Planning", "Playbooks", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own column accessors, for sealing rows without decoding them (RowSeal).
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL through postgres-nio, behind the same interfaces as Store's SQLite; only this
        // target imports PostgresNIO, and only the executable (and its tests) link it.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Playbooks", "Store", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DrillbookKit",
            dependencies: [
                "CAllocator", "Dates", "ICalendar", "Planning", "Playbooks", "Spreadsheets", "Store",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // `drillbook serve`: Hummingbird 2 over the same store as the CLI. Nothing below it imports NIO.
        .target(
            name: "DrillbookServer",
            dependencies: [
                "Dates", "DrillbookKit", "Planning", "Store", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "drillbook",
            dependencies: [
                "DrillbookKit",
                "DrillbookServer",
                "PostgresStore",
                "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                "Dates",
                "ICalendar",
                "Planning",
                "Playbooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: releaseAllocator
        ),
        // libFuzzer harnesses (make fuzz): with -D FUZZING each is libFuzzer's; otherwise it replays
        // the files it is given, as the regression tests do.
        .executableTarget(
            name: "fuzz-calendar",
            dependencies: ["DrillbookKit"],
            path: "Fuzz/calendar",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fuzz-plan",
            dependencies: ["DrillbookKit"],
            path: "Fuzz/plan",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fuzz-rules",
            dependencies: ["DrillbookKit"],
            path: "Fuzz/rules",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fuzz-playbook",
            dependencies: ["DrillbookKit"],
            path: "Fuzz/playbook",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fuzz-drill-log",
            dependencies: ["DrillbookKit"],
            path: "Fuzz/drill-log",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fuzz-report",
            dependencies: ["DrillbookKit"],
            path: "Fuzz/report",
            swiftSettings: swiftSettings
        ),
        // Benchmarks: `swift run -c release ical-benchmark` (see Benchmarks/README.md).
        .target(
            name: "LibicalBaseline",
            dependencies: ["CLibical"],
            path: "Benchmarks/LibicalBaseline"
        ),
        .executableTarget(
            name: "ical-benchmark",
            dependencies: ["Dates", "ICalendar", "LibicalBaseline"],
            path: "Benchmarks/ICalendarBenchmark",
            swiftSettings: swiftSettings
        ),
        // `swift run -c release plan-benchmark`: schedule and export 1,000 schools.
        .executableTarget(
            name: "plan-benchmark",
            dependencies: ["Dates", "DrillbookKit", "Planning", "PostgresStore", "Store"],
            path: "Benchmarks/PlannerBenchmark",
            swiftSettings: swiftSettings,
            linkerSettings: releaseAllocator
        ),
        .testTarget(
            name: "ICalendarTests",
            dependencies: ["Dates", "ICalendar"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlanningTests",
            dependencies: ["Dates", "Planning"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SpreadsheetsTests",
            dependencies: ["Spreadsheets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PlaybooksTests",
            dependencies: ["Playbooks"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DrillbookKitTests",
            dependencies: [
                "Dates", "DrillbookKit", "ICalendar", "Planning", "Playbooks", "Store",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DrillbookServerTests",
            dependencies: [
                "Dates", "DrillbookKit", "DrillbookServer", "ICalendar", "Planning", "Playbooks", "Store",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The stores' behaviour, on SQLite and (with DRILLBOOK_TEST_POSTGRES) on PostgreSQL.
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Dates", "Planning", "Playbooks", "PostgresStore", "Store",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DrillbookEndToEndTests",
            dependencies: ["drillbook"],
            // Read from the package root by path, as the command's users would give it.
            exclude: ["broken.expected"],
            swiftSettings: swiftSettings
        ),
    ]
)
