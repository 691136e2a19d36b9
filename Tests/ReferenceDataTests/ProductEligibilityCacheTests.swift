import Foundation
import GRDB
import OMSCore
import NIOConcurrencyHelpers
import Testing
@testable import ReferenceData

@Suite struct ProductEligibilityCacheTests {
    static let demo01 = ClientID("DEMO01")  // CNC, MIS, MTF, NRML
    static let demo02 = ClientID("DEMO02")  // CNC only

    func reason(_ r: Result<ProductTerms, ProductDenial>) -> IneligibilityReason? {
        if case .failure(let d) = r { return d.reason }
        return nil
    }

    @Test func productsFollowTheListsSeriesSurveillanceIPOAndClientPermissions() async throws {
        let ws = try TempWorkspace()
        let service = try await seededService(ws)
        let e = service.eligibility
        let reliance = InstrumentKey("NSE_EQ|INE002A01018")
        #expect(e.eligibleProducts(client: Self.demo01, instrument: reliance) == [.cnc, .mis, .mtf])
        #expect(try e.check(client: Self.demo01, instrument: reliance, product: .mis).get()
                == ProductTerms(product: .mis, marginPercent: Rate(whole: 20), leverage: Rate(whole: 5)))
        #expect(try e.check(client: Self.demo01, instrument: reliance, product: .mtf).get()
                == ProductTerms(product: .mtf, marginPercent: Rate("26.5")))
        #expect(reason(e.check(client: Self.demo01, instrument: reliance, product: .nrml)) == .notApplicable)
        #expect(reason(e.check(client: Self.demo02, instrument: reliance, product: .mis)) == .clientNotPermitted)
        #expect(reason(e.check(client: ClientID("NOBODY"), instrument: reliance, product: .cnc)) == .unknownClient)
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_EQ|NOPE"), product: .cnc)) == .unknownInstrument)
        // JOCIL: BE series (trade for trade).
        let jocil = InstrumentKey("NSE_EQ|INE839G01010")
        #expect(e.eligibleProducts(client: Self.demo01, instrument: jocil) == [.cnc])
        #expect(reason(e.check(client: Self.demo01, instrument: jocil, product: .mis)) == .tradeForTrade)
        // BSE T group is T2T too.
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("BSE_EQ|INE839G01010"), product: .mis)) == .tradeForTrade)
        // IDEA: on ST-ASM today.
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_EQ|INE669E01016"), product: .mis)) == .surveillance)
        // AURAFIN lists today; KESARPOWER relists today.
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_EQ|INE0AUR01014"), product: .mis)) == .ipoOrRelistingDay)
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_EQ|INE0KSP01016"), product: .mtf)) == .ipoOrRelistingDay)
        // RCOM: suspended by the broker.
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_EQ|INE330H01018"), product: .cnc)) == .suspended)
        // YESBANK: MIS list, not MTF list.
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_EQ|INE528G01035"), product: .mtf)) == .notInMTFList)
        // Derivatives: NRML and MIS; index: nothing.
        let fut = InstrumentKey("NSE_FO|52101")
        #expect(e.eligibleProducts(client: Self.demo01, instrument: fut) == [.mis, .nrml])
        #expect(reason(e.check(client: Self.demo01, instrument: fut, product: .cnc)) == .notApplicable)
        #expect(reason(e.check(client: Self.demo01, instrument: InstrumentKey("NSE_INDEX|Nifty 50"), product: .nrml)) == .notTradable)
        if case .failure(let denial) = e.check(client: Self.demo01, instrument: jocil, product: .mis) {
            #expect(denial.description == "NOT_ELIGIBLE: product=MIS instrument=NSE_EQ|INE839G01010 client=DEMO01 reason=TRADE_FOR_TRADE")
        } else {
            Issue.record("JOCIL MIS should be denied")
        }
    }

    /// The day after the seeded surveillance list (dated 2026-11-25), before that day's list arrives, the latest
    /// list still applies: IDEA stays refused MIS (it was treated as clear). A list dated later does not apply.
    @Test func theLatestSurveillanceListAppliesUntilTheNextArrives() async throws {
        let ws = try TempWorkspace()
        _ = try await seededService(ws)
        let idea = InstrumentKey("NSE_EQ|INE669E01016")
        let nov25 = ISTCalendar.day(year: 2026, month: 11, day: 25)
        for (day, expected) in [(nov25 + 1, IneligibilityReason?.some(.surveillance)), (nov25 + 3, .surveillance), (nov25 - 1, nil)] {
            let snapshot = try await ws.pool.read { db in
                try EligibilitySnapshot.build(db, tradingDay: day, builtAt: Date(), defaultClientProducts: nil)
            }
            #expect(reason(snapshot.check(client: Self.demo01, instrument: idea, product: .mis)) == expected, "day \(day)")
        }
    }

    @Test func theSchedulerRebuildsAt0600ISTWithAManualClock() async throws {
        let ws = try TempWorkspace()
        // 2026-11-25 05:59:00 IST.
        let clock = ManualInstantClock(Date(timeIntervalSince1970: 1_795_570_200 - 3660))
        let service = try await seededService(ws, clock: clock)
        let aura = InstrumentKey("NSE_EQ|INE0AUR01014")
        let scheduler = service.makeDailyScheduler()
        let six = Date(timeIntervalSince1970: 1_795_570_200 - 3600)  // 06:00 IST = 00:30 UTC
        #expect(scheduler.nextRunAt == six)
        #expect(await scheduler.tick() == false)
        clock.advance(by: 59)
        #expect(await scheduler.tick() == false)
        clock.advance(by: 1)
        #expect(await scheduler.tick() == true)
        #expect(scheduler.runCount == 1)
        #expect(scheduler.nextRunAt == six.addingTimeInterval(86_400))
        #expect(service.eligibility.snapshot.tradingDay == ISTCalendar.day(year: 2026, month: 11, day: 25))
        #expect(reason(service.eligibility.check(client: Self.demo01, instrument: aura, product: .mis)) == .ipoOrRelistingDay)
        // Later the same day: nothing. Next morning: the listing day is over, MIS is judged by the MIS list.
        clock.advance(by: 12 * 3600)
        #expect(await scheduler.tick() == false)
        clock.set(six.addingTimeInterval(86_400))
        #expect(await scheduler.tick() == true)
        #expect(service.eligibility.snapshot.tradingDay == ISTCalendar.day(year: 2026, month: 11, day: 26))
        #expect(reason(service.eligibility.check(client: Self.demo01, instrument: aura, product: .mis)) == .notInMISList)
        // A process that was down for three days runs once, then waits for the next 06:00.
        clock.set(six.addingTimeInterval(4 * 86_400 + 7200))
        #expect(await scheduler.tick() == true)
        #expect(await scheduler.tick() == false)
        #expect(scheduler.nextRunAt == six.addingTimeInterval(5 * 86_400))
    }

    /// A rebuild that fails is tried again a minute later, not only the next morning (the day's eligibility
    /// rested on yesterday's until then).
    @Test func aFailedRebuildIsTriedAgainAMinuteLater() async throws {
        let six = Date(timeIntervalSince1970: 1_795_570_200 - 3600)   // 2026-11-25 06:00 IST
        let clock = ManualInstantClock(six.addingTimeInterval(-1))
        struct Broken: Error {}
        let failures = NIOLockedValueBox(1)
        let scheduler = DailyRebuildScheduler(clock: clock) { _ in
            if failures.withLockedValue({ f in defer { f -= 1 }; return f > 0 }) { throw Broken() }
        }
        clock.advance(by: 1)
        #expect(await scheduler.tick() == true)
        #expect(scheduler.lastError != nil && scheduler.nextRunAt == six.addingTimeInterval(60))
        clock.advance(by: 60)
        #expect(await scheduler.tick() == true)
        #expect(scheduler.lastError == nil && scheduler.runCount == 2)
        #expect(scheduler.nextRunAt == six.addingTimeInterval(86_400))
    }

    /// The machine's clock says 24-Nov, the exchange clock (simulated) 25-Nov: once the server hands the service
    /// its exchange clock, the eligibility cache and the session flags are the exchange day's — then, after a
    /// load's refresh, and at the exchange clock's 06:00 (AURAFIN lists on 25-Nov: MIS refused, special pre-open).
    @Test func theTradingDayIsTheExchangeClocksNotTheMachines() async throws {
        let ws = try TempWorkspace()
        let machine = ManualInstantClock(Fixtures.nov25At0700.addingTimeInterval(-86_400))
        let service = try await seededService(ws, clock: machine)
        let aura = InstrumentKey("NSE_EQ|INE0AUR01014")
        let nov24 = ISTCalendar.day(year: 2026, month: 11, day: 24)
        #expect(service.eligibility.snapshot.tradingDay == nov24)
        #expect(!service.sessionFlags.current.flags(for: aura).isIPOOrRelistingDay0)
        let exchange = ManualInstantClock(Fixtures.nov25At0700)
        try await service.useTradingClock(exchange)
        func onListingDay() {
            #expect(service.eligibility.snapshot.tradingDay == nov24 + 1)
            #expect(reason(service.eligibility.check(client: Self.demo01, instrument: aura, product: .mis)) == .ipoOrRelistingDay)
            #expect(service.sessionFlags.current.flags(for: aura).isIPOOrRelistingDay0)
        }
        onListingDay()
        try await service.refresh()   // what every load does
        onListingDay()
        // The daily rebuild follows the exchange clock: its next 06:00 is the 26th's.
        let scheduler = service.makeDailyScheduler()
        #expect(scheduler.nextRunAt == Date(timeIntervalSince1970: 1_795_570_200 - 3600 + 86_400))
        exchange.advance(by: 86_400)
        #expect(await scheduler.tick() == true)
        #expect(service.eligibility.snapshot.tradingDay == nov24 + 2)
        #expect(!service.sessionFlags.current.flags(for: aura).isIPOOrRelistingDay0)
    }

    @Test func nextRunIsComputedInIST() {
        func d(_ s: TimeInterval) -> Date { Date(timeIntervalSince1970: s) }
        let sixIST = 1_795_570_200.0 - 3600  // 2026-11-25 06:00 IST
        #expect(DailyRebuildScheduler.nextRun(after: d(sixIST - 1)) == d(sixIST))
        #expect(DailyRebuildScheduler.nextRun(after: d(sixIST)) == d(sixIST + 86_400))
        // 23:00 UTC on the 24th is 04:30 IST on the 25th.
        #expect(DailyRebuildScheduler.nextRun(after: d(sixIST - 5400)) == d(sixIST))
        #expect(DailyRebuildScheduler.nextRun(after: d(sixIST), hour: 15, minute: 45) == d(sixIST + 9.75 * 3600))
    }

    @Test func lookupsDuringRebuildsSeeOneWholeSnapshotAndNeverWait() async throws {
        let ws = try TempWorkspace()
        let service = try await seededService(ws)
        let e = service.eligibility
        let reliance = InstrumentKey("NSE_EQ|INE002A01018")
        let stop = ManagedFlag()
        let lookups = Task.detached { () -> (Int, Int) in
            var n = 0, bad = 0
            while !stop.isSet {
                // Either snapshot (MIS allowed, or MIS switched off for the whole market) — never a half-built one.
                let products = e.eligibleProducts(client: ProductEligibilityCacheTests.demo01, instrument: reliance)
                if products != [.cnc, .mis, .mtf] && products != [.cnc, .mtf] { bad += 1 }
                n += 1
            }
            return (n, bad)
        }
        for k in 0..<10 {
            try await ws.pool.write { db in
                try db.execute(sql: k % 2 == 0 ? "UPDATE instruments SET intraday_margin = NULL, intraday_leverage = NULL"
                                                : "UPDATE instruments SET intraday_margin = 20, intraday_leverage = 5 WHERE segment = 'NSE_EQ' AND instrument_type = 'EQ'")
            }
            try await e.rebuild(from: ws.pool, now: Fixtures.nov25At0700)
        }
        stop.set()
        let (n, bad) = await lookups.value
        #expect(n > 1000)
        #expect(bad == 0)
    }
}

