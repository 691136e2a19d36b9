import Foundation

/// Says whether an order may be entered now: per exchange and segment, from dated timetables, holidays and special
/// sessions (docs/market-sessions.md).
///
/// Everything except the holiday calendar is precomputed at init into minute tables, so a decision is a few
/// integer operations and array reads: no allocation, no `Calendar`, no formatter. The calendar may gain holidays
/// at run time; to change timetables or special sessions, build a new engine and swap it in.
public final class MarketSessionEngine: Sendable {
    public struct Options: Hashable, Sendable {
        /// Refuse MIS (and MTF unless allowed) on trade-for-trade series here, not only in product eligibility.
        public var enforceTradeForTradeDeliveryOnly: Bool
        public var allowMTFOnTradeForTrade: Bool
        /// How many days ahead an after-market order looks for a session that takes it.
        public var afterMarketHorizonDays: Int
        /// From this minute of the day (IST) no new intraday (MIS) exposure is taken — the brokers square MIS
        /// positions off from 15:15–15:25 (market-sessions.md §6); orders that reduce a position still pass.
        /// Cash and F&O; nil: no cut-off.
        public var intradayCutOffEquity: SessionTime?
        public var intradayCutOffDerivatives: SessionTime?

        public init(enforceTradeForTradeDeliveryOnly: Bool = true, allowMTFOnTradeForTrade: Bool = false,
                    afterMarketHorizonDays: Int = 30, intradayCutOffEquity: SessionTime? = SessionTime(minuteOfDay: 15 * 60 + 10),
                    intradayCutOffDerivatives: SessionTime? = SessionTime(minuteOfDay: 15 * 60 + 15)) {
            self.enforceTradeForTradeDeliveryOnly = enforceTradeForTradeDeliveryOnly
            self.allowMTFOnTradeForTrade = allowMTFOnTradeForTrade
            self.afterMarketHorizonDays = afterMarketHorizonDays
            self.intradayCutOffEquity = intradayCutOffEquity
            self.intradayCutOffDerivatives = intradayCutOffDerivatives
        }
    }

    struct Version: Sendable {
        let from: Int32
        let label: String
        /// Indexed by variant mask (0 ..< 16).
        let schedules: [SessionDaySchedule]
    }

    enum SpecialDay: Sendable {
        case regular
        case custom(SessionDaySchedule)
    }

    struct MarketTables: Sendable {
        /// Ascending by `from`.
        let versions: [Version]
        let specials: [Int32: SpecialDay]
    }

    enum DayPlan {
        case open(SessionDaySchedule, special: Bool)
        case closed(SessionRule, SessionPhaseName)
    }

    public let holidays: HolidayCalendar
    public let options: Options
    public let timetables: [SessionTimetable]
    public let specialSessions: [SpecialSession]
    let tables: [MarketTables]

    /// - Throws: `SessionTimetableError` for an invalid timetable or special session, two versions of one market
    ///   from the same date, or two special sessions of one market on the same date.
    public init(timetables: [SessionTimetable] = SessionTimetable.standard, holidays: HolidayCalendar = HolidayCalendar(),
                specialSessions: [SpecialSession] = [], options: Options = Options()) throws(SessionTimetableError) {
        for t in timetables { try t.validate() }
        for s in specialSessions { try s.validate() }
        var built: [MarketTables] = []
        for market in SessionMarket.allCases {
            let mine = timetables.filter { $0.markets.contains(market) }.sorted { $0.effectiveFrom < $1.effectiveFrom }
            var versions: [Version] = []
            for t in mine {
                if let last = versions.last, last.from == t.effectiveFrom.daysSinceEpoch {
                    throw SessionTimetableError(label: t.label,
                                                message: "two \(market) versions from \(t.effectiveFrom)")
                }
                versions.append(Version(from: t.effectiveFrom.daysSinceEpoch, label: t.label,
                                        schedules: MarketSessionEngine.variantSchedules(t)))
            }
            var specials: [Int32: SpecialDay] = [:]
            for s in specialSessions where s.markets.contains(market) {
                let day = s.date.daysSinceEpoch
                if specials[day] != nil {
                    throw SessionTimetableError(label: s.label, message: "two \(market) special sessions on \(s.date)")
                }
                specials[day] = s.phases.map { .custom(SessionDaySchedule(base: $0, overlays: [])) } ?? .regular
            }
            built.append(MarketTables(versions: versions, specials: specials))
        }
        self.tables = built
        self.holidays = holidays
        self.options = options
        self.timetables = timetables
        self.specialSessions = specialSessions
    }

