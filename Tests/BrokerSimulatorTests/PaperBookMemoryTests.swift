@testable import BrokerSimulator
import OMSCore
import Testing

/// The paper broker keeps every order of the day (its book, for reconciliation): its orders for one
/// instrument share one copy of it, and an order placed after the instrument changed gets the new one.
struct PaperBookMemoryTests {
    @Test func ordersForOneInstrumentShareOneCopyOfIt() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        let t = PaperBrokerTests()
        _ = try await b.place(t.order("P-1", .buy, .limit, qty: 1, limit: "1300.00"))
        _ = try await b.place(t.order("P-2", .buy, .limit, qty: 1, limit: "1390.00"))
        var changed = PaperBrokerTests.reliance
        changed.lotSize = 5   // the day's instrument master was loaded again with a new lot size
        _ = try await b.place(t.order("P-3", .buy, .limit, qty: 5, limit: "1300.00", instrument: changed))
        let one = try #require(await b.book["P-1"]?.request.instrumentRef)
        let two = try #require(await b.book["P-2"]?.request.instrumentRef)
        let three = try #require(await b.book["P-3"]?.request.instrumentRef)
        #expect(one === two && one !== three)
        #expect(three.instrument.lotSize == 5 && one.instrument == PaperBrokerTests.reliance)
        // The book's answers still carry the whole instrument.
        #expect(try await b.holdings().isEmpty)
        #expect(try await b.orders().map(\.symbol) == Array(repeating: PaperBrokerTests.reliance.key.rawValue, count: 3))
    }
}

/// After a restart the paper broker's book is what it was: the day's orders from Vega's records, each with
/// its state, executions and broker order id; open orders rest again and go on filling or can be cancelled.
struct PaperBookRestoreTests {
    let t = PaperBrokerTests()

    func entries() -> [PaperBookEntry] {
        [
            PaperBookEntry(order: t.order("R-1", .buy, .limit, qty: 10, limit: "1500.00"), brokerOrderID: "OLD-PB1",
                           state: .filled, rawStatus: "complete",
                           fills: [.init(tradeID: "OLD-T1", quantity: Quantity(4), price: Price("1450.00")!),
                                   .init(tradeID: "OLD-T2", quantity: Quantity(6), price: Price("1460.00")!)]),
            PaperBookEntry(order: t.order("R-2", .sell, .limit, qty: 3, limit: "1600.00"), brokerOrderID: "OLD-PB2",
                           state: .canceled, rawStatus: "cancelled"),
            PaperBookEntry(order: t.order("R-3", .buy, .limit, qty: 1, limit: "1400.05"), brokerOrderID: "OLD-PB3",
                           state: .rejected, rawStatus: "rejected"),
            // Partly filled and resting: 2 of 8 done.
            PaperBookEntry(order: t.order("R-4", .buy, .limit, qty: 8, limit: "1390.00"), brokerOrderID: "OLD-PB4",
                           state: .open, rawStatus: "open",
                           fills: [.init(tradeID: "OLD-T3", quantity: Quantity(2), price: Price("1390.00")!)]),
            PaperBookEntry(order: t.order("R-5", .sell, .limit, qty: 5, limit: "1700.00"), brokerOrderID: "OLD-PB5",
                           state: .open, rawStatus: "open"),
        ]
    }

