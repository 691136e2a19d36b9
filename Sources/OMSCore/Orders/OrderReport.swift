/// What happened to an order, for the client that owns it (becomes a FIX ExecutionReport or
/// OrderCancelReject, or a REST/CLI answer).
public struct OrderReport: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case pendingNew, new, pendingCancel, pendingReplace
        case fill(quantity: Quantity, price: Price, tradeID: String)
        case canceled, replaced, expired
        /// Vega's pipeline said no.
        case rejected(OrderRejection)
        /// The broker or exchange said no; text and code passed through.
        case brokerRejected(text: String, code: String?)
        /// Answer to a status request.
        case status
        /// Answer to a status request for an order Vega does not know (FIX BusinessMessageReject 380=1 Unknown ID,
        /// as fix-mapping.md §8 asks: an OrderCancelReject answers cancels and replaces only).
        case unknownOrder(text: String)
        /// A cancel or replace that could not be done (FIX OrderCancelReject, CxlRejReason).
        case cancelRejected(reason: CancelRejectReason, text: String, isReplace: Bool)
    }

    public var destination: OrderSource
    public var kind: Kind
    public var orderID: OrderID
    public var clientOrderID: ClientOrderID
    public var origClientOrderID: ClientOrderID?
    public var execID: String
    public var status: OrderStatus
    public var side: Side
    public var symbol: String
    public var product: Product?
    public var broker: BrokerID?
    public var quantity: Quantity
    public var limitPrice: Price?
    public var cumulativeQuantity: Quantity
    public var leavesQuantity: Quantity
    public var averagePrice: Price
    public var brokerRawStatus: String?
    public var brokerOrderID: String?
    /// The number in `execID` (`E-<n>`), unique across restarts.
    public var execSequence: Int = 0
    /// The order after this event (nil for an answer about an order Vega does not know).
    public var order: OrderSnapshot?
    /// Exchange-clock time of the event, epoch milliseconds.
    public var transactTime: Int64 = 0

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
