/// Reservations and what moves them: fills, closes, releases; plus position loading.
extension LimitRiskEngine {
    func reserve(_ client: ClientRiskBook, key: PositionKey, book: PositionBook, order: RiskOrder, price: Price,
                 value: Int64, varCheck: VaRCheck?, marginCheck: MarginCheck?, funds: FundsBlock?,
                 market: MarketSnapshot) -> RiskReservationID
    {
        let id = RiskReservationID(nextReservation)
        nextReservation += 1
        let qty = order.quantity.value
        var b = book
        if order.side == .buy { b.workingBuy += qty } else { b.workingSell += qty }
        if order.product == .mis, let funds { b.marginPercent = funds.percent }
        client.store(b, at: key)
        if let funds { client.fundsReserved = RiskMath.sum(client.fundsReserved, funds.amount) }
        client.openOrders += 1
        client.openValue = RiskMath.sum(client.openValue, value)
        let contract = SPANContract(order.instrument)
        let premium = contract?.isOption == true && order.side == .buy
        if premium { client.premiumReserved = RiskMath.sum(client.premiumReserved, value) }
        // VaR: keep an existing state in step; a state we cannot update is dropped and rebuilt when next needed.
        var factor = varCheck?.factor
        var perUnit = varCheck?.perUnit ?? 0
        if order.product == .mis, var state = client.intradayVaR {
            if factor == nil, let model = varModel,
               let (f, u) = varExposure(order.instrument, model: model, market: market, fallback: price) {
                factor = f
                perUnit = u * Double(order.sign)
            }
            if let factor {
                state.reserve(perUnit * Double(qty), side: order.side, factor: factor)
                client.intradayVaR = state
            } else {
                client.intradayVaR = nil
            }
        }
        reservations[id] = Reservation(client: order.client, key: key, side: order.side, remaining: qty, price: price,
                                       underlying: contract?.underlying, reservesPremium: premium,
                                       varFactor: factor, varPerUnit: perUnit, fundsPercent: funds?.percent,
                                       funds: funds?.amount ?? 0)
        return id
    }

    /// An order that was live before a restart: its open quantity is reserved again without the checks (it
    /// was accepted then; refusing it now would not take it off the market), so that it counts in the open
    /// orders, open value, working quantities and VaR of every order that follows.
    /// - Returns: nil when the client has no limits here or the order has no price to value it at.
    public func reserveLive(_ order: RiskOrder, market: MarketSnapshot) -> RiskReservationID? {
        guard let client = clients[order.client], order.quantity.value > 0 else { return nil }
        let key = PositionKey(instrument: order.instrument.key, product: order.product)
        let book = client.book(key, instrument: order.instrument)
        var price = order.limitPrice
        if price == nil, case .success(let p) = protectionPrice(order, band: priceBands[order.instrument.key], market: market) {
            price = p
        }
        guard let price else { return nil }
        let value = RiskMath.value(order.quantity.value, price)
        let funds = fundsBlock(order, value: value, reduces: book.reduces(side: order.side, quantity: order.quantity.value))
        return reserve(client, key: key, book: book, order: order, price: price, value: value, varCheck: nil,
                       marginCheck: nil, funds: funds, market: market)
    }

    public func checkReplace(_ reservation: RiskReservationID?, with order: RiskOrder, market: MarketSnapshot,
                             keepingCurrent: Bool) -> RiskDecision {
        guard let old = reservation, let r = reservations[old], let client = clients[r.client] else {
            let decision = check(order, market: market)
            if keepingCurrent, case .accepted(let a) = decision { orderClosed(a.reservation) }
            return decision
        }
        orderClosed(old)
        let decision = check(order, market: market)
        switch decision {
        case .rejected:
            reinstate(r, as: old, client: client)
        case .accepted(let a) where keepingCurrent:
            orderClosed(a.reservation)
            reinstate(r, as: old, client: client)
        case .accepted:
            break
        }
        return decision
    }

