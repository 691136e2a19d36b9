import BrokerSimulator
import Foundation
import OMSCore
import Testing

/// A broker that takes every order and answers nothing on its own: the test plays its events.
final class SilentBroker: BrokerAdapter, @unchecked Sendable {
    // @unchecked: `cancelled` and `placedTags` are only touched while holding `lock`.
    let id = BrokerID("SILENT")
    let capabilities: BrokerCapabilities
    let events: AsyncStream<BrokerOrderEvent>
    private let lock = NSLock()
    private var cancelled: [String] = []
    private var placedTags: [String] = []
    /// Tags it was asked to cancel, and to place, in order.
    var cancels: [String] { lock.withLock { cancelled } }
    var placed: [String] { lock.withLock { placedTags } }
    init(inProcess: Bool = true) {
        events = AsyncStream { _ in }
        capabilities = BrokerCapabilities(orderTypes: Set(OrderType.allCases), validities: [.day, .ioc],
                                          products: Set(Product.allCases), supportsAfterMarketOrders: true,
                                          maxOrdersPerSecond: 1000, inProcess: inProcess)
    }
    func place(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement {
        lock.withLock { placedTags.append(order.tag) }
        return BrokerPlacement(brokerOrderIDs: ["B-\(order.tag)"])
    }
    func modify(tag: String, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?) async throws(BrokerError) {}
    func cancel(tag: String) async throws(BrokerError) { lock.withLock { cancelled.append(tag) } }
    func orderState(tag: String) async throws(BrokerError) -> BrokerOrderState? { lock.withLock { known[tag] } }
    func positions() async throws(BrokerError) -> [BrokerPosition] { [] }
    /// What `orderState` answers per tag (nothing by default: it has seen no order).
    private var known: [String: BrokerOrderState] = [:]
    func knows(_ state: BrokerOrderState) { lock.withLock { known[state.tag] = state } }
}

/// A broker's end of an order (expired, rejected after it took the order, cancelled) arriving while Vega has a
/// cancel or replace pending: the request gets an OrderCancelReject (too late), the order ends under the
/// ClOrdID it had. Before, an expiry or a late rejection in those states was dropped and the order stayed
/// open for ever with its risk reservation.
struct BrokerEndEventTests {
    let sink = ReportCollector()
    let engine: OrderEngine
    let t = OrderEngineTests.self

    init() throws {
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds
        // Limits that refuse nothing: the risk engine's reservations are followed too.
        engine = OrderEngine(pipeline: pipeline, risk: LimitRiskEngine(limits: [ClientID("AB1234"): .unlimited]),
                             brokers: [SilentBroker()], defaultBroker: BrokerID("SILENT"), now: { at }, sink: sink)
    }

    /// A working order O-1 (C-1), acknowledged by the broker.
    func working() async throws -> String {
        await engine.submit(OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-1"),
                                         client: ClientID("AB1234"), lookup: InstrumentLookup(symbol: "RELIANCE"),
                                         side: .buy, orderType: .limit, quantity: Quantity(10), limitPrice: Price("1395.00")))
        let first = await sink.wait(for: 1)
        let tag = try #require(first.first?.orderID.rawValue)
        await engine.handle(.acknowledged(tag: tag, brokerOrderID: "B-1", exchangeOrderID: nil, rawStatus: "open"))
        return tag
    }

    func summary(_ r: OrderReport) -> String {
        switch r.kind {
        case .cancelRejected(let reason, _, let isReplace):
            return "9:\(reason.rawValue):\(isReplace ? "R" : "C"):\(r.clientOrderID.rawValue)<\(r.origClientOrderID?.rawValue ?? "")"
        default: return "\(r.status.rawValue):\(r.clientOrderID.rawValue)"
        }
    }

