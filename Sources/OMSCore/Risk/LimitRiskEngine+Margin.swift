/// Intraday VaR and SPAN margin inside the engine.
extension LimitRiskEngine {
    struct VaRCheck {
        var factor: Int
        /// Signed ₹ exposure per unit of the order.
        var perUnit: Double
        var after: Price
    }

    struct MarginCheck {
        var underlying: InstrumentKey
        /// SPAN + exposure of the underlying with the order.
        var underlyingRequirement: Int64
        var required: Price
    }

    /// Rejects when the order lifts VaR above the limit (VaR after > limit and VaR after > VaR before).
    func checkIntradayVaR(_ client: ClientRiskBook, order: RiskOrder, price: Price, limit: Price,
                          model: IntradayVaRModel, market: MarketSnapshot) -> Result<VaRCheck, RiskRejection> {
        let state: TwoSidedVaR
        switch intradayVaRState(client, model: model, market: market) {
        case .success(let s): state = s
        case .failure(let r): return .failure(r)
        }
        guard let (factor, perUnit) = varExposure(order.instrument, model: model, market: market, fallback: price)
        else { return .failure(.missingMarketData(.intradayVaR, instrument: order.instrument.key)) }
        let signed = perUnit * Double(order.sign)
        let after = RiskMath.moneyUp(state.value(reserving: signed * Double(order.quantity.value), side: order.side,
                                                 factor: factor))
        let before = RiskMath.moneyUp(state.value)
        if after > limit && after > before { return .failure(.intradayVaR(limit: limit, value: after)) }
        return .success(VaRCheck(factor: factor, perUnit: signed, after: after))
    }

    /// The client's VaR state, built from its MIS books when missing: positions with every working buy filled,
    /// and with every working sell filled.
    func intradayVaRState(_ client: ClientRiskBook, model: IntradayVaRModel, market: MarketSnapshot)
        -> Result<TwoSidedVaR, RiskRejection>
    {
        if let s = client.intradayVaR { return .success(s) }
        var buys = [Double](repeating: 0, count: model.factors.count)
        var sells = buys
        for (key, b) in client.books where key.product == .mis {
            let qBuys = b.net + b.workingBuy, qSells = b.net - b.workingSell
            guard qBuys != 0 || qSells != 0 else { continue }
            let fallback = b.net != 0 ? Price(units: b.openCost / abs(b.net)) : nil
            guard let (f, perUnit) = varExposure(b.instrument, model: model, market: market, fallback: fallback) else {
                return .failure(.missingMarketData(.intradayVaR, instrument: key.instrument))
            }
            buys[f] += Double(qBuys) * perUnit
            sells[f] += Double(qSells) * perUnit
        }
        let s = TwoSidedVaR(buys: IntradayVaR(model: model, exposures: buys), sells: IntradayVaR(model: model, exposures: sells))
        client.intradayVaR = s
        return .success(s)
    }

    /// Risk factor and ₹ exposure of one long unit: cash at its price; futures at their price on the underlying's
    /// factor (or their own); options delta × underlying price on the underlying's factor.
    func varExposure(_ instrument: Instrument, model: IntradayVaRModel, market: MarketSnapshot, fallback: Price?)
        -> (Int, Double)?
    {
        let rupees = { (p: Price) in Double(p.units) / Double(Price.scale) }
        guard let contract = SPANContract(instrument) else {
            guard let f = model.factor(instrument.key),
                  let p = market.lastPrices[instrument.key] ?? fallback else { return nil }
            return (f, rupees(p))
        }
        switch contract.kind {
        case .future:
            guard let f = model.factor(contract.underlying) ?? model.factor(contract.key),
                  let p = market.lastPrices[contract.key] ?? market.lastPrices[contract.underlying] ?? fallback
            else { return nil }
            return (f, rupees(p))
        case .option(let type, let strike):
            guard let f = model.factor(contract.underlying), let u = market.lastPrices[contract.underlying],
                  let vol = market.volatility(of: instrument) else { return nil }
            let days = max(Int(contract.expiryDay) - Int(market.tradingDay), 0)
            let params = configuration.span.parameters(forUnderlying: contract.underlying)
            let delta = Black76.delta(type, forward: rupees(u), strike: rupees(strike), years: Double(days) / 365,
                                      volatility: RiskMath.fraction(vol), rate: RiskMath.fraction(params.riskFreeRate))
            return (f, delta * rupees(u))
        }
    }

