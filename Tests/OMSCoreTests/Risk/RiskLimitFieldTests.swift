import OMSCore
import Testing

/// Field edits behind `trader-cli limits set` and `PUT /api/limits/{client}`.
struct RiskLimitFieldTests {
    let key = InstrumentKey("NSE_EQ|INE002A01018")

    @Test(arguments: [
        (RiskLimitField.maxOrderValue, "500000", "500000.00"),
        (.maxOrderValue, "0.0001", "0.0001"),
        (.maxOpenValue, "12.5", "12.50"),
        (.maxDailyLoss, "0", "0.00"),
        (.availableMargin, "183625.00", "183625.00"),
        (.intradayVaRLimit, "21152.47", "21152.47"),
        (.maxOrderQuantity, "1000", "1000"),
        (.maxOpenOrders, "0", "0"),
    ])
    func aValueIsStoredAndShownBack(field: RiskLimitField, input: String, shown: String) throws {
        var l = RiskLimits()
        try l.apply(RiskLimitEdit(field: field, value: input))
        #expect(l.text(of: field) == shown)
        try l.apply(RiskLimitEdit(field: field, value: nil))
        #expect(l.text(of: field) == nil)
        #expect(l == RiskLimits())
    }

    @Test(arguments: [
        (RiskLimitField.maxOrderValue, "-1", "maxOrderValue: `-1` is not a rupee amount ≥ 0 with at most 4 decimals"),
        (.maxOrderValue, "1.00001", "maxOrderValue: `1.00001` is not a rupee amount ≥ 0 with at most 4 decimals"),
        (.maxDailyLoss, "ten", "maxDailyLoss: `ten` is not a rupee amount ≥ 0 with at most 4 decimals"),
        (.maxOpenOrders, "2.5", "maxOpenOrders: `2.5` is not a whole number from 0 to 2147483647"),
        (.maxOrderQuantity, "-3", "maxOrderQuantity: `-3` is not a whole number from 0 to 2147483647"),
        (.symbolMaxOrderQuantity, "5", "symbolMaxOrderQuantity: needs an instrument key"),
    ])
    func badValuesAreRefusedNamingTheField(field: RiskLimitField, input: String, message: String) {
        var l = RiskLimits()
        #expect(throws: RiskLimitEditError.self) { try l.apply(RiskLimitEdit(field: field, value: input)) }
        do { try l.apply(RiskLimitEdit(field: field, value: input)) } catch { #expect(error.description == message) }
        #expect(l == RiskLimits())
    }

    @Test func symbolCapsAreSetPerInstrumentAndRemovedWhenBothAreOff() throws {
        var l = RiskLimits()
        try l.apply(RiskLimitEdit(field: .symbolMaxOrderQuantity, instrument: key, value: "500"))
        try l.apply(RiskLimitEdit(field: .symbolMaxPositionQuantity, instrument: key, value: "1000"))
        #expect(l.symbolCaps[key] == SymbolCap(maxOrderQuantity: Quantity(500), maxPositionQuantity: Quantity(1000)))
        #expect(l.text(of: .symbolMaxOrderQuantity, instrument: key) == "500")
        try l.apply(RiskLimitEdit(field: .symbolMaxOrderQuantity, instrument: key, value: nil))
        #expect(l.symbolCaps[key] != nil)
        try l.apply(RiskLimitEdit(field: .symbolMaxPositionQuantity, instrument: key, value: nil))
        #expect(l.symbolCaps[key] == nil)
        #expect(throws: RiskLimitEditError.self) {
            try l.apply(RiskLimitEdit(field: .maxOpenOrders, instrument: key, value: "1"))
        }
    }

    /// A change takes effect at the next check of the same engine (what PUT /api/limits does while running).
    @Test func changedLimitsApplyToTheNextOrder() throws {
        let engine = RiskFixtures.engine(RiskLimits(maxOrderQuantity: Quantity(1000)))
        #expect(engine.check(RiskFixtures.order(.buy, qty: 1000), market: RiskFixtures.market).isAccepted)
        var l = try #require(engine.limits(for: RiskFixtures.client))
        try l.apply(RiskLimitEdit(field: .maxOrderQuantity, value: "999"))
        engine.setLimits(l, for: RiskFixtures.client)
        #expect(RiskFixtures.summary(engine.check(RiskFixtures.order(.buy, qty: 1000), market: RiskFixtures.market))
                == "RISK_CLIENT_LIMIT maxOrderQuantity")
        #expect(engine.exposure(for: RiskFixtures.client)?.openOrders == 1)
    }
}
