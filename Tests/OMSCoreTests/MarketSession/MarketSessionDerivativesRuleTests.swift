import OMSCore
import Testing

/// F&O: normal market, futures pre-open, the 15:40 close from 2026-08-03, expiry and expired contracts.
struct MarketSessionDerivativesRuleTests {
    typealias F = SessionFixtures

    static let niftyJulyCall = F.option(expiry: "2026-07-28")
    static let niftyJulyFuture = F.future(expiry: "2026-07-28")
    static let niftyAugustCall = F.option(expiry: "2026-08-25")
    static let sensexCall = F.option("SENSEX", expiry: "2026-08-27", strike: 80_000, lot: 20, segment: .bseFO)

    static func decide(_ instrument: Instrument, _ at: String, _ order: SessionOrderTraits = F.limit,
                       _ flags: SessionInstrumentFlags = SessionInstrumentFlags()) -> String {
        F.summary(F.shared.isTradingAllowed(instrument, at: F.ms(at), order: order, flags: flags))
    }

    @Test(arguments: [
        ("2026-07-01 09:00", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 09:14:59.999", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 09:15", "allowed normalMarket"),
        ("2026-07-01 15:29:59.999", "allowed normalMarket"),
        ("2026-07-01 15:30", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-03 15:30", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-04 10:00", "SESSION_CLOSED weekend weekend"),
        ("2026-06-26 10:00", "SESSION_CLOSED holiday holiday"),
    ])
    func optionsTradeOnlyInTheNormalMarket(at: String, expected: String) {
        #expect(Self.decide(Self.niftyJulyCall, at) == expected)
        // The futures pre-open flag does nothing for options.
        #expect(Self.decide(Self.niftyJulyCall, at, F.limit, F.futPreOpen) == expected)
        #expect(Self.decide(Self.niftyJulyFuture, at) == expected)
    }

    @Test(arguments: [F.stop, F.stopLimit, F.limitIOC, F.market])
    func everyOrderTypeAndIOCInTheNormalMarket(order: SessionOrderTraits) {
        #expect(Self.decide(Self.niftyJulyCall, "2026-07-01 09:15", order) == "allowed normalMarket")
    }

    /// Current-month futures since 2025-12-08.
    @Test(arguments: [
        ("2026-07-01 08:59:59.999", F.market, "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 09:00", F.market, "allowed preOpenEntry"),
        ("2026-07-01 09:00", F.limit, "allowed preOpenEntry"),
        ("2026-07-01 09:00", F.stop, "UNSUPPORTED preOpenEntry orderTypeNotAllowed"),
        ("2026-07-01 09:00", F.limitIOC, "UNSUPPORTED preOpenEntry timeInForceNotAllowed"),
        ("2026-07-01 09:07:59.999", F.limit, "allowed preOpenEntry"),
        ("2026-07-01 09:08", F.limit, "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-07-01 09:12", F.limit, "SESSION_NO_ENTRY preOpenBuffer noEntryPhase"),
        ("2026-07-01 09:14:59.999", F.limit, "SESSION_NO_ENTRY preOpenBuffer noEntryPhase"),
        ("2026-07-01 09:15", F.stop, "allowed normalMarket"),
        ("2025-12-05 09:00", F.limit, "SESSION_CLOSED closed outsideSession"),
        ("2025-12-08 09:00", F.limit, "allowed preOpenEntry"),
    ])
    func futuresPreOpen(at: String, order: SessionOrderTraits, expected: String) {
        #expect(Self.decide(Self.niftyJulyFuture, at, order, F.futPreOpen) == expected)
    }

    /// From 2026-08-03 the F&O normal market runs to 15:40.
    @Test(arguments: [
        ("2026-07-31 15:29:59.999", "allowed normalMarket"),
        ("2026-07-31 15:30", "SESSION_CLOSED closed outsideSession"),
        ("2026-08-03 15:30", "allowed normalMarket"),
        ("2026-08-03 15:39:59.999", "allowed normalMarket"),
        ("2026-08-03 15:40", "SESSION_CLOSED closed outsideSession"),
    ])
    func closeMovesTo1540WithTheClosingAuction(at: String, expected: String) {
        #expect(Self.decide(Self.niftyAugustCall, at) == expected)
        #expect(Self.decide(Self.sensexCall, at) == expected)
    }

    /// Orders are taken on the expiry day until the F&O close; the next day the contract is refused.
    @Test(arguments: [
        ("2026-07-28 09:15", "allowed normalMarket"),
        ("2026-07-28 15:29:59.999", "allowed normalMarket"),
        ("2026-07-28 15:30", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-28 23:59:59.999", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-29 00:00", "UNKNOWN_INSTRUMENT closed expiredContract"),
        ("2026-07-29 10:00", "UNKNOWN_INSTRUMENT normalMarket expiredContract"),
        ("2026-08-01 10:00", "UNKNOWN_INSTRUMENT weekend expiredContract"),
    ])
    func expiryDayAndExpiredContracts(at: String, expected: String) {
        #expect(Self.decide(Self.niftyJulyCall, at) == expected)
    }

    @Test(arguments: [
        ("2026-08-25 15:39:59.999", "allowed normalMarket"),
        ("2026-08-25 15:40", "SESSION_CLOSED closed outsideSession"),
        ("2026-08-26 09:15", "UNKNOWN_INSTRUMENT normalMarket expiredContract"),
    ])
    func expiryDayAfterTheCloseMoved(at: String, expected: String) {
        #expect(Self.decide(Self.niftyAugustCall, at) == expected)
    }

    /// Tue 03-Mar-2026 is Holi: the master carries Mon 02-Mar as the expiry, and the engine takes it as given.
    @Test(arguments: [
        ("2026-03-02 15:29:59.999", "allowed normalMarket"),
        ("2026-03-03 10:00", "UNKNOWN_INSTRUMENT holiday expiredContract"),
        ("2026-03-04 10:00", "UNKNOWN_INSTRUMENT normalMarket expiredContract"),
    ])
    func expiryMovedBeforeAHolidayIsReadFromTheMaster(at: String, expected: String) {
        #expect(Self.decide(F.option(expiry: "2026-03-02", weekly: true), at) == expected)
    }

    @Test func contractsNotYetExpiredAreClosedOnHolidays() {
        #expect(Self.decide(F.option(expiry: "2026-03-10"), "2026-03-03 10:00") == "SESSION_CLOSED holiday holiday")
    }

    @Test func expiredCheckPrecedesEverySessionRule() {
        let amo = Self.decide(Self.niftyJulyCall, "2026-07-29 20:00", F.amoLimit)
        #expect(amo == "UNKNOWN_INSTRUMENT closed expiredContract")
    }
}
