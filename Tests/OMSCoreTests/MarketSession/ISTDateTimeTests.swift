import Foundation
import OMSCore
import Testing

struct ISTDateTimeTests {
    typealias F = SessionFixtures

    @Test func epochMillisecondsConvertToISTWallClock() {
        // 1790706599000 = 29-Sep-2026 23:59:59 IST (instrument master expiry, instruments.md).
        let t = ISTDateTime(epochMilliseconds: 1_790_706_599_000)
        #expect(t.description == "2026-09-29 23:59:59.000 IST")
        #expect(t.epochMilliseconds == 1_790_706_599_000)
        // 18:30 UTC is midnight IST of the next day.
        #expect(ISTDateTime(epochMilliseconds: F.ms("2026-07-01 00:00")).date == F.date("2026-07-01"))
        #expect(ISTDateTime(epochMilliseconds: F.ms("2026-07-01 00:00") - 1).description
            == "2026-06-30 23:59:59.999 IST")
        #expect(ISTDateTime(epochMilliseconds: 0).description == "1970-01-01 05:30:00.000 IST")
        #expect(ISTDateTime(epochMilliseconds: -19_800_001).description == "1969-12-31 23:59:59.999 IST")
    }

    @Test func aMinuteEndsJustBeforeTheNextOne() {
        let before = ISTDateTime(epochMilliseconds: F.ms("2026-07-01 09:07:59.999"))
        let at = ISTDateTime(epochMilliseconds: F.ms("2026-07-01 09:08"))
        #expect(before.minuteOfDay == 9 * 60 + 7 && before.millisecondOfMinute == 59_999)
        #expect(at.minuteOfDay == 9 * 60 + 8 && at.millisecondOfMinute == 0)
    }

    @Test func agreesWithFoundationOnEveryDayFrom2024To2030() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = try #require(TimeZone(secondsFromGMT: 19_800))
        var day = try #require(TradingDate(year: 2024, month: 1, day: 1))
        while day < TradingDate(year: 2031, month: 1, day: 1)! {
            let ms = ISTDateTime.epochMilliseconds(day: day.daysSinceEpoch, minuteOfDay: 555)
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
            let mine = day.components
            #expect(c.year == mine.year && c.month == mine.month && c.day == mine.day)
            #expect(c.hour == 9 && c.minute == 15)
            #expect(c.weekday! - 1 == day.weekday.rawValue)
            day = day.adding(days: 1)
        }
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "20260101", "2026-01-32", "abcd-ef-gh"])
    func invalidDatesAreRefused(text: String) {
        #expect(TradingDate(iso: text) == nil)
    }

    @Test func datesParseAndPrint() {
        #expect(TradingDate(iso: "2028-02-29")?.description == "2028-02-29")
        #expect(F.date("2026-08-03").weekday == .monday)
        #expect(F.date("2026-09-07").weekday == .monday)
        #expect(F.date("2026-02-01").weekday == .sunday && F.date("2026-02-01").isWeekend)
        #expect(F.date("2026-07-28").weekday == .tuesday)
        #expect(TradingDate(daysSinceEpoch: 0).weekday == .thursday)
        #expect(TradingDate(daysSinceEpoch: -1).weekday == .wednesday)
    }

    @Test(arguments: [("09:15", 555), ("00:00", 0), ("24:00", 1440), ("15:40", 940)])
    func sessionTimesParse(text: String, minute: Int) {
        #expect(SessionTime(text)?.minuteOfDay == Int16(minute))
        #expect(SessionTime(text)?.description == text)
    }

    @Test(arguments: ["9:15", "24:01", "12:60", "ab:cd", "12-30", "1:2:3", "::::"])
    func badSessionTimesAreRefused(text: String) {
        #expect(SessionTime(text) == nil)
    }

    @Test func clockInstantsRoundToTheMillisecond() {
        let ms = F.ms("2026-07-01 09:07:59.999")
        #expect(MarketSessionEngine.epochMilliseconds(Date(timeIntervalSince1970: Double(ms) / 1000)) == ms)
    }
}