    @Test func theBookComesBackWithItsOrdersTradesAndPositions() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        #expect(await b.restore(entries()) == 5)
        let orders = try await b.orders()
        #expect(orders.map(\.tag) == ["R-1", "R-2", "R-3", "R-4", "R-5"])
        #expect(orders.map(\.brokerOrderID) == ["OLD-PB1", "OLD-PB2", "OLD-PB3", "OLD-PB4", "OLD-PB5"])
        #expect(orders.map(\.phase) == [.filled, .canceled, .rejected, .open, .open])
        #expect(orders.map(\.filledQuantity.value) == [10, 0, 0, 2, 0])
        #expect(orders[0].averagePrice == Price("1456.00")!)
        #expect(try await b.trades().map(\.tradeID) == ["OLD-T1", "OLD-T2", "OLD-T3"])
        #expect(try await b.trades().allSatisfy { $0.brokerOrderID.hasPrefix("OLD-PB") })
        let positions = try await b.positions()
        #expect(positions.map(\.netQuantity.value) == [12])
        let state = try #require(try await b.orderState(tag: "R-4"))
        #expect(state.isOpen && state.filledQuantity.value == 2 && state.brokerOrderID == "OLD-PB4")
        #expect(try await b.orderState(tag: "R-1")?.isOpen == false)
        // An "open" order whose executions already make its quantity is taken as complete, never filled again.
        let b2 = PaperBroker()
        await b2.restore([PaperBookEntry(order: t.order("X-1", .buy, .limit, qty: 2, limit: "1500.00"), brokerOrderID: "OLD-PB9",
                                         state: .open, fills: [.init(tradeID: "OLD-T9", quantity: Quantity(2), price: Price("1450.00")!)])])
        #expect(try await b2.orderState(tag: "X-1")?.isOpen == false)
        // An order already in the book is not taken twice; once the broker has taken an order of its own,
        // nothing more is restored.
        #expect(await b.restore(entries()) == 0)
        let late = PaperBookEntry(order: t.order("R-9", .buy, .limit, qty: 1, limit: "1300.00"), brokerOrderID: "OLD-PB10",
                                  state: .open)
        _ = try await b.place(t.order("N-0", .buy, .limit, qty: 1, limit: "1300.00"))
        #expect(await b.restore([late]) == 0)
        #expect(try await b.orderState(tag: "R-9") == nil)
    }

    @Test func restoredOpenOrdersRestFillAndCancelAsBefore() async throws {
        let b = PaperBroker()
        await b.setPrice(Price("1400.00")!, for: PaperBrokerTests.reliance)
        await b.restore(entries())
        // Until the engine has taken the restored orders up, they do not trade (a fill in between would be in the
        // state it reads and in an event after it: counted twice).
        await b.setPrice(Price("1389.00")!, for: PaperBrokerTests.reliance)
        #expect(try await b.orderState(tag: "R-4")?.filledQuantity.value == 2)
        // An order placed meanwhile trades as usual.
        _ = try await b.place(t.order("N-9", .buy, .limit, qty: 1, limit: "1395.00"))
        #expect(try await b.orderState(tag: "N-9")?.filledQuantity.value == 1)
        _ = await t.drain(b, count: 2)   // its acknowledgement and fill
        // Then the market, already through R-4's limit, fills its remaining 6 (not 8).
        await b.resumeMatching()
        let fill = await t.drain(b, count: 1)
        guard case .fill(let tag, _, let qty, let px, let raw) = fill.first else { Issue.record("no fill: \(fill)"); return }
        #expect(tag == "R-4" && qty.value == 6 && px == Price("1389.00")! && raw == "complete")
        #expect(try await b.orderState(tag: "R-4")?.filledQuantity.value == 8)
        #expect(try await b.trades().count == 5)   // three restored, N-9, R-4
        try await b.cancel(tag: "R-5")
        guard case .canceled(let c, _) = await t.drain(b, count: 1).first else { Issue.record("no cancel"); return }
        #expect(c == "R-5")
        // A restored closed order cannot be cancelled again.
        try await b.cancel(tag: "R-1")
        guard case .cancelRejected(let r, _, _) = await t.drain(b, count: 1).first else { Issue.record("no reject"); return }
        #expect(r == "R-1")
        // A new order gets a new broker order id and is placed as usual.
        let placed = try await b.place(t.order("N-1", .buy, .limit, qty: 1, limit: "1300.00"))
        #expect(placed.brokerOrderIDs.first?.hasPrefix("OLD") == false)
    }
}
