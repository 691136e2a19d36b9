@testable import FIXGateway
import FIXProtocol
import FIXSession
@testable import OMSCore
import OMSPersistence
import OMSTestSupport
import Testing

/// The report loop of the FIX gateway: what it stores, in what order.
struct OMSFIXApplicationTests {
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                     lotSize: 1, tickSize: Price(paise: 10))

    /// A fill of `quantity` at 1400 for client AB1234's order `n`, entered through `source`.
    static func fill(_ n: Int, _ quantity: Int64, via source: OrderSource) -> OrderReport {
        let request = OrderRequest(source: source, clientOrderID: ClientOrderID("C-\(n)"), client: ClientID("AB1234"),
                                   lookup: InstrumentLookup(symbol: "RELIANCE", exchange: "NSE"), side: .buy, orderType: .market,
                                   quantity: Quantity(quantity), product: .cnc)
        let terms = OrderTerms(quantity: Quantity(quantity))
        guard case .filled(let closed) = PendingNewOrder(terms: terms).accepted().fill(Quantity(quantity), at: Price("1400.00")!) else {
            preconditionFailure("a fill of the whole quantity closes the order")
        }
        let o = OrderSnapshot(id: OrderID("O-\(n)"), sequence: n, source: source, clientOrderID: ClientOrderID("C-\(n)"),
                              pendingClientOrderID: nil, request: request, instrument: reliance, product: .cnc, broker: .paper,
                              lifecycle: .closed(closed), brokerOrderID: "PB\(n)", rawStatus: "complete")
        return OrderReport(destination: source, kind: .fill(quantity: Quantity(quantity), price: Price("1400.00")!, tradeID: "T\(n)"),
                           orderID: o.id, clientOrderID: o.clientOrderID, origClientOrderID: nil, execID: "E-\(n)",
                           status: o.status, side: .buy, symbol: "RELIANCE", product: .cnc, broker: .paper,
                           quantity: Quantity(quantity), limitPrice: nil, cumulativeQuantity: Quantity(quantity),
                           leavesQuantity: .zero, averagePrice: Price("1400.00")!, brokerRawStatus: "complete",
                           brokerOrderID: "PB\(n)", execSequence: n, order: o, transactTime: 1_000 * Int64(n))
    }

    /// One client's fills arrive in one batch through a FIX session and REST, interleaved: the position stored
    /// last is the one the last fill made (the journal keeps the last position per key).
    @Test func aBatchMixingSessionsAndRESTStoresPositionsInReportOrder() async throws {
        let db = try VegaDatabase.inMemory()
        let store = GRDBFIXMessageStore(writer: db, attachmentWriter: OrderJournal.writer)
        let app = OMSFIXApplication(store: store, journal: { OrderJournalEntry(report: $0, position: $1) })
        let session = try FIXSession(settings: FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA",
                                                                                    targetCompID: "CLIENT1")),
                                     store: store, application: app, dictionary: Files.dictionary,
                                     clock: ManualWallClock(FIXTimestamp(secondsSince1970: 1_788_840_000)), log: RecordingSessionLog())
        app.register([session])
        let fix = OrderSource.fix(session: "CLIENT1")
        await app.send([fix, .rest, fix, .rest, .rest, fix].enumerated().map { .report(Self.fill($0 + 1, 10 * Int64($0 + 1), via: $1)) })
        try await store.flush()
        let stored = try OrderRepository(reader: db).positions()
        #expect(stored.count == 1)
        #expect(stored.first?.netQuantity == 210)   // 10 + 20 + … + 60
        #expect(app.portfolio.positions.values.first?.netQuantity == 210)
        let executions = try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM execution") }
        #expect(executions == 6)
    }

    struct NoInstruments: SymbolResolver {
        func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection> { .failure(.unknownSymbol(lookup: lookup)) }
    }
    struct NoProducts: ProductEligibility {
        func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
            .success(ProductTerms(product: product))
        }
        func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet { .all }
    }

    /// Once the report loop has stopped (shutdown), a wait for durability fails: reports delivered now are
    /// never stored, so nobody (the engine placing at a broker, a REST answer) may act as if they were.
    @Test func aDurabilityWaitAfterTheReportLoopStoppedFails() async throws {
        let app = OMSFIXApplication(store: InMemoryFIXMessageStore(), journal: { OrderJournalEntry(report: $0, position: $1) })
        let engine = OrderEngine(pipeline: OrderPipeline(resolver: NoInstruments(), session: try MarketSessionEngine(),
                                                         eligibility: NoProducts()),
                                 brokers: [], defaultBroker: .paper, now: { 0 }, sink: app)
        let loop = Task { await app.run(engine: engine) }
        try await app.reportsDurable()   // running: answered
        loop.cancel()
        await loop.value
        await #expect(throws: ReportLoopStopped.self) { try await app.reportsDurable() }
    }
}
