/// Positions per client, broker, instrument and product, built from fills; and the merged view across
/// brokers with P&L marked to market. A value type: its owner serialises access (the report loop).
public struct PortfolioBook: Sendable {
    public private(set) var positions: [PortfolioKey: PortfolioPosition] = [:]

    public init(_ positions: [PortfolioPosition] = []) {
        for p in positions { self.positions[p.key] = p }
    }

    /// Books a fill and returns the position as it now is (to be stored with the fill).
    @discardableResult
    public mutating func apply(client: ClientID, broker: BrokerID, instrument: Instrument, product: Product,
                               side: Side, quantity: Quantity, price: Price, tradingDay: Int) -> PortfolioPosition {
        let key = PortfolioKey(client: client, broker: broker, instrumentKey: instrument.key, product: product)
        var p = positions[key] ?? PortfolioPosition(key: key, symbol: instrument.tradingSymbol, tradingDay: tradingDay)
        p.roll(to: tradingDay)
        p.apply(side, quantity: quantity, price: price)
        positions[key] = p
        return p
    }

    /// Positions merged across brokers (one line per client, instrument and product), marked to market
    /// with `mark` (nil: no price known, unrealised P&L is then left out), optionally for one client. `tradingDay`:
    /// the day shown — a position last traded on an earlier day shows its net as carried and no day trades (it
    /// showed yesterday's buys as today's until it traded again).
    public func merged(client: ClientID? = nil, tradingDay: Int? = nil, mark: (InstrumentKey) -> Price?) -> [MergedPosition] {
        var lines: [MergedKey: MergedPosition] = [:]
        for var p in positions.values where client == nil || p.key.client == client {
            if let tradingDay { p.roll(to: tradingDay) }
            let k = MergedKey(client: p.key.client, instrumentKey: p.key.instrumentKey, product: p.key.product)
            var line = lines[k] ?? MergedPosition(client: k.client, instrumentKey: k.instrumentKey, product: k.product,
                                                  symbol: p.symbol)
            line.add(p, mark: mark(p.key.instrumentKey))
            lines[k] = line
        }
        return lines.values.sorted {
            ($0.client.rawValue, $0.instrumentKey.rawValue, $0.product.rawValue)
                < ($1.client.rawValue, $1.instrumentKey.rawValue, $1.product.rawValue)
        }
    }

    struct MergedKey: Hashable {
        var client: ClientID
        var instrumentKey: InstrumentKey
        var product: Product
    }
}

/// One line of the portfolio: a client's position in an instrument under a product, all brokers together.
public struct MergedPosition: Sendable, Hashable {
    public var client: ClientID
    public var instrumentKey: InstrumentKey
    public var product: Product
    public var symbol: String
    public var brokers: [BrokerID] = []
    public var carriedQuantity: Int64 = 0
    public var dayBuyQuantity: Int64 = 0
    public var daySellQuantity: Int64 = 0
    public var netQuantity: Int64 = 0
    public var openCostUnits: Int64 = 0
    public var realisedUnits: Int64 = 0
    /// nil when a broker's part has no market price.
    public var unrealisedUnits: Int64? = 0
    public var mark: Price?

    init(client: ClientID, instrumentKey: InstrumentKey, product: Product, symbol: String) {
        self.client = client
        self.instrumentKey = instrumentKey
        self.product = product
        self.symbol = symbol
    }

    mutating func add(_ p: PortfolioPosition, mark: Price?) {
        brokers.append(p.key.broker)
        brokers.sort { $0.rawValue < $1.rawValue }
        carriedQuantity = carriedQuantity.addingSaturated(p.carriedQuantity)
        dayBuyQuantity = dayBuyQuantity.addingSaturated(p.dayBuyQuantity)
        daySellQuantity = daySellQuantity.addingSaturated(p.daySellQuantity)
        netQuantity = netQuantity.addingSaturated(p.netQuantity)
        openCostUnits = openCostUnits.addingSaturated(p.netQuantity >= 0 ? p.openCostUnits : -p.openCostUnits)
        realisedUnits = realisedUnits.addingSaturated(p.realisedUnits)
        self.mark = mark
        if let m = mark, let u = unrealisedUnits { unrealisedUnits = u.addingSaturated(p.unrealisedUnits(mark: m)) } else if p.netQuantity != 0 {
            unrealisedUnits = nil
        }
    }

    /// Average cost of the merged open position (zero when flat).
    public var averagePrice: Price {
        guard netQuantity != 0 else { return .zero }
        return Price(units: abs(openCostUnits) / abs(netQuantity))
    }
}
