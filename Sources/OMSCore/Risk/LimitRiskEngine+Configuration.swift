/// Limits, bands, the VaR model, and read-only views.
extension LimitRiskEngine {
    /// Sets (or replaces) a client's limits; exposure state is kept.
    public func setLimits(_ limits: RiskLimits, for client: ClientID) {
        if let c = clients[client] { c.limits = limits } else { clients[client] = ClientRiskBook(limits: limits) }
    }

    public func limits(for client: ClientID) -> RiskLimits? { clients[client]?.limits }

    /// Updates the funds available for margin (F&O and cash market).
    public func setAvailableMargin(_ amount: Price?, for client: ClientID) {
        clients[client]?.limits.availableMargin = amount
    }

    /// Replaces the day's band file.
    public func setPriceBands(_ bands: PriceBands) { priceBands = bands }

    /// Replaces the VaR model (e.g. after the daily EWMA update); every client's VaR is rebuilt when next needed.
    public func setVaRModel(_ model: IntradayVaRModel?) {
        varModel = model
        for c in clients.values { c.intradayVaR = nil }
    }

    /// Re-marks market-dependent state: drops cached SPAN requirements and VaR exposures (valued when the orders
    /// were entered) and recomputes them at `market`. O(clients × (n² + positions)); call it off the order path,
    /// e.g. on a timer inside the owning actor.
    public func revalue(market: MarketSnapshot) {
        spanArrays.removeAll()
        for c in clients.values {
            c.spanGroups.removeAll(keepingCapacity: true)
            c.intradayVaR = nil
            for u in c.groups.keys { _ = cachedRequirement(c, underlying: u, market: market) }
            if let model = varModel { _ = intradayVaRState(c, model: model, market: market) }
        }
    }

    public func exposure(for client: ClientID) -> ClientExposure? { clients[client]?.exposure }

    /// Realised plus mark-to-market P&L of the day.
    public func dayPnL(for client: ClientID, market: MarketSnapshot) -> Price? {
        clients[client].map { Price(units: $0.dayPnL(market)) }
    }

    /// The funds the client's margin uses now (F&O: SPAN + exposure + premium reserved and paid; cash market:
    /// delivery buys, working orders, MIS positions), or nil when the client is unknown or data is missing.
    public func marginRequirement(for client: ClientID, market: MarketSnapshot) -> Price? {
        guard let c = clients[client], case .success(let v) = fundsInUse(c, market: market) else { return nil }
        return Price(units: v)
    }

    /// The client's intraday VaR now (nil without a model, or when data is missing).
    public func intradayVaR(for client: ClientID, market: MarketSnapshot) -> Price? {
        guard let c = clients[client], let model = varModel,
              case .success(let s) = intradayVaRState(c, model: model, market: market) else { return nil }
        return RiskMath.moneyUp(s.value)
    }

    /// Reservations still open.
    public var openReservations: Int { reservations.count }
}
