/// Fixed-point helpers for the risk rules: saturating products, exact a×b/c, tick rounding, and the one place
/// where a Double result (SPAN, VaR) becomes money.
enum RiskMath {
    /// Units per paisa (₹0.01).
    static let paisa: Int64 = Price.scale / 100

    /// a × b, saturating at ±Int64.max (a value that large fails every limit).
    static func product(_ a: Int64, _ b: Int64) -> Int64 { a.multipliedSaturated(by: b) }

    /// a + b, saturating.
    static func sum(_ a: Int64, _ b: Int64) -> Int64 { a.addingSaturated(b) }

    /// A reserved total less what is freed, never below zero: totals saturate when reserved (orders worth
    /// more than Int64 holds together), so freeing each in turn can take more than is left — it used to trap.
    static func release(_ total: Int64, _ freed: Int64) -> Int64 {
        max(0, total.addingSaturated(freed == .min ? .max : -freed))
    }

    /// a × b / c rounded toward zero, exact for any a, b when the quotient fits (c > 0).
    static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        precondition(c > 0, "mulDiv by a non-positive divisor")
        let negative = (a < 0) != (b < 0)
        let full = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let (q, _) = c.magnitude.dividingFullWidth(full)
        let v = Int64(clamping: q)
        return negative ? -v : v
    }

    /// Quantity × price in Price units (a rupee amount), saturating.
    static func value(_ quantity: Int64, _ price: Price) -> Int64 { product(quantity, price.units) }

    /// Smallest multiple of `tick` ≥ `units` (tick > 0); the largest multiple that fits when that one does not
    /// (near Int64.max, a value that fails every limit — computing past it used to trap).
    static func ceil(_ units: Int64, toMultipleOf tick: Int64) -> Int64 {
        guard tick > 0 else { return units }
        let r = units % tick
        if r == 0 { return units }
        guard units > 0 else { return units - r }
        let (up, overflow) = (units - r).addingReportingOverflow(tick)
        return overflow ? units - r : up
    }

    /// Largest multiple of `tick` ≤ `units` (tick > 0); the smallest that fits near Int64.min.
    static func floor(_ units: Int64, toMultipleOf tick: Int64) -> Int64 {
        guard tick > 0 else { return units }
        let r = units % tick
        if r == 0 { return units }
        guard units < 0 else { return units - r }
        let (down, overflow) = (units - r).subtractingReportingOverflow(tick)
        return overflow ? units - r : down
    }

    /// Rupees (Double) → Price: rounded to the nearest unit (₹0.0001, which absorbs floating-point noise such as
    /// 162500.00000000003), then up to the next paisa. Negative and non-finite values give zero.
    static func moneyUp(_ rupees: Double) -> Price {
        guard rupees.isFinite, rupees > 0 else { return .zero }
        guard rupees < 9e14 else { return Price(units: Int64.max) }
        let units = Int64((rupees * Double(Price.scale)).rounded())
        return Price(units: ceil(units, toMultipleOf: paisa))
    }

    /// Rupees (Double) → Price: rounded to the nearest unit, then down to the paisa (for credits).
    static func moneyDown(_ rupees: Double) -> Price {
        guard rupees.isFinite, rupees > 0 else { return .zero }
        guard rupees < 9e14 else { return Price(units: Int64.max) }
        let units = Int64((rupees * Double(Price.scale)).rounded())
        return Price(units: floor(units, toMultipleOf: paisa))
    }

    /// `rate` percent of `value` (≥ 0), rounded up to the unit; rates outside 0 … 100 % are clamped to it.
    static func percent(_ value: Int64, _ rate: Rate) -> Int64 {
        guard value > 0, rate.units > 0 else { return 0 }
        let hundred = Rate.hundredPercent.units
        if rate.units >= hundred { return value }
        let full = value.magnitude.multipliedFullWidth(by: rate.units.magnitude)
        let (q, r) = UInt64(hundred).dividingFullWidth(full)  // q < value: it fits
        return Int64(q) + (r > 0 ? 1 : 0)
    }

    /// Rate (percent, 4 decimals) as a fraction: `Rate(whole: 2)` → 0.02.
    static func fraction(_ rate: Rate) -> Double { Double(rate.units) / Double(Rate.scale * 100) }
}
