/// One client's risk limits. `nil` switches a rule off. Fixed-point throughout; Codable for the limits file
/// (prices as decimal strings: `"500000.00"`).
///
/// Boundary convention: a value exactly at its limit passes; one unit above is rejected (docs/risk.md).
public struct RiskLimits: Hashable, Sendable, Codable {
    /// Quantity × valuation price of one order.
    public var maxOrderValue: Price?
    /// Units in one order (the parent, when sliced).
    public var maxOrderQuantity: Quantity?
    /// Working orders including the new one (a sliced order counts once).
    public var maxOpenOrders: Int?
    /// Σ unfilled quantity × valuation price of working orders, including the new one.
    public var maxOpenValue: Price?
    /// Realised plus mark-to-market loss for the day, as a positive amount. Once the loss is above it, only
    /// orders that reduce exposure pass.
    public var maxDailyLoss: Price?
    /// Funds available for margin: F&O (SPAN + exposure + premium of option buys) and the cash market (CNC buys
    /// their value, MTF buys and MIS orders their product margin), one pool.
    public var availableMargin: Price?
    /// Threshold for the parametric VaR of the client's intraday (MIS) positions and working orders.
    public var intradayVaRLimit: Price?
    /// Per-instrument caps.
    public var symbolCaps: SymbolCaps

    public init(maxOrderValue: Price? = nil, maxOrderQuantity: Quantity? = nil, maxOpenOrders: Int? = nil,
                maxOpenValue: Price? = nil, maxDailyLoss: Price? = nil, availableMargin: Price? = nil,
                intradayVaRLimit: Price? = nil, symbolCaps: SymbolCaps = SymbolCaps()) {
        self.maxOrderValue = maxOrderValue
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOpenOrders = maxOpenOrders
        self.maxOpenValue = maxOpenValue
        self.maxDailyLoss = maxDailyLoss
        self.availableMargin = availableMargin
        self.intradayVaRLimit = intradayVaRLimit
        self.symbolCaps = symbolCaps
    }

    /// Every rule off: for tests and for clients whose limits are enforced elsewhere.
    public static let unlimited = RiskLimits()

    enum CodingKeys: String, CodingKey {
        case maxOrderValue, maxOrderQuantity, maxOpenOrders, maxOpenValue, maxDailyLoss, availableMargin
        case intradayVaRLimit, symbolCaps
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxOrderValue = try c.decodeIfPresent(Price.self, forKey: .maxOrderValue)
        maxOrderQuantity = try c.decodeIfPresent(Quantity.self, forKey: .maxOrderQuantity)
        maxOpenOrders = try c.decodeIfPresent(Int.self, forKey: .maxOpenOrders)
        maxOpenValue = try c.decodeIfPresent(Price.self, forKey: .maxOpenValue)
        maxDailyLoss = try c.decodeIfPresent(Price.self, forKey: .maxDailyLoss)
        availableMargin = try c.decodeIfPresent(Price.self, forKey: .availableMargin)
        intradayVaRLimit = try c.decodeIfPresent(Price.self, forKey: .intradayVaRLimit)
        symbolCaps = try c.decodeIfPresent(SymbolCaps.self, forKey: .symbolCaps) ?? SymbolCaps()
    }
}

/// A client's caps on one instrument.
public struct SymbolCap: Hashable, Sendable, Codable {
    /// Units in one order.
    public var maxOrderQuantity: Quantity?
    /// Absolute position in units, counting every working order on the order's side as filled.
    public var maxPositionQuantity: Quantity?

    public init(maxOrderQuantity: Quantity? = nil, maxPositionQuantity: Quantity? = nil) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxPositionQuantity = maxPositionQuantity
    }
}

/// Symbol-level caps of one client, by instrument key. Encodes as an object keyed by the instrument key.
public struct SymbolCaps: Hashable, Sendable, Codable {
    public var caps: [InstrumentKey: SymbolCap]

    public init(_ caps: [InstrumentKey: SymbolCap] = [:]) { self.caps = caps }

    public subscript(key: InstrumentKey) -> SymbolCap? {
        get { caps[key] }
        set { caps[key] = newValue }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Dictionary(uniqueKeysWithValues: caps.map { ($0.key.rawValue, $0.value) }))
    }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: SymbolCap].self)
        caps = Dictionary(uniqueKeysWithValues: raw.map { (InstrumentKey($0.key), $0.value) })
    }
}
