/// An instant seen on the IST wall clock (UTC+05:30, India has no daylight saving time).
public struct ISTDateTime: Hashable, Sendable, CustomStringConvertible {
    /// +05:30 in milliseconds.
    public static let offsetMilliseconds: Int64 = 19_800_000
    static let millisecondsPerDay: Int64 = 86_400_000

    public var date: TradingDate
    /// 0 ..< 1440.
    public var minuteOfDay: Int
    /// 0 ..< 60 000.
    public var millisecondOfMinute: Int

    /// The IST calendar day of an instant, as days since 1970 (the `tradingDay` of positions).
    public static func day(epochMilliseconds: Int64) -> Int {
        Int(ISTDateTime(epochMilliseconds: epochMilliseconds).date.daysSinceEpoch)
    }

    /// The start (00:00 IST) of the IST calendar day of an instant, in epoch milliseconds.
    public static func dayStart(epochMilliseconds: Int64) -> Int64 {
        ISTDateTime(date: ISTDateTime(epochMilliseconds: epochMilliseconds).date, minuteOfDay: 0).epochMilliseconds
    }

    /// From Unix epoch milliseconds (UTC). Floors, so 09:07:59.999 is still minute 09:07.
    @inline(__always)
    public init(epochMilliseconds: Int64) {
        let local = epochMilliseconds &+ ISTDateTime.offsetMilliseconds
        var day = local / ISTDateTime.millisecondsPerDay
        var rem = local % ISTDateTime.millisecondsPerDay
        if rem < 0 {
            rem += ISTDateTime.millisecondsPerDay
            day -= 1
        }
        date = TradingDate(daysSinceEpoch: Int32(truncatingIfNeeded: day))
        minuteOfDay = Int(rem / 60_000)
        millisecondOfMinute = Int(rem % 60_000)
    }

    public init(date: TradingDate, minuteOfDay: Int, millisecondOfMinute: Int = 0) {
        self.date = date
        self.minuteOfDay = minuteOfDay
        self.millisecondOfMinute = millisecondOfMinute
    }

    public init(date: TradingDate, time: SessionTime) {
        self.init(date: date, minuteOfDay: Int(time.minuteOfDay))
    }

    public var epochMilliseconds: Int64 {
        ISTDateTime.epochMilliseconds(day: date.daysSinceEpoch, minuteOfDay: minuteOfDay)
            + Int64(millisecondOfMinute)
    }

    /// The UTC epoch milliseconds of `minuteOfDay:00.000` IST on `day`.
    @inline(__always)
    public static func epochMilliseconds(day: Int32, minuteOfDay: Int) -> Int64 {
        Int64(day) * millisecondsPerDay + Int64(minuteOfDay) * 60_000 - offsetMilliseconds
    }

    /// `2026-08-03 09:08:00.000 IST`.
    public var description: String {
        let s = millisecondOfMinute / 1000
        let ms = millisecondOfMinute % 1000
        return "\(date) \(SessionTime.format(minuteOfDay)):\(TradingDate.pad(s, 2)).\(TradingDate.pad(ms, 3)) IST"
    }
}
