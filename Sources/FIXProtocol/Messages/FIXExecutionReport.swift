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
    public var custom: FIXCustomFields

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
        self.custom = FIXCustomFields()
    }

    /// The message, body in ascending tag order: the standard fields are appended in tag order as they are
    /// (no list to build and sort per report), the custom tags merged in by tag.
    public var message: FIXOutboundMessage {
        var m = FIXOutboundMessage(msgType: "8")
        var extra = custom.merger
        func put(_ tag: Int, _ value: String?) {
            extra.append(before: tag, to: &m)
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
    public var custom = FIXCustomFields()

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
        var m = FIXOutboundMessage(msgType: "9")
        var extra = custom.merger
        func put(_ tag: Int, _ value: String?) {
            extra.append(before: tag, to: &m)
            if let value { m.append(tag, value) }
        }
        put(11, clOrdID)
        put(37, orderID)
        put(39, String(ordStatus))
        put(41, origClOrdID)
        put(58, text)
        put(102, String(cxlRejReason))
        put(434, String(cxlRejResponseTo))
        put(.max, nil)
        return m
    }
}

/// A message's custom (user-defined) fields to send, kept in tag order: set and read by tag like a dictionary,
/// written between the standard fields without hashing or sorting per message.
public struct FIXCustomFields: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var fields: [(tag: Int, value: String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (Int, String)...) {
        for (tag, value) in elements { self[tag] = value }
    }

    public var isEmpty: Bool { fields.isEmpty }
    public var count: Int { fields.count }

    public subscript(tag: Int) -> String? {
        get { fields.first { $0.tag == tag }?.value }
        set {
            let i = fields.firstIndex { $0.tag >= tag } ?? fields.endIndex
            if i < fields.endIndex, fields[i].tag == tag {
                if let newValue { fields[i].value = newValue } else { fields.remove(at: i) }
            } else if let newValue {
                fields.insert((tag, newValue), at: i)
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(tag: Int, value: String)]> { fields.makeIterator() }

    public static func == (a: FIXCustomFields, b: FIXCustomFields) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.tag == $1.tag && $0.value == $1.value }
    }

    /// Writes the custom fields in turn, each before the first standard field with a higher tag.
    struct Merger {
        let fields: [(tag: Int, value: String)]
        var next = 0

        /// Appends the custom fields not yet written whose tags are below `tag`.
        mutating func append(before tag: Int, to m: inout FIXOutboundMessage) {
            while next < fields.count, fields[next].tag < tag {
                m.append(fields[next].tag, fields[next].value)
                next += 1
            }
        }
    }

    var merger: Merger { Merger(fields: fields) }
}
