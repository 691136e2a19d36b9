// swift-tools-version: 6.1
// Benchmarks for the Vega FIX engine. A separate package so that the main build and CI do not
// fetch or compile package-benchmark. Run from this folder:
//   swift package --scratch-path ../.build-bench benchmark --target FIXBenchmarks
import PackageDescription

let package = Package(
    name: "VegaBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Vega", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // The root package exports no OMSPersistence product, so its sources are compiled here once more
        // through a symlink (Sources/VegaPersistence -> ../../Sources/OMSPersistence).
        .target(
            name: "VegaPersistence",
            dependencies: [
                .product(name: "FIXProtocol", package: "Vega"),
                .product(name: "FIXSession", package: "Vega"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "FIXBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FIXProtocol", package: "Vega"),
                "VegaPersistence",
                .product(name: "FIXSession", package: "Vega"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/FIXBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // A bare loop over one hot path (decode, encode, store...), to run under perf (see README.md).
        .executableTarget(
            name: "FIXProfile",
            dependencies: [
                .product(name: "FIXProtocol", package: "Vega"),
                .product(name: "FIXSession", package: "Vega"),
                "VegaPersistence",
            ]
        ),
        // Reference data (issue 3): 250k-record load and re-load, search, resolver and eligibility lookups.
        //   swift package --scratch-path ../.build-refdata-bench benchmark --target ReferenceDataBenchmarks
        .executableTarget(
            name: "ReferenceDataBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ReferenceData", package: "Vega"),
                .product(name: "OMSCore", package: "Vega"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/ReferenceDataBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // Issue 4: the whole pre-trade pipeline per order (resolve → session → eligibility → risk with VaR and SPAN).
        //   swift package --scratch-path ../.build-bench benchmark --target PipelineBenchmarks
        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ReferenceData", package: "Vega"),
                .product(name: "OMSCore", package: "Vega"),
            ],
            path: "Benchmarks/PipelineBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
