/// A header field set on an outbound message.
public struct FIXFieldValue: Sendable, Equatable {
    public var tag: Int
    public var value: [UInt8]
    public init(tag: Int, value: [UInt8]) { self.tag = tag; self.value = value }
}

/// A message being built for sending. The body is written in the order fields are appended;
/// the header is kept apart so that the session can fill in CompIDs, MsgSeqNum and SendingTime.
/// `encode` computes BodyLength (9) and CheckSum (10).
public struct FIXOutboundMessage: Sendable {
    public var msgType: String
    public private(set) var header: [FIXFieldValue]
    public private(set) var body: [UInt8]

    public init(msgType: String) {
        self.msgType = msgType
        self.header = []
        self.body = []
        body.reserveCapacity(128)
    }

    /// Sets (or replaces) a header field.
    public mutating func setHeader(_ tag: Int, _ value: [UInt8]) {
        if let i = header.firstIndex(where: { $0.tag == tag }) {
            header[i].value = value
        } else {
            header.append(FIXFieldValue(tag: tag, value: value))
        }
    }

    public mutating func setHeader(_ tag: Int, _ value: String) { setHeader(tag, Array(value.utf8)) }
    public mutating func setHeader(_ tag: Int, _ value: Int) { setHeader(tag, Array(String(value).utf8)) }

    public mutating func removeHeader(_ tag: Int) { header.removeAll { $0.tag == tag } }

    public func headerValue(_ tag: Int) -> [UInt8]? { header.first { $0.tag == tag }?.value }

    public mutating func append<C: Collection>(_ tag: Int, bytes: C) where C.Element == UInt8 {
        FIXOutboundMessage.appendTag(tag, to: &body)
        body.append(contentsOf: bytes)
        body.append(1)
    }

    public mutating func append(_ tag: Int, _ value: String) { append(tag, bytes: value.utf8) }

    public mutating func append(_ tag: Int, _ value: Int) {
        FIXOutboundMessage.appendTag(tag, to: &body)
        FIXOutboundMessage.appendInt(value, to: &body)
        body.append(1)
    }

    public mutating func append(_ tag: Int, _ value: Bool) { append(tag, bytes: value ? [89] : [78]) }

    public mutating func append(_ tag: Int, _ value: FIXTimestamp) {
        FIXOutboundMessage.appendTag(tag, to: &body)
        value.append(to: &body)
        body.append(1)
    }

    /// Appends already encoded `tag=value<SOH>` bytes.
    public mutating func appendRaw<C: Collection>(_ fields: C) where C.Element == UInt8 { body.append(contentsOf: fields) }

    /// Encodes the complete message: `8`, `9`, `35`, header fields in ascending tag order, body, `10`.
    public func encode(beginString: String) -> [UInt8] {
        var out: [UInt8] = []
        encode(beginString: beginString, into: &out)
        return out
    }

    public func encode(beginString: String, into out: inout [UInt8]) {
        let sortedHeader = header.count > 1 ? header.sorted { $0.tag < $1.tag } : header
        var length = 3 + msgType.utf8.count + 1 + body.count
        for f in sortedHeader { length += FIXOutboundMessage.digits(f.tag) + 2 + f.value.count }
        let start = out.count
        out.reserveCapacity(start + length + 32)
        out.append(contentsOf: [56, 61]); out.append(contentsOf: beginString.utf8); out.append(1)
        out.append(contentsOf: [57, 61]); FIXOutboundMessage.appendInt(length, to: &out); out.append(1)
        out.append(contentsOf: [51, 53, 61]); out.append(contentsOf: msgType.utf8); out.append(1)
        for f in sortedHeader {
            FIXOutboundMessage.appendTag(f.tag, to: &out)
            out.append(contentsOf: f.value)
            out.append(1)
        }
        out.append(contentsOf: body)
        var sum = 0
        out.withUnsafeBufferPointer { p in for i in start..<p.count { sum &+= Int(p[i]) } }
        sum &= 0xFF
        out.append(contentsOf: [49, 48, 61, UInt8(48 + sum / 100), UInt8(48 + (sum / 10) % 10), UInt8(48 + sum % 10), 1])
    }

    @inline(__always)
    static func appendTag(_ tag: Int, to out: inout [UInt8]) {
        appendInt(tag, to: &out)
        out.append(61)
    }

    @inline(__always)
    public static func appendInt(_ v: Int, to out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            appendInt(-v, to: &out)
            return
        }
        if v < 10 { out.append(UInt8(48 + v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { p in
            while x > 0 { p[n] = UInt8(48 + x % 10); x /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(p[i]) }
        }
    }

    static func digits(_ v: Int) -> Int {
        var n = v < 0 ? 2 : 1
        var x = abs(v)
        while x >= 10 { x /= 10; n += 1 }
        return n
    }
}