    /// A trade reported before the broker's acknowledgement implies it: the order is reported New, then filled.
    /// Before, the fill of an order still PendingNew was dropped — an execution lost.
    @Test func aFillBeforeTheAcknowledgementImpliesItAndIsKept() async throws {
        await engine.submit(OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-1"),
                                         client: ClientID("AB1234"), lookup: InstrumentLookup(symbol: "RELIANCE"),
                                         side: .buy, orderType: .limit, quantity: Quantity(10), limitPrice: Price("1395.00")))
        let tag = try #require(await sink.wait(for: 1).first?.orderID.rawValue)
        await engine.handle(.fill(tag: tag, tradeID: "T1", quantity: Quantity(4), price: Price("1394.00")!, rawStatus: "open"))
        let reports = await sink.wait(for: 3)
        #expect(reports.map(summary) == ["A:C-1", "0:C-1", "1:C-1"])
        #expect(reports.last?.cumulativeQuantity == Quantity(4) && reports.last?.leavesQuantity == Quantity(6))
        // The acknowledgement arriving after it changes nothing.
        await engine.handle(.acknowledged(tag: tag, brokerOrderID: "B-1", exchangeOrderID: nil, rawStatus: "open"))
        #expect(await engine.order(OrderID(tag))?.status == .partiallyFilled)
        #expect(sink.all.count == 3)
    }

    @Test func anExpiryWhileACancelIsPendingRefusesTheCancelAndExpiresTheOrder() async throws {
        let tag = try await working()
        await engine.cancel(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-2"), origClientOrderID: ClientOrderID("C-1"))
        await engine.handle(.expired(tag: tag, rawStatus: "expired"))
        let reports = await sink.wait(for: 5)
        #expect(reports.map(summary) == ["A:C-1", "0:C-1", "6:C-2", "9:0:C:C-2<C-1", "C:C-1"])
        #expect(reports[3].status == .expired)   // the reject shows the order's final status
        // Over: a late cancel answer changes nothing.
        await engine.handle(.canceled(tag: tag, rawStatus: "cancelled"))
        #expect(await sink.wait(for: 6).count == 5)
    }

    @Test func aRejectionAfterTheBrokerTookTheOrderClosesItAndRefusesAPendingReplace() async throws {
        let tag = try await working()
        await engine.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-2"),
                             origClientOrderID: ClientOrderID("C-1"), quantity: Quantity(12), limitPrice: nil)
        await engine.handle(.rejected(tag: tag, text: "RMS: margin exceeded", errorCode: "RMS", rawStatus: "rejected"))
        let reports = await sink.wait(for: 5)
        #expect(reports.map(summary) == ["A:C-1", "0:C-1", "E:C-2", "9:0:R:C-2<C-1", "8:C-1"])
        guard case .brokerRejected(let text, let code) = reports.last?.kind else { Issue.record("not rejected"); return }
        #expect(text == "RMS: margin exceeded" && code == "RMS")
    }

    @Test func aWorkingOrderRejectedByTheExchangeIsClosed() async throws {
        let tag = try await working()
        await engine.handle(.rejected(tag: tag, text: "exchange: price outside band", errorCode: nil, rawStatus: "rejected"))
        let reports = await sink.wait(for: 3)
        #expect(reports.map(summary) == ["A:C-1", "0:C-1", "8:C-1"])
        await engine.cancel(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-3"), origClientOrderID: ClientOrderID("C-1"))
        #expect(await sink.wait(for: 4).last.map(summary) == "9:0:C:C-3<C-1")
    }

    @Test func aCancelByTheBrokerWhileAReplaceIsPendingKeepsTheOrdersClOrdID() async throws {
        let tag = try await working()
        await engine.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-2"),
                             origClientOrderID: ClientOrderID("C-1"), quantity: Quantity(12), limitPrice: nil)
        await engine.handle(.canceled(tag: tag, rawStatus: "cancelled"))
        let reports = await sink.wait(for: 5)
        #expect(reports.map(summary) == ["A:C-1", "0:C-1", "E:C-2", "9:0:R:C-2<C-1", "4:C-1"])
    }

    @Test func aHeldAfterMarketOrderIsCancelledAtOnce() async throws {
        let sink = ReportCollector()
        let evening = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 18 * 60).epochMilliseconds
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let engine = OrderEngine(pipeline: pipeline, brokers: [SilentBroker()], defaultBroker: BrokerID("SILENT"),
                                 now: { evening }, sink: sink)
        var r = OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("AMO1"), client: ClientID("AB1234"),
                             lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit,
                             quantity: Quantity(5), limitPrice: Price("1450.00"))
        r.afterMarket = true
        await engine.submit(r)
        await engine.cancel(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("AMO2"), origClientOrderID: ClientOrderID("AMO1"))
        let reports = await sink.wait(for: 2)
        #expect(reports.map(summary) == ["A:AMO1", "4:AMO2"])
        #expect(reports.last?.origClientOrderID?.rawValue == "AMO1" && reports.last?.leavesQuantity == .zero)
        // Not released at the next open.
        await engine.releaseHeld()
        #expect(await sink.wait(for: 3).count == 2)
        // An operator's cancel (CLI, REST) of a held order: cancelled at once under its own ClOrdID.
        r.clientOrderID = ClientOrderID("AMO3")
        let id = await engine.submit(r)
        guard case .requested(let o) = await engine.cancel(orderID: id) else { Issue.record("not cancelled"); return }
        #expect(o.status == .canceled)
        #expect(await sink.wait(for: 4).suffix(2).map(summary) == ["A:AMO3", "4:AMO3"])
    }

    /// A DAY order still open when the exchange clock reaches the close of its trading day (16:00 for cash, after
    /// the post-close session) is expired (a cancel pending on it refused), and the in-process broker is told to
    /// drop it; an IOC or a closed order is left alone. Before, DAY orders stayed open until midnight.
    @Test func dayOrdersExpireWhenTheirTradingDayEnds() async throws {
        let broker = SilentBroker()
        let sink = ReportCollector()
        let clock = AfterMarketOrderTests.TestClock(ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds)
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let engine = OrderEngine(pipeline: pipeline, brokers: [broker], defaultBroker: BrokerID("SILENT"), now: { clock.now }, sink: sink)
        func order(_ id: String) -> OrderRequest {
            OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID(id), client: ClientID("AB1234"),
                         lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit, quantity: Quantity(10),
                         limitPrice: Price("1395.00"))
        }
        let a = await engine.submit(order("D-1"))
        let b = await engine.submit(order("D-2"))
        await engine.handle(.acknowledged(tag: a.rawValue, brokerOrderID: "B-1", exchangeOrderID: nil, rawStatus: "open"))
        await engine.handle(.acknowledged(tag: b.rawValue, brokerOrderID: "B-2", exchangeOrderID: nil, rawStatus: "open"))
        await engine.cancel(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("D-2X"), origClientOrderID: ClientOrderID("D-2"))
        _ = await sink.wait(for: 5)
        await engine.expireDayOrders()   // still the same day: nothing
        #expect(sink.all.count == 5)
        clock.set(ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 16 * 60).epochMilliseconds - 1)
        await engine.expireDayOrders()   // the post-close session's last millisecond: still nothing
        #expect(sink.all.count == 5)
        clock.set(ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 16 * 60).epochMilliseconds)
        await engine.expireDayOrders()
        let ended = Array(await sink.wait(for: 8).dropFirst(5))
        #expect(ended.map(summary) == ["C:D-1", "9:0:C:D-2X<D-2", "C:D-2"])
        for _ in 0..<200 where broker.cancels.count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(Set(broker.cancels) == [a.rawValue, b.rawValue])   // D-2's own cancel, and the two expiries
        #expect(broker.cancels.count == 3)
        await engine.expireDayOrders()
        #expect(sink.all.count == 8)
    }

    /// At a broker outside the process, which ends its DAY orders itself (and may report the day's last trades
    /// after the close), Vega expires an order still open only 30 minutes after the close.
    @Test func aDayOrderAtABrokerOutsideTheProcessIsExpiredHalfAnHourAfterTheClose() async throws {
        let broker = SilentBroker(inProcess: false)
        let sink = ReportCollector()
        let day = TradingDate(year: 2026, month: 11, day: 26)!
        let clock = AfterMarketOrderTests.TestClock(ISTDateTime(date: day, minuteOfDay: 600).epochMilliseconds)
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let engine = OrderEngine(pipeline: pipeline, brokers: [broker], defaultBroker: BrokerID("SILENT"), now: { clock.now }, sink: sink)
        let id = await engine.submit(OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("X-1"),
                                                  client: ClientID("AB1234"), lookup: InstrumentLookup(symbol: "RELIANCE"),
                                                  side: .buy, orderType: .limit, quantity: Quantity(10), limitPrice: Price("1395.00")))
        await engine.handle(.acknowledged(tag: id.rawValue, brokerOrderID: "B-1", exchangeOrderID: nil, rawStatus: "open"))
        _ = await sink.wait(for: 2)
        clock.set(ISTDateTime(date: day, minuteOfDay: 16 * 60 + 29).epochMilliseconds)
        await engine.expireDayOrders()
        #expect(sink.all.count == 2)
        clock.set(ISTDateTime(date: day, minuteOfDay: 16 * 60 + 30).epochMilliseconds)
        await engine.expireDayOrders()
        #expect(await sink.wait(for: 3).last?.status == .expired)
        #expect(broker.cancels.isEmpty)   // not in this process: the broker ends it itself
    }

    /// An engine after a restart, over `broker`, with the stored orders given (10 RELIANCE at 1395.00 each).
    struct Restarted {
        let broker: SilentBroker
        let sink = ReportCollector()
        let engine: OrderEngine

        init(inProcess: Bool = true) throws {
            broker = SilentBroker(inProcess: inProcess)
            let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                         session: try MarketSessionEngine(), eligibility: AllEligible())
            engine = OrderEngine(pipeline: pipeline, brokers: [broker], defaultBroker: BrokerID("SILENT"),
                                 now: { MultiBrokerTests.at }, sink: sink)
        }

        /// Order O-n (ClOrdID Y-n), stored `age` ms before now.
        static func stored(_ n: Int, age: Int64, tif: TimeInForce = .day,
                           lifecycle: OrderLifecycle? = nil) -> OrderSnapshot {
            let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00"))
            let request = OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("Y-\(n)"),
                                       client: ClientID("AB1234"), lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy,
                                       orderType: .limit, timeInForce: tif, quantity: Quantity(10), limitPrice: Price("1395.00"))
            var o = OrderSnapshot(id: OrderID("O-\(n)"), sequence: n, source: .fix(session: "CLIENT1"),
                                  clientOrderID: ClientOrderID("Y-\(n)"), request: request, instrument: PaperBrokerTests.reliance,
                                  product: .cnc, broker: BrokerID("SILENT"),
                                  lifecycle: lifecycle ?? .working(PendingNewOrder(terms: terms).accepted()))
            o.createdAt = MultiBrokerTests.at - age
            return o
        }

        func resume(_ orders: [OrderSnapshot]) async {
            await engine.restore(OrderBookState(orders: orders, usedClientOrderIDs: [], nextOrderSequence: orders.count + 1,
                                                nextExecSequence: 1))
            await engine.resumeAtBrokers()
        }
    }

    static let day: Int64 = 86_400_000

    /// After a restart, an open DAY order stored on an earlier day is expired, not placed again.
    @Test func aRestartExpiresYesterdaysDayOrdersInsteadOfPlacingThemAgain() async throws {
        let r = try Restarted()
        await r.resume([Restarted.stored(1, age: Self.day), Restarted.stored(2, age: 60_000)])
        #expect(await r.sink.wait(for: 1).map(summary) == ["C:Y-1"])
        #expect(r.broker.placed == ["O-2"])   // today's, not seen at the broker: placed again; yesterday's is not
    }

    /// An order of an earlier day is looked up before it expires: what its broker filled while Vega was down
    /// is booked (a DAY order past its end used to be expired unasked, its fill lost), and an IOC order of an
    /// earlier day that no broker has is expired, never placed again on another day (it was placed again).
    @Test func aRestartLooksUpEarlierDaysOrdersBeforeExpiringThemAndNeverPlacesThemAgain() async throws {
        let r = try Restarted(inProcess: false)
        // Yesterday's DAY order O-1 was filled at the broker before the close; Vega was down and never heard.
        r.broker.knows(BrokerOrderState(tag: "O-1", brokerOrderID: "B-1", rawStatus: "complete", filledQuantity: Quantity(10),
                                        averagePrice: Price("1394.50")!, isOpen: false))
        await r.resume([Restarted.stored(1, age: Self.day), Restarted.stored(2, age: Self.day, tif: .ioc)])
        let reports = await r.sink.wait(for: 2)
        #expect(reports.map(summary) == ["2:Y-1", "C:Y-2"])
        #expect(reports.first?.cumulativeQuantity == Quantity(10) && reports.first?.averagePrice == Price("1394.50"))
        #expect(r.broker.placed.isEmpty)
    }

    /// A take-up ends an order as its broker ended it while Vega was down — rejected (from PendingNew straight to
    /// Rejected) or expired — not always as cancelled.
    @Test func aTakeUpEndsAnOrderAsItsBrokerEndedIt() async throws {
        let r = try Restarted(inProcess: false)
        r.broker.knows(BrokerOrderState(tag: "O-1", brokerOrderID: "B-1", rawStatus: "rejected", filledQuantity: .zero,
                                        averagePrice: .zero, isOpen: false, end: .rejected))
        r.broker.knows(BrokerOrderState(tag: "O-2", brokerOrderID: "B-2", rawStatus: "expired", filledQuantity: .zero,
                                        averagePrice: .zero, isOpen: false, end: .expired))
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00"))
        await r.resume([Restarted.stored(1, age: 60_000, lifecycle: .pendingNew(PendingNewOrder(terms: terms))),
                        Restarted.stored(2, age: 60_000)])
        #expect(await r.sink.wait(for: 2).map(summary) == ["8:Y-1", "C:Y-2"])
        #expect(r.broker.placed.isEmpty)
    }
}

