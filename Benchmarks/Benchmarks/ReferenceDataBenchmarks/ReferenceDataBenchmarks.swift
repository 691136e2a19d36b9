import Benchmark
import Foundation
import GRDB
import OMSCore
import ReferenceData

// Reference data (issue 3): loading a 250,000-record complete.json.gz, re-loading it, search, resolver and
// eligibility lookups. The file is made by scripts/generate-instruments.py (python3) on first use, at
// $VEGA_BENCH_INSTRUMENTS or /tmp/vega-bench/complete-250k.json.gz.

private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // ReferenceDataBenchmarks
    .deletingLastPathComponent()  // Benchmarks (sources)
    .deletingLastPathComponent()  // Benchmarks (package)
    .deletingLastPathComponent()  // repository root

private func instrumentFile() -> String {
    if let p = ProcessInfo.processInfo.environment["VEGA_BENCH_INSTRUMENTS"], !p.isEmpty { return p }
    let path = "/tmp/vega-bench/complete-250k.json.gz"
    if !FileManager.default.fileExists(atPath: path) {
        try? FileManager.default.createDirectory(atPath: "/tmp/vega-bench", withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", repositoryRoot.appendingPathComponent("scripts/generate-instruments.py").path,
                       "--count", "250000", "--out", path]
        try? p.run()
        p.waitUntilExit()
    }
    return path
}

/// A temporary database, loaded or not.
final class LoadFixture: @unchecked Sendable {
    // @unchecked Sendable: touched only from the benchmark's own (serial) setup and run closures.
    var directory: URL?
    var pool: DatabasePool?

    func fresh() throws -> DatabasePool {
        try close()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directory = dir
        let p = try ReferenceDatabase.open(path: dir.appendingPathComponent("vega_trade.db").path)
        pool = p
        return p
    }

    func close() throws {
        try pool?.close()
        pool = nil
        if let d = directory { try? FileManager.default.removeItem(at: d) }
        directory = nil
    }
}

