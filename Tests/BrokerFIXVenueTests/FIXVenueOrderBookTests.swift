@testable import BrokerFIXVenue
import FIXProtocol
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

    /// Trades a report's CumQty counts but no report of them reached Vega (sent while the session was down, not
    /// resent after a ResetOnLogon) are one fill before the report's own — they were never booked.
    @Test func aCumQtyBeyondTheFillsSeenIsAFillOfTheGap() {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "0", status: "0", execID: "E1"))
        let out = b.apply(report("O-1", exec: "F", status: "1", execID: "E3", last: 50, cum: 150))
        #expect(out.events == [
            .fill(tag: "O-1", tradeID: "O-1-CUM-100", quantity: Quantity(100), price: Price("1402.5")!, rawStatus: "1"),
            .fill(tag: "O-1", tradeID: "E3", quantity: Quantity(50), price: Price("1402.5")!, rawStatus: "1"),
        ])
        // The gap's price leaves out the report's own fill: 50 @ 1410 with AvgPx 1405 over 150 → 100 @ 1402.50.
        var c = book("O-9")
        _ = c.apply(report("O-9", exec: "0", status: "0", execID: "E1"))
        var priced = report("O-9", exec: "F", status: "1", execID: "E2", last: 50, cum: 150)
        priced.lastPx = Price("1410")
        priced.avgPx = Price("1405")
        #expect(c.apply(priced).events.first == .fill(tag: "O-9", tradeID: "O-9-CUM-100", quantity: Quantity(100),
                                                      price: Price("1402.5")!, rawStatus: "1"))
        // A cancel whose CumQty counts a trade not seen books it first.
        let end = b.apply(report("O-1", exec: "4", status: "4", execID: "E5", cum: 170))
        #expect(end.events.map(\.tag) == ["O-1", "O-1"])
        guard case .fill(_, _, let q, _, _) = end.events.first, case .canceled = end.events.last else {
            Issue.record("\(end.events)"); return
        }
        #expect(q == Quantity(20))
    }

    /// After a reconnect the adapter asks about each open order (35=H, OrdStatusReqID `SW…`); the answers publish
    /// what the order missed: its fills, its end, and a refusal for a cancel whose answer was lost.
    @Test func anAnswerAfterAReconnectPublishesWhatTheOrderMissed() {
        var b = book("O-1", "O-2", "O-3")
        for t in ["O-1", "O-2", "O-3"] { _ = b.apply(report(t, exec: "0", status: "0", execID: "E-\(t)")) }
        let cancel = b.newRequest("O-3", .cancel)
        b.loggedOn()   // the session comes back with that cancel pending
        let later = b.newRequest("O-1", .cancel)   // sent on the new session: answered there
        #expect(b.sweepTargets().map(\.request.tag) == ["O-1", "O-2", "O-3"])
        var filled = report("O-1", exec: "I", status: "1", execID: "", cum: 60)
        filled.ordStatusReqID = b.newSweepRequestID()
        #expect(b.apply(filled).events == [
            .fill(tag: "O-1", tradeID: "O-1-CUM-60", quantity: Quantity(60), price: Price("1402.5")!, rawStatus: "1"),
        ])
        var gone = report("O-2", exec: "I", status: "4", execID: "", cum: 0)
        gone.ordStatusReqID = b.newSweepRequestID()
        #expect(b.apply(gone).events == [.canceled(tag: "O-2", rawStatus: "4")])
        var open = report("O-3", exec: "I", status: "0", execID: "", cum: 0)
        open.ordStatusReqID = b.newSweepRequestID()
        let refused = b.apply(open).events
        guard case .cancelRejected(let tag, _, _)? = refused.first, refused.count == 1 else { Issue.record("\(refused)"); return }
        #expect(tag == "O-3" && b.pending[cancel] == nil)
        #expect(b.pending[later] != nil)
        // An ordinary status answer (the engine's own look-up) publishes nothing: the engine catches up from it.
        var plain = report("O-1", exec: "I", status: "1", execID: "", cum: 80)
        plain.ordStatusReqID = b.newStatusRequestID()
        #expect(b.apply(plain).events.isEmpty)
        #expect(b.sweepTargets().map(\.request.tag) == ["O-1", "O-3"])
        // … and counts what it showed (the engine books it from the state): a later CumQty of 80 is no gap.
        #expect(b.apply(report("O-1", exec: "F", status: "1", execID: "E9", last: 10, cum: 90)).events.count == 1)
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

    /// ExecIDs are told apart per order: a venue that restarted numbers them from 1 again, and a new order's fill
    /// under an ExecID an old order used is still a fill (it was dropped as a resend).
    @Test func anExecIDSeenOnAnotherOrderIsNoResend() {
        var b = book("O-1", "O-2")
        _ = b.apply(report("O-1", exec: "F", status: "2", execID: "E1", last: 100, cum: 100))
        let out = b.apply(report("O-2", exec: "F", status: "2", execID: "E1", last: 100, cum: 100))
        #expect(out.events.contains(.fill(tag: "O-2", tradeID: "E1", quantity: Quantity(100), price: Price("1402.5")!, rawStatus: "2")))
        #expect(b.apply(report("O-2", exec: "F", status: "2", execID: "E1", last: 100, cum: 100)).events.isEmpty)
    }

    /// A cancel refused because the order is done (35=9 39=2) closes it here too: it was left open, and its state
    /// said filled and open at once.
    @Test func aCancelRefusedForADoneOrderClosesIt() {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "0", status: "0", execID: "E1"))
        let cancel = b.newRequest("O-1", .cancel)
        _ = b.apply(VenueCancelReject(clOrdID: cancel, origClOrdID: "O-1", ordStatus: "2", responseTo: "1", reason: "0",
                                      text: "Too late to cancel"))
        #expect(b.order("O-1")?.isTerminal == true)
    }

    /// ClOrdID is optional on an ExecutionReport: one the venue sends of its own accord (an unsolicited cancel)
    /// may name the order by OrderID alone. It was refused at session level and lost.
    @Test func aReportWithoutClOrdIDIsMatchedByOrderID() throws {
        var b = book("O-1")
        _ = b.apply(report("O-1", exec: "0", status: "0", execID: "E1"))
        let text = "8=FIX.4.4|9=0|35=8|34=5|49=VENUE|52=20261127-10:00:00.000|56=VEGA|37=V9|17=E2|150=4|39=4|54=1|"
            + "55=RELIANCE|151=0|14=0|6=0|99=1399|10=000|"
        let message = try FIXMessageParser.parse(Array(text.replacingOccurrences(of: "|", with: "\u{1}").utf8),
                                                 dictionary: Files.dictionary, verifyLengthAndChecksum: false)
        let r = try #require(VenueExecutionReport(message))
        #expect(r.clOrdID.isEmpty && r.stopPx == Price("1399"))
        #expect(b.apply(r).events == [.canceled(tag: "O-1", rawStatus: "4")])
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