/// Trades are never dropped: a fill beyond the open quantity (an overfill) or on an order already closed here
/// (a broker's late report) is booked — reported (150=F), in the positions and the risk books — and a fill
/// beyond the old terms of a pending replace but within the new ones means the broker made the replace.
/// Before, each of these fills was dropped.
struct TradesAreNeverDroppedTests {
    let sink = ReportCollector()
    let engine: OrderEngine
    let key = PositionKey(instrument: PaperBrokerTests.reliance.key, product: .cnc)

    init() throws {
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        let at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds
        engine = OrderEngine(pipeline: pipeline, risk: LimitRiskEngine(limits: [ClientID("AB1234"): RiskLimits()]),
                             brokers: [SilentBroker()], defaultBroker: BrokerID("SILENT"),
                             now: { at }, sink: sink)
    }

    /// O-1 (C-1): 10 RELIANCE at 1395.00, acknowledged.
    func working() async throws -> String {
        await engine.submit(OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-1"),
                                         client: ClientID("AB1234"), lookup: InstrumentLookup(symbol: "RELIANCE"),
                                         side: .buy, orderType: .limit, quantity: Quantity(10), limitPrice: Price("1395.00"),
                                         product: .cnc))
        let tag = try #require(await sink.wait(for: 1).first?.orderID.rawValue, "\(sink.all.first?.order?.rejectText ?? "")")
        await engine.handle(.acknowledged(tag: tag, brokerOrderID: "B-1", exchangeOrderID: nil, rawStatus: "open"))
        _ = await sink.wait(for: 2)
        return tag
    }

    func net() async throws -> Quantity? { try await engine.riskExposure(for: ClientID("AB1234"))?.positions[key]?.net }

    @Test func anOverfillIsBookedAndTheOrderIsFilled() async throws {
        let tag = try await working()
        await engine.handle(.fill(tag: tag, tradeID: "T1", quantity: Quantity(12), price: Price("1395.00")!, rawStatus: "complete"))
        let fill = try #require(await sink.wait(for: 3).last)
        guard case .fill(let q, _, _) = fill.kind else { Issue.record("\(fill.kind)"); return }
        #expect(q == Quantity(12) && fill.status == .filled && fill.cumulativeQuantity == Quantity(12) && fill.leavesQuantity == .zero)
        #expect(try await net() == Quantity(12))
        let exposure = try await engine.riskExposure(for: ClientID("AB1234"))
        #expect(exposure?.openOrders == 0 && exposure?.openOrderValue == .zero)
    }

    @Test func aTradeReportedAfterTheCancelIsBookedOnTheCancelledOrder() async throws {
        let tag = try await working()
        await engine.handle(.canceled(tag: tag, rawStatus: "cancelled"))
        #expect(await sink.wait(for: 3).last?.status == .canceled)
        await engine.handle(.fill(tag: tag, tradeID: "T9", quantity: Quantity(4), price: Price("1394.00")!, rawStatus: "cancelled"))
        let late = try #require(await sink.wait(for: 4).last)
        guard case .fill(let q, let p, _) = late.kind else { Issue.record("\(late.kind)"); return }
        #expect(q == Quantity(4) && p == Price("1394.00") && late.status == .canceled && late.cumulativeQuantity == Quantity(4))
        #expect(try await net() == Quantity(4))
        #expect(try await engine.riskExposure(for: ClientID("AB1234"))?.openOrderValue == .zero)
    }

    @Test func aFillBeyondTheOldTermsOfAPendingReplaceMeansTheReplaceWasMade() async throws {
        let tag = try await working()
        await engine.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-2"), origClientOrderID: ClientOrderID("C-1"),
                             quantity: Quantity(20), limitPrice: Price("1395.00"))
        #expect(await sink.wait(for: 3).last?.status == .pendingReplace)
        await engine.handle(.fill(tag: tag, tradeID: "T2", quantity: Quantity(15), price: Price("1395.00")!, rawStatus: "open"))
        let reports = await sink.wait(for: 5)
        #expect(reports.suffix(2).map(\.status) == [.new, .partiallyFilled], "\(reports.map(\.kind))")
        if case .replaced = reports[3].kind {} else { Issue.record("expected the replace first, got \(reports[3].kind)") }
        #expect(reports.last?.clientOrderID == ClientOrderID("C-2") && reports.last?.cumulativeQuantity == Quantity(15)
                && reports.last?.leavesQuantity == Quantity(5))
        #expect(try await net() == Quantity(15))
    }

    /// A stored order holding more than its quantity (an overfill booked before a restart) is read back.
    @Test func aClosedOrderWithMoreThanItsQuantityIsRestored() {
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00"))
        let fills = FillTotals(cumulative: Quantity(12), notionalUnits: 12 * Price("1395.00")!.units)
        #expect(OrderLifecycle.restored(.closed, terms: terms, fills: fills, finalStatus: .filled, pendingTerms: nil)?.status == .filled)
        #expect(OrderLifecycle.restored(.working, terms: terms, fills: fills, finalStatus: nil, pendingTerms: nil) == nil)
    }
}

