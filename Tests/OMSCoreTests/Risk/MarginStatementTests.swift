import OMSCore
import Testing

/// `trader-cli margin`'s numbers: the parts of the requirement the engine checks orders against.
struct MarginStatementTests {
    typealias F = RiskFixtures

    /// One NIFTY future lot long at 25000 (lot 65, PSR 9.3 %, ELM 2 %):
    /// scan risk = 25000 × 65 × 9.3 % = 151125.00 (scenario ±1 PSR; the extreme move weighs 2 × 35 % = 0.7 PSR);
    /// exposure = 25000 × 65 × 2 % = 32500.00; utilised = 183625.00; free = 200000 − 183625 = 16375.00.
    @Test func oneFutureLotSplitsIntoScanRiskAndExposure() throws {
        let engine = F.engine(RiskLimits(availableMargin: F.p("200000")))
        engine.loadPosition(client: F.client, instrument: F.nearFuture, product: .nrml, quantity: 65,
                            averagePrice: F.p("25000"))
        let s = try #require(try engine.marginStatement(for: F.client, market: F.market)?.get())
        #expect(s.scanningRisk == F.p("151125"))
        #expect(s.exposureMargin == F.p("32500"))
        #expect(s.calendarSpreadCharge == .zero && s.shortOptionMinimum == .zero && s.longOptionValue == .zero)
        #expect(s.spanRequirement == F.p("151125"))
        #expect(s.utilised == F.p("183625"))
        #expect(s.available == F.p("200000") && s.free == F.p("16375"))
        #expect(s.underlyings.map(\.key) == [F.niftyIndex])
    }

    /// A calendar spread: the statement's total is the engine's requirement (94709.88, the worked example in
    /// SPANCalculatorTests) and its parts add up to it.
    @Test func calendarSpreadPartsAddUpToTheRequirement() throws {
        let engine = F.engine(RiskLimits(availableMargin: nil))
        engine.loadPosition(client: F.client, instrument: F.nearFuture, product: .nrml, quantity: 65,
                            averagePrice: F.p("25000"))
        engine.loadPosition(client: F.client, instrument: F.farFuture, product: .nrml, quantity: -65,
                            averagePrice: F.p("25150"))
        let s = try #require(try engine.marginStatement(for: F.client, market: F.market)?.get())
        #expect(s.utilised == F.p("94709.88"))
        #expect(s.utilised == engine.marginRequirement(for: F.client, market: F.market))
        #expect(s.calendarSpreadCharge > .zero)
        #expect(s.spanRequirement + s.exposureMargin - s.longOptionValue == s.utilised)
        #expect(s.available == nil && s.free == nil)
    }

    @Test func workingOptionBuyShowsAsReservedPremium() throws {
        let call = F.niftyOption(.call, strike: 25000, days: 73)
        let engine = F.engine(RiskLimits(availableMargin: F.p("50000")))
        #expect(engine.check(F.order(call, qty: 65, limit: "668.90", product: .nrml), market: F.market).isAccepted)
        let s = try #require(try engine.marginStatement(for: F.client, market: F.market)?.get())
        #expect(s.premiumReserved == F.p("43478.50"))
        #expect(s.utilised == engine.marginRequirement(for: F.client, market: F.market))
    }

    @Test func unknownClientHasNoStatementAndMissingDataIsARejection() {
        let engine = F.engine()
        #expect(engine.marginStatement(for: F.otherClient, market: F.market) == nil)
        engine.loadPosition(client: F.client, instrument: F.nearFuture, product: .nrml, quantity: 65,
                            averagePrice: F.p("25000"))
        let r = engine.marginStatement(for: F.client, market: MarketSnapshot(tradingDay: F.today))
        #expect(r == .failure(.missingMarketData(.spanMargin, instrument: F.nearFuture.key)))
    }
}
