import Foundation
import GRDB
import OMSCore
import Testing
@testable import ReferenceData

@Suite struct InstrumentLoaderTests {
    @Test func goodGzipFileInsertsEveryRecordWithTheDesignColumns() async throws {
        let ws = try TempWorkspace()
        let file = try ws.writeGzip("complete.json.gz", Fixtures.array(Fixtures.day1))
        let r = try await ws.loader().load(path: file)
        #expect(r.status == .succeeded)
        #expect(r.kind == .bod)
        #expect((r.read, r.inserted, r.updated, r.unchanged, r.deactivated, r.rejectedCount) == (6, 6, 0, 0, 0, 0))
        let rel = try #require(try ws.row("NSE_EQ|INE002A01018"))
        #expect(rel["trading_symbol"] as String == "RELIANCE")
        #expect(rel["segment"] as String == "NSE_EQ")
        #expect(rel["exchange"] as String == "NSE")
        #expect(rel["instrument_type"] as String == "EQ")
        #expect(rel["tick_size"] as Double == 10.0)  // paise, as published
        #expect(rel["lot_size"] as Int == 1)
        #expect(rel["isin"] as String == "INE002A01018")
        #expect(rel["exchange_token"] as String == "2885")
        #expect(rel["active"] as Bool == true)
        #expect(rel["mtf_enabled"] as Bool == false)  // DEFAULT FALSE until the MTF list says otherwise
        let fut = try #require(try ws.row("NSE_FO|52168"))
        #expect(fut["expiry"] as Int64 == 1_798_568_999_000)
        #expect(fut["strike_price"] as Int64? == 0)
        #expect(fut["lot_size"] as Int == 65)
        #expect(fut["underlying_symbol"] as String == "NIFTY")
        #expect(fut["weekly"] as Bool == false)
        let instrument = try #require(try await ws.pool.read { db in try InstrumentRepository.fetch(db, key: InstrumentKey("NSE_FO|52168")) })
        #expect(instrument.tickSize == Price(paise: 10))
        #expect(instrument.expiryDay == ISTCalendar.day(year: 2026, month: 12, day: 29))
        #expect(r.sha256?.count == 64)
        let run = try #require(try await ws.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM load_runs") })
        #expect(run["status"] as String == "succeeded")
        #expect(run["kind"] as String == "bod")
        #expect(run["file_name"] as String == "complete.json.gz")
        #expect(run["inserted_count"] as Int == 6)
        #expect(run["sha256"] as String == r.sha256!)
        #expect((run["finished_at"] as String?) != nil)
    }

    @Test func loadingTheSameFileTwiceChangesNothing() async throws {
        let ws = try TempWorkspace()
        let file = try ws.writeGzip("complete.json.gz", Fixtures.array(Fixtures.day1))
        let loader = ws.loader()
        _ = try await loader.load(path: file)
        let before = try ws.dump()
        let changesBefore = try await ws.pool.read { db in try Int.fetchOne(db, sql: "SELECT total_changes()")! }
        let r = try await loader.load(path: file)
        #expect((r.read, r.inserted, r.updated, r.unchanged, r.deactivated, r.rejectedCount) == (6, 0, 0, 6, 0, 0))
        #expect(try ws.dump() == before)
        _ = changesBefore
        let runs = try await ws.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM load_runs")! }
        #expect(runs == 2)
    }