/// An order changed at the broker without a request through Vega (the client used the broker's own terminal or
/// app; a REST broker's order feed shows the new terms): Vega takes the broker's terms, fits the risk reservation
/// to them and tells the client with a Restated report (FIX ExecType D). Before, the change was ignored: fills
/// beyond the old quantity were booked as an overfill, and status showed terms the broker no longer had.
extension BrokerEndEventTests {
    func workingBuy() async throws -> Quantity? {
        let key = PositionKey(instrument: PaperBrokerTests.reliance.key, product: .cnc)
        return try await engine.riskExposure(for: ClientID("AB1234"))?.positions[key]?.workingBuy
    }

    @Test func aChangeAtTheBrokerIsTakenAndReportedAsRestated() async throws {
        let tag = try await working()
        _ = await sink.wait(for: 2)
        #expect(try await workingBuy() == Quantity(10))
        await engine.handle(.replaced(tag: tag, quantity: Quantity(15), limitPrice: Price("1400.00"), rawStatus: "open"))
        let r = await sink.wait(for: 3)
        let restated = try #require(r.last)
        guard case .restated(let text) = restated.kind else { Issue.record("not restated: \(restated.kind)"); return }
        #expect(text == "changed at the broker: quantity 10 -> 15, price 1395.00 -> 1400.00")
        #expect(restated.status == .new && restated.quantity == Quantity(15) && restated.limitPrice == Price("1400.00"))
        #expect(restated.leavesQuantity == Quantity(15) && restated.clientOrderID == ClientOrderID("C-1"))
        #expect(try await workingBuy() == Quantity(15))
        // The same terms again (a later poll of the broker's book) are no news.
        await engine.handle(.replaced(tag: tag, quantity: Quantity(15), limitPrice: Price("1400.00"), rawStatus: "open"))
        // A fill beyond the old quantity is an ordinary part fill now, not an overfill.
        await engine.handle(.fill(tag: tag, tradeID: "T1", quantity: Quantity(12), price: Price("1400.00")!, rawStatus: "open"))
        let after = await sink.wait(for: 4)
        #expect(after.count == 4)
        #expect(after.last?.status == .partiallyFilled && after.last?.leavesQuantity == Quantity(3))
        #expect(try await workingBuy() == Quantity(3))
    }

