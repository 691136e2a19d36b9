@testable import BrokerKit
import BrokerUpstox
import Foundation
import OMSCore
import Testing

/// Credentials, redaction and the parts of BrokerKit that are not a whole scenario.
struct BrokerKitTests {
    @Test func credentialsNeverPrintTheirSecrets() {
        let c = TestCredentials.credentials
        #expect(!"\(c)".contains(TestCredentials.accessToken))
        #expect(!String(reflecting: c).contains(TestCredentials.accessToken))
        #expect(!"\(c)".contains(TestCredentials.apiSecret))
        let url = "wss://ws.kite.trade/?api_key=K&access_token=\(FormWriter.escape(TestCredentials.accessToken))"
        #expect(!c.redact(url).contains(TestCredentials.accessToken))
        #expect(c.redact("secret \(TestCredentials.apiSecret)") == "secret ***")
    }

    @Test func credentialsComeFromSettingsThenEnvironment() {
        let env = ["VEGA_KITE_API_KEY": "envkey", "VEGA_KITE_ACCESS_TOKEN": "envtoken"]
        let fromEnv = BrokerCredentials.resolve(prefix: "VEGA_KITE", environment: env)
        #expect(fromEnv == BrokerCredentials(apiKey: "envkey", accessToken: "envtoken"))
        let fromSettings = BrokerCredentials.resolve(prefix: "VEGA_KITE", settings: ["VEGA_KITE_ACCESS_TOKEN": "settoken"],
                                                     environment: env)
        #expect(fromSettings?.accessToken == "settoken")
        #expect(BrokerCredentials.resolve(prefix: "VEGA_FYERS", environment: env) == nil)
    }

