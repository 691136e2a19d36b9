/// A broker Vega can route to: `PAPER`, `UPSTOX`, `ZERODHA`, `FYERS`, or a FIX venue.
public struct BrokerID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue.uppercased() }
    public var description: String { rawValue }
    public static let paper = BrokerID("PAPER")
}

/// What a broker accepts (Multi-Broker Abstraction Layer routing checks it before sending).
public struct BrokerCapabilities: Sendable, Hashable {
    public var orderTypes: Set<OrderType>
    public var validities: Set<TimeInForce>
    public var products: Set<Product>
    public var supportsAfterMarketOrders: Bool
    /// SEBI: 10 orders per second per API account unless the broker allows more.
    public var maxOrdersPerSecond: Int
    /// The broker lives in this process and keeps its book in memory (the paper broker): its orders die
    /// with the process, so one cannot outlive Vega's record of it, and placing there need not wait for
    /// that record to be durable. Any other broker gets an order only once its PendingNew is durable.
    public var inProcess: Bool

    public init(orderTypes: Set<OrderType>, validities: Set<TimeInForce>, products: Set<Product>,
                supportsAfterMarketOrders: Bool, maxOrdersPerSecond: Int, inProcess: Bool = false) {
        self.orderTypes = orderTypes
        self.validities = validities
        self.products = products
        self.supportsAfterMarketOrders = supportsAfterMarketOrders
        self.maxOrdersPerSecond = maxOrdersPerSecond
        self.inProcess = inProcess
    }
}

/// An order as sent to a broker. `tag` is Vega's own id, which the broker keeps (order tag / client order
/// id) so that an order whose fate is unknown can be looked up instead of being sent twice.
public struct BrokerOrderRequest: Sendable, Hashable {
    public var tag: String
    public var instrument: Instrument
    public var side: Side
    public var product: Product
    public var orderType: OrderType
    public var timeInForce: TimeInForce
    public var quantity: Quantity
    public var limitPrice: Price?
    public var triggerPrice: Price?
    /// SEBI market protection: the worst price a market order may fill at.
    public var protectionPrice: Price?
    public var algoID: String?
    public var afterMarket: Bool

    public init(tag: String, instrument: Instrument, side: Side, product: Product, orderType: OrderType,
                timeInForce: TimeInForce, quantity: Quantity, limitPrice: Price? = nil, triggerPrice: Price? = nil,
                protectionPrice: Price? = nil, algoID: String? = nil, afterMarket: Bool = false) {
        self.tag = tag
        self.instrument = instrument
        self.side = side
        self.product = product
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.triggerPrice = triggerPrice
        self.protectionPrice = protectionPrice
        self.algoID = algoID
        self.afterMarket = afterMarket
    }
}

/// The broker's answer to a placement: its order id(s) (several when it sliced the order).
public struct BrokerPlacement: Sendable, Hashable {
    public var brokerOrderIDs: [String]
    public init(brokerOrderIDs: [String]) { self.brokerOrderIDs = brokerOrderIDs }
}

/// A normalised order event from a broker. `rawStatus` and `errorCode` are passed through to clients
/// (tags 5007 and 5009).
public enum BrokerOrderEvent: Sendable, Hashable {
    case acknowledged(tag: String, brokerOrderID: String, exchangeOrderID: String?, rawStatus: String)
    case fill(tag: String, tradeID: String, quantity: Quantity, price: Price, rawStatus: String)
    case canceled(tag: String, rawStatus: String)
    /// New terms (a replace made, or a change at the broker); `triggerPrice` when the broker says (stop orders).
    case replaced(tag: String, quantity: Quantity, limitPrice: Price?, rawStatus: String, triggerPrice: Price? = nil)
    case rejected(tag: String, text: String, errorCode: String?, rawStatus: String)
    case cancelRejected(tag: String, text: String, rawStatus: String)
    case replaceRejected(tag: String, text: String, rawStatus: String)
    case expired(tag: String, rawStatus: String)

    public var tag: String {
        switch self {
        case .acknowledged(let t, _, _, _), .fill(let t, _, _, _, _), .canceled(let t, _), .replaced(let t, _, _, _, _),
             .rejected(let t, _, _, _), .cancelRejected(let t, _, _), .replaceRejected(let t, _, _), .expired(let t, _):
            return t
        }
    }
}

