/// The covariance, confidence and horizon one client's intraday VaR is computed with, and which instrument
/// keys are its risk factors (stocks by their own key; F&O by the underlying's key).
public struct IntradayVaRModel: Hashable, Sendable {
    public let factors: [InstrumentKey]
    public let covariance: EWMACovariance
    /// One-tailed confidence, e.g. 0.99.
    public let confidence: Double
    /// Horizon in trading days (fractions allowed, e.g. 0.25 for the rest of a session).
    public let horizonDays: Double
    /// z × √horizon.
    public let multiplier: Double
    let index: [InstrumentKey: Int]

    public init(factors: [InstrumentKey], covariance: EWMACovariance, confidence: Double = 0.99,
                horizonDays: Double = 1) {
        precondition(factors.count == covariance.count, "one factor per covariance row")
        precondition(confidence > 0.5 && confidence < 1 && horizonDays > 0, "confidence in (0.5, 1), horizon > 0")
        self.factors = factors
        self.covariance = covariance
        self.confidence = confidence
        self.horizonDays = horizonDays
        multiplier = NormalDistribution.quantile(confidence) * horizonDays.squareRoot()
        index = Dictionary(uniqueKeysWithValues: factors.enumerated().map { ($1, $0) })
    }

    /// EWMA (λ) over per-factor daily return series.
    public init(returns: [InstrumentKey: [Double]], lambda: Double = 0.94, confidence: Double = 0.99,
                horizonDays: Double = 1) {
        let keys = returns.keys.sorted()
        self.init(factors: keys, covariance: EWMACovariance(returns: keys.map { returns[$0]! }, lambda: lambda),
                  confidence: confidence, horizonDays: horizonDays)
    }

    public func factor(_ key: InstrumentKey) -> Int? { index[key] }
}

/// Parametric VaR of one portfolio of ₹ exposures, kept incrementally:
/// VaR = z·√(eᵀΣe)·√h. The state holds e, Σe and q = eᵀΣe, so the VaR after adding d on factor k is
/// q' = q + 2d·(Σe)_k + d²·Σ_kk — O(1) to evaluate, O(n) to apply (Σe += d·Σ[:,k]).
public struct IntradayVaR: Hashable, Sendable {
    public let model: IntradayVaRModel
    public private(set) var exposures: [Double]
    private(set) var sigmaE: [Double]
    /// eᵀΣe.
    public private(set) var variance: Double

    public init(model: IntradayVaRModel) {
        self.model = model
        exposures = [Double](repeating: 0, count: model.factors.count)
        sigmaE = exposures
        variance = 0
    }

    public init(model: IntradayVaRModel, exposures: [Double]) {
        self.init(model: model)
        reset(exposures: exposures)
    }

    /// VaR in rupees.
    public var value: Double { model.multiplier * max(variance, 0).squareRoot() }

    /// The variance if `delta` rupees were added on `factor`, without changing anything. O(1).
    public func variance(adding delta: Double, factor k: Int) -> Double {
        variance + 2 * delta * sigmaE[k] + delta * delta * model.covariance[k, k]
    }

    /// The VaR if `delta` rupees were added on `factor`. O(1).
    public func value(adding delta: Double, factor k: Int) -> Double {
        model.multiplier * max(variance(adding: delta, factor: k), 0).squareRoot()
    }

    /// Adds `delta` rupees of exposure on `factor`. O(n).
    public mutating func add(_ delta: Double, factor k: Int) {
        guard delta != 0 else { return }
        variance = variance(adding: delta, factor: k)
        exposures[k] += delta
        let n = model.covariance.count
        let m = model.covariance.matrix
        for i in 0..<n { sigmaE[i] += delta * m[i * n + k] }
    }

    /// Replaces every exposure and recomputes Σe and q from scratch. O(n²).
    public mutating func reset(exposures e: [Double]) {
        precondition(e.count == model.factors.count, "one exposure per factor")
        exposures = e
        let n = e.count
        let m = model.covariance.matrix
        var q = 0.0
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s += m[i * n + j] * e[j] }
            sigmaE[i] = s
            q += e[i] * s
        }
        variance = q
    }
}

/// A client's intraday VaR in the two cases that bound it, as SPAN is taken: every working buy filled (and no
/// sell), and every working sell filled (and no buy). Working buys and sells no longer offset each other — with
/// one state of net + buys − sells, a sell entered after a buy lowered the VaR the next buy was checked against,
/// and alternating them (then cancelling one side) took a client past its limit.
struct TwoSidedVaR {
    /// Positions plus every working buy.
    var buys: IntradayVaR
    /// Positions less every working sell.
    var sells: IntradayVaR

    /// The larger of the two cases.
    var value: Double { max(buys.value, sells.value) }

    /// The VaR once a working order of `delta` rupees (signed exposure) on `side` is reserved. O(1).
    func value(reserving delta: Double, side: Side, factor k: Int) -> Double {
        side == .buy ? max(buys.value(adding: delta, factor: k), sells.value)
                     : max(buys.value, sells.value(adding: delta, factor: k))
    }

    /// A working order reserved (or, with −delta, freed): only its own side's case changes.
    mutating func reserve(_ delta: Double, side: Side, factor k: Int) {
        if side == .buy { buys.add(delta, factor: k) } else { sells.add(delta, factor: k) }
    }

    /// A fill of `delta` on `side`: that side's case counted it already (as a working order); the other case
    /// gains it as a position.
    mutating func fill(_ delta: Double, side: Side, factor k: Int) {
        if side == .buy { sells.add(delta, factor: k) } else { buys.add(delta, factor: k) }
    }
}
