/// An exchange whose sessions Vega gates.
public enum SessionExchange: String, Sendable, Codable, CaseIterable {
    case nse = "NSE", bse = "BSE"
}

/// Cash equities (`EQ`, NSE "Capital Market") or equity derivatives (`FO`).
public enum SessionSegmentKind: String, Sendable, Codable, CaseIterable {
    case equity = "EQ", derivatives = "FO"
}

/// One exchange segment with its own timetable and holiday list. Raw values match `Segment`.
public enum SessionMarket: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case nseEquity = "NSE_EQ", bseEquity = "BSE_EQ", nseDerivatives = "NSE_FO", bseDerivatives = "BSE_FO"

    /// Nil for segments the session engine does not gate (indices, currency, commodities).
    @inline(__always)
    public init?(segment: Segment) {
        switch segment {
        case .nseEQ: self = .nseEquity
        case .bseEQ: self = .bseEquity
        case .nseFO: self = .nseDerivatives
        case .bseFO: self = .bseDerivatives
        default: return nil
        }
    }

    public init(exchange: SessionExchange, kind: SessionSegmentKind) {
        switch (exchange, kind) {
        case (.nse, .equity): self = .nseEquity
        case (.bse, .equity): self = .bseEquity
        case (.nse, .derivatives): self = .nseDerivatives
        case (.bse, .derivatives): self = .bseDerivatives
        }
    }

    public var exchange: SessionExchange {
        switch self {
        case .nseEquity, .nseDerivatives: .nse
        case .bseEquity, .bseDerivatives: .bse
        }
    }

    public var kind: SessionSegmentKind {
        switch self {
        case .nseEquity, .bseEquity: .equity
        case .nseDerivatives, .bseDerivatives: .derivatives
        }
    }

    /// Dense index for per-market tables.
    @inline(__always)
    var index: Int {
        switch self {
        case .nseEquity: 0
        case .bseEquity: 1
        case .nseDerivatives: 2
        case .bseDerivatives: 3
        }
    }

    public var description: String { rawValue }
}
