import BrokerKit
import Foundation
import OMSCore
import Testing

/// The Multi-Broker Abstraction Layer with two real adapters against the fakes: an order for Upstox goes to Kite
/// when Upstox cannot take it before accepting (token expired, server down), and Kite's events drive the order on.
@Suite(.serialized)
struct MBALFailoverTests {
    static let at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds

    /// Resolves RELIANCE only; every client may use every product.
    struct Stages: SymbolResolver, ProductEligibility {
        func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
            lookup.symbol == reliance.tradingSymbol ? .success(reliance) : .failure(.unknownSymbol(lookup: lookup))
        }
        func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
            .success(ProductTerms(product: product))
        }
        func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet { .all }
    }

    /// The reports the engine makes, in order.
    final class Reports: OrderReportSink, @unchecked Sendable {
        // @unchecked: `all` is only touched while holding `lock`.
        private let lock = NSLock()
        private var reports: [OrderReport] = []
        func deliver(_ report: OrderReport) { lock.withLock { reports.append(report) } }
        func waitUntilDurable(_ orderID: OrderID) async throws {}
        var all: [OrderReport] { lock.withLock { reports } }
    }

    /// Two fakes (Upstox primary, Kite backup), their adapters and an engine routing UPSTOX → ZERODHA on failure.
    struct Setup {
        let upstox: any FakeBroker
        let kite: any FakeBroker
        let upstoxAdapter: any BrokerConnection
        let kiteAdapter: any BrokerConnection
        let engine: OrderEngine
        let reports: Reports
        let run: Task<Void, Never>

        static func start() async throws -> Setup {
            var settings = BrokerSettings()
            // Longer than the waits below: a refused connection must fail the placement at once (the order goes
            // to Kite), not when a timeout fires.
            settings.requestTimeout = .seconds(60)
            settings.connectTimeout = .seconds(60)
            settings.streamReconnectDelay = .milliseconds(100)
            let upstox = try await BrokerKind.upstox.startFake()
            let kite = try await BrokerKind.kite.startFake()
            let logs = LogCapture()
            let u = upstox.makeAdapter(credentials: TestCredentials.credentials, settings: settings, logger: logs.logger)
            let k = kite.makeAdapter(credentials: TestCredentials.credentials, settings: settings, logger: logs.logger)
            let reports = Reports()
            let pipeline = OrderPipeline(resolver: Stages(), session: try MarketSessionEngine(), eligibility: Stages())
            let engine = OrderEngine(pipeline: pipeline, brokers: [u, k], defaultBroker: u.id,
                                     failover: [u.id: k.id], now: { at }, sink: reports)
            let run = Task { await engine.run() }
            await k.start()
            return Setup(upstox: upstox, kite: kite, upstoxAdapter: u, kiteAdapter: k, engine: engine, reports: reports,
                         run: run)
        }

        func stop() async {
            run.cancel()
            await upstoxAdapter.shutdown()
            await kiteAdapter.shutdown()
            upstox.stop()
            kite.stop()
        }

        func submit(_ id: String) async -> OrderID {
            await engine.submit(OrderRequest(
                source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID(id), client: ClientID("AB1234"),
                lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit, quantity: Quantity(10),
                limitPrice: Price("1395.00"), product: .cnc, broker: BrokerID("UPSTOX")))
        }

        /// Waits (bounded, so that a broken flow fails instead of hanging) until the condition holds.
        func until(_ what: String, _ condition: () async -> Bool) async throws {
            for _ in 0..<1500 {
                if await condition() { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("never happened: \(what)")
            throw CancellationError()
        }

        /// The order's one placement at Kite, once it is there.
        func kiteOrder(_ id: OrderID) async throws -> FakeOrder {
            try await until("the order is placed at Kite") { await !kite.book.orders(tag: id.rawValue).isEmpty }
            return try #require(await kite.book.orders(tag: id.rawValue).first)
        }
    }

    @Test func anOrderForUpstoxWithAnExpiredTokenLandsAtKiteAndIsFilledThere() async throws {
        let s = try await Setup.start()
        do {
            await s.upstox.book.expireToken()
            try await s.until("Kite's order stream is connected") { await s.kite.book.liveStreams > 0 }
            let id = await s.submit("F1")
            let placed = try await s.kiteOrder(id)
            // Upstox was asked once and refused (401): no order there; Kite got exactly one placement.
            #expect(await s.upstox.book.placements == 0)
            #expect(await s.upstox.book.seen("POST", "/order/place").count == 1)
            #expect(await s.kite.book.orders(tag: id.rawValue).count == 1)
            #expect(placed.product == "CNC" && placed.quantity == 10)
            #expect(await (s.upstoxAdapter.health()) != .healthy)

            await s.kite.book.open(placed.id)
            await s.kite.book.fill(placed.id, quantity: 10, price: 1394.5)
            try await s.until("the order is filled") { await s.engine.order(id)?.status == .filled }
            let order = try #require(await s.engine.order(id))
            #expect(order.broker == BrokerID("ZERODHA"))
            #expect(order.brokerOrderID == placed.id)
            #expect(s.reports.all.map(\.status) == [.pendingNew, .new, .filled])
            #expect(await s.kite.book.violations == [])
            #expect(await s.upstox.book.violations == [])
        } catch {
            await s.stop()
            throw error
        }
        await s.stop()
    }

    @Test func anOrderForUpstoxWhoseServerIsDownLandsAtKite() async throws {
        let s = try await Setup.start()
        do {
            await s.upstox.stopAndWait()
            // The stopped server refuses connections (not a token problem).
            try await s.until("Upstox refuses connections") {
                do throws(BrokerError) { _ = try await s.upstoxAdapter.orders(); return false } catch { return error != .tokenExpired }
            }
            let id = await s.submit("F2")
            let placed = try await s.kiteOrder(id)
            try await s.until("the order is working at Kite") {
                await s.engine.order(id)?.broker == BrokerID("ZERODHA")
            }
            await s.kite.book.open(placed.id)
            try await s.until("Kite acknowledged it") { await s.engine.order(id)?.status == .new }
            #expect(await s.upstox.book.placements == 0)
            #expect(s.reports.all.map(\.status) == [.pendingNew, .new])
        } catch {
            await s.stop()
            throw error
        }
        await s.stop()
    }
}
