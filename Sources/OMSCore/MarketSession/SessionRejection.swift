/// Stable reject codes (FIX custom tag 5006 OMSRejectCode, shared/domain/fix-mapping.md §6).
public enum SessionRejectCode: String, Sendable, Codable, CaseIterable {
    /// Holiday, weekend, before pre-open, between sessions, after close (103=2).
    case sessionClosed = "SESSION_CLOSED"
    /// Pre-open matching/buffer, CAS reference and matching windows (103=2).
    case sessionNoEntry = "SESSION_NO_ENTRY"
    /// Past a cut-off: market order after 15:25 in CAS, after 09:05 in the revised pre-open (103=4).
    case tooLate = "TOO_LATE"
    /// Order type or validity not accepted in this phase: SL or IOC in pre-open or CAS (103=11).
    case unsupported = "UNSUPPORTED"
    /// Product not accepted: non-CNC in post-close, MIS/MTF on a trade-for-trade series (103=11).
    case productNotAllowed = "PRODUCT_NOT_ALLOWED"
    /// Expired contract (103=1).
    case unknownInstrument = "UNKNOWN_INSTRUMENT"
}

/// The rule that refused an order; each maps to one `SessionRejectCode`.
public enum SessionRule: String, Sendable, Codable, CaseIterable {
    /// F&O contract whose expiry day is before today.
    case expiredContract
    /// The instrument's segment has no session timetable (index, currency, commodity).
    case unsupportedSegment
    /// Trade-for-trade series take delivery orders only (CNC; MTF only if configured).
    case tradeForTradeDeliveryOnly
    /// The date is before the first timetable version.
    case noTimetable
    case holiday
    case weekend
    /// No session at this time of day (before the first phase, after the last, or a closed gap).
    case outsideSession
    /// A session runs but takes no orders (auction matching, buffer, CAS reference).
    case noEntryPhase
    /// The order type is not accepted in this phase.
    case orderTypeNotAllowed
    /// The order type was accepted earlier in this auction but is past its cut-off.
    case orderTypePastCutOff
    /// IOC is not accepted in this phase.
    case timeInForceNotAllowed
    /// The product is not accepted in this phase.
    case productNotAllowed
    /// After-market order on a contract that expires before the next session that would take it.
    case afterMarketPastExpiry
    /// After-market order, but no session that accepts it opens within the look-ahead horizon.
    case noSessionAhead
    /// A new intraday (MIS) exposure after the day's intraday cut-off (the brokers' square-off).
    case intradayPastCutOff

    public var code: SessionRejectCode {
        switch self {
        case .expiredContract: .unknownInstrument
        case .unsupportedSegment, .orderTypeNotAllowed, .timeInForceNotAllowed: .unsupported
        case .tradeForTradeDeliveryOnly, .productNotAllowed: .productNotAllowed
        case .noTimetable, .holiday, .weekend, .outsideSession, .afterMarketPastExpiry, .noSessionAhead: .sessionClosed
        case .noEntryPhase: .sessionNoEntry
        case .orderTypePastCutOff, .intradayPastCutOff: .tooLate
        }
    }
}

/// Why an order was refused, with where and when. Plain values only, so building one does not allocate; the text
/// is made on demand.
public struct SessionRejection: Hashable, Sendable, CustomStringConvertible {
    public var rule: SessionRule
    public var phase: SessionPhaseName
    /// Nil when the segment is not one the engine gates.
    public var market: SessionMarket?
    public var date: TradingDate
    public var minuteOfDay: Int16
    /// The instrument's segment when it is one the engine does not gate (`unsupportedSegment`), for the text.
    public var ungatedSegment: Segment?

    public init(rule: SessionRule, phase: SessionPhaseName, market: SessionMarket?, date: TradingDate,
                minuteOfDay: Int16, ungatedSegment: Segment? = nil) {
        self.rule = rule
        self.phase = phase
        self.market = market
        self.date = date
        self.minuteOfDay = minuteOfDay
        self.ungatedSegment = ungatedSegment
    }

    public var code: SessionRejectCode { rule.code }

    /// `SESSION_NO_ENTRY: phase=preOpenMatching exchange=NSE segment=EQ date=2026-07-01 time=09:09 IST
    /// rule=noEntryPhase`.
    /// An instrument of a segment without a timetable reads
    /// `UNSUPPORTED: segment NSE_INDEX is not tradable (an index) date=2026-07-01 time=09:09 IST rule=unsupportedSegment`.
    public var description: String {
        let when = "date=\(date) time=\(SessionTime.format(Int(minuteOfDay))) IST rule=\(rule.rawValue)"
        if rule == .unsupportedSegment {
            let segment = ungatedSegment.map(\.rawValue) ?? "-"
            let why = ungatedSegment?.isIndex == true ? "an index" : "no trading session is served for it"
            return "\(code.rawValue): segment \(segment) is not tradable (\(why)) \(when)"
        }
        let where_ = market.map { "exchange=\($0.exchange.rawValue) segment=\($0.kind.rawValue)" } ?? "exchange=-"
        return "\(code.rawValue): phase=\(phase) \(where_) \(when)"
    }
}
