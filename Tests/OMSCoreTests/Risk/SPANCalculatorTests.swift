import OMSCore
import Testing

/// SPAN worked examples. NSE index parameters: PSR 9.3 %, VSR 4 points, extreme 2 × PSR at 35 %, calendar
/// spread 1.75 % of the far month, short option minimum 3 %, exposure 2 %. One NIFTY lot = 65 units.
struct SPANCalculatorTests {
    typealias F = RiskFixtures
    let calculator = SPANCalculator(parameters: .nseIndex)

    func position(_ i: Instrument, _ qty: Int64) -> SPANPosition {
        SPANPosition(contract: SPANContract(i)!, quantity: qty)
    }

    @Test func scenarioTableHasSixteenRowsWithWeightedExtremes() {
        let s = SPANScenario.standard()
        #expect(s.count == 16)
        #expect(s.prefix(14).allSatisfy { $0.weight == 1 && abs($0.volatilityMove) == 1 })
        #expect(s[14] == SPANScenario(priceMove: 2, volatilityMove: 0, weight: 0.35))
        #expect(s[15] == SPANScenario(priceMove: -2, volatilityMove: 0, weight: 0.35))
        #expect(s[10].priceMove == 1 && s[12].priceMove == -1)
    }

    /// Future at 25000: one PSR move = 25000 × 9.3 % = 2325 per unit. Long unit losses by scenario:
    ///   1/2: 0;  3/4: −775;  5/6: +775;  7/8: −1550;  9/10: +1550;  11/12: −2325;  13/14: +2325;
    ///   15: −(2 × 2325) × 0.35 = −1627.5;  16: +1627.5.
    @Test func futureRiskArray() throws {
        let a = try calculator.riskArray(SPANContract(F.nearFuture)!, market: F.market)
        let expected: [Double] = [0, 0, -775, -775, 775, 775, -1550, -1550, 1550, 1550, -2325, -2325, 2325, 2325,
                                  -1627.5, 1627.5]
        for i in 0..<16 { #expect(abs(a[i] - expected[i]) < 1e-9, "scenario \(i + 1)") }
    }

    /// Long 1 lot at 25000:
    ///   scanning risk = 2325 × 65 = 151125.00 (scenario 13: price −1 PSR; extreme: 1627.5 × 65 = 105787.50)
    ///   exposure = 2 % × 25000 × 65 = 32500.00;  no spread, no short option
    ///   total = max(151125.00 + 0, 0) + 32500.00 = 183625.00
    @Test func singleLongFutureWorkedExample() throws {
        let m = try calculator.margin([position(F.nearFuture, 65)], market: F.market)
        #expect(m.scanningRisk == F.p("151125"))
        #expect(m.worstScenario == 13)
        #expect(m.calendarSpreadCharge == .zero && m.shortOptionMinimum == .zero)
        #expect(m.exposureMargin == F.p("32500"))
        #expect(m.total == F.p("183625"))
        let short = try calculator.margin([position(F.nearFuture, -65)], market: F.market)
        #expect(short.total == F.p("183625") && short.worstScenario == 11)
    }

    /// Short 1 lot NIFTY 25000 CE, 73 days (T = 0.2), σ = 15 %, underlying 25000, r = 0.
    ///   Now: C = 668.92112 (Black76Tests.atTheMoneyCallWorkedExample).
    ///   Scenario 11 (+1 PSR, +VSR): F = 25000 × 1.093 = 27325, σ = 0.19 → C = 2494.10297
    ///     loss per short unit = 2494.10297 − 668.92112 = 1825.18185;  × 65 = 118636.8204
    ///   Scenario 15 (+2 PSR, σ unchanged): F = 29650 → C = 4653.20018;
    ///     (4653.20018 − 668.92112) × 0.35 = 1394.49767
    ///     per unit, × 65 = 90642.35 — less than scenario 11.
    ///   scanning risk = 118636.8204 → 118636.83 (rounded up to the paisa)
    ///   short option minimum = 3 % × 25000 × 65 = 48750.00;  exposure = 2 % × 25000 × 65 = 32500.00
    ///   total = max(118636.83, 48750.00) + 32500.00 = 151136.83
    @Test func shortCallWorkedExample() throws {
        let call = F.niftyOption(.call, strike: 25000, days: 73)
        let a = try calculator.riskArray(SPANContract(call)!, market: F.market)
        #expect(abs(-a[10] - 1825.18185) < 0.00001)               // long unit gains what the short loses
        #expect(abs(-a[14] - 1394.49767) < 0.00001)
        let independent = Black76Tests.referenceCall(f: 27325, k: 25000, t: 0.2, sigma: 0.19)
            - Black76Tests.referenceCall(f: 25000, k: 25000, t: 0.2, sigma: 0.15)
        #expect(abs(-a[10] - independent) < 1e-6)
        let m = try calculator.margin([position(call, -65)], market: F.market)
        #expect(m.worstScenario == 11)
        #expect(m.scanningRisk == F.p("118636.83"))
        #expect(m.shortOptionMinimum == F.p("48750"))
        #expect(m.exposureMargin == F.p("32500"))
        #expect(m.total == F.p("151136.83"))
    }

    /// Long 1 lot near month at 25000, short 1 lot far month at 25150.
    ///   Per scenario: 65 × 9.3 % × m × (25150 − 25000) = 906.75 × m  → scanning = 906.75 (scenario 11, m = +1;
    ///   extreme 2 × 906.75 × 0.35 = 634.725)
    ///   calendar spread = 65 matched units × 25150 (far leg) × 1.75 % = 28608.125 → 28608.13
    ///   exposure = 2 % × 65 × (25000 + 25150) = 65195.00
    ///   total = 906.75 + 28608.13 + 65195.00 = 94709.88
    @Test func calendarSpreadWorkedExample() throws {
        let m = try calculator.margin([position(F.nearFuture, 65), position(F.farFuture, -65)], market: F.market)
        #expect(m.scanningRisk == F.p("906.75"))
        #expect(m.worstScenario == 11)
        #expect(m.calendarSpreadCharge == F.p("28608.13"))
        #expect(m.exposureMargin == F.p("65195"))
        #expect(m.total == F.p("94709.88"))
    }

    /// Only the matched part is a spread: long 2 lots near, short 1 lot far → 65 units matched.
    @Test func calendarSpreadChargesOnlyMatchedUnits() throws {
        let m = try calculator.margin([position(F.nearFuture, 130), position(F.farFuture, -65)], market: F.market)
        #expect(m.calendarSpreadCharge == F.p("28608.13"))
        let same = try calculator.margin([position(F.nearFuture, 65), position(F.farFuture, 65)], market: F.market)
        #expect(same.calendarSpreadCharge == .zero)
    }

    /// Far out-of-the-money short put (strike 15000): scanning ≈ 0.02, so the short option minimum
    /// 3 % × 25000 × 65 = 48750.00 applies; total = 48750.00 + 32500.00 = 81250.00.
    @Test func shortOptionMinimumFloorsAFarOutOfTheMoneyShort() throws {
        let put = F.niftyOption(.put, strike: 15000, days: 73)
        let m = try calculator.margin([position(put, -65)], market: F.market)
        #expect(m.scanningRisk < F.p("1"))
        #expect(m.total == F.p("81250"))
    }

    /// A short index option on its expiry day carries 2 % more exposure margin (since 20-Nov-2024): 4 % × 25000 ×
    /// 65 = 65000.00, against 32500.00 the day before. Stock options have no such charge; a long has none.
    @Test func aShortIndexOptionOnItsExpiryDayCarriesTwoPercentMoreExposure() throws {
        let today = F.niftyOption(.call, strike: 25000, days: 0)
        let tomorrow = F.niftyOption(.call, strike: 25000, days: 1)
        #expect(try calculator.margin([position(today, -65)], market: F.market).exposureMargin == F.p("65000"))
        #expect(try calculator.margin([position(tomorrow, -65)], market: F.market).exposureMargin == F.p("32500"))
        #expect(try calculator.margin([position(today, 65)], market: F.market).exposureMargin == .zero)
        let stock = SPANCalculator(parameters: .nseStock)
        #expect(try stock.margin([position(today, -65)], market: F.market).exposureMargin == F.p("56875"))   // 3.5 %
    }

    @Test func longOptionsHaveNoExposureOrMinimumCharge() throws {
        let call = F.niftyOption(.call, strike: 25000, days: 73)
        let m = try calculator.margin([position(call, 65)], market: F.market)
        #expect(m.shortOptionMinimum == .zero && m.exposureMargin == .zero)
        // The worst case for a long call is scenario 14 (−PSR, −VSR): 668.92 − value, at most the premium.
        #expect(m.scanningRisk <= F.p("43480"))  // 668.92112 × 65 = 43479.87
    }

    @Test func missingDataIsReported() {
        let call = F.niftyOption(.call, strike: 25000, days: 73)
        var market = F.market
        market.volatilities = [:]
        #expect(throws: SPANError.missingVolatility(call.key)) {
            try calculator.margin([position(call, -65)], market: market)
        }
        #expect(throws: SPANError.missingPrice(F.niftyIndex)) {
            try calculator.margin([position(call, -65)], market: MarketSnapshot())
        }
    }

    @Test func emptyPortfolioNeedsNoMargin() throws {
        #expect(try calculator.margin([], market: F.market) == .zero)
    }
}

extension SPANCalculatorTests {
    /// A cached risk array gives the same margin, and is recomputed when the market moves.
    @Test func riskArrayCacheIsReusedUntilInputsChange() throws {
        let call = F.niftyOption(.call, strike: 25000, days: 73)
        var cache = SPANRiskArrayCache()
        let positions = [position(call, -65), position(F.nearFuture, 65)]
        let first = try calculator.margin(positions, market: F.market, cache: &cache)
        #expect(cache.count == 2)
        #expect(try calculator.margin(positions, market: F.market, cache: &cache) == first)
        #expect(first == (try calculator.margin(positions, market: F.market)))
        var moved = F.market
        moved.lastPrices[F.niftyIndex] = F.p("25100")
        #expect(try calculator.margin(positions, market: moved, cache: &cache)
            == (try calculator.margin(positions, market: moved)))
    }
}
