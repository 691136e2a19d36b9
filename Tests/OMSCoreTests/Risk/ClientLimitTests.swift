import Foundation
import OMSCore
import Testing

/// Per-client limits: a value exactly at its limit passes, one unit (₹0.0001 or 1) above is rejected.
struct ClientLimitTests {
    typealias F = RiskFixtures

    /// 400 × 1250.00 = 500000.00 exactly.
    @Test(arguments: [
        ("500000", "1250.00", "ok"),
        ("500000", "1250.10", "RISK_CLIENT_LIMIT maxOrderValue"),   // 500040.00
        ("499999.9999", "1250.00", "RISK_CLIENT_LIMIT maxOrderValue"),  // one unit below the value
    ])
    func maxOrderValueIsInclusive(limit: String, price: String, expected: String) {
        let engine = F.engine(RiskLimits(maxOrderValue: F.p(limit)))
        #expect(F.summary(engine.check(F.order(qty: 400, limit: price), market: F.market)) == expected)
    }

    @Test func marketOrdersAreValuedAtTheirProtectionPrice() {
        // 100 × 1428.00 (1400 + 2 %) = 142800.00.
        let engine = F.engine(RiskLimits(maxOrderValue: F.p("142799.99")))
        let d = engine.check(F.order(qty: 100, limit: nil, type: .market), market: F.market)
        #expect(d.rejection?.description == "RISK_CLIENT_LIMIT: rule=maxOrderValue limit=142799.99 value=142800.00")
    }

    @Test(arguments: [(Int64(1000), "ok"), (1001, "RISK_CLIENT_LIMIT maxOrderQuantity")])
    func maxOrderQuantityIsInclusive(qty: Int64, expected: String) {
        let engine = F.engine(RiskLimits(maxOrderQuantity: Quantity(1000)))
        #expect(F.summary(engine.check(F.order(qty: qty, limit: "100"), market: F.market)) == expected)
    }

    @Test func maxOpenOrdersCountsWorkingOrdersAndFreesOnClose() {
        let engine = F.engine(RiskLimits(maxOpenOrders: 3))
        let ids = (0..<3).compactMap { _ in engine.check(F.order(qty: 1), market: F.market).acceptance?.reservation }
        #expect(ids.count == 3)
        let fourth = engine.check(F.order(qty: 1), market: F.market)
        #expect(fourth.rejection == .clientLimit(.maxOpenOrders, limit: .count(3), value: .count(4)))
        engine.orderClosed(ids[0])
        #expect(engine.check(F.order(qty: 1), market: F.market).isAccepted)
        engine.applyFill(ids[1], quantity: Quantity(1), price: F.p("1400"))  // fully filled: closes
        #expect(engine.check(F.order(qty: 1), market: F.market).isAccepted)
        #expect(!engine.check(F.order(qty: 1), market: F.market).isAccepted)
    }

    /// Working value 300 × 1400 = 420000; limit 560000 leaves exactly 100 × 1400.
    @Test func maxOpenValueSumsUnfilledValue() {
        let engine = F.engine(RiskLimits(maxOpenValue: F.p("560000")))
        let first = engine.check(F.order(qty: 300), market: F.market).acceptance!.reservation
        #expect(F.summary(engine.check(F.order(qty: 101), market: F.market)) == "RISK_CLIENT_LIMIT maxOpenValue")
        engine.applyFill(first, quantity: Quantity(100), price: F.p("1395"))  // frees 100 × 1400
        #expect(engine.exposure(for: F.client)?.openOrderValue == F.p("280000"))
        #expect(F.summary(engine.check(F.order(qty: 200), market: F.market)) == "ok")
        #expect(F.summary(engine.check(F.order(qty: 1), market: F.market)) == "RISK_CLIENT_LIMIT maxOpenValue")
    }

    /// Long 1000 at 1400.00; MTM at 1350.00 = −50000.00, at 1349.90 = −50100.00. Limit 50000.00.
    @Test(arguments: [
        ("1350.00", Side.buy, Int64(10), "ok"),
        ("1349.90", .buy, 10, "RISK_CLIENT_LIMIT maxDailyLoss"),
        ("1349.90", .sell, 500, "ok"),     // reduces exposure
        ("1349.90", .sell, 1000, "ok"),    // closes it
        ("1349.90", .sell, 1001, "RISK_CLIENT_LIMIT maxDailyLoss"),  // would flip to short
    ])
    func onceTheDailyLossIsBreachedOnlyReducingOrdersPass(mark: String, side: Side, qty: Int64, expected: String) {
        let engine = F.engine(RiskLimits(maxDailyLoss: F.p("50000")))
        engine.loadPosition(client: F.client, instrument: F.reliance, product: .cnc, quantity: 1000,
                            averagePrice: F.p("1400"))
        var market = F.market
        market.lastPrices[F.reliance.key] = F.p(mark)
        let d = engine.check(F.order(side, qty: qty, limit: "1350.00"), market: market)
        #expect(F.summary(d) == expected)
        if case .rejected(let r) = d {
            #expect(r.description == "RISK_CLIENT_LIMIT: rule=maxDailyLoss limit=50000.00 value=50100.00")
        }
    }

    /// Bought 100 at 1400, sold 100 at 1300: realised −10000.00 (flat, so no MTM).
    @Test func dailyLossIncludesRealisedPnL() {
        let engine = F.engine(RiskLimits(maxDailyLoss: F.p("9999.99")))
        let buy = engine.check(F.order(qty: 100), market: F.market).acceptance!.reservation
        engine.applyFill(buy, quantity: Quantity(100), price: F.p("1400"))
        let sell = engine.check(F.order(.sell, qty: 100, limit: "1300"), market: F.market).acceptance!.reservation
        engine.applyFill(sell, quantity: Quantity(100), price: F.p("1300"))
        #expect(engine.dayPnL(for: F.client, market: F.market) == F.p("-10000"))
        #expect(F.summary(engine.check(F.order(qty: 1), market: F.market)) == "RISK_CLIENT_LIMIT maxDailyLoss")
        engine.setLimits(RiskLimits(maxDailyLoss: F.p("10000")), for: F.client)
        #expect(F.summary(engine.check(F.order(qty: 1), market: F.market)) == "ok")
    }

    @Test func clientWithoutLimitsIsRejected() {
        let d = F.engine().check(F.order(qty: 1, client: ClientID("NOBODY")), market: F.market)
        #expect(d.rejection?.description == "RISK_CLIENT_LIMIT: rule=limitsNotConfigured client=NOBODY")
    }

    @Test func limitsRoundTripThroughJSON() throws {
        let json = """
            {"maxOrderValue":"500000.00","maxOrderQuantity":1000,"maxOpenOrders":10,"maxDailyLoss":"25000.5",
             "availableMargin":"200000","symbolCaps":{"NSE_EQ|INE002A01018":{"maxOrderQuantity":500}}}
            """
        let limits = try JSONDecoder().decode(RiskLimits.self, from: Data(json.utf8))
        #expect(limits.maxOrderValue == F.p("500000"))
        #expect(limits.maxOrderQuantity == Quantity(1000))
        #expect(limits.maxOpenOrders == 10)
        #expect(limits.maxDailyLoss == F.p("25000.5"))
        #expect(limits.maxOpenValue == nil && limits.intradayVaRLimit == nil)
        #expect(limits.symbolCaps[F.reliance.key]?.maxOrderQuantity == Quantity(500))
        let again = try JSONDecoder().decode(RiskLimits.self, from: JSONEncoder().encode(limits))
        #expect(again == limits)
    }
}
