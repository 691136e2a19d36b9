/// A fixed-point ratio with four decimals (1 unit = 0.0001): margin percentages (`20` = 20 %) and
/// leverage factors (`5` = 5×). Never a Double.
public struct Rate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public static let scale: Int64 = 10_000
    public var units: Int64

    public init(units: Int64) { self.units = units }
    public init(whole: Int64) { self.units = whole * Rate.scale }

    /// 100 %: the whole value.
    public static let hundredPercent = Rate(whole: 100)

    /// Parses `20`, `26.5`, `0.25`; nil if not a decimal or more than 4 decimals.
    public init?<S: StringProtocol>(_ text: S) {
        guard let v = FixedPoint.parse(text, decimals: 4) else { return nil }
        units = v
    }

    public static func < (a: Rate, b: Rate) -> Bool { a.units < b.units }

    /// `20`, `26.5`: the shortest decimal form.
    public var description: String { FixedPoint.format(units, decimals: 4, minimumDecimals: 0) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self), let r = Rate(s) {
            self = r
        } else if let i = try? c.decode(Int64.self) {
            self = Rate(whole: i)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a decimal rate")
        }
    }
}
