/// One client's limits and exposure state inside `LimitRiskEngine`. A class so the engine mutates it in place
/// (no copy of its dictionaries per order); owned by the engine and never shared across isolation domains.
final class ClientRiskBook {
    var limits: RiskLimits
    var openOrders = 0
    var openValue: Int64 = 0
    var realised: Int64 = 0
    var premiumReserved: Int64 = 0
    /// The day's premium paid for option buys, less what selling long options took back (not below zero): funds
    /// the client no longer has for margin. (It was not counted: a filled option buy freed its reserved premium,
    /// SPAN credited the option's value back, and option buying went on without limit.)
    var premiumPaid: Int64 = 0
    /// The day's delivery buys in the cash market, paid from funds: CNC at their whole value, MTF at its margin.
    /// Delivery sells do not give it back (their proceeds settle later).
    var deliveryPaid: Int64 = 0
    /// Funds blocked by working cash-market orders (`Reservation.funds`).
    var fundsReserved: Int64 = 0
    /// The part of `realised` booked on positions whose loss is funds used (`lossUsesFunds`).
    var marginedRealised: Int64 = 0
    var books: [PositionKey: PositionBook] = [:]
    /// Books with a position (net ≠ 0), kept by `store` so that the day's P&L does not walk every book.
    var openPositions: [PositionKey: (net: Int64, openCost: Int64)] = [:]
    /// F&O position keys by underlying (the SPAN groups).
    var groups: [InstrumentKey: Set<PositionKey>] = [:]
    /// SPAN legs and aggregates by underlying, kept in step by `store`; a missing one is rebuilt when needed.
    var spanGroups: [InstrumentKey: SPANGroup] = [:]
    /// Incremental intraday VaR (both cases: all working buys filled, all working sells filled); nil until a VaR
    /// check needs it, and after the model changes.
    var intradayVaR: TwoSidedVaR?

    init(limits: RiskLimits) { self.limits = limits }

    func book(_ key: PositionKey, instrument: Instrument) -> PositionBook {
        books[key] ?? PositionBook(instrument: instrument, product: key.product)
    }

    /// Stores `book`, registering its SPAN group the first time and moving its leg in a kept SPAN group (a
    /// group without that leg is dropped, to be rebuilt).
    func store(_ book: PositionBook, at key: PositionKey) {
        let old = books[key]
        books[key] = book
        if book.net != 0 || (old?.net ?? 0) != 0 { openPositions[key] = book.net == 0 ? nil : (book.net, book.openCost) }
        guard let contract = SPANContract(book.instrument) else { return }
        let u = contract.underlying
        if old == nil { groups[u, default: []].insert(key) }
        guard spanGroups[u] != nil else { return }
        spanGroups[u]!.adjust(contract.key, net: book.net - (old?.net ?? 0),
                              buy: book.workingBuy - (old?.workingBuy ?? 0),
                              sell: book.workingSell - (old?.workingSell ?? 0))
        if spanGroups[u]!.valid == false { spanGroups[u] = nil }
    }

    /// Realised plus mark-to-market P&L (marks from `market`, none → zero MTM for that position).
    func dayPnL(_ market: MarketSnapshot) -> Int64 {
        var pnl = realised
        for (key, p) in openPositions {
            pnl = RiskMath.sum(pnl, PositionBook.markToMarket(net: p.net, openCost: p.openCost,
                                                               mark: market.lastPrices[key.instrument]))
        }
        return pnl
    }

    /// Books realised P&L of `book`.
    func addRealised(_ pnl: Int64, of book: PositionBook) {
        realised = RiskMath.sum(realised, pnl)
        if Self.lossUsesFunds(book) { marginedRealised = RiskMath.sum(marginedRealised, pnl) }
    }

    /// Whether a loss on the position is funds the client no longer has, beyond what the funds rule already
    /// counts: not for delivery (CNC: the whole cost is paid, `deliveryPaid`) and not for options (premium paid
    /// and taken back by sales is counted as it is paid, `premiumPaid`; short options are margined by SPAN).
    /// MIS, MTF (only its margin was paid) and futures: yes.
    static func lossUsesFunds(_ book: PositionBook) -> Bool {
        book.product != .cnc && book.instrument.optionType == nil
    }

    /// The day's P&L of the positions whose loss uses funds (`lossUsesFunds`): realised plus mark-to-market.
    func marginedDayPnL(_ market: MarketSnapshot) -> Int64 {
        var pnl = marginedRealised
        for (key, p) in openPositions {
            guard let b = books[key], Self.lossUsesFunds(b) else { continue }
            pnl = RiskMath.sum(pnl, PositionBook.markToMarket(net: p.net, openCost: p.openCost,
                                                               mark: market.lastPrices[key.instrument]))
        }
        return pnl
    }

    /// Funds the cash market uses: the day's delivery buys, working orders, and the intraday margin of open
    /// MIS positions (their product margin % of the position's cost).
    var cashFundsInUse: Int64 {
        var total = RiskMath.sum(deliveryPaid, fundsReserved)
        for (key, p) in openPositions where key.product == .mis {
            guard let b = books[key], b.instrument.segment.isCash else { continue }
            total = RiskMath.sum(total, RiskMath.percent(p.openCost, b.marginPercent ?? .hundredPercent))
        }
        return total
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
