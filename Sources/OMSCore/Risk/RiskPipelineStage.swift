/// An order that passed product eligibility and the risk engine: what the pipeline hands to persistence and
/// the broker adapter.
public struct RiskCheckedOrder: Hashable, Sendable {
    public let order: RiskOrder
    /// The eligibility stage's output (product margin %, leverage).
    public let productTerms: ProductTerms
    public let acceptance: RiskAcceptance
}

/// The risk stage as the order pipeline calls it, after product eligibility: it needs the eligibility terms
/// (so it cannot run on an order that skipped that stage) and returns a typed result.
public struct RiskPipelineStage<Engine: RiskEngine> {
    public let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    /// Checks and reserves in one synchronous call (see `RiskEngine`).
    public func check(_ order: RiskOrder, eligibility terms: ProductTerms, market: MarketSnapshot)
        -> Result<RiskCheckedOrder, RiskRejection>
    {
        precondition(terms.product == order.product,
                     "eligibility terms are for \(terms.product), order is \(order.product)")
        switch engine.check(order, market: market) {
        case .accepted(let a): return .success(RiskCheckedOrder(order: order, productTerms: terms, acceptance: a))
        case .rejected(let r): return .failure(r)
        }
    }
}
