/// NewOrderSingle (35=D) read from a received message. Values are read once; absent fields are nil.
public struct FIXNewOrderSingle: Sendable, Equatable {
    public var clOrdID: String
    public var account: String?
    public var symbol: String?
    public var securityID: String?
    public var securityIDSource: String?
    public var securityExchange: String?
    public var securityType: String?
    public var maturityDate: String?
    public var maturityMonthYear: String?
    public var putOrCall: String?
    public var strikePrice: String?
    public var side: String
    public var orderQty: String?
    public var ordType: String
    public var price: String?
    public var stopPx: String?
    public var timeInForce: String?
    public var maxFloor: String?
    public var transactTime: String?
    public var text: String?
    /// Vega's user-defined fields 5001–5012, by tag.
    public var custom: [Int: String]

    /// Reads the view; nil when the message is not a NewOrderSingle.
    public init?(_ m: FIXMessage) {
        guard m.msgType == "D" else { return nil }
        self.init(orderFieldsOf: m)
    }

    /// Reads the order fields of a NewOrderSingle or an OrderCancelReplaceRequest.
    init(orderFieldsOf m: FIXMessage) {
        clOrdID = m.string(11) ?? ""
        account = m.string(1)
        symbol = m.string(55)
        securityID = m.string(48)
        securityIDSource = m.string(22)
        securityExchange = m.string(207)
        securityType = m.string(167)
        maturityDate = m.string(541)
        maturityMonthYear = m.string(200)
        putOrCall = m.string(201)
        strikePrice = m.string(202)
        side = m.string(54) ?? ""
        orderQty = m.string(38)
        ordType = m.string(40) ?? ""
        price = m.string(44)
        stopPx = m.string(99)
        timeInForce = m.string(59)
        maxFloor = m.string(111)
        transactTime = m.string(60)
        text = m.string(58)
        custom = FIXNewOrderSingle.customFields(m)
    }

    static func customFields(_ m: FIXMessage) -> [Int: String] {
        var c: [Int: String] = [:]
        for (i, f) in m.fields.enumerated() where f.tag >= 5001 && f.tag <= 5012 && f.depth == 0 {
            c[f.tag] = m.string(at: i)
        }
        return c
    }
}

/// OrderCancelRequest (35=F).
public struct FIXOrderCancelRequest: Sendable, Equatable {
    public var clOrdID: String
    public var origClOrdID: String
    public var orderID: String?
    public var symbol: String?
    public var side: String?
    public var orderQty: String?

    public init?(_ m: FIXMessage) {
        guard m.msgType == "F" else { return nil }
        clOrdID = m.string(11) ?? ""
        origClOrdID = m.string(41) ?? ""
        orderID = m.string(37)
        symbol = m.string(55)
        side = m.string(54)
        orderQty = m.string(38)
    }
}

/// OrderCancelReplaceRequest (35=G): the new ClOrdID and the order's new terms.
public struct FIXOrderCancelReplaceRequest: Sendable, Equatable {
    public var origClOrdID: String
    public var orderID: String?
    public var order: FIXNewOrderSingle

    public init?(_ m: FIXMessage) {
        guard m.msgType == "G" else { return nil }
        origClOrdID = m.string(41) ?? ""
        orderID = m.string(37)
        order = FIXNewOrderSingle(orderFieldsOf: m)
    }
}

/// OrderStatusRequest (35=H).
public struct FIXOrderStatusRequest: Sendable, Equatable {
    public var clOrdID: String
    public var orderID: String?
    public var symbol: String?
    public var side: String?

    public init?(_ m: FIXMessage) {
        guard m.msgType == "H" else { return nil }
        clOrdID = m.string(11) ?? ""
        orderID = m.string(37)
        symbol = m.string(55)
        side = m.string(54)
    }
}
