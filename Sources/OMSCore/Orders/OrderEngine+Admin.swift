/// The answer to a cancel asked for by Vega's order id (CLI, REST).
public enum OrderCancelOutcome: Sendable, Hashable {
    /// The order is now PendingCancel, or Canceled when it had reached no broker (an after-market order held
    /// for the next open); its owner was told with an ExecutionReport.
    case requested(OrderSnapshot)
    case unknown
    case refused(CancelRejectReason, String)
}

extension OrderEngine {
    /// Cancels an order by Vega's id, on behalf of an operator (CLI or REST) rather than the order's owner.
    /// The owner sees it as an unsolicited PendingCancel, then Canceled, under the order's own ClOrdID.
    public func cancel(orderID id: OrderID) -> OrderCancelOutcome {
        guard var r = record(id) else { return .unknown }
        switch r.lifecycle {
        case .working(let w):
            r.lifecycle = .pendingCancel(w.requestCancel())
            records[id] = r
            deliver(r, .pendingCancel)
            sendCancel(r)
            return .requested(snapshot(r))
        case .closed(let c): return .refused(.tooLate, "order is \(OrderStatusName.of(c.finalStatus))")
        case .pendingNew(let p) where r.held:
            cancelHeld(&r, p, request: nil)
            return .requested(snapshot(r))
        case .pendingNew, .pendingCancel, .pendingReplace: return .refused(.alreadyPending, "order has a request pending")
        }
    }
}

extension OrderEngine {
    /// Asks the order's broker to cancel; a broker that cannot answers as a cancel reject.
    func sendCancel(_ r: Record) {
        guard let broker = r.broker.flatMap({ brokers[$0] }) else { return }
        let tag = r.id.rawValue
        Task {
            do throws(BrokerError) { try await broker.cancel(tag: tag) } catch {
                self.handle(.cancelRejected(tag: tag, text: "Broker \(broker.id) could not cancel: \(error)", rawStatus: ""))
            }
        }
    }
}

enum OrderStatusName {
    static func of(_ s: OrderStatus) -> String {
        switch s {
        case .pendingNew: return "pending new"
        case .new: return "new"
        case .partiallyFilled: return "partially filled"
        case .filled: return "filled"
        case .pendingCancel: return "pending cancel"
        case .canceled: return "canceled"
        case .pendingReplace: return "pending replace"
        case .rejected: return "rejected"
        case .expired: return "expired"
        }
    }
}
