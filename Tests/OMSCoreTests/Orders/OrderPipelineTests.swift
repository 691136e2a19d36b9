import OMSCore
import Testing

/// Resolver over a fixed list: symbol (case-insensitive) to instrument.
struct ListResolver: SymbolResolver {
    let instruments: [Instrument]
    func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
        let hits = instruments.filter { $0.tradingSymbol.caseInsensitiveCompare(lookup.symbol ?? "") == .orderedSame }
        if hits.count == 1 { return .success(hits[0]) }
        return hits.isEmpty ? .failure(.unknownSymbol(lookup: lookup)) : .failure(.ambiguousSymbol(lookup: lookup, candidates: hits.map(\.key)))
    }
}

/// Eligibility from a fixed table of denials.
struct TableEligibility: ProductEligibility {
    let denied: [String: IneligibilityReason]  // "key#PRODUCT"
    func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
        if let r = denied["\(instrument.rawValue)#\(product.rawValue)"] {
            return .failure(ProductDenial(client: client, instrument: instrument, product: product, reason: r))
        }
        return .success(ProductTerms(product: product))
    }
    func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet { .all }
}

struct OrderPipelineTests {
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                     lotSize: 1, tickSize: Price(paise: 10))
    static let jocil = Instrument(key: InstrumentKey("NSE_EQ|INE839G01010"), segment: .nseEQ, exchange: "NSE",
                                  name: "JOCIL LIMITED", instrumentType: "BE", tradingSymbol: "JOCIL", lotSize: 1,
                                  tickSize: Price(paise: 1))
    let pipeline: OrderPipeline

    init() throws {
        pipeline = OrderPipeline(resolver: ListResolver(instruments: [Self.reliance, Self.jocil]),
                                 // Product rules live in the eligibility stage; the session gate keeps to time.
                                 session: try MarketSessionEngine(options: .init(enforceTradeForTradeDeliveryOnly: false)),
                                 eligibility: TableEligibility(denied: ["NSE_EQ|INE839G01010#MIS": .tradeForTrade]))
    }

    /// Thursday 26-Nov-2026 at HH:MM IST, as epoch milliseconds.
    func at(_ h: Int, _ m: Int) -> Int64 {
        ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 26)!, minuteOfDay: h * 60 + m).epochMilliseconds
    }

    func order(_ symbol: String, qty: Int64 = 10, type: OrderType = .limit, price: String? = "1400.00",
               product: Product? = nil, amo: Bool = false) -> OrderRequest {
        OrderRequest(source: .cli, clientOrderID: ClientOrderID("C1"), client: ClientID("AB1234"),
                     lookup: InstrumentLookup(symbol: symbol, exchange: "NSE"), side: .buy, orderType: type,
                     quantity: Quantity(qty), limitPrice: price.flatMap { Price($0) }, product: product, afterMarket: amo)
    }

    func code(_ d: OrderDecision) -> String {
        switch d {
        case .accepted: return "ACCEPTED"
        case .held: return "HELD"
        case .rejected(let r): return r.code
        }
    }

    /// An after-market order its product refuses today is refused when it is entered, not held to be refused at
    /// 09:00 (it was held).
    @Test func anAfterMarketOrderTheProductRefusesIsRefusedAtOnce() {
        #expect(code(pipeline.decide(order("JOCIL", price: "40.00", product: .mis, amo: true), at: at(18, 0))) == "PRODUCT_NOT_ALLOWED")
        #expect(code(pipeline.decide(order("JOCIL", price: "40.00", product: .cnc, amo: true), at: at(18, 0))) == "HELD")
    }

    /// An MTF sell leaves a funded position: not refused because the stock left the MTF list or went to
    /// trade-for-trade or surveillance (a client must be able to exit); an MTF buy still is.
    @Test(arguments: [IneligibilityReason.notInMTFList, .tradeForTrade, .surveillance])
    func anMTFSellIsNotRefusedForTheStockLeavingMTF(reason: IneligibilityReason) throws {
        let p = OrderPipeline(resolver: ListResolver(instruments: [Self.reliance]),
                              session: try MarketSessionEngine(options: .init(enforceTradeForTradeDeliveryOnly: false)),
                              eligibility: TableEligibility(denied: ["NSE_EQ|INE002A01018#MTF": reason, "NSE_EQ|INE002A01018#MIS": reason]))
        var sell = order("RELIANCE", product: .mtf)
        sell.side = .sell
        #expect(code(p.decide(sell, at: at(10, 0))) == "ACCEPTED")
        #expect(code(p.decide(order("RELIANCE", product: .mtf), at: at(10, 0))) == "PRODUCT_NOT_ALLOWED")
        var misSell = order("RELIANCE", product: .mis)
        misSell.side = .sell
        #expect(code(p.decide(misSell, at: at(10, 0))) == "PRODUCT_NOT_ALLOWED")   // an intraday short is a new position
    }

    /// The session gate's own trade-for-trade rule (on by default) lets an MTF sell out too.
    @Test func theSessionGateLetsAnMTFSellOutOfATradeForTradeStock() throws {
        let p = OrderPipeline(resolver: ListResolver(instruments: [Self.jocil]), session: try MarketSessionEngine(),
                              eligibility: TableEligibility(denied: [:]))
        var sell = order("JOCIL", price: "40.00", product: .mtf)
        sell.side = .sell
        #expect(code(p.decide(sell, at: at(10, 0))) == "ACCEPTED")
        #expect(code(p.decide(order("JOCIL", price: "40.00", product: .mtf), at: at(10, 0))) == "PRODUCT_NOT_ALLOWED")
    }

    /// No new intraday (MIS) exposure after the cut-off (15:10 for cash by default, before the brokers square MIS
    /// off from 15:15): TOO_LATE (103=4), and the risk reservation is given back; an order that reduces an MIS
    /// position still passes, and delivery orders are not affected.
    @Test func noNewIntradayExposureAfterTheCutOff() throws {
        let risk = LimitRiskEngine(configuration: RiskConfiguration(deliverySellsNeedHoldings: false),
                                   limits: [ClientID("AB1234"): RiskLimits()])
        risk.loadPosition(client: ClientID("AB1234"), instrument: Self.reliance, product: .mis, quantity: 10,
                          averagePrice: Price("1400.00")!)
        #expect(code(pipeline.decide(order("RELIANCE", product: .mis), at: at(15, 9), risk: risk)) == "ACCEPTED")
        let late = pipeline.decide(order("RELIANCE", product: .mis), at: at(15, 10), risk: risk)
        #expect(code(late) == "TOO_LATE")
        #expect(risk.exposure(for: ClientID("AB1234"))?.openOrders == 1)   // the 15:09 order only
        var close = order("RELIANCE", product: .mis)
        close.side = .sell
        #expect(code(pipeline.decide(close, at: at(15, 20), risk: risk)) == "ACCEPTED")
        #expect(code(pipeline.decide(order("RELIANCE", product: .cnc), at: at(15, 20), risk: risk)) == "ACCEPTED")
    }

    @Test func acceptedInNormalMarketWithDefaultProduct() {
        guard case .accepted(let a) = pipeline.decide(order("reliance"), at: at(10, 0)) else {
            Issue.record("not accepted")
            return
        }
        #expect(a.resolved.instrument.key == Self.reliance.key)
        #expect(a.resolved.product == .cnc)
    }

    @Test(arguments: [
        ("NOSUCH", Int64(10), "UNKNOWN_INSTRUMENT", 10, 0),
        ("RELIANCE", 0, "BAD_QTY", 10, 0),
        ("RELIANCE", 10, "SESSION_CLOSED", 17, 0),
        ("RELIANCE", 10, "SESSION_NO_ENTRY", 9, 11),
    ])
    func rejectionsCarryTheirCode(symbol: String, qty: Int64, expected: String, h: Int, m: Int) {
        #expect(code(pipeline.decide(order(symbol, qty: qty), at: at(h, m))) == expected)
    }

    @Test func misOnTradeForTradeIsNotAllowed() {
        let d = pipeline.decide(order("JOCIL", price: "100.00", product: .mis), at: at(10, 0))
        #expect(code(d) == "PRODUCT_NOT_ALLOWED")
        if case .rejected(let r) = d { #expect(r.description.contains("reason=TRADE_FOR_TRADE")) }
    }

    @Test func afterMarketOrderOutsideHoursIsHeldUntilTheNextOpen() {
        guard case .held(_, let release) = pipeline.decide(order("RELIANCE", amo: true), at: at(18, 0)) else {
            Issue.record("not held")
            return
        }
        // Friday 27-Nov-2026 09:00 IST, the next pre-open.
        #expect(release == ISTDateTime(date: TradingDate(year: 2026, month: 11, day: 27)!, minuteOfDay: 9 * 60).epochMilliseconds)
    }

    @Test func limitWithoutPriceIsUnsupported() {
        #expect(code(pipeline.decide(order("RELIANCE", price: nil), at: at(10, 0))) == "UNSUPPORTED")
    }

    @Test func riskStageRunsLastAndReservesOnAcceptance() {
        let risk = LimitRiskEngine(limits: [ClientID("AB1234"): RiskLimits(maxOrderValue: Price("14000.00"))])
        let market = MarketSnapshot(lastPrices: [Self.reliance.key: Price("1400.00")!])
        // 10 × 1400.00 = 14,000.00: exactly at the limit passes.
        guard case .accepted(let a) = pipeline.decide(order("RELIANCE"), at: at(10, 0), risk: risk, market: market) else {
            Issue.record("not accepted")
            return
        }
        #expect(a.risk != nil)
        // 11 × 1400.00 is over it: rejected with the risk code and its context.
        let d = pipeline.decide(order("RELIANCE", qty: 11), at: at(10, 0), risk: risk, market: market)
        #expect(code(d) == "RISK_CLIENT_LIMIT")
        if case .rejected(let r) = d { #expect(r.description.contains("maxOrderValue")) }
        // A symbol problem is found before risk is consulted.
        #expect(code(pipeline.decide(order("NOSUCH"), at: at(10, 0), risk: risk, market: market)) == "UNKNOWN_INSTRUMENT")
    }
}
