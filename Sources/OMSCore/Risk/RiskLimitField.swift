/// One editable field of a client's `RiskLimits`, as `trader-cli limits set` and `PUT /api/limits/{client}` name
/// it. The two symbol-cap fields also need an instrument key.
public enum RiskLimitField: String, Sendable, Codable, CaseIterable {
    case maxOrderValue, maxOrderQuantity, maxOpenOrders, maxOpenValue, maxDailyLoss, availableMargin
    case intradayVaRLimit
    case symbolMaxOrderQuantity, symbolMaxPositionQuantity

    /// Rupee amounts (decimal strings, at most 4 decimals); the others are whole counts.
    public var isMoney: Bool {
        switch self {
        case .maxOrderValue, .maxOpenValue, .maxDailyLoss, .availableMargin, .intradayVaRLimit: true
        default: false
        }
    }

    /// A per-instrument cap (needs an instrument key).
    public var isSymbolCap: Bool { self == .symbolMaxOrderQuantity || self == .symbolMaxPositionQuantity }
}

/// One change to one field: `value` nil switches the rule off.
public struct RiskLimitEdit: Hashable, Sendable, Codable {
    public var field: RiskLimitField
    public var instrument: InstrumentKey?
    public var value: String?

    public init(field: RiskLimitField, instrument: InstrumentKey? = nil, value: String?) {
        self.field = field
        self.instrument = instrument
        self.value = value
    }
}

/// A change that cannot be applied; `description` says which field and why.
public struct RiskLimitEditError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: RiskLimitField
    public var message: String
    public var description: String { "\(field.rawValue): \(message)" }
}

extension RiskLimits {
    /// The field's value as text (`500000.00`, `10`), nil when the rule is off.
    public func text(of field: RiskLimitField, instrument: InstrumentKey? = nil) -> String? {
        switch field {
        case .maxOrderValue: maxOrderValue?.rupeesString
        case .maxOrderQuantity: maxOrderQuantity.map { String($0.value) }
        case .maxOpenOrders: maxOpenOrders.map(String.init)
        case .maxOpenValue: maxOpenValue?.rupeesString
        case .maxDailyLoss: maxDailyLoss?.rupeesString
        case .availableMargin: availableMargin?.rupeesString
        case .intradayVaRLimit: intradayVaRLimit?.rupeesString
        case .symbolMaxOrderQuantity:
            instrument.flatMap { symbolCaps[$0]?.maxOrderQuantity }.map { String($0.value) }
        case .symbolMaxPositionQuantity:
            instrument.flatMap { symbolCaps[$0]?.maxPositionQuantity }.map { String($0.value) }
        }
    }

    /// Applies one change. Money must be a decimal amount ≥ 0 with at most 4 decimals; counts a whole number ≥ 0;
    /// symbol caps need an instrument key. A symbol cap with both quantities off is removed.
    public mutating func apply(_ edit: RiskLimitEdit) throws(RiskLimitEditError) {
        let field = edit.field
        func fail(_ m: String) -> RiskLimitEditError { RiskLimitEditError(field: field, message: m) }
        var money: Price?
        var count: Int64?
        if let text = edit.value {
            if field.isMoney {
                guard let p = Price(text), p.units >= 0 else {
                    throw fail("`\(text)` is not a rupee amount ≥ 0 with at most 4 decimals")
                }
                money = p
            } else {
                guard let n = Int64(text), n >= 0, n <= Int64(Int32.max) else {
                    throw fail("`\(text)` is not a whole number from 0 to \(Int32.max)")
                }
                count = n
            }
        }
        if field.isSymbolCap {
            guard let key = edit.instrument, !key.rawValue.isEmpty else { throw fail("needs an instrument key") }
            var cap = symbolCaps[key] ?? SymbolCap()
            if field == .symbolMaxOrderQuantity { cap.maxOrderQuantity = count.map { Quantity($0) } }
            else { cap.maxPositionQuantity = count.map { Quantity($0) } }
            symbolCaps[key] = cap.maxOrderQuantity == nil && cap.maxPositionQuantity == nil ? nil : cap
            return
        }
        guard edit.instrument == nil else { throw fail("takes no instrument key") }
        switch field {
        case .maxOrderValue: maxOrderValue = money
        case .maxOrderQuantity: maxOrderQuantity = count.map { Quantity($0) }
        case .maxOpenOrders: maxOpenOrders = count.map { Int($0) }
        case .maxOpenValue: maxOpenValue = money
        case .maxDailyLoss: maxDailyLoss = money
        case .availableMargin: availableMargin = money
        case .intradayVaRLimit: intradayVaRLimit = money
        case .symbolMaxOrderQuantity, .symbolMaxPositionQuantity: break
        }
    }
}
