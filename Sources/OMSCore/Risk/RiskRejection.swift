/// Why the risk engine refused an order: a decision, not an error. Each case carries the rule and the numbers
/// that decided it; `code` is stable (tag 5006) and `description` renders `CODE: key=value …` (tag 58).
public enum RiskRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// A per-client limit: `value` would exceed `limit` (for `maxDailyLoss`, the loss already does).
    case clientLimit(ClientLimitRule, limit: RiskAmount, value: RiskAmount)
    /// The engine has no limits for this client (fail closed).
    case limitsNotConfigured(client: ClientID)
    /// A quantity cap: the exchange freeze quantity, the slice count, or a symbol cap of the client.
    case quantityCap(QuantityCapRule, instrument: InstrumentKey, limit: Int64, value: Int64)
    /// The portfolio's new margin requirement (SPAN + exposure + premium) exceeds the available margin.
    case insufficientMargin(required: Price, available: Price)
    /// A cash-market order's blocked funds (CNC its value, MIS and MTF their margin) with the funds in use (cash
    /// market and F&O) exceed the available funds.
    case insufficientFunds(required: Price, available: Price)
    /// The client's intraday portfolio VaR after the order would exceed the threshold.
    case intradayVaR(limit: Price, value: Price)
    /// A delivery sell (CNC or MTF, cash segment) of `value` when the client holds only `free` that open sells
    /// do not already cover: no short delivery (an unmet delivery goes to the exchange's auction).
    case insufficientHoldings(instrument: InstrumentKey, product: Product, free: Int64, value: Int64)
    /// A price, underlying price or volatility needed by a rule is not in the market snapshot.
    case missingMarketData(MarketDataUse, instrument: InstrumentKey)
    /// A price outside the day's band for the instrument (inclusive bounds).
    case priceBand(PriceField, lower: Price, upper: Price, value: Price)
    /// A price that is not a multiple of the tick size.
    case badTick(PriceField, tick: Price, value: Price)
    /// A quantity that is not positive or not a multiple of the lot size.
    case badQuantity(QuantityRule, lotSize: Int64, value: Quantity)
    /// An order characteristic the engine does not take.
    case unsupported(UnsupportedOrder)

    /// A rule could not be evaluated for want of a price or volatility.
    public var isMissingMarketData: Bool {
        if case .missingMarketData = self { return true }
        return false
    }

    public var code: RiskRejectCode {
        switch self {
        case .clientLimit, .limitsNotConfigured: .clientLimit
        case .quantityCap: .quantityCap
        case .insufficientMargin, .insufficientFunds, .intradayVaR: .margin
        case .insufficientHoldings: .holdings
        case .missingMarketData(let use, _): use == .marketProtection ? .priceBand : .margin
        case .priceBand: .priceBand
        case .badTick: .badTick
        case .badQuantity: .badQuantity
        case .unsupported: .unsupported
        }
    }

    /// FIX OrdRejReason (103).
    public var ordRejReason: Int { code.ordRejReason }

    /// `RISK_CLIENT_LIMIT: rule=maxOrderValue limit=500000.00 value=701250.00`.
    public var description: String {
        let c = code.rawValue
        switch self {
        case .clientLimit(let rule, let limit, let value):
            return "\(c): rule=\(rule.rawValue) limit=\(limit) value=\(value)"
        case .limitsNotConfigured(let client):
            return "\(c): rule=limitsNotConfigured client=\(client)"
        case .quantityCap(let rule, let instrument, let limit, let value):
            return "\(c): rule=\(rule.rawValue) instrument=\(instrument) limit=\(limit) value=\(value)"
        case .insufficientMargin(let required, let available):
            return "\(c): rule=spanMargin required=\(required.rupeesString) available=\(available.rupeesString)"
        case .insufficientFunds(let required, let available):
            return "\(c): rule=funds required=\(required.rupeesString) available=\(available.rupeesString)"
        case .intradayVaR(let limit, let value):
            return "\(c): rule=intradayVaR limit=\(limit.rupeesString) value=\(value.rupeesString)"
        case .insufficientHoldings(let instrument, let product, let free, let value):
            return "\(c): rule=deliverySell instrument=\(instrument) product=\(product.rawValue) free=\(free) value=\(value)"
        case .missingMarketData(let use, let instrument):
            return "\(c): rule=missingMarketData use=\(use.rawValue) instrument=\(instrument)"
        case .priceBand(let field, let lower, let upper, let value):
            return "\(c): field=\(field.rawValue) lower=\(lower.rupeesString) upper=\(upper.rupeesString) "
                + "value=\(value.rupeesString)"
        case .badTick(let field, let tick, let value):
            return "\(c): field=\(field.rawValue) tick=\(tick.rupeesString) value=\(value.rupeesString)"
        case .badQuantity(let rule, let lot, let value):
            return "\(c): rule=\(rule.rawValue) lot=\(lot) value=\(value)"
        case .unsupported(let u):
            return "\(c): \(u)"
        }
    }
}

