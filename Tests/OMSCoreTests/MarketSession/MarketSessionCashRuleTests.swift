import OMSCore
import Testing

/// Every cash-segment rule at both sides of each boundary. Convention: a phase includes its start minute and
/// excludes its end minute, so `HH:mm:00.000` is in the later phase and `HH:mm-1:59.999` in the earlier one.
struct MarketSessionCashRuleTests {
    typealias F = SessionFixtures

    static let orders: [String: SessionOrderTraits] = [
        "limit": F.limit, "market": F.market, "stop": F.stop, "stopLimit": F.stopLimit, "limitIOC": F.limitIOC,
        "marketMIS": SessionOrderTraits(orderType: .market, product: .mis),
        "limitMIS": SessionOrderTraits(orderType: .limit, product: .mis),
        "limitMTF": SessionOrderTraits(orderType: .limit, product: .mtf),
    ]
    static let flags: [String: SessionInstrumentFlags] = [
        "": SessionInstrumentFlags(), "cas": F.cas, "ipo": F.ipo, "pca": F.pca,
        "pca+cas": SessionInstrumentFlags(isCASEligible: true, isPeriodicCallAuction: true),
    ]

    static func decide(_ at: String, _ order: String, _ flag: String = "",
                       instrument: Instrument = F.reliance) throws -> String {
        let engine = F.shared
        return F.summary(engine.isTradingAllowed(instrument, at: F.ms(at), order: orders[order]!, flags: flags[flag]!))
    }

    /// 2026-07-01 (Wednesday), timetable equity-2025 (before CAS).
    @Test(arguments: [
        ("2026-07-01 08:59:59.999", "limit", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 09:00", "limit", "allowed preOpenEntry"),
        ("2026-07-01 09:00", "market", "allowed preOpenEntry"),
        ("2026-07-01 09:00", "stop", "UNSUPPORTED preOpenEntry orderTypeNotAllowed"),
        ("2026-07-01 09:00", "stopLimit", "UNSUPPORTED preOpenEntry orderTypeNotAllowed"),
        ("2026-07-01 09:00", "limitIOC", "UNSUPPORTED preOpenEntry timeInForceNotAllowed"),
        ("2026-07-01 09:07:59.999", "market", "allowed preOpenEntry"),
        ("2026-07-01 09:08", "limit", "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-07-01 09:11:59.999", "limit", "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-07-01 09:12", "limit", "SESSION_NO_ENTRY preOpenBuffer noEntryPhase"),
        ("2026-07-01 09:14:59.999", "market", "SESSION_NO_ENTRY preOpenBuffer noEntryPhase"),
        ("2026-07-01 09:15", "stop", "allowed normalMarket"),
        ("2026-07-01 09:15", "stopLimit", "allowed normalMarket"),
        ("2026-07-01 09:15", "limitIOC", "allowed normalMarket"),
        ("2026-07-01 15:29:59.999", "market", "allowed normalMarket"),
        ("2026-07-01 15:30", "limit", "SESSION_CLOSED closingPriceCalculation outsideSession"),
        ("2026-07-01 15:39:59.999", "market", "SESSION_CLOSED closingPriceCalculation outsideSession"),
        ("2026-07-01 15:40", "market", "allowed postClose"),
        ("2026-07-01 15:40", "limit", "UNSUPPORTED postClose orderTypeNotAllowed"),
        ("2026-07-01 15:40", "marketMIS", "PRODUCT_NOT_ALLOWED postClose productNotAllowed"),
        ("2026-07-01 15:59:59.999", "market", "allowed postClose"),
        ("2026-07-01 16:00", "market", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-31 15:29:59.999", "market", "allowed normalMarket"),
    ])
    func regularDayBeforeTheClosingAuction(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order) == expected)
        // The CAS flag changes nothing before 2026-08-03.
        #expect(try Self.decide(at, order, "cas") == expected)
    }

