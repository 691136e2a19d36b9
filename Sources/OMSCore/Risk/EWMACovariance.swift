import Foundation

/// RiskMetrics EWMA covariance of daily returns: Σ_t = λ·Σ_{t−1} + (1 − λ)·r_t·r_tᵀ, λ = 0.94 by default,
/// the same λ for variances and covariances so Σ stays positive semi-definite.
///
/// Seeded with the first observation's outer product (Σ_1 = r_1·r_1ᵀ), then updated for t = 2 … T.
public struct EWMACovariance: Hashable, Sendable {
    public let lambda: Double
    public let count: Int
    /// Row-major count × count.
    public private(set) var matrix: [Double]
    public private(set) var observations: Int

    /// An empty estimator (all zero) for `count` series.
    public init(count: Int, lambda: Double = 0.94) {
        precondition(count >= 0 && lambda > 0 && lambda < 1, "EWMA needs 0 < λ < 1")
        self.lambda = lambda
        self.count = count
        matrix = [Double](repeating: 0, count: count * count)
        observations = 0
    }

    /// From per-series returns, `returns[i][t]` = r_i,t; every series has the same length.
    public init(returns: [[Double]], lambda: Double = 0.94) {
        self.init(count: returns.count, lambda: lambda)
        let length = returns.first?.count ?? 0
        precondition(returns.allSatisfy { $0.count == length }, "return series of different lengths")
        var r = [Double](repeating: 0, count: count)
        for t in 0..<length {
            for i in 0..<count { r[i] = returns[i][t] }
            update(returns: r)
        }
    }

    /// Adds one day's returns (one per series).
    public mutating func update(returns r: [Double]) {
        precondition(r.count == count, "one return per series")
        let first = observations == 0
        for i in 0..<count {
            for j in i..<count {
                let v = first ? r[i] * r[j] : lambda * matrix[i * count + j] + (1 - lambda) * r[i] * r[j]
                matrix[i * count + j] = v
                matrix[j * count + i] = v
            }
        }
        observations += 1
    }

    public subscript(i: Int, j: Int) -> Double { matrix[i * count + j] }

    /// Daily volatility of series i.
    public func volatility(_ i: Int) -> Double { self[i, i].squareRoot() }

    /// Log returns ln(P_t / P_{t−1}) of a price series (one shorter).
    public static func logReturns(_ prices: [Double]) -> [Double] {
        guard prices.count > 1 else { return [] }
        return (1..<prices.count).map { log(prices[$0] / prices[$0 - 1]) }
    }
}
