import FIXProtocol
import OMSTestSupport
import Testing

struct FIXMessageViewTests {
    @Test func newOrderSingleViewReadsOrderAndCustomFields() throws {
        let m = try FIXMessageParser.parse(FIXTestMessage.raw("8=FIX.4.4|35=D|34=2|49=C|52=20260101-00:00:00|56=V|1=AB1234|11=C1-0002|38=130|40=1|54=1|55=NIFTY|59=0|167=OPT|201=1|202=25000|207=NSE|541=20260908|5001=MIS|5004=2|"),
                                           dictionary: TestDictionary.fix44)
        let o = try #require(FIXNewOrderSingle(m))
        #expect(o.clOrdID == "C1-0002" && o.account == "AB1234" && o.symbol == "NIFTY" && o.securityType == "OPT")
        #expect(o.maturityDate == "20260908" && o.putOrCall == "1" && o.strikePrice == "25000")
        #expect(o.custom == [5001: "MIS", 5004: "2"])
        #expect(FIXOrderCancelRequest(m) == nil)
    }

    @Test func replaceViewCarriesTheNewTerms() throws {
        let m = try FIXMessageParser.parse(FIXTestMessage.raw("8=FIX.4.4|35=G|34=3|49=C|52=20260101-00:00:00|56=V|11=C1-0003|41=C1-0002|38=65|40=2|44=101.5|54=1|55=NIFTY|60=20260101-00:00:00|"),
                                           dictionary: TestDictionary.fix44)
        let r = try #require(FIXOrderCancelReplaceRequest(m))
        #expect(r.origClOrdID == "C1-0002" && r.order.clOrdID == "C1-0003" && r.order.price == "101.5")
    }

    @Test func executionReportIsWrittenInTagOrderAndValidates() throws {
        var er = FIXExecutionReport(orderID: "O-77", clOrdID: "C1-0002", execID: "E-91", execType: "8", ordStatus: "8",
                                    side: "1", leavesQty: "0", cumQty: "0", avgPx: "0")
        er.ordRejReason = 3
        er.text = "Insufficient margin: required 18250.00 available 12000.00"
        er.symbol = "NIFTY"
        er.transactTime = FIXTimestamp(secondsSince1970: 1_788_840_000)
        er.custom = [5006: "RISK_MARGIN"]
        var out = er.message
        out.setHeader(49, "V"); out.setHeader(56, "C"); out.setHeader(34, 9); out.setHeader(52, "20260101-00:00:00.000")
        let bytes = out.encode(beginString: "FIX.4.4")
        let parsed = try FIXMessageParser.parse(bytes, dictionary: TestDictionary.fix44)
        try FIXValidator(dictionary: TestDictionary.fix44).validate(parsed)
        let body = parsed.fields.filter { $0.section == .body }.map(\.tag)
        #expect(body == body.sorted())
        #expect(parsed.string(5006) == "RISK_MARGIN" && parsed.int(103) == 3)
    }

    /// Every field set, custom tags given out of order: each field once, with its value, the body in tag order.
    @Test func everyExecutionReportFieldIsWrittenOnceInTagOrder() throws {
        var er = FIXExecutionReport(orderID: "O-9", clOrdID: "C9", execID: "E-3", execType: "F", ordStatus: "1",
                                    side: "2", leavesQty: "40", cumQty: "60", avgPx: "101.25")
        (er.account, er.symbol, er.orderQty, er.ordType, er.price) = ("AC1", "INFY", "100", "2", "101.5")
        (er.timeInForce, er.lastQty, er.lastPx, er.origClOrdID) = ("0", "60", "101.25", "C8")
        (er.text, er.ordRejReason, er.secondaryOrderID, er.stopPx) = ("partly", 99, "B-77", "100.5")
        er.transactTime = FIXTimestamp(secondsSince1970: 1_788_840_000)
        er.custom = [5011: "NSE_EQ", 5001: "MIS", 5007: "open"]
        var out = er.message
        out.setHeader(49, "V"); out.setHeader(56, "C"); out.setHeader(34, 9); out.setHeader(52, "20260101-00:00:00.000")
        let parsed = try FIXMessageParser.parse(out.encode(beginString: "FIX.4.4"), dictionary: TestDictionary.fix44)
        let body = parsed.fields.filter { $0.section == .body }.map(\.tag)
        #expect(body == [1, 6, 11, 14, 17, 31, 32, 37, 38, 39, 40, 41, 44, 54, 55, 58, 59, 60, 99, 103, 150, 151, 198,
                         5001, 5007, 5011])
        let expected: [Int: String] = [1: "AC1", 6: "101.25", 11: "C9", 14: "60", 17: "E-3", 31: "101.25", 32: "60",
                                       37: "O-9", 38: "100", 39: "1", 40: "2", 41: "C8", 44: "101.5", 54: "2",
                                       55: "INFY", 58: "partly", 59: "0", 99: "100.5", 103: "99", 150: "F", 151: "40", 198: "B-77",
                                       5001: "MIS", 5007: "open", 5011: "NSE_EQ"]
        for (tag, value) in expected { #expect(parsed.string(tag) == value, "tag \(tag)") }
        #expect(parsed.string(60)?.hasPrefix("20260908-") == true)
    }

    @Test func customFieldsAreKeptInTagOrderAndSetLikeADictionary() {
        var c: FIXCustomFields = [5011: "NSE_EQ", 5001: "MIS"]
        c[5007] = "open"
        c[5001] = "CNC"
        c[5011] = nil
        c[5002] = nil
        #expect(c.map(\.tag) == [5001, 5007] && c.map(\.value) == ["CNC", "open"])
        #expect(c[5001] == "CNC" && c[5011] == nil && c.count == 2)
        #expect(c == [5007: "open", 5001: "CNC"] && c != [5007: "open", 5001: "MIS"] && c != [5001: "CNC"])
    }

    @Test func orderCancelRejectIsWrittenInTagOrderWithItsCustomFields() throws {
        var r = FIXOrderCancelReject(orderID: "O-1", clOrdID: "C2", origClOrdID: "C1", ordStatus: "0",
                                     cxlRejResponseTo: "2", cxlRejReason: 3, text: "Order has a request pending")
        r.custom[5007] = "open"
        var out = r.message
        out.setHeader(49, "V"); out.setHeader(56, "C"); out.setHeader(34, 9); out.setHeader(52, "20260101-00:00:00.000")
        let parsed = try FIXMessageParser.parse(out.encode(beginString: "FIX.4.4"), dictionary: TestDictionary.fix44)
        try FIXValidator(dictionary: TestDictionary.fix44).validate(parsed)
        #expect(parsed.fields.filter { $0.section == .body }.map(\.tag) == [11, 37, 39, 41, 58, 102, 434, 5007])
        #expect(parsed.string(41) == "C1" && parsed.string(58) == "Order has a request pending")
        #expect(parsed.string(5007) == "open")
    }

    @Test func orderCancelRejectValidates() throws {
        var out = FIXOrderCancelReject(orderID: "O-1", clOrdID: "C2", origClOrdID: "C1", ordStatus: "2", cxlRejResponseTo: "1",
                                       cxlRejReason: 0, text: "Too late to cancel").message
        out.setHeader(49, "V"); out.setHeader(56, "C"); out.setHeader(34, 9); out.setHeader(52, "20260101-00:00:00.000")
        let parsed = try FIXMessageParser.parse(out.encode(beginString: "FIX.4.4"), dictionary: TestDictionary.fix44)
        try FIXValidator(dictionary: TestDictionary.fix44).validate(parsed)
        #expect(parsed.int(102) == 0 && parsed.string(434) == "1")
    }
}