let benchmarks: @Sendable () -> Void = {
    let file = instrumentFile()

    // 1. Load into an empty database ------------------------------------------------------------------------
    let empty = LoadFixture()
    // Each iteration creates and migrates a new database (a few milliseconds) and loads the file into it.
    Benchmark(
        "Load 250k complete.json.gz into an empty DB",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 0,
                             maxDuration: .seconds(60), maxIterations: 3)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let pool = try empty.fresh()
            let r = try await ReferenceDataLoader(writer: pool).load(path: file, kind: .bod)
            guard r.inserted == 250_000 else { benchmark.error("inserted \(r.inserted): \(r.summary)"); return }
        }
        try empty.close()
    }

    // 2. Re-load the same file (nothing changes) --------------------------------------------------------------
    let loaded = LoadFixture()
    Benchmark(
        "Re-load 250k complete.json.gz (no changes)",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 0,
                             maxDuration: .seconds(60), maxIterations: 3),
        closure: { benchmark in
            guard let pool = loaded.pool else { benchmark.error("no database"); return }
            for _ in benchmark.scaledIterations {
                let r = try await ReferenceDataLoader(writer: pool).load(path: file, kind: .bod)
                guard r.unchanged == 250_000 else { benchmark.error(r.summary); return }
            }
        },
        setup: { _ = try await ReferenceDataLoader(writer: try loaded.fresh()).load(path: file, kind: .bod) },
        teardown: { try loaded.close() })

    // 3–5. In-memory lookups over the loaded 250k catalog --------------------------------------------------
    final class Lookups: @unchecked Sendable {
        // @unchecked Sendable: set once in setup, then only read.
        var service: ReferenceDataService?
        var fixture = LoadFixture()
        var keys: [InstrumentKey] = []
        var lookups: [InstrumentLookup] = []
    }
    let shared = Lookups()
    let setupShared: @Sendable () async throws -> Void = {
        guard shared.service == nil else { return }
        let pool = try shared.fixture.fresh()
        _ = try await ReferenceDataLoader(writer: pool).load(path: file, kind: .bod)
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO client_product_permissions (client_id, products) VALUES ('C1', 'CNC,MIS,MTF,NRML')")
            try db.execute(sql: "UPDATE instruments SET intraday_margin = 20, intraday_leverage = 5 WHERE segment = 'NSE_EQ'")
        }
        let service = ReferenceDataService(writer: pool)
        try await service.refresh()
        let all = service.catalogs.current.instruments
        shared.keys = stride(from: 0, to: all.count, by: 997).map { all[$0].key }
        shared.lookups = stride(from: 0, to: all.count, by: 1009).map { i -> InstrumentLookup in
            let x = all[i]
            if let day = x.expiryDay, x.isDerivative {
                let c = ISTCalendar.civil(day)
                return InstrumentLookup(symbol: x.underlyingSymbol, exchange: "NSE", securityType: x.optionType == nil ? "FUT" : "OPT",
                                        maturityDate: String(format: "%04d%02d%02d", c.year, c.month, c.day),
                                        putOrCall: x.optionType, strikePrice: x.optionType == nil ? nil : x.strikePrice)
            }
            return InstrumentLookup(symbol: x.tradingSymbol, exchange: x.exchange)
        }
        shared.service = service
    }

    // Autocomplete as typed (every prefix of a few symbols), exact symbols, option-chain prefixes, name words
    // (INDUSTRIES is a word of 20,000 names: the slowest kind), an ISIN and a miss; one query per sample.
    var queries: [String] = []
    for word in ["SYNBAA", "SYNKQZ", "SYNBHJ"] { for n in 1...word.count { queries.append(String(word.prefix(n))) } }
    queries += ["SYNBAC FUT", "SYNBAD 1", "SYNBAF 10", "synbag 11000 ce", "INDUSTRIES", "SYNCAB INDUSTRIES",
                "sync industries lim", "INE001BA01001", "ZZZ"]
    final class Counter: @unchecked Sendable {
        // @unchecked Sendable: used only by the benchmark's serial run closure.
        var n = 0
    }
    let counter = Counter()
    let allQueries = queries
    Benchmark(
        "Search over 250k instruments (one query)",
        configuration: .init(metrics: [.wallClock, .throughput], warmupIterations: 100, scalingFactor: .one,
                             maxDuration: .seconds(20), maxIterations: 30_000),
        closure: { benchmark in
            guard let s = shared.service else { benchmark.error("no catalog"); return }
            let catalog = s.catalogs.current
            for _ in benchmark.scaledIterations {
                blackHole(catalog.search(allQueries[counter.n % allQueries.count], limit: 10))
                counter.n += 1
            }
        },
        setup: {
            try await setupShared()
            // The catalog must be the 250k one, or the figure means nothing.
            let c = shared.service!.catalogs.current
            guard c.instruments.count == 250_000, c.search("SYNBAA", limit: 10).count == 10,
                  c.search("INDUSTRIES", limit: 10).count == 10 else { fatalError("the search catalog is not loaded") }
        })

    Benchmark(
        "Resolver lookup (symbol+exchange or derivative contract)",
        configuration: .init(metrics: [.wallClock, .throughput], warmupIterations: 10, scalingFactor: .kilo,
                             maxDuration: .seconds(5), maxIterations: 10_000),
        closure: { benchmark in
            guard let s = shared.service else { benchmark.error("no catalog"); return }
            let resolver = s.resolver
            let l = shared.lookups
            var k = 0
            for _ in benchmark.scaledIterations {
                blackHole(resolver.resolve(l[k % l.count]))
                k += 1
            }
        },
        setup: setupShared)

    Benchmark(
        "Eligibility lookup (client, instrument, product)",
        configuration: .init(metrics: [.wallClock, .throughput], warmupIterations: 10, scalingFactor: .kilo,
                             maxDuration: .seconds(5), maxIterations: 10_000),
        closure: { benchmark in
            guard let s = shared.service else { benchmark.error("no catalog"); return }
            let e = s.eligibility
            let keys = shared.keys
            let client = ClientID("C1")
            var k = 0
            for _ in benchmark.scaledIterations {
                blackHole(e.check(client: client, instrument: keys[k % keys.count], product: k & 1 == 0 ? .mis : .cnc))
                k += 1
            }
        },
        setup: setupShared)
}
