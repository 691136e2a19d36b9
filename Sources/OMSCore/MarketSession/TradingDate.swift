/// A calendar date in India, stored as days since 1970-01-01 (the form `Instrument.expiryDay` uses).
///
/// Pure integer arithmetic (proleptic Gregorian, Howard Hinnant's `days_from_civil`): no `Calendar`, no
/// `DateFormatter`, so it is cheap enough for the order path.
public struct TradingDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// Nil unless `year-month-day` is a real date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= TradingDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        daysSinceEpoch = Int32(TradingDate.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses `YYYY-MM-DD`.
    public init?<S: StringProtocol>(iso text: S) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: TradingDate, b: TradingDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public var components: (year: Int, month: Int, day: Int) { TradingDate.civil(fromDays: Int(daysSinceEpoch)) }

    /// 1970-01-01 was a Thursday.
    public var weekday: Weekday { Weekday(rawValue: Int(((Int64(daysSinceEpoch) % 7) + 11) % 7))! }

    public var isWeekend: Bool { weekday == .saturday || weekday == .sunday }

    public func adding(days: Int32) -> TradingDate { TradingDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// `2026-08-03`.
    public var description: String {
        let c = components
        return TradingDate.pad(c.year, 4) + "-" + TradingDate.pad(c.month, 2) + "-" + TradingDate.pad(c.day, 2)
    }

    public enum Weekday: Int, Sendable, CaseIterable {
        case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
