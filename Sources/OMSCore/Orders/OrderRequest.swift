/// Where an order came from: a FIX session (by its CompIDs), the CLI or the REST API.
public enum OrderSource: Hashable, Sendable, Codable, CustomStringConvertible {
    case fix(session: String)
    case cli
    case rest

    public var description: String {
        switch self {
        case .fix(let s): return "fix:\(s)"
        case .cli: return "cli"
        case .rest: return "rest"
        }
    }
}

/// A new order as it enters the pipeline, whatever the interface (FIX, CLI, REST).
public struct OrderRequest: Hashable, Sendable, Codable {
    public var source: OrderSource
    public var clientOrderID: ClientOrderID
    public var client: ClientID
    public var lookup: InstrumentLookup
    public var side: Side
    public var orderType: OrderType
    public var timeInForce: TimeInForce
    public var quantity: Quantity
    public var limitPrice: Price?
    public var triggerPrice: Price?
    /// Tag 5001; nil: CNC for cash, NRML for derivatives.
    public var product: Product?
    /// Tag 5002; nil: the client's or the session's default broker.
    public var broker: BrokerID?
    /// Tag 5003.
    public var afterMarket: Bool
    /// Tag 5004.
    public var marketProtectionPct: Int?
    /// Tag 5005.
    public var algoID: String?
    /// Tag 5012.
    public var slice: Bool

    public init(source: OrderSource, clientOrderID: ClientOrderID, client: ClientID, lookup: InstrumentLookup,
                side: Side, orderType: OrderType, timeInForce: TimeInForce = .day, quantity: Quantity,
                limitPrice: Price? = nil, triggerPrice: Price? = nil, product: Product? = nil, broker: BrokerID? = nil,
                afterMarket: Bool = false, marketProtectionPct: Int? = nil, algoID: String? = nil, slice: Bool = false) {
        self.source = source
        self.clientOrderID = clientOrderID
        self.client = client
        self.lookup = lookup
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.triggerPrice = triggerPrice
        self.product = product
        self.broker = broker
        self.afterMarket = afterMarket
        self.marketProtectionPct = marketProtectionPct
        self.algoID = algoID
        self.slice = slice
    }
}

/// An order whose instrument is known (output of the resolver).
public struct ResolvedOrder: Hashable, Sendable {
    public let request: OrderRequest
    public let instrument: Instrument
    /// The product after defaulting (CNC for cash, NRML for derivatives).
    public let product: Product
}

/// An order every stage has passed.
public struct AcceptedOrder: Hashable, Sendable {
    public let resolved: ResolvedOrder
    public let productTerms: ProductTerms
    /// Session phase the order enters in.
    public let phase: SessionPhaseName
    /// The risk engine's acceptance (reservation, protection price, slices); nil when no risk engine ran.
    public let risk: RiskAcceptance?
}

/// What the pipeline decided.
public enum OrderDecision: Hashable, Sendable {
    case accepted(AcceptedOrder)
    /// After-market order outside hours: held and released into the pipeline at `releaseAt` (epoch ms).
    case held(ResolvedOrder, releaseAt: Int64)
    case rejected(OrderRejection)
}
