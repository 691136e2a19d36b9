/// ExecutionReport (35=8) to send. Fields are written in ascending tag order.
public struct FIXExecutionReport: Sendable, Equatable {
    public var orderID: String
    public var secondaryOrderID: String?
    public var clOrdID: String
    public var origClOrdID: String?
    public var execID: String
    public var execType: Character
    public var ordStatus: Character
    public var account: String?
    public var symbol: String?
    public var side: String
    public var orderQty: String?
    public var ordType: String?
    public var price: String?
    public var timeInForce: String?
    public var lastQty: String?
    public var lastPx: String?
    public var leavesQty: String
    public var cumQty: String
    public var avgPx: String
    public var transactTime: FIXTimestamp?
    public var ordRejReason: Int?
    public var text: String?
    /// Vega's output tags (5001–5011), by tag.
    public var custom: [Int: String]

    public init(orderID: String, clOrdID: String, execID: String, execType: Character, ordStatus: Character,
                side: String, leavesQty: String, cumQty: String, avgPx: String) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.execID = execID
        self.execType = execType
        self.ordStatus = ordStatus
        self.side = side
        self.leavesQty = leavesQty
        self.cumQty = cumQty
        self.avgPx = avgPx
        self.custom = [:]
    }

    /// The message, body in ascending tag order.
    public var message: FIXOutboundMessage {
        var fields: [(Int, String)] = [(6, avgPx), (11, clOrdID), (14, cumQty), (17, execID), (37, orderID),
                                       (39, String(ordStatus)), (54, side), (150, String(execType)), (151, leavesQty)]
        if let v = account { fields.append((1, v)) }
        if let v = lastPx { fields.append((31, v)) }
        if let v = lastQty { fields.append((32, v)) }
        if let v = orderQty { fields.append((38, v)) }
        if let v = ordType { fields.append((40, v)) }
        if let v = origClOrdID { fields.append((41, v)) }
        if let v = price { fields.append((44, v)) }
        if let v = symbol { fields.append((55, v)) }
        if let v = text { fields.append((58, v)) }
        if let v = timeInForce { fields.append((59, v)) }
        if let v = ordRejReason { fields.append((103, String(v))) }
        if let v = secondaryOrderID { fields.append((198, v)) }
        if let t = transactTime { fields.append((60, String(decoding: t.formatted(milliseconds: true), as: UTF8.self))) }
        for (t, v) in custom { fields.append((t, v)) }
        fields.sort { $0.0 < $1.0 }
        var m = FIXOutboundMessage(msgType: "8")
        for (t, v) in fields { m.append(t, v) }
        return m
    }
}

/// OrderCancelReject (35=9).
public struct FIXOrderCancelReject: Sendable, Equatable {
    public var orderID: String
    public var clOrdID: String
    public var origClOrdID: String
    public var ordStatus: Character
    /// 1 = cancel request, 2 = cancel/replace request.
    public var cxlRejResponseTo: Character
    public var cxlRejReason: Int
    public var text: String?
    public var custom: [Int: String] = [:]

    public init(orderID: String, clOrdID: String, origClOrdID: String, ordStatus: Character,
                cxlRejResponseTo: Character, cxlRejReason: Int, text: String?) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.ordStatus = ordStatus
        self.cxlRejResponseTo = cxlRejResponseTo
        self.cxlRejReason = cxlRejReason
        self.text = text
    }

    public var message: FIXOutboundMessage {
        var fields: [(Int, String)] = [(11, clOrdID), (37, orderID), (39, String(ordStatus)), (41, origClOrdID),
                                       (102, String(cxlRejReason)), (434, String(cxlRejResponseTo))]
        if let t = text { fields.append((58, t)) }
        for (t, v) in custom { fields.append((t, v)) }
        fields.sort { $0.0 < $1.0 }
        var m = FIXOutboundMessage(msgType: "9")
        for (t, v) in fields { m.append(t, v) }
        return m
    }
}