/// What a broker reports about one order when asked by Vega's tag.
public struct BrokerOrderState: Sendable, Hashable {
    public var tag: String
    public var brokerOrderID: String
    public var rawStatus: String
    public var filledQuantity: Quantity
    public var averagePrice: Price
    public var isOpen: Bool
    /// The order's quantity and limit price as the broker now has them (a replace applied or not); nil when it
    /// does not say.
    public var quantity: Quantity?
    public var limitPrice: Price?
    /// How a closed order ended (filled, cancelled, rejected, expired); nil while open or when the broker does not say.
    public var end: BrokerOrderPhase?

    public init(tag: String, brokerOrderID: String, rawStatus: String, filledQuantity: Quantity, averagePrice: Price,
                isOpen: Bool, quantity: Quantity? = nil, limitPrice: Price? = nil, end: BrokerOrderPhase? = nil) {
        self.end = isOpen ? nil : end
        self.tag = tag
        self.brokerOrderID = brokerOrderID
        self.rawStatus = rawStatus
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.isOpen = isOpen
        self.quantity = quantity
        self.limitPrice = limitPrice
    }
}

/// A net position as the broker books it.
public struct BrokerPosition: Sendable, Hashable {
    public var instrumentKey: InstrumentKey
    public var product: Product
    public var netQuantity: Quantity
    public var averagePrice: Price

    public init(instrumentKey: InstrumentKey, product: Product, netQuantity: Quantity, averagePrice: Price) {
        self.instrumentKey = instrumentKey
        self.product = product
        self.netQuantity = netQuantity
        self.averagePrice = averagePrice
    }
}

/// Why a broker call failed (not a rejection of the order, which arrives as an event).
public enum BrokerError: Error, Sendable, Hashable {
    case unavailable(String)
    case tokenExpired
    case rateLimited
    /// The call timed out or the connection broke after sending: the order's fate is unknown.
    case outcomeUnknown
    case unknownOrder(tag: String)
    case refused(code: String?, message: String)
}

/// One broker behind the Multi-Broker Abstraction Layer.
public protocol BrokerAdapter: Sendable {
    var id: BrokerID { get }
    var capabilities: BrokerCapabilities { get }
    /// Normalised order events, in the order the broker reported them.
    var events: AsyncStream<BrokerOrderEvent> { get }
    func place(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement
    /// Places several orders; one result per order, in order. The default places them concurrently with
    /// `place(_:)`; a broker that can take a batch in one call does so.
    func place(batch orders: [BrokerOrderRequest]) async -> [Result<BrokerPlacement, BrokerError>]
    func modify(tag: String, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?) async throws(BrokerError)
    func cancel(tag: String) async throws(BrokerError)
    /// Looks an order up by Vega's tag (nil: the broker never saw it).
    func orderState(tag: String) async throws(BrokerError) -> BrokerOrderState?
    /// Looks up an order this process did not place (after a restart, or a placement whose answer was lost) and,
    /// found, follows it from then on as if it had placed it: its later events are reported, and it can be
    /// modified and cancelled. The state returned is what the following starts from (the caller catches up to
    /// it); nil: the broker never saw it. The default is `orderState(tag:)`, for brokers that need nothing more.
    func resume(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerOrderState?
    func positions() async throws(BrokerError) -> [BrokerPosition]
}

extension BrokerAdapter {
    public func resume(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerOrderState? {
        try await orderState(tag: order.tag)
    }

    public func place(batch orders: [BrokerOrderRequest]) async -> [Result<BrokerPlacement, BrokerError>] {
        func one(_ o: BrokerOrderRequest) async -> Result<BrokerPlacement, BrokerError> {
            do throws(BrokerError) { return .success(try await place(o)) } catch { return .failure(error) }
        }
        if orders.count == 1 { return [await one(orders[0])] }
        return await withTaskGroup(of: (Int, Result<BrokerPlacement, BrokerError>).self) { group in
            for (i, o) in orders.enumerated() { group.addTask { (i, await one(o)) } }
            var results = [Result<BrokerPlacement, BrokerError>?](repeating: nil, count: orders.count)
            for await (i, r) in group { results[i] = r }
            return results.map { $0! }
        }
    }
}
