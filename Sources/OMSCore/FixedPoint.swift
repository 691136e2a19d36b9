/// A rupee amount or price in fixed point: 1 unit = ₹0.0001 (four decimals). Never a Double.
public struct Price: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Units per rupee.
    public static let scale: Int64 = 10_000
    public var units: Int64

    public init(units: Int64) { self.units = units }
    public init(rupees: Int64) { self.units = rupees * Price.scale }
    /// From paise (Upstox publishes tick sizes in paise).
    public init(paise: Int64) { self.units = paise * (Price.scale / 100) }

    public static let zero = Price(units: 0)
    public static func < (a: Price, b: Price) -> Bool { a.units < b.units }
    public static func + (a: Price, b: Price) -> Price { Price(units: a.units + b.units) }
    public static func - (a: Price, b: Price) -> Price { Price(units: a.units - b.units) }

    /// Parses a decimal string such as `1402.50`, `-3`, `0.05`; nil if it is not one or has more than 4 decimals.
    public init?<S: StringProtocol>(_ text: S) {
        guard let v = FixedPoint.parse(text, decimals: 4) else { return nil }
        units = v
    }

    /// Converts a published floating-point value (JSON numbers), rounding to the nearest unit.
    public init?(exactly value: Double) {
        guard value.isFinite, abs(value) < 9e14 else { return nil }
        units = Int64((value * Double(Price.scale)).rounded())
    }

    /// `1402.5`, `0.05`: the shortest decimal form.
    public var description: String { FixedPoint.format(units, decimals: 4, minimumDecimals: 0) }

    /// Always two decimals (`1402.50`), as FIX and the UI show rupees.
    public var rupeesString: String { FixedPoint.format(units, decimals: 4, minimumDecimals: 2) }

    /// True when the price is a whole multiple of `tick`.
    public func isMultiple(of tick: Price) -> Bool { tick.units <= 0 || units % tick.units == 0 }

    /// The smallest multiple of `tick` at or above this price (itself for a tick that is not positive).
    public func roundedUp(toMultipleOf tick: Price) -> Price { Price(units: RiskMath.ceil(units, toMultipleOf: tick.units)) }

    /// The largest multiple of `tick` at or below this price (itself for a tick that is not positive).
    public func roundedDown(toMultipleOf tick: Price) -> Price { Price(units: RiskMath.floor(units, toMultipleOf: tick.units)) }

    /// The nearest multiple of `tick`; a price halfway between two goes up.
    public func rounded(toMultipleOf tick: Price) -> Price {
        Price(units: units.addingSaturated(max(tick.units, 0) / 2)).roundedDown(toMultipleOf: tick)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self), let p = Price(s) {
            self = p
        } else if let d = try? c.decode(Double.self), let p = Price(exactly: d) {
            self = p
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a price")
        }
    }
}

/// A quantity in units (shares, or contracts × lot size for F&O).
public struct Quantity: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var value: Int64
    public init(_ value: Int64) { self.value = value }
    public static let zero = Quantity(0)
    public static func < (a: Quantity, b: Quantity) -> Bool { a.value < b.value }
    public static func + (a: Quantity, b: Quantity) -> Quantity { Quantity(a.value + b.value) }
    public static func - (a: Quantity, b: Quantity) -> Quantity { Quantity(a.value - b.value) }
    public var description: String { String(value) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    public init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(Int64.self) }
}

enum FixedPoint {
    static func parse<S: StringProtocol>(_ text: S, decimals: Int) -> Int64? {
        var negative = false
        var whole: Int64 = 0
        var frac: Int64 = 0
        var fracDigits = 0
        var seenDot = false
        var digits = 0
        var first = true
        for c in text.utf8 {
            if first && (c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) {
                negative = c == UInt8(ascii: "-")
                first = false
                continue
            }
            first = false
            if c == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
                continue
            }
            guard c >= 48, c <= 57 else { return nil }
            digits += 1
            if seenDot {
                fracDigits += 1
                if fracDigits > decimals {
                    guard c == 48 else { return nil }  // trailing zeros beyond precision are fine
                    continue
                }
                frac = frac * 10 + Int64(c - 48)
            } else {
                guard whole < 100_000_000_000_000 else { return nil }
                whole = whole * 10 + Int64(c - 48)
            }
        }
        guard digits > 0 else { return nil }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        var f = frac
        for _ in 0..<(decimals - min(fracDigits, decimals)) { f *= 10 }
        // Up to 15 whole digits pass the loop; with the decimals they may not fit in Int64 (no value at all).
        let (w, o1) = whole.multipliedReportingOverflow(by: scale)
        let (v, o2) = w.addingReportingOverflow(f)
        if o1 || o2 { return nil }
        return negative ? -v : v
    }

    static func format(_ v: Int64, decimals: Int, minimumDecimals: Int) -> String {
        // Written backwards into a small buffer: no intermediate strings (prices are formatted for every
        // ExecutionReport).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { p in
            var scale: UInt64 = 1
            for _ in 0..<decimals { scale *= 10 }
            let a = v.magnitude
            var whole = a / scale
            var frac = a % scale
            var digits = decimals
            while digits > minimumDecimals, frac % 10 == 0 {
                frac /= 10
                digits -= 1
            }
            var i = p.count
            for _ in 0..<digits {
                i -= 1
                p[i] = UInt8(48 + frac % 10)
                frac /= 10
            }
            if digits > 0 {
                i -= 1
                p[i] = UInt8(ascii: ".")
            }
            repeat {
                i -= 1
                p[i] = UInt8(48 + whole % 10)
                whole /= 10
            } while whole > 0
            if v < 0 {
                i -= 1
                p[i] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: p[i...]), as: UTF8.self)
        }
    }
}

extension Int64 {
    /// self × b, saturating at ±Int64.max: a quantity × price from a broker or a peer must not trap.
    public func multipliedSaturated(by b: Int64) -> Int64 {
        let (r, overflow) = multipliedReportingOverflow(by: b)
        if overflow { return (self < 0) != (b < 0) ? -Int64.max : Int64.max }
        return r
    }

    /// self + b, saturating at ±Int64.max: money totals that no real book reaches must not trap.
    public func addingSaturated(_ b: Int64) -> Int64 {
        let (r, overflow) = addingReportingOverflow(b)
        if overflow { return self < 0 ? -Int64.max : Int64.max }
        return r
    }
}
