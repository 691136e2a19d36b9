import OMSCore

extension OrderRejection {
    /// OrdRejReason (103): one exhaustive switch, so that a new case does not compile without its FIX code.
    public var ordRejReason: Int {
        switch self {
        case .duplicateClientOrderID: return 6
        case .symbol: return 1
        case .session(let r):
            switch r.code {
            case .sessionClosed, .sessionNoEntry: return 2
            case .tooLate: return 4
            case .unknownInstrument: return 1
            case .unsupported, .productNotAllowed: return 11
            }
        case .notEligible(let d): return d.reason == .suspended || d.reason == .unknownInstrument ? 1 : 11
        case .risk(let r): return r.ordRejReason
        case .incorrectQuantity: return 13
        case .unsupported: return 11
        case .unknownAccount: return 15
        }
    }
}
