import BrokerSimulator
import Foundation
import OMSCore
import Testing

/// Collects reports in order.
final class ReportCollector: OrderReportSink, @unchecked Sendable {
    // @unchecked: `reports` is only touched while holding `lock`.
    private let lock = NSLock()
    private var reports: [OrderReport] = []
    func deliver(_ report: OrderReport) { lock.withLock { reports.append(report) } }
    var all: [OrderReport] { lock.withLock { reports } }

    /// Waits (bounded) until `count` reports have arrived.
    func wait(for count: Int) async -> [OrderReport] {
        for _ in 0..<500 where all.count < count { try? await Task.sleep(for: .milliseconds(5)) }
        return all
    }
}

final class Counter: @unchecked Sendable {
    // @unchecked: `n` is only touched while holding `lock`.
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

struct StaticResolver: SymbolResolver {
    let instruments: [Instrument]
    func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
        instruments.first { $0.tradingSymbol == lookup.symbol }.map { .success($0) } ?? .failure(.unknownSymbol(lookup: lookup))
    }
}

struct AllEligible: ProductEligibility {
    func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
        .success(ProductTerms(product: product))
    }
    func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet { .all }
}

struct OrderEngineTests {
    let broker = PaperBroker()
    let sink = ReportCollector()
    let engine: OrderEngine

    init() throws {
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        // Thursday 26-Nov-2026 10:00 IST.
        let at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds
        engine = OrderEngine(pipeline: pipeline, brokers: [broker], defaultBroker: .paper, now: { at }, sink: sink)
    }

