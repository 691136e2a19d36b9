import OMSCore
import Testing

/// `OrderReport` keeps its fields in one shared box (a copy is one reference): it must still behave as a value.
struct OrderReportTests {
    func report() -> OrderReport {
        OrderReport(destination: .fix(session: "CLIENT1"), kind: .new, orderID: OrderID("O-1"),
                    clientOrderID: ClientOrderID("C-1"), execID: "E-1", status: .new, side: .buy, symbol: "RELIANCE",
                    quantity: Quantity(10), limitPrice: Price("1400.00"), cumulativeQuantity: .zero,
                    leavesQuantity: Quantity(10), averagePrice: .zero, execSequence: 1, transactTime: 5)
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let a = report()
        var b = a
        #expect(a == b && a.hashValue == b.hashValue)
        b.execID = "E-2"
        b.kind = .fill(quantity: Quantity(4), price: Price("1400.00")!, tradeID: "T1")
        #expect(a.execID == "E-1" && a.kind == .new)
        #expect(b.execID == "E-2" && b.symbol == "RELIANCE" && b.transactTime == 5)
        #expect(a != b)
    }

    @Test func equalityAndHashFollowTheFieldsNotTheBox() {
        let a = report()
        var b = report()
        #expect(a == b && a.hashValue == b.hashValue)
        b.transactTime = 6
        #expect(a != b)
        b.transactTime = 5
        #expect(a == b && Set([a, b]).count == 1)
    }
}
