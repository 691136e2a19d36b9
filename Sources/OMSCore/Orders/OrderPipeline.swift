/// The session gate as the pipeline sees it (the `MarketSessionEngine` conforms).
public protocol MarketSessionGate: Sendable {
    func isTradingAllowed(_ instrument: Instrument, at epochMilliseconds: Int64, order: SessionOrderTraits,
                          flags: SessionInstrumentFlags) -> SessionDecision
    /// When the instrument's trading day `day` (IST days since the epoch) ends, in epoch milliseconds; nil when
    /// not known (no session that day). DAY orders end then.
    func tradingDayEnd(_ instrument: Instrument, day: Int32, flags: SessionInstrumentFlags) -> Int64?
    /// Past the intraday (MIS) cut-off at that instant: the rejection for an order adding MIS exposure.
    func intradayCutOff(_ instrument: Instrument, at epochMilliseconds: Int64) -> SessionRejection?
}

extension MarketSessionGate {
    public func tradingDayEnd(_ instrument: Instrument, day: Int32, flags: SessionInstrumentFlags) -> Int64? { nil }
    public func intradayCutOff(_ instrument: Instrument, at epochMilliseconds: Int64) -> SessionRejection? { nil }
}

extension MarketSessionEngine: MarketSessionGate {}

/// The pre-trade policy, read top to bottom: resolver → session → eligibility → risk. Each stage is a small
/// in-memory check; the first "no" ends the order with its coded reason. Synchronous, so that a caller
/// inside an actor records its effects (the risk reservation) with nothing awaited in between.
public struct OrderPipeline: Sendable {
    public let resolver: SymbolResolver
    public let session: MarketSessionGate
    public let eligibility: ProductEligibility
    /// Per-day facts the master lacks (CAS eligibility, IPO day 0, call auction); default: none.
    public let flags: @Sendable (Instrument) -> SessionInstrumentFlags

    public init(resolver: SymbolResolver, session: MarketSessionGate, eligibility: ProductEligibility,
                flags: @escaping @Sendable (Instrument) -> SessionInstrumentFlags = { _ in SessionInstrumentFlags() }) {
        self.resolver = resolver
        self.session = session
        self.eligibility = eligibility
        self.flags = flags
    }

    /// When a DAY order on `instrument` that went to its broker at `openedAt` ends: the close of that trading
    /// day's last session (`MarketSessionGate.tradingDayEnd`), or, when the gate does not know it (or it has
    /// passed already), the start of the next IST calendar day.
    public func dayOrderEnd(_ instrument: Instrument?, openedAt: Int64) -> Int64 {
        let nextDay = ISTDateTime.dayStart(epochMilliseconds: openedAt) + ISTDateTime.millisecondsPerDay
        guard let instrument else { return nextDay }
        let day = ISTDateTime(epochMilliseconds: openedAt).date.daysSinceEpoch
        guard let end = session.tradingDayEnd(instrument, day: day, flags: flags(instrument)), end > openedAt else { return nextDay }
        return end
    }

    /// Product eligibility, with one exception: an MTF sell (leaving a funded position) is not refused for the
    /// stock having left the MTF list, moved to trade-for-trade, surveillance or a relisting day — those rules
    /// stop new funded buys, and a client must be able to exit what it holds (the holdings rule still applies).
    func checkEligibility(_ request: OrderRequest, _ instrument: Instrument, _ product: Product) -> Result<ProductTerms, ProductDenial> {
        let result = eligibility.check(client: request.client, instrument: instrument.key, product: product)
        if case .failure(let d) = result, product == .mtf, request.side == .sell,
           [.notInMTFList, .tradeForTrade, .surveillance, .ipoOrRelistingDay].contains(d.reason) {
            return .success(ProductTerms(product: .mtf))
        }
        return result
    }

