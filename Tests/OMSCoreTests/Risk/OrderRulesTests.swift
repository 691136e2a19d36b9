import OMSCore
import Testing

/// Quantity, tick, price band and symbol-cap rules, each with both sides of its boundary.
struct OrderRulesTests {
    typealias F = RiskFixtures

    @Test(arguments: [
        (Int64(65), "ok"), (130, "ok"), (1755, "ok"),
        (0, "BAD_QTY nonPositive"), (-65, "BAD_QTY nonPositive"),
        (64, "BAD_QTY notLotMultiple"), (66, "BAD_QTY notLotMultiple"), (100, "BAD_QTY notLotMultiple"),
    ])
    func derivativeQuantityIsPositiveAndALotMultiple(qty: Int64, expected: String) {
        let engine = F.engine()
        let d = engine.check(F.order(F.nearFuture, qty: qty, limit: "25000", product: .nrml), market: F.market)
        #expect(F.summary(d) == expected)
    }

    @Test(arguments: [(Int64(1), "ok"), (7, "ok"), (0, "BAD_QTY nonPositive")])
    func cashQuantityNeedsOnlyToBePositive(qty: Int64, expected: String) {
        #expect(F.summary(F.engine().check(F.order(qty: qty), market: F.market)) == expected)
    }

    /// Tick ₹0.10 for RELIANCE; LIMIT uses the limit price, SL-M the trigger, SL both.
    @Test(arguments: [
        (OrderType.limit, "1402.50" as String?, nil as String?, "ok"),
        (.limit, "1402.55", nil, "BAD_TICK limitPrice"),
        (.limit, "1402.51", nil, "BAD_TICK limitPrice"),
        (.stopLimit, "1402.50", "1400.00", "ok"),
        (.stopLimit, "1402.50", "1400.05", "BAD_TICK triggerPrice"),
        (.stop, nil, "1400.10", "ok"),
        (.stop, nil, "1400.01", "BAD_TICK triggerPrice"),
        (.limit, nil, nil, "UNSUPPORTED missingPrice"),
        (.stopLimit, "1402.50", nil, "UNSUPPORTED missingPrice"),
        (.stop, nil, nil, "UNSUPPORTED missingPrice"),
        (.limit, "0", nil, "UNSUPPORTED nonPositivePrice"),
        (.limit, "-1400", nil, "UNSUPPORTED nonPositivePrice"),
        (.market, "1402.55", nil, "ok"),  // a market order's stray limit price is ignored
    ])
    func pricesMustBeOnATick(type: OrderType, limit: String?, trigger: String?, expected: String) {
        let d = F.engine().check(F.order(qty: 10, limit: limit, type: type, trigger: trigger), market: F.market)
        #expect(F.summary(d) == expected)
    }

    static let bands = PriceBands([F.reliance.key: PriceBand(lower: F.p("1260"), upper: F.p("1540"))])

    /// Band 1260.00 – 1540.00: both bounds are inside.
    @Test(arguments: [
        (OrderType.limit, "1260.00" as String?, nil as String?, "ok"),
        (.limit, "1540.00", nil, "ok"),
        (.limit, "1259.90", nil, "RISK_PRICE_BAND limitPrice"),
        (.limit, "1540.10", nil, "RISK_PRICE_BAND limitPrice"),
        (.stopLimit, "1500.00", "1540.10", "RISK_PRICE_BAND triggerPrice"),
        (.stop, nil, "1259.90", "RISK_PRICE_BAND triggerPrice"),
        (.stop, nil, "1260.00", "ok"),
    ])
    func limitAndTriggerPricesMustLieInTheBand(type: OrderType, limit: String?, trigger: String?, expected: String) {
        let engine = F.engine(bands: Self.bands)
        let d = engine.check(F.order(qty: 10, limit: limit, type: type, trigger: trigger), market: F.market)
        #expect(F.summary(d) == expected)
    }

    @Test func instrumentWithoutABandIsNotBandChecked() {
        let engine = F.engine(bands: Self.bands)
        #expect(engine.check(F.order(F.tcs, qty: 1, limit: "9999.90"), market: F.market).isAccepted)
    }

    @Test func bandFileParsesAndReportsUnusableRows() {
        let csv = """
            date,exchange,symbol,lower_limit,upper_limit
            2026-11-25,NSE,RELIANCE,1388.05,1696.55
            2026-11-25,NSE,UNKNOWN,10.00,12.00
            2026-11-25,NSE,TCS,3650.25,2986.55
            """
        let (bands, problems) = PriceBands.parse(csv: csv) { exchange, symbol in
            guard exchange == "NSE" else { return nil }
            return symbol == "RELIANCE" ? F.reliance.key : symbol == "TCS" ? F.tcs.key : nil
        }
        #expect(bands[F.reliance.key] == PriceBand(lower: F.p("1388.05"), upper: F.p("1696.55")))
        #expect(bands[F.tcs.key] == nil)
        #expect(problems.map(\.line) == [3, 4])
    }

