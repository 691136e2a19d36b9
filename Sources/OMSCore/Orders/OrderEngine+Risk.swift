/// Changes to the risk engine's limits while orders flow, and read-only views of its state. Every call runs
/// inside the actor, so a change lands between two orders, never in the middle of a check.
extension OrderEngine {
    /// Why a risk call could not be made.
    public enum RiskAccessError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The engine has no risk engine, or one that does not keep per-client limits.
        case noLimitRiskEngine

        public var description: String { "the order engine runs without a limit risk engine" }
    }

    var limitEngine: LimitRiskEngine? { risk as? LimitRiskEngine }

    /// Replaces the client's limits; they apply from the next order on (exposure state is kept).
    public func setRiskLimits(_ limits: RiskLimits, for client: ClientID) throws(RiskAccessError) {
        guard let engine = limitEngine else { throw .noLimitRiskEngine }
        engine.setLimits(limits, for: client)
    }

    /// The client's limits as the engine applies them now (nil: none, so its orders are refused).
    public func riskLimits(for client: ClientID) throws(RiskAccessError) -> RiskLimits? {
        guard let engine = limitEngine else { throw .noLimitRiskEngine }
        return engine.limits(for: client)
    }

    /// The client's margin (F&O and cash market) and its parts at the current market (nil: a client without limits).
    public func marginStatement(for client: ClientID) throws(RiskAccessError)
        -> Result<MarginStatement, RiskRejection>?
    {
        guard let engine = limitEngine else { throw .noLimitRiskEngine }
        return engine.marginStatement(for: client, market: market())
    }

    /// Re-marks the risk engine's kept SPAN groups and VaR exposures at the current market (off the order path:
    /// call it on a timer). Does nothing without a limit risk engine.
    public func revalueRisk() { limitEngine?.revalue(market: market()) }

    /// The client's positions, working orders and P&L as the risk engine books them.
    public func riskExposure(for client: ClientID) throws(RiskAccessError) -> ClientExposure? {
        guard let engine = limitEngine else { throw .noLimitRiskEngine }
        return engine.exposure(for: client)
    }
}

extension OrderEngine {
    /// After a restart (and after `restore`): the day's trades stored before it (each position's day buys and
    /// sells, at their average prices) go back into the risk engine's books, on top of the carried positions
    /// it was built with; then every restored open order is reserved again for its open quantity, so that
    /// open orders, open value and working quantities count it as before the restart, and its fills and its
    /// end move the reservation like any other order's.
    ///
    /// What Vega carried into today (a position from an earlier day, or the carried part of today's) is loaded
    /// as a carried position at the position's average price — unless the risk engine was started with a
    /// carried position for that client, instrument and product (a start-of-day positions file, the
    /// broker's word for what is carried, which already holds it).
    /// - Parameter tradingDay: today (days since 1970 in IST); only today's positions add their day's trades.
    public func restoreRisk(positions: [PortfolioPosition], tradingDay: Int, instrument: (InstrumentKey) -> Instrument?) {
        guard let engine = limitEngine else { return }
        // Decided before any is loaded: a stored position of another broker for the same key is added too.
        let seeded = Set(positions.map(\.key).filter {
            engine.hasPosition(client: $0.client, instrument: $0.instrumentKey, product: $0.product)
        })
        // The risk engine books a client's position across brokers: carried quantities are summed per key.
        struct Key: Hashable { let client: ClientID, instrumentKey: InstrumentKey, product: Product }
        var carried: [Key: (quantity: Int64, cost: Int64)] = [:]
        for p in positions where !seeded.contains(p.key) {
            let q = p.tradingDay == tradingDay ? p.carriedQuantity : p.netQuantity
            guard q != 0 else { continue }
            let k = Key(client: p.key.client, instrumentKey: p.key.instrumentKey, product: p.key.product)
            let cost = RiskMath.value(abs(q), p.averagePrice)
            carried[k, default: (0, 0)].quantity += q
            carried[k, default: (0, 0)].cost = RiskMath.sum(carried[k]!.cost, q > 0 ? cost : -cost)
        }
        for (k, c) in carried where c.quantity != 0 {
            guard let i = instrument(k.instrumentKey) else { continue }
            engine.loadPosition(client: k.client, instrument: i, product: k.product, quantity: c.quantity,
                                averagePrice: Price(units: abs(c.cost) / abs(c.quantity)))
        }
        for p in positions where p.tradingDay == tradingDay {
            guard let i = instrument(p.key.instrumentKey) else { continue }
            for (side, q, value) in [(Side.buy, p.dayBuyQuantity, p.dayBuyValueUnits), (.sell, p.daySellQuantity, p.daySellValueUnits)]
            where q > 0 {
                engine.recordTrade(client: p.key.client, instrument: i, product: p.key.product, side: side,
                                   quantity: Quantity(q), price: Price(units: value / q),
                                   productMargin: pipeline.productMargin(client: p.key.client, instrument: i,
                                                                         product: p.key.product))
            }
        }
        // The open cost as stored (the replay above loses the order of the day's trades), for the positions Vega
        // carried itself: summed over brokers when they are all on one side.
        var stored: [Key: (net: Int64, cost: Int64, sameSide: Bool)] = [:]
        for p in positions where p.tradingDay == tradingDay && !seeded.contains(p.key) {
            let k = Key(client: p.key.client, instrumentKey: p.key.instrumentKey, product: p.key.product)
            let prior = stored[k] ?? (0, 0, true)
            let sameSide = prior.sameSide && (prior.net == 0 || p.netQuantity == 0 || (prior.net > 0) == (p.netQuantity > 0))
            stored[k] = (RiskMath.sum(prior.net, p.netQuantity), RiskMath.sum(prior.cost, p.openCostUnits), sameSide)
        }
        for (k, s) in stored where s.sameSide && s.net != 0 {
            guard let i = instrument(k.instrumentKey) else { continue }
            engine.restoreOpenCost(client: k.client, instrument: i, product: k.product, net: s.net, openCost: s.cost)
        }
        let snapshot = market()
        for r in records.values.sorted(by: { $0.sequence < $1.sequence }) where r.reservation == nil && !r.held {
            let open: Quantity
            switch r.lifecycle {
            case .pendingNew, .working, .pendingCancel, .pendingReplace: open = r.lifecycle.leavesQuantity
            case .closed: continue
            }
            guard let order = riskOrder(r, terms: r.lifecycle.terms, open: open) else { continue }
            records[r.id]?.reservation = engine.reserveLive(order, market: snapshot)
        }
    }
}

