/// SPAN risk parameters of one underlying (percentages as fixed-point `Rate`, `9.3` = 9.3 %). Defaults follow
/// shared/domain/risk.md §2; every number changes by circular, so load them from config with an effective date.
public struct RiskParameters: Hashable, Sendable, Codable {
    /// Price scan range (PSR), % of the contract's (futures) or underlying's (options) price.
    public var priceScanRange: Rate
    /// Volatility scan range (VSR), in volatility points (`4` = σ ± 0.04).
    public var volatilityScanRange: Rate
    /// Extreme move of scenarios 15/16, as a multiple of PSR (`2`).
    public var extremeMoveMultiple: Rate
    /// Share of the extreme-move loss that counts, % (`35`).
    public var extremeMoveWeight: Rate
    /// Calendar spread charge, % of the far-month contract value per matched spread.
    public var calendarSpreadCharge: Rate
    /// Short option minimum charge, % of the underlying's notional per short option.
    public var shortOptionMinimum: Rate
    /// Exposure margin (ELM), % of notional of futures and short options.
    public var exposureMargin: Rate
    /// Risk-free rate for Black-76 discounting, % a year.
    public var riskFreeRate: Rate
    /// Additional exposure margin on short options on their expiry day, % of notional (index options: 2 %,
    /// since 20-Nov-2024; stock options: none).
    public var expiryDayShortOptionExposure: Rate

    public init(priceScanRange: Rate, volatilityScanRange: Rate, extremeMoveMultiple: Rate = Rate(whole: 2),
                extremeMoveWeight: Rate = Rate(whole: 35), calendarSpreadCharge: Rate, shortOptionMinimum: Rate,
                exposureMargin: Rate, riskFreeRate: Rate = Rate(whole: 0), expiryDayShortOptionExposure: Rate = Rate(whole: 0)) {
        self.expiryDayShortOptionExposure = expiryDayShortOptionExposure
        self.priceScanRange = priceScanRange
        self.volatilityScanRange = volatilityScanRange
        self.extremeMoveMultiple = extremeMoveMultiple
        self.extremeMoveWeight = extremeMoveWeight
        self.calendarSpreadCharge = calendarSpreadCharge
        self.shortOptionMinimum = shortOptionMinimum
        self.exposureMargin = exposureMargin
        self.riskFreeRate = riskFreeRate
    }

    /// NSE index derivatives: PSR floor 9.3 %, VSR floor 4 points, calendar spread 1.75 %, SOMC 3 %
    /// (historical, UNCONFIRMED), ELM 2 %, and 2 % more on short options on their expiry day.
    public static let nseIndex = RiskParameters(
        priceScanRange: Rate("9.3")!, volatilityScanRange: Rate(whole: 4), calendarSpreadCharge: Rate("1.75")!,
        shortOptionMinimum: Rate(whole: 3), exposureMargin: Rate(whole: 2), expiryDayShortOptionExposure: Rate(whole: 2))

    /// NSE stock derivatives: PSR floor 14.2 %, VSR floor 10 points, calendar spread 2.2 %, SOMC 7.5 %
    /// (historical, UNCONFIRMED), ELM 3.5 %.
    public static let nseStock = RiskParameters(
        priceScanRange: Rate("14.2")!, volatilityScanRange: Rate(whole: 10), calendarSpreadCharge: Rate("2.2")!,
        shortOptionMinimum: Rate("7.5")!, exposureMargin: Rate("3.5")!)
}

/// Risk parameters for every underlying: index and stock defaults, and per-underlying overrides (the
/// values of the day's SPAN file).
public struct SPANParameterSet: Hashable, Sendable, Codable {
    public var index: RiskParameters
    public var stock: RiskParameters
    /// By underlying key (`NSE_INDEX|Nifty 50`, `NSE_EQ|INE002A01018`).
    public var overrides: [String: RiskParameters]

    public init(index: RiskParameters = .nseIndex, stock: RiskParameters = .nseStock,
                overrides: [InstrumentKey: RiskParameters] = [:]) {
        self.index = index
        self.stock = stock
        self.overrides = Dictionary(uniqueKeysWithValues: overrides.map { ($0.key.rawValue, $0.value) })
    }

    public func parameters(forUnderlying key: InstrumentKey) -> RiskParameters {
        if let p = overrides[key.rawValue] { return p }
        let isIndex = key.rawValue.hasPrefix(Segment.nseIndex.rawValue + "|")
            || key.rawValue.hasPrefix(Segment.bseIndex.rawValue + "|")
        return isIndex ? index : stock
    }
}
