import FIXProtocol
import NIOCore
import NIOEmbedded
import NIOTestUtils
import OMSTestSupport
import Testing

struct FIXFrameDecoderTests {
    static let logon = FIXTestMessage.raw("8=FIX.4.4|35=A|34=1|49=TW|52=20260101-10:00:00|56=ISLD|98=0|108=30|")
    static let heartbeat = FIXTestMessage.raw("8=FIX.4.4|35=0|34=2|49=TW|52=20260101-10:00:01|56=ISLD|")

    @Test func framesDripFedAndCoalescedMessages() throws {
        // The verifier feeds bytes one at a time, and all at once, and checks the frames that come out.
        let input = String(decoding: Self.logon + Self.heartbeat, as: UTF8.self)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [(input, [FIXFrame.message(Self.logon), .message(Self.heartbeat)])],
            decoderFactory: { FIXFrameDecoder(maxMessageSize: 4096) })
    }

    @Test func garbageBeforeBeginStringIsSkipped() {
        var buf = ByteBuffer(bytes: Array("xx\u{1}junk\u{1}".utf8) + Self.heartbeat)
        #expect(FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 4096) == .message(Self.heartbeat))
        #expect(buf.readableBytes == 0)
    }

    @Test func bodyLengthThatIsNotANumberIsReportedAndDropped() {
        var buf = ByteBuffer(bytes: Array("8=FIX.4.4\u{1}9=abc\u{1}35=0\u{1}10=000\u{1}".utf8) + Self.heartbeat)
        guard case .garbled = FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 4096) else {
            Issue.record("expected a garbled frame")
            return
        }
        #expect(FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 4096) == .message(Self.heartbeat))
    }

    @Test func frameOverMaxMessageSizeIsRefused() {
        var buf = ByteBuffer(bytes: Array("8=FIX.4.4\u{1}9=10485760\u{1}35=0\u{1}".utf8))
        #expect(FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 65536) == .tooLarge(10_485_760))
    }

    @Test func halfAMessageWaitsForMoreBytes() {
        var buf = ByteBuffer(bytes: Array(Self.logon.prefix(30)))
        #expect(FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 4096) == nil)
        buf.writeBytes(Self.logon.dropFirst(30))
        #expect(FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 4096) == .message(Self.logon))
    }

    @Test func bodyLengthTooShortStillFramesAtNextCheckSum() throws {
        // QuickFIX frames up to the next <SOH>10=; the parser then refuses the lying BodyLength.
        let lying = FIXTestMessage.raw("8=FIX.4.4|9=5|35=0|34=2|49=TW|52=20260101-10:00:01|56=ISLD|")
        var buf = ByteBuffer(bytes: lying)
        guard case .message(let bytes) = FIXFrameDecoder.nextFrame(&buf, maxMessageSize: 4096) else {
            Issue.record("expected a frame")
            return
        }
        #expect(throws: FIXParseError.self) { try FIXMessageParser.parse(bytes, dictionary: nil) }
    }
}

extension FIXFrame: CustomStringConvertible {
    public var description: String {
        switch self {
        case .message(let b): return "message(\(FIXTestMessage.readable(b)))"
        case .garbled(let r): return "garbled(\(r))"
        case .tooLarge(let n): return "tooLarge(\(n))"
        }
    }
}
