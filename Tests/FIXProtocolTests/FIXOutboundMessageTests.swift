import FIXProtocol
import OMSTestSupport
import Testing

struct FIXOutboundMessageTests {
    @Test func encodeWritesBodyLengthAndCheckSum() throws {
        var m = FIXOutboundMessage(msgType: "0")
        m.setHeader(56, "ISLD")
        m.setHeader(49, "TW")
        m.setHeader(34, 2)
        m.setHeader(52, "20260101-00:00:00.000")
        m.append(112, "HELLO")
        let bytes = m.encode(beginString: "FIX.4.4")
        #expect(FIXTestMessage.readable(bytes).hasPrefix("8=FIX.4.4|9=59|35=0|34=2|49=TW|52=20260101-00:00:00.000|56=ISLD|112=HELLO|10="))
        let parsed = try FIXMessageParser.parse(bytes, dictionary: TestDictionary.fix44)
        #expect(parsed.string(112) == "HELLO")
    }

    /// A text with an SOH in it (a rejection text from a broker, a client id from the REST API) cannot end its
    /// field early and smuggle in fields of its own: the SOH goes out as a space.
    @Test func anSOHInATextGoesOutAsASpaceNotAsAFieldBreak() throws {
        var m = FIXOutboundMessage(msgType: "8")
        m.setHeader(49, "VEGA\u{01}57=X")
        m.setHeader(56, "C")
        m.setHeader(34, 1)
        m.append(58, "rejected\u{01}150=2\u{01}39=2")
        m.append(11, "A\u{01}B")
        m.append(1, String(repeating: "y", count: 70) + "\u{01}")  // the long-field path too
        let bytes = m.encode(beginString: "FIX.4.4")
        let parsed = try FIXMessageParser.parse(bytes, dictionary: nil)
        #expect(parsed.fields.map(\.tag) == [8, 9, 35, 34, 49, 56, 58, 11, 1, 10])
        #expect(parsed.string(58) == "rejected 150=2 39=2")
        #expect(parsed.string(11) == "A B")
        #expect(parsed.string(49) == "VEGA 57=X")
        #expect(parsed.string(1) == String(repeating: "y", count: 70) + " ")
    }

    /// Property: any set of fields encodes to a frame whose BodyLength and CheckSum verify, and decodes
    /// back to the same values. Deterministic pseudo-random cases so that a failure reproduces.
    @Test func randomMessagesRoundTrip() throws {
        var rng = SplitMix(seed: 0x5EED)
        for _ in 0..<500 {
            var m = FIXOutboundMessage(msgType: ["D", "8", "0", "AE"][Int(rng.next() % 4)])
            m.setHeader(49, "S\(rng.next() % 1000)")
            m.setHeader(56, "T")
            m.setHeader(34, Int(rng.next() % 1_000_000) + 1)
            var expected: [(Int, String)] = []
            for _ in 0..<Int(rng.next() % 30) {
                let tag = Int(rng.next() % 9000) + 100
                let len = Int(rng.next() % 20) + 1
                let value = String((0..<len).map { _ in Character(UnicodeScalar(UInt8(33 + rng.next() % 90))) }
                    .map { $0 == "=" ? "x" : $0 })
                m.append(tag, value)
                expected.append((tag, value))
            }
            let bytes = m.encode(beginString: "FIX.4.4")
            let parsed = try FIXMessageParser.parse(bytes, dictionary: nil)
            let body = parsed.fields.enumerated().filter { ![8, 9, 35, 49, 56, 34, 10].contains($0.element.tag) }
            #expect(body.count == expected.count)
            for (e, (i, _)) in zip(expected, body) {
                #expect(parsed.fields[i].tag == e.0)
                #expect(parsed.string(at: i) == e.1)
            }
        }
    }

    @Test func copyingSortsBodyButKeepsGroupsWhole() throws {
        let raw = FIXTestMessage.raw("8=FIX.4.4|35=D|34=2|49=TW|52=20260101-00:00:00|56=ISLD|97=Y|55=INTC|11=ID|453=1|448=P|447=D|452=3|38=002000.00|")
        let m = try FIXMessageParser.parse(raw, dictionary: TestDictionary.fix44)
        let copy = FIXOutboundMessage(copying: m)
        #expect(FIXTestMessage.readable(copy.body) == "11=ID|38=002000.00|55=INTC|453=1|448=P|447=D|452=3|")
        #expect(copy.headerValue(97) == Array("Y".utf8))
        #expect(copy.headerValue(34) == nil)
    }
}

/// A small deterministic generator for property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
