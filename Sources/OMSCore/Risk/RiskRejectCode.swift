/// Stable reject codes of the risk engine (FIX custom tag 5006 OMSRejectCode, shared/domain/fix-mapping.md §6).
public enum RiskRejectCode: String, Sendable, Codable, CaseIterable {
    /// Client order-value, quantity, open-order, open-value or daily-loss limit.
    case clientLimit = "RISK_CLIENT_LIMIT"
    /// Symbol quantity cap, quantity above the exchange freeze quantity without slicing, too many slices.
    case quantityCap = "RISK_QTY_CAP"
    /// Insufficient margin (SPAN + exposure) or funds (cash-market orders), intraday VaR above the client's threshold, no data to compute them.
    case margin = "RISK_MARGIN"
    /// A delivery (CNC, MTF) sell of more than the client holds and has not already offered for sale.
    case holdings = "RISK_HOLDINGS"
    /// Price outside the day's band, or no reference price to protect a market order.
    case priceBand = "RISK_PRICE_BAND"
    /// Price not a multiple of the instrument's tick size.
    case badTick = "BAD_TICK"
    /// Quantity not positive or not a multiple of the lot size.
    case badQuantity = "BAD_QTY"
    /// Market protection outside 0–25 %, a price the order type needs is missing or not positive.
    case unsupported = "UNSUPPORTED"

    /// FIX OrdRejReason (103): 3 order exceeds limit, 99 other, 13 incorrect quantity, 11 unsupported
    /// order characteristic.
    public var ordRejReason: Int {
        switch self {
        case .clientLimit, .quantityCap, .margin, .holdings: 3
        case .priceBand, .badTick: 99
        case .badQuantity: 13
        case .unsupported: 11
        }
    }
}
