import OMSCore

/// The paper broker's books, for reconciliation: every order it took, every execution, (in `PaperBroker`)
/// net positions, and holdings (CNC net long positions). Instruments are named by Vega's instrument key.
extension PaperBroker: BrokerBookkeeping {
    public func orders() async throws(BrokerError) -> [BrokerOrderRecord] {
        orderSequence.compactMap { tag in
            guard let o = book[tag] else { return nil }
            let r = o.request
            let avg = o.filled.value > 0 ? Price(units: o.notional / o.filled.value) : .zero
            return BrokerOrderRecord(brokerOrderID: o.brokerOrderID, tag: tag, exchangeOrderID: "X\(o.brokerOrderID)",
                                     symbol: r.instrument.key.rawValue, side: r.side, quantity: r.quantity,
                                     filledQuantity: o.filled, averagePrice: avg, limitPrice: r.limitPrice,
                                     triggerPrice: r.triggerPrice, phase: Self.phase(o), rawStatus: o.rawStatus,
                                     message: nil, errorCode: o.rawStatus == "rejected" ? "PAPER_REJECT" : nil)
        }
    }

    public func trades() async throws(BrokerError) -> [BrokerTrade] { Array(tradeBook) }

    /// The paper broker models no settlement and keeps no demat account: its holdings are today's net long
    /// CNC (delivery) positions, all of it reported as T1 (bought, not yet delivered), valued at the
    /// simulated last price (the average price when it has none).
    public func holdings() async throws(BrokerError) -> [BrokerHolding] {
        var instruments: [InstrumentKey: Instrument] = [:]
        for tag in orderSequence { if let o = book[tag] { instruments[o.request.instrument.key] = o.request.instrument } }
        return try await positions().compactMap { p in
            guard p.product == .cnc, p.netQuantity.value > 0, let instrument = instruments[p.instrumentKey] else { return nil }
            let last = lastPrice(p.instrumentKey) ?? p.averagePrice
            return BrokerHolding(instrumentKey: p.instrumentKey, isin: instrument.isin, tradingSymbol: instrument.tradingSymbol,
                                 exchange: instrument.exchange, quantity: p.netQuantity, t1Quantity: p.netQuantity,
                                 averagePrice: p.averagePrice, lastPrice: last,
                                 pnl: Price(units: (last.units - p.averagePrice.units) * p.netQuantity.value))
        }
    }

    static func phase(_ o: PaperOrder) -> BrokerOrderPhase {
        if o.open { return .open }
        switch o.rawStatus {
        case "complete": return .filled
        case "rejected": return .rejected
        default: return o.filled == o.request.quantity ? .filled : .canceled
        }
    }
}