/// A flag set once, read from another task.
final class ManagedFlag: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// The session engine's per-day facts from the reference data (`SessionFlagsTable`).
@Suite struct SessionFlagsTableTests {
    @Test func flagsComeFromDerivativesListingsSurveillanceAndExpiries() async throws {
        let ws = try TempWorkspace()
        let service = try await seededService(ws)
        let nov25 = ISTCalendar.day(year: 2026, month: 11, day: 25)
        try await service.rebuildSessionFlags(tradingDay: nov25)
        let t = service.sessionFlags.current
        // RELIANCE has a future: the closing auction applies; SBIN's cash line has none in the demo master.
        #expect(t.flags(for: InstrumentKey("NSE_EQ|INE002A01018")).isCASEligible)
        #expect(!t.flags(for: InstrumentKey("NSE_EQ|INE839G01010")).isCASEligible)   // JOCIL
        // AURAFIN lists on 25-Nov: the special pre-open.
        #expect(t.flags(for: InstrumentKey("NSE_EQ|INE0AUR01014")).isIPOOrRelistingDay0)
        // NIFTY futures: the nearest (29-Dec) takes part in the pre-open, the next (Jan) not yet.
        #expect(t.flags(for: InstrumentKey("NSE_FO|52101")).isFuturesPreOpenEligible)
        #expect(!t.flags(for: InstrumentKey("NSE_FO|52102")).isFuturesPreOpenEligible)
        // In the last days before the nearest expires, the next month joins.
        try await service.rebuildSessionFlags(tradingDay: ISTCalendar.day(year: 2026, month: 12, day: 24))
        #expect(service.sessionFlags.current.flags(for: InstrumentKey("NSE_FO|52102")).isFuturesPreOpenEligible)
        // ESM stage II: the periodic call auction (the demo list has BLBLIMITED at stage I only).
        let blb = try await ws.pool.read { db in
            try String.fetchOne(db, sql: "SELECT instrument_key FROM surveillance_list WHERE framework = 'ESM'")
        }
        let key = try #require(blb)
        try await service.rebuildSessionFlags(tradingDay: nov25)
        #expect(!service.sessionFlags.current.flags(for: InstrumentKey(key)).isPeriodicCallAuction)
        try await ws.pool.write { db in try db.execute(sql: "UPDATE surveillance_list SET stage = 'II' WHERE instrument_key = ?", arguments: [key]) }
        try await service.rebuildSessionFlags(tradingDay: nov25 + 1)
        #expect(service.sessionFlags.current.flags(for: InstrumentKey(key)).isPeriodicCallAuction)
    }
}