    /// Puts back a reservation exactly as `orderClosed` took it out (a replace the checks refused).
    func reinstate(_ r: Reservation, as id: RiskReservationID, client: ClientRiskBook) {
        if var b = client.books[r.key] {
            if r.side == .buy { b.workingBuy += r.remaining } else { b.workingSell += r.remaining }
            client.store(b, at: r.key)
        }
        let value = RiskMath.value(r.remaining, r.price)
        client.openValue = RiskMath.sum(client.openValue, value)
        if r.reservesPremium { client.premiumReserved = RiskMath.sum(client.premiumReserved, value) }
        client.fundsReserved = RiskMath.sum(client.fundsReserved, r.funds)
        if r.key.product == .mis, var state = client.intradayVaR {
            if let f = r.varFactor {
                state.reserve(r.varPerUnit * Double(r.remaining), side: r.side, factor: f)
                client.intradayVaR = state
            } else {
                client.intradayVaR = nil
            }
        }
        client.openOrders += 1
        reservations[id] = r
    }

    public func release(_ reservation: RiskReservationID) { orderClosed(reservation) }

    public func orderClosed(_ reservation: RiskReservationID) {
        guard let r = reservations.removeValue(forKey: reservation), let client = clients[r.client] else { return }
        unreserve(client, r, quantity: r.remaining)
        client.openOrders -= 1
    }

    @discardableResult
    public func applyFill(_ reservation: RiskReservationID, quantity: Quantity, price: Price) -> Bool {
        guard var r = reservations[reservation], let client = clients[r.client], quantity.value > 0 else {
            return false
        }
        let filled = min(quantity.value, r.remaining)
        r.funds -= unreserve(client, r, quantity: filled, asFill: true)
        r.remaining -= filled
        var b = client.books[r.key]!
        notePremium(client, b, side: r.side, quantity: quantity.value, price: price)
        noteDelivery(client, b, side: r.side, quantity: quantity.value, price: price, percent: r.fundsPercent)
        client.addRealised(b.fill(side: r.side, quantity: quantity.value, price: price), of: b)
        client.store(b, at: r.key)
        let over = quantity.value - filled
        if over > 0, r.key.product == .mis {
            client.intradayVaR = nil  // an overfill is exposure no reservation carried
        }
        if r.remaining == 0 {
            reservations[reservation] = nil
            client.openOrders -= 1
        } else {
            reservations[reservation] = r
        }
        return true
    }

    /// Frees `quantity` of a reservation's working quantity, value and premium, and its VaR exposure — or, for a
    /// fill (`asFill`), moves that exposure into the position (the other side's VaR case gains it).
    /// - Returns: the funds freed (all that is left of the reservation's when `quantity` is all that is open).
    @discardableResult
    func unreserve(_ client: ClientRiskBook, _ r: Reservation, quantity: Int64, asFill: Bool = false) -> Int64 {
        if var b = client.books[r.key] {
            if r.side == .buy { b.workingBuy -= quantity } else { b.workingSell -= quantity }
            client.store(b, at: r.key)
        }
        let value = RiskMath.value(quantity, r.price)
        client.openValue = RiskMath.release(client.openValue, value)
        if r.reservesPremium { client.premiumReserved = RiskMath.release(client.premiumReserved, value) }
        var freed: Int64 = 0
        if r.funds > 0, let percent = r.fundsPercent {
            freed = quantity >= r.remaining ? r.funds : min(r.funds, RiskMath.percent(value, percent))
            client.fundsReserved = RiskMath.release(client.fundsReserved, freed)
        }
        if r.key.product == .mis, var state = client.intradayVaR {
            if let f = r.varFactor {
                if asFill {
                    state.fill(r.varPerUnit * Double(quantity), side: r.side, factor: f)
                } else {
                    state.reserve(-r.varPerUnit * Double(quantity), side: r.side, factor: f)
                }
                client.intradayVaR = state
            } else {
                client.intradayVaR = nil
            }
        }
        return freed
    }

