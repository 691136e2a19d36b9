import OMSCore

/// One instrument-master record as it is stored, in fixed point. Parsed from a BOD/MIS/MTF/suspended record.
struct InstrumentRow: Sendable, Equatable {
    var instrumentKey: String
    var segment: Segment
    var name: String
    var exchange: String
    var instrumentType: String
    var tradingSymbol: String
    var lotSize: Int64?
    var tickSize: Price?
    var freezeQuantity: Int64?
    var securityType: String?
    var qtyMultiplier: Rate?
    var isin: String?
    var exchangeToken: String?
    /// Epoch milliseconds (23:59:59 IST on the expiry day), as published.
    var expiry: Int64?
    var strikePrice: Price?
    var optionType: OptionType?
    var underlyingKey: String?
    var underlyingSymbol: String?
    var underlyingType: String?
    var weekly: Bool?
    var shortName: String?
    var minimumLot: Int64?
    // List overlays: only the MIS list (margin, leverage) and the MTF list (enabled, bracket) set these.
    var intradayMargin: Rate?
    var intradayLeverage: Rate?
    var mtfEnabled: Bool?
    var mtfBracket: Rate?

    /// Hash of the columns a BOD file owns: equal hashes mean a re-load changes nothing.
    var contentHash: Int64 {
        var h = FNV1a()
        h.add(instrumentKey)
        h.add(segment.rawValue)
        h.add(name)
        h.add(exchange)
        h.add(instrumentType)
        h.add(tradingSymbol)
        h.add(lotSize)
        h.add(tickSize?.units)
        h.add(freezeQuantity)
        h.add(securityType)
        h.add(qtyMultiplier?.units)
        h.add(isin)
        h.add(exchangeToken)
        h.add(expiry)
        h.add(strikePrice?.units)
        h.add(optionType?.rawValue)
        h.add(underlyingKey)
        h.add(underlyingSymbol)
        h.add(underlyingType)
        h.add(weekly)
        h.add(shortName)
        h.add(minimumLot)
        return h.signed
    }
}

extension Segment {
    /// The exchange a segment belongs to (`NCD_FO` → NSE, `BCD_FO` → BSE).
    var exchangeName: String {
        switch self {
        case .nseEQ, .nseFO, .nseIndex, .ncdFO, .nseCOM: "NSE"
        case .bseEQ, .bseFO, .bseIndex, .bcdFO: "BSE"
        case .mcxFO: "MCX"
        }
    }
}