/// A limit or a measured value: rupees (two decimals at least) or a count.
public enum RiskAmount: Hashable, Sendable, CustomStringConvertible {
    case money(Price)
    case count(Int64)

    public var description: String {
        switch self {
        case .money(let p): p.rupeesString
        case .count(let n): String(n)
        }
    }
}

/// The per-client limits (`RiskLimits`), each a `RISK_CLIENT_LIMIT` rejection.
public enum ClientLimitRule: String, Sendable, Codable, CaseIterable {
    case maxOrderValue, maxOrderQuantity, maxOpenOrders, maxOpenValue, maxDailyLoss
}

/// Quantity caps, each a `RISK_QTY_CAP` rejection.
public enum QuantityCapRule: String, Sendable, Codable, CaseIterable {
    /// Above the exchange freeze quantity and the order does not ask for slicing (tag 5012).
    case freezeQuantity
    /// Slicing would need more child orders than allowed.
    case maxSlices
    /// The client's per-order cap on the instrument.
    case symbolOrderQuantity
    /// The client's cap on the instrument's position (worst case: every working order on that side fills).
    case symbolPosition
}

/// What a missing market datum was needed for.
public enum MarketDataUse: String, Sendable, Codable, CaseIterable {
    /// LTP to protect a market order (`RISK_PRICE_BAND`).
    case marketProtection
    /// Price or volatility for SPAN (`RISK_MARGIN`).
    case spanMargin
    /// Price, volatility or return series for intraday VaR (`RISK_MARGIN`).
    case intradayVaR
}

/// Which price of the order a rule looked at.
public enum PriceField: String, Sendable, Codable, CaseIterable {
    case limitPrice, triggerPrice, protectionPrice
}

/// Quantity rules, each a `BAD_QTY` rejection.
public enum QuantityRule: String, Sendable, Codable, CaseIterable {
    case nonPositive, notLotMultiple
}

/// Order characteristics the engine refuses (`UNSUPPORTED`, 103=11).
public enum UnsupportedOrder: Hashable, Sendable, CustomStringConvertible {
    /// Tag 5004 outside -1 (auto) and 0 … maximum.
    case marketProtectionOutOfRange(value: Int, maximum: Int)
    /// A LIMIT/SL order without a limit price, an SL/SL-M order without a trigger price.
    case missingPrice(PriceField, orderType: OrderType)
    case nonPositivePrice(PriceField, value: Price)

    public var description: String {
        switch self {
        case .marketProtectionOutOfRange(let v, let max):
            "rule=marketProtectionPct lower=0 upper=\(max) value=\(v)"
        case .missingPrice(let field, let type):
            "rule=missingPrice field=\(field.rawValue) orderType=\(type.rawValue)"
        case .nonPositivePrice(let field, let v):
            "rule=nonPositivePrice field=\(field.rawValue) value=\(v.rupeesString)"
        }
    }
}
