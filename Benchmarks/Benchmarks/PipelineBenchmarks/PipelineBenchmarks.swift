import Benchmark
import Foundation
import OMSCore
import ReferenceData

// Issue 4: the whole pre-trade pipeline per order — resolve → session → eligibility → risk (limits, caps, band,
// intraday VaR, SPAN) — for a client holding 50 F&O positions, on the demo data in seeds/ (instruments, bands,
// seeds/risk/market.csv marks and volatilities, seeds/risk/closes.csv for the EWMA VaR model).
// One iteration = one order: `OrderPipeline.decide` and then `release` of its reservation (the order closes),
// so every order meets the same state.

private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // PipelineBenchmarks
    .deletingLastPathComponent()  // Benchmarks (sources)
    .deletingLastPathComponent()  // Benchmarks (package)
    .deletingLastPathComponent()  // repository root

/// The pipeline, the engine and the orders, built once.
final class PipelineFixture: @unchecked Sendable {
    // @unchecked Sendable: built in `setup`, then used only by the benchmark's own serial closure.
    var pipeline: OrderPipeline?
    var engine: LimitRiskEngine?
    var market = MarketSnapshot()
    var orders: [OrderRequest] = []
    var at: Int64 = 0
    var directory: URL?
    var next = 0

    static let client = ClientID("BENCH01")

    func build() async throws {
        guard pipeline == nil else { return }
        let seeds = repositoryRoot.appendingPathComponent("seeds")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directory = dir
        let pool = try ReferenceDatabase.open(path: dir.appendingPathComponent("vega_trade.db").path)
        // 2026-11-26 10:00 IST: normal market on NSE cash and F&O.
        at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds
        let service = ReferenceDataService(writer: pool,
                                           clock: ManualInstantClock(Date(timeIntervalSince1970: Double(at) / 1000)),
                                           defaultClientProducts: .all)
        _ = try await ReferenceDataSeeder.seedIfEmpty(service.loader, directory: seeds.path)
        try await service.refresh()
        let resolver = service.resolver
        pipeline = OrderPipeline(resolver: resolver, session: try MarketSessionEngine(), eligibility: service.eligibility)

        let m = RiskDataFiles.market(csv: try String(contentsOf: seeds.appendingPathComponent("risk/market.csv"),
                                                     encoding: .utf8))
        market = MarketSnapshot(lastPrices: m.prices, volatilities: m.volatilities,
                                tradingDay: ISTCalendar.day(ofEpochMillis: at))
        let closes = RiskDataFiles.returns(closesCSV: try String(
            contentsOf: seeds.appendingPathComponent("risk/closes.csv"), encoding: .utf8))
        let limits = RiskLimits(maxOrderValue: Price(rupees: 50_000_000), maxOrderQuantity: Quantity(100_000),
                                maxOpenOrders: 1_000, maxOpenValue: Price(rupees: 500_000_000),
                                maxDailyLoss: Price(rupees: 10_000_000), availableMargin: Price(rupees: 1_000_000_000),
                                intradayVaRLimit: Price(rupees: 1_000_000_000))
        let engine = LimitRiskEngine(limits: [Self.client: limits], varModel: IntradayVaRModel(returns: closes.returns))
        // 50 F&O positions: every NIFTY and BANKNIFTY option and future in the demo master up to 50, alternately
        // long and short two lots, half MIS (in the VaR) and half NRML.
        let fo = m.prices.keys.filter { $0.rawValue.hasPrefix("NSE_FO|") }.sorted()
        var held: [Instrument] = []
        for key in fo {
            guard case .success(let i) = resolver.resolve(InstrumentLookup(securityID: key.rawValue,
                                                                           securityIDSource: "8")),
                  i.underlyingKey?.rawValue.hasPrefix("NSE_INDEX|") == true else { continue }
            held.append(i)
            if held.count == 50 { break }
        }
        guard held.count == 50 else { fatalError("the demo master has \(held.count) index F&O contracts, not 50") }
        for (n, i) in held.enumerated() {
            engine.loadPosition(client: Self.client, instrument: i, product: n % 2 == 0 ? .mis : .nrml,
                                quantity: (n % 4 < 2 ? 2 : -2) * i.lotSize, averagePrice: m.prices[i.key]!)
        }
        // Orders: one lot of ten of those contracts on the side that adds to the position (a reducing order skips VaR
        // and SPAN), MIS (so both run), limit at the mark.
        for (n, i) in held.prefix(10).enumerated() {
            orders.append(OrderRequest(source: .cli, clientOrderID: ClientOrderID("B\(n)"), client: Self.client,
                                       lookup: InstrumentLookup(securityID: i.exchangeToken, securityIDSource: "8",
                                                                securityType: i.optionType == nil ? "FUT" : "OPT"),
                                       side: n % 4 < 2 ? .buy : .sell, orderType: .limit, quantity: Quantity(i.lotSize),
                                       limitPrice: m.prices[i.key]!, product: .mis))
        }
        // Every order must pass, or the benchmark measures a rejection.
        for o in orders {
            let d = pipeline!.decide(o, at: at, risk: engine, market: market)
            guard case .accepted(let a) = d, let r = a.risk, r.marginRequired != nil, r.intradayVaR != nil
            else { fatalError("order \(o.clientOrderID) does not pass every stage with VaR and SPAN: \(d)") }
            engine.release(r.reservation)
        }
        self.engine = engine
    }

    /// One order through the whole pipeline, then its reservation released.
    @inline(__always) func one() {
        let o = orders[next % orders.count]
        next &+= 1
        if case .accepted(let a) = pipeline!.decide(o, at: at, risk: engine, market: market), let r = a.risk {
            engine!.release(r.reservation)
        }
    }

    deinit { if let d = directory { try? FileManager.default.removeItem(at: d) } }
}

let benchmarks: @Sendable () -> Void = {
    let fixture = PipelineFixture()

    Benchmark(
        "Pipeline: resolve → session → eligibility → risk (VaR + SPAN), 50 F&O positions",
        configuration: .init(metrics: [.wallClock, .throughput], warmupIterations: 1_000, scalingFactor: .one,
                             maxDuration: .seconds(10), maxIterations: 200_000,
                             setup: { try await fixture.build() }),
        closure: { benchmark in
            for _ in benchmark.scaledIterations { fixture.one() }
        })
}
