import Foundation
import OMSCore
import Testing
@testable import ReferenceData

@Suite struct SymbolResolverTests {
    /// The demo data set plus one inactive instrument.
    static func resolver() async throws -> (CachedSymbolResolver, TempWorkspace) {
        let ws = try TempWorkspace()
        let service = try await seededService(ws)
        try await ws.pool.write { db in
            try db.execute(sql: "INSERT INTO instruments (instrument_key, segment, name, exchange, instrument_type, trading_symbol, isin, exchange_token, active) VALUES ('NSE_EQ|INE999Z01019', 'NSE_EQ', 'GONE LTD', 'NSE', 'EQ', 'GONELTD', 'INE999Z01019', '99999', 0)")
        }
        try await service.refresh()
        return (service.resolver, ws)
    }

    func key(_ r: Result<Instrument, SymbolRejection>) -> String? {
        if case .success(let i) = r { return i.key.rawValue }
        return nil
    }

    @Test func everyIdentifierFormResolvesToOneActiveInstrument() async throws {
        let (resolver, ws) = try await Self.resolver()
        _ = ws
        let cases: [(InstrumentLookup, String)] = [
            (InstrumentLookup(symbol: "RELIANCE", exchange: "NSE"), "NSE_EQ|INE002A01018"),
            (InstrumentLookup(symbol: "reliance", exchange: "bse"), "BSE_EQ|INE002A01018"),
            (InstrumentLookup(symbol: "RELIANCE", exchange: "XNSE", securityType: "CS"), "NSE_EQ|INE002A01018"),
            (InstrumentLookup(symbol: "NIFTYBEES"), "NSE_EQ|INF204KB14I2"),  // only on NSE: no exchange needed
            (InstrumentLookup(exchange: "NSE", securityID: "INE002A01018", securityIDSource: "4"), "NSE_EQ|INE002A01018"),
            (InstrumentLookup(exchange: "BSE", securityID: "ine467b01029", securityIDSource: "4"), "BSE_EQ|INE467B01029"),
            (InstrumentLookup(exchange: "NSE", securityID: "2885", securityIDSource: "8"), "NSE_EQ|INE002A01018"),
            (InstrumentLookup(exchange: "BSE", securityID: "500325", securityIDSource: "8"), "BSE_EQ|INE002A01018"),
            (InstrumentLookup(securityID: "nse_eq|ine009a01021", securityIDSource: "8"), "NSE_EQ|INE009A01021"),
            (InstrumentLookup(securityID: "NSE_INDEX|Nifty 50", securityIDSource: "8"), "NSE_INDEX|Nifty 50"),
            (InstrumentLookup(exchange: "NSE", securityID: "SBIN", securityIDSource: "8"), "NSE_EQ|INE062A01020"),
            (InstrumentLookup(symbol: "NIFTY FUT 29 DEC 26", exchange: "NSE"), "NSE_FO|52101"),
            (InstrumentLookup(symbol: "nifty 26000 ce 01 dec 26"), "NSE_FO|52110"),
            (InstrumentLookup(symbol: "NIFTY", exchange: "NSE", securityType: "OPT", maturityDate: "20261201",
                              putOrCall: .call, strikePrice: Price(rupees: 26000)), "NSE_FO|52110"),
            (InstrumentLookup(symbol: "NIFTY", exchange: "NFO", securityType: "OPT", maturityMonthYear: "20261201",
                              putOrCall: .put, strikePrice: Price(rupees: 26000)), "NSE_FO|52111"),
            (InstrumentLookup(symbol: "NIFTY", exchange: "NSE", securityType: "FUT", maturityMonthYear: "202612"), "NSE_FO|52101"),
            (InstrumentLookup(symbol: "NIFTY", exchange: "NSE", securityType: "FUT", maturityDate: "20270125"), "NSE_FO|52102"),
            // YYYYMM for an option names the monthly contract (29 Dec), not the weeklies of December.
            (InstrumentLookup(symbol: "NIFTY", exchange: "NSE", securityType: "OPT", maturityMonthYear: "202612",
                              putOrCall: .call, strikePrice: Price(rupees: 26000)), "NSE_FO|52146"),
            (InstrumentLookup(symbol: "BANKNIFTY", securityType: "OPT", maturityDate: "20261229", putOrCall: .put,
                              strikePrice: Price(rupees: 59000)), "NSE_FO|52165"),
            (InstrumentLookup(symbol: "RELIANCE", exchange: "NSE", securityType: "FUT", maturityMonthYear: "202612"), "NSE_FO|52170"),
            (InstrumentLookup(symbol: "NIFTY", exchange: "NSE"), "NSE_INDEX|Nifty 50"),
        ]
        for (lookup, expected) in cases {
            #expect(key(resolver.resolve(lookup)) == expected, "\(lookup)")
        }
    }

