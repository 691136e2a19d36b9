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
    /// StopPx (99): the trigger price of a stop or stop-limit order.
    public var stopPx: String?
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
        var w = custom.writer(msgType: "8")
        w.put(1, account)
        w.put(6, avgPx)
        w.put(11, clOrdID)
        w.put(14, cumQty)
        w.put(17, execID)
        w.put(31, lastPx)
        w.put(32, lastQty)
        w.put(37, orderID)
        w.put(38, orderQty)
        w.put(39, String(ordStatus))
        w.put(40, ordType)
        w.put(41, origClOrdID)
        w.put(44, price)
        w.put(54, side)
        w.put(55, symbol)
        w.put(58, text)
        w.put(59, timeInForce)
        w.put(60, transactTime)
        w.put(99, stopPx)
        w.put(103, ordRejReason.map { String($0) })
        w.put(150, String(execType))
        w.put(151, leavesQty)
        w.put(198, secondaryOrderID)
        return w.finish()
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
        var w = custom.writer(msgType: "9")
        w.put(11, clOrdID)
        w.put(37, orderID)
        w.put(39, String(ordStatus))
        w.put(41, origClOrdID)
        w.put(58, text)
        w.put(102, String(cxlRejReason))
        w.put(434, String(cxlRejResponseTo))
        return w.finish()
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

    /// Writes a message's standard fields, given in ascending tag order, with the custom fields merged in: each
    /// custom field goes before the first standard field with a higher tag, those left over at the end.
    struct Writer {
        var message: FIXOutboundMessage
        let fields: [(tag: Int, value: String)]
        var next = 0

        /// Appends `value` (when there is one) as `tag`, after the custom fields below `tag` not yet written.
        mutating func put(_ tag: Int, _ value: String?) {
            customs(below: tag)
            if let value { message.append(tag, value) }
        }

        /// A timestamp, formatted straight into the message (no text made of it first).
        mutating func put(_ tag: Int, _ value: FIXTimestamp?) {
            customs(below: tag)
            if let value { message.append(tag, value) }
        }

        private mutating func customs(below tag: Int) {
            while next < fields.count, fields[next].tag < tag {
                message.append(fields[next].tag, fields[next].value)
                next += 1
            }
        }

        /// The message, with the custom fields not yet written at its end.
        mutating func finish() -> FIXOutboundMessage {
            customs(below: .max)
            return message
        }
    }

    func writer(msgType: String) -> Writer { Writer(message: FIXOutboundMessage(msgType: msgType), fields: fields) }
}
