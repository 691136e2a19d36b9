import Foundation
import GRDB
import OMSCore
import Testing
@testable import ReferenceData

@Suite struct ListAndDailyInputLoaderTests {
    static func mis(_ record: String, margin: String = "20", leverage: String = "5") -> String {
        String(record.dropLast()) + #","intraday_margin":\#(margin),"intraday_leverage":\#(leverage)}"#
    }

    static func mtf(_ record: String, bracket: String) -> String {
        String(record.dropLast()) + #","mtf_enabled":true,"mtf_bracket":\#(bracket)}"#
    }

    @Test func misListSetsMarginsAndAnInstrumentLeavingTheListLosesThem() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(Fixtures.day1)))
        let d = Fixtures.day1
        let first = try await loader.load(path: try ws.writeGzip("NSE_MIS.json.gz", Fixtures.array(
            [Self.mis(d[0]), Self.mis(d[1], margin: "25", leverage: "4"),
             Self.mis(Fixtures.equity("GHOST", isin: "INE000X01010", token: "1"))])))
        #expect(first.kind == .mis)
        #expect((first.read, first.inserted, first.updated, first.unchanged, first.deactivated, first.rejectedCount) == (3, 2, 0, 0, 0, 1))
        #expect(first.rejections.first?.reason == "instrument_key NSE_EQ|INE000X01010 is not in the instrument master")
        #expect(try ws.row("NSE_EQ|INE467B01029")?["intraday_margin"] as Double? == 25)
        #expect(try ws.row("NSE_EQ|INE467B01029")?["intraday_leverage"] as Double? == 4)
        let second = try await loader.load(path: try ws.writeGzip("NSE_MIS.json.gz", Fixtures.array(
            [Self.mis(d[0]), Self.mis(d[3], margin: "20", leverage: "5")])))
        #expect((second.inserted, second.updated, second.unchanged, second.deactivated) == (1, 0, 1, 1))
        #expect(try ws.row("NSE_EQ|INE467B01029")?["intraday_margin"] as Double? == nil)
        let same = try await loader.load(path: try ws.writeGzip("NSE_MIS.json.gz", Fixtures.array(
            [Self.mis(d[0]), Self.mis(d[3], margin: "20", leverage: "5")])))
        #expect((same.inserted, same.updated, same.unchanged, same.deactivated) == (0, 0, 2, 0))
        // A BSE list does not touch NSE instruments.
        let bse = try await loader.load(path: try ws.writeGzip("BSE_MIS.json.gz", "[]"))
        #expect(bse.deactivated == 0)
        #expect(try ws.row("NSE_EQ|INE002A01018")?["intraday_margin"] as Double? == 20)
    }

    /// A list cut short would lift its flag from most instruments at once (an empty suspended list un-suspends every
    /// stock): refused like a partial BOD file, and loaded when allowed. It had no such guard.
    @Test func aListCutShortIsRefusedUnlessAllowed() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader(options: LoadOptions(maxDeactivationFraction: 0.5, deactivationGuardMinimum: 4))
        _ = try await loader.load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(Fixtures.day1)))
        let equities = Array(Fixtures.day1[0..<4])
        _ = try await loader.load(path: try ws.writeGzip("suspended-instrument.json.gz", Fixtures.array(equities)))
        let before = try ws.dump()
        let empty = try await loader.load(path: try ws.writeGzip("suspended-instrument.json.gz", "[]"))
        #expect(empty.error?.code == .massDeactivation)
        #expect(empty.error?.message == "the file would take 4 of 4 instruments off the suspended list (more than 50 %); is it a partial file?")
        #expect(try ws.dump() == before)
        let short = try await loader.load(path: try ws.writeGzip("NSE_MIS.json.gz", Fixtures.array(equities.map { Self.mis($0) })))
        #expect(short.error == nil)
        let half = try await loader.load(path: try ws.writeGzip("NSE_MIS.json.gz", Fixtures.array([Self.mis(equities[0])])))
        #expect(half.error?.code == .massDeactivation)
        // Allowed: loaded.
        let forced = try await ws.loader(options: LoadOptions(maxDeactivationFraction: 1.0, deactivationGuardMinimum: 4))
            .load(path: try ws.writeGzip("suspended-instrument.json.gz", "[]"))
        #expect(forced.error == nil && forced.deactivated == 4)
    }

    @Test func mtfAndSuspendedListsAreOverlaysThatABODReloadKeeps() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        let bod = try ws.writeGzip("complete.json.gz", Fixtures.array(Fixtures.day1))
        _ = try await loader.load(path: bod)
        let mtf = try await loader.load(path: try ws.writeGzip("MTF.json.gz", Fixtures.array(
            [Self.mtf(Fixtures.day1[0], bracket: "26.5")])))
        #expect((mtf.inserted, mtf.rejectedCount) == (1, 0))
        let susp = try await loader.load(path: try ws.writeGzip("suspended-instrument.json.gz", Fixtures.array([Fixtures.day1[2]])))
        #expect(susp.inserted == 1)
        let again = try await loader.load(path: bod)
        #expect(again.unchanged == 6)
        let rel = try #require(try ws.row("NSE_EQ|INE002A01018"))
        #expect(rel["mtf_enabled"] as Bool == true)
        #expect(rel["mtf_bracket"] as Double == 26.5)
        #expect(try ws.row("NSE_EQ|INE839G01010")?["suspended"] as Bool? == true)
        let lifted = try await loader.load(path: try ws.writeGzip("suspended-instrument.json.gz", "[]"))
        #expect(lifted.deactivated == 1)
        #expect(try ws.row("NSE_EQ|INE839G01010")?["suspended"] as Bool? == false)
    }

    @Test func csvDailyInputsLoadReplaceTheirDatesAndReportBadRows() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(Fixtures.day1)))
        let bands = """
            date,exchange,symbol,lower_limit,upper_limit
            2026-11-25,NSE,RELIANCE,1388.05,1696.55
            2026-11-25,NSE,JOCIL,172.35,190.45
            2026-11-25,NSE,NOSUCH,1,2
            2026-11-25,NSE,TCS,3000,2000
            2026-11-31,NSE,SBIN,1,2
            2026-11-25,NSE,RELIANCE,1,2
            """
        let r = try await loader.load(path: try ws.write("price_bands.csv", bands))
        #expect(r.kind == .priceBands)
        #expect((r.read, r.inserted, r.rejectedCount) == (6, 2, 4))
        #expect(r.rejections.map(\.index) == [2, 3, 4, 5])
        #expect(r.rejections[0].reason == "NSE_EQ NOSUCH is not in the instrument master")
        #expect(r.rejections[1].reason == "lower_limit is above upper_limit")
        #expect(r.rejections[2].reason == "date `2026-11-31` is not a date (yyyy-MM-dd)")
        #expect(r.rejections[3].reason == "duplicate of row 0")
        let lower = try await ws.pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT lower_limit FROM price_bands WHERE instrument_key = 'NSE_EQ|INE002A01018'")
        }
        #expect(lower == Price("1388.05")!.units)
        // The next file for the same date replaces it: JOCIL's band goes, RELIANCE's changes.
        let r2 = try await loader.load(path: try ws.write("bands2.csv", "date,exchange,symbol,lower_limit,upper_limit\n2026-11-25,NSE,RELIANCE,1400,1700\n"))
        #expect((r2.inserted, r2.updated, r2.unchanged, r2.deactivated) == (0, 1, 0, 1))

        let surv = try await loader.load(path: try ws.write("surveillance.csv", """
            date,instrument_key,framework,stage
            2026-11-25,NSE_EQ|INE839G01010,GSM,II
            2026-11-25,NSE_EQ|INE839G01010,LT-ASM,4
            2026-11-25,NSE_EQ|INE839G01010,XYZ,I
            """))
        #expect((surv.inserted, surv.rejectedCount) == (2, 1))
        let stage = try await ws.pool.read { db in try String.fetchOne(db, sql: "SELECT stage FROM surveillance_list WHERE framework = 'LT-ASM'") }
        #expect(stage == "IV")
        // The same day's file again with the LT-ASM row refused (a stage that is no stage): a file with refused
        // rows removes nothing, so the stored LT-ASM flag stays (it was deleted, the load reporting success).
        let again = try await loader.load(path: try ws.write("surveillance2.csv", """
            date,instrument_key,framework,stage
            2026-11-25,NSE_EQ|INE839G01010,GSM,II
            2026-11-25,NSE_EQ|INE839G01010,LT-ASM,V
            """))
        #expect((again.unchanged, again.rejectedCount, again.deactivated) == (1, 1, 0), "\(again.rejections)")
        let kept = try await ws.pool.read { db in try String.fetchOne(db, sql: "SELECT stage FROM surveillance_list WHERE framework = 'LT-ASM'") }
        #expect(kept == "IV")

        let holidays = """
            date,exchange,holiday_type,description,open_time,close_time
            2026-12-25,NSE,TRADING_HOLIDAY,Christmas,,
            2026-11-08,NSE,SPECIAL_TIMING,"Muhurat trading, Diwali",18:00,19:00
            2026-11-09,NSE,SPECIAL_TIMING,No times,,
            """
        let h = try await loader.load(path: try ws.write("holidays.csv", holidays))
        #expect((h.inserted, h.rejectedCount) == (2, 1))
        let desc = try await ws.pool.read { db in
            try String.fetchOne(db, sql: "SELECT description FROM exchange_holidays WHERE holiday_type = 'SPECIAL_TIMING'")
        }
        #expect(desc == "Muhurat trading, Diwali")
        let hAgain = try await loader.load(path: try ws.write("holidays.csv", holidays))
        #expect((hAgain.inserted, hAgain.updated, hAgain.unchanged, hAgain.deactivated) == (0, 0, 2, 0))

        let t2t = try await loader.load(path: try ws.write("t2t.csv", "exchange,series,description\nNSE,BE,T2T\nNSE,BZ,\nXYZ,Q,\n"))
        #expect((t2t.inserted, t2t.rejectedCount) == (2, 1))
        let ipo = try await loader.load(path: try ws.write("ipo.csv", "date,exchange,symbol,event,issue_price\n2026-11-25,NSE,SBIN,IPO,312\n2026-11-25,NSE,TCS,LISTING,\n"))
        #expect((ipo.inserted, ipo.rejectedCount) == (1, 1))
        let clients = try await loader.load(path: try ws.write("clients.csv", "client_id,products\nC1,\"CNC,MIS\"\nC2,CNC|NRML\nC3,FOO\n"))
        #expect((clients.inserted, clients.rejectedCount) == (2, 1))
        let c2 = try await ws.pool.read { db in try String.fetchOne(db, sql: "SELECT products FROM client_product_permissions WHERE client_id = 'C2'") }
        #expect(c2 == "CNC,NRML")
    }

    @Test func aCSVWithoutTheNeededColumnsIsRefused() async throws {
        let ws = try TempWorkspace()
        let r = try await ws.loader().load(path: try ws.write("bands.csv", "date,symbol,lower_limit\n2026-11-25,X,1\n"), kind: .priceBands)
        #expect(r.status == .refused)
        #expect(r.error?.code == .badHeader)
        let quoted = try await ws.loader().load(path: try ws.write("h.csv", "date,exchange,holiday_type,description\n2026-12-25,NSE,TRADING_HOLIDAY,\"open"))
        #expect(quoted.error?.code == .truncated)
    }

    @Test func theDemoSeedsLoadWithoutRejections() async throws {
        let ws = try TempWorkspace()
        let reports = try await ReferenceDataSeeder.seedIfEmpty(ws.loader(), directory: Fixtures.seedsDirectory)
        #expect(reports.map(\.kind) == [.bod, .mis, .mis, .mtf, .suspended, .t2tSeries, .clientProducts, .priceBands,
                                        .surveillance, .ipo, .holidays])
        #expect(reports.allSatisfy { $0.status == .succeeded && $0.rejectedCount == 0 })
        #expect(reports[0].inserted > 100)
        let again = try await ReferenceDataSeeder.seedIfEmpty(ws.loader(), directory: Fixtures.seedsDirectory)
        #expect(again.isEmpty)
    }
}
