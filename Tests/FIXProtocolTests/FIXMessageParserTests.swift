import FIXProtocol
import OMSTestSupport
import Testing

struct FIXMessageParserTests {
    let dict = TestDictionary.fix44

    @Test func parsesFieldsWithoutCopyingValues() throws {
        let raw = FIXTestMessage.raw("8=FIX.4.4|35=D|34=7|49=C1|52=20260908-04:05:12.123|56=VEGA|11=C1-0001|38=10|40=2|44=1402.50|54=1|55=RELIANCE|5001=CNC|")
        let m = try FIXMessageParser.parse(raw, dictionary: dict)
        #expect(m.msgType == "D")
        #expect(m.int(FIXTag.msgSeqNum) == 7)
        #expect(m.string(FIXTag.symbol) == "RELIANCE")
        #expect(m.string(5001) == "CNC")
        #expect(m.fields.first { $0.tag == 49 }?.section == .header)
        #expect(m.fields.first { $0.tag == 55 }?.section == .body)
        #expect(m.fields.last?.section == .trailer)
        #expect(m.outOfOrderTag == nil)
    }

    @Test(arguments: [
        ("8=FIX.4.4|9=999|35=0|34=2|49=A|52=20260101-00:00:00|56=B|", FIXParseError.Kind.bodyLength),
        ("8=FIX.4.4|9=3|35=0|34=2|49=A|52=20260101-00:00:00|56=B|", .bodyLength),
        ("8=FIX.4.4|35=0|34=2|49=A|52=20260101-00:00:00|56=B|10=000|", .checkSum),
        ("8=FIX.4.4|34=2|35=0|49=A|52=20260101-00:00:00|56=B|", .headerOrder),
    ])
    func garbledFramesAreRefused(text: String, kind: FIXParseError.Kind) {
        let raw = FIXTestMessage.raw(text)
        do {
            _ = try FIXMessageParser.parse(raw, dictionary: dict)
            Issue.record("parsed a garbled frame")
        } catch {
            #expect(error.kind == kind)
        }
    }

    @Test func aDataFieldTakesTheDeclaredLengthEvenOverAnSOH() throws {
        // 96's value is three bytes: a, SOH, b.
        let raw = FIXTestMessage.raw("8=FIX.4.4|35=A|34=1|49=C|52=20260101-00:00:00|56=V|98=0|108=30|95=3|96=a|b|")
        let m = try FIXMessageParser.parse(raw, dictionary: dict)
        #expect(m.string(96) == "a\u{01}b")
        #expect(m.int(108) == 30)
    }

    /// The length before a data field is the peer's word: a negative one, one past the end of the frame or one
    /// so large that adding it overflows is ignored (the value ends at the next SOH), never trusted.
    @Test(arguments: ["-11", "-4", "-1", "9223372036854775807", "9223372036854775000", "400"])
    func aDataLengthOutsideTheFrameIsNotTrusted(_ length: String) throws {
        let raw = FIXTestMessage.raw("8=FIX.4.4|35=A|34=1|49=C|52=20260101-00:00:00|56=V|98=0|108=30|95=\(length)|96=xyz|")
        let m = try FIXMessageParser.parse(raw, dictionary: dict)
        #expect(m.string(96) == "xyz")
        #expect(m.string(95) == length)
        #expect(m.fields.allSatisfy { $0.valueStart <= $0.end })
        // The validator reads every field's value: none may end before it starts.
        _ = try? FIXValidator(dictionary: dict).validate(m)
    }

    @Test func missingSOHIsRefused() {
        var raw = FIXTestMessage.raw("8=FIX.4.4|35=0|34=2|49=A|52=20260101-00:00:00|56=B|")
        raw.removeLast()
        #expect(throws: FIXParseError.self) { try FIXMessageParser.parse(raw, dictionary: nil) }
    }

    @Test func headerFieldAfterBodyIsNoted() throws {
        let raw = FIXTestMessage.raw("8=FIX.4.4|35=D|11=id|21=3|40=1|54=1|55=MSFT|60=20260101-00:00:00|34=2|49=TW|52=20260101-00:00:00|56=ISLD|")
        let m = try FIXMessageParser.parse(raw, dictionary: dict)
        #expect(m.outOfOrderTag == 34)
    }

    @Test func repeatingGroupsAreCounted() throws {
        let raw = FIXTestMessage.raw("8=FIX.4.4|35=D|34=2|49=TW|52=20260101-00:00:00|56=ISLD|11=ID|21=1|40=1|54=1|38=200|55=INTC|453=2|448=AB1234|447=D|452=3|448=ABCDE1234F|447=D|452=5|60=20260101-00:00:00|")
        let m = try FIXMessageParser.parse(raw, dictionary: dict)
        let g = try #require(m.groups.first { $0.countTag == 453 })
        #expect(g.declared == 2)
        #expect(g.entries == 2)
        #expect(m.fields[g.endIndex].tag == 60)
        #expect(m.fields.filter { $0.tag == 448 }.allSatisfy { $0.depth == 1 })
    }
}
