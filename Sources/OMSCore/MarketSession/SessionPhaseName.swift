/// The name of a phase of the trading day. `closed`, `holiday` and `weekend` name the time outside all phases.
public enum SessionPhaseName: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// No phase runs at this minute (before the first phase, after the last, or a day with no timetable).
    case closed
    /// Exchange trading holiday for this segment.
    case holiday
    /// Saturday or Sunday without a special session.
    case weekend

    /// Pre-open call auction: order entry (limit + market).
    case preOpenEntry
    /// Revised pre-open (from 2026-09-07), 09:05–09:10: limit orders only, market orders frozen.
    case preOpenEntryLimitOnly
    /// Pre-open call auction: order matching and trade confirmation, no entry.
    case preOpenMatching
    /// Pre-open buffer before the normal market, no entry.
    case preOpenBuffer
    /// Continuous trading session (CTS).
    case normalMarket
    /// Non-CAS closing: closing price calculation, no trading.
    case closingPriceCalculation
    /// CAS 15:15–15:20: reference price, no entry.
    case closingAuctionReference
    /// CAS order entry 1, 15:20–15:25: limit and market.
    case closingAuctionEntry
    /// CAS order entry 2, 15:25–15:30: limit only (market orders past their cut-off).
    case closingAuctionEntryLimitOnly
    /// CAS order matching 15:30–15:35, no entry.
    case closingAuctionMatching
    /// CAS transition 15:35–15:50 until the post-close session, no session.
    case closingAuctionTransition
    /// Post-close session: market orders at the closing price.
    case postClose
    /// Special pre-open session (IPO / relisting day 0): entry 09:00–09:45.
    case specialPreOpenEntry
    /// Special pre-open session: matching 09:45–09:55.
    case specialPreOpenMatching
    /// Special pre-open session: buffer 09:55–10:00.
    case specialPreOpenBuffer
    /// Periodic call auction (illiquid securities): order entry.
    case callAuctionEntry
    /// Periodic call auction: matching.
    case callAuctionMatching
    /// Periodic call auction: buffer.
    case callAuctionBuffer

    public var description: String { rawValue }
}

/// Whether a phase takes new orders.
public enum SessionPhaseEntry: String, Sendable, Codable {
    /// Orders are entered, subject to the phase's order-type, validity and product rules.
    case open
    /// A session is running but entry is blocked (auction matching, buffer): `SESSION_NO_ENTRY`.
    case noEntry
    /// Between sessions: `SESSION_CLOSED`; after-market orders are held.
    case closed
}
