import BrokerSimulator
import OMSCore
import Testing

struct PaperBrokerTests {
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                     isin: "INE002A01018", lotSize: 1, tickSize: Price(paise: 10))
    static let niftyFut = Instrument(key: InstrumentKey("NSE_FO|52168"), segment: .nseFO, exchange: "NSE", name: "NIFTY",
                                     instrumentType: "FUT", tradingSymbol: "NIFTY FUT 29 DEC 26", lotSize: 65,
                                     tickSize: Price(paise: 10))

    func order(_ tag: String, _ side: Side, _ type: OrderType, qty: Int64, limit: String? = nil,
               instrument: Instrument = reliance, tif: TimeInForce = .day) -> BrokerOrderRequest {
        BrokerOrderRequest(tag: tag, instrument: instrument, side: side, product: .cnc, orderType: type, timeInForce: tif,
                           quantity: Quantity(qty), limitPrice: limit.flatMap { Price($0) })
    }

    /// Collects the events emitted so far (the broker yields synchronously inside its calls).
    func drain(_ b: PaperBroker, count: Int) async -> [BrokerOrderEvent] {
        var out: [BrokerOrderEvent] = []
        var it = b.events.makeAsyncIterator()
        while out.count < count, let e = await it.next() { out.append(e) }
        return out
    }

    @Test func marketOrderIsAcknowledgedAndFilledWithSlippage() async throws {
        var c = PaperBrokerConfiguration()
        c.slippageBps = 10
        let b = PaperBroker(configuration: c)
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order("V-1", .buy, .market, qty: 10))
        let ev = await drain(b, count: 2)
        guard case .acknowledged(let tag, _, _, let raw) = ev[0] else { Issue.record("no ack"); return }
        #expect(tag == "V-1" && raw == "open")
        // 1400.00 + 10 bp = 1401.40
        #expect(ev[1] == .fill(tag: "V-1", tradeID: "T1", quantity: Quantity(10), price: Price("1401.40")!, rawStatus: "complete"))
        let state = try await b.orderState(tag: "V-1")
        #expect(state?.isOpen == false && state?.filledQuantity == Quantity(10))
        #expect(try await b.positions() == [BrokerPosition(instrumentKey: Self.reliance.key, product: .cnc,
                                                            netQuantity: Quantity(10), averagePrice: Price("1401.40")!)])
    }

    @Test func holdingsAreNetLongDeliveryPositionsAllT1() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order("V-H1", .buy, .market, qty: 10))
        await b.setPrice(Price("1410.00")!, for: Self.reliance)
        #expect(try await b.holdings() == [
            BrokerHolding(instrumentKey: Self.reliance.key, isin: "INE002A01018", tradingSymbol: "RELIANCE", exchange: "NSE",
                          quantity: Quantity(10), t1Quantity: Quantity(10), averagePrice: Price("1400")!,
                          lastPrice: Price("1410")!, pnl: Price("100")!),
        ])
        _ = try await b.place(order("V-H2", .sell, .market, qty: 10))
        #expect(try await b.holdings() == [])  // sold out: no holding
    }

    @Test func limitOrderRestsUntilThePriceCrosses() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order("V-2", .buy, .limit, qty: 5, limit: "1395.00"))
        await b.setPrice(Price("1396.00")!, for: Self.reliance)
        #expect(try await b.orderState(tag: "V-2")?.isOpen == true)
        await b.setPrice(Price("1394.50")!, for: Self.reliance)
        let ev = await drain(b, count: 2)
        // Buy limit 1395 with the market at 1394.50 fills at 1394.50.
        #expect(ev[1] == .fill(tag: "V-2", tradeID: "T1", quantity: Quantity(5), price: Price("1394.50")!, rawStatus: "complete"))
    }

    @Test func partialFillsComeInLotSizedChunks() async throws {
        var c = PaperBrokerConfiguration()
        c.maxFillPerStep = Quantity(130)
        c.volatilityBps = 0
        let b = PaperBroker(configuration: c)
        await b.setPrice(Price("25000.00")!, for: Self.niftyFut)
        _ = try await b.place(order("V-3", .sell, .market, qty: 325, instrument: Self.niftyFut))
        await b.step()
        await b.step()
        let ev = await drain(b, count: 4)
        let fills = ev.compactMap { e -> (Int64, String)? in
            if case .fill(_, _, let q, _, let raw) = e { return (q.value, raw) }
            return nil
        }
        #expect(fills.map(\.0) == [130, 130, 65])
        #expect(fills.map(\.1) == ["open", "open", "complete"])
    }

    @Test func cancelRestingAndRefuseCancelOfFilled() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order("V-4", .sell, .limit, qty: 5, limit: "1500.00"))
        try await b.cancel(tag: "V-4")
        try await b.cancel(tag: "V-4")
        let ev = await drain(b, count: 3)
        #expect(ev[1] == .canceled(tag: "V-4", rawStatus: "cancelled"))
        #expect(ev[2] == .cancelRejected(tag: "V-4", text: "Order is cancelled", rawStatus: "not cancelled"))
        await #expect(throws: BrokerError.unknownOrder(tag: "nope")) { try await b.cancel(tag: "nope") }
    }

    @Test func modifyMovesTheLimitAndCanFill() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order("V-5", .buy, .limit, qty: 5, limit: "1390.00"))
        try await b.modify(tag: "V-5", quantity: Quantity(6), limitPrice: Price("1400.00"), triggerPrice: nil)
        let ev = await drain(b, count: 3)
        #expect(ev[1] == .replaced(tag: "V-5", quantity: Quantity(6), limitPrice: Price("1400.00"), rawStatus: "modified"))
        #expect(ev[2] == .fill(tag: "V-5", tradeID: "T1", quantity: Quantity(6), price: Price("1400.00")!, rawStatus: "complete"))
    }

    @Test(arguments: [("qty0", Int64(0), "1400.00", "Quantity must be greater than zero"),
                      ("tick", 5, "1400.05", "Price 1400.05 is not a multiple of tick size 0.1")])
    func exchangeLikeRejects(tag: String, qty: Int64, limit: String, text: String) async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order(tag, .buy, .limit, qty: qty, limit: limit))
        let ev = await drain(b, count: 1)
        #expect(ev[0] == .rejected(tag: tag, text: text, errorCode: "PAPER_REJECT", rawStatus: "rejected"))
    }

    @Test func noMarketDataIsRejectedAndIOCRemainderIsCancelled() async throws {
        let b = PaperBroker()
        _ = try await b.place(order("V-6", .buy, .market, qty: 1))
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        _ = try await b.place(order("V-7", .buy, .limit, qty: 5, limit: "1300.00", tif: .ioc))
        let ev = await drain(b, count: 3)
        #expect(ev[0] == .rejected(tag: "V-6", text: "No market data for RELIANCE", errorCode: "PAPER_REJECT", rawStatus: "rejected"))
        #expect(ev[2] == .canceled(tag: "V-7", rawStatus: "cancelled"))
    }

    @Test func placingTheSameTagTwiceDoesNotCreateASecondOrder() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: Self.reliance)
        let first = try await b.place(order("V-8", .buy, .limit, qty: 5, limit: "1300.00"))
        let again = try await b.place(order("V-8", .buy, .limit, qty: 5, limit: "1300.00"))
        #expect(first == again)
    }

    @Test func priceProcessIsDeterministicForASeed() async {
        let a = PaperBroker()
        let b = PaperBroker()
        for x in [a, b] {
            await x.setPrice(Price("1400.00")!, for: Self.reliance)
            for _ in 0..<50 { await x.step() }
        }
        let pa = await a.lastPrice(Self.reliance.key)
        let pb = await b.lastPrice(Self.reliance.key)
        #expect(pa == pb && pa != Price("1400.00"))
        #expect(pa!.isMultiple(of: Self.reliance.tickSize))
    }
}
