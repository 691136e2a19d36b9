import NIOCore

/// What the framer hands up: a complete frame, or a reason why bytes were thrown away.
public enum FIXFrame: Sendable, Equatable {
    /// From `8=` through the SOH after CheckSum (10). BodyLength and CheckSum are checked by the parser.
    case message([UInt8])
    /// Bytes that could not be framed (BodyLength not a number); they were dropped.
    case garbled(String)
    /// A frame longer than `MaxMessageSize`; the stream cannot be trusted after it.
    case tooLarge(Int)
}

/// Tag=value framing from a byte stream, as QuickFIX's `Parser` does it: find `8=`, read BodyLength,
/// skip that many bytes, then take everything through the next `<SOH>10=…<SOH>`.
/// Runs on the event loop: no locks, no allocation besides the frame itself.
public struct FIXFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = FIXFrame

    public let maxMessageSize: Int

    public init(maxMessageSize: Int = 1 << 20) { self.maxMessageSize = maxMessageSize }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = Self.nextFrame(&buffer, maxMessageSize: maxMessageSize) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        while let frame = Self.nextFrame(&buffer, maxMessageSize: maxMessageSize) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
        buffer.clear()
        return .needMoreData
    }

    /// Takes the next frame off the buffer, or nil when more bytes are needed. Usable without a channel.
    public static func nextFrame(_ buffer: inout ByteBuffer, maxMessageSize: Int) -> FIXFrame? {
        let view = buffer.readableBytesView
        let base = view.startIndex
        let n = view.count
        guard n >= 2 else { return nil }
        // Find "8=" and drop what precedes it.
        var start = -1
        var i = base
        while i + 1 < base + n {
            if view[i] == UInt8(ascii: "8") && view[i + 1] == UInt8(ascii: "=") && (i == base || view[i - 1] == 1) {
                start = i
                break
            }
            i += 1
        }
        if start < 0 {
            buffer.moveReaderIndex(forwardBy: n - 1)
            return nil
        }
        if start > base { buffer.moveReaderIndex(forwardBy: start - base) }
        let v = buffer.readableBytesView
        let b = v.startIndex
        let count = v.count
        // "<SOH>9="
        var j = b
        var lengthStart = -1
        while j + 2 < b + count {
            if v[j] == 1 && v[j + 1] == UInt8(ascii: "9") && v[j + 2] == UInt8(ascii: "=") {
                lengthStart = j + 3
                break
            }
            if v[j] == 1 && j > b + 64 { break }  // BodyLength must come second
            j += 1
        }
        if lengthStart < 0 {
            if count > 128 {
                buffer.moveReaderIndex(forwardBy: 2)
                return .garbled("BodyLength (9) not found after BeginString")
            }
            return nil
        }
        var k = lengthStart
        var length = 0
        var valid = true
        while k < b + count && v[k] != 1 {
            let c = v[k]
            if c >= 48 && c <= 57, length < 1_000_000_000 { length = length * 10 + Int(c - 48) } else { valid = false }
            k += 1
        }
        if k == b + count {
            if k - lengthStart > 12 {
                buffer.moveReaderIndex(forwardBy: k - b)
                return .garbled("BodyLength (9) is not a number")
            }
            return nil
        }
        if !valid || k == lengthStart {
            buffer.moveReaderIndex(forwardBy: k + 1 - b)
            return .garbled("BodyLength (9) is not a number")
        }
        if length > maxMessageSize {
            buffer.moveReaderIndex(forwardBy: count)
            return .tooLarge(length)
        }
        let bodyStart = k + 1
        let expectedEnd = bodyStart + length
        guard expectedEnd <= b + count else { return nil }
        // Find "<SOH>10=" from one before the declared end of the body.
        var t = expectedEnd - 1
        var trailer = -1
        while t + 3 < b + count {
            if v[t] == 1 && v[t + 1] == UInt8(ascii: "1") && v[t + 2] == UInt8(ascii: "0") && v[t + 3] == UInt8(ascii: "=") {
                trailer = t + 4
                break
            }
            t += 1
        }
        if trailer < 0 {
            if count - (expectedEnd - b) > maxMessageSize {
                buffer.moveReaderIndex(forwardBy: count)
                return .tooLarge(count)
            }
            return nil
        }
        var e = trailer
        while e < b + count && v[e] != 1 { e += 1 }
        guard e < b + count else { return nil }
        let total = e + 1 - b
        let bytes = buffer.readBytes(length: total) ?? []
        return .message(bytes)
    }
}