    func request(_ clOrdID: String, qty: Int64 = 10, limit: String? = "1395.00", symbol: String = "RELIANCE") -> OrderRequest {
        OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID(clOrdID), client: ClientID("AB1234"),
                     lookup: InstrumentLookup(symbol: symbol), side: .buy, orderType: limit == nil ? .market : .limit,
                     quantity: Quantity(qty), limitPrice: limit.flatMap { Price($0) })
    }

    func kinds(_ r: [OrderReport]) -> [String] {
        r.map { rep in
            switch rep.kind {
            case .pendingNew: return "A"
            case .new: return "0"
            case .fill: return "F"
            case .pendingCancel: return "6"
            case .canceled: return "4"
            case .pendingReplace: return "E"
            case .replaced: return "5"
            case .restated: return "D"
            case .rejected(let x): return "8:\(x.code)"
            case .brokerRejected: return "8:BROKER"
            case .status: return "I"
            case .unknownOrder: return "j"
            case .expired: return "C"
            case .cancelRejected(let reason, _, _): return "9:\(reason.rawValue)"
            }
        }
    }

    @Test func limitOrderRestsThenFillsWhenThePriceCrosses() async throws {
        await broker.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.submit(request("C1"))
        _ = await sink.wait(for: 2)
        await broker.setPrice(Price("1394.00")!, for: PaperBrokerTests.reliance)
        let r = await sink.wait(for: 3)
        #expect(kinds(r) == ["A", "0", "F"])
        #expect(r[2].status == .filled && r[2].cumulativeQuantity == Quantity(10) && r[2].leavesQuantity == .zero)
        #expect(r[2].averagePrice == Price("1394.00"))
        #expect(Set(r.map(\.execID)).count == 3)
        await engine.status(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C1"))
        #expect(kinds(await sink.wait(for: 4)).last == "I")
    }

    @Test func cancelAndTheRequestsThatCannotBeDone() async throws {
        await broker.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.submit(request("C1"))
        _ = await sink.wait(for: 2)
        let src = OrderSource.fix(session: "CLIENT1")
        await engine.cancel(source: src, clientOrderID: ClientOrderID("C2"), origClientOrderID: ClientOrderID("C1"))
        var r = await sink.wait(for: 4)
        #expect(kinds(r) == ["A", "0", "6", "4"])
        #expect(r[3].clientOrderID == ClientOrderID("C2") && r[3].origClientOrderID == ClientOrderID("C1"))
        // Canceled already; unknown order; duplicate ClOrdID.
        await engine.cancel(source: src, clientOrderID: ClientOrderID("C3"), origClientOrderID: ClientOrderID("C2"))
        await engine.cancel(source: src, clientOrderID: ClientOrderID("C4"), origClientOrderID: ClientOrderID("NOPE"))
        await engine.submit(request("C1"))
        r = await sink.wait(for: 7)
        #expect(Array(kinds(r).suffix(3)) == ["9:0", "9:1", "8:DUPLICATE_CLORDID"])
    }

    /// A cancel's or replace's ClOrdID is unique within the day like an order's: one already used (by another
    /// order, or by the order itself) is refused with CxlRejReason 6 and cannot take that ClOrdID over.
    @Test func aCancelOrReplaceWithAClOrdIDUsedBeforeIsRefusedAndTakesNothingOver() async throws {
        await broker.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.submit(request("A1"))
        await engine.submit(request("B1"))
        _ = await sink.wait(for: 4)
        let src = OrderSource.fix(session: "CLIENT1")
        // B1's cancel and replace reuse A1's ClOrdID, then B1's own.
        await engine.cancel(source: src, clientOrderID: ClientOrderID("A1"), origClientOrderID: ClientOrderID("B1"))
        await engine.replace(source: src, clientOrderID: ClientOrderID("A1"), origClientOrderID: ClientOrderID("B1"),
                             quantity: Quantity(5), limitPrice: nil)
        await engine.cancel(source: src, clientOrderID: ClientOrderID("B1"), origClientOrderID: ClientOrderID("B1"))
        var r = await sink.wait(for: 7)
        let a1 = r.first { $0.clientOrderID == ClientOrderID("A1") }?.order?.id
        let b1 = r.first { $0.clientOrderID == ClientOrderID("B1") }?.order?.id
        #expect(a1 != nil && b1 != nil && a1 != b1)
        #expect(Array(kinds(r).suffix(3)) == ["9:6", "9:6", "9:6"])
        #expect(r[4].clientOrderID == ClientOrderID("A1") && r[4].origClientOrderID == ClientOrderID("B1"))
        #expect(r[4].order?.id == b1)   // the reject names B1's order
        // Both orders are still working and A1 still names its own order.
        await engine.status(source: src, clientOrderID: ClientOrderID("A1"))
        r = await sink.wait(for: 8)
        #expect(kinds(r).last == "I" && r.last?.order?.id == a1 && r.last?.status == .new)
        // A ClOrdID a refused or unknown-order request used is taken too: a later order with it is a duplicate.
        await engine.cancel(source: src, clientOrderID: ClientOrderID("X1"), origClientOrderID: ClientOrderID("NOPE"))
        await engine.submit(request("X1"))
        r = await sink.wait(for: 10)
        #expect(Array(kinds(r).suffix(2)) == ["9:1", "8:DUPLICATE_CLORDID"])
        // A cancel sent again as a possible duplicate (FIX PossDupFlag=Y after a resend) once it took effect:
        // the order's status, not a refusal of the cancel's own ClOrdID.
        await engine.cancel(source: src, clientOrderID: ClientOrderID("A2"), origClientOrderID: ClientOrderID("A1"))
        _ = await sink.wait(for: 12)
        await engine.perform([.resent(.cancel(src, ClientOrderID("A2"), orig: ClientOrderID("A1")))])
        r = await sink.wait(for: 13)
        #expect(Array(kinds(r).suffix(3)) == ["6", "4", "I"])
        #expect(r.last?.status == .canceled && r.last?.order?.id == a1 && r.last?.clientOrderID == ClientOrderID("A2"))
    }

    /// A cancel refused because a replace is pending answers with its own ClOrdID, but the order it reports
    /// (what the journal stores, and a restart reads back) still has the replace pending under the replace's
    /// ClOrdID: a restart then ends that replace under its own ClOrdID. (The refusal's order used to carry the
    /// refused cancel's ClOrdID as the pending one; after a restart the replace was ended under it. And the
    /// Replaced report's order still had its old ClOrdID, the replace's as pending: a restart then answered a
    /// status request with the old one.)
    @Test func aRequestRefusedWhileAReplaceIsPendingLeavesThePendingClOrdIDAsItWas() async throws {
        await broker.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.submit(request("A1"))
        _ = await sink.wait(for: 2)
        let src = OrderSource.fix(session: "CLIENT1")
        // In one turn of the engine: the replace goes pending, the cancel after it meets the pending replace.
        await engine.perform([.replace(src, ClientOrderID("R1"), orig: ClientOrderID("A1"), Quantity(5), Price("1390.00")),
                              .cancel(src, ClientOrderID("C1"), orig: ClientOrderID("A1"))])
        let r = await sink.wait(for: 5)
        #expect(Array(kinds(r).suffix(3)) == ["E", "9:3", "5"], "\(kinds(r))")
        let refusal = r[3]
        #expect(refusal.clientOrderID == ClientOrderID("C1") && refusal.origClientOrderID == ClientOrderID("A1"))
        #expect(refusal.order?.pendingClientOrderID == ClientOrderID("R1"))
        #expect(refusal.order?.clientOrderID == ClientOrderID("A1"))
        // Replaced: the report and the order it carries answer to R1 now, nothing pending.
        #expect(r[4].clientOrderID == ClientOrderID("R1") && r[4].origClientOrderID == ClientOrderID("A1"))
        #expect(r[4].order?.clientOrderID == ClientOrderID("R1") && r[4].order?.pendingClientOrderID == nil)
    }

    /// A status request naming no order is answered as such (a FIX BusinessMessageReject), not as a refused
    /// cancel; it takes no ClOrdID.
    @Test func aStatusRequestForNoOrderIsAnsweredUnknown() async throws {
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.status(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("NOSUCH"))
        let r = await sink.wait(for: 1)
        #expect(kinds(r) == ["j"] && r.first?.clientOrderID == ClientOrderID("NOSUCH") && r.first?.order == nil)
        await engine.submit(request("NOSUCH"))
        #expect(Array(kinds(await sink.wait(for: 2)).suffix(1)) == ["A"])
    }

    /// Beyond `closedInMemory`, the longest closed order leaves memory; a status, cancel or replace request
    /// naming it is answered from the archive, and its ClOrdID stays taken.
    @Test func closedOrdersBeyondTheLimitLeaveMemoryAndAreReadBack() async throws {
        let sink = ReportCollector()
        let asked = Counter()
        let archive: @Sendable (OrderID) -> OrderSnapshot? = { id in
            asked.add()
            return sink.all.last { $0.order?.id == id }?.order
        }
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds
        let engine = OrderEngine(pipeline: pipeline, brokers: [broker], defaultBroker: .paper, now: { at }, sink: sink,
                                 closedInMemory: 1, archive: archive)
        await broker.setPrice(Price("1390.00")!, for: PaperBrokerTests.reliance)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        for c in ["C1", "C2", "C3"] { await engine.submit(request(c)) }
        _ = await sink.wait(for: 9)
        await engine.submit(request("C4", limit: "1300.00"))   // rests: open orders always stay
        _ = await sink.wait(for: 11)
        #expect(await engine.ordersInMemory == 2)
        #expect(asked.value == 0)
        let src = OrderSource.fix(session: "CLIENT1")
        await engine.status(source: src, clientOrderID: ClientOrderID("C1"))
        await engine.cancel(source: src, clientOrderID: ClientOrderID("C5"), origClientOrderID: ClientOrderID("C1"))
        await engine.replace(source: src, clientOrderID: ClientOrderID("C6"), origClientOrderID: ClientOrderID("C2"),
                             quantity: Quantity(20), limitPrice: nil)
        await engine.submit(request("C1"))
        let r = await sink.wait(for: 15)
        #expect(Array(kinds(r).suffix(4)) == ["I", "9:0", "9:0", "8:DUPLICATE_CLORDID"])
        #expect(r[11].status == .filled && r[11].cumulativeQuantity == Quantity(10) && r[11].clientOrderID == ClientOrderID("C1"))
        #expect(asked.value == 3)
        let first = try #require(r[0].order?.id)
        #expect(await engine.order(first)?.status == .filled)
        #expect(await engine.ordersInMemory == 2)   // read back, not kept
    }

    @Test func replaceChangesPriceAndTheOrderFills() async throws {
        await broker.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.submit(request("C1"))
        _ = await sink.wait(for: 2)
        await engine.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C2"),
                             origClientOrderID: ClientOrderID("C1"), quantity: Quantity(20), limitPrice: Price("1400.00"))
        let r = await sink.wait(for: 5)
        #expect(kinds(r) == ["A", "0", "E", "5", "F"])
        #expect(r[4].clientOrderID == ClientOrderID("C2") && r[4].cumulativeQuantity == Quantity(20))
    }

    @Test func pipelineAndBrokerRejectionsAreReported() async throws {
        let run = Task { await engine.run() }
        defer { run.cancel() }
        await engine.submit(request("C1", symbol: "NOSUCH"))
        await engine.submit(request("C2"))   // no market data at the paper broker
        let r = await sink.wait(for: 3)
        #expect(kinds(r) == ["8:UNKNOWN_INSTRUMENT", "A", "8:BROKER"])
        #expect(r[0].status == .rejected && r[2].status == .rejected)
    }
}