    @Test("Tokens are in no log line and no error text, even when the broker quotes them", arguments: BrokerKind.allCases)
    func tokensNeverInLogsOrErrors(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            await h.book.script(.refuseQuotingToken)
            do throws(BrokerError) {
                _ = try await h.adapter.place(order("O-201"))
                Issue.record("the refusal did not throw")
            } catch {
                #expect(!"\(error)".contains(TestCredentials.accessToken))
                #expect("\(error)".contains("***"))
            }
            // A stream that cannot reconnect for a while logs its failures.
            await h.book.dropStreams(hold: true)
            try await Task.sleep(for: .milliseconds(400))
            await h.book.releaseStreams()
            try await h.until("the stream is back") { await h.book.liveStreams > 0 }
            await h.book.expireToken()
            await #expect(throws: BrokerError.tokenExpired) { try await h.adapter.place(order("O-202")) }
            #expect(!h.logs.all.isEmpty)
            for line in h.logs.all {
                #expect(!line.contains(TestCredentials.accessToken))
                #expect(!line.contains(FormWriter.escape(TestCredentials.accessToken)))
                #expect(!line.contains(TestCredentials.apiSecret))
            }
        }
    }

    @Test func upstoxSlicedPlacementStaysOneVegaOrder() async throws {
        try await Harness.run(.upstox) { h in
            let placement = try await h.adapter.place(order("O-203", quantity: 3000))
            #expect(placement.brokerOrderIDs.count == 2)  // v3 `slice`: one id per slice
            for id in placement.brokerOrderIDs { await h.book.open(id) }
            await h.book.fill(placement.brokerOrderIDs[0], quantity: 1800, price: 1402.5)
            await h.book.fill(placement.brokerOrderIDs[1], quantity: 1200, price: 1403)
            let events = try await h.events("O-203", count: 3)
            #expect(events.filter { if case .acknowledged = $0 { return true } else { return false } }.count == 1)
            #expect(events.compactMap(\.fill).map(\.quantity) == [Quantity(1800), Quantity(1200)])
            let state = try #require(try await h.adapter.orderState(tag: "O-203"))
            #expect(state.filledQuantity == Quantity(3000))
            #expect(!state.isOpen)
            let sent = try #require(await h.placementRequests().first)
            #expect(Fake.object(sent.body)?["slice"] == .bool(true))
        }
    }

    @Test func upstoxSlicedOrderIsCancelledSliceBySlice() async throws {
        try await Harness.run(.upstox) { h in
            let placement = try await h.adapter.place(order("O-204", quantity: 3000))
            for id in placement.brokerOrderIDs { await h.book.open(id) }
            _ = try await h.events("O-204", count: 1)
            try await h.adapter.cancel(tag: "O-204")
            let events = try await h.events("O-204", count: 2)
            #expect(events[1] == .canceled(tag: "O-204", rawStatus: "cancelled"))
            #expect(await h.book.seen("DELETE", "/v3/order/cancel").count == 2)
        }
    }

    /// Taking up an order this process did not place (after a restart): a fill the stream brings while the
    /// look-up is under way is part of the state returned (the engine catches up to it) — not dropped, and not an
    /// event counted from zero; later fills are events of their own size.
    @Test func aFillDuringTheTakeUpIsInTheStateAndNotCountedTwice() async throws {
        try await Harness.run(.kite) { h in
            try await h.until("the order stream is connected") { await h.book.liveStreams > 0 }
            // An order the previous process placed: at the broker, open, unknown to this adapter.
            let id = await h.book.newOrderID()
            await h.book.add(FakeOrder(id: id, tag: "O-310", symbol: "NSE:RELIANCE", side: "BUY", quantity: 10,
                                       price: 1402.5, triggerPrice: 0, orderType: "LIMIT", product: "MIS",
                                       validity: "DAY", status: "OPEN"))
            await h.book.delayOrderBook(.milliseconds(800))
            let takeUp = Task { try await h.adapter.resume(order("O-310", quantity: 10)) }
            try await Task.sleep(for: .milliseconds(200))   // the look-up has its (older) snapshot
            _ = await h.book.fill(id, quantity: 4, price: 1402.5)
            let state = try #require(try await takeUp.value)
            #expect(state.filledQuantity == Quantity(4) && state.isOpen)
            #expect(await h.events.of("O-310").isEmpty)
            _ = await h.book.fill(id, quantity: 2, price: 1402.5)
            let events = try await h.events("O-310", count: 1)
            #expect(events.compactMap(\.fill).map(\.quantity) == [Quantity(2)], "\(events)")
        }
    }

    @Test func fyersSocketIsSubscribedAndKeptAlive() async throws {
        try await Harness.run(.fyers) { h in
            let fake = try #require(h.fake as? FyersFake)
            try await h.until("the adapter pinged the order socket") { await fake.pings.count >= 1 }
            #expect(await h.book.violations == [])
        }
    }

    @Test func aSnapshotSeenTwiceReportsItsFillOnce() {
        var tracker = OrderTracker()
        let request = order("O-205")
        tracker.track(request, brokerOrderIDs: ["B1"])
        let record = BrokerOrderRecord(brokerOrderID: "B1", tag: "O-205", exchangeOrderID: "X1", symbol: "S", side: .buy,
                                       quantity: Quantity(100), filledQuantity: Quantity(40),
                                       averagePrice: Price("1402.5")!, limitPrice: Price("1402.5"), triggerPrice: nil,
                                       phase: .open, rawStatus: "open", message: nil)
        let first = tracker.apply(record)
        let again = tracker.apply(record)
        #expect(first.count == 2)  // ack + derived fill
        #expect(first[1].fill?.quantity == Quantity(40))
        #expect(again.isEmpty)
        // The trade that explains the derived fill shows up later: matched, not reported again.
        var later = record
        later.filledQuantity = Quantity(100)
        later.averagePrice = Price("1402.2")!
        let trades = [BrokerTrade(tradeID: "T1", brokerOrderID: "B1", tag: nil, symbol: "S", side: .buy,
                                  quantity: Quantity(40), price: Price("1402.5")!),
                      BrokerTrade(tradeID: "T2", brokerOrderID: "B1", tag: nil, symbol: "S", side: .buy,
                                  quantity: Quantity(60), price: Price("1402")!)]
        let rest = tracker.apply(later, trades: trades)
        #expect(rest.compactMap(\.fill).map(\.tradeID) == ["T2"])
        #expect(rest.compactMap(\.fill).map(\.quantity) == [Quantity(60)])
    }

    /// A broker's figures are not trusted into plain arithmetic: a filled quantity and average price whose
    /// product is past Int64 (a broken or hostile answer) saturates instead of trapping the server.
    @Test func aFillBeyondInt64FromTheBrokerDoesNotTrap() {
        var tracker = OrderTracker()
        tracker.track(order("O-9"), brokerOrderIDs: ["B9"])
        let record = BrokerOrderRecord(brokerOrderID: "B9", tag: "O-9", exchangeOrderID: nil, symbol: "S", side: .buy,
                                       quantity: Quantity(1_000_000_000_000), filledQuantity: Quantity(1_000_000_000_000),
                                       averagePrice: Price("100000")!, limitPrice: nil, triggerPrice: nil,
                                       phase: .open, rawStatus: "open", message: nil)
        let events = tracker.apply(record, trades: [BrokerTrade(tradeID: "T1", brokerOrderID: "B9", tag: nil, symbol: "S", side: .buy,
                                                                quantity: Quantity(1_000_000_000_000), price: Price("100000000")!)])
        #expect(events.compactMap { $0.fill?.quantity } == [Quantity(1_000_000_000_000)])
    }

    /// New terms on a broker order are reported (`.replaced`) before the fills the same snapshot shows — the order
    /// changed at the broker from 10 to 15 and 12 filled is a change, then a fill within it — and only once the
    /// placement's answer gave all the order's broker ids: the first slice of a sliced order, seen on the stream
    /// before that answer, is not a change of the order's quantity.
    @Test func newTermsComeBeforeFillsAndNeverFromAnUnansweredSlice() {
        func snapshot(_ id: String, tag: String, quantity: Int64, filled: Int64, price: String) -> BrokerOrderRecord {
            BrokerOrderRecord(brokerOrderID: id, tag: tag, exchangeOrderID: "X", symbol: "S", side: .buy,
                              quantity: Quantity(quantity), filledQuantity: Quantity(filled),
                              averagePrice: Price(price)!, limitPrice: Price(price), triggerPrice: nil,
                              phase: .open, rawStatus: "open", message: nil)
        }
        var tracker = OrderTracker()
        var request = order("O-7")
        request.quantity = Quantity(10)
        request.limitPrice = Price("1500")
        tracker.track(request, brokerOrderIDs: ["B7"], answered: true)
        _ = tracker.apply(snapshot("B7", tag: "O-7", quantity: 10, filled: 0, price: "1500"))
        let changed = tracker.apply(snapshot("B7", tag: "O-7", quantity: 15, filled: 12, price: "1505"))
        #expect(changed.count == 2)
        #expect(changed.first == .replaced(tag: "O-7", quantity: Quantity(15), limitPrice: Price("1505"), rawStatus: "open"))
        #expect(changed.last?.fill?.quantity == Quantity(12))

        // A sliced order of 3600: the stream shows its first slice (1800) before the placement's answer.
        var sliced = order("O-8")
        sliced.quantity = Quantity(3600)
        sliced.limitPrice = Price("1500")
        tracker.track(sliced, brokerOrderIDs: [])
        tracker.track(sliced, brokerOrderIDs: ["S1"])   // as `ingest` does for an id it did not know
        let slice = tracker.apply(snapshot("S1", tag: "O-8", quantity: 1800, filled: 0, price: "1500"))
        #expect(!slice.contains { if case .replaced = $0 { return true } else { return false } }, "\(slice)")
        tracker.track(sliced, brokerOrderIDs: ["S1", "S2"], answered: true)
        let later = tracker.apply(snapshot("S1", tag: "O-8", quantity: 1800, filled: 100, price: "1500"))
        #expect(later.count == 1 && later.first?.fill?.quantity == Quantity(100), "\(later)")

        // Cut at the broker to what it filled: 10 → 6, all 6 filled and complete — the new terms, then the fill.
        var cut = order("O-9")
        cut.quantity = Quantity(10)
        cut.limitPrice = Price("1500")
        tracker.track(cut, brokerOrderIDs: ["B9"], answered: true)
        _ = tracker.apply(snapshot("B9", tag: "O-9", quantity: 10, filled: 0, price: "1500"))
        var done = snapshot("B9", tag: "O-9", quantity: 6, filled: 6, price: "1500")
        done.phase = .filled
        let events = tracker.apply(done)
        #expect(events.first == .replaced(tag: "O-9", quantity: Quantity(6), limitPrice: Price("1500"), rawStatus: "open"))
        #expect(events.count == 2 && events.last?.fill?.quantity == Quantity(6), "\(events)")
    }
}

