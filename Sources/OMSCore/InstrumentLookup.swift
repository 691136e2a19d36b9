/// What an order names its instrument by, as FIX gives it: Symbol (55) with SecurityExchange (207), or
/// SecurityID (48) with SecurityIDSource (22); derivatives also by SecurityType (167), MaturityDate (541)
/// or MaturityMonthYear (200), PutOrCall (201) and StrikePrice (202).
public struct InstrumentLookup: Hashable, Sendable, Codable, CustomStringConvertible {
    /// SecurityIDSource (22) values the resolver understands.
    public enum IDSource {
        /// `4`: ISIN (equities).
        public static let isin = "4"
        /// `8`: exchange symbol: a trading symbol, an exchange token (digits), or Vega's instrument_key (`NSE_EQ|…`).
        public static let exchangeSymbol = "8"
    }

    public var symbol: String?
    public var exchange: String?
    public var securityID: String?
    public var securityIDSource: String?
    /// `CS`/`EQ` (cash), `FUT`, `OPT`, `INDEX`.
    public var securityType: String?
    /// `YYYYMMDD`.
    public var maturityDate: String?
    /// `YYYYMM` (the monthly contract) or `YYYYMMDD`.
    public var maturityMonthYear: String?
    public var putOrCall: OptionType?
    public var strikePrice: Price?

    public init(symbol: String? = nil, exchange: String? = nil, securityID: String? = nil,
                securityIDSource: String? = nil, securityType: String? = nil, maturityDate: String? = nil,
                maturityMonthYear: String? = nil, putOrCall: OptionType? = nil, strikePrice: Price? = nil) {
        self.symbol = symbol
        self.exchange = exchange
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.securityType = securityType
        self.maturityDate = maturityDate
        self.maturityMonthYear = maturityMonthYear
        self.putOrCall = putOrCall
        self.strikePrice = strikePrice
    }

    /// `symbol=NIFTY exchange=NSE securityType=OPT maturityDate=20261201 putOrCall=CE strike=26000`:
    /// the fields that were given, in FIX tag order.
    public var description: String {
        var parts: [String] = []
        if let symbol { parts.append("symbol=\(symbol)") }
        if let exchange { parts.append("exchange=\(exchange)") }
        if let securityID { parts.append("securityID=\(securityID)") }
        if let securityIDSource { parts.append("securityIDSource=\(securityIDSource)") }
        if let securityType { parts.append("securityType=\(securityType)") }
        if let maturityDate { parts.append("maturityDate=\(maturityDate)") }
        if let maturityMonthYear { parts.append("maturityMonthYear=\(maturityMonthYear)") }
        if let putOrCall { parts.append("putOrCall=\(putOrCall.rawValue)") }
        if let strikePrice { parts.append("strike=\(strikePrice)") }
        return parts.isEmpty ? "(empty)" : parts.joined(separator: " ")
    }
}