struct AfterMarketOrderTests {
    /// A clock the test moves.
    final class TestClock: @unchecked Sendable {
        // @unchecked: `ms` is only touched while holding `lock`.
        private let lock = NSLock()
        private var ms: Int64
        init(_ ms: Int64) { self.ms = ms }
        var now: Int64 { lock.withLock { ms } }
        func set(_ v: Int64) { lock.withLock { ms = v } }
    }

    /// An engine over RELIANCE with the real session engine, placing at `broker`, on the test clock.
    static func engine(_ broker: any BrokerAdapter, clock: TestClock, sink: ReportCollector) throws -> OrderEngine {
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        return OrderEngine(pipeline: pipeline, brokers: [broker], defaultBroker: broker.id, now: { clock.now }, sink: sink)
    }

    /// O-1: a stored after-market CNC buy of 5 RELIANCE at `price`, at `broker`, in `lifecycle`.
    static func storedAMO(_ clOrdID: String, price: String, broker: String, lifecycle: OrderLifecycle) -> OrderSnapshot {
        var request = OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID(clOrdID), client: ClientID("AB1234"),
                                   lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit,
                                   quantity: Quantity(5), limitPrice: Price(price))
        request.afterMarket = true
        return OrderSnapshot(id: OrderID("O-1"), sequence: 1, source: request.source, clientOrderID: request.clientOrderID,
                             request: request, instrument: PaperBrokerTests.reliance, product: .cnc, broker: BrokerID(broker),
                             lifecycle: lifecycle)
    }

    @Test func afterMarketOrderIsHeldAndReleasedAtTheNextOpen() async throws {
        let broker = PaperBroker()
        await broker.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let sink = ReportCollector()
        let evening = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 18 * 60).epochMilliseconds
        let clock = TestClock(evening)
        let engine = try Self.engine(broker, clock: clock, sink: sink)
        let run = Task { await engine.run() }
        defer { run.cancel() }
        var r = OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("AMO1"), client: ClientID("AB1234"),
                             lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit,
                             quantity: Quantity(5), limitPrice: Price("1450.00"))
        r.afterMarket = true
        await engine.submit(r)
        _ = await sink.wait(for: 1)
        await engine.releaseHeld()
        #expect(sink.all.count == 1)   // still held at 18:00
        // Friday 27-Nov-2026 09:00 IST: the pre-open takes it; the paper broker fills it.
        clock.set(ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 27)!, minuteOfDay: 9 * 60).epochMilliseconds)
        await engine.releaseHeld()
        let reports = await sink.wait(for: 3)
        #expect(reports.map(\.status) == [.pendingNew, .new, .filled])
        #expect(reports.allSatisfy { $0.orderID == reports[0].orderID })
    }

    /// After a restart every held order is due at the next tick. In the evening its market is still closed: it is
    /// held again until the next open (it was refused SESSION_CLOSED), and at the open it goes to the broker as a
    /// regular order (it went with the AMO flag: Kite `variety=amo` during market hours).
    @Test func aHeldOrderRestoredInTheEveningIsHeldAgainAndReleasedAsARegularOrder() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let evening = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 22 * 60).epochMilliseconds
        let clock = TestClock(evening)
        let engine = try Self.engine(broker, clock: clock, sink: sink)
        var stored = Self.storedAMO("AMO1", price: "1450.00", broker: "PAPER",
                                    lifecycle: .submitted(OrderTerms(quantity: Quantity(5), limitPrice: Price("1450.00"))))
        stored.held = true
        stored.createdAt = evening - 3_600_000
        await engine.restore(OrderBookState(orders: [stored], usedClientOrderIDs: [], nextOrderSequence: 2, nextExecSequence: 2))
        await engine.releaseHeld()
        #expect(sink.all.isEmpty, "\(sink.all.map(\.kind))")   // held again, not refused
        #expect(await engine.order(OrderID("O-1"))?.held == true)
        clock.set(ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 27)!, minuteOfDay: 9 * 60).epochMilliseconds)
        await engine.releaseHeld()
        for _ in 0..<400 where await broker.placed.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let placed = await broker.placed
        #expect(placed.map(\.tag) == ["O-1"] && placed.first?.afterMarket == false, "\(placed)")
    }

    /// An after-market order released at an open and restored later that day ends with that day: the engine
    /// works out its release from when it was stored (it was left out of the day rule, and never ended).
    @Test func aReleasedAfterMarketOrderRestoredLaterExpiresWithItsDay() async throws {
        let broker = SilentBroker()
        let sink = ReportCollector()
        let friday = TradingDate(year: 2026, month: 11, day: 27)!
        let clock = TestClock(ISTDateTime(date: friday, minuteOfDay: 11 * 60).epochMilliseconds)
        let engine = try Self.engine(broker, clock: clock, sink: sink)
        var stored = Self.storedAMO("AMO2", price: "1300.00", broker: "SILENT",
                                    lifecycle: .working(PendingNewOrder(terms: OrderTerms(quantity: Quantity(5), limitPrice: Price("1300.00"))).accepted()))
        stored.createdAt = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 18 * 60).epochMilliseconds   // Thursday evening
        await engine.restore(OrderBookState(orders: [stored], usedClientOrderIDs: [], nextOrderSequence: 2, nextExecSequence: 2))
        await engine.resumeAtBrokers()
        #expect(sink.all.isEmpty)   // released this morning: today's order, not expired at the restart
        clock.set(ISTDateTime(date: friday, minuteOfDay: 16 * 60).epochMilliseconds)
        await engine.expireDayOrders()
        #expect(await sink.wait(for: 1).first?.status == .expired)
    }

    @Test func withoutTheFlagAnOrderOutsideHoursIsRejected() async throws {
        let sink = ReportCollector()
        let evening = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 18 * 60).epochMilliseconds
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let engine = OrderEngine(pipeline: pipeline, brokers: [PaperBroker()], defaultBroker: .paper, now: { evening }, sink: sink)
        await engine.submit(OrderRequest(source: .cli, clientOrderID: ClientOrderID("X1"), client: ClientID("AB1234"),
                                         lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit,
                                         quantity: Quantity(5), limitPrice: Price("1450.00")))
        let reports = await sink.wait(for: 1)
        guard case .rejected(let why) = reports.first?.kind else { Issue.record("not rejected"); return }
        #expect(why.code == "SESSION_CLOSED")
    }
}
