/// The risk engine: per-client limits, quantity caps, tick/lot, price bands, market protection, daily loss,
/// intraday VaR, SPAN margin and funds, checked in that order (docs/risk.md), over in-memory state it owns.
///
/// Not `Sendable`: one owner (the `OrderEngine` actor) calls it. Every method is synchronous, so a check and its
/// reservation are one step.
public final class LimitRiskEngine: RiskEngine {
    public let configuration: RiskConfiguration
    public internal(set) var priceBands: PriceBands
    public internal(set) var varModel: IntradayVaRModel?
    var clients: [ClientID: ClientRiskBook] = [:]
    var reservations: [RiskReservationID: Reservation] = [:]
    var nextReservation: UInt64 = 1
    /// Risk arrays by contract, reused while a contract's price and volatility are unchanged.
    var spanArrays = SPANRiskArrayCache()

    public init(configuration: RiskConfiguration = RiskConfiguration(), limits: [ClientID: RiskLimits] = [:],
                priceBands: PriceBands = PriceBands(), varModel: IntradayVaRModel? = nil) {
        self.configuration = configuration
        self.priceBands = priceBands
        self.varModel = varModel
        for (client, l) in limits { clients[client] = ClientRiskBook(limits: l) }
    }

    public func check(_ order: RiskOrder, market: MarketSnapshot) -> RiskDecision {
        guard let client = clients[order.client] else { return .rejected(.limitsNotConfigured(client: order.client)) }
        let instrument = order.instrument
        let limits = client.limits
        // 1. Quantity: positive, a lot multiple. 2. Prices the order type needs: present, positive, on a tick.
        if let r = OrderRules.quantity(order) ?? OrderRules.prices(order) { return .rejected(r) }
        // 3. Exchange freeze quantity: reject, or slice when the order asks for it.
        var children: [Quantity] = []
        switch OrderSlicer.slice(order.quantity, instrument: instrument, allowSlicing: order.slice,
                                 maxSlices: configuration.maxSlices) {
        case .whole: break
        case .sliced(let c): children = c
        case .rejected(let r): return .rejected(r)
        }
        // 4. The client's symbol caps.
        let key = PositionKey(instrument: instrument.key, product: order.product)
        let book = client.book(key, instrument: instrument)
        // Judged on what is still open: a replace of a part-filled exit order still reduces the position by the
        // rest (on the whole quantity it counted as new exposure — refused for funds, or past the daily loss).
        let reduces = book.reduces(side: order.side, quantity: order.quantity.value - order.filled.value)
        if let cap = limits.symbolCaps[instrument.key],
           let r = OrderRules.symbolCap(cap, order: order, book: book, reduces: reduces) {
            return .rejected(r)
        }
        // 4b. No short delivery: a delivery sell needs the shares, less those open sells already offer.
        if configuration.deliverySellsNeedHoldings, order.side == .sell, order.product == .cnc || order.product == .mtf,
           instrument.segment.isCash {
            let free = max(0, book.net - book.workingSell)
            let wanted = order.quantity.value - order.filled.value
            if wanted > free {
                return .rejected(.insufficientHoldings(instrument: instrument.key, product: order.product, free: free,
                                                       value: wanted))
            }
        }
        // 5. Price band; market and SL-M orders get their protection price.
        let band = priceBands[instrument.key]
        if let band, let r = OrderRules.band(band, order: order) { return .rejected(r) }
        var protection: Price?
        if order.needsMarketProtection {
            switch protectionPrice(order, band: band, market: market) {
            case .success(let p): protection = p
            case .failure(let r): return .rejected(r)
            }
        }
        let price = protection ?? order.limitPrice!  // OrderRules.prices: LIMIT and SL carry a limit price.
        let value = RiskMath.value(order.quantity.value, price)
        // What is still open (all of it, but for a replace of a part-filled order) is what gets reserved.
        var open = order
        open.quantity = order.quantity - order.filled
        open.filled = .zero
        let openValue = RiskMath.value(open.quantity.value, price)
        // 6. Client limits: order quantity and value, open orders and value, daily loss.
        if let r = clientLimits(client, order: order, value: value, openValue: openValue, reduces: reduces, market: market) {
            return .rejected(r)
        }
        // 7. Intraday VaR of MIS positions. 8. SPAN margin of F&O. Each refuses only an order that raises it above
        // the limit — a sell that closes one leg can raise either (a hedge removed), so reducing orders are checked
        // too; but one is never refused for want of market data (a client can always close).
        var varCheck: VaRCheck?
        if order.product == .mis, let limit = limits.intradayVaRLimit, let model = varModel {
            switch checkIntradayVaR(client, order: open, price: price, limit: limit, model: model, market: market) {
            case .success(let c): varCheck = c
            case .failure(let r): if !(reduces && r.isMissingMarketData) { return .rejected(r) }
            }
        }
        var marginCheck: MarginCheck?
        if let available = limits.availableMargin, let contract = SPANContract(instrument) {
            switch checkMargin(client, order: open, contract: contract, value: openValue, available: available,
                               reduces: reduces, market: market) {
            case .success(let c): marginCheck = c
            case .failure(let r): if !(reduces && r.isMissingMarketData) { return .rejected(r) }
            }
        }
        // 9. Funds: a cash-market order blocks its product's share of its value (CNC all of it, MIS and MTF their
        // margin) — delivery buys and MIS orders that add exposure — and the funds in use with it (cash and F&O)
        // may not exceed the available funds.
        let funds = fundsBlock(order, value: openValue, reduces: reduces)
        if let block = funds?.amount, block > 0, let available = limits.availableMargin {
            switch fundsInUse(client, market: market) {
            case .success(let used):
                let required = RiskMath.sum(used, block)
                if required > available.units {
                    return .rejected(.insufficientFunds(required: Price(units: required), available: available))
                }
            case .failure(let r): return .rejected(r)
            }
        }
        // 10. Reserve: nothing has been awaited since the first check.
        let id = reserve(client, key: key, book: book, order: open, price: price, value: openValue, varCheck: varCheck,
                         marginCheck: marginCheck, funds: funds, market: market)
        return .accepted(RiskAcceptance(reservation: id, childQuantities: children, protectionPrice: protection,
                                        valuationPrice: price, orderValue: Price(units: value),
                                        reducesExposure: reduces, marginRequired: marginCheck?.required,
                                        intradayVaR: varCheck?.after))
    }

