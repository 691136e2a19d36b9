@testable import BrokerFIXVenue
import OMSCore
import Testing

/// Reports in, events out: the mapping without a session.
struct FIXVenueOrderBookTests {
    func book(_ tags: String...) -> FIXVenueOrderBook {
        var b = FIXVenueOrderBook(runID: "RUN")
        for t in tags { b.track(order(t)) }
        return b
    }

    func report(_ clOrdID: String, exec: String, status: String, execID: String, last: Int64? = nil,
                cum: Int64? = nil) -> VenueExecutionReport {
        var r = VenueExecutionReport(orderID: "V9", clOrdID: clOrdID, execID: execID, execType: exec, ordStatus: status)
        r.lastQty = last.map(Quantity.init)
        r.lastPx = last.map { _ in Price("1402.5")! }
        r.cumQty = cum.map(Quantity.init)
        r.avgPx = Price("1402.5")!
        return r
    }

    @Test func aFillWithoutANewFirstIsAcknowledgedImplicitly() {
        var b = book("O-1")
        let out = b.apply(report("O-1", exec: "F", status: "2", execID: "E1", last: 100, cum: 100))
        #expect(out.events == [
            .acknowledged(tag: "O-1", brokerOrderID: "V9", exchangeOrderID: nil, rawStatus: "2"),
            .fill(tag: "O-1", tradeID: "E1", quantity: Quantity(100), price: Price("1402.5")!, rawStatus: "2"),
        ])
        #expect(b.order("O-1")?.isTerminal == true)
    }

    @Test func aReportResentWithTheSameExecIDPublishesNothing() {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "F", status: "1", execID: "E1", last: 40, cum: 40))
        #expect(b.apply(report("O-1", exec: "F", status: "1", execID: "E1", last: 40, cum: 40)).events.isEmpty)
    }

    @Test func aFIX42FillWithoutLastQtyIsTheChangeInCumQty() {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "1", status: "1", execID: "E1", cum: 40))
        let out = b.apply(report("O-1", exec: "2", status: "2", execID: "E2", cum: 100))
        #expect(out.events == [.fill(tag: "O-1", tradeID: "E2", quantity: Quantity(60), price: Price("1402.5")!,
                                     rawStatus: "2")])
    }

    /// 150=D Restated: the venue changed the order on its own; its new quantity and price reach the engine as new
    /// terms (which restates the order to the client). A restatement without them publishes nothing.
    @Test func aRestatementByTheVenueIsNewTerms() {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "0", status: "0", execID: "E1"))
        var r = report("O-1", exec: "D", status: "0", execID: "E2")
        r.orderQty = Quantity(150)
        r.price = Price("1401")
        #expect(b.apply(r).events == [.replaced(tag: "O-1", quantity: Quantity(150), limitPrice: Price("1401"), rawStatus: "0")])
        #expect(b.apply(report("O-1", exec: "D", status: "0", execID: "E3")).events.isEmpty)
        // A trigger price alone (StopPx) is news too.
        var t = report("O-1", exec: "D", status: "0", execID: "E3T")
        t.stopPx = Price("1399")
        #expect(b.apply(t).events == [.replaced(tag: "O-1", quantity: Quantity(150), limitPrice: Price("1401"), rawStatus: "0",
                                                triggerPrice: Price("1399"))])
        // The same terms repeated on a restatement are no news; and while a replace of Vega's is pending, a
        // restatement is not taken for its answer.
        r.execID = "E4"
        #expect(b.apply(r).events.isEmpty)
        _ = b.newRequest("O-1", .replace(quantity: Quantity(200), limitPrice: nil, triggerPrice: nil))
        r.execID = "E5"
        r.orderQty = Quantity(160)
        #expect(b.apply(r).events.isEmpty)
    }

    @Test func aReportForAnUnknownClOrdIDIsIgnored() {
        var b = book("O-1")
        let out = b.apply(report("OTHER", exec: "0", status: "0", execID: "E1"))
        #expect(out.tag == nil)
        #expect(out.events.isEmpty)
    }

    @Test func aRejectedReplaceSentAs150Eq8IsAReplaceRejectNotAnOrderReject() {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "0", status: "0", execID: "E1"))
        let id = b.newRequest("O-1", .replace(quantity: Quantity(50), limitPrice: nil, triggerPrice: nil))
        #expect(id == "O-1.R1.RUN")
        var r = report(id, exec: "8", status: "8", execID: "E2")
        r.text = "Price out of band"
        #expect(b.apply(r).events == [.replaceRejected(tag: "O-1", text: "Price out of band", rawStatus: "8")])
        #expect(b.order("O-1")?.isTerminal == false)
        #expect(b.order("O-1")?.clOrdID == "O-1")
    }

    @Test func aStatusReportWithOrdRejReason5MeansTheVenueNeverSawTheOrder() {
        var b = book("O-1")
        var r = report("O-1", exec: "I", status: "8", execID: "0")
        r.ordRejReason = "5"
        #expect(b.apply(r).status == .unknownOrder)
        #expect(b.order("O-1")?.answered == false)
    }

    @Test func anOrderCancelRejectWith102Eq1ThatAnswersNoCancelOrReplaceMeansUnknownOrder() {
        var b = book("O-1")
        var r = VenueCancelReject(clOrdID: "O-1", ordStatus: "8", responseTo: "1", reason: "1", text: "Unknown order O-1")
        #expect(b.apply(r).status == .unknownOrder)
        #expect(b.apply(r).events.isEmpty)
        let id = b.newRequest("O-1", .cancel)
        r.clOrdID = id
        r.origClOrdID = "O-1"
        r.ordStatus = "0"
        r.reason = "0"
        r.text = "Too late to cancel"
        #expect(b.apply(r).events == [.cancelRejected(tag: "O-1", text: "Too late to cancel", rawStatus: "0")])
    }
}
