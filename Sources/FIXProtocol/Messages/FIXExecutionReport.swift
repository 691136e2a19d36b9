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

    /// The message, body in ascending tag order: the standard fields are appended in tag order as they are
    /// (no list to build and sort per report), the custom tags merged in by tag.
    public var message: FIXOutboundMessage {
        var m = FIXOutboundMessage(msgType: "8")
        let extra = custom.isEmpty ? [] : custom.sorted { $0.key < $1.key }
        var next = 0
        func put(_ tag: Int, _ value: String?) {
            while next < extra.count, extra[next].key < tag {
                m.append(extra[next].key, extra[next].value)
                next += 1
            }
            if let value { m.append(tag, value) }
        }
        put(1, account)
        put(6, avgPx)
        put(11, clOrdID)
        put(14, cumQty)
        put(17, execID)
        put(31, lastPx)
        put(32, lastQty)
        put(37, orderID)
        put(38, orderQty)
        put(39, String(ordStatus))
        put(40, ordType)
        put(41, origClOrdID)
        put(44, price)
        put(54, side)
        put(55, symbol)
        put(58, text)
        put(59, timeInForce)
        put(60, transactTime.map { String(decoding: $0.formatted(milliseconds: true), as: UTF8.self) })
        put(103, ordRejReason.map { String($0) })
        put(150, String(execType))
        put(151, leavesQty)
        put(198, secondaryOrderID)
        put(.max, nil)
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