    // MARK: Freeze quantity and slicing

    /// NIFTY future: freeze 1800, lot 65 → largest child 27 lots = 1755; RELIANCE: freeze 100000.
    static let freezeCases: [(Instrument, Int64, Bool, String)] = [
        (F.reliance, 100_000, false, "ok"),
        (F.reliance, 100_001, false, "RISK_QTY_CAP freezeQuantity"),
        (F.nearFuture, 1755, false, "ok"),
        (F.nearFuture, 1820, false, "RISK_QTY_CAP freezeQuantity"),
        (F.nearFuture, 1820, true, "ok"),
        (F.nearFuture, 25 * 1755, true, "ok"),
        (F.nearFuture, 25 * 1755 + 65, true, "RISK_QTY_CAP maxSlices"),
    ]

    @Test(arguments: freezeCases)
    func aboveTheFreezeQuantityIsRejectedUnlessSliced(instrument: Instrument, qty: Int64, slice: Bool,
                                                      expected: String) {
        let limit = instrument.isDerivative ? "25000" : "1400"
        let product: Product = instrument.isDerivative ? .nrml : .cnc
        let d = F.engine().check(F.order(instrument, qty: qty, limit: limit, product: product, slice: slice),
                                 market: F.market)
        #expect(F.summary(d) == expected)
    }

    static let sliceCases: [(Int64, [Int64])] = [
        (1820, [1755, 65]),
        (3510, [1755, 1755]),
        (3575, [1755, 1755, 65]),
        (1755, []),
    ]

    @Test(arguments: sliceCases)
    func slicesAreAtMostTheFreezeQuantityInLotsAndSumToTheParent(qty: Int64, children: [Int64]) {
        let d = F.engine().check(F.order(F.nearFuture, qty: qty, limit: "25000", product: .nrml, slice: true),
                                 market: F.market)
        let a = d.acceptance!
        #expect(a.childQuantities.map(\.value) == children)
        if a.isSliced {
            #expect(a.childQuantities.reduce(0) { $0 + $1.value } == qty)
            #expect(a.childQuantities.allSatisfy { $0.value <= 1800 && $0.value % 65 == 0 })
        }
    }

    @Test func aSlicedOrderIsOneOpenOrder() {
        let engine = F.engine(RiskLimits(maxOpenOrders: 1))
        let d = engine.check(F.order(F.nearFuture, qty: 3575, limit: "25000", product: .nrml, slice: true),
                             market: F.market)
        #expect(d.acceptance?.childQuantities.count == 3)
        #expect(engine.exposure(for: F.client)?.openOrders == 1)
    }

    // MARK: Symbol caps

    @Test(arguments: [(Int64(500), "ok"), (501, "RISK_QTY_CAP symbolOrderQuantity")])
    func symbolOrderCapIsInclusive(qty: Int64, expected: String) {
        let caps = SymbolCaps([F.reliance.key: SymbolCap(maxOrderQuantity: Quantity(500))])
        let engine = F.engine(RiskLimits(symbolCaps: caps))
        #expect(F.summary(engine.check(F.order(qty: qty), market: F.market)) == expected)
        #expect(engine.check(F.order(F.tcs, qty: 501, limit: "3000"), market: F.market).isAccepted)
    }

    /// Long 800, cap 1000: working buys count as filled; sells that reduce the position always pass.
    @Test func symbolPositionCapCountsWorkingOrdersOnTheSameSide() {
        let caps = SymbolCaps([F.reliance.key: SymbolCap(maxPositionQuantity: Quantity(1000))])
        let engine = F.engine(RiskLimits(symbolCaps: caps))
        engine.loadPosition(client: F.client, instrument: F.reliance, product: .cnc, quantity: 800,
                            averagePrice: F.p("1400"))
        #expect(F.summary(engine.check(F.order(qty: 201), market: F.market)) == "RISK_QTY_CAP symbolPosition")
        #expect(F.summary(engine.check(F.order(qty: 150), market: F.market)) == "ok")
        #expect(F.summary(engine.check(F.order(qty: 51), market: F.market)) == "RISK_QTY_CAP symbolPosition")
        #expect(F.summary(engine.check(F.order(qty: 50), market: F.market)) == "ok")  // 800 + 150 + 50 = 1000
        #expect(F.summary(engine.check(F.order(.sell, qty: 800), market: F.market)) == "ok")
        // Short side: 800 − 800 working − 1001 = −1001.
        #expect(F.summary(engine.check(F.order(.sell, qty: 1001), market: F.market)) == "RISK_QTY_CAP symbolPosition")
        #expect(F.summary(engine.check(F.order(.sell, qty: 1000), market: F.market)) == "ok")
    }
}