/// The trading holidays the reference data holds reach the session engine's calendar at every refresh.
@Suite struct ReferenceHolidayTests {
    @Test func tradingHolidaysInTheDatabaseJoinTheCalendarAtEachRefresh() async throws {
        let ws = try TempWorkspace()
        let calendar = HolidayCalendar()
        let service = ReferenceDataService(writer: ws.pool, clock: ManualInstantClock(Fixtures.nov25At0700), holidays: calendar)
        _ = try await ReferenceDataSeeder.seedIfEmpty(service.loader, directory: Fixtures.seedsDirectory)
        try await service.refresh()
        let jan15 = TradingDate(iso: "2026-01-15")!
        #expect(calendar.holiday(on: jan15, market: .nseEquity) != nil && calendar.holiday(on: jan15, market: .nseDerivatives) != nil)
        // A holiday loaded later (the next year's file, a short-notice closure) takes effect at the next refresh.
        let closure = TradingDate(iso: "2027-03-10")!
        #expect(calendar.holiday(on: closure, market: .bseEquity) == nil)
        try await ws.pool.write { db in
            try db.execute(sql: """
                INSERT INTO exchange_holidays (holiday_date, exchange, holiday_type, description)
                VALUES ('2027-03-10', 'BSE', 'TRADING_HOLIDAY', 'Short-notice closure'), ('2027-03-11', 'BSE', 'SETTLEMENT_HOLIDAY', 'x')
                """)
        }
        try await service.refresh()
        #expect(calendar.holiday(on: closure, market: .bseEquity)?.reason == "Short-notice closure")
        #expect(calendar.holiday(on: TradingDate(iso: "2027-03-11")!, market: .bseEquity) == nil)   // settlement only
        // Moved in a corrected file: the old date opens again (it stayed closed until a restart); a holiday put in by
        // other means (the seeds' session files, a short-notice `addHoliday`) is kept.
        let announced = TradingDate(iso: "2027-03-12")!
        calendar.addHoliday(announced, exchange: .bse, reason: "announced")
        try await ws.pool.write { db in
            try db.execute(sql: "UPDATE exchange_holidays SET holiday_date = '2027-03-09' WHERE holiday_date = '2027-03-10'")
        }
        try await service.refresh()
        #expect(calendar.holiday(on: closure, market: .bseEquity) == nil)
        #expect(calendar.holiday(on: TradingDate(iso: "2027-03-09")!, market: .bseEquity)?.reason == "Short-notice closure")
        #expect(calendar.holiday(on: announced, market: .bseEquity) != nil)
        #expect(calendar.holiday(on: jan15, market: .nseEquity) != nil)
    }
}
