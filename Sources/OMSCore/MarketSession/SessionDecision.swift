/// What the session gate says about an order at an instant. A decision, not an error.
public enum SessionDecision: Hashable, Sendable, CustomStringConvertible {
    /// Enter the order now; `phase` is the phase it enters in.
    case allowed(phase: SessionPhaseName)
    /// After-market order outside market hours: hold it and release it into the pipeline at `releaseAt`
    /// (epoch milliseconds, the start of the next phase that accepts it).
    case holdAfterMarket(releaseAt: Int64)
    case rejected(SessionRejection)

    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }

    public var rejection: SessionRejection? {
        if case .rejected(let r) = self { return r }
        return nil
    }

    public var description: String {
        switch self {
        case .allowed(let phase): "ALLOWED: phase=\(phase)"
        case .holdAfterMarket(let t): "HOLD_AMO: releaseAt=\(ISTDateTime(epochMilliseconds: t))"
        case .rejected(let r): r.description
        }
    }
}