    /// 2026-08-03 (Monday): CAS goes live for CAS-eligible stocks.
    @Test(arguments: [
        ("2026-08-03 15:14:59.999", "market", "allowed normalMarket"),
        ("2026-08-03 15:14:59.999", "stop", "allowed normalMarket"),
        ("2026-08-03 15:15", "limit", "SESSION_NO_ENTRY closingAuctionReference noEntryPhase"),
        ("2026-08-03 15:19:59.999", "limit", "SESSION_NO_ENTRY closingAuctionReference noEntryPhase"),
        ("2026-08-03 15:20", "market", "allowed closingAuctionEntry"),
        ("2026-08-03 15:20", "limit", "allowed closingAuctionEntry"),
        ("2026-08-03 15:20", "stop", "UNSUPPORTED closingAuctionEntry orderTypeNotAllowed"),
        ("2026-08-03 15:20", "stopLimit", "UNSUPPORTED closingAuctionEntry orderTypeNotAllowed"),
        ("2026-08-03 15:20", "limitIOC", "UNSUPPORTED closingAuctionEntry timeInForceNotAllowed"),
        ("2026-08-03 15:24:59.999", "market", "allowed closingAuctionEntry"),
        ("2026-08-03 15:25", "market", "TOO_LATE closingAuctionEntryLimitOnly orderTypePastCutOff"),
        ("2026-08-03 15:25", "limit", "allowed closingAuctionEntryLimitOnly"),
        ("2026-08-03 15:25", "stopLimit", "UNSUPPORTED closingAuctionEntryLimitOnly orderTypeNotAllowed"),
        ("2026-08-03 15:25", "limitIOC", "UNSUPPORTED closingAuctionEntryLimitOnly timeInForceNotAllowed"),
        ("2026-08-03 15:29:59.999", "limit", "allowed closingAuctionEntryLimitOnly"),
        ("2026-08-03 15:30", "limit", "SESSION_NO_ENTRY closingAuctionMatching noEntryPhase"),
        ("2026-08-03 15:34:59.999", "limit", "SESSION_NO_ENTRY closingAuctionMatching noEntryPhase"),
        ("2026-08-03 15:35", "market", "SESSION_CLOSED closingAuctionTransition outsideSession"),
        ("2026-08-03 15:49:59.999", "market", "SESSION_CLOSED closingAuctionTransition outsideSession"),
        ("2026-08-03 15:50", "market", "allowed postClose"),
        ("2026-08-03 16:00", "market", "SESSION_CLOSED closed outsideSession"),
        ("2026-08-03 09:07:59.999", "market", "allowed preOpenEntry"),
        ("2026-08-03 09:08", "limit", "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-09-04 09:07", "market", "allowed preOpenEntry"),
        ("2026-09-07 15:25", "market", "TOO_LATE closingAuctionEntryLimitOnly orderTypePastCutOff"),
    ])
    func closingAuctionForCASEligibleStocks(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order, "cas") == expected)
    }

    /// Non-CAS securities once CAS is live: CTS to 15:30, VWAP close, post-close from 15:50.
    @Test(arguments: [
        ("2026-08-03 15:20", "market", "allowed normalMarket"),
        ("2026-08-03 15:29:59.999", "stop", "allowed normalMarket"),
        ("2026-08-03 15:30", "market", "SESSION_CLOSED closingPriceCalculation outsideSession"),
        ("2026-08-03 15:40", "market", "SESSION_CLOSED closingPriceCalculation outsideSession"),
        ("2026-08-03 15:49:59.999", "market", "SESSION_CLOSED closingPriceCalculation outsideSession"),
        ("2026-08-03 15:50", "market", "allowed postClose"),
    ])
    func nonCASSecuritiesKeepTheContinuousSessionTo1530(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order) == expected)
        // Trade-for-trade series never enter CAS, whatever the flag says.
        #expect(try Self.decide(at, order, "cas", instrument: F.jocil) == expected)
    }

    /// 2026-09-07 (Monday): revised pre-open.
    @Test(arguments: [
        ("2026-09-07 08:59:59.999", "limit", "SESSION_CLOSED closed outsideSession"),
        ("2026-09-07 09:00", "market", "allowed preOpenEntry"),
        ("2026-09-07 09:04:59.999", "market", "allowed preOpenEntry"),
        ("2026-09-07 09:05", "market", "TOO_LATE preOpenEntryLimitOnly orderTypePastCutOff"),
        ("2026-09-07 09:05", "limit", "allowed preOpenEntryLimitOnly"),
        ("2026-09-07 09:05", "stop", "UNSUPPORTED preOpenEntryLimitOnly orderTypeNotAllowed"),
        ("2026-09-07 09:05", "limitIOC", "UNSUPPORTED preOpenEntryLimitOnly timeInForceNotAllowed"),
        ("2026-09-07 09:09:59.999", "limit", "allowed preOpenEntryLimitOnly"),
        ("2026-09-07 09:10", "limit", "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-09-07 09:11:59.999", "limit", "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
        ("2026-09-07 09:12", "limit", "SESSION_NO_ENTRY preOpenBuffer noEntryPhase"),
        ("2026-09-07 09:15", "market", "allowed normalMarket"),
        ("2026-09-04 09:08", "limit", "SESSION_NO_ENTRY preOpenMatching noEntryPhase"),
    ])
    func revisedPreOpen(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order) == expected)
    }

    /// IPO listing / relisting day 0: special pre-open 09:00–10:00.
    @Test(arguments: [
        ("2026-07-15 08:59:59.999", "limit", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-15 09:00", "limit", "allowed specialPreOpenEntry"),
        ("2026-07-15 09:00", "market", "allowed specialPreOpenEntry"),
        ("2026-07-15 09:00", "stop", "UNSUPPORTED specialPreOpenEntry orderTypeNotAllowed"),
        ("2026-07-15 09:00", "limitIOC", "UNSUPPORTED specialPreOpenEntry timeInForceNotAllowed"),
        ("2026-07-15 09:15", "limit", "allowed specialPreOpenEntry"),
        ("2026-07-15 09:44:59.999", "limit", "allowed specialPreOpenEntry"),
        ("2026-07-15 09:45", "limit", "SESSION_NO_ENTRY specialPreOpenMatching noEntryPhase"),
        ("2026-07-15 09:54:59.999", "limit", "SESSION_NO_ENTRY specialPreOpenMatching noEntryPhase"),
        ("2026-07-15 09:55", "limit", "SESSION_NO_ENTRY specialPreOpenBuffer noEntryPhase"),
        ("2026-07-15 09:59:59.999", "limit", "SESSION_NO_ENTRY specialPreOpenBuffer noEntryPhase"),
        ("2026-07-15 10:00", "stop", "allowed normalMarket"),
        ("2026-07-15 15:40", "market", "allowed postClose"),
        ("2026-09-08 09:05", "market", "allowed specialPreOpenEntry"),
    ])
    func specialPreOpenOnIPODay(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order, "ipo") == expected)
    }

    /// Illiquid securities: hourly call auctions 09:30–15:30 and nothing else.
    @Test(arguments: [
        ("2026-07-01 09:00", "limit", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 09:29:59.999", "limit", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 09:30", "limit", "allowed callAuctionEntry"),
        ("2026-07-01 09:30", "market", "allowed callAuctionEntry"),
        ("2026-07-01 09:30", "stop", "UNSUPPORTED callAuctionEntry orderTypeNotAllowed"),
        ("2026-07-01 09:30", "limitIOC", "UNSUPPORTED callAuctionEntry timeInForceNotAllowed"),
        ("2026-07-01 10:14:59.999", "limit", "allowed callAuctionEntry"),
        ("2026-07-01 10:15", "limit", "SESSION_NO_ENTRY callAuctionMatching noEntryPhase"),
        ("2026-07-01 10:22:59.999", "limit", "SESSION_NO_ENTRY callAuctionMatching noEntryPhase"),
        ("2026-07-01 10:23", "limit", "SESSION_NO_ENTRY callAuctionBuffer noEntryPhase"),
        ("2026-07-01 10:30", "limit", "allowed callAuctionEntry"),
        ("2026-07-01 14:30", "limit", "allowed callAuctionEntry"),
        ("2026-07-01 15:15", "limit", "SESSION_NO_ENTRY callAuctionMatching noEntryPhase"),
        ("2026-07-01 15:29:59.999", "limit", "SESSION_NO_ENTRY callAuctionBuffer noEntryPhase"),
        ("2026-07-01 15:30", "limit", "SESSION_CLOSED closed outsideSession"),
        ("2026-07-01 15:45", "market", "SESSION_CLOSED closed outsideSession"),
    ])
    func periodicCallAuction(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order, "pca") == expected)
    }

    @Test func periodicCallAuctionWinsOverTheClosingAuction() throws {
        #expect(try Self.decide("2026-08-03 15:20", "limit", "pca+cas")
            == "SESSION_NO_ENTRY callAuctionMatching noEntryPhase")
    }

    @Test(arguments: [
        ("2026-07-01 10:00", "limitMIS", "PRODUCT_NOT_ALLOWED normalMarket tradeForTradeDeliveryOnly"),
        ("2026-07-01 10:00", "limitMTF", "PRODUCT_NOT_ALLOWED normalMarket tradeForTradeDeliveryOnly"),
        ("2026-07-01 10:00", "limit", "allowed normalMarket"),
        ("2026-01-26 10:00", "limitMIS", "PRODUCT_NOT_ALLOWED holiday tradeForTradeDeliveryOnly"),
        ("2026-07-01 09:00", "limit", "allowed preOpenEntry"),
    ])
    func tradeForTradeSeriesTakeDeliveryOrdersOnly(at: String, order: String, expected: String) throws {
        #expect(try Self.decide(at, order, instrument: F.jocil) == expected)
    }

    @Test func bseTradeForTradeGroupsAndOptions() throws {
        let engine = try F.engine()
        let at = F.ms("2026-07-01 10:00")
        let mis = SessionOrderTraits(orderType: .limit, product: .mis)
        let mtf = SessionOrderTraits(orderType: .limit, product: .mtf)
        for series in ["T", "XT"] {
            let i = F.equity("ABC", series: series, segment: .bseEQ)
            #expect(engine.isTradingAllowed(i, at: at, order: mis).rejection?.rule == .tradeForTradeDeliveryOnly)
        }
        #expect(engine.isTradingAllowed(F.equity("ABC", series: "A", segment: .bseEQ), at: at, order: mis).isAllowed)
        let lenient = try F.engine(options: .init(allowMTFOnTradeForTrade: true))
        #expect(lenient.isTradingAllowed(F.jocil, at: at, order: mtf).isAllowed)
        #expect(lenient.isTradingAllowed(F.jocil, at: at, order: mis).rejection?.rule == .tradeForTradeDeliveryOnly)
        let off = try F.engine(options: .init(enforceTradeForTradeDeliveryOnly: false))
        #expect(off.isTradingAllowed(F.jocil, at: at, order: mis).isAllowed)
    }

    @Test func tradeForTradeSeriesAgreeWithTheInstrumentMaster() {
        for series in ["EQ", "BE", "BZ", "ST", "SZ", "SM", "GB"] {
            let i = F.equity("X", series: series)
            #expect(MarketSessionEngine.isTradeForTradeSeries(i) == i.isTradeForTrade)
        }
    }

    @Test(arguments: [
        ("2026-01-26 10:00", "SESSION_CLOSED holiday holiday"),
        ("2026-12-25 09:00", "SESSION_CLOSED holiday holiday"),
        ("2026-07-04 10:00", "SESSION_CLOSED weekend weekend"),
        ("2026-07-05 10:00", "SESSION_CLOSED weekend weekend"),
        ("2026-02-01 09:00", "allowed preOpenEntry"),
        ("2026-02-01 10:00", "allowed normalMarket"),
        ("2024-12-31 10:00", "SESSION_CLOSED closed noTimetable"),
        ("2026-01-15 10:00", "allowed normalMarket"),
    ])
    func holidaysWeekendsAndSpecialSessions(at: String, expected: String) throws {
        #expect(try Self.decide(at, "limit") == expected)
        #expect(try Self.decide(at, "limit", instrument: F.relianceBSE) == expected)
    }

    @Test func indicesAreNotTradable() throws {
        #expect(try Self.decide("2026-07-01 10:00", "limit", instrument: F.nifty50)
            == "UNSUPPORTED closed unsupportedSegment")
    }

    @Test func rejectionTextNamesCodePhaseExchangeAndTime() throws {
        let engine = try F.engine()
        let d = engine.isTradingAllowed(F.reliance, at: F.ms("2026-07-01 09:09"), order: F.limit)
        #expect(d.description
            == "SESSION_NO_ENTRY: phase=preOpenMatching exchange=NSE segment=EQ date=2026-07-01 time=09:09 IST rule=noEntryPhase")
        let index = engine.isTradingAllowed(F.nifty50, at: F.ms("2026-07-01 09:09"), order: F.limit)
        #expect(index.description
            == "UNSUPPORTED: segment NSE_INDEX is not tradable (an index) date=2026-07-01 time=09:09 IST rule=unsupportedSegment")
        #expect(SessionDecision.allowed(phase: .normalMarket).description == "ALLOWED: phase=normalMarket")
        #expect(SessionDecision.holdAfterMarket(releaseAt: F.ms("2026-07-02 09:00")).description
            == "HOLD_AMO: releaseAt=2026-07-02 09:00:00.000 IST")
    }

    @Test func everyRuleHasAStableCode() {
        let codes = Dictionary(uniqueKeysWithValues: SessionRule.allCases.map { ($0, $0.code.rawValue) })
        #expect(codes[.expiredContract] == "UNKNOWN_INSTRUMENT")
        #expect(codes[.noEntryPhase] == "SESSION_NO_ENTRY")
        #expect(codes[.orderTypePastCutOff] == "TOO_LATE")
        #expect(codes[.timeInForceNotAllowed] == "UNSUPPORTED")
        #expect(codes[.holiday] == "SESSION_CLOSED")
        #expect(Set(codes.values) == Set(SessionRejectCode.allCases.map(\.rawValue)))
    }
}
