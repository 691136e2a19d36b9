/// Why Vega's pipeline refused an order: a decision, with a stable code and its context.
/// (A broker's own rejection is a different event: see `BrokerOrderEvent.rejected`.)
public enum OrderRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case duplicateClientOrderID(ClientOrderID)
    case symbol(SymbolRejection)
    case session(SessionRejection)
    case notEligible(ProductDenial)
    case risk(RiskRejection)
    case incorrectQuantity(quantity: Quantity, reason: String)
    case unsupported(characteristic: String, value: String)
    case unknownAccount(String)

    /// The code of `duplicateClientOrderID`.
    public static let duplicateCode = "DUPLICATE_CLORDID"

    /// Stable code (FIX tag 5006).
    public var code: String {
        switch self {
        case .duplicateClientOrderID: return Self.duplicateCode
        case .symbol: return "UNKNOWN_INSTRUMENT"
        case .session(let r): return r.code.rawValue
        case .notEligible(let d):
            switch d.reason {
            case .suspended: return "INSTRUMENT_SUSPENDED"
            case .unknownInstrument: return "UNKNOWN_INSTRUMENT"
            default: return "PRODUCT_NOT_ALLOWED"
            }
        case .risk(let r): return r.code.rawValue
        case .incorrectQuantity: return "BAD_QTY"
        case .unsupported: return "UNSUPPORTED"
        case .unknownAccount: return "UNKNOWN_ACCOUNT"
        }
    }

    /// `CODE: key=value …` (FIX Text 58).
    public var description: String {
        switch self {
        case .duplicateClientOrderID(let id): return "\(code): clOrdID=\(id)"
        case .symbol(let r): return "\(code): \(r)"
        case .session(let r): return r.description
        case .notEligible(let d): return "\(code): \(d)"
        case .risk(let r): return r.description
        case .incorrectQuantity(let q, let reason): return "\(code): quantity=\(q) reason=\(reason)"
        case .unsupported(let c, let v): return "\(code): \(c)=\(v)"
        case .unknownAccount(let a): return "\(code): account=\(a)"
        }
    }
}
