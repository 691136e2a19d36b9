import Foundation
import FIXProtocol
import OMSTestSupport
import Testing

struct FIXValidatorTests {
    let validator = FIXValidator(dictionary: TestDictionary.fix44)
    static let header = "8=FIX.4.4|35=D|34=2|49=TW|52=20260101-00:00:00|56=ISLD|"

    func check(_ text: String) throws -> FIXValidationError? {
        let m = try FIXMessageParser.parse(FIXTestMessage.raw(text), dictionary: TestDictionary.fix44)
        do {
            try validator.validate(m)
            return nil
        } catch {
            return error
        }
    }

    @Test func validNewOrderSingleWithCustomTagsPasses() throws {
        #expect(try check(Self.header + "1=AB1234|11=C1|21=1|38=10|40=2|44=1402.50|54=1|55=RELIANCE|59=0|60=20260101-00:00:00|5001=CNC|5003=N|5004=2|5012=Y|") == nil)
    }

    @Test(arguments: [
        // (body after the D header, reason, RefTagID)
        ("11=ID|21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|999=X|", FIXSessionRejectReason.invalidTagNumber, 999),
        ("11=ID|21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|5000=X|", .invalidTagNumber, 5000),
        ("21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|", .requiredTagMissing, 11),
        ("11=ID|21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|112=X|", .tagNotDefinedForMessageType, 112),
        ("11=ID|21=1|40=1|54=1|55=INTC|58=|60=20260101-00:00:00|", .tagSpecifiedWithoutValue, 58),
        ("11=ID|21=1|40=w|54=1|55=INTC|60=20260101-00:00:00|", .valueIsIncorrect, 40),
        ("11=ID|21=1|38=abc|40=1|54=1|55=INTC|60=20260101-00:00:00|", .incorrectDataFormat, 38),
        ("11=ID|21=1|40=1|54=1|55=INTC|60=20260101|", .incorrectDataFormat, 60),
        ("11=ID|21=1|40=1|54=1|55=INTC|60=99991231-23:59:59|", .incorrectDataFormat, 60),
        ("11=ID|21=1|40=1|40=2|54=1|55=INTC|60=20260101-00:00:00|", .tagAppearsMoreThanOnce, 40),
        ("11=ID|21=1|40=1|54=1|55=INTC|386=3|336=A|336=B|60=20260101-00:00:00|", .incorrectNumInGroupCount, 386),
        ("11=ID|21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|5001=XYZ|", .valueIsIncorrect, 5001),
        ("11=ID|21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|5003=maybe|", .incorrectDataFormat, 5003),
    ])
    func eachProblemGivesItsReasonAndTag(body: String, reason: FIXSessionRejectReason, tag: Int) throws {
        let e = try #require(try check(Self.header + body))
        #expect(e.reason == reason)
        #expect(e.tag == tag)
    }

    /// A text that is not UTF-8 (a Latin-1 é, a lone continuation byte) is refused as 373=6 for its tag, rather
    /// than taken in as U+FFFD and echoed back as bytes the client never sent. UTF-8 texts pass.
    @Test func aTextThatIsNotUTF8IsIncorrectDataFormat() throws {
        func check(clOrdID: [UInt8]) throws -> FIXValidationError? {
            var raw = Array(FIXTestMessage.raw(Self.header + "11=@|21=1|40=1|54=1|55=INTC|60=20260101-00:00:00|"))
            let at = raw.firstIndex(of: UInt8(ascii: "@"))!
            raw.replaceSubrange(at...at, with: clOrdID)
            // BodyLength and CheckSum again, for the new bytes.
            let body = raw.firstIndex(of: 1)! + 1
            let lengthEnd = raw[body...].firstIndex(of: 1)! + 1
            let trailer = raw.count - 7
            raw.replaceSubrange(body..<lengthEnd, with: Array("9=\(trailer - lengthEnd)\u{01}".utf8))
            let end = raw.count - 7
            raw.replaceSubrange(end..., with: Array(String(format: "10=%03d\u{01}", raw[..<end].reduce(0) { ($0 + Int($1)) % 256 }).utf8))
            let m = try FIXMessageParser.parse(raw, dictionary: TestDictionary.fix44)
            do { try validator.validate(m); return nil } catch { return error }
        }
        #expect(try check(clOrdID: Array("ORD-\u{E9}-\u{20B9}".utf8)) == nil)
        for bad: [UInt8] in [[0x4F, 0xE9], [0x80], [0xFF, 0xFE], [0xC3]] {
            let e = try #require(try check(clOrdID: bad))
            #expect(e.reason == .incorrectDataFormat && e.tag == 11, "\(bad)")
        }
    }

