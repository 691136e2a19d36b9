/// Vega's broker-neutral instrument id, Upstox form: `NSE_EQ|INE002A01018`, `NSE_FO|52168`.
public struct InstrumentKey: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: InstrumentKey, b: InstrumentKey) -> Bool { a.rawValue < b.rawValue }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
}

/// Exchange segment as the instrument master names it.
public enum Segment: String, Sendable, Codable, CaseIterable {
    case nseEQ = "NSE_EQ", bseEQ = "BSE_EQ", nseFO = "NSE_FO", bseFO = "BSE_FO"
    case nseIndex = "NSE_INDEX", bseIndex = "BSE_INDEX"
    case ncdFO = "NCD_FO", bcdFO = "BCD_FO", mcxFO = "MCX_FO", nseCOM = "NSE_COM"

    public var isDerivative: Bool { [.nseFO, .bseFO, .ncdFO, .bcdFO, .mcxFO].contains(self) }
    public var isCash: Bool { self == .nseEQ || self == .bseEQ }
    public var isIndex: Bool { self == .nseIndex || self == .bseIndex }
}

/// Delivery (CNC), intraday (MIS), margin trading (MTF), derivatives carry (NRML).
public enum Product: String, Sendable, Codable, CaseIterable {
    case cnc = "CNC", mis = "MIS", mtf = "MTF", nrml = "NRML"
}

public enum Side: String, Sendable, Codable {
    case buy = "BUY", sell = "SELL"
}

public enum OptionType: String, Sendable, Codable {
    case call = "CE", put = "PE"
}

/// One row of the instrument master, as the core sees it (fixed-point prices).
public struct Instrument: Hashable, Sendable, Codable {
    public var key: InstrumentKey
    public var segment: Segment
    public var exchange: String
    public var name: String
    /// Series for cash (`EQ`, `BE`, …), `FUT`/`CE`/`PE` for derivatives, `INDEX`.
    public var instrumentType: String
    public var tradingSymbol: String
    public var isin: String?
    public var exchangeToken: String?
    public var lotSize: Int64
    public var tickSize: Price
    public var freezeQuantity: Int64?
    public var securityType: String?
    /// Expiry day (F&O), as days since 1970-01-01 in IST.
    public var expiryDay: Int32?
    public var strikePrice: Price?
    public var optionType: OptionType?
    public var underlyingKey: InstrumentKey?
    public var underlyingSymbol: String?
    public var weekly: Bool
    public var shortName: String?
    public var active: Bool

    public init(key: InstrumentKey, segment: Segment, exchange: String, name: String, instrumentType: String,
                tradingSymbol: String, isin: String? = nil, exchangeToken: String? = nil, lotSize: Int64 = 1,
                tickSize: Price = Price(paise: 5), freezeQuantity: Int64? = nil, securityType: String? = nil,
                expiryDay: Int32? = nil, strikePrice: Price? = nil, optionType: OptionType? = nil,
                underlyingKey: InstrumentKey? = nil, underlyingSymbol: String? = nil, weekly: Bool = false,
                shortName: String? = nil, active: Bool = true) {
        self.key = key
        self.segment = segment
        self.exchange = exchange
        self.name = name
        self.instrumentType = instrumentType
        self.tradingSymbol = tradingSymbol
        self.isin = isin
        self.exchangeToken = exchangeToken
        self.lotSize = lotSize
        self.tickSize = tickSize
        self.freezeQuantity = freezeQuantity
        self.securityType = securityType
        self.expiryDay = expiryDay
        self.strikePrice = strikePrice
        self.optionType = optionType
        self.underlyingKey = underlyingKey
        self.underlyingSymbol = underlyingSymbol
        self.weekly = weekly
        self.shortName = shortName
        self.active = active
    }

    public var isDerivative: Bool { segment.isDerivative }
    /// Trade-for-trade series on NSE (delivery only).
    public var isTradeForTrade: Bool { segment == .nseEQ && ["BE", "BZ", "ST", "SZ"].contains(instrumentType) }
}