    /// A stop order's trigger moved at the broker is restated too (it was kept: the event carried no trigger price,
    /// and a trigger-only change was no news at all).
    @Test func aTriggerMovedAtTheBrokerIsRestated() async throws {
        await engine.submit(OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("S-1"),
                                         client: ClientID("AB1234"), lookup: InstrumentLookup(symbol: "RELIANCE"),
                                         side: .buy, orderType: .stopLimit, quantity: Quantity(10), limitPrice: Price("1405.00"),
                                         triggerPrice: Price("1400.00")))
        let tag = try #require(await sink.wait(for: 1).first?.orderID.rawValue)
        await engine.handle(.acknowledged(tag: tag, brokerOrderID: "B-1", exchangeOrderID: nil, rawStatus: "trigger pending"))
        _ = await sink.wait(for: 2)
        await engine.handle(.replaced(tag: tag, quantity: Quantity(10), limitPrice: Price("1405.00"), rawStatus: "trigger pending",
                                      triggerPrice: Price("1402.00")))
        let last = try #require(await sink.wait(for: 3).last)
        guard case .restated(let text) = last.kind else { Issue.record("not restated: \(last.kind)"); return }
        #expect(text == "changed at the broker: trigger 1400.00 -> 1402.00")
        #expect(last.order?.lifecycle.terms.triggerPrice == Price("1402.00"))
    }

    /// An order cut at the broker to what it has filled (10, 4 filled, now 4) is done: restated as filled, its
    /// reservation freed. Before, it stayed working with 6 open that no broker order had.
    @Test func aChangeToWhatIsFilledEndsTheOrderFilled() async throws {
        let tag = try await working()
        _ = await sink.wait(for: 2)
        await engine.handle(.fill(tag: tag, tradeID: "T1", quantity: Quantity(4), price: Price("1395.00")!, rawStatus: "open"))
        _ = await sink.wait(for: 3)
        await engine.handle(.replaced(tag: tag, quantity: Quantity(4), limitPrice: Price("1395.00"), rawStatus: "complete"))
        let r = await sink.wait(for: 4)
        let last = try #require(r.last)
        guard case .restated(let text) = last.kind else { Issue.record("not restated: \(last.kind)"); return }
        #expect(text == "changed at the broker: quantity 10 -> 4")
        #expect(last.status == .filled && last.quantity == Quantity(4) && last.leavesQuantity == .zero)
        #expect(try await workingBuy() == .zero)
        // Nothing more for it: the same terms again are no news.
        await engine.handle(.replaced(tag: tag, quantity: Quantity(4), limitPrice: Price("1395.00"), rawStatus: "complete"))
        await engine.status(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-1"))
        let after = await sink.wait(for: 5)
        #expect(after.count == 5 && after.last?.kind == .status && after.last?.status == .filled, "\(after.map(\.kind))")
    }
}
