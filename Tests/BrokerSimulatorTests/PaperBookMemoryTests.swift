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
