/// Finds the one active instrument an order names.
public protocol SymbolResolver: Sendable {
    func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection>
}

/// Why a lookup did not give exactly one active instrument. A decision, not a failure.
public enum SymbolRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing in the instrument master matches.
    case unknownSymbol(lookup: InstrumentLookup)
    /// Only an instrument that is no longer in the exchange's master (delisted, expired) matches.
    case inactiveInstrument(key: InstrumentKey, lookup: InstrumentLookup)
    /// More than one active instrument matches; the candidates are listed (at most 10).
    case ambiguousSymbol(lookup: InstrumentLookup, candidates: [InstrumentKey])
    /// The lookup itself cannot be used (no identifier, unknown SecurityIDSource, bad maturity).
    case invalidLookup(lookup: InstrumentLookup, reason: String)

    /// Stable code, as in `OrderRejection`.
    public var code: String {
        switch self {
        case .unknownSymbol: "UNKNOWN_SYMBOL"
        case .inactiveInstrument: "INSTRUMENT_INACTIVE"
        case .ambiguousSymbol: "AMBIGUOUS_SYMBOL"
        case .invalidLookup: "INVALID_INSTRUMENT_LOOKUP"
        }
    }

    public var lookup: InstrumentLookup {
        switch self {
        case .unknownSymbol(let l), .inactiveInstrument(_, let l), .ambiguousSymbol(let l, _), .invalidLookup(let l, _): l
        }
    }

    /// `CODE: key=value …`.
    public var description: String {
        switch self {
        case .unknownSymbol(let l): "\(code): \(l)"
        case .inactiveInstrument(let key, let l): "\(code): \(l) instrument=\(key)"
        case .ambiguousSymbol(let l, let c): "\(code): \(l) candidates=\(c.map(\.rawValue).joined(separator: ","))"
        case .invalidLookup(let l, let reason): "\(code): \(l) reason=\(reason)"
        }
    }
}
