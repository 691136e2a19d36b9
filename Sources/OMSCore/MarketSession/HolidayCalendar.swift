import Foundation

/// A trading holiday of one market.
public struct SessionHoliday: Hashable, Sendable, CustomStringConvertible {
    /// `scheduled`: from the exchange's yearly list (a special session on the same day wins).
    /// `unscheduled`: added at short notice; wins over a special session on the same day.
    public enum Kind: String, Sendable, Codable {
        case scheduled, unscheduled
    }

    public var date: TradingDate
    public var market: SessionMarket
    public var reason: String
    public var kind: Kind

    public init(date: TradingDate, market: SessionMarket, reason: String, kind: Kind = .scheduled) {
        self.date = date
        self.market = market
        self.reason = reason
        self.kind = kind
    }

    public var description: String { "\(date) \(market) \(kind.rawValue): \(reason)" }
}

/// Trading holidays per exchange and segment. Shared by engines and safe to change while they read it.
public final class HolidayCalendar: @unchecked Sendable {
    // @unchecked Sendable: `byMarket` is only read or written while holding `lock`.
    private let lock = NSLock()
    private var byMarket: [[Int32: SessionHoliday]]
    /// What `add` and `addHoliday` put in (kept across `replace(source:with:)`).
    private var added: [[Int32: SessionHoliday]]
    /// Holidays per named source (`replace(source:with:)`), each replaced whole when its source is read again.
    private var sourced: [String: [SessionHoliday]] = [:]

    public init(_ holidays: [SessionHoliday] = []) {
        byMarket = Array(repeating: [:], count: SessionMarket.allCases.count)
        added = byMarket
        for h in holidays {
            Self.insert(h, into: &byMarket)
            Self.insert(h, into: &added)
        }
    }

    /// Sets the holidays a source holds now (the reference data's holiday table, read again at each refresh): one
    /// it no longer holds — moved or called off in a new file — is no longer a holiday (unless another source or
    /// `add` has it). Before, a refresh only added, so a date moved in the file stayed closed until a restart.
    public func replace(source: String, with holidays: [SessionHoliday]) {
        lock.lock()
        defer { lock.unlock() }
        sourced[source] = holidays
        var all = added
        for list in sourced.values { for h in list { Self.insert(h, into: &all) } }
        byMarket = all
    }

    /// Adds an unscheduled holiday (announced at short notice) for `segments` of `exchange`, effective at once.
    public func addHoliday(_ date: TradingDate, exchange: SessionExchange, reason: String,
                           segments: [SessionSegmentKind] = SessionSegmentKind.allCases) {
        let added = segments.map {
            SessionHoliday(date: date, market: SessionMarket(exchange: exchange, kind: $0), reason: reason,
                           kind: .unscheduled)
        }
        add(added)
    }

    /// Adds holidays. For a day that already has one, an unscheduled holiday replaces a scheduled one, never the
    /// other way round.
    public func add(_ holidays: [SessionHoliday]) {
        lock.lock()
        defer { lock.unlock() }
        for h in holidays {
            Self.insert(h, into: &byMarket)
            Self.insert(h, into: &added)
        }
    }

    /// Removes the holiday of `market` on `date` (a holiday called off); true if there was one.
    @discardableResult
    public func removeHoliday(_ date: TradingDate, market: SessionMarket) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        added[market.index].removeValue(forKey: date.daysSinceEpoch)
        for (k, list) in sourced { sourced[k] = list.filter { !($0.date == date && $0.market == market) } }
        return byMarket[market.index].removeValue(forKey: date.daysSinceEpoch) != nil
    }

    public func holiday(on date: TradingDate, market: SessionMarket) -> SessionHoliday? {
        lock.lock()
        defer { lock.unlock() }
        return byMarket[market.index][date.daysSinceEpoch]
    }

    /// All holidays of `market`, by date.
    public func holidays(of market: SessionMarket) -> [SessionHoliday] {
        lock.lock()
        defer { lock.unlock() }
        return byMarket[market.index].values.sorted { $0.date < $1.date }
    }

    /// The order path's lookup: only the kind, so nothing is retained or copied.
    @inline(__always)
    func kind(day: Int32, marketIndex: Int) -> SessionHoliday.Kind? {
        lock.lock()
        let k = byMarket[marketIndex][day]?.kind
        lock.unlock()
        return k
    }

    private static func insert(_ h: SessionHoliday, into byMarket: inout [[Int32: SessionHoliday]]) {
        let day = h.date.daysSinceEpoch
        if let existing = byMarket[h.market.index][day], existing.kind == .unscheduled, h.kind == .scheduled {
            return
        }
        byMarket[h.market.index][day] = h
    }
}
