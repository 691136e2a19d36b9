import FIXProtocol
import OMSCore

/// An ExecutionReport (35=8) from the venue, read into Vega's fixed-point values.
struct VenueExecutionReport: Sendable, Equatable {
    var orderID: String?
    var clOrdID: String
    var origClOrdID: String?
    var execID: String
    /// ExecType (150): `0` New, `1`/`2` (FIX 4.2 fills), `F` Trade, `4` Canceled, `5` Replaced, `8` Rejected,
    /// `C` Expired, `I` Order status, `6`/`E`/`A` pending.
    var execType: String
    /// OrdStatus (39), passed through as the raw status.
    var ordStatus: String
    var orderQty: Quantity?
    var price: Price?
    var stopPx: Price?
    var lastQty: Quantity?
    var lastPx: Price?
    var cumQty: Quantity?
    var avgPx: Price?
    var text: String?
    var ordRejReason: String?
    var exchangeOrderID: String?
    var ordStatusReqID: String?

    init(orderID: String?, clOrdID: String, origClOrdID: String? = nil, execID: String, execType: String,
         ordStatus: String) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.execID = execID
        self.execType = execType
        self.ordStatus = ordStatus
    }

    /// Nil when ExecType or OrdStatus is missing (the session's dictionary normally catches that first). ClOrdID is
    /// optional in FIX 4.4: a report the venue sends of its own accord may name the order by OrderID (37) only
    /// (`clOrdID` is then empty).
    init?(_ m: FIXMessage) {
        guard m.msgType == "8", let execType = m.nonEmpty(FIXTag.execType),
              let ordStatus = m.nonEmpty(FIXTag.ordStatus) else { return nil }
        let clOrdID = m.nonEmpty(FIXTag.clOrdID) ?? ""
        self.init(orderID: m.nonEmpty(FIXTag.orderID), clOrdID: clOrdID, origClOrdID: m.nonEmpty(FIXTag.origClOrdID),
                  execID: m.nonEmpty(FIXTag.execID) ?? "", execType: execType, ordStatus: ordStatus)
        orderQty = m.nonEmpty(FIXTag.orderQty).flatMap(Self.quantity)
        price = m.nonEmpty(FIXTag.price).flatMap { Price($0) }
        stopPx = m.nonEmpty(VenueTag.stopPx).flatMap { Price($0) }
        lastQty = m.nonEmpty(FIXTag.lastQty).flatMap(Self.quantity)
        lastPx = m.nonEmpty(FIXTag.lastPx).flatMap { Price($0) }
        cumQty = m.nonEmpty(FIXTag.cumQty).flatMap(Self.quantity)
        avgPx = m.nonEmpty(FIXTag.avgPx).flatMap { Price($0) }
        text = m.nonEmpty(FIXTag.text)
        ordRejReason = m.nonEmpty(VenueTag.ordRejReason)
        exchangeOrderID = m.nonEmpty(VenueTag.exchangeOrderID) ?? m.nonEmpty(VenueTag.secondaryOrderID)
        ordStatusReqID = m.nonEmpty(VenueTag.ordStatusReqID)
    }

    /// FIX quantities are decimals (`100`, `100.0`); Vega's are whole units.
    static func quantity(_ text: String) -> Quantity? {
        guard let p = Price(text), p.units % Price.scale == 0 else { return nil }
        return Quantity(p.units / Price.scale)
    }
}

/// An OrderCancelReject (35=9): the venue refused a cancel (434=1) or a cancel/replace (434=2), or (as Vega's own
/// acceptor does) answered a status request for an order it does not know (102=1).
struct VenueCancelReject: Sendable, Equatable {
    var orderID: String?
    var clOrdID: String
    var origClOrdID: String?
    var ordStatus: String
    var responseTo: String
    var reason: String?
    var text: String?

    init(orderID: String? = nil, clOrdID: String, origClOrdID: String? = nil, ordStatus: String, responseTo: String,
         reason: String?, text: String?) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.ordStatus = ordStatus
        self.responseTo = responseTo
        self.reason = reason
        self.text = text
    }

    init?(_ m: FIXMessage) {
        guard m.msgType == "9", let clOrdID = m.nonEmpty(FIXTag.clOrdID) else { return nil }
        self.clOrdID = clOrdID
        orderID = m.nonEmpty(FIXTag.orderID)
        origClOrdID = m.nonEmpty(FIXTag.origClOrdID)
        ordStatus = m.nonEmpty(FIXTag.ordStatus) ?? ""
        responseTo = m.nonEmpty(VenueTag.cxlRejResponseTo) ?? "1"
        reason = m.nonEmpty(VenueTag.cxlRejReason)
        text = m.nonEmpty(FIXTag.text)
    }
}

/// A BusinessMessageReject (35=j) of one of our requests.
struct VenueBusinessReject: Sendable, Equatable {
    var refSeqNum: Int?
    var refMsgType: String?
    var refID: String?
    var reason: String?
    var text: String?

    init?(_ m: FIXMessage) {
        guard m.msgType == "j" else { return nil }
        refSeqNum = m.int(FIXTag.refSeqNum)
        refMsgType = m.nonEmpty(FIXTag.refMsgType)
        refID = m.nonEmpty(FIXTag.businessRejectRefID)
        reason = m.nonEmpty(FIXTag.businessRejectReason)
        text = m.nonEmpty(FIXTag.text)
    }
}

/// Tags the venue adapter reads or writes that `FIXTag` does not name.
enum VenueTag {
    static let currency = 15
    static let handlInst = 21
    static let securityIDSource = 22
    static let securityID = 48
    static let stopPx = 99
    static let cxlRejReason = 102
    static let ordRejReason = 103
    static let securityType = 167
    static let secondaryOrderID = 198
    static let putOrCall = 201
    static let strikePrice = 202
    static let securityExchange = 207
    static let cxlRejResponseTo = 434
    static let maturityDate = 541
    static let ordStatusReqID = 790
    static let productType = 5001
    static let afterMarketOrder = 5003
    static let algoID = 5005
    static let exchangeOrderID = 5008
}

extension FIXMessage {
    func nonEmpty(_ tag: Int) -> String? {
        guard let s = string(tag), !s.isEmpty else { return nil }
        return s
    }
}
