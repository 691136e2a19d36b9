/// What the session gate needs to know about an order.
public struct SessionOrderTraits: Hashable, Sendable {
    public var orderType: OrderType
    public var timeInForce: TimeInForce
    /// Custom tag 5003 AfterMarketOrder=Y: hold the order outside market hours instead of rejecting it.
    public var isAfterMarketOrder: Bool
    public var product: Product
    public var side: Side

    public init(orderType: OrderType, timeInForce: TimeInForce = .day, isAfterMarketOrder: Bool = false,
                product: Product = .cnc, side: Side = .buy) {
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.isAfterMarketOrder = isAfterMarketOrder
        self.product = product
        self.side = side
    }
}

/// Per-day facts about an instrument that the instrument master does not carry (the caller supplies them from
/// the exchange's security master, the IPO/relisting list and the surveillance lists).
public struct SessionInstrumentFlags: Hashable, Sendable {
    /// NSE security master "Eligibility for Closing Auction Session" = 1 (stocks with derivatives).
    /// Has an effect only on timetables that have a closing auction (from 2026-08-03); ignored for T2T series.
    public var isCASEligible: Bool
    /// Listing day of an IPO, or relisting / scheme-of-arrangement ex-date: special pre-open session 09:00–10:00.
    public var isIPOOrRelistingDay0: Bool
    /// Illiquid security (ESM stage II and similar) traded only in hourly periodic call auctions.
    public var isPeriodicCallAuction: Bool
    /// Futures in the F&O pre-open: current month, and next month in the last 5 trading days before expiry.
    /// Options never take part in the pre-open; the flag is ignored for them.
    public var isFuturesPreOpenEligible: Bool

    public init(isCASEligible: Bool = false, isIPOOrRelistingDay0: Bool = false, isPeriodicCallAuction: Bool = false,
                isFuturesPreOpenEligible: Bool = false) {
        self.isCASEligible = isCASEligible
        self.isIPOOrRelistingDay0 = isIPOOrRelistingDay0
        self.isPeriodicCallAuction = isPeriodicCallAuction
        self.isFuturesPreOpenEligible = isFuturesPreOpenEligible
    }
}
