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
        // Room for the header a session writes (49, 56, 34, 52 and a few more) and a typical
        // application body (an ExecutionReport is 200-odd bytes), so that neither grows while being built.
        header.reserveCapacity(8)
        body.reserveCapacity(256)
    }

    /// Sets (or replaces) a header field.
    public mutating func setHeader(_ tag: Int, _ value: [UInt8]) {
        if let i = header.firstIndex(where: { $0.tag == tag }) {
            header[i].value = value
        } else {
            header.append(FIXFieldValue(tag: tag, value: value))
        }
    }

    /// Sets a text header field; an SOH in `value` is sent as a space (see `append(_:_:)`).
    public mutating func setHeader(_ tag: Int, _ value: String) { setHeader(tag, Self.textBytes(value)) }
    public mutating func setHeader(_ tag: Int, _ value: Int) {
        guard value >= 0 else {
            var digits: [UInt8] = []
            FIXOutboundMessage.appendInt(value, to: &digits)
            setHeader(tag, digits)
            return
        }
        setHeader(tag, [UInt8](unsafeUninitializedCapacity: 19) { p, n in
            n = FIXOutboundMessage.writeDigits(value, into: p, at: 0)
        })
    }

    public mutating func removeHeader(_ tag: Int) { header.removeAll { $0.tag == tag } }

    public func headerValue(_ tag: Int) -> [UInt8]? { header.first { $0.tag == tag }?.value }

    public mutating func append<C: Collection>(_ tag: Int, bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { FIXOutboundMessage.appendField(tag, $0, to: &body) }
        if done != nil { return }
        FIXOutboundMessage.appendTag(tag, to: &body)
        body.append(contentsOf: bytes)
        body.append(1)
    }

    /// Appends a text field. A text never carries SOH (it would end the field early and let the rest pass for
    /// fields of their own): an SOH in `value` is sent as a space.
    public mutating func append(_ tag: Int, _ value: String) {
        var v = value
        // One pass over the contiguous bytes (a native string's own storage): checked for SOH, then copied.
        let clean = v.withUTF8 { bytes -> Bool in
            guard !bytes.contains(1) else { return false }
            FIXOutboundMessage.appendField(tag, bytes, to: &body)
            return true
        }
        if !clean { append(tag, bytes: Self.textBytes(value)) }
    }

    /// A text's bytes with every SOH turned into a space.
    static func textBytes(_ value: String) -> [UInt8] { value.utf8.map { $0 == 1 ? 32 : $0 } }

    public mutating func append(_ tag: Int, _ value: Int) {
        guard tag >= 0, value >= 0 else {
            FIXOutboundMessage.appendTag(tag, to: &body)
            FIXOutboundMessage.appendInt(value, to: &body)
            body.append(1)
            return
        }
        // `tag=value<SOH>` in one append: at most 19 + 1 + 19 + 1 bytes.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { p in
            var n = FIXOutboundMessage.writeDigits(tag, into: p, at: 0)
            p[n] = 61
            n = FIXOutboundMessage.writeDigits(value, into: p, at: n + 1)
            p[n] = 1
            body.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<(n + 1)]))
        }
    }

    public mutating func append(_ tag: Int, _ value: Bool) { append(tag, bytes: value ? [89] : [78]) }

    public mutating func append(_ tag: Int, _ value: FIXTimestamp) {
        guard tag >= 0 else {
            FIXOutboundMessage.appendTag(tag, to: &body)
            value.append(to: &body)
            body.append(1)
            return
        }
        // `tag=YYYYMMDD-HH:MM:SS.sss<SOH>` in one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { p in
            var n = FIXOutboundMessage.writeDigits(tag, into: p, at: 0)
            p[n] = 61
            n = value.write(into: p, at: n + 1, milliseconds: true)
            p[n] = 1
            body.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<(n + 1)]))
        }
    }

    /// Appends already encoded `tag=value<SOH>` bytes.
    public mutating func appendRaw<C: Collection>(_ fields: C) where C.Element == UInt8 { body.append(contentsOf: fields) }

    /// Encodes the complete message: `8`, `9`, `35`, header fields in ascending tag order, body, `10`.
    public func encode(beginString: String) -> [UInt8] {
        // Header fields in ascending tag order, without building a sorted copy: the order is worked out
        // in a small scratch buffer of indices (a stable insertion sort, like `sorted` for unique tags).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(header.count, 1)) { order in
            let count = header.count
            for a in 0..<count {
                let tag = header[a].tag
                var b = a - 1
                while b >= 0 && header[order[b]].tag > tag {
                    order[b + 1] = order[b]
                    b -= 1
                }
                order[b + 1] = a
            }
            var length = 3 + msgType.utf8.count + 1 + body.count
            for a in 0..<count {
                let f = header[order[a]]
                length += FIXOutboundMessage.digits(f.tag) + 2 + f.value.count
            }
            // 8=…<SOH> 9=…<SOH> [BodyLength bytes] 10=nnn<SOH>: the exact size, written in place.
            let total = 2 + beginString.utf8.count + 1 + 2 + FIXOutboundMessage.digits(length) + 1 + length + 7
            return [UInt8](unsafeUninitializedCapacity: total) { p, initialized in
                var n = 0
                @inline(__always) func put(_ c: UInt8) { p[n] = c; n += 1 }
                @inline(__always) func put(_ b: UnsafeBufferPointer<UInt8>) {
                    guard let source = b.baseAddress, b.count > 0 else { return }
                    (p.baseAddress! + n).initialize(from: source, count: b.count)
                    n += b.count
                }
                @inline(__always) func put(_ s: String) { for c in s.utf8 { put(c) } }
                put(56); put(61); put(beginString); put(1)
                put(57); put(61); n = FIXOutboundMessage.writeDigits(length, into: p, at: n); put(1)
                put(51); put(53); put(61); put(msgType); put(1)
                for a in 0..<count {
                    let f = header[order[a]]
                    if f.tag < 0 {
                        put(UInt8(ascii: "-"))
                        n = FIXOutboundMessage.writeDigits(-f.tag, into: p, at: n)
                    } else {
                        n = FIXOutboundMessage.writeDigits(f.tag, into: p, at: n)
                    }
                    put(61)
                    f.value.withUnsafeBufferPointer { put($0) }
                    put(1)
                }
                body.withUnsafeBufferPointer { put($0) }
                var sum = 0
                for i in 0..<n { sum &+= Int(p[i]) }
                sum &= 0xFF
                put(49); put(48); put(61)
                put(UInt8(48 + sum / 100)); put(UInt8(48 + (sum / 10) % 10)); put(UInt8(48 + sum % 10)); put(1)
                precondition(n == total, "FIXOutboundMessage.encode: size mismatch")
                initialized = n
            }
        }
    }

    public func encode(beginString: String, into out: inout [UInt8]) {
        out.append(contentsOf: encode(beginString: beginString))
    }

    @inline(__always)
    static func appendTag(_ tag: Int, to out: inout [UInt8]) {
        if tag < 0 {
            appendInt(tag, to: &out)
            out.append(61)
            return
        }
        appendDigits(tag, then: 61, to: &out)
    }

    @inline(__always)
    public static func appendInt(_ v: Int, to out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            appendInt(-v, to: &out)
            return
        }
        if v < 10 { out.append(UInt8(48 + v)); return }
        appendDigits(v, then: nil, to: &out)
    }

    /// Appends `tag=value<SOH>`; short fields (nearly all) are put together on the stack and appended at once,
    /// since each append to an array pays for a uniqueness and a capacity check.
    @inline(__always)
    static func appendField(_ tag: Int, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let count = value.count
        guard tag >= 0, count <= 64, let source = value.baseAddress else {
            appendTag(tag, to: &out)
            out.append(contentsOf: value)
            out.append(1)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 96) { p in
            let n = writeDigits(tag, into: p, at: 0)
            p[n] = 61
            (p.baseAddress! + n + 1).initialize(from: source, count: count)
            p[n + 1 + count] = 1
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[0..<(n + 2 + count)]))
        }
    }

    /// Writes the decimal digits of `v` (not negative) at `p[start...]`; returns the index after them.
    @inline(__always)
    static func writeDigits(_ v: Int, into p: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        let end = start + digits(v)
        var i = end
        var x = v
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: 48 + x % 10)
            x /= 10
        } while x > 0
        return end
    }

    /// The decimal digits of `v` (not negative), then `terminator` if any, in a single append.
    @inline(__always)
    static func appendDigits(_ v: Int, then terminator: UInt8?, to out: inout [UInt8]) {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 19 digits and a terminator fit
        withUnsafeMutableBytes(of: &tmp) { raw in
            let p = raw.bindMemory(to: UInt8.self)
            var n = 24
            if let t = terminator { n -= 1; p[n] = t }
            var x = v
            repeat {
                n -= 1
                p[n] = UInt8(truncatingIfNeeded: 48 + x % 10)
                x /= 10
            } while x > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: p[n..<24]))
        }
    }

    @inline(__always)
    static func digits(_ v: Int) -> Int {
        var n = v < 0 ? 2 : 1
        var x = abs(v)
        while x >= 10 { x /= 10; n += 1 }
        return n
    }
}
