import OMSCore
import Testing

/// The funds rule for cash-market orders: CNC buys block their whole value, MTF buys and MIS orders that add
/// exposure their product margin, against the same available funds as F&O margin.
struct FundsRuleTests {
    typealias F = RiskFixtures

    static func mis(_ side: Side = .buy, qty: Int64, limit: String = "1400", margin: String? = "20") -> RiskOrder {
        var o = F.order(side, qty: qty, limit: limit, product: .mis)
        o.productMargin = margin.flatMap { Rate($0) }
        return o
    }

    /// Checks `order` (it must pass) and fills all of it at `price`.
    static func fillAll(_ engine: LimitRiskEngine, _ order: RiskOrder, at price: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let a = try #require(engine.check(order, market: F.market).acceptance, sourceLocation: sourceLocation)
        #expect(engine.applyFill(a.reservation, quantity: order.quantity, price: F.p(price)), sourceLocation: sourceLocation)
    }

    /// The market with RELIANCE at `price`.
    static func market(relianceAt price: String) -> MarketSnapshot {
        var m = F.market
        m.lastPrices[F.reliance.key] = F.p(price)
        return m
    }

    static func mtf(qty: Int64, limit: String = "1400", margin: String = "26.5") -> RiskOrder {
        var o = F.order(.buy, qty: qty, limit: limit, product: .mtf)
        o.productMargin = Rate(margin)
        return o
    }

    /// 100 RELIANCE CNC at 1400.00 needs ₹140000.00: at the boundary it passes, a paisa short it does not.
    @Test(arguments: [("140000.00", "ok"), ("139999.99", "RISK_MARGIN funds")])
    func aDeliveryBuyNeedsItsWholeValue(available: String, expected: String) {
        let engine = F.engine(RiskLimits(availableMargin: F.p(available)))
        let d = engine.check(F.order(qty: 100), market: F.market)
        #expect(F.summary(d) == expected)
        if case .rejected(let r) = d {
            #expect(r.description == "RISK_MARGIN: rule=funds required=140000.00 available=139999.99")
            #expect(r.ordRejReason == 3)
        }
    }

    /// Without an available-funds limit the rule is off.
    @Test func withoutAvailableFundsTheRuleIsOff() {
        #expect(F.engine().check(F.order(qty: 100_000), market: F.market).isAccepted)
    }

