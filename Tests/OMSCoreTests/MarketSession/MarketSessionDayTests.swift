import Foundation
import OMSCore
import Testing

/// Whole simulated days: a manual clock steps minute by minute from 00:00 to 23:59 IST, and the transcript lists
/// each minute at which the decision changes.
struct MarketSessionDayTests {
    typealias F = SessionFixtures

    static func transcript(_ instrument: Instrument, _ date: String, _ order: SessionOrderTraits = F.limit,
                           _ flags: SessionInstrumentFlags = SessionInstrumentFlags(),
                           engine: MarketSessionEngine = F.shared) -> [String] {
        let clock = ManualInstantClock(Date(timeIntervalSince1970: 0))
        let midnight = F.ms("\(date) 00:00")
        var lines: [String] = []
        var last = ""
        for minute in 0..<1440 {
            clock.set(Date(timeIntervalSince1970: Double(midnight + Int64(minute) * 60_000) / 1000))
            let s = F.summary(engine.isTradingAllowed(instrument, order: order, flags: flags, clock: clock))
            if s != last {
                lines.append("\(SessionTime(minuteOfDay: Int16(minute))) \(s)")
                last = s
            }
        }
        return lines
    }

    static let preOpenDay = [
        "00:00 SESSION_CLOSED closed outsideSession",
        "09:00 allowed preOpenEntry",
        "09:08 SESSION_NO_ENTRY preOpenMatching noEntryPhase",
        "09:12 SESSION_NO_ENTRY preOpenBuffer noEntryPhase",
        "09:15 allowed normalMarket",
    ]