    /// A trade that no reservation covers (e.g. a fill after the order was closed here, or a manual trade).
    /// `productMargin`: the product's margin % for a cash-market MIS or MTF trade (`RiskOrder.productMargin`).
    public func recordTrade(client id: ClientID, instrument: Instrument, product: Product, side: Side,
                            quantity: Quantity, price: Price, productMargin: Rate? = nil) {
        guard let client = clients[id], quantity.value > 0 else { return }
        let key = PositionKey(instrument: instrument.key, product: product)
        var b = client.book(key, instrument: instrument)
        let percent = fundsPercent(instrument, product: product, productMargin: productMargin)
        if product == .mis, productMargin != nil { b.marginPercent = percent }
        notePremium(client, b, side: side, quantity: quantity.value, price: price)
        noteDelivery(client, b, side: side, quantity: quantity.value, price: price, percent: percent)
        client.addRealised(b.fill(side: side, quantity: quantity.value, price: price), of: b)
        client.store(b, at: key)
        invalidate(client, instrument: instrument, product: product)
    }

    /// An option fill's premium: a buy pays it; a sell out of a long position takes it back (up to the long).
    /// `before` is the position before the fill.
    func notePremium(_ client: ClientRiskBook, _ before: PositionBook, side: Side, quantity: Int64, price: Price) {
        guard SPANContract(before.instrument)?.isOption == true else { return }
        if side == .buy {
            client.premiumPaid = RiskMath.sum(client.premiumPaid, RiskMath.value(quantity, price))
        } else if before.net > 0 {
            client.premiumPaid = RiskMath.release(client.premiumPaid, RiskMath.value(min(quantity, before.net), price))
        }
    }

    /// A cash-market delivery buy (CNC, MTF) pays its `percent` of the fill's value from funds for the day.
    func noteDelivery(_ client: ClientRiskBook, _ book: PositionBook, side: Side, quantity: Int64, price: Price,
                      percent: Rate?) {
        guard let percent, side == .buy, book.product == .cnc || book.product == .mtf else { return }
        client.deliveryPaid = RiskMath.sum(client.deliveryPaid, RiskMath.percent(RiskMath.value(quantity, price), percent))
    }

    /// Sets a carried position at the start of the day (signed units, average price); replaces any position.
    public func loadPosition(client id: ClientID, instrument: Instrument, product: Product, quantity: Int64,
                             averagePrice: Price) {
        guard let client = clients[id] else { return }
        let key = PositionKey(instrument: instrument.key, product: product)
        var b = client.book(key, instrument: instrument)
        b.net = quantity
        b.openCost = RiskMath.value(abs(quantity), averagePrice)
        client.store(b, at: key)
        invalidate(client, instrument: instrument, product: product)
    }

    /// After a restart, once the day's trades are booked again (`recordTrade`, as one buy and one sell at their
    /// average prices — the order of the trades is lost): the open position's cost as it was stored, when the
    /// book's net quantity is the stored one. The realised P&L moves by the difference the other way, so the
    /// day's P&L (realised + mark-to-market) is unchanged; the cost is what MIS margin and the average price
    /// follow. (Bought 100 at 1000, sold them at 1100, bought 100 at 1200: the replay gives a cost of 110000 and
    /// no realised P&L, where the stored position has 120000 and 10000.)
    public func restoreOpenCost(client id: ClientID, instrument: Instrument, product: Product, net: Int64,
                                openCost: Int64) {
        let key = PositionKey(instrument: instrument.key, product: product)
        guard let client = clients[id], var b = client.books[key], b.net == net, net != 0, openCost >= 0 else { return }
        let delta = RiskMath.sum(openCost, -b.openCost)
        let realisedDelta = net > 0 ? delta : delta == .min ? .max : -delta
        b.openCost = openCost
        b.realised = RiskMath.sum(b.realised, realisedDelta)
        client.addRealised(realisedDelta, of: b)
        client.store(b, at: key)
        invalidate(client, instrument: instrument, product: product)
    }

    /// True when the client has a book for the position (a carried one loaded, or trades booked).
    public func hasPosition(client id: ClientID, instrument: InstrumentKey, product: Product) -> Bool {
        clients[id]?.books[PositionKey(instrument: instrument, product: product)] != nil
    }

    /// Adds realised P&L booked elsewhere today (e.g. positions closed before a restart).
    public func addRealisedPnL(_ amount: Price, client id: ClientID) {
        guard let client = clients[id] else { return }
        client.realised = RiskMath.sum(client.realised, amount.units)
    }

    func invalidate(_ client: ClientRiskBook, instrument: Instrument, product: Product) {
        if product == .mis { client.intradayVaR = nil }
    }
}
