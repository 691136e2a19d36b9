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

    @Test func orderCancelRejectValidates() throws {
        var out = FIXOrderCancelReject(orderID: "O-1", clOrdID: "C2", origClOrdID: "C1", ordStatus: "2", cxlRejResponseTo: "1",
                                       cxlRejReason: 0, text: "Too late to cancel").message
        out.setHeader(49, "V"); out.setHeader(56, "C"); out.setHeader(34, 9); out.setHeader(52, "20260101-00:00:00.000")
        let parsed = try FIXMessageParser.parse(out.encode(beginString: "FIX.4.4"), dictionary: TestDictionary.fix44)
        try FIXValidator(dictionary: TestDictionary.fix44).validate(parsed)
        #expect(parsed.int(102) == 0 && parsed.string(434) == "1")
    }
}
