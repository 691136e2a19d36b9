import Foundation
import OMSCore
import Testing
@testable import ReferenceData

@Suite struct SearchRankingTests {
    static func catalog() async throws -> (InstrumentCatalog, TempWorkspace) {
        let ws = try TempWorkspace()
        let service = try await seededService(ws)
        return (service.catalogs.current, ws)
    }

    @Test func exactSymbolFirstWithEquitiesBeforeDerivativesThenNameWords() async throws {
        let (c, ws) = try await Self.catalog()
        _ = ws
        let r = c.search("reliance", limit: 10).map(\.key.rawValue)
        #expect(r == ["NSE_EQ|INE002A01018", "BSE_EQ|INE002A01018", "NSE_FO|52170",  // exact, NSE first; then prefix
                      "NSE_EQ|INE330H01018", "BSE_EQ|INE330H01018"])                 // RCOM by the name's first word
    }

    @Test func aBareIndexSymbolListsCashThenIndicesThenFuturesByExpiryThenOptions() async throws {
        let (c, ws) = try await Self.catalog()
        _ = ws
        let r = c.search("NIFTY", limit: 8).map(\.tradingSymbol)
        #expect(r == ["NIFTY", "NIFTYBEES", "NIFTY IT", "NIFTY FUT 29 DEC 26", "NIFTY FUT 25 JAN 27", "NIFTY FUT 23 FEB 27",
                      "NIFTY 25800 CE 01 DEC 26", "NIFTY 25800 PE 01 DEC 26"])
        #expect(c.search("nifty 26000 pe", limit: 5).map(\.tradingSymbol) ==
                ["NIFTY 26000 PE 01 DEC 26", "NIFTY 26000 PE 08 DEC 26", "NIFTY 26000 PE 29 DEC 26"])
    }

    @Test func namesIsinsAndLimits() async throws {
        let (c, ws) = try await Self.catalog()
        _ = ws
        #expect(c.search("state bank", limit: 10).map(\.key.rawValue) == ["NSE_EQ|INE062A01020", "BSE_EQ|INE062A01020"])
        #expect(c.search("INE009A01021", limit: 10).map(\.key.rawValue) == ["NSE_EQ|INE009A01021", "BSE_EQ|INE009A01021"])
        #expect(c.search("tata consult", limit: 1).map(\.key.rawValue) == ["NSE_EQ|INE467B01029"])
        #expect(c.search("  ", limit: 10).isEmpty)
        #expect(c.search("zzzz", limit: 10).isEmpty)
        #expect(c.search("N", limit: 3).count == 3)
    }

    @Test func inactiveInstrumentsAreNotOffered() async throws {
        let (c, ws) = try await Self.catalog()
        _ = ws
        var all = c.instruments
        let i = all.firstIndex { $0.key.rawValue == "NSE_EQ|INE009A01021" }!
        all[i].active = false
        let c2 = InstrumentCatalog(instruments: all)
        #expect(c2.search("INFY", limit: 10).map(\.key.rawValue) == ["BSE_EQ|INE009A01021", "NSE_FO|52172"])
    }
}
