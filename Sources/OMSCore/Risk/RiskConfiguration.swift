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
    /// A delivery sell (CNC, MTF) of an equity needs the shares: the client's position in that product less
    /// what its open sells already offer (risk.md: "Delivery sells need holdings"). Off only where holdings
    /// are pledged or authorised outside what Vega knows (DDPI).
    public var deliverySellsNeedHoldings: Bool

    public init(autoMarketProtection: Rate = Rate(whole: 2), maxMarketProtection: Int = 25, maxSlices: Int = 25,
                span: SPANParameterSet = SPANParameterSet(), deliverySellsNeedHoldings: Bool = true) {
        self.autoMarketProtection = autoMarketProtection
        self.maxMarketProtection = maxMarketProtection
        self.maxSlices = maxSlices
        self.span = span
        self.deliverySellsNeedHoldings = deliverySellsNeedHoldings
    }
}
