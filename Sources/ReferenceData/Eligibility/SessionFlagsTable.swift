import Foundation
import GRDB
import NIOConcurrencyHelpers
import OMSCore

/// The per-day facts the market session engine needs and the instrument master does not carry
/// (`SessionInstrumentFlags`), worked out from the reference data for one IST trading day:
///
/// - closing auction (CAS): a cash equity that has derivatives — an active future or option names its symbol as
///   its underlying (NSE: "stocks that have derivatives on any exchange");
/// - special pre-open: listed or relisted that day (`ipo_listings`);
/// - periodic call auction: ESM stage II on the latest surveillance list on or before that day;
/// - F&O pre-open: the nearest future of each underlying, and the next one in the last days before the nearest
///   expires (the exchange says the last 5 trading days; taken here as 7 calendar days).
///
/// Without it every instrument had the default flags and those timetables never applied: CAS stocks traded on
/// to 15:30, IPOs from 09:15 instead of the 09:00–10:00 call auction, futures were refused in their pre-open.
public struct SessionFlagsTable: Sendable {
    public let tradingDay: Int32
    let flags: [InstrumentKey: SessionInstrumentFlags]

    public static let empty = SessionFlagsTable(tradingDay: 0, flags: [:])

    public func flags(for key: InstrumentKey) -> SessionInstrumentFlags { flags[key] ?? SessionInstrumentFlags() }

    /// Days before the nearest future's expiry during which the next month's future joins the pre-open.
    static let nextMonthWindowDays: Int32 = 7

    static func build(_ db: Database, instruments: [Instrument], tradingDay: Int32) throws -> SessionFlagsTable {
        let date = ISTCalendar.isoDate(tradingDay)
        var flags: [InstrumentKey: SessionInstrumentFlags] = [:]
        // Symbols with derivatives, per exchange of the cash market (NSE_FO → NSE, BSE_FO → BSE).
        var withDerivatives: Set<String> = []
        var futures: [String: [Instrument]] = [:]
        for i in instruments where i.active && i.segment.isDerivative {
            guard let u = i.underlyingSymbol else { continue }
            withDerivatives.insert(i.exchange + "|" + u)
            if i.instrumentType == "FUT", let e = i.expiryDay, e >= tradingDay {
                futures[i.segment.rawValue + "|" + u, default: []].append(i)
            }
        }
        for i in instruments where i.active && i.segment.isCash && withDerivatives.contains(i.exchange + "|" + i.tradingSymbol) {
            flags[i.key, default: SessionInstrumentFlags()].isCASEligible = true
        }
        for group in futures.values {
            let byExpiry = group.sorted { ($0.expiryDay ?? .max) < ($1.expiryDay ?? .max) }
            guard let near = byExpiry.first, let nearExpiry = near.expiryDay else { continue }
            for f in byExpiry where f.expiryDay == nearExpiry { flags[f.key, default: SessionInstrumentFlags()].isFuturesPreOpenEligible = true }
            if nearExpiry - tradingDay < nextMonthWindowDays,
               let next = byExpiry.first(where: { ($0.expiryDay ?? .max) > nearExpiry }) {
                for f in byExpiry where f.expiryDay == next.expiryDay {
                    flags[f.key, default: SessionInstrumentFlags()].isFuturesPreOpenEligible = true
                }
            }
        }
        for key in try String.fetchAll(db, sql: "SELECT instrument_key FROM ipo_listings WHERE listing_date = ?", arguments: [date]) {
            flags[InstrumentKey(key), default: SessionInstrumentFlags()].isIPOOrRelistingDay0 = true
        }
        for key in try String.fetchAll(db, sql: """
            SELECT instrument_key FROM surveillance_list
            WHERE framework = 'ESM' AND stage = 'II'
              AND trade_date = (SELECT max(trade_date) FROM surveillance_list WHERE trade_date <= ?)
            """, arguments: [date]) {
            flags[InstrumentKey(key), default: SessionInstrumentFlags()].isPeriodicCallAuction = true
        }
        return SessionFlagsTable(tradingDay: tradingDay, flags: flags)
    }
}

/// The current `SessionFlagsTable`, swapped in whole at each rebuild; a lookup never touches SQLite.
public final class SessionFlagsBox: Sendable {
    private let box = NIOLockedValueBox(SessionFlagsTable.empty)
    public init() {}
    public var current: SessionFlagsTable { box.withLockedValue { $0 } }
    public func install(_ t: SessionFlagsTable) { box.withLockedValue { $0 = t } }
    /// For `OrderPipeline(flags:)`.
    public func flags(for instrument: Instrument) -> SessionInstrumentFlags { current.flags(for: instrument.key) }
}
