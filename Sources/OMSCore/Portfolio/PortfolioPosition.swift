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
        return Price(units: (openCostUnits + q / 2) / q)
    }

    /// Unrealised profit at `mark`: (mark − average) × net for a long, the reverse for a short.
    public func unrealisedUnits(mark: Price) -> Int64 {
        guard netQuantity != 0 else { return 0 }
        let markValue = abs(netQuantity) * mark.units
        return netQuantity > 0 ? markValue - openCostUnits : openCostUnits - markValue
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
        if side == .buy {
            dayBuyQuantity += q
            dayBuyValueUnits += q * price.units
        } else {
            daySellQuantity += q
            daySellValueUnits += q * price.units
        }
        if netQuantity == 0 || (netQuantity > 0) == (signed > 0) {
            // Opening or adding.
            netQuantity += signed
            openCostUnits += q * price.units
            return
        }
        // Closing (and perhaps reversing).
        let open = abs(netQuantity)
        let closing = min(q, open)
        let costOfClosed = openCostUnits * closing / open
        let proceeds = closing * price.units
        realisedUnits += netQuantity > 0 ? proceeds - costOfClosed : costOfClosed - proceeds
        openCostUnits -= costOfClosed
        netQuantity += signed
        if netQuantity == 0 { openCostUnits = 0 }
        let reversing = q - closing
        if reversing > 0 { openCostUnits = reversing * price.units }
    }
}
