import OMSCore
import Testing

/// EWMA covariance and parametric VaR, worked by hand for two instruments and recomputed with a plain loop.
struct IntradayVaRTests {
    /// Daily returns: A = RELIANCE, B = TCS.
    static let a = [0.01, -0.02, 0.015]
    static let b = [0.005, -0.01, 0.02]

    /// λ = 0.94, seeded with the first day's products:
    ///   t=1: σA² = 0.01² = 1.0e-4;  σB² = 0.005² = 2.5e-5;  cov = 0.01 × 0.005 = 5.0e-5
    ///   t=2: σA² = 0.94 × 1.0e-4 + 0.06 × 0.02² = 9.4e-5 + 2.4e-5 = 1.18e-4
    ///        σB² = 0.94 × 2.5e-5 + 0.06 × 0.01² = 2.35e-5 + 6.0e-6 = 2.95e-5
    ///        cov = 0.94 × 5.0e-5 + 0.06 × (−0.02 × −0.01) = 4.7e-5 + 1.2e-5 = 5.9e-5
    ///   t=3: σA² = 0.94 × 1.18e-4 + 0.06 × 0.015² = 1.1092e-4 + 1.35e-5 = 1.2442e-4
    ///        σB² = 0.94 × 2.95e-5 + 0.06 × 0.02² = 2.773e-5 + 2.4e-5 = 5.173e-5
    ///        cov = 0.94 × 5.9e-5 + 0.06 × (0.015 × 0.02) = 5.546e-5 + 1.8e-5 = 7.346e-5
    @Test func ewmaCovarianceWorkedExample() {
        let c = EWMACovariance(returns: [Self.a, Self.b])
        #expect(abs(c[0, 0] - 1.2442e-4) < 1e-15)
        #expect(abs(c[1, 1] - 5.173e-5) < 1e-15)
        #expect(abs(c[0, 1] - 7.346e-5) < 1e-15)
        #expect(c[0, 1] == c[1, 0])
        #expect(c.observations == 3)
        #expect(abs(c.volatility(0) - 1.2442e-4.squareRoot()) < 1e-15)
    }

    /// Long ₹10,00,000 of A, short ₹5,00,000 of B:
    ///   eᵀΣe = 1e6² × 1.2442e-4 + 5e5² × 5.173e-5 + 2 × 1e6 × (−5e5) × 7.346e-5
    ///        = 124,420,000 + 12,932,500 − 73,460,000 = 63,892,500
    ///   √ = 7993.2784263;  z(99 %) = 2.3263478740;  VaR(1 day) = 2.3263478740 × 7993.2784263 = 18595.14627
    @Test func parametricVaRWorkedExample() {
        let model = IntradayVaRModel(factors: [InstrumentKey("A"), InstrumentKey("B")],
                                     covariance: EWMACovariance(returns: [Self.a, Self.b]))
        let v = IntradayVaR(model: model, exposures: [1_000_000, -500_000])
        #expect(abs(v.variance - 63_892_500) < 1e-6)
        #expect(abs(v.value - 18595.14627) < 0.00001)
        // Independently, with a plain double loop.
        let sigma = [[1.2442e-4, 7.346e-5], [7.346e-5, 5.173e-5]]
        let e = [1_000_000.0, -500_000]
        var q = 0.0
        for i in 0..<2 { for j in 0..<2 { q += e[i] * sigma[i][j] * e[j] } }
        #expect(abs(v.value - 2.326347874040841 * q.squareRoot()) < 1e-6)
    }

    /// Horizon h scales by √h: 4 days doubles it; confidence 95 % uses z = 1.6448536270.
    @Test func confidenceAndHorizonAreConfigurable() {
        let cov = EWMACovariance(returns: [Self.a, Self.b])
        let keys = [InstrumentKey("A"), InstrumentKey("B")]
        let fourDays = IntradayVaR(model: IntradayVaRModel(factors: keys, covariance: cov, horizonDays: 4),
                                   exposures: [1_000_000, -500_000])
        #expect(abs(fourDays.value - 2 * 18595.14627) < 0.0001)
        let p95 = IntradayVaR(model: IntradayVaRModel(factors: keys, covariance: cov, confidence: 0.95),
                              exposures: [1_000_000, -500_000])
        #expect(abs(p95.value - 1.644853627 * 7993.2784263) < 0.0001)
    }

    /// Adding ₹1,00,000 of A: e = (1.1e6, −5e5):
    ///   eᵀΣe = 1.21e12 × 1.2442e-4 + 12,932,500 − 2 × 1.1e6 × 5e5 × 7.346e-5
    ///        = 150,548,200 + 12,932,500 − 80,806,000 = 82,674,700;  VaR = 2.3263478740 × 9092.5623 = 21152.46436
    @Test func incrementalUpdateMatchesTheWorkedExampleAndAFullRecompute() {
        let model = IntradayVaRModel(factors: [InstrumentKey("A"), InstrumentKey("B")],
                                     covariance: EWMACovariance(returns: [Self.a, Self.b]))
        var v = IntradayVaR(model: model, exposures: [1_000_000, -500_000])
        #expect(abs(v.variance(adding: 100_000, factor: 0) - 82_674_700) < 1e-6)
        #expect(abs(v.value(adding: 100_000, factor: 0) - 21152.46436) < 0.00001)
        v.add(100_000, factor: 0)
        #expect(abs(v.value - 21152.46436) < 0.00001)
        #expect(v.exposures == [1_100_000, -500_000])
        v.add(-100_000, factor: 0)
        #expect(abs(v.variance - 63_892_500) < 1e-6)
    }

    /// Many small updates on five factors stay equal to the O(n²) recompute of the same exposures.
    @Test func incrementalStateAgreesWithRecomputeOverManyUpdates() {
        var returns: [[Double]] = []
        for i in 0..<5 {
            var series: [Double] = []
            for t in 0..<30 {
                let step = ((i + 1) * (t + 3)) % 7 - 3
                series.append(0.01 * Double(step) / 3)
            }
            returns.append(series)
        }
        let model = IntradayVaRModel(factors: (0..<5).map { InstrumentKey("F\($0)") },
                                     covariance: EWMACovariance(returns: returns))
        var v = IntradayVaR(model: model)
        for step in 0..<200 {
            v.add(Double((step * 7919) % 20_001 - 10_000), factor: step % 5)
        }
        let full = IntradayVaR(model: model, exposures: v.exposures)
        #expect(abs(v.variance - full.variance) <= 1e-9 * max(full.variance, 1))
    }

    @Test func logReturnsFromPrices() {
        let r = EWMACovariance.logReturns([100, 110, 99])
        #expect(r.count == 2)
        #expect(abs(r[0] - 0.0953101798) < 1e-9)
        #expect(abs(r[1] - (-0.1053605157)) < 1e-9)
    }
}
