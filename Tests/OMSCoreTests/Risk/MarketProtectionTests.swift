import OMSCore
import Testing

/// SEBI market protection: protection = reference × (1 ± pct), buy rounded up and sell down to the tick,
/// clamped into the band.
struct MarketProtectionTests {
    typealias F = RiskFixtures

    /// RELIANCE LTP 1400.00, tick 0.10, no band. Tag 5004: nil or −1 = auto (2 %), 0 … 25 as given.
    @Test(arguments: [
        (Side.buy, nil as Int?, "1428.00"),   // 1400 × 1.02
        (.buy, -1, "1428.00"),
        (.buy, 0, "1400.00"),
        (.buy, 25, "1750.00"),                // 1400 × 1.25, the largest allowed
        (.sell, 2, "1372.00"),                // 1400 × 0.98
        (.sell, 25, "1050.00"),
    ])
    func marketOrdersGetAProtectionPrice(side: Side, pct: Int?, expected: String) {
        let d = F.engine().check(F.order(side, qty: 10, limit: nil, type: .market, protection: pct), market: F.market)
        #expect(d.acceptance?.protectionPrice == F.p(expected))
        #expect(d.acceptance?.valuationPrice == F.p(expected))
    }

    @Test(arguments: [26, 100, -2])
    func protectionOutsideZeroToTwentyFiveIsUnsupported(pct: Int) {
        let d = F.engine().check(F.order(qty: 10, limit: nil, type: .market, protection: pct), market: F.market)
        #expect(F.summary(d) == "UNSUPPORTED marketProtectionPct")
        #expect(d.rejection?.ordRejReason == 11)
    }

    /// LTP 1401.30, 3 %: buy 1443.339 → up to 1443.40; sell 1359.261 → down to 1359.20.
    @Test func protectionRoundsAwayFromTheTradeForBuysAndTowardsForSells() {
        var market = F.market
        market.lastPrices[F.reliance.key] = F.p("1401.30")
        let engine = F.engine()
        let buy = engine.check(F.order(.buy, qty: 1, limit: nil, type: .market, protection: 3), market: market)
        let sell = engine.check(F.order(.sell, qty: 1, limit: nil, type: .market, protection: 3), market: market)
        #expect(buy.acceptance?.protectionPrice == F.p("1443.40"))
        #expect(sell.acceptance?.protectionPrice == F.p("1359.20"))
    }

    /// SL-M turns into a market order at the trigger, so the trigger is the reference: 1500 × 1.02 = 1530.
    @Test func stopMarketProtectsFromTheTrigger() {
        let d = F.engine().check(F.order(qty: 1, limit: nil, type: .stop, trigger: "1500.00", protection: 2),
                                 market: F.market)
        #expect(d.acceptance?.protectionPrice == F.p("1530.00"))
    }

    /// Band 1260 – 1540: a buy at 25 % (1750) is clamped to 1540; a sell at 25 % (1050) to 1260.
    @Test func protectionIsClampedIntoTheBand() {
        let bands = PriceBands([F.reliance.key: PriceBand(lower: F.p("1260"), upper: F.p("1540"))])
        let engine = F.engine(bands: bands)
        let buy = engine.check(F.order(.buy, qty: 1, limit: nil, type: .market, protection: 25), market: F.market)
        let sell = engine.check(F.order(.sell, qty: 1, limit: nil, type: .market, protection: 25), market: F.market)
        #expect(buy.acceptance?.protectionPrice == F.p("1540"))
        #expect(sell.acceptance?.protectionPrice == F.p("1260"))
    }

    /// A stale LTP below the band: 1200 × 1.02 = 1224 < 1260 cannot be clamped up for a buy.
    @Test func protectionOutsideTheBandIsRejected() {
        let bands = PriceBands([F.reliance.key: PriceBand(lower: F.p("1260"), upper: F.p("1540"))])
        var market = F.market
        market.lastPrices[F.reliance.key] = F.p("1200")
        let d = F.engine(bands: bands).check(F.order(qty: 1, limit: nil, type: .market, protection: 2), market: market)
        #expect(d.rejection == .priceBand(.protectionPrice, lower: F.p("1260"), upper: F.p("1540"), value: F.p("1224")))
    }

    @Test func marketOrderWithoutALastPriceIsRejected() {
        let d = F.engine().check(F.order(qty: 1, limit: nil, type: .market), market: MarketSnapshot())
        #expect(d.rejection == .missingMarketData(.marketProtection, instrument: F.reliance.key))
        #expect(d.rejection?.code == .priceBand)
    }

    @Test func limitOrdersHaveNoProtectionPrice() {
        let d = F.engine().check(F.order(qty: 1, limit: "1400", protection: 99), market: F.market)
        #expect(d.acceptance?.protectionPrice == nil)
    }
}

/// Prices and values at the edge of Int64: accepted by the parsers, they must not trap the risk engine (one
/// order would have stopped the whole server).
struct RiskArithmeticEdgeTests {
    typealias F = RiskFixtures

    /// An SL-M buy with a trigger near Int64.max units and no band: 2 % on top saturates, and rounding up to the
    /// tick used to overflow.
    @Test func aProtectionPriceNearTheLargestPriceDoesNotTrap() {
        let huge = Price(units: 9_050_000_000_000_000_000)
        let buy = MarketProtection.price(side: .buy, reference: huge, percent: Rate(whole: 2), tick: Price(units: 500), band: nil)
        guard case .success(let p) = buy else { Issue.record("\(buy)"); return }
        #expect(p.units > huge.units && p.units % 500 == 0)
        let sell = MarketProtection.price(side: .sell, reference: huge, percent: Rate(whole: 2), tick: Price(units: 500), band: nil)
        guard case .success(let s) = sell else { Issue.record("\(sell)"); return }
        #expect(s.units < huge.units && s.units % 500 == 0)
    }

    /// Three orders whose values together pass Int64 (a client with no value limit, prices without a band):
    /// the open value saturates when they are reserved, and freeing them one by one used to trap.
    @Test func freeingOrdersWhoseValuesSaturatedDoesNotTrap() {
        let engine = F.engine()
        let ids = (0..<3).compactMap { _ in
            engine.check(F.order(qty: 100, limit: "9000000000000"), market: F.market).acceptance?.reservation
        }
        #expect(ids.count == 3, "\(F.summary(engine.check(F.order(qty: 100, limit: "9000000000000"), market: F.market)))")
        #expect(engine.exposure(for: F.client)?.openOrderValue == Price(units: .max))
        for id in ids { engine.orderClosed(id) }
        let e = engine.exposure(for: F.client)
        #expect(e?.openOrders == 0 && e?.openOrderValue == .zero)
    }
}
