/// One position: a client's holding of an instrument under a product at one broker.
public struct PortfolioKey: Hashable, Sendable, Codable, Comparable {
    public var client: ClientID
    public var broker: BrokerID
    public var instrumentKey: InstrumentKey
    public var product: Product

    public init(client: ClientID, broker: BrokerID, instrumentKey: InstrumentKey, product: Product) {
        self.client = client
        self.broker = broker
        self.instrumentKey = instrumentKey
        self.product = product
    }

    public static func < (a: PortfolioKey, b: PortfolioKey) -> Bool {
        (a.client.rawValue, a.instrumentKey.rawValue, a.product.rawValue, a.broker.rawValue)
            < (b.client.rawValue, b.instrumentKey.rawValue, b.product.rawValue, b.broker.rawValue)
    }
}

/// A position, average-cost accounting in fixed point. Money is in `Price` units (₹0.0001) × quantity.
///
/// - `carriedQuantity`: what was held at the start of the trading day (positive long, negative short);
/// - day buys and sells: today's fills;
/// - `netQuantity`, `openCostUnits`: the open position and what it cost (its average price is
///   `openCostUnits / |netQuantity|`);
/// - `realisedUnits`: profit booked by closing trades (sell price − average cost, for a long).
public struct PortfolioPosition: Sendable, Hashable, Codable {
    public var key: PortfolioKey
    public var symbol: String
    public var tradingDay: Int
    public var carriedQuantity: Int64 = 0
    public var dayBuyQuantity: Int64 = 0
    public var dayBuyValueUnits: Int64 = 0
    public var daySellQuantity: Int64 = 0
    public var daySellValueUnits: Int64 = 0
    public var netQuantity: Int64 = 0
    public var openCostUnits: Int64 = 0
    public var realisedUnits: Int64 = 0

    public init(key: PortfolioKey, symbol: String, tradingDay: Int) {
        self.key = key
        self.symbol = symbol
        self.tradingDay = tradingDay
    }

    /// Average cost of the open position (zero when flat).
    public var averagePrice: Price {
        guard netQuantity != 0 else { return .zero }
        let q = abs(netQuantity)
        return Price(units: RiskMath.sum(openCostUnits, q / 2) / q)
    }

    /// Unrealised profit at `mark`: (mark − average) × net for a long, the reverse for a short.
    public func unrealisedUnits(mark: Price) -> Int64 {
        guard netQuantity != 0 else { return 0 }
        // Saturating, as the risk rules: a value past Int64 (no real position) must not stop the process.
        let markValue = RiskMath.value(abs(netQuantity), mark)
        return netQuantity > 0 ? RiskMath.sum(markValue, -openCostUnits) : RiskMath.sum(openCostUnits, -markValue)
    }

    /// Starts a new trading day: the open position becomes the carried one, day totals go back to zero.
    public mutating func roll(to day: Int) {
        guard day > tradingDay else { return }
        tradingDay = day
        carriedQuantity = netQuantity
        dayBuyQuantity = 0
        dayBuyValueUnits = 0
        daySellQuantity = 0
        daySellValueUnits = 0
    }

    /// Books a fill.
    public mutating func apply(_ side: Side, quantity: Quantity, price: Price) {
        let q = quantity.value
        guard q > 0 else { return }
        let signed = side == .buy ? q : -q
        // Values saturate (RiskMath, as the risk rules): a fill is booked whatever its size; a value past
        // Int64 is no real position, but it must not stop the process with the fill unstored.
        let value = RiskMath.value(q, price)
        if side == .buy {
            dayBuyQuantity = RiskMath.sum(dayBuyQuantity, q)
            dayBuyValueUnits = RiskMath.sum(dayBuyValueUnits, value)
        } else {
            daySellQuantity = RiskMath.sum(daySellQuantity, q)
            daySellValueUnits = RiskMath.sum(daySellValueUnits, value)
        }
        if netQuantity == 0 || (netQuantity > 0) == (signed > 0) {
            // Opening or adding.
            netQuantity = RiskMath.sum(netQuantity, signed)
            openCostUnits = RiskMath.sum(openCostUnits, value)
            return
        }
        // Closing (and perhaps reversing).
        let open = abs(netQuantity)
        let closing = min(q, open)
        let costOfClosed = RiskMath.mulDiv(openCostUnits, closing, open)
        let proceeds = RiskMath.value(closing, price)
        realisedUnits = RiskMath.sum(realisedUnits, netQuantity > 0 ? RiskMath.sum(proceeds, -costOfClosed)
                                                                    : RiskMath.sum(costOfClosed, -proceeds))
        openCostUnits -= costOfClosed
        netQuantity += signed
        if netQuantity == 0 { openCostUnits = 0 }
        let reversing = q - closing
        if reversing > 0 { openCostUnits = RiskMath.value(reversing, price) }
    }
}