    /// The session decision for `order` on `instrument` at `epochMilliseconds` (UTC).
    ///
    /// Checks, in order: segment gated, contract not expired, trade-for-trade delivery only, then the day (holiday,
    /// weekend, special session) and the phase at that minute. Outside hours an after-market order is held.
    public func isTradingAllowed(_ instrument: Instrument, at epochMilliseconds: Int64, order: SessionOrderTraits,
                                 flags: SessionInstrumentFlags = SessionInstrumentFlags()) -> SessionDecision {
        let t = ISTDateTime(epochMilliseconds: epochMilliseconds)
        let day = t.date.daysSinceEpoch
        let minute = t.minuteOfDay
        guard let market = SessionMarket(segment: instrument.segment) else {
            return .rejected(SessionRejection(rule: .unsupportedSegment, phase: .closed, market: nil, date: t.date,
                                              minuteOfDay: Int16(minute), ungatedSegment: instrument.segment))
        }
        let m = market.index
        let isT2T = MarketSessionEngine.isTradeForTrade(instrument, market)
        let mask = MarketSessionEngine.variantMask(instrument, market, flags, isTradeForTrade: isT2T)
        let plan = plan(m, day: day, mask: mask)

        @inline(__always)
        func reject(_ rule: SessionRule, _ phase: SessionPhaseName) -> SessionDecision {
            .rejected(SessionRejection(rule: rule, phase: phase, market: market, date: t.date,
                                       minuteOfDay: Int16(minute)))
        }

        var phase: SessionPhase?
        var phaseName: SessionPhaseName
        switch plan {
        case .closed(_, let name):
            phaseName = name
        case .open(let schedule, _):
            let idx = schedule.minuteTable[minute]
            if idx == SessionDaySchedule.noPhase {
                phaseName = .closed
            } else {
                let p = schedule.phases[Int(idx)]
                phase = p
                phaseName = p.name
            }
        }

        var expiry = Int32.max
        if market.kind == .derivatives, let e = instrument.expiryDay {
            if e < day { return reject(.expiredContract, phaseName) }
            expiry = e
        }
        if isT2T && options.enforceTradeForTradeDeliveryOnly {
            // An MTF sell leaves a funded position: never refused here (a client must be able to exit).
            if order.product == .mis || (order.product == .mtf && order.side == .buy && !options.allowMTFOnTradeForTrade) {
                return reject(.tradeForTradeDeliveryOnly, phaseName)
            }
        }

        let closedRule: SessionRule
        if case .closed(let rule, _) = plan {
            closedRule = rule
        } else if let p = phase {
            switch p.entry {
            case .noEntry:
                return reject(.noEntryPhase, p.name)
            case .open:
                if !(order.isAfterMarketOrder && p.holdsAfterMarketOrders) {
                    if let rule = p.violation(of: order) { return reject(rule, p.name) }
                    return .allowed(phase: p.name)
                }
                closedRule = .outsideSession
            case .closed:
                closedRule = .outsideSession
            }
        } else {
            closedRule = .outsideSession
        }
        guard order.isAfterMarketOrder else { return reject(closedRule, phaseName) }

        // After-market order outside hours: the next phase start that releases held orders and takes this one.
        var d = day
        var after = minute
        for _ in 0...max(0, options.afterMarketHorizonDays) {
            if d > expiry { return reject(.afterMarketPastExpiry, phaseName) }
            if case .open(let schedule, let special) = self.plan(m, day: d, mask: mask) {
                let start = schedule.releaseStart(after: after, accepting: order)
                if start >= 0 {
                    return .holdAfterMarket(releaseAt: ISTDateTime.epochMilliseconds(day: d, minuteOfDay: start))
                }
                if !special && after < 0 && !schedule.acceptsSomewhere(order) {
                    return reject(.orderTypeNotAllowed, phaseName)
                }
            }
            d += 1
            after = -1
        }
        return reject(.noSessionAhead, phaseName)
    }

    /// Past the intraday cut-off for `instrument`'s market at that instant: the rejection for an MIS order that
    /// would add exposure (`TOO_LATE`, 103=4); nil before it, or when there is none.
    public func intradayCutOff(_ instrument: Instrument, at epochMilliseconds: Int64) -> SessionRejection? {
        guard let market = SessionMarket(segment: instrument.segment) else { return nil }
        let cutOff = market.kind == .equity ? options.intradayCutOffEquity : options.intradayCutOffDerivatives
        let t = ISTDateTime(epochMilliseconds: epochMilliseconds)
        guard let cutOff, t.minuteOfDay >= Int(cutOff.minuteOfDay) else { return nil }
        return SessionRejection(rule: .intradayPastCutOff, phase: .closed, market: market, date: t.date,
                                minuteOfDay: Int16(t.minuteOfDay))
    }