    /// Working buys block funds until they close; a closed order gives them back.
    @Test func workingBuysBlockFundsUntilTheyClose() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("200000")))
        let first = try #require(engine.check(F.order(qty: 100), market: F.market).acceptance)
        let second = engine.check(F.order(qty: 50), market: F.market)
        #expect(second.rejection == .insufficientFunds(required: F.p("210000"), available: F.p("200000")))
        let statement = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(statement.cashOrdersBlocked == F.p("140000") && statement.utilised == F.p("140000"))
        #expect(statement.free == F.p("60000"))
        engine.orderClosed(first.reservation)
        #expect(engine.check(F.order(qty: 50), market: F.market).isAccepted)
    }

    /// A filled delivery buy is paid at its fill price and stays paid for the day: selling the shares again does
    /// not give the funds back (the proceeds settle later).
    @Test func aFilledDeliveryBuyStaysPaidForTheDay() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("150000")))
        let buy = try #require(engine.check(F.order(qty: 100), market: F.market).acceptance)
        #expect(engine.applyFill(buy.reservation, quantity: Quantity(60), price: F.p("1390")))
        var s = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(s.deliveryPaid == F.p("83400") && s.cashOrdersBlocked == F.p("56000"))
        #expect(engine.applyFill(buy.reservation, quantity: Quantity(40), price: F.p("1395")))
        s = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(s.deliveryPaid == F.p("139200") && s.cashOrdersBlocked == .zero)
        try Self.fillAll(engine, F.order(.sell, qty: 100), at: "1400")
        // 150000 − 139200 = 10800 free: 7 shares at 1400 fit (9800), an eighth does not.
        #expect(engine.check(F.order(qty: 7), market: F.market).isAccepted)
        #expect(engine.check(F.order(qty: 1), market: F.market).rejection
            == .insufficientFunds(required: F.p("150400"), available: F.p("150000")))
    }

    /// MIS blocks its product margin (20 %): 100 at 1400.00 → 28000.00; once filled, the position's margin stays
    /// blocked until it is squared off, and a sell that closes it is never refused for funds.
    @Test func intradayOrdersBlockTheirMarginAndSquaringOffFreesIt() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("28000")))
        let buy = try #require(engine.check(Self.mis(qty: 100), market: F.market).acceptance)
        #expect(engine.check(Self.mis(qty: 1), market: F.market).rejection
            == .insufficientFunds(required: F.p("28280"), available: F.p("28000")))
        #expect(engine.applyFill(buy.reservation, quantity: Quantity(100), price: F.p("1400")))
        let s = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(s.intradayMargin == F.p("28000") && s.cashOrdersBlocked == .zero && s.deliveryPaid == .zero)
        // Short of funds after a limit cut, the square-off still passes.
        engine.setAvailableMargin(F.p("1000"), for: F.client)
        try Self.fillAll(engine, Self.mis(.sell, qty: 100), at: "1410")
        let after = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(after.cashFunds == .zero)
        // A short MIS sell adds exposure: it blocks margin like a buy.
        #expect(engine.check(Self.mis(.sell, qty: 10), market: F.market).rejection
            == .insufficientFunds(required: F.p("2800"), available: F.p("1000")))
    }

    /// Changing the price of a part-filled MIS exit order: what is still open (500) reduces the 500 left, so it
    /// blocks nothing and passes though the funds are all in use. (Judged on the whole 1000 it counted as new
    /// exposure and was refused: 90000 in use + 20 % of 500 × 100.50.)
    @Test func aReplaceOfAPartFilledExitStillReduces() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("100000")))
        try Self.fillAll(engine, F.order(qty: 80, limit: "1000"), at: "1000")   // 80000 paid
        try Self.fillAll(engine, Self.mis(qty: 1000, limit: "100"), at: "100")   // 20000 margin
        let exit = try #require(engine.check(Self.mis(.sell, qty: 1000, limit: "101"), market: F.market).acceptance)
        #expect(engine.applyFill(exit.reservation, quantity: Quantity(500), price: F.p("101")))   // 90000 in use
        var replace = Self.mis(.sell, qty: 1000, limit: "100.50")
        replace.filled = Quantity(500)
        let d = engine.checkReplace(exit.reservation, with: replace, market: F.market, keepingCurrent: false)
        #expect(d.isAccepted, "\(d)")
        #expect(try #require(engine.marginStatement(for: F.client, market: F.market)).get().cashFunds == F.p("90000"))
    }

    /// The day's loss (realised and mark-to-market) is funds the client no longer has; a profit is not credited.
    /// MIS long 100 at 1400 (margin 28000): RELIANCE at 1300 is a loss of 10000, so 150000 leaves room for 112000 of
    /// delivery buys (80 shares at 1400, not 81); at 1500 the profit is not added: room for 122000 (87, not 88).
    @Test func theDaysLossUsesFundsAndAProfitIsNotCredited() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("150000")))
        try Self.fillAll(engine, Self.mis(qty: 100), at: "1400")
        let down = Self.market(relianceAt: "1300")
        #expect(engine.check(F.order(qty: 81, limit: "1400"), market: down).rejection
            == .insufficientFunds(required: F.p("151400"), available: F.p("150000")))
        let statement = try #require(engine.marginStatement(for: F.client, market: down)).get()
        #expect(statement.dayLoss == F.p("10000") && statement.utilised == F.p("38000"))
        let up = Self.market(relianceAt: "1500")
        #expect(try #require(engine.marginStatement(for: F.client, market: up)).get().dayLoss == .zero)
        #expect(engine.check(F.order(qty: 88, limit: "1400"), market: up).rejection
            == .insufficientFunds(required: F.p("151200"), available: F.p("150000")))
        #expect(engine.check(F.order(qty: 87, limit: "1400"), market: up).isAccepted)
    }

    /// A delivery position's loss is not counted again: its whole cost is paid already (deliveryPaid). Bought 100
    /// at 1400 with 150000: at 1300 the funds in use stay 140000, and 10000 of further buying still fits.
    @Test func aDeliveryLossIsNotCountedTwice() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("150000")))
        try Self.fillAll(engine, F.order(qty: 100), at: "1400")
        let down = Self.market(relianceAt: "1300")
        let s = try #require(engine.marginStatement(for: F.client, market: down)).get()
        #expect(s.dayLoss == .zero && s.utilised == F.p("140000"))
        #expect(engine.check(F.order(qty: 7, limit: "1400"), market: down).isAccepted)
    }

    /// An MIS order whose product margin is not known blocks its whole value.
    @Test func anUnknownIntradayMarginBlocksTheWholeValue() {
        let engine = F.engine(RiskLimits(availableMargin: F.p("139999.99")))
        #expect(engine.check(Self.mis(qty: 100, margin: nil), market: F.market).rejection
            == .insufficientFunds(required: F.p("140000"), available: F.p("139999.99")))
        #expect(engine.check(Self.mis(qty: 100, margin: "20"), market: F.market).isAccepted)
    }

    /// MTF pays its bracket (26.5 %) of the value: 3 at 1400.10 = 4200.30 → 1113.0795.
    @Test func marginTradingPaysItsBracket() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("1113.0795")))
        let buy = try #require(engine.check(Self.mtf(qty: 3, limit: "1400.10"), market: F.market).acceptance)
        #expect(engine.check(Self.mtf(qty: 1), market: F.market).rejection
            == .insufficientFunds(required: F.p("1484.0795"), available: F.p("1113.0795")))
        #expect(engine.applyFill(buy.reservation, quantity: Quantity(3), price: F.p("1400.10")))
        let s = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(s.deliveryPaid == F.p("1113.0795") && s.cashOrdersBlocked == .zero)
    }

    /// A margin is rounded up to the unit (₹0.0001): 33.3334 % of 1400.10 is 466.70093… → 466.7010.
    @Test func aMarginIsRoundedUp() {
        let engine = F.engine(RiskLimits(availableMargin: F.p("466.7009")))
        #expect(engine.check(Self.mis(qty: 1, limit: "1400.10", margin: "33.3334"), market: F.market).rejection
            == .insufficientFunds(required: F.p("466.7010"), available: F.p("466.7009")))
    }

    /// Cash and F&O draw on one pool: a delivery buy leaves less for a NIFTY future (183625.00), and the
    /// future's margin leaves less for the next buy.
    @Test func cashAndFuturesShareTheAvailableFunds() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("200000")))
        let buy = try #require(engine.check(F.order(qty: 20), market: F.market).acceptance)  // 28000
        let future = F.order(F.nearFuture, qty: 65, limit: "25000", product: .nrml)
        #expect(engine.check(future, market: F.market).rejection
            == .insufficientMargin(required: F.p("211625"), available: F.p("200000")))
        engine.orderClosed(buy.reservation)
        #expect(engine.check(future, market: F.market).isAccepted)
        #expect(engine.check(F.order(qty: 12), market: F.market).rejection
            == .insufficientFunds(required: F.p("200425"), available: F.p("200000")))
        #expect(engine.check(F.order(qty: 11), market: F.market).isAccepted)
        #expect(engine.marginRequirement(for: F.client, market: F.market) == F.p("199025"))
    }

    /// After a restart the day's trades come back through `recordTrade` with their product margin: what they
    /// used is in use again.
    @Test func tradesRecordedAfterARestartUseFundsAgain() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("100000")))
        engine.recordTrade(client: F.client, instrument: F.reliance, product: .cnc, side: .buy, quantity: Quantity(50),
                           price: F.p("1400"))
        engine.recordTrade(client: F.client, instrument: F.tcs, product: .mis, side: .sell, quantity: Quantity(10),
                           price: F.p("3000"), productMargin: Rate(whole: 20))
        let s = try #require(engine.marginStatement(for: F.client, market: F.market)).get()
        #expect(s.deliveryPaid == F.p("70000") && s.intradayMargin == F.p("6000"))
        #expect(engine.check(F.order(qty: 18), market: F.market).rejection
            == .insufficientFunds(required: F.p("101200"), available: F.p("100000")))
    }

    /// The eligibility terms' percent: the margin, else 100 ÷ leverage rounded up.
    @Test func blockedPercentComesFromMarginOrLeverage() {
        #expect(ProductTerms(product: .mis, marginPercent: Rate(whole: 20), leverage: Rate(whole: 4)).blockedPercent
            == Rate(whole: 20))
        #expect(ProductTerms(product: .mis, leverage: Rate(whole: 5)).blockedPercent == Rate(whole: 20))
        #expect(ProductTerms(product: .mis, leverage: Rate(whole: 3)).blockedPercent == Rate("33.3334"))
        #expect(ProductTerms(product: .mis, leverage: Rate(units: 0)).blockedPercent == nil)
        #expect(ProductTerms(product: .cnc).blockedPercent == nil)
    }
}
