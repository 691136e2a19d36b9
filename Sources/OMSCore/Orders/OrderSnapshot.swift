/// Everything Vega keeps of one order. Stored with every report in the same transaction as the outbound
/// FIX message, and read back at start so that open orders survive a restart.
public struct OrderSnapshot: Sendable, Hashable, Codable {
    public var id: OrderID
    /// The number in the order id (`O-<sequence>`): ids are never reused across restarts.
    public var sequence: Int
    public var source: OrderSource
    public var clientOrderID: ClientOrderID
    /// The ClOrdID of a cancel or replace in flight.
    public var pendingClientOrderID: ClientOrderID?
    public var request: OrderRequest
    public var instrument: Instrument?
    public var product: Product?
    public var broker: BrokerID?
    public var lifecycle: OrderLifecycle
    public var brokerOrderID: String?
    public var rawStatus: String?
    /// An after-market order waiting for the next open.
    public var held: Bool
    /// Why it was rejected: the stable code (tag 5006) and text (58), Vega's or the broker's.
    public var rejectCode: String?
    public var rejectText: String?

    public var status: OrderStatus { lifecycle.status }
    public var client: ClientID { request.client }

    public init(id: OrderID, sequence: Int, source: OrderSource, clientOrderID: ClientOrderID,
                pendingClientOrderID: ClientOrderID? = nil, request: OrderRequest, instrument: Instrument? = nil,
                product: Product? = nil, broker: BrokerID? = nil, lifecycle: OrderLifecycle, brokerOrderID: String? = nil,
                rawStatus: String? = nil, held: Bool = false, rejectCode: String? = nil, rejectText: String? = nil) {
        self.id = id
        self.sequence = sequence
        self.source = source
        self.clientOrderID = clientOrderID
        self.pendingClientOrderID = pendingClientOrderID
        self.request = request
        self.instrument = instrument
        self.product = product
        self.broker = broker
        self.lifecycle = lifecycle
        self.brokerOrderID = brokerOrderID
        self.rawStatus = rawStatus
        self.held = held
        self.rejectCode = rejectCode
        self.rejectText = rejectText
    }
}

/// What the engine needs to carry on after a restart: the recent and open orders, every ClOrdID already used, and the
/// next order and execution numbers.
public struct OrderBookState: Sendable {
    public var orders: [OrderSnapshot]
    /// `(source, ClOrdID)` of every stored order, so that a duplicate after a restart is still refused.
    public var usedClientOrderIDs: [(OrderSource, ClientOrderID)]
    public var nextOrderSequence: Int
    public var nextExecSequence: Int

    public init(orders: [OrderSnapshot] = [], usedClientOrderIDs: [(OrderSource, ClientOrderID)] = [],
                nextOrderSequence: Int = 1, nextExecSequence: Int = 1) {
        self.orders = orders
        self.usedClientOrderIDs = usedClientOrderIDs
        self.nextOrderSequence = nextOrderSequence
        self.nextExecSequence = nextExecSequence
    }
}
