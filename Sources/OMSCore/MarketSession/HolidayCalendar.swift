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

    public init(_ holidays: [SessionHoliday] = []) {
        byMarket = Array(repeating: [:], count: SessionMarket.allCases.count)
        for h in holidays { Self.insert(h, into: &byMarket) }
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
        for h in holidays { Self.insert(h, into: &byMarket) }
    }

    /// Removes the holiday of `market` on `date` (a holiday called off); true if there was one.
    @discardableResult
    public func removeHoliday(_ date: TradingDate, market: SessionMarket) -> Bool {
        lock.lock()
        defer { lock.unlock() }
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