    func protectionPrice(_ order: RiskOrder, band: PriceBand?, market: MarketSnapshot) -> Result<Price, RiskRejection> {
        let pct: Rate
        switch MarketProtection.percent(tag: order.marketProtectionPct, auto: configuration.autoMarketProtection,
                                        maximum: configuration.maxMarketProtection) {
        case .success(let p): pct = p
        case .failure(let r): return .failure(r)
        }
        let reference: Price
        if order.orderType == .stop, let trigger = order.triggerPrice {
            reference = trigger
        } else if let ltp = market.lastPrices[order.instrument.key] {
            reference = ltp
        } else {
            return .failure(.missingMarketData(.marketProtection, instrument: order.instrument.key))
        }
        return MarketProtection.price(side: order.side, reference: reference, percent: pct,
                                      tick: order.instrument.tickSize, band: band)
    }

    /// `value`: the whole order's (per-order limit); `openValue`: what it adds to the open orders.
    func clientLimits(_ client: ClientRiskBook, order: RiskOrder, value: Int64, openValue: Int64, reduces: Bool,
                      market: MarketSnapshot) -> RiskRejection? {
        let l = client.limits
        if let max = l.maxOrderQuantity, order.quantity > max {
            return .clientLimit(.maxOrderQuantity, limit: .count(max.value), value: .count(order.quantity.value))
        }
        if let max = l.maxOrderValue, value > max.units {
            return .clientLimit(.maxOrderValue, limit: .money(max), value: .money(Price(units: value)))
        }
        if let max = l.maxOpenOrders, client.openOrders + 1 > max {
            return .clientLimit(.maxOpenOrders, limit: .count(Int64(max)), value: .count(Int64(client.openOrders + 1)))
        }
        if let max = l.maxOpenValue, RiskMath.sum(client.openValue, openValue) > max.units {
            return .clientLimit(.maxOpenValue, limit: .money(max),
                                value: .money(Price(units: RiskMath.sum(client.openValue, openValue))))
        }
        if let max = l.maxDailyLoss, !reduces {
            let loss = -client.dayPnL(market)
            if loss > max.units {
                return .clientLimit(.maxDailyLoss, limit: .money(max), value: .money(Price(units: loss)))
            }
        }
        return nil
    }
}
