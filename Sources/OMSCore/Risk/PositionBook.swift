/// A position is kept per instrument and product (MIS and NRML positions in one contract are separate at
/// the broker).
public struct PositionKey: Hashable, Sendable, CustomStringConvertible {
    public var instrument: InstrumentKey
    public var product: Product

    public init(instrument: InstrumentKey, product: Product) {
        self.instrument = instrument
        self.product = product
    }

    public var description: String { "\(instrument)/\(product.rawValue)" }
}

/// One client's position and working quantity in one instrument and product. Money in Price units
/// (₹0.0001), quantities in units.
struct PositionBook {
    let instrument: Instrument
    let product: Product
    /// Signed: positive long, negative short.
    var net: Int64 = 0
    /// |net| × average open price.
    var openCost: Int64 = 0
    var realised: Int64 = 0
    /// Unfilled quantity of working orders.
    var workingBuy: Int64 = 0
    var workingSell: Int64 = 0
    /// MIS in the cash market: the percent of the position's cost it blocks from funds (the product margin of
    /// its latest order or trade); nil: not known, the whole cost.
    var marginPercent: Rate?

    init(instrument: Instrument, product: Product) {
        self.instrument = instrument
        self.product = product
    }

    var isEmpty: Bool { net == 0 && workingBuy == 0 && workingSell == 0 }

    /// Books a fill; realised P&L of the part that closes the position goes to `realised`.
    /// - Returns: the realised P&L of this fill.
    @discardableResult
    mutating func fill(side: Side, quantity: Int64, price: Price) -> Int64 {
        guard quantity > 0 else { return 0 }
        let buying = side == .buy
        if net == 0 || (net > 0) == buying {
            net += buying ? quantity : -quantity
            openCost = RiskMath.sum(openCost, RiskMath.value(quantity, price))
            return 0
        }
        let open = abs(net)
        let closing = min(quantity, open)
        let removed = RiskMath.mulDiv(openCost, closing, open)
        let proceeds = RiskMath.value(closing, price)
        let pnl = net > 0 ? proceeds - removed : removed - proceeds
        openCost -= removed
        net += net > 0 ? -closing : closing
        realised += pnl
        let rest = quantity - closing
        if rest > 0 {
            net = buying ? rest : -rest
            openCost = RiskMath.value(rest, price)
        }
        return pnl
    }

    /// Unrealised P&L at `mark` (zero without a mark).
    func markToMarket(_ mark: Price?) -> Int64 { Self.markToMarket(net: net, openCost: openCost, mark: mark) }

    static func markToMarket(net: Int64, openCost: Int64, mark: Price?) -> Int64 {
        guard let mark, net != 0 else { return 0 }
        let value = RiskMath.value(abs(net), mark)
        return net > 0 ? value - openCost : openCost - value
    }

    /// Whether an order lowers |net| even if every working order on its side fills first.
    func reduces(side: Side, quantity: Int64) -> Bool {
        switch side {
        case .sell: net > 0 && workingSell + quantity <= net
        case .buy: net < 0 && workingBuy + quantity <= -net
        }
    }

    /// |position| if every working order on `side`, and `quantity` more, filled.
    func worstPosition(side: Side, adding quantity: Int64) -> Int64 {
        side == .buy ? abs(net + workingBuy + quantity) : abs(net - workingSell - quantity)
    }
}

/// What an accepted order holds until it fills or closes.
struct Reservation {
    let client: ClientID
    let key: PositionKey
    let side: Side
    var remaining: Int64
    /// Valuation price (limit or protection price).
    let price: Price
    /// SPAN group (the underlying) for F&O.
    let underlying: InstrumentKey?
    /// Working option buys reserve their premium: remaining × price.
    let reservesPremium: Bool
    /// VaR factor and ₹ exposure per unit (signed), MIS orders only.
    let varFactor: Int?
    let varPerUnit: Double
    /// Cash-market orders: the percent of value they block from funds (CNC 100, MIS and MTF their product's).
    let fundsPercent: Rate?
    /// Funds still blocked by the open quantity: the buys of CNC and MTF, and MIS orders that add exposure.
    var funds: Int64
}

/// A read-only view of one client's exposure state.
public struct ClientExposure: Hashable, Sendable {
    public struct Position: Hashable, Sendable {
        public var net: Quantity
        /// Average open price (zero when flat).
        public var averagePrice: Price
        public var realised: Price
        public var workingBuy: Quantity
        public var workingSell: Quantity
    }

    public var openOrders: Int
    /// Σ unfilled quantity × valuation price of working orders.
    public var openOrderValue: Price
    public var realisedPnL: Price
    /// Premium reserved for working option buys.
    public var reservedPremium: Price
    public var positions: [PositionKey: Position]
}
