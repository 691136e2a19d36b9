/// A request to the engine from an order-entry interface, queued in arrival order.
public enum OrderCommand: Sendable {
    case submit(OrderRequest)
    /// A new order sent again (FIX PossDupFlag=Y): the order's status when its ClOrdID is known (it was taken
    /// before), else a new order.
    case resubmit(OrderRequest)
    /// An order the interface could not map to a request: reported as rejected.
    case rejectUnmapped(OrderSource, ClientOrderID, Side, symbol: String?, OrderRejection)
    case cancel(OrderSource, ClientOrderID, orig: ClientOrderID)
    case replace(OrderSource, ClientOrderID, orig: ClientOrderID, Quantity, Price?)
    case status(OrderSource, ClientOrderID)
}

extension OrderEngine {
    /// Runs commands in order, in one visit to the engine.
    public func perform(_ commands: [OrderCommand]) {
        for c in commands {
            switch c {
            case .submit(let r): submit(r)
            case .resubmit(let r):
                if byClientOrderID[Self.key(r.source, r.clientOrderID)] != nil {
                    status(source: r.source, clientOrderID: r.clientOrderID)
                } else {
                    submit(r)
                }
            case .rejectUnmapped(let s, let c, let side, let symbol, let why):
                rejectUnmapped(source: s, clientOrderID: c, side: side, symbol: symbol, rejection: why)
            case .cancel(let s, let c, let o): cancel(source: s, clientOrderID: c, origClientOrderID: o)
            case .replace(let s, let c, let o, let q, let p):
                replace(source: s, clientOrderID: c, origClientOrderID: o, quantity: q, limitPrice: p)
            case .status(let s, let c): status(source: s, clientOrderID: c)
            }
        }
    }
}
