/// A new order as the risk engine sees it: resolved instrument, product after defaulting, prices in fixed point.
/// Whether it reduces exposure is not an input: the engine decides that from the client's positions.
public struct RiskOrder: Hashable, Sendable {
    public var client: ClientID
    public var instrument: Instrument
    public var side: Side
    public var product: Product
    public var orderType: OrderType
    /// Units: shares, or contracts × lot size for F&O.
    public var quantity: Quantity
    public var limitPrice: Price?
    public var triggerPrice: Price?
    /// Tag 5004 MarketProtectionPct: nil or `-1` = auto (the configured default), else `0` … `25`.
    public var marketProtectionPct: Int?
    /// Tag 5012 Slice: above the freeze quantity, split into child orders instead of rejecting.
    public var slice: Bool
    /// Already filled (a replace of a part-filled order): the per-order checks see the whole `quantity`, while
    /// the working quantity, open value, VaR and margin count only what is still open.
    public var filled: Quantity = .zero
    /// Percent of the value an MIS or MTF order in the cash market blocks from the client's funds, from its
    /// product eligibility terms (`ProductTerms.blockedPercent`: MIS `intraday_margin`, MTF `mtf_bracket`); nil
    /// when not known, and then the whole value is blocked. CNC always blocks the whole value.
    public var productMargin: Rate?

    public init(client: ClientID, instrument: Instrument, side: Side, product: Product, orderType: OrderType,
                quantity: Quantity, limitPrice: Price? = nil, triggerPrice: Price? = nil,
                marketProtectionPct: Int? = nil, slice: Bool = false) {
        self.client = client
        self.instrument = instrument
        self.side = side
        self.product = product
        self.orderType = orderType
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.triggerPrice = triggerPrice
        self.marketProtectionPct = marketProtectionPct
        self.slice = slice
    }

    /// Market and SL-M orders carry a protection price (SEBI market protection, from 01-Apr-2026).
    public var needsMarketProtection: Bool { orderType == .market || orderType == .stop }

    /// +1 for a buy, -1 for a sell.
    var sign: Int64 { side == .buy ? 1 : -1 }
}
