/// What happened to an order, for the client that owns it (becomes a FIX ExecutionReport or
/// OrderCancelReject, or a REST/CLI answer).
public struct OrderReport: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case pendingNew, new, pendingCancel, pendingReplace
        case fill(quantity: Quantity, price: Price, tradeID: String)
        case canceled, replaced, expired
        /// The broker changed the order's terms without a request through Vega (FIX ExecType D Restated);
        /// `text` says what changed.
        case restated(text: String)
        /// Vega's pipeline said no.
        case rejected(OrderRejection)
        /// The broker or exchange said no; text and code passed through.
        case brokerRejected(text: String, code: String?)
        /// Answer to a status request.
        case status
        /// Answer to a status request for an order Vega does not know (FIX BusinessMessageReject 380=1 Unknown ID,
        /// as fix-mapping.md §8 asks: an OrderCancelReject answers cancels and replaces only).
        /// `reference`: the request's own number at its interface (FIX MsgSeqNum), when it gave one.
        case unknownOrder(text: String, reference: Int?)
        /// A cancel or replace that could not be done (FIX OrderCancelReject, CxlRejReason).
        case cancelRejected(reason: CancelRejectReason, text: String, isReplace: Bool)
    }

    // The fields live in one shared, immutable-once-built box: a report travels through several queues and
    // batches (engine → report loop → session → store writer) and is copied at each; a copy is now one
    // reference instead of ~20 fields' worth of retains. A change to a shared report copies the box first.
    // The accessors are inlinable, so that a reader in another module borrows a field instead of copying it.
    @usableFromInline
    struct Fields: Sendable, Hashable {
        @usableFromInline var destination: OrderSource
        @usableFromInline var kind: Kind
        @usableFromInline var orderID: OrderID
        @usableFromInline var clientOrderID: ClientOrderID
        @usableFromInline var origClientOrderID: ClientOrderID?
        @usableFromInline var execID: String
        @usableFromInline var status: OrderStatus
        @usableFromInline var side: Side
        @usableFromInline var symbol: String
        @usableFromInline var product: Product?
        @usableFromInline var broker: BrokerID?
        @usableFromInline var quantity: Quantity
        @usableFromInline var limitPrice: Price?
        @usableFromInline var cumulativeQuantity: Quantity
        @usableFromInline var leavesQuantity: Quantity
        @usableFromInline var averagePrice: Price
        @usableFromInline var brokerRawStatus: String?
        @usableFromInline var brokerOrderID: String?
        @usableFromInline var execSequence: Int
        @usableFromInline var order: OrderSnapshot?
        @usableFromInline var transactTime: Int64
    }

    @usableFromInline
    final class Box: Sendable {
        @usableFromInline let fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var box: Box

    public init(destination: OrderSource, kind: Kind, orderID: OrderID, clientOrderID: ClientOrderID,
                origClientOrderID: ClientOrderID? = nil, execID: String, status: OrderStatus, side: Side,
                symbol: String, product: Product? = nil, broker: BrokerID? = nil, quantity: Quantity,
                limitPrice: Price? = nil, cumulativeQuantity: Quantity, leavesQuantity: Quantity, averagePrice: Price,
                brokerRawStatus: String? = nil, brokerOrderID: String? = nil, execSequence: Int = 0,
                order: OrderSnapshot? = nil, transactTime: Int64 = 0) {
        box = Box(Fields(destination: destination, kind: kind, orderID: orderID, clientOrderID: clientOrderID,
                         origClientOrderID: origClientOrderID, execID: execID, status: status, side: side,
                         symbol: symbol, product: product, broker: broker, quantity: quantity, limitPrice: limitPrice,
                         cumulativeQuantity: cumulativeQuantity, leavesQuantity: leavesQuantity,
                         averagePrice: averagePrice, brokerRawStatus: brokerRawStatus, brokerOrderID: brokerOrderID,
                         execSequence: execSequence, order: order, transactTime: transactTime))
    }

    @usableFromInline mutating func mutate(_ change: (inout Fields) -> Void) {
        var f = box.fields
        change(&f)
        box = Box(f)
    }

    public static func == (a: OrderReport, b: OrderReport) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into h: inout Hasher) { box.fields.hash(into: &h) }

    @inlinable public var destination: OrderSource {
        get { box.fields.destination }
        set { mutate { $0.destination = newValue } }
    }
    @inlinable public var kind: Kind {
        get { box.fields.kind }
        set { mutate { $0.kind = newValue } }
    }
    @inlinable public var orderID: OrderID {
        get { box.fields.orderID }
        set { mutate { $0.orderID = newValue } }
    }
    @inlinable public var clientOrderID: ClientOrderID {
        get { box.fields.clientOrderID }
        set { mutate { $0.clientOrderID = newValue } }
    }
    @inlinable public var origClientOrderID: ClientOrderID? {
        get { box.fields.origClientOrderID }
        set { mutate { $0.origClientOrderID = newValue } }
    }
    @inlinable public var execID: String {
        get { box.fields.execID }
        set { mutate { $0.execID = newValue } }
    }
    @inlinable public var status: OrderStatus {
        get { box.fields.status }
        set { mutate { $0.status = newValue } }
    }
    @inlinable public var side: Side {
        get { box.fields.side }
        set { mutate { $0.side = newValue } }
    }
    @inlinable public var symbol: String {
        get { box.fields.symbol }
        set { mutate { $0.symbol = newValue } }
    }
    @inlinable public var product: Product? {
        get { box.fields.product }
        set { mutate { $0.product = newValue } }
    }
    @inlinable public var broker: BrokerID? {
        get { box.fields.broker }
        set { mutate { $0.broker = newValue } }
    }
    @inlinable public var quantity: Quantity {
        get { box.fields.quantity }
        set { mutate { $0.quantity = newValue } }
    }
    @inlinable public var limitPrice: Price? {
        get { box.fields.limitPrice }
        set { mutate { $0.limitPrice = newValue } }
    }
    @inlinable public var cumulativeQuantity: Quantity {
        get { box.fields.cumulativeQuantity }
        set { mutate { $0.cumulativeQuantity = newValue } }
    }
    @inlinable public var leavesQuantity: Quantity {
        get { box.fields.leavesQuantity }
        set { mutate { $0.leavesQuantity = newValue } }
    }
    @inlinable public var averagePrice: Price {
        get { box.fields.averagePrice }
        set { mutate { $0.averagePrice = newValue } }
    }
    @inlinable public var brokerRawStatus: String? {
        get { box.fields.brokerRawStatus }
        set { mutate { $0.brokerRawStatus = newValue } }
    }
    @inlinable public var brokerOrderID: String? {
        get { box.fields.brokerOrderID }
        set { mutate { $0.brokerOrderID = newValue } }
    }
    /// The number in `execID` (`E-<n>`), unique across restarts.
    @inlinable public var execSequence: Int {
        get { box.fields.execSequence }
        set { mutate { $0.execSequence = newValue } }
    }
    /// The order after this event (nil for an answer about an order Vega does not know).
    @inlinable public var order: OrderSnapshot? {
        get { box.fields.order }
        set { mutate { $0.order = newValue } }
    }
    /// Exchange-clock time of the event, epoch milliseconds.
    @inlinable public var transactTime: Int64 {
        get { box.fields.transactTime }
        set { mutate { $0.transactTime = newValue } }
    }

    public var client: ClientID? { order?.client }
    public var instrument: Instrument? { order?.instrument }
}

/// FIX CxlRejReason (102).
public enum CancelRejectReason: Int, Sendable, Hashable {
    case tooLate = 0, unknownOrder = 1, brokerOption = 2, alreadyPending = 3, duplicateClOrdID = 6, other = 99
}

/// Receives every report, in order.
public protocol OrderReportSink: Sendable {
    func deliver(_ report: OrderReport)
    /// Returns once the reports for `orderID` delivered before the call are durable (its PendingNew, when
    /// the order was taken or held; a PendingReplace); a sink may wait for every report delivered before
    /// the call, which covers them. The engine sends an order, or a change of its terms, to a broker outside
    /// the process only after that, so that no broker holds an order or terms Vega could forget.
    /// Throws when storage failed.
    func waitUntilDurable(_ orderID: OrderID) async throws
}

extension OrderReportSink {
    /// For sinks with nothing to persist.
    public func waitUntilDurable(_ orderID: OrderID) async throws {}
}
