/// SEBI market protection (from 01-Apr-2026): market and SL-M orders carry the worst price they may fill at.
///
/// protection = reference × (1 ± pct/100), buy rounded up to the tick, sell rounded down; the reference is the
/// LTP for a market order and the trigger price for an SL-M order (it turns into a market order at the
/// trigger). The result is then clamped into the day's band (and kept on a tick); if it still falls outside
/// (the reference itself is outside the band), the order is rejected.
public enum MarketProtection {
    /// The percentage to use: tag 5004 nil or −1 → `auto`; 0 … `maximum` → itself; anything else is rejected.
    public static func percent(tag value: Int?, auto: Rate, maximum: Int) -> Result<Rate, RiskRejection> {
        guard let value, value != -1 else { return .success(auto) }
        guard value >= 0, value <= maximum else {
            return .failure(.unsupported(.marketProtectionOutOfRange(value: value, maximum: maximum)))
        }
        return .success(Rate(whole: Int64(value)))
    }

    /// The protection price for `side` from `reference`, or the band rejection.
    public static func price(side: Side, reference: Price, percent: Rate, tick: Price, band: PriceBand?)
        -> Result<Price, RiskRejection>
    {
        let scale = Rate.scale * 100  // Rate units per 1.0
        let factor = side == .buy ? scale + percent.units : scale - percent.units
        let raw = RiskMath.mulDiv(reference.units, factor, scale)
        let t = tick.units
        var p = side == .buy ? RiskMath.ceil(raw, toMultipleOf: t) : RiskMath.floor(raw, toMultipleOf: t)
        if p <= 0 { p = max(t, 1) }
        if let band {
            if side == .buy, p > band.upper.units { p = RiskMath.floor(band.upper.units, toMultipleOf: t) }
            if side == .sell, p < band.lower.units { p = RiskMath.ceil(band.lower.units, toMultipleOf: t) }
            guard band.contains(Price(units: p)) else {
                return .failure(.priceBand(.protectionPrice, lower: band.lower, upper: band.upper,
                                           value: Price(units: p)))
            }
        }
        return .success(Price(units: p))
    }
}
