/// Calendar arithmetic on IST days (UTC+05:30, no daylight saving), without Foundation's calendar on the hot path.
public enum ISTCalendar {
    public static let offsetSeconds: Int64 = 19_800

    /// Day number (since 1970-01-01) in IST of an epoch-milliseconds instant.
    public static func day(ofEpochMillis ms: Int64) -> Int32 {
        let s = ms / 1000 + offsetSeconds
        return Int32(clamping: s >= 0 ? s / 86_400 : (s - 86_399) / 86_400)
    }

    /// Day number of a civil date (proleptic Gregorian).
    public static func day(year: Int, month: Int, day: Int) -> Int32 {
        Int32(TradingDate.daysFromCivil(year: year, month: month, day: day))
    }

    /// (year, month, day) of a day number.
    public static func civil(_ dayNumber: Int32) -> (year: Int, month: Int, day: Int) {
        TradingDate.civil(fromDays: Int(dayNumber))
    }

    public static func yearMonth(ofDay d: Int32) -> Int32 {
        let c = civil(d)
        return Int32(c.year * 100 + c.month)
    }

    /// `2026-12-29`.
    public static func isoDate(_ dayNumber: Int32) -> String {
        let c = civil(dayNumber)
        return "\(c.year)-\(c.month < 10 ? "0" : "")\(c.month)-\(c.day < 10 ? "0" : "")\(c.day)"
    }

    /// Parses `yyyy-MM-dd` or `yyyyMMdd`.
    public static func parseDay(_ s: String) -> Int32? {
        var v = 0
        var digits = 0
        for c in s.utf8 {
            if c == UInt8(ascii: "-") { continue }
            guard c >= 0x30 && c <= 0x39, digits < 8 else { return nil }
            v = v * 10 + Int(c - 0x30)
            digits += 1
        }
        guard digits == 8 else { return nil }
        let y = v / 10_000, m = v / 100 % 100, d = v % 100
        guard (1...12).contains(m), (1...31).contains(d), y > 1900 else { return nil }
        let n = day(year: y, month: m, day: d)
        guard civil(n) == (y, m, d) else { return nil }
        return n
    }
}
