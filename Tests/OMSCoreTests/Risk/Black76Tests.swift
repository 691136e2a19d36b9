import Foundation
import OMSCore
import Testing

/// Black-76 and the normal distribution, checked against numbers worked out by hand and against an
/// independent normal CDF (Simpson's rule on the density, not erfc).
struct Black76Tests {
    /// Φ(x) = ½ + ∫₀ˣ φ(t) dt by composite Simpson's rule (4000 intervals): independent of the erfc-based code.
    static func referenceCDF(_ x: Double) -> Double {
        let n = 4000
        let h = abs(x) / Double(n)
        func phi(_ t: Double) -> Double { exp(-t * t / 2) / (2 * Double.pi).squareRoot() }
        var s = phi(0) + phi(abs(x))
        for i in 1..<n { s += (i % 2 == 1 ? 4 : 2) * phi(Double(i) * h) }
        let integral = s * h / 3
        return x >= 0 ? 0.5 + integral : 0.5 - integral
    }

    static func referenceCall(f: Double, k: Double, t: Double, sigma: Double, r: Double = 0) -> Double {
        let sd = sigma * t.squareRoot()
        let d1 = (log(f / k) + sigma * sigma * t / 2) / sd
        return exp(-r * t) * (f * referenceCDF(d1) - k * referenceCDF(d1 - sd))
    }

    @Test(arguments: [-3.0, -1.0, -0.0335410197, 0, 0.5, 1.0890381797, 2.5764914471, 4])
    func normalCDFMatchesAnIndependentIntegral(x: Double) {
        #expect(abs(NormalDistribution.cdf(x) - Self.referenceCDF(x)) < 1e-12)
    }

    @Test func normalQuantileInvertsTheCDF() {
        // Tables: z(0.99) = 2.326347874, z(0.95) = 1.644853627, z(0.975) = 1.959963985.
        #expect(abs(NormalDistribution.quantile(0.99) - 2.326347874040841) < 1e-9)
        #expect(abs(NormalDistribution.quantile(0.95) - 1.644853626951472) < 1e-9)
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-9)
        #expect(abs(NormalDistribution.quantile(0.01) + 2.326347874040841) < 1e-9)
        #expect(NormalDistribution.quantile(0).isNaN && NormalDistribution.quantile(1).isNaN)
    }

    /// F = K = 25000, σ = 15 %, T = 73/365 = 0.2, r = 0:
    ///   σ√T = 0.15 × 0.4472135955 = 0.0670820393
    ///   d1 = (ln 1 + 0.15² × 0.2 / 2) / 0.0670820393 = 0.00225 / 0.0670820393 = 0.0335410197;  d2 = −0.0335410197
    ///   Φ(d1) = 0.5133784224,  Φ(d2) = 0.4866215776
    ///   C = 25000 × 0.5133784224 − 25000 × 0.4866215776 = 25000 × 0.0267568448 = 668.92112
    @Test func atTheMoneyCallWorkedExample() {
        let c = Black76.price(.call, forward: 25000, strike: 25000, years: 0.2, volatility: 0.15)
        #expect(abs(c - 668.92112) < 0.00001)
        #expect(abs(c - Self.referenceCall(f: 25000, k: 25000, t: 0.2, sigma: 0.15)) < 1e-6)
    }

    /// F = 27325, K = 25000, σ = 19 %, T = 0.2 (the short call's worst SPAN scenario):
    ///   ln(27325/25000) = 0.0889262092;  σ²T/2 = 0.00361;  σ√T = 0.0849705831
    ///   d1 = 0.0925362092 / 0.0849705831 = 1.0890381797;  d2 = 1.0040675965
    ///   Φ(d1) = 0.8619314753,  Φ(d2) = 0.8423269836
    ///   C = 27325 × 0.8619314753 − 25000 × 0.8423269836 = 23552.27 − 21058.17 = 2494.10297
    @Test func inTheMoneyCallWorkedExample() {
        let c = Black76.price(.call, forward: 27325, strike: 25000, years: 0.2, volatility: 0.19)
        #expect(abs(c - 2494.10297) < 0.00001)
        #expect(abs(c - Self.referenceCall(f: 27325, k: 25000, t: 0.2, sigma: 0.19)) < 1e-6)
    }

    /// With r = 10 %: D = e^(−0.1 × 0.2) = 0.9801986733; ATM call = D × 668.92112 = 655.67559, and put–call
    /// parity C − P = D·(F − K) holds.
    @Test func discountingAndPutCallParity() {
        let c = Black76.price(.call, forward: 25000, strike: 25000, years: 0.2, volatility: 0.15, rate: 0.10)
        #expect(abs(c - 655.67559) < 0.00001)
        for k in [23000.0, 25000, 27000] {
            let call = Black76.price(.call, forward: 25000, strike: k, years: 0.2, volatility: 0.15, rate: 0.10)
            let put = Black76.price(.put, forward: 25000, strike: k, years: 0.2, volatility: 0.15, rate: 0.10)
            #expect(abs((call - put) - 0.9801986733 * (25000 - k)) < 1e-6)
        }
    }

    @Test func expiredOptionsAreWorthTheirIntrinsicValue() {
        #expect(Black76.price(.call, forward: 25100, strike: 25000, years: 0, volatility: 0.15) == 100)
        #expect(Black76.price(.put, forward: 25100, strike: 25000, years: 0, volatility: 0.15) == 0)
        #expect(Black76.delta(.call, forward: 25100, strike: 25000, years: 0, volatility: 0.15) == 1)
        #expect(Black76.delta(.put, forward: 24900, strike: 25000, years: 0, volatility: 0.15) == -1)
    }

    /// Delta = D·Φ(d1) for K = 24000, r = 10 %: d1 = (ln(25000/24000) + 0.00225)/0.0670820393 = 0.6420; 0.72494.
    @Test func deltaIsTheDiscountedProbability() {
        let d = Black76.delta(.call, forward: 25000, strike: 24000, years: 0.2, volatility: 0.15, rate: 0.10)
        #expect(abs(d - 0.7249443) < 1e-6)
        let p = Black76.delta(.put, forward: 25000, strike: 24000, years: 0.2, volatility: 0.15, rate: 0.10)
        #expect(abs((d - p) - 0.9801986733) < 1e-9)
    }
}