/// How a closed order ended at a REST broker, for a take-up after a restart: the end its broker orders share, the
/// filled slices aside (a sliced order whose other slice expired ended expired — it used to be taken as
/// cancelled); none when they ended differently.
@Test func aSlicedOrdersEndLeavesItsFilledSlicesAside() {
    func slice(_ id: String, _ phase: BrokerOrderPhase, filled: Int64) -> BrokerOrderRecord {
        BrokerOrderRecord(brokerOrderID: id, tag: "O-1", exchangeOrderID: nil, symbol: "S", side: .buy, quantity: Quantity(10),
                          filledQuantity: Quantity(filled), averagePrice: Price("100")!, limitPrice: Price("100"),
                          triggerPrice: nil, phase: phase, rawStatus: phase.rawValue, message: nil)
    }
    #expect(UpstoxBroker.state(tag: "O-1", [slice("A", .filled, filled: 10), slice("B", .expired, filled: 0)])?.end == .expired)
    #expect(UpstoxBroker.state(tag: "O-1", [slice("A", .filled, filled: 10), slice("B", .filled, filled: 10)])?.end == .filled)
    #expect(UpstoxBroker.state(tag: "O-1", [slice("A", .rejected, filled: 0), slice("B", .expired, filled: 0)])?.end == nil)
    #expect(UpstoxBroker.state(tag: "O-1", [slice("A", .open, filled: 0)])?.end == nil)
}
