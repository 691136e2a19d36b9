/// What kind of day a market has.
public enum SessionDayKind: Hashable, Sendable, CustomStringConvertible {
    /// A regular trading day under the timetable version `label`.
    case regular(label: String)
    /// A special session (`label`); opens the day even on a weekend or scheduled holiday.
    case special(label: String)
    case holiday(reason: String)
    case weekend
    /// Before the first timetable version of this market.
    case noTimetable

    public var description: String {
        switch self {
        case .regular(let l): "regular(\(l))"
        case .special(let l): "special(\(l))"
        case .holiday(let r): "holiday(\(r))"
        case .weekend: "weekend"
        case .noTimetable: "noTimetable"
        }
    }
}

extension MarketSessionEngine {
    /// The kind of day `market` has on `date` (for status screens and logs; not the order path).
    public func dayKind(of market: SessionMarket, on date: TradingDate) -> SessionDayKind {
        let day = date.daysSinceEpoch
        switch plan(market.index, day: day, mask: 0) {
        case .closed(.holiday, _):
            return .holiday(reason: holidays.holiday(on: date, market: market)?.reason ?? "holiday")
        case .closed(.weekend, _):
            return .weekend
        case .closed:
            return .noTimetable
        case .open(_, special: true):
            let label = specialSessions.first { $0.date == date && $0.markets.contains(market) }?.label ?? "special"
            return .special(label: label)
        case .open(_, special: false):
            let t = tables[market.index]
            let label = t.versions.last { $0.from <= day }?.label ?? ""
            return .regular(label: label)
        }
    }

    /// The phases `instrument` runs through on `date`, clipped to where they apply; empty on a closed day.
    public func schedule(for instrument: Instrument, on date: TradingDate,
                         flags: SessionInstrumentFlags = SessionInstrumentFlags()) -> [SessionPhase] {
        guard let market = SessionMarket(segment: instrument.segment) else { return [] }
        let mask = MarketSessionEngine.variantMask(
            instrument, market, flags, isTradeForTrade: MarketSessionEngine.isTradeForTrade(instrument, market))
        if case .open(let s, _) = plan(market.index, day: date.daysSinceEpoch, mask: mask) { return s.phases }
        return []
    }

    /// The phase `instrument` is in at `epochMilliseconds` (`closed`, `holiday`, `weekend` outside all phases).
    public func phase(of instrument: Instrument, at epochMilliseconds: Int64,
                      flags: SessionInstrumentFlags = SessionInstrumentFlags()) -> SessionPhaseName {
        guard let market = SessionMarket(segment: instrument.segment) else { return .closed }
        let t = ISTDateTime(epochMilliseconds: epochMilliseconds)
        let mask = MarketSessionEngine.variantMask(
            instrument, market, flags, isTradeForTrade: MarketSessionEngine.isTradeForTrade(instrument, market))
        switch plan(market.index, day: t.date.daysSinceEpoch, mask: mask) {
        case .closed(_, let name):
            return name
        case .open(let s, _):
            let idx = s.minuteTable[t.minuteOfDay]
            return idx == SessionDaySchedule.noPhase ? .closed : s.phases[Int(idx)].name
        }
    }

    /// True if `instrument` is an NSE trade-for-trade series (BE, BZ, ST, SZ) or a BSE T/XT group security.
    public static func isTradeForTradeSeries(_ instrument: Instrument) -> Bool {
        guard let market = SessionMarket(segment: instrument.segment) else { return false }
        return isTradeForTrade(instrument, market)
    }
}
