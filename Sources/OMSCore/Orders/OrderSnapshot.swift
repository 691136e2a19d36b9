/// Everything Vega keeps of one order. Stored with every report in the same transaction as the outbound
/// FIX message, and read back at start so that open orders survive a restart.
public struct OrderSnapshot: Sendable, Hashable {
    public var id: OrderID
    /// The number in the order id (`O-<sequence>`): ids are never reused across restarts.
    public var sequence: Int
    public var source: OrderSource
    public var clientOrderID: ClientOrderID
    /// The ClOrdID of a cancel or replace in flight.
    public var pendingClientOrderID: ClientOrderID?
    /// The request and the instrument never change after the order is resolved: they are shared (one
    /// reference) between the engine's record and every snapshot and report made of it.
    var requestBox: SharedValue<OrderRequest>
    var instrumentBox: SharedValue<Instrument>?
    public var request: OrderRequest {
        get { requestBox.value }
        set { requestBox = SharedValue(newValue) }
    }
    public var instrument: Instrument? {
        get { instrumentBox?.value }
        set { instrumentBox = newValue.map { SharedValue($0) } }
    }
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
    /// When the order was first stored (exchange clock, epoch milliseconds); nil in the engine's own snapshots.
    public var createdAt: Int64?
    /// The worst price a market or SL-M order may fill at (the risk engine's market protection), sent to its
    /// broker; stored, so that an order placed again after a restart goes with it.
    public var protectionPrice: Price?

    /// The engine's snapshot of its record: shares the record's request.
    init(id: OrderID, sequence: Int, source: OrderSource, clientOrderID: ClientOrderID,
         pendingClientOrderID: ClientOrderID?, requestBox: SharedValue<OrderRequest>, lifecycle: OrderLifecycle) {
        self.id = id
        self.sequence = sequence
        self.source = source
        self.clientOrderID = clientOrderID
        self.pendingClientOrderID = pendingClientOrderID
        self.requestBox = requestBox
        self.lifecycle = lifecycle
        self.held = false
    }

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
        self.requestBox = SharedValue(request)
        self.instrumentBox = instrument.map { SharedValue($0) }
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
    /// `(source, ClOrdID, order)` of every stored order, so that a duplicate after a restart is still refused
    /// and a request naming an order not read back (closed, beyond what stays in memory) finds it in storage.
    public var usedClientOrderIDs: [(OrderSource, ClientOrderID, OrderID?)]
    public var nextOrderSequence: Int
    public var nextExecSequence: Int
    /// Ids of stored closed orders whose row could not be read back (a state, side or source this version does
    /// not know, a value its column should not hold): not restored, and named at start rather than left out in
    /// silence.
    public var unreadable: [String] = []
    /// Ids of stored orders not closed (by their status) whose row could not be read back: an order possibly
    /// live at its broker, with fills and risk Vega would lose track of — `vega-oms` does not start with one.
    public var unreadableOpen: [String] = []

    public init(orders: [OrderSnapshot] = [], usedClientOrderIDs: [(OrderSource, ClientOrderID, OrderID?)] = [],
                nextOrderSequence: Int = 1, nextExecSequence: Int = 1) {
        self.orders = orders
        self.usedClientOrderIDs = usedClientOrderIDs
        self.nextOrderSequence = nextOrderSequence
        self.nextExecSequence = nextExecSequence
    }
}

/// One page of the order list (`GET /api/orders`), newest first.
public struct OrderListPage: Sendable {
    public var orders: [OrderSnapshot]
    /// Ids of stored orders in the range looked at that cannot be read back (a state, side or source this version
    /// does not know): named rather than left out in silence.
    public var unreadable: [String]
    /// To go on with older orders, ask for those below this sequence number; nil when none are left. Set also
    /// when the page is short because the range one request may look through was used up.
    public var older: Int?

    public init(orders: [OrderSnapshot] = [], unreadable: [String] = [], older: Int? = nil) {
        self.orders = orders
        self.unreadable = unreadable
        self.older = older
    }
}

/// An immutable value behind one reference: copying what holds it costs one retain, not one per field.
final class SharedValue<Value: Sendable & Hashable>: Sendable, Hashable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func == (a: SharedValue, b: SharedValue) -> Bool { a === b || a.value == b.value }
    func hash(into h: inout Hasher) { h.combine(value) }
}