    /// When `instrument`'s trading day `day` (IST days since the epoch) ends: the end of that day's last phase
    /// for its market and variant (16:00 for cash with its post-close session, 15:30 or 15:40 for F&O), in epoch
    /// milliseconds; nil when the market has no session that day or the segment is not one this engine gates.
    /// The exchange cancels DAY orders still open then.
    public func tradingDayEnd(_ instrument: Instrument, day: Int32,
                              flags: SessionInstrumentFlags = SessionInstrumentFlags()) -> Int64? {
        guard let market = SessionMarket(segment: instrument.segment) else { return nil }
        let isT2T = MarketSessionEngine.isTradeForTrade(instrument, market)
        let mask = MarketSessionEngine.variantMask(instrument, market, flags, isTradeForTrade: isT2T)
        guard case .open(let schedule, _) = plan(market.index, day: day, mask: mask), let last = schedule.phases.last else {
            return nil
        }
        return ISTDateTime.epochMilliseconds(day: day, minuteOfDay: Int(last.end.minuteOfDay))
    }

    /// The decision at the clock's current instant (rounded to the millisecond).
    public func isTradingAllowed(_ instrument: Instrument, order: SessionOrderTraits,
                                 flags: SessionInstrumentFlags = SessionInstrumentFlags(),
                                 clock: some InstantClock) -> SessionDecision {
        isTradingAllowed(instrument, at: MarketSessionEngine.epochMilliseconds(clock.now()), order: order,
                         flags: flags)
    }

    /// Epoch milliseconds of a `Date`, rounded to the nearest millisecond.
    public static func epochMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    // MARK: - Day resolution

    /// Unscheduled holiday > special session > scheduled holiday > weekend > regular timetable.
    @inline(__always)
    func plan(_ m: Int, day: Int32, mask: UInt8) -> DayPlan {
        let holiday = holidays.kind(day: day, marketIndex: m)
        if holiday == .unscheduled { return .closed(.holiday, .holiday) }
        let t = tables[m]
        if !t.specials.isEmpty, let special = t.specials[day] {
            switch special {
            case .custom(let s): return .open(s, special: true)
            case .regular:
                if let s = regular(t, day: day, mask: mask) { return .open(s, special: true) }
                return .closed(.noTimetable, .closed)
            }
        }
        if holiday == .scheduled { return .closed(.holiday, .holiday) }
        if TradingDate(daysSinceEpoch: day).isWeekend { return .closed(.weekend, .weekend) }
        if let s = regular(t, day: day, mask: mask) { return .open(s, special: false) }
        return .closed(.noTimetable, .closed)
    }

    @inline(__always)
    private func regular(_ t: MarketTables, day: Int32, mask: UInt8) -> SessionDaySchedule? {
        var i = t.versions.count - 1
        while i >= 0 {
            if t.versions[i].from <= day { return t.versions[i].schedules[Int(mask)] }
            i -= 1
        }
        return nil
    }

    @inline(__always)
    static func variantMask(_ instrument: Instrument, _ market: SessionMarket, _ flags: SessionInstrumentFlags,
                            isTradeForTrade: Bool) -> UInt8 {
        var mask: UInt8 = 0
        switch market.kind {
        case .equity:
            if flags.isCASEligible && !isTradeForTrade { mask |= SessionVariant.closingAuction.bit }
            if flags.isIPOOrRelistingDay0 { mask |= SessionVariant.specialPreOpen.bit }
            if flags.isPeriodicCallAuction { mask |= SessionVariant.periodicCallAuction.bit }
        case .derivatives:
            if flags.isFuturesPreOpenEligible && instrument.instrumentType == "FUT" {
                mask |= SessionVariant.futuresPreOpen.bit
            }
        }
        return mask
    }

    /// NSE series BE, BZ, ST, SZ (as `Instrument.isTradeForTrade`); BSE groups T and XT.
    @inline(__always)
    static func isTradeForTrade(_ instrument: Instrument, _ market: SessionMarket) -> Bool {
        switch market {
        case .nseEquity:
            switch instrument.instrumentType {
            case "BE", "BZ", "ST", "SZ": return true
            default: return false
            }
        case .bseEquity:
            switch instrument.instrumentType {
            case "T", "XT": return true
            default: return false
            }
        case .nseDerivatives, .bseDerivatives:
            return false
        }
    }

    /// One schedule per variant mask; masks that differ only in overlays this version lacks share one.
    static func variantSchedules(_ t: SessionTimetable) -> [SessionDaySchedule] {
        var available: UInt8 = 0
        for o in t.overlays { available |= o.variant.bit }
        var byEffective: [UInt8: SessionDaySchedule] = [:]
        return (0..<16).map { (mask: Int) -> SessionDaySchedule in
            let effective = UInt8(mask) & available
            if let s = byEffective[effective] { return s }
            let overlays = SessionVariant.applicationOrder.compactMap { v -> SessionOverlay? in
                guard effective & v.bit != 0 else { return nil }
                return t.overlays.first { $0.variant == v }
            }
            let s = SessionDaySchedule(base: t.base, overlays: overlays)
            byEffective[effective] = s
            return s
        }
    }
}
