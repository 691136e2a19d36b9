/// The additive parts of a SPAN margin over a set of legs of one underlying: the 16 scenario sums, short option
/// minimum, exposure, long option value and net futures by expiry. Adding or removing one leg is O(16); the
/// margin is finished from them in O(16 + expiries). `SPANCalculator.margin(_:market:)` sums legs into one;
/// the engine keeps one per client and underlying and moves a leg when an order, fill or release changes it.
struct SPANAggregate: Sendable {
    var sums: [Double]
    var shortOptionMinimum = 0.0
    var exposure = 0.0
    var longValue = 0.0
    var futuresByExpiry: [Int32: (net: Int64, price: Double)] = [:]
    /// Legs with a non-zero quantity.
    var legs = 0

    init(scenarios: Int) { sums = [Double](repeating: 0, count: scenarios) }
}

/// One contract's valuation (risk array, model value, pricing inputs) as it entered an aggregate; taking the
/// leg out again uses the same numbers, so the aggregate stays exact while the market moves.
struct SPANValuedContract: Sendable {
    var contract: SPANContract
    var inputs: SPANCalculator.Pricing
    var valuation: SPANCalculator.Valuation
}

extension SPANCalculator {
    /// The contract's pricing inputs and risk array, from `cache` when its inputs have not changed.
    func valued(_ contract: SPANContract, market: MarketSnapshot, cache: inout SPANRiskArrayCache?)
        throws(SPANError) -> SPANValuedContract
    {
        let inputs = try pricing(contract, market: market)
        if let hit = cache?.entries[contract.key], hit.inputs == inputs, hit.parameters == parameters {
            return SPANValuedContract(contract: contract, inputs: inputs, valuation: hit.valuation)
        }
        let v = valuation(contract, inputs)
        cache?.entries[contract.key] = SPANRiskArrayCache.Entry(inputs: inputs, parameters: parameters, valuation: v)
        return SPANValuedContract(contract: contract, inputs: inputs, valuation: v)
    }

    /// Adds (`sign` 1) or removes (`sign` −1) `quantity` units of one contract.
    func add(_ c: SPANValuedContract, quantity: Int64, sign: Double, to a: inout SPANAggregate) {
        guard quantity != 0 else { return }
        let q = Double(quantity) * sign
        let array = c.valuation.array
        for i in a.sums.indices { a.sums[i] += q * array[i] }
        a.legs += sign > 0 ? 1 : -1
        switch c.contract.kind {
        case .future:
            a.exposure += sign * abs(Double(quantity)) * c.inputs.price * RiskMath.fraction(parameters.exposureMargin)
            let prior = a.futuresByExpiry[c.contract.expiryDay]?.net ?? 0
            a.futuresByExpiry[c.contract.expiryDay] = (prior + (sign > 0 ? quantity : -quantity), c.inputs.price)
        case .option:
            if quantity > 0 {
                a.longValue += q * c.valuation.value
            } else {
                let notional = abs(Double(quantity)) * c.inputs.price * sign
                a.shortOptionMinimum += notional * RiskMath.fraction(parameters.shortOptionMinimum)
                a.exposure += notional * RiskMath.fraction(parameters.exposureMargin)
                // Its expiry day (no time left to expiry): the additional ELM on short options.
                if c.inputs.years == 0 {
                    a.exposure += notional * RiskMath.fraction(parameters.expiryDayShortOptionExposure)
                }
            }
        }
    }

    /// Moves one leg from `old` to `new` units.
    func move(_ c: SPANValuedContract, from old: Int64, to new: Int64, in a: inout SPANAggregate) {
        guard old != new else { return }
        add(c, quantity: old, sign: -1, to: &a)
        add(c, quantity: new, sign: 1, to: &a)
    }

    /// The margin of the legs summed in `a`: zero when there are none.
    func margin(_ a: SPANAggregate) -> SPANMargin {
        guard a.legs > 0 else { return .zero }
        var worst = 0
        for i in a.sums.indices where a.sums[i] > a.sums[worst] { worst = i }
        let scan = max(a.sums[worst], 0)
        let spread = calendarSpreadCharge(a.futuresByExpiry)
        return SPANMargin(scanningRisk: RiskMath.moneyUp(scan), worstScenario: worst + 1,
                          calendarSpreadCharge: RiskMath.moneyUp(spread),
                          shortOptionMinimum: RiskMath.moneyUp(max(a.shortOptionMinimum, 0)),
                          exposureMargin: RiskMath.moneyUp(max(a.exposure, 0)),
                          longOptionValue: RiskMath.moneyDown(max(a.longValue, 0)))
    }
}
