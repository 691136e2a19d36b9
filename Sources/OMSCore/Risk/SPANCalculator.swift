/// SPAN-style portfolio margin for the F&O positions of one underlying (docs/risk.md, "SPAN margin").
///
/// Per contract a 16-scenario risk array (loss per long unit; futures move with the price, options are revalued
/// with Black-76 on the moved underlying and shifted volatility); scanning risk = the largest summed loss;
/// plus the calendar-spread charge on futures matched across expiries, floored by the short option minimum;
/// plus exposure margin on the notional of futures and short options.
public struct SPANCalculator: Sendable {
    public var parameters: RiskParameters
    public let scenarios: [SPANScenario]

    public init(parameters: RiskParameters) {
        self.parameters = parameters
        scenarios = SPANScenario.standard(extremeMultiple: Double(parameters.extremeMoveMultiple.units)
                                                / Double(Rate.scale),
                                          extremeWeight: RiskMath.fraction(parameters.extremeMoveWeight))
    }

    var psr: Double { RiskMath.fraction(parameters.priceScanRange) }
    var vsr: Double { RiskMath.fraction(parameters.volatilityScanRange) }
    var rate: Double { RiskMath.fraction(parameters.riskFreeRate) }

    /// The 16 scenario losses of one long unit (gains negative), weights applied.
    public func riskArray(_ contract: SPANContract, market: MarketSnapshot) throws(SPANError) -> [Double] {
        let inputs = try pricing(contract, market: market)
        return valuation(contract, inputs).array
    }

    /// Margin of a portfolio whose positions share one underlying (one combined commodity).
    public func margin(_ positions: [SPANPosition], market: MarketSnapshot) throws(SPANError) -> SPANMargin {
        var cache: SPANRiskArrayCache?
        return try margin(positions, market: market, cache: &cache)
    }

    /// As `margin(_:market:)`, reusing risk arrays from `cache` for contracts whose inputs (price, volatility,
    /// days to expiry, parameters) have not changed, and storing new ones: an unchanged contract then costs 16
    /// multiply-adds instead of 17 Black-76 valuations.
    public func margin(_ positions: [SPANPosition], market: MarketSnapshot, cache: inout SPANRiskArrayCache)
        throws(SPANError) -> SPANMargin
    {
        var optional: SPANRiskArrayCache? = cache
        cache = SPANRiskArrayCache()  // leaves `optional` the only owner, so it is updated in place
        defer { cache = optional! }
        return try margin(positions, market: market, cache: &optional)
    }

    func margin(_ positions: [SPANPosition], market: MarketSnapshot, cache: inout SPANRiskArrayCache?)
        throws(SPANError) -> SPANMargin
    {
        var a = SPANAggregate(scenarios: scenarios.count)
        for p in positions where p.quantity != 0 {
            add(try valued(p.contract, market: market, cache: &cache), quantity: p.quantity, sign: 1, to: &a)
        }
        return margin(a)
    }

    /// Delta-based matching of futures across expiries, nearest months first: each matched unit is charged
    /// the calendar spread rate on the far leg's price.
    func calendarSpreadCharge(_ byExpiry: [Int32: (net: Int64, price: Double)]) -> Double {
        guard byExpiry.count > 1 else { return 0 }
        var legs = byExpiry.sorted { $0.key < $1.key }.map { (net: $0.value.net, price: $0.value.price) }
        var charge = 0.0
        let r = RiskMath.fraction(parameters.calendarSpreadCharge)
        for i in legs.indices {
            for j in legs.indices where j > i && legs[i].net != 0 {
                guard legs[j].net != 0, (legs[i].net > 0) != (legs[j].net > 0) else { continue }
                let m = min(abs(legs[i].net), abs(legs[j].net))
                charge += Double(m) * legs[j].price * r
                legs[i].net -= legs[i].net > 0 ? m : -m
                legs[j].net -= legs[j].net > 0 ? m : -m
            }
        }
        return charge
    }

    /// For a future, `price` is the future's price; for an option, the underlying's.
    struct Pricing: Equatable, Sendable {
        var price: Double
        var volatility: Double
        var years: Double
    }

    func pricing(_ contract: SPANContract, market: MarketSnapshot) throws(SPANError) -> Pricing {
        switch contract.kind {
        case .future:
            guard let p = market.lastPrices[contract.key] ?? market.lastPrices[contract.underlying] else {
                throw .missingPrice(contract.key)
            }
            return Pricing(price: Double(p.units) / Double(Price.scale), volatility: 0, years: 0)
        case .option:
            guard let p = market.lastPrices[contract.underlying] else { throw .missingPrice(contract.underlying) }
            guard let v = market.volatilities[contract.key] ?? market.volatilities[contract.underlying] else {
                throw .missingVolatility(contract.key)
            }
            let days = max(Int(contract.expiryDay) - Int(market.tradingDay), 0)
            return Pricing(price: Double(p.units) / Double(Price.scale), volatility: RiskMath.fraction(v),
                           years: Double(days) / 365)
        }
    }

    /// A contract's risk array per long unit and its value now (options; a future's value is not used).
    struct Valuation: Sendable {
        var array: [Double]
        var value: Double
    }

    func valuation(_ contract: SPANContract, _ x: Pricing) -> Valuation {
        switch contract.kind {
        case .future:
            return Valuation(array: scenarios.map { s in -(x.price * s.priceMove * psr) * s.weight }, value: x.price)
        case .option(let type, let strike):
            let k = Double(strike.units) / Double(Price.scale)
            let base = Black76.price(type, forward: x.price, strike: k, years: x.years, volatility: x.volatility,
                                     rate: rate)
            let array = scenarios.map { s in
                let f = x.price * (1 + s.priceMove * psr)
                let v = max(x.volatility + s.volatilityMove * vsr, 0.0001)
                let value = Black76.price(type, forward: f, strike: k, years: x.years, volatility: v, rate: rate)
                return -(value - base) * s.weight
            }
            return Valuation(array: array, value: base)
        }
    }
}

/// Risk arrays kept between margin calculations, by contract (see `SPANCalculator.margin(_:market:cache:)`).
public struct SPANRiskArrayCache: Sendable {
    struct Entry: Sendable {
        var inputs: SPANCalculator.Pricing
        var parameters: RiskParameters
        var valuation: SPANCalculator.Valuation
    }

    var entries: [InstrumentKey: Entry] = [:]

    public init() {}

    public var count: Int { entries.count }

    public mutating func removeAll() { entries.removeAll(keepingCapacity: true) }
}
