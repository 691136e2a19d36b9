/// A request to the engine from an order-entry interface, queued in arrival order.
public indirect enum OrderCommand: Sendable {
    case submit(OrderRequest)
    /// An order the interface could not map to a request: reported as rejected. The request holds what could be
    /// read of it (echoed on the rejection), with a zero quantity where the quantity itself was not a number.
    case rejectUnmapped(OrderRequest, OrderRejection)
    case cancel(OrderSource, ClientOrderID, orig: ClientOrderID)
    case replace(OrderSource, ClientOrderID, orig: ClientOrderID, Quantity, Price?)
    /// A replace the interface could not map (its quantity or price): refused with an OrderCancelReject.
    case refuseReplace(OrderSource, ClientOrderID, orig: ClientOrderID, text: String)
    /// `reference`: the interface's own number for the request (FIX: its MsgSeqNum), echoed when the order is
    /// unknown (BusinessMessageReject RefSeqNum 45).
    case status(OrderSource, ClientOrderID, reference: Int? = nil)
    /// A request sent again, maybe a copy of one already taken (FIX PossDupFlag=Y, after a ResendRequest): when
    /// its ClOrdID is known, the status of the order it names (the client gets the state the first copy left,
    /// not a duplicate-ClOrdID refusal for its own request); else the request.
    case resent(OrderCommand)

    /// The source and the ClOrdID the command uses (a status request's names an order; it uses none).
    var usedClientOrderID: (OrderSource, ClientOrderID)? {
        switch self {
        case .submit(let r): (r.source, r.clientOrderID)
        case .rejectUnmapped(let r, _): (r.source, r.clientOrderID)
        case .cancel(let s, let c, _), .replace(let s, let c, _, _, _),
             .refuseReplace(let s, let c, _, _): (s, c)
        case .status: nil
        case .resent(let c): c.usedClientOrderID
        }
    }
}

extension OrderEngine {
    /// Runs commands in order, in one visit to the engine.
    public func perform(_ commands: [OrderCommand]) {
        for c in commands { perform(c) }
    }

    func perform(_ c: OrderCommand) {
        switch c {
        case .submit(let r): submit(r)
        case .rejectUnmapped(let r, let why): rejectUnmapped(r, rejection: why)
        case .cancel(let s, let c, let o): cancel(source: s, clientOrderID: c, origClientOrderID: o)
        case .replace(let s, let c, let o, let q, let p):
            replace(source: s, clientOrderID: c, origClientOrderID: o, quantity: q, limitPrice: p)
        case .refuseReplace(let s, let c, let o, let text):
            refuseReplace(source: s, clientOrderID: c, origClientOrderID: o, text: text)
        case .status(let s, let c, let reference): status(source: s, clientOrderID: c, reference: reference)
        case .resent(let command):
            if let (s, c) = command.usedClientOrderID, byClientOrderID[Self.key(s, c)] != nil {
                status(source: s, clientOrderID: c)
            } else {
                perform(command)
            }
        }
    }
}