    /// New requirement = SPAN + exposure − long option value of every underlying (the order's recomputed with
    /// it) + premium of working option buys (and of this order, if it is one). Passes when it is ≤ the available
    /// margin, or not above the requirement without the order: an order that lowers it (closing a leg, adding a
    /// hedge) passes even when the client is short of margin — but closing the long leg of a spread raises it,
    /// and is checked like any other order (it used to pass unchecked, as "reducing" its own position). For an
    /// order that reduces its own position, "raises" means the underlying's SPAN requirement: buying back a
    /// short option pays premium, but is never refused for it.
    func checkMargin(_ client: ClientRiskBook, order: RiskOrder, contract: SPANContract, value: Int64,
                     available: Price, reduces: Bool, market: MarketSnapshot) -> Result<MarginCheck, RiskRejection> {
        let u = contract.underlying
        // What the order does not change: premium reserved and paid, the cash market's funds, the day's loss, and
        // every other underlying.
        var others: Int64 = RiskMath.sum(RiskMath.sum(client.premiumReserved, client.premiumPaid),
                                         RiskMath.sum(client.cashFundsInUse, Self.dayLoss(client, market: market)))
        for g in client.groups.keys where g != u {
            switch cachedRequirement(client, underlying: g, market: market) {
            case .success(let v): others = RiskMath.sum(others, v)
            case .failure(let r): return .failure(r)
            }
        }
        let extra = (key: PositionKey(instrument: order.instrument.key, product: order.product),
                     contract: contract, side: order.side, quantity: order.quantity.value)
        let mine: Int64, mineBefore: Int64
        do throws(SPANError) {
            mine = try spanRequirement(client, underlying: u, market: market, extra: extra)
            mineBefore = try spanRequirement(client, underlying: u, market: market, extra: nil)
        } catch {
            return .failure(.missingMarketData(.spanMargin, instrument: error.instrument))
        }
        let before = RiskMath.sum(others, mineBefore)
        let total = RiskMath.sum(RiskMath.sum(others, contract.isOption && order.side == .buy ? value : 0), mine)
        let raises = reduces ? mine > mineBefore : total > before
        if total > available.units && raises {
            return .failure(.insufficientMargin(required: Price(units: total), available: available))
        }
        return .success(MarginCheck(underlying: u, underlyingRequirement: mine, required: Price(units: total)))
    }

    /// What a cash-market order blocks from funds.
    struct FundsBlock {
        var percent: Rate
        var amount: Int64
    }

    /// The percent of value a cash-market order or trade blocks from funds: CNC the whole value, MIS and MTF
    /// their product margin (the whole value when it is not known); nil for derivatives (SPAN covers them).
    func fundsPercent(_ instrument: Instrument, product: Product, productMargin: Rate?) -> Rate? {
        guard instrument.segment.isCash else { return nil }
        switch product {
        case .mis, .mtf: return min(max(productMargin ?? .hundredPercent, Rate(units: 0)), .hundredPercent)
        case .cnc, .nrml: return .hundredPercent
        }
    }

    /// What a cash-market order of `value` blocks from funds (nil for derivatives): its product's percent of the
    /// value for delivery (CNC, MTF) buys and MIS orders that add exposure, nothing for delivery sells (they need
    /// holdings instead) and MIS orders that reduce their position.
    func fundsBlock(_ order: RiskOrder, value: Int64, reduces: Bool) -> FundsBlock? {
        guard let percent = fundsPercent(order.instrument, product: order.product, productMargin: order.productMargin)
        else { return nil }
        let blocks = order.product == .mis ? !reduces : order.side == .buy
        return FundsBlock(percent: percent, amount: blocks ? RiskMath.percent(value, percent) : 0)
    }

    /// The day's loss (realised and mark-to-market, as a positive amount; zero for a day in profit) on positions
    /// whose loss uses funds (MIS, MTF, futures — `ClientRiskBook.lossUsesFunds`; delivery and options are paid
    /// in full as they are bought): funds the client no longer has. A profit is not credited to the day's funds.
    static func dayLoss(_ client: ClientRiskBook, market: MarketSnapshot) -> Int64 {
        let pnl = client.marginedDayPnL(market)
        return pnl >= 0 ? 0 : pnl == .min ? .max : -pnl
    }

