/// A time of day in IST at minute resolution, `00:00` … `24:00` (the end of a phase that runs to midnight).
public struct SessionTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minuteOfDay: Int16

    public init(minuteOfDay: Int16) {
        precondition(minuteOfDay >= 0 && minuteOfDay <= 1440, "minute of day out of range: \(minuteOfDay)")
        self.minuteOfDay = minuteOfDay
    }

    public init(_ hour: Int, _ minute: Int) { self.init(minuteOfDay: Int16(hour * 60 + minute)) }

    /// Parses `HH:mm` (`24:00` allowed).
    public init?<S: StringProtocol>(_ text: S) {
        let u = Array(text.utf8)
        guard u.count == 5, u[2] == UInt8(ascii: ":"), [0, 1, 3, 4].allSatisfy({ u[$0] >= 48 && u[$0] <= 57 }) else {
            return nil
        }
        let h = Int(u[0] - 48) * 10 + Int(u[1] - 48)
        let m = Int(u[3] - 48) * 10 + Int(u[4] - 48)
        guard m < 60, h * 60 + m <= 1440 else { return nil }
        minuteOfDay = Int16(h * 60 + m)
    }

    public static func < (a: SessionTime, b: SessionTime) -> Bool { a.minuteOfDay < b.minuteOfDay }

    /// `09:08`.
    public var description: String { SessionTime.format(Int(minuteOfDay)) }

    static func format(_ minute: Int) -> String {
        TradingDate.pad(minute / 60, 2) + ":" + TradingDate.pad(minute % 60, 2)
    }
}