    @Test func normalDayBeforeTheClosingAuction() {
        #expect(Self.transcript(F.reliance, "2026-07-01") == Self.preOpenDay + [
            "15:30 SESSION_CLOSED closingPriceCalculation outsideSession",
            "15:40 UNSUPPORTED postClose orderTypeNotAllowed",
            "16:00 SESSION_CLOSED closed outsideSession",
        ])
        #expect(Self.transcript(F.relianceBSE, "2026-07-01", F.market) == Self.preOpenDay + [
            "15:30 SESSION_CLOSED closingPriceCalculation outsideSession",
            "15:40 allowed postClose",
            "16:00 SESSION_CLOSED closed outsideSession",
        ])
        #expect(Self.transcript(F.reliance, "2026-07-01", F.amoLimit) == [
            "00:00 hold 2026-07-01 09:00",
            "09:00 allowed preOpenEntry",
            "09:08 SESSION_NO_ENTRY preOpenMatching noEntryPhase",
            "09:12 SESSION_NO_ENTRY preOpenBuffer noEntryPhase",
            "09:15 allowed normalMarket",
            "15:30 hold 2026-07-02 09:00",
        ])
        #expect(F.shared.dayKind(of: .nseEquity, on: F.date("2026-07-01")) == .regular(label: "equity-2025"))
    }

    @Test func firstDayOfTheClosingAuction() {
        #expect(Self.transcript(F.reliance, "2026-08-03", F.market, F.cas) == Self.preOpenDay + [
            "15:15 SESSION_NO_ENTRY closingAuctionReference noEntryPhase",
            "15:20 allowed closingAuctionEntry",
            "15:25 TOO_LATE closingAuctionEntryLimitOnly orderTypePastCutOff",
            "15:30 SESSION_NO_ENTRY closingAuctionMatching noEntryPhase",
            "15:35 SESSION_CLOSED closingAuctionTransition outsideSession",
            "15:50 allowed postClose",
            "16:00 SESSION_CLOSED closed outsideSession",
        ])
        #expect(F.shared.dayKind(of: .bseEquity, on: F.date("2026-08-03")) == .regular(label: "equity-closing-auction"))
        let phases = F.shared.schedule(for: F.reliance, on: F.date("2026-08-03"), flags: F.cas)
        #expect(phases.map { "\($0.name) \($0.start)-\($0.end)" } == [
            "preOpenEntry 09:00-09:08", "preOpenMatching 09:08-09:12", "preOpenBuffer 09:12-09:15",
            "normalMarket 09:15-15:15", "closingAuctionReference 15:15-15:20", "closingAuctionEntry 15:20-15:25",
            "closingAuctionEntryLimitOnly 15:25-15:30", "closingAuctionMatching 15:30-15:35",
            "closingAuctionTransition 15:35-15:50", "postClose 15:50-16:00",
        ])
    }

    @Test func firstDayOfTheRevisedPreOpen() {
        #expect(Self.transcript(F.reliance, "2026-09-07", F.market) == [
            "00:00 SESSION_CLOSED closed outsideSession",
            "09:00 allowed preOpenEntry",
            "09:05 TOO_LATE preOpenEntryLimitOnly orderTypePastCutOff",
            "09:10 SESSION_NO_ENTRY preOpenMatching noEntryPhase",
            "09:12 SESSION_NO_ENTRY preOpenBuffer noEntryPhase",
            "09:15 allowed normalMarket",
            "15:30 SESSION_CLOSED closingPriceCalculation outsideSession",
            "15:50 allowed postClose",
            "16:00 SESSION_CLOSED closed outsideSession",
        ])
        #expect(F.shared.dayKind(of: .nseEquity, on: F.date("2026-09-07")) == .regular(label: "equity-revised-pre-open"))
    }

    @Test func aDayOfEachDerivativesTimetable() {
        let future = F.future(expiry: "2026-08-25")
        let plain = ["00:00 SESSION_CLOSED closed outsideSession", "09:15 allowed normalMarket"]
        #expect(Self.transcript(future, "2025-12-05", F.limit, F.futPreOpen)
            == plain + ["15:30 SESSION_CLOSED closed outsideSession"])
        #expect(Self.transcript(future, "2025-12-08", F.limit, F.futPreOpen)
            == Self.preOpenDay + ["15:30 SESSION_CLOSED closed outsideSession"])
        #expect(Self.transcript(future, "2026-08-03", F.limit, F.futPreOpen)
            == Self.preOpenDay + ["15:40 SESSION_CLOSED closed outsideSession"])
        #expect(F.shared.dayKind(of: .nseDerivatives, on: F.date("2025-12-05")) == .regular(label: "derivatives-2025"))
        #expect(F.shared.dayKind(of: .bseDerivatives, on: F.date("2026-08-03"))
            == .regular(label: "derivatives-closing-auction"))
    }

    @Test func scheduledHolidayAndWeekend() {
        #expect(Self.transcript(F.reliance, "2026-01-26") == ["00:00 SESSION_CLOSED holiday holiday"])
        #expect(Self.transcript(F.option(expiry: "2026-01-27"), "2026-01-26") == ["00:00 SESSION_CLOSED holiday holiday"])
        #expect(Self.transcript(F.reliance, "2026-01-26", F.amoLimit) == ["00:00 hold 2026-01-27 09:00"])
        #expect(Self.transcript(F.reliance, "2026-07-04") == ["00:00 SESSION_CLOSED weekend weekend"])
        #expect(F.shared.dayKind(of: .nseEquity, on: F.date("2026-01-26")) == .holiday(reason: "Republic Day"))
        #expect(F.shared.dayKind(of: .nseEquity, on: F.date("2026-07-04")) == .weekend)
    }

    /// When DAY orders end: the close of the day's last session for the instrument's market — cash after its
    /// post-close session, F&O at its close (15:30, 15:40 from 2026-08-03) — and no end on a closed day.
    @Test func theTradingDayEndsWithItsLastSession() {
        func end(_ i: Instrument, _ date: String) -> String? {
            F.shared.tradingDayEnd(i, day: F.date(date).daysSinceEpoch).map(F.ist)
        }
        #expect(end(F.reliance, "2026-07-01") == "2026-07-01 16:00")
        #expect(end(F.reliance, "2026-11-26") == "2026-11-26 16:00")
        #expect(end(F.relianceBSE, "2026-11-26") == "2026-11-26 16:00")
        #expect(end(F.jocil, "2026-11-26") == "2026-11-26 16:00")
        #expect(end(F.future(expiry: "2026-12-29"), "2026-07-01") == "2026-07-01 15:30")
        #expect(end(F.future(expiry: "2026-12-29"), "2026-11-26") == "2026-11-26 15:40")
        #expect(end(F.reliance, "2026-01-26") == nil)   // Republic Day
        #expect(end(F.reliance, "2026-07-04") == nil)   // a Saturday
        #expect(end(F.reliance, "2026-02-01") == "2026-02-01 16:00")   // budget Sunday's special session
        #expect(end(F.nifty50, "2026-11-26") == nil)   // an index is not traded
    }

    @Test func budgetSundayRunsARegularDay() {
        #expect(Self.transcript(F.reliance, "2026-02-01", F.market) == Self.preOpenDay + [
            "15:30 SESSION_CLOSED closingPriceCalculation outsideSession",
            "15:40 allowed postClose",
            "16:00 SESSION_CLOSED closed outsideSession",
        ])
        guard case .special = F.shared.dayKind(of: .nseDerivatives, on: F.date("2026-02-01")) else {
            Issue.record("budget day is not special")
            return
        }
    }

    @Test func expiryDay() {
        let future = F.future(expiry: "2026-07-28")
        #expect(Self.transcript(future, "2026-07-28", F.limit, F.futPreOpen)
            == Self.preOpenDay + ["15:30 SESSION_CLOSED closed outsideSession"])
        #expect(Self.transcript(future, "2026-07-28", F.amoLimit) == [
            "00:00 hold 2026-07-28 09:15",
            "09:15 allowed normalMarket",
            "15:30 SESSION_CLOSED closed afterMarketPastExpiry",
        ])
        #expect(Self.transcript(future, "2026-07-29") == [
            "00:00 UNKNOWN_INSTRUMENT closed expiredContract",
            "09:15 UNKNOWN_INSTRUMENT normalMarket expiredContract",
            "15:30 UNKNOWN_INSTRUMENT closed expiredContract",
        ])
    }

    @Test func ipoListingDay() {
        #expect(Self.transcript(F.equity("AURAFIN"), "2026-07-15", F.limit, F.ipo) == [
            "00:00 SESSION_CLOSED closed outsideSession",
            "09:00 allowed specialPreOpenEntry",
            "09:45 SESSION_NO_ENTRY specialPreOpenMatching noEntryPhase",
            "09:55 SESSION_NO_ENTRY specialPreOpenBuffer noEntryPhase",
            "10:00 allowed normalMarket",
            "15:30 SESSION_CLOSED closingPriceCalculation outsideSession",
            "15:40 UNSUPPORTED postClose orderTypeNotAllowed",
            "16:00 SESSION_CLOSED closed outsideSession",
        ])
    }

    @Test func periodicCallAuctionDay() {
        var expected = ["00:00 SESSION_CLOSED closed outsideSession"]
        for hour in 9...14 {
            let h = String(format: "%02d", hour)
            expected += ["\(h):30 allowed callAuctionEntry",
                         "\(String(format: "%02d", hour + 1)):15 SESSION_NO_ENTRY callAuctionMatching noEntryPhase",
                         "\(String(format: "%02d", hour + 1)):23 SESSION_NO_ENTRY callAuctionBuffer noEntryPhase"]
        }
        expected.append("15:30 SESSION_CLOSED closed outsideSession")
        #expect(Self.transcript(F.equity("ILLIQ"), "2026-07-01", F.limit, F.pca) == expected)
    }

    /// Muhurat trading: a Sunday special session with its own phases (times illustrative: the 2026 circular is
    /// not out).
    @Test func muhuratSessionWithItsOwnPhases() throws {
        let muhurat = SpecialSession(date: F.date("2026-11-08"), markets: [.nseEquity], label: "Muhurat trading", phases: [
            .open(.preOpenEntry, "17:45", "17:53", types: [.market, .limit], ioc: false, releasesAMO: true),
            .noEntry(.preOpenMatching, "17:53", "18:00"),
            .open(.normalMarket, "18:00", "19:00", types: .all, ioc: true, releasesAMO: true),
            .open(.postClose, "19:10", "19:20", types: [.market], ioc: false, products: [.cnc], holdsAMO: true),
        ])
        let engine = try F.engine(specials: [muhurat])
        #expect(Self.transcript(F.reliance, "2026-11-08", F.market, engine: engine) == [
            "00:00 SESSION_CLOSED closed outsideSession",
            "17:45 allowed preOpenEntry",
            "17:53 SESSION_NO_ENTRY preOpenMatching noEntryPhase",
            "18:00 allowed normalMarket",
            "19:00 SESSION_CLOSED closed outsideSession",
            "19:10 allowed postClose",
            "19:20 SESSION_CLOSED closed outsideSession",
        ])
        #expect(Self.transcript(F.reliance, "2026-11-07", F.amoLimit, engine: engine) == ["00:00 hold 2026-11-08 17:45"])
        // F&O was not listed in the special session: closed, Sunday.
        #expect(Self.transcript(F.option(expiry: "2026-11-24"), "2026-11-08", engine: engine)
            == ["00:00 SESSION_CLOSED weekend weekend"])
        #expect(engine.dayKind(of: .nseEquity, on: F.date("2026-11-08")) == .special(label: "Muhurat trading"))
    }

    /// 15-Jan-2026 was declared a holiday in January. An AMO held the evening before is released at 09:00, sent
    /// back through the gate, held again for the next day, and entered in the next day's pre-open.
    @Test func unscheduledHolidayAddedAtRunTime() throws {
        let calendar = try F.seededCalendar()
        let engine = try F.engine(holidays: calendar)
        let clock = ManualInstantClock(Date(timeIntervalSince1970: Double(F.ms("2026-01-14 20:00")) / 1000))
        var queue = AfterMarketQueue<String>()
        func gate(_ id: String) -> SessionDecision {
            engine.isTradingAllowed(F.reliance, order: F.amoLimit, clock: clock)
        }
        let held = queue.hold("amo-1", per: gate("amo-1"))
        #expect(held)
        #expect(queue.nextReleaseAt == F.ms("2026-01-15 09:00"))

        clock.set(Date(timeIntervalSince1970: Double(F.ms("2026-01-15 08:00")) / 1000))
        calendar.addHoliday(F.date("2026-01-15"), exchange: .nse, reason: "Municipal Corporation elections")
        #expect(engine.dayKind(of: .nseEquity, on: F.date("2026-01-15"))
            == .holiday(reason: "Municipal Corporation elections"))
        let early = queue.release(clock: clock)
        #expect(early.isEmpty)

        clock.advance(by: 3600)
        let released = queue.release(clock: clock)
        #expect(released == ["amo-1"])
        for id in released {
            let again = queue.hold(id, per: gate(id))
            #expect(again)
        }
        #expect(queue.nextReleaseAt == F.ms("2026-01-16 09:00"))
        #expect(Self.transcript(F.reliance, "2026-01-15", engine: engine) == ["00:00 SESSION_CLOSED holiday holiday"])

        clock.set(Date(timeIntervalSince1970: Double(F.ms("2026-01-16 09:00")) / 1000))
        let next = queue.release(clock: clock)
        #expect(next == ["amo-1"])
        #expect(gate("amo-1") == .allowed(phase: .preOpenEntry))
        #expect(queue.isEmpty)
    }
}
