import Foundation
import OMSCore

/// Instruments, instants and engines shared by the market-session tests.
enum SessionFixtures {
    /// /work/main/seeds/sessions.
    static let seedDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("seeds/sessions")

    static func seed(_ name: String) throws -> Data { try Data(contentsOf: seedDirectory.appendingPathComponent(name)) }

    static func date(_ iso: String) -> TradingDate { TradingDate(iso: iso)! }

    /// `2026-07-01 09:08`, `2026-07-01 09:07:59.999` (IST) → epoch milliseconds.
    static func ms(_ text: String) -> Int64 {
        let parts = text.split(separator: " ")
        let d = TradingDate(iso: parts[0])!
        let time = parts[1].split(separator: ":")
        var ms = Int64(Int(time[0])! * 3_600_000 + Int(time[1])! * 60_000)
        if time.count == 3 {
            let sec = time[2].split(separator: ".")
            ms += Int64(Int(sec[0])! * 1000)
            if sec.count == 2 { ms += Int64(sec[1])! }
        }
        return ISTDateTime.epochMilliseconds(day: d.daysSinceEpoch, minuteOfDay: 0) + ms
    }

    /// `2026-07-02 09:00` for an epoch-milliseconds instant.
    static func ist(_ ms: Int64) -> String {
        let t = ISTDateTime(epochMilliseconds: ms)
        return "\(t.date) \(SessionTime(minuteOfDay: Int16(t.minuteOfDay)))"
    }

    /// `allowed preOpenEntry`, `hold 2026-07-02 09:00`, `SESSION_NO_ENTRY preOpenMatching noEntryPhase`.
    static func summary(_ d: SessionDecision) -> String {
        switch d {
        case .allowed(let phase): "allowed \(phase)"
        case .holdAfterMarket(let t): "hold \(ist(t))"
        case .rejected(let r): "\(r.code.rawValue) \(r.phase) \(r.rule)"
        }
    }

    static func equity(_ symbol: String = "RELIANCE", series: String = "EQ", segment: Segment = .nseEQ) -> Instrument {
        Instrument(key: InstrumentKey("\(segment.rawValue)|\(symbol)-\(series)"), segment: segment,
                   exchange: segment == .bseEQ ? "BSE" : "NSE", name: symbol, instrumentType: series,
                   tradingSymbol: symbol)
    }

    static func future(_ underlying: String = "NIFTY", expiry: String, segment: Segment = .nseFO, lot: Int64 = 65,
                       weekly: Bool = false, key: String? = nil) -> Instrument {
        Instrument(key: InstrumentKey(key ?? "\(segment.rawValue)|\(underlying)FUT\(expiry)"), segment: segment,
                   exchange: segment == .bseFO ? "BSE" : "NSE", name: underlying, instrumentType: "FUT",
                   tradingSymbol: "\(underlying) FUT \(expiry)", lotSize: lot, expiryDay: date(expiry).daysSinceEpoch,
                   underlyingSymbol: underlying, weekly: weekly)
    }

    static func option(_ underlying: String = "NIFTY", expiry: String, strike: Int64 = 25_000, type: OptionType = .call,
                       lot: Int64 = 65, weekly: Bool = false, segment: Segment = .nseFO) -> Instrument {
        Instrument(key: InstrumentKey("\(segment.rawValue)|\(underlying)\(expiry)\(strike)\(type.rawValue)"),
                   segment: segment, exchange: segment == .bseFO ? "BSE" : "NSE", name: underlying,
                   instrumentType: type.rawValue, tradingSymbol: "\(underlying) \(strike) \(type.rawValue) \(expiry)",
                   lotSize: lot, expiryDay: date(expiry).daysSinceEpoch, strikePrice: Price(rupees: strike),
                   optionType: type, underlyingSymbol: underlying, weekly: weekly)
    }

    static let reliance = equity()
    static let relianceBSE = equity(segment: .bseEQ)
    /// NSE BE series: trade for trade.
    static let jocil = equity("JOCIL", series: "BE")
    static let nifty50 = Instrument(key: InstrumentKey("NSE_INDEX|Nifty 50"), segment: .nseIndex, exchange: "NSE",
                                    name: "Nifty 50", instrumentType: "INDEX", tradingSymbol: "NIFTY")

    static let limit = SessionOrderTraits(orderType: .limit)
    static let market = SessionOrderTraits(orderType: .market)
    static let stop = SessionOrderTraits(orderType: .stop)
    static let stopLimit = SessionOrderTraits(orderType: .stopLimit)
    static let limitIOC = SessionOrderTraits(orderType: .limit, timeInForce: .ioc)
    static let amoLimit = SessionOrderTraits(orderType: .limit, isAfterMarketOrder: true)
    static let amoMarket = SessionOrderTraits(orderType: .market, isAfterMarketOrder: true)
    static let amoStop = SessionOrderTraits(orderType: .stopLimit, isAfterMarketOrder: true)

    static let cas = SessionInstrumentFlags(isCASEligible: true)
    static let ipo = SessionInstrumentFlags(isIPOOrRelistingDay0: true)
    static let pca = SessionInstrumentFlags(isPeriodicCallAuction: true)
    static let futPreOpen = SessionInstrumentFlags(isFuturesPreOpenEligible: true)

    /// The seeded 2026 holidays (not the 15-Jan addition) and the budget-day special session.
    static func seededCalendar() throws -> HolidayCalendar {
        let text = String(decoding: try seed("holidays-2026.csv"), as: UTF8.self)
        return try HolidayCalendar(csv: text)
    }

    /// Built once; never add holidays to it (tests that do build their own).
    static let shared: MarketSessionEngine = try! engine()

    static func engine(holidays: HolidayCalendar? = nil, specials: [SpecialSession]? = nil,
                       options: MarketSessionEngine.Options = .init()) throws -> MarketSessionEngine {
        try MarketSessionEngine(holidays: holidays ?? seededCalendar(),
                                specialSessions: specials ?? SpecialSession.load(json: seed("special-sessions-2026.json")),
                                options: options)
    }
}
