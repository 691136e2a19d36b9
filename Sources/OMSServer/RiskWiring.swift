import BrokerSimulator
import Foundation
import GRDB
import Hummingbird
import OMSCore
import OMSHTTP
import OMSPersistence
import ServiceLifecycle

/// The risk stage of vega-oms: limits from SQLite (seeded from `seeds/risk/limits.json` on a new database), the
/// day's price bands, carried positions, the VaR model and the market data the rules read.
struct RiskWiring {
    let store: RiskLimitStore
    let market: MarketDataFeed
    let clients: Int
    let seededClients: Int
    let positions: Int
    /// Rows of the risk files that could not be used (printed at start-up).
    let problems: [String]

    /// Builds the engine (returned apart, so that the caller can hand it to the `OrderEngine` that owns it).
    static func build(pool: DatabasePool, seeds: String, resolver: SymbolResolver, paper: PaperBroker,
                      now: @escaping @Sendable () -> Int64) async throws -> (engine: LimitRiskEngine, wiring: RiskWiring) {
        let dir = URL(fileURLWithPath: seeds)
        let risk = dir.appendingPathComponent("risk")
        func text(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }
        let store = RiskLimitStore(writer: pool)
        let seeded = try await store.seedIfEmpty(file: risk.appendingPathComponent("limits.json"),
                                                 at: Int64(Date().timeIntervalSince1970 * 1000))
        let limits = try await store.loadAll()
        var problems: [String] = []
        func instrument(_ key: InstrumentKey) -> Instrument? {
            guard case .success(let i) = resolver.resolve(InstrumentLookup(securityID: key.rawValue,
                                                                           securityIDSource: "8")) else { return nil }
            return i
        }
        // Price bands: the same file the paper market is priced from.
        var bands = PriceBands()
        if let csv = text(dir.appendingPathComponent("price_bands.csv")) {
            let parsed = PriceBands.parse(csv: csv) { exchange, symbol in
                guard case .success(let i) = resolver.resolve(InstrumentLookup(symbol: symbol, exchange: exchange))
                else { return nil }
                return i.key
            }
            bands = parsed.bands
            problems += parsed.problems.map { "price_bands.csv line \($0.line): \($0.text)" }
        }
        // Marks and volatilities (indices, F&O); instruments the paper market can price start there.
        var base: [InstrumentKey: Price] = [:]
        var volatilities: [InstrumentKey: Rate] = [:]
        if let csv = text(risk.appendingPathComponent("market.csv")) {
            let m = RiskDataFiles.market(csv: csv)
            base = m.prices
            volatilities = m.volatilities
            problems += m.problems.map { "risk/market.csv \($0)" }
            for (key, price) in m.prices.sorted(by: { $0.key < $1.key }) {
                if let i = instrument(key), i.isTradable { await paper.setPrice(price, for: i) }
            }
        }
        var varModel: IntradayVaRModel?
        if let csv = text(risk.appendingPathComponent("closes.csv")) {
            let r = RiskDataFiles.returns(closesCSV: csv)
            problems += r.problems.map { "risk/closes.csv \($0)" }
            if !r.returns.isEmpty { varModel = IntradayVaRModel(returns: r.returns) }
        }
        let engine = LimitRiskEngine(limits: limits, priceBands: bands, varModel: varModel)
        var loaded = 0
        if let csv = text(risk.appendingPathComponent("positions.csv")) {
            let p = RiskDataFiles.positions(csv: csv)
            problems += p.problems.map { "risk/positions.csv \($0)" }
            for c in p.positions {
                guard limits[c.client] != nil, let i = instrument(c.instrument) else {
                    problems.append("risk/positions.csv: \(c.client) \(c.instrument): unknown client or instrument")
                    continue
                }
                engine.loadPosition(client: c.client, instrument: i, product: c.product, quantity: c.quantity,
                                    averagePrice: c.averagePrice)
                loaded += 1
            }
        }
        let feed = MarketDataFeed(base: base, volatilities: volatilities, now: now)
        await feed.refresh(from: paper)
        return (engine, RiskWiring(store: store, market: feed, clients: limits.count, seededClients: seeded,
                                   positions: loaded, problems: problems))
    }

    /// `GET/PUT /api/limits/{client}` and `GET /api/margin/{client}`, applied to the running engine.
    func mountRoutes(on router: Router<BasicRequestContext>, engine: OrderEngine) {
        RiskLimitRoutes<BasicRequestContext>(desk: RiskDesk(store: store, target: engine)).mount(on: router)
    }
}

extension Instrument {
    /// Indices are data only.
    fileprivate var isTradable: Bool { segment != .nseIndex && segment != .bseIndex }
}

/// The market snapshot the risk rules read: the paper market's last prices over the start-of-day marks, the
/// volatilities, and today's trading day. Refreshed once a second off the order path; read by the OrderEngine.
final class MarketDataFeed: @unchecked Sendable {
    // @unchecked Sendable: `current` is only touched while holding `lock`; the rest is immutable.
    private let lock = NSLock()
    private var current = MarketSnapshot()
    let base: [InstrumentKey: Price]
    let volatilities: [InstrumentKey: Rate]
    let now: @Sendable () -> Int64

    init(base: [InstrumentKey: Price], volatilities: [InstrumentKey: Rate], now: @escaping @Sendable () -> Int64) {
        self.base = base
        self.volatilities = volatilities
        self.now = now
    }

    func snapshot() -> MarketSnapshot { lock.withLock { current } }

    func refresh(from paper: PaperBroker) async {
        let prices = base.merging(await paper.lastPrices()) { _, live in live }
        let s = MarketSnapshot(lastPrices: prices, volatilities: volatilities,
                               tradingDay: ISTCalendar.day(ofEpochMillis: now()))
        lock.withLock { current = s }
    }
}

/// Refreshes the market snapshot once a second, and re-marks the risk engine's kept SPAN and VaR state every
/// `revalueEvery` refreshes (orders are checked against positions valued at the last re-mark).
struct MarketDataService: Service {
    let feed: MarketDataFeed
    let paper: PaperBroker
    let engine: OrderEngine
    var revalueEvery = 5

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var n = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await feed.refresh(from: paper)
                n += 1
                if n % revalueEvery == 0 { await engine.revalueRisk() }
            }
        }
    }
}
