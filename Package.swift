// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target: strict imports and explicit existentials, as in Hummingbird.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Drillbook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "drillbook", targets: ["drillbook"]),
        .library(name: "ICalendar", targets: ["ICalendar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // libical from Debian (libical-dev); only ICalendar imports it.
        .systemLibrary(
            name: "CLibical",
            pkgConfig: "libical",
            providers: [.apt(["libical-dev"])]
        ),
        .target(
            name: "ICalendar",
            dependencies: ["CLibical"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DrillbookKit",
            dependencies: ["ICalendar"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "drillbook",
            dependencies: [
                "DrillbookKit",
                "ICalendar",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
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
            dependencies: ["ICalendar", "LibicalBaseline"],
            path: "Benchmarks/ICalendarBenchmark",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ICalendarTests",
            dependencies: ["ICalendar"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DrillbookEndToEndTests",
            dependencies: ["drillbook"],
            swiftSettings: swiftSettings
        ),
    ]
)
