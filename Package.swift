// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Vega",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vega-oms", targets: ["OMSServer"]),
        .executable(name: "fix-at-acceptor", targets: ["FIXConformanceAcceptor"]),
        .executable(name: "fix-interop", targets: ["FIXInterop"]),
        .library(name: "FIXProtocol", targets: ["FIXProtocol"]),
        .library(name: "FIXSession", targets: ["FIXSession"]),
        .library(name: "FIXEngine", targets: ["FIXEngine"]),
        // Reference data (issue 3): instrument master, daily lists, resolver, eligibility, search.
        .executable(name: "trader-cli", targets: ["TraderCLI"]),
        .library(name: "OMSCore", targets: ["OMSCore"]),
        .library(name: "ReferenceData", targets: ["ReferenceData"]),
        .library(name: "OMSPersistence", targets: ["OMSPersistence"]),
        .library(name: "OMSAPIModels", targets: ["OMSAPIModels"]),
        .library(name: "OMSHTTP", targets: ["OMSHTTP"]),
        // Broker adapters (issue 6).
        .library(name: "BrokerKit", targets: ["BrokerKit"]),
        .library(name: "BrokerUpstox", targets: ["BrokerUpstox"]),
        .library(name: "BrokerKite", targets: ["BrokerKite"]),
        .library(name: "BrokerFyers", targets: ["BrokerFyers"]),
        .library(name: "BrokerFIXVenue", targets: ["BrokerFIXVenue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        .target(
            name: "FIXProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "FIXSession",
            dependencies: [
                "FIXProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "FIXEngine",
            dependencies: [
                "FIXProtocol", "FIXSession",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "OMSCore",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "FIXGateway",
            dependencies: [
                "FIXProtocol", "FIXSession", "OMSCore",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "BrokerSimulator",
            dependencies: ["OMSCore"]
        ),
        .target(
            name: "OMSPersistence",
            dependencies: [
                "FIXProtocol", "FIXSession", "OMSCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OMSTestSupport",
            dependencies: [
                "FIXProtocol", "FIXSession",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "FIXConformanceAcceptor",
            dependencies: [
                "FIXProtocol", "FIXSession", "FIXEngine", "OMSPersistence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "FIXInterop",
            dependencies: [
                "FIXProtocol", "FIXSession", "FIXEngine", "OMSPersistence", "OMSCore", "BrokerFIXVenue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "OMSServer",
            dependencies: [
                "FIXProtocol", "FIXSession", "FIXEngine", "OMSPersistence", "OMSCore", "ReferenceData", "OMSHTTP",
                "FIXGateway", "BrokerSimulator", "BrokerKit", "BrokerUpstox", "BrokerKite", "BrokerFyers", "BrokerFIXVenue",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "BrokerSimulatorTests",
            dependencies: ["BrokerSimulator", "OMSCore"]
        ),
        .testTarget(
            name: "OMSCoreTests",
            dependencies: ["OMSCore"]
        ),
        .testTarget(
            name: "FIXProtocolTests",
            dependencies: ["FIXProtocol", "OMSTestSupport",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"),
                           .product(name: "NIOTestUtils", package: "swift-nio")]
        ),
        .testTarget(
            name: "FIXSessionTests",
            dependencies: ["FIXProtocol", "FIXSession", "OMSTestSupport", "OMSPersistence",
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        .testTarget(
            name: "FIXEngineTests",
            dependencies: ["FIXProtocol", "FIXSession", "FIXEngine", "OMSPersistence", "OMSTestSupport", "FIXGateway",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        // MARK: Reference data (issue 3)
        .target(
            name: "ReferenceData",
            dependencies: [
                "OMSCore", "OMSPersistence", "OMSAPIModels",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OMSAPIModels",
            dependencies: ["OMSCore"]
        ),
        .target(
            name: "OMSHTTP",
            dependencies: [
                "OMSCore", "OMSAPIModels", "ReferenceData", "OMSPersistence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "TraderCLI",
            dependencies: [
                "OMSCore", "OMSAPIModels", "ReferenceData", "OMSPersistence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ReferenceDataTests",
            dependencies: [
                "ReferenceData", "OMSCore", "OMSPersistence",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "OMSHTTPTests",
            dependencies: [
                "OMSHTTP", "OMSAPIModels", "ReferenceData", "OMSCore", "OMSPersistence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "OMSPersistenceTests",
            dependencies: [
                "OMSPersistence", "OMSCore", "FIXSession", "FIXProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "TraderCLITests",
            dependencies: [
                "TraderCLI", "ReferenceData", "OMSAPIModels", "OMSCore", "OMSTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                "OMSHTTP", "OMSPersistence",
            ]
        ),
        // MARK: Broker adapters (issue 6)
        .target(
            name: "BrokerKit",
            dependencies: [
                "OMSCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "BrokerUpstox", dependencies: ["BrokerKit", "OMSCore"]),
        .target(name: "BrokerKite", dependencies: ["BrokerKit", "OMSCore"]),
        .target(name: "BrokerFyers", dependencies: ["BrokerKit", "OMSCore"]),
        .target(
            name: "BrokerFIXVenue",
            dependencies: [
                "OMSCore", "FIXProtocol", "FIXSession", "FIXEngine",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "BrokerFIXVenueTests",
            dependencies: [
                "BrokerFIXVenue", "OMSCore", "FIXProtocol", "FIXSession", "FIXEngine",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BrokerAdapterTests",
            dependencies: [
                "BrokerKit", "BrokerUpstox", "BrokerKite", "BrokerFyers", "OMSCore", "OMSTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