    /// The percent of value a cash-market order or trade of `client` in `product` blocks from funds
    /// (`ProductTerms.blockedPercent`), or nil when eligibility does not say (the risk engine then blocks it all).
    public func productMargin(client: ClientID, instrument: Instrument, product: Product) -> Rate? {
        guard instrument.segment.isCash, product == .mis || product == .mtf,
              case .success(let terms) = eligibility.check(client: client, instrument: instrument.key, product: product)
        else { return nil }
        return terms.blockedPercent
    }

    /// - Parameters:
    ///   - risk: the caller's risk engine (owned by the caller's actor); nil skips the risk stage.
    ///   - market: last prices and volatilities for the risk stage.
    public func decide(_ request: OrderRequest, at epochMilliseconds: Int64, risk: (any RiskEngine)? = nil,
                       market: MarketSnapshot = MarketSnapshot()) -> OrderDecision {
        // Shape of the order.
        guard request.quantity.value > 0 else {
            return .rejected(.incorrectQuantity(quantity: request.quantity, reason: "must be greater than zero"))
        }
        if request.orderType.hasLimitPrice && request.limitPrice == nil {
            return .rejected(.unsupported(characteristic: "price", value: "missing for \(request.orderType.rawValue)"))
        }
        if request.orderType.hasTriggerPrice && request.triggerPrice == nil {
            return .rejected(.unsupported(characteristic: "stopPx", value: "missing for \(request.orderType.rawValue)"))
        }
        // 1. Symbol resolver.
        let instrument: Instrument
        switch resolver.resolve(request.lookup) {
        case .success(let i): instrument = i
        case .failure(let r): return .rejected(.symbol(r))
        }
        let product = request.product ?? (instrument.isDerivative ? .nrml : .cnc)
        let resolved = ResolvedOrder(request: request, instrument: instrument, product: product)
        // 2. Market session.
        let traits = SessionOrderTraits(orderType: request.orderType, timeInForce: request.timeInForce,
                                        isAfterMarketOrder: request.afterMarket, product: product, side: request.side)
        let phase: SessionPhaseName
        switch session.isTradingAllowed(instrument, at: epochMilliseconds, order: traits, flags: flags(instrument)) {
        case .allowed(let p): phase = p
        case .holdAfterMarket(let t):
            // Held until the next open — but not an order its product refuses today (an MIS order on a
            // trade-for-trade stock, a client without the product): that is refused now, not at 09:00. Risk is
            // checked at the release, against that day's positions.
            if case .failure(let d) = checkEligibility(request, instrument, product) { return .rejected(.notEligible(d)) }
            return .held(resolved, releaseAt: t)
        case .rejected(let r): return .rejected(.session(r))
        }
        // 3. Product eligibility.
        let terms: ProductTerms
        switch checkEligibility(request, instrument, product) {
        case .success(let t): terms = t
        case .failure(let d): return .rejected(.notEligible(d))
        }
        // 4. Risk: check and reservation in one call.
        var acceptance: RiskAcceptance? = nil
        if let risk {
            var order = RiskOrder(client: request.client, instrument: instrument, side: request.side, product: product,
                                  orderType: request.orderType, quantity: request.quantity,
                                  limitPrice: request.limitPrice, triggerPrice: request.triggerPrice,
                                  marketProtectionPct: request.marketProtectionPct, slice: request.slice)
            order.productMargin = terms.blockedPercent
            switch risk.check(order, market: market) {
            case .accepted(let a): acceptance = a
            case .rejected(let r): return .rejected(.risk(r))
            }
        }
        // 5. No new intraday exposure after the day's MIS cut-off: only an order that reduces its position (the
        // risk engine knows which) goes on; any other gives its reservation back.
        if product == .mis, let late = session.intradayCutOff(instrument, at: epochMilliseconds),
           acceptance?.reducesExposure != true {
            if let a = acceptance { risk?.release(a.reservation) }
            return .rejected(.session(late))
        }
        return .accepted(AcceptedOrder(resolved: resolved, productTerms: terms, phase: phase, risk: acceptance))
    }
}