extension OrderEngine {
    /// The order as the risk engine values it: `terms`, with `open` still to fill.
    func riskOrder(_ r: Record, terms: OrderTerms, open: Quantity) -> RiskOrder? {
        guard let i = r.instrument, let product = r.product else { return nil }
        var order = RiskOrder(client: r.request.client, instrument: i, side: r.request.side, product: product,
                              orderType: r.request.orderType, quantity: open, limitPrice: terms.limitPrice,
                              triggerPrice: terms.triggerPrice, marketProtectionPct: r.request.marketProtectionPct,
                              slice: false)
        order.productMargin = pipeline.productMargin(client: r.request.client, instrument: i, product: product)
        return order
    }

    /// The pre-trade checks run again for a replace's new terms: the market session (may the order be changed
    /// now?), then risk on the new quantity and price (per-order limits on the whole order, the rest on what
    /// is open). Returns why the replace is refused (the order keeps its old terms and reservation), or nil.
    /// Accepted, the reservation covers the larger of the old and new order until the broker answers (it
    /// may fill the old order meanwhile); `settleReservation` then fits it to the terms that stand.
    func checkReplace(_ r: inout Record, _ newTerms: OrderTerms) -> OrderRejection? {
        guard let instrument = r.instrument, let product = r.product else { return nil }
        let traits = SessionOrderTraits(orderType: r.request.orderType, timeInForce: r.request.timeInForce,
                                        isAfterMarketOrder: false, product: product, side: r.request.side)
        switch pipeline.session.isTradingAllowed(instrument, at: now(), order: traits, flags: pipeline.flags(instrument)) {
        case .allowed: break
        case .holdAfterMarket(let t):
            return .unsupported(characteristic: "replace", value: "market closed until \(ISTDateTime(epochMilliseconds: t))")
        case .rejected(let reason): return .session(reason)
        }
        guard let risk, var order = riskOrder(r, terms: newTerms, open: newTerms.quantity) else { return nil }
        order.filled = r.lifecycle.fills.cumulative
        order.slice = r.request.slice
        let smaller = Self.isSmaller(newTerms, than: r.lifecycle.terms)
        switch risk.checkReplace(r.reservation, with: order, market: market(), keepingCurrent: smaller) {
        case .accepted(let a): if !smaller { r.reservation = a.reservation }
        case .rejected(let reason): return .risk(reason)
        }
        return nil
    }

    /// Whether a replace's terms are worth less than the order's: by value (quantity × limit price, or trigger
    /// price) when both are priced, else (a market order, whose replace changes the quantity only) by quantity.
    /// The smaller keeps the current reservation until the broker answers; a replace to fewer shares at a
    /// higher price is worth more, and is reserved at its new terms (it kept the old, smaller reservation, and the
    /// client's open value was under-counted meanwhile).
    static func isSmaller(_ new: OrderTerms, than old: OrderTerms) -> Bool {
        if let np = (new.limitPrice ?? new.triggerPrice)?.units, let op = (old.limitPrice ?? old.triggerPrice)?.units {
            return RiskMath.product(new.quantity.value, np) < RiskMath.product(old.quantity.value, op)
        }
        return new.quantity < old.quantity
    }

    /// The broker answered a replace (replaced, or refused: the order is back at its old terms): the
    /// reservation is fitted to the terms that stand and what is still open.
    func settleReservation(_ r: inout Record) {
        guard let risk else { return }
        if let res = r.reservation { risk.orderClosed(res) }
        r.reservation = riskOrder(r, terms: r.lifecycle.terms, open: r.lifecycle.leavesQuantity).flatMap {
            risk.reserveLive($0, market: market())
        }
    }
}
