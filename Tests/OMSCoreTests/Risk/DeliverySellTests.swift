import OMSCore
import Testing

/// No short delivery (risk.md: "Delivery sells need holdings"): a CNC or MTF sell of an equity is refused beyond
/// the client's position in that product less what its open sells already offer.
struct DeliverySellTests {
    typealias F = RiskFixtures

    static func engine(deliverySellsNeedHoldings: Bool = true) -> LimitRiskEngine {
        F.engine(configuration: RiskConfiguration(deliverySellsNeedHoldings: deliverySellsNeedHoldings))
    }

    static func holding(_ engine: LimitRiskEngine, _ quantity: Int64, product: Product = .cnc) {
        engine.loadPosition(client: F.client, instrument: F.reliance, product: product, quantity: quantity,
                            averagePrice: F.p("1300"))
    }

    @Test func aDeliverySellWithoutSharesIsRefusedNamingWhatIsFree() throws {
        let engine = Self.engine()
        let d = engine.check(F.order(.sell, qty: 5), market: F.market)
        #expect(F.summary(d) == "RISK_HOLDINGS deliverySell")
        let r = try #require(d.rejection)
        #expect(r.description == "RISK_HOLDINGS: rule=deliverySell instrument=NSE_EQ|INE002A01018 product=CNC free=0 value=5")
        #expect(r.ordRejReason == 3)
        #expect(F.summary(engine.check(F.order(.sell, qty: 5, product: .mtf), market: F.market)) == "RISK_HOLDINGS deliverySell")
        // Intraday (MIS) may sell first; F&O (NRML) may go short; buys are not concerned.
        #expect(F.summary(engine.check(F.order(.sell, qty: 5, product: .mis), market: F.market)) == "ok")
        #expect(F.summary(engine.check(F.order(F.nearFuture, .sell, qty: 65, limit: "24000", product: .nrml),
                                       market: F.market)) == "ok")
        #expect(F.summary(engine.check(F.order(.buy, qty: 5), market: F.market)) == "ok")
        #expect(engine.openReservations == 3)
    }

    @Test func openSellsTakeTheirSharesAndGiveThemBackWhenTheyClose() {
        let engine = Self.engine()
        Self.holding(engine, 10)
        let first = engine.check(F.order(.sell, qty: 6), market: F.market).acceptance!.reservation
        #expect(engine.check(F.order(.sell, qty: 5), market: F.market).rejection?.description.hasSuffix("free=4 value=5") == true)
        let second = engine.check(F.order(.sell, qty: 4), market: F.market).acceptance!.reservation
        #expect(engine.check(F.order(.sell, qty: 1), market: F.market).rejection?.description.hasSuffix("free=0 value=1") == true)
        // A cancel gives its shares back; a fill turns them from offered into sold.
        engine.orderClosed(first)
        #expect(engine.applyFill(second, quantity: Quantity(4), price: F.p("1400")))
        #expect(engine.check(F.order(.sell, qty: 7), market: F.market).rejection?.description.hasSuffix("free=6 value=7") == true)
        #expect(F.summary(engine.check(F.order(.sell, qty: 6), market: F.market)) == "ok")
    }

    @Test func sharesBoughtTodayCanBeSoldButNotThoseOfAnotherProduct() {
        let engine = Self.engine()
        let buy = engine.check(F.order(.buy, qty: 10), market: F.market).acceptance!.reservation
        #expect(engine.applyFill(buy, quantity: Quantity(10), price: F.p("1400")))
        Self.holding(engine, 50, product: .mis)
        #expect(engine.check(F.order(.sell, qty: 11), market: F.market).rejection?.description.hasSuffix("free=10 value=11") == true)
        #expect(F.summary(engine.check(F.order(.sell, qty: 10), market: F.market)) == "ok")
    }

    @Test func aReplaceCountsWhatIsStillOpenAgainstTheSharesItsOwnOrderHeld() {
        let engine = Self.engine()
        Self.holding(engine, 10)
        let sell = engine.check(F.order(.sell, qty: 10), market: F.market).acceptance!.reservation
        #expect(engine.applyFill(sell, quantity: Quantity(4), price: F.p("1400")))
        // 4 sold, 6 held and offered by this order: a replace to 10 (6 open) passes, to 11 (7 open) does not,
        // and the refused replace leaves the order's 6 offered.
        var bigger = F.order(.sell, qty: 11)
        bigger.filled = Quantity(4)
        let refused = engine.checkReplace(sell, with: bigger, market: F.market, keepingCurrent: false)
        #expect(refused.rejection?.description.hasSuffix("free=6 value=7") == true)
        #expect(engine.check(F.order(.sell, qty: 1), market: F.market).rejection != nil)
        var same = F.order(.sell, qty: 10)
        same.filled = Quantity(4)
        #expect(F.summary(engine.checkReplace(sell, with: same, market: F.market, keepingCurrent: false)) == "ok")
    }

    @Test func offWhereHoldingsAreKnownElsewhere() {
        let engine = Self.engine(deliverySellsNeedHoldings: false)
        #expect(F.summary(engine.check(F.order(.sell, qty: 5), market: F.market)) == "ok")
    }
}
