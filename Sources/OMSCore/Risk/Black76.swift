import Foundation

/// Black-76: European options on a forward or futures price F.
///
/// d1 = (ln(F/K) + σ²T/2) / (σ√T),  d2 = d1 − σ√T,  D = e^(−rT)
/// call = D·(F·Φ(d1) − K·Φ(d2)),  put = D·(K·Φ(−d2) − F·Φ(−d1)).
/// At or after expiry (T ≤ 0) or with σ ≤ 0 the value is the discounted intrinsic value.
public enum Black76 {
    /// - Parameters:
    ///   - forward: F, the futures (or forward) price of the underlying.
    ///   - strike: K.
    ///   - years: T, time to expiry in years.
    ///   - volatility: σ, annualised, as a fraction (0.20 = 20 %).
    ///   - rate: r, continuously compounded, as a fraction.
    public static func price(_ type: OptionType, forward: Double, strike: Double, years: Double,
                             volatility: Double, rate: Double = 0) -> Double {
        let discount = exp(-rate * max(years, 0))
        guard years > 0, volatility > 0, forward > 0, strike > 0 else {
            let intrinsic = type == .call ? forward - strike : strike - forward
            return discount * max(intrinsic, 0)
        }
        let (d1, d2) = ds(forward: forward, strike: strike, years: years, volatility: volatility)
        switch type {
        case .call: return discount * (forward * NormalDistribution.cdf(d1) - strike * NormalDistribution.cdf(d2))
        case .put: return discount * (strike * NormalDistribution.cdf(-d2) - forward * NormalDistribution.cdf(-d1))
        }
    }

    /// ∂V/∂F: D·Φ(d1) for a call, −D·Φ(−d1) for a put (intrinsic delta at expiry).
    public static func delta(_ type: OptionType, forward: Double, strike: Double, years: Double,
                             volatility: Double, rate: Double = 0) -> Double {
        let discount = exp(-rate * max(years, 0))
        guard years > 0, volatility > 0, forward > 0, strike > 0 else {
            switch type {
            case .call: return forward > strike ? discount : 0
            case .put: return forward < strike ? -discount : 0
            }
        }
        let (d1, _) = ds(forward: forward, strike: strike, years: years, volatility: volatility)
        return type == .call ? discount * NormalDistribution.cdf(d1) : -discount * NormalDistribution.cdf(-d1)
    }

    static func ds(forward: Double, strike: Double, years: Double, volatility: Double) -> (Double, Double) {
        let sd = volatility * years.squareRoot()
        let d1 = (log(forward / strike) + 0.5 * volatility * volatility * years) / sd
        return (d1, d1 - sd)
    }
}
