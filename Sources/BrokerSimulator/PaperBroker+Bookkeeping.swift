import OMSCore

/// The paper broker's books, for reconciliation: every order it took, every execution, and (in `PaperBroker`)
/// net positions. Instruments are named by Vega's instrument key.
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

    public func trades() async throws(BrokerError) -> [BrokerTrade] { tradeBook }

    static func phase(_ o: PaperOrder) -> BrokerOrderPhase {
        if o.open { return .open }
        switch o.rawStatus {
        case "complete": return .filled
        case "rejected": return .rejected
        default: return o.filled == o.request.quantity ? .filled : .canceled
        }
    }
}
