import OMSCore
import Testing

/// After-market orders (tag 5003): held outside hours, released at the next phase that releases held orders and
/// takes the order (pre-open entry for limit/market, normal market for SL and IOC).
struct MarketSessionAfterMarketTests {
    typealias F = SessionFixtures

    static func decide(_ instrument: Instrument, _ at: String, _ order: SessionOrderTraits,
                       _ flags: SessionInstrumentFlags = SessionInstrumentFlags(),
                       engine: MarketSessionEngine = F.shared) -> String {
        F.summary(engine.isTradingAllowed(instrument, at: F.ms(at), order: order, flags: flags))
    }

    static let amoIOC = SessionOrderTraits(orderType: .limit, timeInForce: .ioc, isAfterMarketOrder: true)

    @Test(arguments: [
        ("2026-06-30 20:00", F.amoLimit, "hold 2026-07-01 09:00"),
        ("2026-06-30 20:00", F.amoMarket, "hold 2026-07-01 09:00"),
        ("2026-06-30 20:00", F.amoStop, "hold 2026-07-01 09:15"),
        ("2026-06-30 20:00", amoIOC, "hold 2026-07-01 09:15"),
        ("2026-06-30 20:00", F.limit, "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 08:59:59.999", F.amoLimit, "hold 2026-07-01 09:00"),
        ("2026-07-01 09:00", F.amoLimit, "allowed preOpenEntry"),
        ("2026-07-01 09:00", F.amoStop, "UNSUPPORTED preOpenEntry orderTypeNotAllowed"),
        ("2026-07-01 09:10", F.amoLimit, "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-07-01 10:00", F.amoLimit, "allowed normalMarket"),
        ("2026-07-01 15:35", F.amoLimit, "hold 2026-07-02 09:00"),
        ("2026-07-01 15:45", F.amoMarket, "hold 2026-07-02 09:00"),
        ("2026-07-01 15:45", F.amoLimit, "hold 2026-07-02 09:00"),
        ("2026-07-01 15:45", F.market, "allowed postClose"),
        ("2026-07-01 16:00", F.amoStop, "hold 2026-07-02 09:15"),
        ("2026-07-03 20:00", F.amoLimit, "hold 2026-07-06 09:00"),
        ("2026-07-04 10:00", F.amoLimit, "hold 2026-07-06 09:00"),
        ("2026-07-04 10:00", F.limit, "SESSION_CLOSED weekend weekend"),
        ("2026-01-23 20:00", F.amoLimit, "hold 2026-01-27 09:00"),
        ("2026-01-26 10:00", F.amoLimit, "hold 2026-01-27 09:00"),
        ("2026-01-31 10:00", F.amoLimit, "hold 2026-02-01 09:00"),
        ("2026-09-04 20:00", F.amoMarket, "hold 2026-09-07 09:00"),
        ("2026-09-04 20:00", F.amoStop, "hold 2026-09-07 09:15"),
        ("2024-12-31 20:00", F.amoLimit, "hold 2025-01-01 09:00"),
    ])
    func cashOrdersAreHeldUntilTheNextSessionThatTakesThem(at: String, order: SessionOrderTraits, expected: String) {
        #expect(Self.decide(F.reliance, at, order) == expected)
    }

    @Test(arguments: [
        ("2026-08-03 15:40", F.amoLimit, F.cas, "hold 2026-08-04 09:00"),
        ("2026-08-03 15:32", F.amoLimit, F.cas, "SESSION_NO_ENTRY closingAuctionMatching noEntryPhase"),
        ("2026-08-03 15:55", F.amoMarket, F.cas, "hold 2026-08-04 09:00"),
        ("2026-07-14 20:00", F.amoLimit, F.ipo, "hold 2026-07-15 09:00"),
        ("2026-07-14 20:00", F.amoStop, F.ipo, "hold 2026-07-15 10:00"),
        ("2026-06-30 20:00", F.amoLimit, F.pca, "hold 2026-07-01 09:30"),
        ("2026-07-01 15:30", F.amoLimit, F.pca, "hold 2026-07-02 09:30"),
        ("2026-06-30 20:00", F.amoStop, F.pca, "UNSUPPORTED closed orderTypeNotAllowed"),
    ])
    func variantsReleaseAtTheirOwnOpening(at: String, order: SessionOrderTraits, flags: SessionInstrumentFlags,
                                          expected: String) {
        #expect(Self.decide(F.reliance, at, order, flags) == expected)
    }

    @Test(arguments: [
        ("2026-06-30 20:00", F.amoLimit, SessionInstrumentFlags(), "hold 2026-07-01 09:15"),
        ("2026-06-30 20:00", F.amoLimit, F.futPreOpen, "hold 2026-07-01 09:00"),
        ("2026-07-27 20:00", F.amoLimit, SessionInstrumentFlags(), "hold 2026-07-28 09:15"),
        ("2026-07-28 08:00", F.amoLimit, SessionInstrumentFlags(), "hold 2026-07-28 09:15"),
        ("2026-07-28 15:30", F.amoLimit, SessionInstrumentFlags(), "SESSION_CLOSED closed afterMarketPastExpiry"),
        ("2026-07-28 15:30", F.limit, SessionInstrumentFlags(), "SESSION_CLOSED closed outsideSession"),
    ])
    func derivativesAreHeldOnlyUntilTheirExpiry(at: String, order: SessionOrderTraits, flags: SessionInstrumentFlags,
                                                expected: String) {
        #expect(Self.decide(F.future(expiry: "2026-07-28"), at, order, flags) == expected)
    }

    @Test func fridayExpiryEveningIsNotHeldOverTheWeekend() {
        // Contract expiring Fri 2026-07-03, AMO after its close: the next session is Monday, after expiry.
        #expect(Self.decide(F.option(expiry: "2026-07-03"), "2026-07-03 18:00", F.amoLimit)
            == "SESSION_CLOSED closed afterMarketPastExpiry")
    }

    @Test func noSessionWithinTheHorizonIsRefused() throws {
        let engine = try F.engine(options: .init(afterMarketHorizonDays: 2))
        // Fri evening: Sat and Sun are inside the horizon, Monday is not.
        #expect(Self.decide(F.reliance, "2026-07-03 20:00", F.amoLimit, engine: engine)
            == "SESSION_CLOSED closed noSessionAhead")
        #expect(Self.decide(F.reliance, "2026-07-04 20:00", F.amoLimit, engine: engine) == "hold 2026-07-06 09:00")
    }

    @Test func anUnscheduledHolidayMovesTheRelease() throws {
        let calendar = try F.seededCalendar()
        let engine = try F.engine(holidays: calendar)
        #expect(Self.decide(F.reliance, "2026-01-14 20:00", F.amoLimit, engine: engine) == "hold 2026-01-15 09:00")
        calendar.addHoliday(F.date("2026-01-15"), exchange: .nse, reason: "Municipal Corporation elections")
        #expect(Self.decide(F.reliance, "2026-01-14 20:00", F.amoLimit, engine: engine) == "hold 2026-01-16 09:00")
        // BSE was not closed by this call.
        #expect(Self.decide(F.relianceBSE, "2026-01-14 20:00", F.amoLimit, engine: engine) == "hold 2026-01-15 09:00")
    }
}
