/// Where a broker order stands, normalised from the broker's own status text (brokers.md §4).
public enum BrokerOrderPhase: String, Sendable, Hashable, Codable {
    /// Received by the broker, not yet at the exchange (`put order req received`, Fyers 4 Transit).
    case pendingNew
    /// Resting at the exchange (`open`, `trigger pending`, Fyers 6), possibly partly filled.
    case open
    case pendingReplace
    /// The broker confirmed a modification (`modified`).
    case replaced
    /// The broker refused a modification (`not modified`).
    case replaceRejected
    case pendingCancel
    /// The broker refused a cancel (`not cancelled`).
    case cancelRejected
    case filled
    case canceled
    case rejected
    case expired

    /// Filled, canceled, rejected and expired orders take no further events.
    public var isTerminal: Bool { [.filled, .canceled, .rejected, .expired].contains(self) }

    /// The FIX OrdStatus (39) this phase shows as, given the filled quantity.
    public func orderStatus(filled: Quantity) -> OrderStatus {
        switch self {
        case .pendingNew: return .pendingNew
        case .open, .replaced, .replaceRejected, .cancelRejected: return filled.value > 0 ? .partiallyFilled : .new
        case .pendingReplace: return .pendingReplace
        case .pendingCancel: return .pendingCancel
        case .filled: return .filled
        case .canceled: return .canceled
        case .rejected: return .rejected
        case .expired: return .expired
        }
    }
}

/// One order as the broker's order book shows it, normalised. `tag` is Vega's tag when the order carries one.
public struct BrokerOrderRecord: Sendable, Hashable {
    public var brokerOrderID: String
    public var tag: String?
    public var exchangeOrderID: String?
    /// The instrument in the broker's own form (`NSE_EQ|INE002A01018`, `NSE:SBIN-EQ`, `SBIN`).
    public var symbol: String
    public var side: Side
    public var quantity: Quantity
    public var filledQuantity: Quantity
    public var averagePrice: Price
    public var limitPrice: Price?
    public var triggerPrice: Price?
    public var phase: BrokerOrderPhase
    /// The broker's status exactly as sent (tag 5007).
    public var rawStatus: String
    public var message: String?
    /// The broker's error code, when it gives one (tag 5009).
    public var errorCode: String?

    public init(brokerOrderID: String, tag: String?, exchangeOrderID: String?, symbol: String, side: Side,
                quantity: Quantity, filledQuantity: Quantity, averagePrice: Price, limitPrice: Price?,
                triggerPrice: Price?, phase: BrokerOrderPhase, rawStatus: String, message: String?,
                errorCode: String? = nil) {
        self.brokerOrderID = brokerOrderID
        self.tag = tag
        self.exchangeOrderID = exchangeOrderID
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.limitPrice = limitPrice
        self.triggerPrice = triggerPrice
        self.phase = phase
        self.rawStatus = rawStatus
        self.message = message
        self.errorCode = errorCode
    }
}

/// One execution of an order, named by the broker's trade id: what Vega booked of it (reconciliation's
/// view of Vega's fills, the stored executions, the paper broker's book restored after a restart).
public struct TradeFill: Sendable, Hashable {
    public var tradeID: String
    public var quantity: Quantity
    public var price: Price

    public init(tradeID: String, quantity: Quantity, price: Price) {
        self.tradeID = tradeID
        self.quantity = quantity
        self.price = price
    }
}

/// One execution as the broker's trade book shows it.
public struct BrokerTrade: Sendable, Hashable {
    public var tradeID: String
    public var brokerOrderID: String
    public var tag: String?
    public var symbol: String
    public var side: Side
    public var quantity: Quantity
    public var price: Price

    public init(tradeID: String, brokerOrderID: String, tag: String?, symbol: String, side: Side, quantity: Quantity,
                price: Price) {
        self.tradeID = tradeID
        self.brokerOrderID = brokerOrderID
        self.tag = tag
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
    }
}

/// One long-term (delivery) holding in the client's demat account as the broker reports it, normalised
/// (brokers.md: Upstox `/v2/portfolio/long-term-holdings`, Kite `/portfolio/holdings`, Fyers `/holdings`).
/// Amounts are fixed-point, rounded to Vega's ₹0.0001 units from the broker's JSON numbers.
public struct BrokerHolding: Sendable, Hashable {
    /// Vega's instrument key when the broker names instruments by it (Upstox) or the adapter knows the
    /// instrument; otherwise the instrument in the broker's own form (`NSE:RELIANCE`, `NSE:SBIN-EQ`).
    public var instrumentKey: InstrumentKey
    /// The ISIN (the key that is the same at every broker), nil when the broker sent none.
    public var isin: String?
    /// The exchange's trading symbol (`RELIANCE`; Fyers' series suffix `-EQ` dropped).
    public var tradingSymbol: String
    /// The exchange the broker quotes the holding on (`NSE`, `BSE`).
    public var exchange: String
    /// The quantity as the broker reports it in its `quantity` field (Kite and Upstox report T1 separately).
    public var quantity: Quantity
    /// Bought but not yet delivered (T1), where the broker gives it.
    public var t1Quantity: Quantity?
    public var averagePrice: Price
    public var lastPrice: Price
    /// The broker's profit or loss on the holding, in rupees.
    public var pnl: Price

    public init(instrumentKey: InstrumentKey, isin: String?, tradingSymbol: String, exchange: String,
                quantity: Quantity, t1Quantity: Quantity?, averagePrice: Price, lastPrice: Price, pnl: Price) {
        self.instrumentKey = instrumentKey
        self.isin = isin
        self.tradingSymbol = tradingSymbol
        self.exchange = exchange
        self.quantity = quantity
        self.t1Quantity = t1Quantity
        self.averagePrice = averagePrice
        self.lastPrice = lastPrice
        self.pnl = pnl
    }
}

/// A broker whose books (today's orders, trades and net positions, and the demat holdings) Vega can read,
/// for reconciliation.
public protocol BrokerBookkeeping: Sendable {
    func orders() async throws(BrokerError) -> [BrokerOrderRecord]
    func trades() async throws(BrokerError) -> [BrokerTrade]
    func positions() async throws(BrokerError) -> [BrokerPosition]
    /// Long-term (delivery) holdings.
    func holdings() async throws(BrokerError) -> [BrokerHolding]
}

/// Whether a broker can take orders now. An expired access token (the daily login) makes a broker
/// unhealthy until a new token is set, so that orders are not sent to fail one by one.
public enum BrokerHealth: Sendable, Hashable, CustomStringConvertible {
    case healthy
    case unhealthy(reason: String)

    public var isHealthy: Bool { self == .healthy }
    public var description: String {
        switch self {
        case .healthy: return "healthy"
        case .unhealthy(let reason): return "unhealthy: \(reason)"
        }
    }
}

/// A broker that reports its health (the Multi-Broker Abstraction Layer routes around unhealthy ones).
public protocol BrokerHealthReporting: Sendable {
    func health() async -> BrokerHealth
}
