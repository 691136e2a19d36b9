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

    /// The client's F&O margin and its parts at the current market (nil: a client without limits).
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
    /// - Parameter tradingDay: today (days since 1970 in IST); positions last traded on another day add nothing.
    public func restoreRisk(positions: [PortfolioPosition], tradingDay: Int, instrument: (InstrumentKey) -> Instrument?) {
        guard let engine = limitEngine else { return }
        for p in positions where p.tradingDay == tradingDay {
            guard let i = instrument(p.key.instrumentKey) else { continue }
            for (side, q, value) in [(Side.buy, p.dayBuyQuantity, p.dayBuyValueUnits), (.sell, p.daySellQuantity, p.daySellValueUnits)]
            where q > 0 {
                engine.recordTrade(client: p.key.client, instrument: i, product: p.key.product, side: side,
                                   quantity: Quantity(q), price: Price(units: value / q))
            }
        }
        let snapshot = market()
        for r in records.values.sorted(by: { $0.sequence < $1.sequence }) where r.reservation == nil && !r.held {
            guard let i = r.instrument, let product = r.product else { continue }
            let open: Quantity
            switch r.lifecycle {
            case .pendingNew, .working, .pendingCancel, .pendingReplace: open = r.lifecycle.leavesQuantity
            case .closed: continue
            }
            let order = RiskOrder(client: r.request.client, instrument: i, side: r.request.side, product: product,
                                  orderType: r.request.orderType, quantity: open, limitPrice: r.lifecycle.terms.limitPrice,
                                  triggerPrice: r.lifecycle.terms.triggerPrice,
                                  marketProtectionPct: r.request.marketProtectionPct, slice: false)
            records[r.id]?.reservation = engine.reserveRestored(order, market: snapshot)
        }
    }
}