    /// MaturityMonthYear YYYYMM names the monthly contract: a strike listed only in a weekly of that month is not
    /// it (the one weekly hit was returned).
    @Test func aMonthNeverResolvesToAWeekly() {
        func option(_ key: String, day: String, strike: Int64, weekly: Bool) -> Instrument {
            Instrument(key: InstrumentKey(key), segment: .nseFO, exchange: "NSE", name: "NIFTY", instrumentType: "CE",
                       tradingSymbol: "NIFTY \(strike) CE \(day)", lotSize: 65, expiryDay: ISTCalendar.parseDay(day),
                       strikePrice: Price(rupees: strike), optionType: .call, underlyingSymbol: "NIFTY", weekly: weekly)
        }
        let catalog = InstrumentCatalog(instruments: [option("NSE_FO|1", day: "20261208", strike: 26650, weekly: true),
                                                      option("NSE_FO|2", day: "20261229", strike: 26000, weekly: false)])
        func month(_ strike: Int64) -> InstrumentLookup {
            InstrumentLookup(symbol: "NIFTY", exchange: "NSE", securityType: "OPT", maturityMonthYear: "202612",
                             putOrCall: .call, strikePrice: Price(rupees: strike))
        }
        guard case .failure(let r) = catalog.resolve(month(26650)) else { Issue.record("a weekly was taken for the month"); return }
        #expect(r.code == "UNKNOWN_SYMBOL")
        #expect((try? catalog.resolve(month(26000)).get())?.key == InstrumentKey("NSE_FO|2"))
    }

    @Test func unknownInactiveAmbiguousAndInvalidLookupsAreTypedRejections() async throws {
        let (resolver, ws) = try await Self.resolver()
        _ = ws
        func rejection(_ l: InstrumentLookup) -> SymbolRejection? {
            if case .failure(let r) = resolver.resolve(l) { return r }
            return nil
        }
        let unknown = InstrumentLookup(symbol: "NOSUCH", exchange: "NSE")
        #expect(rejection(unknown) == .unknownSymbol(lookup: unknown))
        #expect(rejection(unknown)?.description == "UNKNOWN_SYMBOL: symbol=NOSUCH exchange=NSE")
        let noContract = InstrumentLookup(symbol: "NIFTY", exchange: "NSE", securityType: "OPT", maturityDate: "20261201",
                                          putOrCall: .call, strikePrice: Price(rupees: 99000))
        #expect(rejection(noContract)?.code == "UNKNOWN_SYMBOL")
        #expect(rejection(InstrumentLookup(exchange: "NSE", securityID: "INE000A00000", securityIDSource: "4"))?.code == "UNKNOWN_SYMBOL")

        let gone = InstrumentLookup(symbol: "GONELTD", exchange: "NSE")
        #expect(rejection(gone) == .inactiveInstrument(key: InstrumentKey("NSE_EQ|INE999Z01019"), lookup: gone))
        #expect(rejection(InstrumentLookup(securityID: "NSE_EQ|INE999Z01019", securityIDSource: "8"))?.code == "INSTRUMENT_INACTIVE")
        #expect(rejection(InstrumentLookup(exchange: "NSE", securityID: "INE999Z01019", securityIDSource: "4"))?.code == "INSTRUMENT_INACTIVE")

        let both = InstrumentLookup(symbol: "RELIANCE")
        #expect(rejection(both) == .ambiguousSymbol(lookup: both, candidates: [InstrumentKey("BSE_EQ|INE002A01018"),
                                                                                 InstrumentKey("NSE_EQ|INE002A01018")]))
        #expect(rejection(InstrumentLookup(securityID: "INE002A01018", securityIDSource: "4"))?.code == "AMBIGUOUS_SYMBOL")

        let invalid: [(InstrumentLookup, String)] = [
            (InstrumentLookup(), "neither Symbol (55) nor SecurityID (48) given"),
            (InstrumentLookup(symbol: "RELIANCE", exchange: "NYSE"), "unknown SecurityExchange NYSE"),
            (InstrumentLookup(securityID: "123", securityIDSource: "1"), "unsupported SecurityIDSource 1 (use 4 ISIN or 8 exchange symbol)"),
            (InstrumentLookup(securityID: "123"), "SecurityID (48) without SecurityIDSource (22)"),
            (InstrumentLookup(symbol: "NIFTY", securityType: "OPT", maturityDate: "20261201", strikePrice: Price(rupees: 26000)),
             "an option needs PutOrCall (201)"),
            (InstrumentLookup(symbol: "NIFTY", securityType: "FUT"), "a derivative needs MaturityDate (541) or MaturityMonthYear (200)"),
            (InstrumentLookup(symbol: "NIFTY", securityType: "FUT", maturityDate: "20261399"), "MaturityDate (541) 20261399 is not YYYYMMDD"),
            (InstrumentLookup(symbol: "NIFTY", securityType: "SWAP"), "unsupported SecurityType SWAP"),
        ]
        for (l, reason) in invalid {
            #expect(rejection(l) == .invalidLookup(lookup: l, reason: reason), "\(l)")
        }
    }
}
