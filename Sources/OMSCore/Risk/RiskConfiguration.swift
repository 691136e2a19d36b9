/// Engine-wide settings of the risk engine (per-client numbers are in `RiskLimits`).
public struct RiskConfiguration: Hashable, Sendable, Codable {
    /// Market protection used when tag 5004 is absent or −1 (auto), %.
    public var autoMarketProtection: Rate
    /// Highest market protection tag 5004 may ask for, % (brokers: 25).
    public var maxMarketProtection: Int
    /// Most child orders one parent may be sliced into (Upstox: 25).
    public var maxSlices: Int
    /// SPAN parameters by underlying.
    public var span: SPANParameterSet

    public init(autoMarketProtection: Rate = Rate(whole: 2), maxMarketProtection: Int = 25, maxSlices: Int = 25,
                span: SPANParameterSet = SPANParameterSet()) {
        self.autoMarketProtection = autoMarketProtection
        self.maxMarketProtection = maxMarketProtection
        self.maxSlices = maxSlices
        self.span = span
    }
}
