import Foundation
import OMSCore
import Testing

struct HolidayCalendarTests {
    typealias F = SessionFixtures

    /// shared/domain/market-sessions.md §5: the 15 weekday holidays of 2026 for CM and F&O.
    static let holidays2026 = ["2026-01-26", "2026-03-03", "2026-03-26", "2026-03-31", "2026-04-03", "2026-04-14",
                               "2026-05-01", "2026-05-28", "2026-06-26", "2026-09-14", "2026-10-02", "2026-10-20",
                               "2026-11-10", "2026-11-24", "2026-12-25"]

    @Test func seedHasTheFifteen2026HolidaysForEveryMarket() throws {
        let calendar = try F.seededCalendar()
        for market in SessionMarket.allCases {
            let days = calendar.holidays(of: market)
            #expect(days.map(\.date.description) == Self.holidays2026, "\(market)")
            #expect(days.allSatisfy { !$0.date.isWeekend && $0.kind == .scheduled })
        }
        #expect(calendar.holiday(on: F.date("2026-01-26"), market: .bseDerivatives)?.reason == "Republic Day")
    }

    @Test func addedHolidaySeedAddsFifteenJanuary() throws {
        let calendar = try HolidayCalendar(csv: String(decoding: try F.seed("holidays-2026.csv"), as: UTF8.self),
                                           String(decoding: try F.seed("holidays-2026-added.csv"), as: UTF8.self))
        for market in SessionMarket.allCases {
            #expect(calendar.holidays(of: market).count == 16)
            #expect(calendar.holiday(on: F.date("2026-01-15"), market: market) != nil)
        }
    }

    @Test func readsUpstoxStyleRowsAndSkipsOtherHolidayTypes() throws {
        let csv = """
            date,exchange,holiday_type,description,open_time,close_time
            2026-01-15,NSE,TRADING_HOLIDAY,Municipal Corporation elections in Maharashtra,,
            2026-02-19,NSE,SETTLEMENT_HOLIDAY,Chhatrapati Shivaji Maharaj Jayanti,,
            2026-11-08,NSE,SPECIAL_TIMING,Muhurat trading,18:00,19:00
            "2026-12-25",BSE,TRADING_HOLIDAY,"Christmas, observed"
            """
        let rows = try HolidayCalendar.parseCSV(csv)
        #expect(rows.map { "\($0.date) \($0.market) \($0.reason)" } == [
            "2026-01-15 NSE_EQ Municipal Corporation elections in Maharashtra",
            "2026-01-15 NSE_FO Municipal Corporation elections in Maharashtra",
            "2026-12-25 BSE_EQ Christmas, observed",
            "2026-12-25 BSE_FO Christmas, observed",
        ])
    }

    @Test func segmentsAndSeveralExchangesInOneRow() throws {
        let rows = try HolidayCalendar.parseCSV("# comment\n\ndate,exchange,segments\r\n2026-05-01,NSE|BSE,FO\r\n")
        #expect(rows.map(\.market) == [.nseDerivatives, .bseDerivatives])
    }

    @Test(arguments: [
        ("date,exchange\n2026-13-01,NSE\n", 2),
        ("date,exchange\n2026-01-26,MCX\n", 2),
        ("date,exchange,segments\n2026-01-26,NSE,CM\n", 2),
        ("# only a comment\ndescription,when\n", 2),
        ("date,exchange\n2026-01-26,NSE\n\"2026-01-27,NSE\n", 3),
        ("", 1),
    ])
    func badRowsNameTheirLine(csv: String, line: Int) {
        #expect(throws: HolidayFileError.self) { try HolidayCalendar.parseCSV(csv) }
        do {
            _ = try HolidayCalendar.parseCSV(csv)
        } catch {
            #expect(error.line == line)
        }
    }

    @Test func unscheduledHolidayIsNotOverwrittenByTheYearlyList() {
        let calendar = HolidayCalendar()
        calendar.addHoliday(F.date("2026-01-15"), exchange: .bse, reason: "elections", segments: [.equity])
        calendar.add([SessionHoliday(date: F.date("2026-01-15"), market: .bseEquity, reason: "list")])
        #expect(calendar.holiday(on: F.date("2026-01-15"), market: .bseEquity)?.kind == .unscheduled)
        #expect(calendar.holiday(on: F.date("2026-01-15"), market: .bseDerivatives) == nil)
        #expect(calendar.removeHoliday(F.date("2026-01-15"), market: .bseEquity))
        #expect(!calendar.removeHoliday(F.date("2026-01-15"), market: .bseEquity))
    }

    @Test func unscheduledHolidayClosesASpecialSessionButTheYearlyListDoesNot() throws {
        let calendar = HolidayCalendar([SessionHoliday(date: F.date("2026-02-01"), market: .nseEquity, reason: "list")])
        let engine = try F.engine(holidays: calendar)
        let at = F.ms("2026-02-01 10:00")
        #expect(engine.isTradingAllowed(F.reliance, at: at, order: F.limit) == .allowed(phase: .normalMarket))
        calendar.addHoliday(F.date("2026-02-01"), exchange: .nse, reason: "session called off")
        #expect(engine.isTradingAllowed(F.reliance, at: at, order: F.limit).rejection?.rule == .holiday)
    }

    @Test func addingHolidaysWhileOrdersAreCheckedIsSafe() async throws {
        let calendar = HolidayCalendar()
        let engine = try F.engine(holidays: calendar)
        let start = F.date("2027-01-01")
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<250 {
                        calendar.addHoliday(start.adding(days: Int32(writer * 250 + i)), exchange: .nse, reason: "x")
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for i in 0..<2000 {
                        _ = engine.isTradingAllowed(F.reliance, at: F.ms("2027-03-01 10:00") + Int64(i), order: F.limit)
                    }
                }
            }
        }
        #expect(calendar.holidays(of: .nseEquity).count == 1000)
        #expect(calendar.holidays(of: .nseDerivatives).count == 1000)
        #expect(calendar.holidays(of: .bseEquity).isEmpty)
    }
}
