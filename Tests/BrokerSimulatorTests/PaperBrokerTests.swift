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

    /// A paper broker (configured by `configure`) with RELIANCE at `price`.
    func market(_ price: String, _ configure: (inout PaperBrokerConfiguration) -> Void = { _ in }) async -> PaperBroker {
        var c = PaperBrokerConfiguration()
        configure(&c)
        let b = PaperBroker(configuration: c)
        await b.setPrice(Price(price)!, for: Self.reliance)
        return b
    }

    /// Collects the events emitted so far (the broker yields synchronously inside its calls).
    func drain(_ b: PaperBroker, count: Int) async -> [BrokerOrderEvent] {
        var out: [BrokerOrderEvent] = []
        var it = b.events.makeAsyncIterator()
        while out.count < count, let e = await it.next() { out.append(e) }
        return out
    }

    @Test func marketOrderIsAcknowledgedAndFilledWithSlippage() async throws {
        let b = await market("1400.00") { $0.slippageBps = 10 }
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
        let b = await market("1400.00")
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
        let b = await market("1400.00")
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
        let b = await market("1400.00")
        _ = try await b.place(order("V-4", .sell, .limit, qty: 5, limit: "1500.00"))
        try await b.cancel(tag: "V-4")
        try await b.cancel(tag: "V-4")
        let ev = await drain(b, count: 3)
        #expect(ev[1] == .canceled(tag: "V-4", rawStatus: "cancelled"))
        #expect(ev[2] == .cancelRejected(tag: "V-4", text: "Order is cancelled", rawStatus: "not cancelled"))
        await #expect(throws: BrokerError.unknownOrder(tag: "nope")) { try await b.cancel(tag: "nope") }
    }

    @Test func modifyMovesTheLimitAndCanFill() async throws {
        let b = await market("1400.00")
        _ = try await b.place(order("V-5", .buy, .limit, qty: 5, limit: "1390.00"))
        try await b.modify(tag: "V-5", quantity: Quantity(6), limitPrice: Price("1400.00"), triggerPrice: nil)
        let ev = await drain(b, count: 3)
        #expect(ev[1] == .replaced(tag: "V-5", quantity: Quantity(6), limitPrice: Price("1400.00"), rawStatus: "modified"))
        #expect(ev[2] == .fill(tag: "V-5", tradeID: "T1", quantity: Quantity(6), price: Price("1400.00")!, rawStatus: "complete"))
    }

    @Test(arguments: [("qty0", Int64(0), "1400.00", "Quantity must be greater than zero"),
                      ("tick", 5, "1400.05", "Price 1400.05 is not a multiple of tick size 0.1")])
    func exchangeLikeRejects(tag: String, qty: Int64, limit: String, text: String) async throws {
        let b = await market("1400.00")
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
        let b = await market("1400.00")
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

    /// Over an hour of one-second steps the walk neither drifts (it rounded down to the tick: RELIANCE fell from
    /// 1542.30 to ~1318, below its band) nor leaves the day's band, and stays on the tick grid.
    @Test func theWalkStaysInItsBandWithoutDrifting() async {
        let b = PaperBroker()
        await b.setBand(lower: Price("1388.10")!, upper: Price("1696.50")!, for: Self.reliance.key)
        await b.setPrice(Price("1542.30")!, for: Self.reliance)
        var low = Price("1542.30")!, high = low
        for _ in 0..<3600 {
            await b.step()
            let p = await b.lastPrice(Self.reliance.key)!
            low = min(low, p)
            high = max(high, p)
            #expect(p.isMultiple(of: Self.reliance.tickSize))
        }
        #expect(low >= Price("1388.10")! && high <= Price("1696.50")!)
        // The 5 bp walk over 3,600 steps moves ~3 % (one standard deviation); rounding down alone drifted 14 %.
        let last = await b.lastPrice(Self.reliance.key)!
        #expect(last > Price("1450.00")! && last < Price("1640.00")!, "\(last)")
    }

    /// A band the walk reaches holds it: prices at the limit stay there, not beyond.
    @Test func theWalkIsClampedToTheBand() async {
        var c = PaperBrokerConfiguration()
        c.volatilityBps = 500
        let b = PaperBroker(configuration: c)
        await b.setBand(lower: Price("1500.00")!, upper: Price("1510.00")!, for: Self.reliance.key)
        await b.setPrice(Price("1505.00")!, for: Self.reliance)
        for _ in 0..<200 {
            await b.step()
            let p = await b.lastPrice(Self.reliance.key)!
            #expect(p >= Price("1500.00")! && p <= Price("1510.00")!, "\(p)")
        }
    }

    /// Slippage lands on the tick grid, against the order: 2500.00 + 5 bp = 2501.25 → 2501.30 for a buy,
    /// 2498.75 → 2498.70 for a sell.
    @Test func slippageIsOnTheTickGrid() async throws {
        let b = await market("2500.00") { $0.slippageBps = 5 }
        _ = try await b.place(order("S-1", .buy, .market, qty: 1))
        _ = try await b.place(order("S-2", .sell, .market, qty: 1))
        let fills = await drain(b, count: 4).compactMap { e -> Price? in
            if case .fill(_, _, _, let p, _) = e { return p } else { return nil }
        }
        #expect(fills == [Price("2501.30")!, Price("2498.70")!])
    }

    /// A stop-limit triggered when the price jumps past its limit rests as a limit order and fills when the price
    /// comes back (it was armed again — untriggered — and never filled once the price fell below the trigger).
    @Test func aTriggeredStopLimitStaysTriggered() async throws {
        let b = await market("99.00")
        var r = order("SL-1", .buy, .stopLimit, qty: 5, limit: "100.50")
        r.triggerPrice = Price("100.00")
        _ = try await b.place(r)
        await b.setPrice(Price("101.00")!, for: Self.reliance)   // triggers; above the limit: no fill
        await b.setPrice(Price("99.90")!, for: Self.reliance)    // below the trigger, within the limit
        let events = await drain(b, count: 2)
        guard case .acknowledged(_, _, _, let raw) = events[0] else { Issue.record("no ack: \(events)"); return }
        #expect(raw == "trigger pending")
        #expect(events[1] == .fill(tag: "SL-1", tradeID: "T1", quantity: Quantity(5), price: Price("99.90")!, rawStatus: "complete"))
    }

    /// A stop order not triggered keeps reporting "trigger pending" when modified, and after a restart it is
    /// restored untriggered (a "modified" status made it count as triggered: it filled at once).
    @Test func aModifiedStopIsRestoredUntriggered() async throws {
        let b = await market("2500.00")
        var r = order("SL-2", .buy, .stopLimit, qty: 1, limit: "2615.00")
        r.triggerPrice = Price("2600.00")
        _ = try await b.place(r)
        try await b.modify(tag: "SL-2", quantity: Quantity(1), limitPrice: Price("2625.00"), triggerPrice: Price("2610.00"))
        let events = await drain(b, count: 2)
        guard case .replaced(_, _, _, let raw, _) = events[1] else { Issue.record("no replace: \(events)"); return }
        #expect(raw == "trigger pending")
        // After a restart, Vega's record of it (the status it last heard) rebuilds the book.
        let restarted = await market("2500.00")
        var terms = r
        terms.limitPrice = Price("2625.00")
        terms.triggerPrice = Price("2610.00")
        #expect(await restarted.restore([PaperBookEntry(order: terms, brokerOrderID: "PB1", state: .open, rawStatus: raw)]) == 1)
        await restarted.resumeMatching()
        await restarted.step()
        #expect(try await restarted.orderState(tag: "SL-2")?.filledQuantity == .zero)
        #expect(try await restarted.orderState(tag: "SL-2")?.rawStatus == "trigger pending")
    }

    /// Stop orders are checked as the exchange checks them: a trigger already crossed, or a stop-limit's limit on
    /// the wrong side of its trigger, is rejected (they were taken, and filled at once).
    @Test(arguments: [
        (Side.buy, "1395.00", "1400.00", "Trigger price 1395 for a stop-loss buy order should be higher than the last traded price 1400"),
        (Side.sell, "1405.00", "1400.00", "Trigger price 1405 for a stop-loss sell order should be lower than the last traded price 1400"),
        (Side.buy, "1410.00", "1405.00", "Limit price 1405 of a stop-loss buy order should be at or above its trigger price 1410"),
        (Side.sell, "1390.00", "1395.00", "Limit price 1395 of a stop-loss sell order should be at or below its trigger price 1390"),
    ])
    func stopOrdersAreCheckedAgainstTheMarket(_ side: Side, _ trigger: String, _ limit: String, _ text: String) async throws {
        let b = await market("1400.00")
        var r = order("ST-1", side, .stopLimit, qty: 1, limit: limit)
        r.triggerPrice = Price(trigger)
        _ = try await b.place(r)
        let e = await drain(b, count: 1)
        #expect(e == [.rejected(tag: "ST-1", text: text, errorCode: "PAPER_REJECT", rawStatus: "rejected")])
    }
}
