import Foundation
import GRDB
import NIOConcurrencyHelpers
import OMSCore

/// The current `InstrumentCatalog`, swapped in whole after each load and rebuild.
public final class InstrumentCatalogBox: Sendable {
    private let box: NIOLockedValueBox<InstrumentCatalog>
    public init(_ catalog: InstrumentCatalog = .empty) { box = NIOLockedValueBox(catalog) }
    public var current: InstrumentCatalog { box.withLockedValue { $0 } }
    public func install(_ c: InstrumentCatalog) { box.withLockedValue { $0 = c } }
}

/// The symbol resolver over the in-memory catalog: a dictionary hit, no SQLite, no waiting on rebuilds.
public struct CachedSymbolResolver: SymbolResolver {
    public let catalogs: InstrumentCatalogBox
    public init(catalogs: InstrumentCatalogBox) { self.catalogs = catalogs }
    public func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
        catalogs.current.resolve(lookup)
    }
}

/// Reference data for the server: loads files, and keeps the resolver's catalog, the search index and the
/// eligibility cache in memory, rebuilt after every successful load and at 06:00 IST.
public final class ReferenceDataService: Sendable {
    public let writer: any DatabaseWriter
    public let clock: any InstantClock
    public let loader: ReferenceDataLoader
    public let catalogs: InstrumentCatalogBox
    public let eligibility: ProductEligibilityCache
    /// The market session engine's per-day instrument facts (closing auction, IPO day, call auction, F&O
    /// pre-open), rebuilt with the catalog.
    public let sessionFlags: SessionFlagsBox
    /// The session engine's holiday calendar, when given: every refresh adds the trading holidays loaded into
    /// `exchange_holidays` (the daily holiday file), so a holiday loaded at run time takes effect at once.
    public let holidays: HolidayCalendar?
    public var resolver: CachedSymbolResolver { CachedSymbolResolver(catalogs: catalogs) }
    /// The clock whose IST day the session flags and the eligibility cache are built for, and whose 06:00 the
    /// daily rebuild follows: `clock` until the server hands over its exchange clock (`useTradingClock`), which
    /// may be simulated — the day an order is checked against must be the exchange clock's, not the machine's.
    private let tradingClockBox: NIOLockedValueBox<any InstantClock>
    public var tradingClock: any InstantClock { tradingClockBox.withLockedValue { $0 } }

    public init(writer: any DatabaseWriter, clock: any InstantClock = SystemInstantClock(),
                options: LoadOptions = .init(), defaultClientProducts: ProductSet? = nil, holidays: HolidayCalendar? = nil) {
        self.holidays = holidays
        self.writer = writer
        self.clock = clock
        self.loader = ReferenceDataLoader(writer: writer, clock: clock, options: options)
        self.catalogs = InstrumentCatalogBox()
        self.eligibility = ProductEligibilityCache(defaultClientProducts: defaultClientProducts)
        self.sessionFlags = SessionFlagsBox()
        self.tradingClockBox = NIOLockedValueBox(clock)
    }

    /// Builds the session flags and the eligibility cache for `clock`'s day from now on (every refresh, the daily
    /// rebuild made after this call), and rebuilds both now over the catalog in memory when that day is not the
    /// one they were last built for (with the system clock it is: nothing is built twice at start).
    public func useTradingClock(_ clock: any InstantClock) async throws {
        tradingClockBox.withLockedValue { $0 = clock }
        let now = clock.now()
        let day = ISTCalendar.day(ofEpochMillis: Int64(now.timeIntervalSince1970 * 1000))
        guard day != eligibility.snapshot.tradingDay else { return }
        try await rebuildSessionFlags(tradingDay: day)
        try await eligibility.rebuild(from: writer, now: now)
    }

    /// Rebuilds the catalog, the eligibility snapshot and the session flags (for the trading clock's IST day) from
    /// the database and swaps them in.
    public func refresh() async throws {
        let now = tradingClock.now()
        let day = ISTCalendar.day(ofEpochMillis: Int64(now.timeIntervalSince1970 * 1000))
        let (instruments, flags, closed) = try await writer.read { db in
            let all = try InstrumentRepository.fetchAll(db)
            return (all, try SessionFlagsTable.build(db, instruments: all, tradingDay: day), try Self.tradingHolidays(db))
        }
        catalogs.install(InstrumentCatalog(instruments: instruments))
        sessionFlags.install(flags)
        holidays?.replace(source: "reference-data", with: closed)
        try await eligibility.rebuild(from: writer, now: now)
    }

    /// Rebuilds only the session flags, for an IST day given, over the catalog already in memory: no second read
    /// of the whole instrument table.
    public func rebuildSessionFlags(tradingDay: Int32) async throws {
        let instruments = catalogs.current.instruments
        sessionFlags.install(try await writer.read { db in
            try SessionFlagsTable.build(db, instruments: instruments, tradingDay: tradingDay)
        })
    }

    /// The trading holidays in `exchange_holidays`, for the cash and derivatives markets of their exchange
    /// (settlement holidays and special timings are not trading holidays).
    static func tradingHolidays(_ db: Database) throws -> [SessionHoliday] {
        var out: [SessionHoliday] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT holiday_date, exchange, description FROM exchange_holidays WHERE holiday_type = 'TRADING_HOLIDAY'
            """) {
            let iso: String = try row.decode(atIndex: 0), code: String = try row.decode(atIndex: 1)
            let reason: String = try row.decode(atIndex: 2)
            guard let date = TradingDate(iso: iso), let exchange = SessionExchange(rawValue: code) else { continue }
            for kind in SessionSegmentKind.allCases {
                out.append(SessionHoliday(date: date, market: SessionMarket(exchange: exchange, kind: kind), reason: reason))
            }
        }
        return out
    }

    /// Loads one file, then refreshes the in-memory views if anything was committed.
    public func load(path: String, kind: ReferenceFileKind? = nil, options: LoadOptions? = nil,
                     progress: (@Sendable (LoadProgress) -> Void)? = nil) async throws -> LoadReport {
        let report = try await loader.load(path: path, kind: kind, options: options, progress: progress)
        if report.status == .succeeded { try await refresh() }
        return report
    }

    /// Autocomplete search (see `InstrumentCatalog.search`).
    public func search(_ query: String, limit: Int) -> [Instrument] { catalogs.current.search(query, limit: limit) }

    /// The 06:00 IST rebuild.
    public func makeDailyScheduler(hour: Int = 6, minute: Int = 0) -> DailyRebuildScheduler {
        DailyRebuildScheduler(clock: tradingClock, hour: hour, minute: minute) { [self] _ in try await refresh() }
    }
}