    @Test func unknownMsgTypeIsInvalidMsgType() throws {
        let e = try #require(try check("8=FIX.4.4|35=*|34=2|49=TW|52=20260101-00:00:00|56=ISLD|"))
        #expect(e.reason == .invalidMsgType)
    }

    @Test func missingHeaderFieldIsRequiredTagMissing() throws {
        let e = try #require(try check("8=FIX.4.4|35=0|34=2|49=TW|56=ISLD|"))
        #expect(e == FIXValidationError(.requiredTagMissing, tag: 52))
    }

    @Test func outOfOrderHeaderIsReported() throws {
        let e = try #require(try check("8=FIX.4.4|35=D|11=id|21=3|40=1|54=1|55=MSFT|60=20260101-00:00:00|34=2|49=TW|52=20260101-00:00:00|56=ISLD|"))
        #expect(e == FIXValidationError(.tagSpecifiedOutOfRequiredOrder, tag: 34))
    }

    @Test func optionsRelaxTheChecks() throws {
        var o = FIXValidationOptions()
        o.validateUserDefinedFields = false
        o.allowUnknownMessageFields = true
        o.validateFieldsHaveValues = false
        let v = FIXValidator(dictionary: TestDictionary.fix44, options: o)
        let m = try FIXMessageParser.parse(FIXTestMessage.raw(Self.header + "11=ID|21=1|40=1|54=1|55=INTC|58=|60=20260101-00:00:00|112=X|7777=Y|"),
                                           dictionary: TestDictionary.fix44)
        #expect(throws: Never.self) { try v.validate(m) }
    }

    @Test func requiredFieldInsideGroupEntryIsChecked() throws {
        let xml = """
            <fix type='FIX' major='4' minor='4'>
             <header><field name='BeginString' required='Y'/><field name='BodyLength' required='Y'/>
              <field name='MsgType' required='Y'/></header>
             <messages><message name='Test' msgtype='U1' msgcat='app'>
              <group name='NoLegs' required='N'><field name='LegSymbol' required='Y'/><field name='LegSide' required='Y'/></group>
             </message></messages>
             <trailer><field name='CheckSum' required='Y'/></trailer>
             <components/>
             <fields><field number='8' name='BeginString' type='STRING'/><field number='9' name='BodyLength' type='LENGTH'/>
              <field number='35' name='MsgType' type='STRING'/><field number='10' name='CheckSum' type='STRING'/>
              <field number='555' name='NoLegs' type='NUMINGROUP'/><field number='600' name='LegSymbol' type='STRING'/>
              <field number='624' name='LegSide' type='CHAR'/></fields>
            </fix>
            """
        let d = try FIXDataDictionary.parse(xml: Array(xml.utf8))
        let v = FIXValidator(dictionary: d)
        let good = try FIXMessageParser.parse(FIXTestMessage.raw("8=FIX.4.4|35=U1|555=2|600=A|624=1|600=B|624=2|"), dictionary: d)
        #expect(throws: Never.self) { try v.validate(good) }
        let bad = try FIXMessageParser.parse(FIXTestMessage.raw("8=FIX.4.4|35=U1|555=2|600=A|624=1|600=B|"), dictionary: d)
        #expect(throws: FIXValidationError(.requiredTagMissing, tag: 624)) { try v.validate(bad) }
    }

    @Test(arguments: SessionRejectTexts.all)
    func rejectTextsMatchQuickFIX(reason: FIXSessionRejectReason, text: String) {
        #expect(reason.text == text)
    }
}

enum SessionRejectTexts {
    static let all: [(FIXSessionRejectReason, String)] = [
        (.invalidTagNumber, "Invalid tag number"), (.requiredTagMissing, "Required tag missing"),
        (.tagNotDefinedForMessageType, "Tag not defined for this message type"),
        (.tagSpecifiedWithoutValue, "Tag specified without a value"),
        (.valueIsIncorrect, "Value is incorrect (out of range) for this tag"),
        (.incorrectDataFormat, "Incorrect data format for value"), (.compIDProblem, "CompID problem"),
        (.sendingTimeAccuracyProblem, "SendingTime accuracy problem"), (.invalidMsgType, "Invalid MsgType"),
        (.tagAppearsMoreThanOnce, "Tag appears more than once"),
        (.tagSpecifiedOutOfRequiredOrder, "Tag specified out of required order"),
        (.incorrectNumInGroupCount, "Incorrect NumInGroup count for repeating group"),
    ]
}