    @Test func secondDayAddsRemovesChangesAndMovesEQToBE() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("day1.json.gz", Fixtures.array(Fixtures.day1)), kind: .bod)
        let r = try await loader.load(path: try ws.writeGzip("day2.json.gz", Fixtures.array(Fixtures.day2)), kind: .bod)
        // INFY inserted; SBIN (tick) and JOCIL (EQ → BE) updated; RELIANCE, NIFTY, FUT unchanged; TCS deactivated.
        #expect((r.read, r.inserted, r.updated, r.unchanged, r.deactivated, r.rejectedCount) == (6, 1, 2, 3, 1, 0))
        let tcs = try #require(try ws.row("NSE_EQ|INE467B01029"))
        #expect(tcs["active"] as Bool == false)  // kept, never deleted
        let jocil = try #require(try ws.row("NSE_EQ|INE839G01010"))
        #expect(jocil["instrument_type"] as String == "BE")
        #expect(jocil["exchange_token"] as String == "16931")
        #expect(jocil["active"] as Bool == true)
        #expect(try ws.row("NSE_EQ|INE062A01020")?["tick_size"] as Double? == 10.0)
        #expect(try ws.row("NSE_EQ|INE009A01021")?["active"] as Bool? == true)
        let count = try await ws.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instruments")! }
        #expect(count == 7)
        // Day 1 again: TCS comes back (updated = reactivated), INFY goes, SBIN and JOCIL change back.
        let again = try await loader.load(path: try ws.writeGzip("day1-again.json.gz", Fixtures.array(Fixtures.day1)))
        #expect((again.inserted, again.updated, again.unchanged, again.deactivated) == (0, 3, 3, 1))
        #expect(try ws.row("NSE_EQ|INE467B01029")?["active"] as Bool? == true)
    }

    @Test(arguments: [
        ("truncated", ReferenceFileError.Code.truncated),
        ("not-gzip", .notGzip),
        ("not-json", .notJSON),
        ("object", .wrongShape),
        ("scalar", .wrongShape),
        ("open-array", .truncated),
        ("syntax", .notJSON),
        ("trailing", .notJSON),
        ("empty", .notJSON),
    ])
    func badFilesAreRefusedWholeAndTheDatabaseStaysAsItWas(_ bad: String, _ code: ReferenceFileError.Code) async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("day1.json.gz", Fixtures.array(Fixtures.day1)))
        let before = try ws.dump()
        let day2 = Fixtures.array(Fixtures.day2)
        let path: String
        switch bad {
        case "truncated":
            let full = try Data(contentsOf: URL(fileURLWithPath: try ws.writeGzip("full.json.gz", day2)))
            path = try ws.writeBytes("complete.json.gz", Array(full.prefix(full.count * 2 / 3)))
        case "not-gzip": path = try ws.write("complete.json.gz", day2)
        case "not-json": path = try ws.writeGzip("complete.json.gz", "<html><body>503 Service Unavailable</body></html>")
        case "object": path = try ws.writeGzip("complete.json.gz", #"{"status":"error","data":[]}"#)
        case "scalar": path = try ws.writeGzip("complete.json.gz", "42")
        case "open-array": path = try ws.writeGzip("complete.json.gz", String(day2.dropLast(3)))
        case "syntax": path = try ws.writeGzip("complete.json.gz", day2.replacingOccurrences(of: #""lot_size":1,"#, with: #""lot_size":1,,"#))
        case "trailing": path = try ws.writeGzip("complete.json.gz", day2 + " []")
        default: path = try ws.writeGzip("complete.json.gz", "")
        }
        let r = try await loader.load(path: path, kind: .bod)
        #expect(r.status == .refused)
        #expect(r.error?.code == code, "\(r.error?.description ?? "no error")")
        #expect((r.inserted, r.updated, r.deactivated) == (0, 0, 0))
        #expect(try ws.dump() == before)
        let status = try await ws.pool.read { db in
            try String.fetchOne(db, sql: "SELECT status || ' ' || kind FROM load_runs ORDER BY id DESC LIMIT 1")
        }
        #expect(status == "refused bod")
    }

    /// A record past 16 MiB (an instrument record is a few hundred bytes) refuses the file, naming the record;
    /// nothing is stored. (A record past 2 GiB trapped the parser, whose positions are Int32.)
    @Test func aRecordPastTheBoundRefusesTheFile() async throws {
        let ws = try TempWorkspace()
        let huge = #"{"segment":"NSE_EQ","name":""# + String(repeating: "x", count: 17 << 20) + #"","instrument_key":"NSE_EQ|X"}"#
        let r = try await ws.loader().load(path: try ws.writeGzip("complete.json.gz", Fixtures.array([Fixtures.day1[0], huge])))
        #expect(r.error?.code == .notJSON)
        #expect(r.error?.description.contains("record 1 is 17825") == true, "\(r.error?.description ?? "")")
        #expect(try ws.dump().isEmpty)
    }

    @Test func aTruncatedGzipTrailerIsDetectedEvenWhenTheJSONIsComplete() async throws {
        let ws = try TempWorkspace()
        let full = try Data(contentsOf: URL(fileURLWithPath: try ws.writeGzip("x.json.gz", Fixtures.array(Fixtures.day1))))
        let cut = try ws.writeBytes("complete.json.gz", Array(full.dropLast(4)))  // CRC/length trailer cut
        let r = try await ws.loader().load(path: cut)
        #expect(r.error?.code == .truncated)
        #expect(try ws.dump().isEmpty)
    }

    @Test func malformedRecordsAreSkippedAndReportedWithIndexAndReason() async throws {
        let ws = try TempWorkspace()
        let records = [
            Fixtures.equity("RELIANCE", isin: "INE002A01018", token: "2885"),                          // 0 ok
            #"{"segment":"NSE_EQ","name":"X","exchange":"NSE","instrument_type":"EQ","trading_symbol":"X"}"#,  // 1 no key
            Fixtures.equity("TCS", isin: "INE467B01029", token: "11536", lot: #""abc""#),                 // 2 bad lot
            #"{"segment":"GLOBAL_INDEX","name":"Dow","exchange":"GLOBAL","instrument_type":"INDEX","instrument_key":"GLOBAL_INDEX|DJI","trading_symbol":"DJI"}"#,  // 3
            #""just a string""#,                                                                         // 4 not an object
            Fixtures.equity("SBIN", isin: "INE062A01020", token: "3045").replacingOccurrences(of: "NSE_EQ|", with: "BSE_EQ|"), // 5
            Fixtures.equity("RELIANCE2", isin: "INE002A01018", token: "1"),                              // 6 duplicate key
            Fixtures.equity("INFY", isin: "INE009A01021", token: "1594", lot: #""1""#),                   // 7 ok: number as string
            Fixtures.future("1").replacingOccurrences(of: #""expiry":1798568999000,"#, with: ""),        // 8 no expiry
            Fixtures.equity("ITC", isin: "INE154A01025", token: "1660", lot: "[1]"),                     // 9 array
        ]
        let r = try await ws.loader().load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(records)))
        #expect(r.status == .succeeded)
        #expect((r.read, r.inserted, r.rejectedCount) == (10, 2, 8), "\(r.rejections)")
        #expect(r.rejections.map(\.index) == [1, 2, 3, 4, 5, 6, 8, 9])
        let reasons = Dictionary(uniqueKeysWithValues: r.rejections.map { ($0.index, $0.reason) })
        #expect(reasons[1] == "instrument_key is missing")
        #expect(reasons[2]?.hasPrefix("lot_size: `abc` is not a number") == true)
        #expect(reasons[3] == "segment: unsupported segment `GLOBAL_INDEX`")
        #expect(reasons[4] == "record is a string, not an object")
        #expect(reasons[5] == "instrument_key `BSE_EQ|INE062A01020` does not belong to segment NSE_EQ")
        #expect(reasons[6] == "duplicate instrument_key NSE_EQ|INE002A01018 in this file")
        #expect(reasons[8] == "expiry is missing for a derivative")
        #expect(reasons[9] == "lot_size: expected a number, got an array")
        let stored = try await ws.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM load_run_rejections WHERE load_run_id = ?", arguments: [r.runID])
        }
        #expect(stored == 8)
    }

    @Test func aRepeatedKeyInADayFileIsRejectedAndTheRestStillLoads() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("d1.json.gz", Fixtures.array(Fixtures.day1)))
        var day = Fixtures.day2
        day.insert(Fixtures.day2[0], at: 2)  // RELIANCE twice
        let r = try await loader.load(path: try ws.writeGzip("d2.json.gz", Fixtures.array(day)))
        #expect((r.read, r.inserted, r.updated, r.unchanged, r.deactivated, r.rejectedCount) == (7, 1, 2, 3, 1, 1))
        #expect(r.rejections == [LoadReport.Rejection(index: 2, reason: "duplicate instrument_key NSE_EQ|INE002A01018 in this file")])
    }

    /// Values stored as REAL and read back as whole numbers at every start (expiry, freeze quantity, tick,
    /// MIS leverage) are bounded at the load: one past Int64 or an expiry in the year 33658 used to be stored
    /// and then stop the server at each start (a refresh traps). Such records are refused, the rest loads, and
    /// a refresh reads everything back.
    @Test func valuesBeyondWhatIsReadBackAreRefusedAtTheLoad() async throws {
        let ws = try TempWorkspace()
        let records = [
            Fixtures.equity("RELIANCE", isin: "INE002A01018", token: "2885"),
            Fixtures.future("1", expiry: "1e18"),
            Fixtures.future("2", expiry: "946684799999"),
            Fixtures.equity("TCS", isin: "INE467B01029", token: "11536")
                .replacingOccurrences(of: #""freeze_quantity":100000.0"#, with: #""freeze_quantity":9223372036854775807"#),
            Fixtures.equity("SBIN", isin: "INE062A01020", token: "3045", tick: "92233720368547758.07"),
        ]
        let service = ReferenceDataService(writer: ws.pool, clock: ManualInstantClock(Fixtures.nov25At0700))
        let r = try await service.loader.load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(records)))
        #expect(r.status == .succeeded)
        #expect((r.read, r.inserted, r.rejectedCount) == (5, 1, 4), "\(r.rejections)")
        let reasons = Dictionary(uniqueKeysWithValues: r.rejections.map { ($0.index, $0.reason) })
        #expect(reasons[1] == "expiry must be epoch milliseconds between 2000 and 2100")
        #expect(reasons[2] == "expiry must be epoch milliseconds between 2000 and 2100")
        #expect(reasons[3] == "freeze_quantity must be 0…1000000000000")
        #expect(reasons[4]?.hasPrefix("tick_size") == true, "\(reasons[4] ?? "")")
        try await service.refresh()
    }

    @Test func aMalformedRecordForAKnownInstrumentDoesNotDeactivateIt() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("d1.json.gz", Fixtures.array(Fixtures.day1)))
        var broken = Fixtures.day1
        broken[1] = broken[1].replacingOccurrences(of: #""lot_size":1"#, with: #""lot_size":-5"#)
        let r = try await loader.load(path: try ws.writeGzip("d2.json.gz", Fixtures.array(broken)))
        #expect((r.unchanged, r.rejectedCount, r.deactivated) == (5, 1, 0))
        #expect(try ws.row("NSE_EQ|INE467B01029")?["active"] as Bool? == true)
    }

    @Test func aSymbolTakenOverByANewISINRetiresTheOldRow() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader()
        _ = try await loader.load(path: try ws.writeGzip("d1.json.gz", Fixtures.array(Fixtures.day1)))
        var day = Fixtures.day1
        // A corporate action: SBIN gets a new ISIN; the new record comes before the old one would have.
        day[3] = Fixtures.equity("SBIN", isin: "INE062A01038", token: "3045")
        let r = try await loader.load(path: try ws.writeGzip("d2.json.gz", Fixtures.array(day)))
        #expect((r.inserted, r.updated, r.unchanged, r.deactivated, r.rejectedCount) == (1, 0, 5, 1, 0))
        let old = try #require(try ws.row("NSE_EQ|INE062A01020"))
        #expect(old["active"] as Bool == false)
        #expect(old["trading_symbol"] as String == "SBIN [NSE_EQ|INE062A01020]")
        #expect(try ws.row("NSE_EQ|INE062A01038")?["trading_symbol"] as String? == "SBIN")
    }

    @Test func twoRecordsWithTheSameSymbolInOneFileRejectTheSecond() async throws {
        let ws = try TempWorkspace()
        let records = [Fixtures.equity("SBIN", isin: "INE062A01020", token: "3045"),
                       Fixtures.equity("SBIN", isin: "INE062A01038", token: "3046")]
        let r = try await ws.loader().load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(records)))
        #expect((r.inserted, r.rejectedCount) == (1, 1))
        #expect(r.rejections.first?.reason.hasPrefix("trading_symbol SBIN is already used in NSE_EQ by NSE_EQ|INE062A01020") == true)
    }

    @Test func aFileThatWouldSwitchOffMostOfTheMarketIsRefused() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader(options: LoadOptions(maxDeactivationFraction: 0.5, deactivationGuardMinimum: 4))
        _ = try await loader.load(path: try ws.writeGzip("d1.json.gz", Fixtures.array(Fixtures.day1)))
        let before = try ws.dump()
        let partial = Fixtures.array([Fixtures.day1[0]])  // only RELIANCE: 3 of 4 NSE_EQ would go
        let r = try await loader.load(path: try ws.writeGzip("NSE.json.gz", partial))
        #expect(r.error?.code == .massDeactivation)
        #expect(try ws.dump() == before)
    }

    /// The guard is per segment: a file whole for one segment and cut short for another is refused, however small
    /// the part missing is of the whole (it was counted over all the file's segments together).
    @Test func aFileCutShortInOneSegmentIsRefused() async throws {
        let ws = try TempWorkspace()
        let loader = ws.loader(options: LoadOptions(maxDeactivationFraction: 0.5, deactivationGuardMinimum: 4))
        let nse = (0..<20).map { Fixtures.equity("N\($0)", isin: "INE1\(1000 + $0)A0101", token: "\(100 + $0)") }
        let bse = (0..<4).map { Fixtures.equity("B\($0)", isin: "INE2\(1000 + $0)A0101", token: "\(500 + $0)", segment: "BSE_EQ") }
        _ = try await loader.load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(nse + bse)))
        let before = try ws.dump()
        // Every NSE row, one BSE row: 3 of 24 would go (12 %), but 3 of 4 BSE equities (75 %).
        let r = try await loader.load(path: try ws.writeGzip("complete.json.gz", Fixtures.array(nse + [bse[0]])))
        #expect(r.error?.code == .massDeactivation)
        #expect(r.error?.message.contains("3 of 4 active BSE_EQ instruments") == true, "\(r.error?.message ?? "")")
        #expect(try ws.dump() == before)
    }

    @Test func plainJSONAndNumbersAsStringsLoadToo() async throws {
        let ws = try TempWorkspace()
        let rec = Fixtures.future("9", lot: 65).replacingOccurrences(of: #""lot_size":65"#, with: #""lot_size":"65""#)
            .replacingOccurrences(of: #""tick_size":10.0"#, with: #""tick_size":"10""#)
            .replacingOccurrences(of: #""expiry":1798568999000"#, with: #""expiry":1.798568999E12"#)
        let r = try await ws.loader().load(path: try ws.write("complete.json", "\u{FEFF}" + Fixtures.array([rec])))
        #expect((r.inserted, r.rejectedCount) == (1, 0))
        let row = try #require(try ws.row("NSE_FO|9"))
        #expect(row["lot_size"] as Int == 65)
        #expect(row["expiry"] as Int64 == 1_798_568_999_000)
    }

    @Test func theKindIsToldFromTheNameOrTheContent() async throws {
        let ws = try TempWorkspace()
        #expect(try ReferenceDataLoader.detectKind(path: try ws.writeGzip("complete.json.gz", "[]")) == .bod)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.writeGzip("NSE_MIS.json.gz", "[]")) == .mis)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.writeGzip("MTF.json.gz", "[]")) == .mtf)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.writeGzip("suspended-instrument.json.gz", "[]")) == .suspended)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.writeGzip("today.json.gz", Fixtures.array(Fixtures.day1))) == .bod)
        let mis = Fixtures.day1[0].replacingOccurrences(of: "}", with: #","intraday_margin":20,"intraday_leverage":5}"#)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.write("list.json", Fixtures.array([mis]))) == .mis)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.write("bands.csv", "date,exchange,symbol,lower_limit,upper_limit\n")) == .priceBands)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.writeGzip("h.csv.gz", "date,exchange,holiday_type,description\n")) == .holidays)
        #expect(try ReferenceDataLoader.detectKind(path: try ws.write("s.csv", "# ASM/GSM, today\n\ndate,symbol,exchange,framework,stage\n")) == .surveillance)
        #expect(throws: ReferenceFileError.self) {
            try ReferenceDataLoader.detectKind(path: try ws.write("eq.json", Fixtures.array([Fixtures.day1[0]])))
        }
        let unknown = try await ws.loader().load(path: try ws.write("notes.txt", "hello"))
        #expect(unknown.status == .refused)
        #expect(unknown.error?.code == .notJSON)
    }
}