    /// Funds in use: the cash market's (`ClientRiskBook.cashFundsInUse`), F&O's (SPAN + exposure of every
    /// underlying, premium reserved and paid) and the day's loss.
    func fundsInUse(_ client: ClientRiskBook, market: MarketSnapshot) -> Result<Int64, RiskRejection> {
        var total = RiskMath.sum(RiskMath.sum(client.cashFundsInUse, Self.dayLoss(client, market: market)),
                                 RiskMath.sum(client.premiumReserved, client.premiumPaid))
        for g in client.groups.keys {
            switch cachedRequirement(client, underlying: g, market: market) {
            case .success(let v): total = RiskMath.sum(total, v)
            case .failure(let r): return .failure(r)
            }
        }
        return .success(total)
    }

    func cachedRequirement(_ client: ClientRiskBook, underlying u: InstrumentKey, market: MarketSnapshot)
        -> Result<Int64, RiskRejection>
    {
        do throws(SPANError) {
            return .success(try spanRequirement(client, underlying: u, market: market, extra: nil))
        } catch {
            return .failure(.missingMarketData(.spanMargin, instrument: error.instrument))
        }
    }

    /// SPAN + exposure − long option value of one underlying, the worse of "every working buy fills" and
    /// "every working sell fills" (positions netted across products).
    func spanRequirement(_ client: ClientRiskBook, underlying u: InstrumentKey, market: MarketSnapshot,
                         extra: (key: PositionKey, contract: SPANContract, side: Side, quantity: Int64)?)
        throws(SPANError) -> Int64
    {
        try spanMargin(client, underlying: u, market: market, extra: extra)?.netRequirement.units ?? 0
    }

    /// The SPAN margin (with its parts) behind `spanRequirement`: of the side whose net requirement is larger;
    /// nil when the underlying has no legs and there is no extra order. O(16) from the client's kept group.
    func spanMargin(_ client: ClientRiskBook, underlying u: InstrumentKey, market: MarketSnapshot,
                    extra: (key: PositionKey, contract: SPANContract, side: Side, quantity: Int64)?)
        throws(SPANError) -> SPANMargin?
    {
        let g = try spanGroup(client, underlying: u, market: market)
        guard let extra else { return g.legs.isEmpty ? nil : g.margin }
        let valued: SPANValuedContract
        if let leg = g.legs[extra.contract.key] {
            valued = leg.valued
        } else {
            valued = try withSPANArrays { cache throws(SPANError) in
                try g.calculator.valued(extra.contract, market: market, cache: &cache)
            }
        }
        return g.margin(adding: extra.side, quantity: extra.quantity, of: valued)
    }

    /// The client's kept SPAN group of one underlying, built from its books (legs in key order) when missing.
    func spanGroup(_ client: ClientRiskBook, underlying u: InstrumentKey, market: MarketSnapshot)
        throws(SPANError) -> SPANGroup
    {
        if let g = client.spanGroups[u] { return g }
        var legs: [InstrumentKey: (contract: SPANContract, net: Int64, buy: Int64, sell: Int64)] = [:]
        for key in client.groups[u] ?? [] {
            guard let b = client.books[key], let c = SPANContract(b.instrument) else { continue }
            let prior = legs[key.instrument] ?? (c, 0, 0, 0)
            legs[key.instrument] = (c, prior.net + b.net, prior.buy + b.workingBuy, prior.sell + b.workingSell)
        }
        var g = SPANGroup(calculator: SPANCalculator(parameters: configuration.span.parameters(forUnderlying: u)))
        try withSPANArrays { cache throws(SPANError) in
            for (_, l) in legs.sorted(by: { $0.key < $1.key }) {
                g.insert(try g.calculator.valued(l.contract, market: market, cache: &cache), net: l.net, buy: l.buy,
                         sell: l.sell)
            }
        }
        client.spanGroups[u] = g
        return g
    }

    /// Runs `body` with the engine's risk-array cache (moved out and back, so it is updated in place).
    func withSPANArrays<T>(_ body: (inout SPANRiskArrayCache?) throws(SPANError) -> T) throws(SPANError) -> T {
        var cache: SPANRiskArrayCache? = spanArrays
        spanArrays = SPANRiskArrayCache()
        defer { spanArrays = cache! }
        return try body(&cache)
    }
}
