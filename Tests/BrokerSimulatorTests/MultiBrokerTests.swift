import BrokerSimulator
import Foundation
import OMSCore
import Testing

/// A broker whose answers a test scripts: down, timing out, or accepting; it counts placements and can be
/// asked for orders by tag.
actor ScriptedBroker: BrokerAdapter {
    /// `silentBatch`: a batch placement takes every order but answers none of them.
    enum Placement: Sendable { case accept, down, timeout, timeoutLost, silentBatch }

    nonisolated let id: BrokerID
    nonisolated let capabilities: BrokerCapabilities
    nonisolated let events: AsyncStream<BrokerOrderEvent>
    private let continuation: AsyncStream<BrokerOrderEvent>.Continuation
    var placement: Placement
    /// What `orderState` answers, by tag (nil: never saw it).
    var known: [String: BrokerOrderState] = [:]
    private(set) var placed: [BrokerOrderRequest] = []
    private(set) var lookups = 0
    private(set) var modified: [String] = []
    /// The next modify is made but its answer is lost (outcomeUnknown).
    var loseModifyAnswer = false
    func setLoseModifyAnswer(_ on: Bool) { loseModifyAnswer = on }

    init(_ id: String, placement: Placement, inProcess: Bool = false) {
        self.id = BrokerID(id)
        capabilities = BrokerCapabilities(orderTypes: [.limit, .market], validities: [.day], products: Set(Product.allCases),
                                          supportsAfterMarketOrders: false, maxOrdersPerSecond: 10, inProcess: inProcess)
        self.placement = placement
        (events, continuation) = AsyncStream.makeStream(of: BrokerOrderEvent.self)
    }

    func setKnown(_ s: BrokerOrderState) { known[s.tag] = s }
    func emit(_ e: BrokerOrderEvent) { continuation.yield(e) }

    func place(batch orders: [BrokerOrderRequest]) async -> [Result<BrokerPlacement, BrokerError>] {
        var results: [Result<BrokerPlacement, BrokerError>] = []
        for o in orders {
            do throws(BrokerError) { results.append(.success(try await place(o))) } catch { results.append(.failure(error)) }
        }
        return placement == .silentBatch ? [] : results
    }

    func place(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement {
        placed.append(order)
        switch placement {
        case .silentBatch:
            known[order.tag] = BrokerOrderState(tag: order.tag, brokerOrderID: "\(id)-\(placed.count)", rawStatus: "open",
                                                filledQuantity: .zero, averagePrice: .zero, isOpen: true)
            return BrokerPlacement(brokerOrderIDs: [])
        case .down: throw .unavailable("connection refused")
        case .timeoutLost: throw .outcomeUnknown
        case .timeout:
            // The broker took the order, but the answer was lost.
            known[order.tag] = BrokerOrderState(tag: order.tag, brokerOrderID: "\(id)-\(placed.count)", rawStatus: "open",
                                                filledQuantity: .zero, averagePrice: .zero, isOpen: true)
            throw .outcomeUnknown
        case .accept:
            let bid = "\(id)-\(placed.count)"
            known[order.tag] = BrokerOrderState(tag: order.tag, brokerOrderID: bid, rawStatus: "open", filledQuantity: .zero,
                                                averagePrice: .zero, isOpen: true)
            continuation.yield(.acknowledged(tag: order.tag, brokerOrderID: bid, exchangeOrderID: nil, rawStatus: "open"))
            return BrokerPlacement(brokerOrderIDs: [bid])
        }
    }

    func modify(tag: String, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?) async throws(BrokerError) {
        modified.append(tag)
        if loseModifyAnswer {
            known[tag]?.quantity = quantity
            throw .outcomeUnknown
        }
    }
    func cancel(tag: String) async throws(BrokerError) { continuation.yield(.canceled(tag: tag, rawStatus: "cancelled")) }
    func orderState(tag: String) async throws(BrokerError) -> BrokerOrderState? {
        lookups += 1
        return known[tag]
    }
    func positions() async throws(BrokerError) -> [BrokerPosition] { [] }
}

/// A sink whose storage is slow: `waitUntilDurable` returns only once the test opens the gate.
final class GatedSink: OrderReportSink, @unchecked Sendable {
    // @unchecked: state only touched while holding `lock`.
    private let lock = NSLock()
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    let reports = ReportCollector()

    func deliver(_ report: OrderReport) { reports.deliver(report) }
    func waitUntilDurable(_ orderID: OrderID) async throws {
        await withCheckedContinuation { c in
            let now = lock.withLock { () -> Bool in
                if isOpen { return true }
                waiting.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
    func close() { lock.withLock { isOpen = false } }
    func open() {
        let all = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            isOpen = true
            defer { waiting.removeAll() }
            return waiting
        }
        for c in all { c.resume() }
    }
}

/// The Multi-Broker Abstraction Layer's routing rules in the order engine: failover before acceptance,
/// unknown outcomes resolved by lookup (never a second placement), and restart catch-up.
struct MultiBrokerTests {
    static let at = ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: 600).epochMilliseconds

    func engine(_ brokers: [ScriptedBroker], failover: [BrokerID: BrokerID] = [:], limits: [ClientID: RiskLimits]? = nil,
                sink: any OrderReportSink) throws -> OrderEngine {
        let pipeline = OrderPipeline(resolver: StaticResolver(instruments: [PaperBrokerTests.reliance]),
                                     session: try MarketSessionEngine(), eligibility: AllEligible())
        return OrderEngine(pipeline: pipeline, risk: limits.map { LimitRiskEngine(limits: $0) }, brokers: brokers, defaultBroker: brokers[0].id, failover: failover,
                           now: { Self.at }, sink: sink)
    }

    func request(_ id: String, broker: String? = nil) -> OrderRequest {
        OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID(id), client: ClientID("AB1234"),
                     lookup: InstrumentLookup(symbol: "RELIANCE"), side: .buy, orderType: .limit, quantity: Quantity(10),
                     limitPrice: Price("1395.00"), broker: broker.map { BrokerID($0) })
    }

    /// Waits (bounded) until `broker` holds `count` orders.
    func placed(_ broker: ScriptedBroker, count: Int) async -> Int {
        for _ in 0..<500 where await broker.placed.count < count { try? await Task.sleep(for: .milliseconds(5)) }
        return await broker.placed.count
    }

    /// A broker outside the process gets an order only once Vega's record of it is durable; the in-process
    /// paper broker, whose book dies with the process, gets it at once. A failover from the one to the
    /// other waits too.
    @Test func aBrokerOutsideTheProcessGetsAnOrderOnlyOnceItIsDurable() async throws {
        let external = ScriptedBroker("UPSTOX", placement: .accept)
        let paper = ScriptedBroker("PAPER", placement: .accept, inProcess: true)
        let paperDown = ScriptedBroker("PAPER2", placement: .down, inProcess: true)
        let sink = GatedSink()
        let e = try engine([external, paper, paperDown], failover: [BrokerID("PAPER2"): BrokerID("UPSTOX")], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        await e.submit(request("G1", broker: "UPSTOX"))
        await e.submit(request("G2", broker: "PAPER"))
        await e.submit(request("G3", broker: "PAPER2"))
        #expect(await placed(paper, count: 1) == 1)       // not held by storage
        #expect(await placed(paperDown, count: 1) == 1)   // tried, down: hands over to UPSTOX
        try await Task.sleep(for: .milliseconds(50))
        #expect(await external.placed.isEmpty)            // neither G1 nor the failed-over G3 before durable
        sink.open()
        #expect(await placed(external, count: 2) == 2)
        #expect(await external.placed.map(\.tag).sorted() == ["O-1", "O-3"])
    }

    /// A replace reaches a broker outside the process only once its PendingReplace is durable.
    @Test func aReplaceReachesABrokerOutsideTheProcessOnlyOnceItIsDurable() async throws {
        let external = ScriptedBroker("UPSTOX", placement: .accept)
        let sink = GatedSink()
        sink.open()
        let e = try engine([external], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        await e.submit(request("M-1"))
        #expect(await sink.reports.wait(for: 2).map(\.status) == [.pendingNew, .new])
        sink.close()
        await e.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("M-2"), origClientOrderID: ClientOrderID("M-1"),
                        quantity: Quantity(12), limitPrice: Price("1395.00"))
        #expect(await sink.reports.wait(for: 3).last?.status == .pendingReplace)
        try await Task.sleep(for: .milliseconds(50))
        #expect(await external.modified.isEmpty)
        sink.open()
        for _ in 0..<500 where await external.modified.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await external.modified == ["O-1"])
        // The broker confirms; another replace waits for durability, and the broker cancels the order meanwhile:
        // the change is never sent.
        await external.emit(.replaced(tag: "O-1", quantity: Quantity(12), limitPrice: Price("1395.00"), rawStatus: "open"))
        #expect(await sink.reports.wait(for: 4).last?.status == .new)
        sink.close()
        await e.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("M-3"), origClientOrderID: ClientOrderID("M-2"),
                        quantity: Quantity(14), limitPrice: Price("1395.00"))
        #expect(await sink.reports.wait(for: 5).last?.status == .pendingReplace)
        await external.emit(.canceled(tag: "O-1", rawStatus: "cancelled by the exchange"))
        // The replace is refused (too late), and the order is cancelled under the ClOrdID it had.
        let ended = await sink.reports.wait(for: 7)
        guard case .cancelRejected(.tooLate, _, true) = ended[5].kind else { Issue.record("\(ended[5].kind)"); return }
        #expect(ended[5].clientOrderID.rawValue == "M-3" && ended[5].status == .canceled)
        #expect(ended[6].status == .canceled && ended[6].clientOrderID.rawValue == "M-2")
        sink.open()
        try await Task.sleep(for: .milliseconds(50))
        #expect(await external.modified == ["O-1"])
        #expect(sink.reports.all.count == 7)   // and no stray reject after the wait
    }

    @Test func anOrderForABrokerThatIsDownGoesToItsBackup() async throws {
        let primary = ScriptedBroker("UPSTOX", placement: .down)
        let backup = ScriptedBroker("ZERODHA", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([primary, backup], failover: [BrokerID("UPSTOX"): BrokerID("ZERODHA")], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        await e.submit(request("F1", broker: "UPSTOX"))
        let r = await sink.wait(for: 2)
        #expect(r.map(\.status) == [.pendingNew, .new])
        #expect(r.last?.broker == BrokerID("ZERODHA"))
        let counts = (await primary.placed.count, await backup.placed.count)
        #expect(counts == (1, 1))
    }

    @Test func withoutABackupABrokerThatIsDownRejectsTheOrder() async throws {
        let primary = ScriptedBroker("UPSTOX", placement: .down)
        let sink = ReportCollector()
        let e = try engine([primary], sink: sink)
        await e.submit(request("F2"))
        let r = await sink.wait(for: 2)
        #expect(r.map(\.status) == [.pendingNew, .rejected])
        #expect(r.last?.order?.rejectText?.contains("UPSTOX") == true)
    }

    @Test func aTimedOutPlacementIsLookedUpByTagAndNeverSentAgain() async throws {
        let broker = ScriptedBroker("UPSTOX", placement: .timeout)
        let backup = ScriptedBroker("ZERODHA", placement: .accept)
        let sink = ReportCollector()
        // Even with a backup configured: an order whose fate is unknown must not go anywhere else.
        let e = try engine([broker, backup], failover: [BrokerID("UPSTOX"): BrokerID("ZERODHA")], sink: sink)
        await e.submit(request("T1"))
        let r = await sink.wait(for: 2)
        // Found at the broker: the order is working with the broker's id.
        #expect(r.map(\.status) == [.pendingNew, .new])
        #expect(r.last?.brokerOrderID == "UPSTOX-1")
        let counts = (await broker.placed.count, await backup.placed.count)
        #expect(counts == (1, 0))
        #expect(await broker.lookups == 1)
    }

    @Test func anOrderTheBrokerCannotFindStaysPendingAndIsAskedForAgain() async throws {
        // The broker's lookup does not find the order (yet it may still arrive there).
        let broker = ScriptedBroker("FYERS", placement: .timeoutLost)
        let sink = ReportCollector()
        let e = try engine([broker], sink: sink)
        await e.submit(request("T2"))
        _ = await sink.wait(for: 1)
        for _ in 0..<200 where await broker.lookups < 1 { try await Task.sleep(for: .milliseconds(5)) }
        await e.lookUpUnknownOutcomes()
        #expect(await broker.lookups == 2)
        #expect(await broker.placed.count == 1)
        #expect(sink.all.map(\.status) == [.pendingNew])
        // Later the broker does report it: the next lookup finds it and the order carries on.
        await broker.setKnown(BrokerOrderState(tag: "O-1", brokerOrderID: "FY-9", rawStatus: "open", filledQuantity: Quantity(4),
                                               averagePrice: Price("1394.00")!, isOpen: true))
        await e.lookUpUnknownOutcomes()
        let r = await sink.wait(for: 3)
        #expect(r.map(\.status) == [.pendingNew, .new, .partiallyFilled])
        #expect(r.last?.cumulativeQuantity == Quantity(4) && r.last?.averagePrice == Price("1394.00"))
        #expect(await broker.placed.count == 1)
    }

    @Test func afterARestartFillsMadeWhileDownAreCaughtUpAndLostOrdersArePlacedAgain() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([broker], sink: sink)
        let instrument = PaperBrokerTests.reliance
        func stored(_ n: Int, cum: Int64) -> OrderSnapshot {
            var fills = FillTotals()
            if cum > 0 { fills = FillTotals(cumulative: Quantity(cum), notionalUnits: cum * Price("1390.00")!.units) }
            return OrderSnapshot(id: OrderID("O-\(n)"), sequence: n, source: .fix(session: "CLIENT1"),
                                 clientOrderID: ClientOrderID("K-\(n)"), request: request("K-\(n)"), instrument: instrument,
                                 product: .cnc, broker: BrokerID("PAPER"),
                                 lifecycle: OrderLifecycle.restored(.working, terms: OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00")),
                                                                    fills: fills, finalStatus: nil, pendingTerms: nil)!)
        }
        // O-1 the broker knows, with 6 filled (Vega had 2); O-2 it has never seen.
        await broker.setKnown(BrokerOrderState(tag: "O-1", brokerOrderID: "B-1", rawStatus: "open", filledQuantity: Quantity(6),
                                               averagePrice: Price("1392.00")!, isOpen: true))
        await e.restore(OrderBookState(orders: [stored(1, cum: 2), stored(2, cum: 3)],
                                       usedClientOrderIDs: [(.fix(session: "CLIENT1"), ClientOrderID("K-1"), nil)],
                                       nextOrderSequence: 3, nextExecSequence: 10))
        await e.resumeAtBrokers()
        let r = await sink.wait(for: 1)
        // O-1: one catch-up fill of 4 at the price that makes the averages agree: (6×1392 − 2×1390) / 4 = 1393.
        #expect(r.first?.orderID == OrderID("O-1") && r.first?.cumulativeQuantity == Quantity(6))
        if case .fill(let q, let p, _) = r.first?.kind { #expect(q == Quantity(4) && p == Price("1393.00")) } else { Issue.record("no fill") }
        #expect(r.first?.execID == "E-10")
        // O-2: placed again for its open quantity, under the same tag.
        let placed = await broker.placed
        #expect(placed.map(\.tag) == ["O-2"] && placed.first?.quantity == Quantity(7))
        // Numbers carry on, and an old ClOrdID is still a duplicate.
        let id = await e.submit(request("K-1"))
        #expect(id == OrderID("O-3"))
        let dup = await sink.wait(for: r.count + 1).last
        #expect(dup?.status == .rejected && dup?.order?.rejectCode == "DUPLICATE_CLORDID")
    }

    /// Open orders restored after a restart are reserved again: they count against the client's limits for
    /// the orders that follow, and their fills and their end free the reservation as for any order.
    @Test func restoredOpenOrdersCountAgainstLimitsAgain() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([broker], limits: [ClientID("AB1234"): RiskLimits(maxOpenOrders: 2)], sink: sink)
        let working = OrderLifecycle.restored(.working, terms: OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00")),
                                              fills: FillTotals(cumulative: Quantity(4), notionalUnits: 4 * Price("1395.00")!.units),
                                              finalStatus: nil, pendingTerms: nil)!
        let stored = (1...2).map { n in
            OrderSnapshot(id: OrderID("O-\(n)"), sequence: n, source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("K-\(n)"),
                          request: request("K-\(n)"), instrument: PaperBrokerTests.reliance, product: .cnc,
                          broker: BrokerID("PAPER"), lifecycle: working)
        }
        await e.restore(OrderBookState(orders: stored, usedClientOrderIDs: [], nextOrderSequence: 3, nextExecSequence: 1))
        await e.restoreRisk(positions: [], tradingDay: 0) { _ in PaperBrokerTests.reliance }
        let exposure = try #require(try await e.riskExposure(for: ClientID("AB1234")))
        #expect(exposure.openOrders == 2)
        #expect(exposure.openOrderValue == Price(units: 2 * 6 * Price("1395.00")!.units))   // 6 open of each
        // A third order is over the limit of two open orders.
        await e.submit(request("K-3"))
        let refused = await sink.wait(for: 1).last
        #expect(refused?.status == .rejected && refused?.order?.rejectCode == "RISK_CLIENT_LIMIT")
        #expect(refused?.order?.rejectText?.contains("rule=maxOpenOrders") == true)
        // O-1 fills its open 6: its reservation is used up, and a new order fits again.
        await e.handle(.fill(tag: "O-1", tradeID: "T1", quantity: Quantity(6), price: Price("1395.00")!, rawStatus: "complete"))
        #expect(try await e.riskExposure(for: ClientID("AB1234"))?.openOrders == 1)
        await e.submit(request("K-4"))
        let accepted = await sink.wait(for: 3).last
        #expect(accepted?.status == .pendingNew)
    }

    /// After a restart on a later day, what Vega carried into the day is in the risk engine's books: a position
    /// last traded yesterday (its net), and the carried part of one traded today too (under today's trades) —
    /// so a delivery sell of shares bought through Vega yesterday passes. A key the engine was started with
    /// (a start-of-day positions file: the broker's word) keeps that and ignores the stored one.
    @Test func positionsCarriedFromEarlierDaysAreBookedAfterARestart() async throws {
        let client = ClientID("AB1234")
        let reliance = PaperBrokerTests.reliance
        // Started with a carried MTF position (as from a start-of-day file), before the engine owns it.
        let limits = LimitRiskEngine(limits: [client: RiskLimits()])
        limits.loadPosition(client: client, instrument: reliance, product: .mtf, quantity: 10, averagePrice: Price("1300.00")!)
        let sink = ReportCollector()
        let e = OrderEngine(pipeline: OrderPipeline(resolver: StaticResolver(instruments: [reliance]),
                                                    session: try MarketSessionEngine(), eligibility: AllEligible()),
                            risk: limits, brokers: [ScriptedBroker("PAPER", placement: .accept)], defaultBroker: .paper,
                            now: { Self.at }, sink: sink)
        func position(_ product: Product, day: Int) -> PortfolioPosition {
            var p = PortfolioPosition(key: PortfolioKey(client: client, broker: .paper, instrumentKey: reliance.key, product: product),
                                      symbol: "RELIANCE", tradingDay: day)
            p.apply(.buy, quantity: Quantity(100), price: Price("1400.00")!)
            return p
        }
        let yesterday = position(.cnc, day: 99)
        var today = position(.mis, day: 99)
        today.roll(to: 100)
        today.apply(.sell, quantity: Quantity(30), price: Price("1410.00")!)
        var seeded = position(.mtf, day: 99)
        seeded.apply(.buy, quantity: Quantity(50), price: Price("1400.00")!)
        await e.restoreRisk(positions: [yesterday, today, seeded], tradingDay: 100) { _ in reliance }
        let books = try #require(try await e.riskExposure(for: client)).positions
        #expect(books[PositionKey(instrument: reliance.key, product: .cnc)]?.net == Quantity(100))
        #expect(books[PositionKey(instrument: reliance.key, product: .cnc)]?.averagePrice == Price("1400.00"))
        #expect(books[PositionKey(instrument: reliance.key, product: .mis)]?.net == Quantity(70))
        #expect(books[PositionKey(instrument: reliance.key, product: .mtf)]?.net == Quantity(10))
        // A delivery sell of the 100 bought yesterday passes the holdings rule.
        var sell = request("S-1")
        sell.side = .sell
        sell.product = .cnc
        sell.quantity = Quantity(100)
        await e.submit(sell)
        #expect(await sink.wait(for: 1).first?.status == .pendingNew, "\(sink.all.first?.order?.rejectText ?? "")")
    }

    /// After a restart the risk books take the day's positions as they were stored: bought 100 at 1000, sold them
    /// at 1100, bought 100 at 1200 is an open cost of 120000 and 10000 realised — the replay of the day as one
    /// buy and one sell at their averages gave 110000 and nothing realised (MIS margin follows the cost).
    @Test func theDaysOpenCostAndRealisedPnLComeBackAsStored() async throws {
        let client = ClientID("AB1234")
        let reliance = PaperBrokerTests.reliance
        let e = OrderEngine(pipeline: OrderPipeline(resolver: StaticResolver(instruments: [reliance]),
                                                    session: try MarketSessionEngine(), eligibility: AllEligible()),
                            risk: LimitRiskEngine(limits: [client: RiskLimits()]),
                            brokers: [ScriptedBroker("PAPER", placement: .accept)], defaultBroker: .paper,
                            now: { Self.at }, sink: ReportCollector())
        var p = PortfolioPosition(key: PortfolioKey(client: client, broker: .paper, instrumentKey: reliance.key, product: .mis),
                                  symbol: "RELIANCE", tradingDay: 100)
        p.apply(.buy, quantity: Quantity(100), price: Price("1000.00")!)
        p.apply(.sell, quantity: Quantity(100), price: Price("1100.00")!)
        p.apply(.buy, quantity: Quantity(100), price: Price("1200.00")!)
        #expect(p.openCostUnits == Price("120000")!.units && p.realisedUnits == Price("10000")!.units)
        await e.restoreRisk(positions: [p], tradingDay: 100) { _ in reliance }
        let exposure = try #require(try await e.riskExposure(for: client))
        let book = try #require(exposure.positions[PositionKey(instrument: reliance.key, product: .mis)])
        #expect(book.net == Quantity(100) && book.averagePrice == Price("1200.00"))
        #expect(exposure.realisedPnL == Price("10000"))
    }

    /// A market order's protection price is stored with it: placed again after a restart (its broker never saw
    /// it), it goes with the same worst price — before, it went without one and could fill anywhere.
    @Test func anOrderPlacedAgainAfterARestartKeepsItsProtectionPrice() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let e = try engine([broker], sink: ReportCollector())
        var market = request("M-1")
        market.orderType = .market
        market.limitPrice = nil
        var stored = OrderSnapshot(id: OrderID("O-1"), sequence: 1, source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("M-1"),
                                   request: market, instrument: PaperBrokerTests.reliance, product: .cnc, broker: BrokerID("PAPER"),
                                   lifecycle: .submitted(OrderTerms(quantity: Quantity(10), limitPrice: nil)))
        stored.protectionPrice = Price("1557.70")
        await e.restore(OrderBookState(orders: [stored], usedClientOrderIDs: [], nextOrderSequence: 2, nextExecSequence: 1))
        #expect(await e.order(OrderID("O-1"))?.protectionPrice == Price("1557.70"))
        await e.resumeAtBrokers()
        _ = await placed(broker, count: 1)
        let placed = await broker.placed
        #expect(placed.map(\.tag) == ["O-1"] && placed.first?.protectionPrice == Price("1557.70"), "\(placed)")
    }

    /// A stored PendingNew order the primary never saw, but its backup has (a failover whose ack was not
    /// yet stored when Vega stopped): after the restart it is found at the backup, not placed again.
    @Test func afterARestartAnOrderIsLookedForAtTheBackupBeforeItIsPlacedAgain() async throws {
        let primary = ScriptedBroker("UPSTOX", placement: .accept)
        let backup = ScriptedBroker("ZERODHA", placement: .accept)
        await backup.setKnown(BrokerOrderState(tag: "O-1", brokerOrderID: "Z-9", rawStatus: "open", filledQuantity: .zero,
                                               averagePrice: .zero, isOpen: true))
        let sink = ReportCollector()
        let e = try engine([primary, backup], failover: [BrokerID("UPSTOX"): BrokerID("ZERODHA")], sink: sink)
        let stored = OrderSnapshot(id: OrderID("O-1"), sequence: 1, source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("B-1"),
                                   request: request("B-1", broker: "UPSTOX"), instrument: PaperBrokerTests.reliance, product: .cnc,
                                   broker: BrokerID("UPSTOX"), lifecycle: .submitted(OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00"))))
        await e.restore(OrderBookState(orders: [stored], usedClientOrderIDs: [], nextOrderSequence: 2, nextExecSequence: 1))
        await e.resumeAtBrokers()
        let r = await sink.wait(for: 1)
        #expect(r.map(\.status) == [.new])
        #expect(r.first?.broker == BrokerID("ZERODHA") && r.first?.brokerOrderID == "Z-9")
        let placements = (await primary.placed.count, await backup.placed.count)
        #expect(placements == (0, 0))
    }

    /// A held (after-market) order taken back from storage may have been released and placed before the
    /// restart while its record still said held: at release it is looked up first, and not placed again.
    @Test func aRestoredHeldOrderThatTheBrokerHasIsNotPlacedAgainAtRelease() async throws {
        let broker = ScriptedBroker("UPSTOX", placement: .accept)
        await broker.setKnown(BrokerOrderState(tag: "O-1", brokerOrderID: "U-7", rawStatus: "open", filledQuantity: .zero,
                                               averagePrice: .zero, isOpen: true))
        let fresh = ScriptedBroker("UPSTOX", placement: .accept)
        for b in [broker, fresh] {
            let sink = ReportCollector()
            let e = try engine([b], sink: sink)
            let run = Task { await e.run() }
            defer { run.cancel() }
            var held = request("H-1")
            held.afterMarket = true
            let stored = OrderSnapshot(id: OrderID("O-1"), sequence: 1, source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("H-1"),
                                       request: held, instrument: PaperBrokerTests.reliance, product: .cnc,
                                       lifecycle: .submitted(OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00"))), held: true)
            await e.restore(OrderBookState(orders: [stored], usedClientOrderIDs: [], nextOrderSequence: 2, nextExecSequence: 1))
            await e.releaseHeld()
            let r = await sink.wait(for: 1)
            #expect(r.map(\.status) == [.new])
            if b === broker {
                #expect(r.first?.brokerOrderID == "U-7")
                #expect(await broker.placed.isEmpty)      // found by its tag: not sent a second time
            } else {
                #expect(await fresh.placed.map(\.tag) == ["O-1"])   // nobody has it: placed, under its own tag
            }
        }
    }

    /// A replace to fewer shares at a higher price is worth more: it is reserved at its new terms, so the orders
    /// that follow count it (it kept the old, smaller reservation, and an order over the client's open-value
    /// limit passed).
    @Test func aReplaceToFewerSharesAtAHigherPriceIsReservedAtItsNewValue() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([broker], limits: [ClientID("AB1234"): RiskLimits(maxOpenValue: Price("30000"))], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        await e.submit(request("V-1"))                     // 10 at 1395.00: 13,950
        #expect(await sink.wait(for: 2).map(\.status) == [.pendingNew, .new])
        await e.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("V-2"), origClientOrderID: ClientOrderID("V-1"),
                        quantity: Quantity(9), limitPrice: Price("2500.00"))   // 22,500
        #expect(await sink.wait(for: 3).last?.status == .pendingReplace)
        #expect(try await e.riskExposure(for: ClientID("AB1234"))?.openOrderValue == Price("22500"))
        var next = request("V-3")
        next.quantity = Quantity(6)                         // 8,370 more: 30,870 > 30,000
        await e.submit(next)
        let refused = await sink.wait(for: 4).last
        #expect(refused?.status == .rejected && refused?.order?.rejectCode == "RISK_CLIENT_LIMIT", "\(String(describing: refused?.order?.rejectText))")
    }

    /// A replace runs the pre-trade checks again on its new terms: over a limit it is refused (35=9 naming
    /// the rule) and the order and its risk reservation keep their old terms; within limits the reservation
    /// moves to the new terms, and back again when the broker refuses the replace.
    @Test func aReplaceIsCheckedAgainAndItsReservationFollowsTheTerms() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([broker], limits: [ClientID("AB1234"): RiskLimits(maxOrderQuantity: Quantity(50))], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        await e.submit(request("R-1"))                     // 10 at 1395.00
        #expect(await sink.wait(for: 2).map(\.status) == [.pendingNew, .new])
        func openValue() async throws -> Price? { try await e.riskExposure(for: ClientID("AB1234"))?.openOrderValue }
        #expect(try await openValue() == Price(units: 10 * Price("1395.00")!.units))
        let source = OrderSource.fix(session: "CLIENT1")
        // Over the client's maximum order quantity: refused, nothing changes.
        await e.replace(source: source, clientOrderID: ClientOrderID("R-2"), origClientOrderID: ClientOrderID("R-1"),
                        quantity: Quantity(100), limitPrice: Price("1395.00"))
        let refused = await sink.wait(for: 3).last
        guard case .cancelRejected(let reason, let text, true) = refused?.kind else {
            Issue.record("expected a replace reject, got \(String(describing: refused?.kind))"); return
        }
        #expect(reason == .other && text.contains("RISK_CLIENT_LIMIT") && text.contains("maxOrderQuantity"))
        #expect(refused?.status == .new && refused?.quantity == Quantity(10))
        #expect(try await openValue() == Price(units: 10 * Price("1395.00")!.units))
        #expect(try await e.riskExposure(for: ClientID("AB1234"))?.openOrders == 1)
        // Within limits: pending, and reserved at the new terms.
        await e.replace(source: source, clientOrderID: ClientOrderID("R-3"), origClientOrderID: ClientOrderID("R-1"),
                        quantity: Quantity(20), limitPrice: Price("1390.00"))
        #expect(await sink.wait(for: 4).last?.status == .pendingReplace)
        #expect(try await openValue() == Price(units: 20 * Price("1390.00")!.units))
        // The broker refuses it: the order is back at 10 × 1395.00, and so is the reservation.
        await broker.emit(.replaceRejected(tag: "O-1", text: "RMS: not allowed", rawStatus: "open"))
        #expect(await sink.wait(for: 5).last?.status == .new)
        #expect(try await openValue() == Price(units: 10 * Price("1395.00")!.units))
        #expect(try await e.riskExposure(for: ClientID("AB1234"))?.openOrders == 1)
    }

    /// A replace that makes the order smaller keeps the larger reservation until the broker answers (the old
    /// order can still fill meanwhile), and every fill reaches the risk books; once replaced, the reservation
    /// is what is open at the new terms. Per-order limits see the whole order, not only what is open.
    @Test func aSmallerReplaceKeepsTheLargerReservationUntilTheBrokerAnswers() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([broker], limits: [ClientID("AB1234"): RiskLimits(maxOrderQuantity: Quantity(50))], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        let px = Price("1395.00")!
        func exposure() async throws -> (value: Price?, working: Quantity?, net: Quantity?, open: Int?) {
            let x = try await e.riskExposure(for: ClientID("AB1234"))
            let p = x?.positions.values.first
            return (x?.openOrderValue, p?.workingBuy, p?.net, x?.openOrders)
        }
        await e.submit(request("S-1"))                     // 10 at 1395.00
        #expect(await sink.wait(for: 2).map(\.status) == [.pendingNew, .new])
        let source = OrderSource.fix(session: "CLIENT1")
        await e.replace(source: source, clientOrderID: ClientOrderID("S-2"), origClientOrderID: ClientOrderID("S-1"),
                        quantity: Quantity(4), limitPrice: px)
        #expect(await sink.wait(for: 3).last?.status == .pendingReplace)
        var x = try await exposure()
        #expect(x.value == Price(units: 10 * px.units) && x.working == Quantity(10))   // still the old, larger order
        // The old order fills 3 before the broker confirms the replace.
        await broker.emit(.fill(tag: "O-1", tradeID: "T1", quantity: Quantity(3), price: px, rawStatus: "open"))
        _ = await sink.wait(for: 4)
        x = try await exposure()
        #expect(x.net == Quantity(3) && x.working == Quantity(7))
        await broker.emit(.replaced(tag: "O-1", quantity: Quantity(4), limitPrice: px, rawStatus: "open"))
        #expect(await sink.wait(for: 5).last?.status == .partiallyFilled)
        x = try await exposure()
        #expect(x.value == Price(units: 1 * px.units) && x.working == Quantity(1) && x.net == Quantity(3) && x.open == 1)
        // 4 with 3 filled, to 52: 49 would be open, but the whole order is over the maximum order quantity of 50.
        await e.replace(source: source, clientOrderID: ClientOrderID("S-3"), origClientOrderID: ClientOrderID("S-2"),
                        quantity: Quantity(52), limitPrice: px)
        guard case .cancelRejected(_, let text, true) = await sink.wait(for: 6).last?.kind else {
            Issue.record("expected a replace reject"); return
        }
        #expect(text.contains("maxOrderQuantity"))
        x = try await exposure()
        #expect(x.value == Price(units: 1 * px.units) && x.working == Quantity(1) && x.open == 1)
    }

    /// An engine restarted with order O-1 (ClOrdID P-1, replace P-2 pending) at UPSTOX, which has `state`
    /// for it; `resumeAtBrokers` done.
    func restartedWithPendingReplace(_ pending: PendingReplaceOrder, brokerHas state: BrokerOrderState) async throws
        -> (OrderEngine, ReportCollector, ScriptedBroker)
    {
        let broker = ScriptedBroker("UPSTOX", placement: .accept)
        await broker.setKnown(state)
        let sink = ReportCollector()
        let e = try engine([broker], sink: sink)
        let stored = OrderSnapshot(id: OrderID("O-1"), sequence: 1, source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("P-1"),
                                   pendingClientOrderID: ClientOrderID("P-2"), request: request("P-1"),
                                   instrument: PaperBrokerTests.reliance, product: .cnc, broker: BrokerID("UPSTOX"),
                                   lifecycle: .pendingReplace(pending), brokerOrderID: "U-1")
        await e.restore(OrderBookState(orders: [stored], usedClientOrderIDs: [], nextOrderSequence: 2, nextExecSequence: 1))
        await e.resumeAtBrokers()
        return (e, sink, broker)
    }

    /// An order that was PendingReplace when Vega stopped: the broker's quantity settles the replace first, so
    /// that fills beyond the old quantity are booked; at the old quantity, the replace is refused.
    @Test func aReplacePendingAtARestartIsSettledByTheBrokersQuantity() async throws {
        let px = Price("1395.00")!
        let working = PendingNewOrder(terms: OrderTerms(quantity: Quantity(10), limitPrice: px)).accepted()
        let pending = try #require(working.requestReplace(OrderTerms(quantity: Quantity(20), limitPrice: px)))
        for (brokerQuantity, filled) in [(Quantity(20), Quantity(15)), (Quantity(10), Quantity(4))] {
            let (e, sink, broker) = try await restartedWithPendingReplace(pending, brokerHas: BrokerOrderState(
                tag: "O-1", brokerOrderID: "U-1", rawStatus: "open", filledQuantity: filled, averagePrice: px, isOpen: true,
                quantity: brokerQuantity))
            let r = await sink.wait(for: 2)
            let order = try #require(await e.order(OrderID("O-1")))
            #expect(order.status == .partiallyFilled)
            #expect(order.lifecycle.terms.quantity == brokerQuantity)
            #expect(order.lifecycle.fills.cumulative == filled)   // 15 of 20 booked, not refused as beyond 10
            #expect(await broker.placed.isEmpty)
            if brokerQuantity == Quantity(10) {
                guard case .cancelRejected(_, _, true) = r.first?.kind else { Issue.record("expected a replace reject first"); continue }
            } else {
                #expect(r.first?.kind == .replaced)
            }
        }
    }

    /// A price-only replace pending at a restart is settled by the broker's limit price.
    @Test func aPriceOnlyReplacePendingAtARestartIsSettledByTheBrokersPrice() async throws {
        let working = PendingNewOrder(terms: OrderTerms(quantity: Quantity(10), limitPrice: Price("1395.00"))).accepted()
        let pending = try #require(working.requestReplace(OrderTerms(quantity: Quantity(10), limitPrice: Price("1390.00"))))
        let (e, sink, _) = try await restartedWithPendingReplace(pending, brokerHas: BrokerOrderState(
            tag: "O-1", brokerOrderID: "U-1", rawStatus: "open", filledQuantity: .zero, averagePrice: .zero, isOpen: true,
            quantity: Quantity(10), limitPrice: Price("1390.00")))
        #expect(await sink.wait(for: 1).first?.kind == .replaced)
        let order = try #require(await e.order(OrderID("O-1")))
        #expect(order.status == .new && order.lifecycle.terms.limitPrice == Price("1390.00"))
    }

    /// A modify whose answer is lost is looked up by tag, not taken as refused: the broker has the new
    /// quantity, so the order is replaced.
    @Test func aModifyWhoseAnswerIsLostIsSettledByLookingTheOrderUp() async throws {
        let broker = ScriptedBroker("PAPER", placement: .accept)
        let sink = ReportCollector()
        let e = try engine([broker], sink: sink)
        let run = Task { await e.run() }
        defer { run.cancel() }
        await e.submit(request("L-1"))
        #expect(await sink.wait(for: 2).map(\.status) == [.pendingNew, .new])
        await broker.setLoseModifyAnswer(true)
        await e.replace(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("L-2"), origClientOrderID: ClientOrderID("L-1"),
                        quantity: Quantity(25), limitPrice: Price("1395.00"))
        let r = await sink.wait(for: 4)
        #expect(r.map(\.status) == [.pendingNew, .new, .pendingReplace, .new])
        #expect(r.last?.kind == .replaced && r.last?.quantity == Quantity(25) && r.last?.clientOrderID == ClientOrderID("L-2"))
        #expect(await broker.lookups >= 1)
    }

    /// A broker whose batch call answers fewer orders than it was given: the unanswered ones are looked up by
    /// tag (found: the order carries on), never sent again.
    @Test func ordersABatchCallLeftUnansweredAreLookedUpNotResent() async throws {
        let broker = ScriptedBroker("PAPER", placement: .silentBatch)
        let sink = ReportCollector()
        let e = try engine([broker], sink: sink)
        await e.submit(request("S-1"))
        let r = await sink.wait(for: 2)
        #expect(r.map(\.status) == [.pendingNew, .new])
        #expect(await broker.placed.count == 1)
        #expect(await broker.lookups >= 1)
    }
}
