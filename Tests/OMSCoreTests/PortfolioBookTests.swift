import OMSCore
import Testing

/// Average-cost positions and the merged portfolio. Money in Price units (₹0.0001) × quantity; the
/// expected values are worked out by hand in each test.
struct PortfolioBookTests {
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                     lotSize: 1, tickSize: Price("0.10")!)
    static func px(_ s: String) -> Price { Price(s)! }
    static let client = ClientID("AB1234")

    @Test func buysAverageAndASellRealisesAgainstTheAverage() {
        var p = PortfolioPosition(key: PortfolioKey(client: Self.client, broker: .paper, instrumentKey: Self.reliance.key, product: .cnc),
                                  symbol: "RELIANCE", tradingDay: 1)
        p.apply(.buy, quantity: Quantity(10), price: Self.px("100"))
        p.apply(.buy, quantity: Quantity(30), price: Self.px("104"))
        // (10×100 + 30×104) / 40 = 4120 / 40 = 103.
        #expect(p.netQuantity == 40 && p.averagePrice == Self.px("103"))
        p.apply(.sell, quantity: Quantity(15), price: Self.px("110"))
        // Realised 15 × (110 − 103) = 105; 25 left at 103.
        #expect(p.realisedUnits == Self.px("105").units)
        #expect(p.netQuantity == 25 && p.averagePrice == Self.px("103"))
        // Unrealised at 101: 25 × (101 − 103) = −50.
        #expect(p.unrealisedUnits(mark: Self.px("101")) == Self.px("-50").units)
        #expect(p.dayBuyQuantity == 40 && p.daySellQuantity == 15)
        #expect(p.dayBuyValueUnits == Self.px("4120").units && p.daySellValueUnits == Self.px("1650").units)
    }

    @Test func aSellLargerThanTheLongReversesIntoAShortAtTheSellPrice() {
        var p = PortfolioPosition(key: PortfolioKey(client: Self.client, broker: .paper, instrumentKey: Self.reliance.key, product: .mis),
                                  symbol: "RELIANCE", tradingDay: 1)
        p.apply(.buy, quantity: Quantity(10), price: Self.px("100"))
        p.apply(.sell, quantity: Quantity(25), price: Self.px("98"))
        // Closing 10 loses 10 × 2 = 20; 15 short at 98.
        #expect(p.realisedUnits == Self.px("-20").units)
        #expect(p.netQuantity == -15 && p.averagePrice == Self.px("98"))
        // A short gains when the price falls: 15 × (98 − 95) = 45.
        #expect(p.unrealisedUnits(mark: Self.px("95")) == Self.px("45").units)
        p.apply(.buy, quantity: Quantity(15), price: Self.px("97"))
        #expect(p.netQuantity == 0 && p.openCostUnits == 0 && p.realisedUnits == Self.px("-5").units)   // −20 + 15
    }

    /// Ten lakh RELIANCE at ₹1,500 (₹150 crore: an institutional size) bought then sold: the cost of the closed
    /// part (open cost × closing ÷ open) overflowed Int64 as a plain product and stopped the process.
    @Test func aLargePositionClosedInFullIsBookedExactly() {
        var p = PortfolioPosition(key: PortfolioKey(client: Self.client, broker: .paper, instrumentKey: Self.reliance.key, product: .cnc),
                                  symbol: "RELIANCE", tradingDay: 1)
        p.apply(.buy, quantity: Quantity(1_000_000), price: Self.px("1500"))
        p.apply(.sell, quantity: Quantity(400_000), price: Self.px("1510"))
        // Realised 4 lakh × ₹10 = ₹40 lakh; 6 lakh left at 1500.
        #expect(p.realisedUnits == Self.px("4000000").units)
        #expect(p.netQuantity == 600_000 && p.averagePrice == Self.px("1500"))
        p.apply(.sell, quantity: Quantity(600_000), price: Self.px("1490"))
        // −6 lakh × ₹10 = −₹60 lakh: −₹20 lakh in all.
        #expect(p.realisedUnits == Self.px("-2000000").units && p.netQuantity == 0 && p.openCostUnits == 0)
    }

    /// A value past Int64 (no real position) saturates instead of trapping.
    @Test func aValuePastInt64Saturates() {
        var p = PortfolioPosition(key: PortfolioKey(client: Self.client, broker: .paper, instrumentKey: Self.reliance.key, product: .mis),
                                  symbol: "RELIANCE", tradingDay: 1)
        p.apply(.buy, quantity: Quantity(100_000_000), price: Self.px("99999999"))
        #expect(p.openCostUnits == Int64.max && p.dayBuyValueUnits == Int64.max)
        _ = p.averagePrice
        _ = p.unrealisedUnits(mark: Self.px("1"))
        p.apply(.sell, quantity: Quantity(100_000_000), price: Self.px("1"))
        #expect(p.netQuantity == 0)
    }

    @Test func aNewTradingDayCarriesTheOpenPositionAndClearsDayTotals() {
        var book = PortfolioBook()
        book.apply(client: Self.client, broker: .paper, instrument: Self.reliance, product: .cnc, side: .buy,
                   quantity: Quantity(5), price: Self.px("100"), tradingDay: 1)
        let next = book.apply(client: Self.client, broker: .paper, instrument: Self.reliance, product: .cnc, side: .buy,
                              quantity: Quantity(1), price: Self.px("106"), tradingDay: 2)
        #expect(next.carriedQuantity == 5 && next.dayBuyQuantity == 1 && next.netQuantity == 6 && next.averagePrice == Self.px("101"))
    }

    @Test func positionsAtTwoBrokersMergeIntoOneLine() {
        var book = PortfolioBook()
        book.apply(client: Self.client, broker: .paper, instrument: Self.reliance, product: .cnc, side: .buy,
                   quantity: Quantity(10), price: Self.px("100"), tradingDay: 1)
        book.apply(client: Self.client, broker: BrokerID("ZERODHA"), instrument: Self.reliance, product: .cnc, side: .buy,
                   quantity: Quantity(30), price: Self.px("104"), tradingDay: 1)
        book.apply(client: ClientID("OTHER"), broker: .paper, instrument: Self.reliance, product: .cnc, side: .sell,
                   quantity: Quantity(1), price: Self.px("100"), tradingDay: 1)
        let lines = book.merged(client: Self.client) { _ in Self.px("105") }
        #expect(lines.count == 1)
        let l = lines[0]
        #expect(l.brokers == [BrokerID("PAPER"), BrokerID("ZERODHA")])
        #expect(l.netQuantity == 40 && l.averagePrice == Self.px("103"))
        // (105 − 100) × 10 + (105 − 104) × 30 = 80.
        #expect(l.unrealisedUnits == Self.px("80").units)
        #expect(book.merged(client: nil) { _ in nil }.count == 2)
        #expect(book.merged(client: nil) { _ in nil }.first?.unrealisedUnits == nil)
    }

    /// The portfolio shows the trading day asked for: a position last traded yesterday shows its net as carried and
    /// no day trades (it showed yesterday's buys as today's until it traded again); its P&L is unchanged.
    @Test func aPositionNotTradedTodayShowsAsCarried() {
        var book = PortfolioBook()
        book.apply(client: Self.client, broker: .paper, instrument: Self.reliance, product: .cnc, side: .buy,
                   quantity: Quantity(100), price: Self.px("1540"), tradingDay: 1)
        let yesterday = book.merged(client: Self.client, tradingDay: 1) { _ in Self.px("1550") }[0]
        #expect(yesterday.carriedQuantity == 0 && yesterday.dayBuyQuantity == 100)
        let today = book.merged(client: Self.client, tradingDay: 2) { _ in Self.px("1550") }[0]
        #expect(today.carriedQuantity == 100 && today.dayBuyQuantity == 0 && today.netQuantity == 100)
        #expect(today.unrealisedUnits == Self.px("1000").units && today.averagePrice == Self.px("1540"))
        // The book itself is not changed by showing it.
        #expect(book.positions.values.first?.dayBuyQuantity == 100)
    }
}
