/// The market data the risk rules read: last traded prices (marks), volatilities and the trading day.
/// A value built by the caller from its market-data cache; the engine never fetches data itself.
public struct MarketSnapshot: Hashable, Sendable {
    /// Last traded price by instrument; underlyings (indices, stocks) by their own keys.
    public var lastPrices: [InstrumentKey: Price]
    /// Annualised volatility in percent (`15` = 15 %): by option key (implied) or by underlying key.
    public var volatilities: [InstrumentKey: Rate]
    /// Today, as days since 1970-01-01 IST (the form of `Instrument.expiryDay`).
    public var tradingDay: Int32

    public init(lastPrices: [InstrumentKey: Price] = [:], volatilities: [InstrumentKey: Rate] = [:],
                tradingDay: Int32 = 0) {
        self.lastPrices = lastPrices
        self.volatilities = volatilities
        self.tradingDay = tradingDay
    }

    public init(lastPrices: [InstrumentKey: Price] = [:], volatilities: [InstrumentKey: Rate] = [:],
                tradingDate: TradingDate) {
        self.init(lastPrices: lastPrices, volatilities: volatilities, tradingDay: tradingDate.daysSinceEpoch)
    }

    public func lastPrice(_ key: InstrumentKey) -> Price? { lastPrices[key] }

    /// The option's own volatility if given, else its underlying's.
    func volatility(of instrument: Instrument) -> Rate? {
        if let v = volatilities[instrument.key] { return v }
        return instrument.underlyingKey.flatMap { volatilities[$0] }
    }
}
