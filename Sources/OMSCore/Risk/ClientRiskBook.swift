/// One client's limits and exposure state inside `LimitRiskEngine`. A class so the engine mutates it in place
/// (no copy of its dictionaries per order); owned by the engine and never shared across isolation domains.
final class ClientRiskBook {
    var limits: RiskLimits
    var openOrders = 0
    var openValue: Int64 = 0
    var realised: Int64 = 0
    var premiumReserved: Int64 = 0
    var books: [PositionKey: PositionBook] = [:]
    /// F&O position keys by underlying (the SPAN groups).
    var groups: [InstrumentKey: Set<PositionKey>] = [:]
    /// SPAN + exposure by underlying, Price units; a missing entry is recomputed at the next check.
    var spanCache: [InstrumentKey: Int64] = [:]
    /// Incremental intraday VaR; nil until a VaR check needs it, and after the model changes.
    var intradayVaR: IntradayVaR?

    init(limits: RiskLimits) { self.limits = limits }

    func book(_ key: PositionKey, instrument: Instrument) -> PositionBook {
        books[key] ?? PositionBook(instrument: instrument, product: key.product)
    }

    /// Stores `book`, registering its SPAN group the first time.
    func store(_ book: PositionBook, at key: PositionKey) {
        if books[key] == nil, let contract = SPANContract(book.instrument) {
            groups[contract.underlying, default: []].insert(key)
        }
        books[key] = book
    }

    /// Realised plus mark-to-market P&L (marks from `market`, none → zero MTM for that position).
    func dayPnL(_ market: MarketSnapshot) -> Int64 {
        var pnl = realised
        for (key, b) in books where b.net != 0 {
            pnl = RiskMath.sum(pnl, b.markToMarket(market.lastPrices[key.instrument]))
        }
        return pnl
    }

    var exposure: ClientExposure {
        var positions: [PositionKey: ClientExposure.Position] = [:]
        for (key, b) in books {
            let avg = b.net == 0 ? Price.zero : Price(units: b.openCost / abs(b.net))
            positions[key] = ClientExposure.Position(net: Quantity(b.net), averagePrice: avg,
                                                     realised: Price(units: b.realised),
                                                     workingBuy: Quantity(b.workingBuy),
                                                     workingSell: Quantity(b.workingSell))
        }
        return ClientExposure(openOrders: openOrders, openOrderValue: Price(units: openValue),
                              realisedPnL: Price(units: realised), reservedPremium: Price(units: premiumReserved),
                              positions: positions)
    }
}
