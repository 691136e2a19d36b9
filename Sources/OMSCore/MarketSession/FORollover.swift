/// The F&O expiry-day rollover job: a pure function of positions, the date and today's instrument list.
public enum FORollover {
    /// Lists positions expiring `today` and proposes roll orders for clients in `rollClients`.
    ///
    /// The next series is the contract with the smallest expiry after the expiring one that has the same segment,
    /// underlying, instrument type (FUT/CE/PE), strike and option type; a monthly contract rolls only into a
    /// monthly one, a weekly into whichever expires next. Ties go to the smaller instrument key.
    public static func plan(positions: [FOPosition], today: TradingDate, instruments: [Instrument],
                            rollClients: Set<ClientID>) -> FORolloverPlan {
        var byKey: [InstrumentKey: Instrument] = [:]
        for i in instruments { byKey[i.key] = i }
        var items: [FORolloverItem] = []
        for p in positions where p.expiryDay == today.daysSinceEpoch && p.netQuantity != 0 {
            guard rollClients.contains(p.client) else {
                items.append(FORolloverItem(position: p, outcome: .notRequested))
                continue
            }
            guard let current = byKey[p.instrumentKey] else {
                items.append(FORolloverItem(position: p, outcome: .unknownContract))
                continue
            }
            guard let next = nextSeries(after: current, expiryDay: p.expiryDay, in: instruments) else {
                items.append(FORolloverItem(position: p, outcome: .noNextSeries))
                continue
            }
            let units = p.netQuantity.magnitude
            if next.lotSize > 0 && units % UInt64(next.lotSize) != 0 {
                items.append(FORolloverItem(position: p, outcome: .lotSizeMismatch(next: next.key,
                                                                                   lotSize: next.lotSize)))
                continue
            }
            let long = p.netQuantity > 0
            let q = Quantity(Int64(units))
            let proposal = FORollProposal(
                client: p.client,
                close: FORollLeg(instrumentKey: p.instrumentKey, side: long ? .sell : .buy, quantity: q,
                                 product: p.product),
                open: FORollLeg(instrumentKey: next.key, side: long ? .buy : .sell, quantity: q, product: p.product))
            items.append(FORolloverItem(position: p, outcome: .proposed(proposal)))
        }
        return FORolloverPlan(date: today, items: items)
    }

    /// The contract `current` rolls into, or nil.
    public static func nextSeries(after current: Instrument, expiryDay: Int32, in instruments: [Instrument])
        -> Instrument?
    {
        var best: Instrument?
        for c in instruments where c.active && c.segment == current.segment
            && c.instrumentType == current.instrumentType && c.optionType == current.optionType
            && c.strikePrice == current.strikePrice && sameUnderlying(c, current)
            && (current.weekly || !c.weekly)
        {
            guard let e = c.expiryDay, e > expiryDay else { continue }
            if let b = best, let be = b.expiryDay, be < e || (be == e && b.key < c.key) { continue }
            best = c
        }
        return best
    }

    private static func sameUnderlying(_ a: Instrument, _ b: Instrument) -> Bool {
        if let x = a.underlyingKey, let y = b.underlyingKey { return x == y }
        if let x = a.underlyingSymbol, let y = b.underlyingSymbol { return x == y }
        return a.name == b.name
    }
}
