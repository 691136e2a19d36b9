import OMSCore

/// `GET /api/limits/{client}` and the answer to `PUT`: the limits the engine applies (money as decimal strings,
/// rules that are off left out), what the client uses of them now, and audit rows (GET: the latest changes; PUT:
/// the changes just made).
public struct LimitsResponse: Codable, Sendable, Equatable {
    public var client: String
    public var limits: RiskLimits
    /// Nil when the running engine does not book this client (it has no limits there yet).
    public var usage: LimitUsageDTO?
    public var changes: [LimitChangeDTO]

    public init(client: String, limits: RiskLimits, usage: LimitUsageDTO? = nil, changes: [LimitChangeDTO]) {
        self.client = client
        self.limits = limits
        self.usage = usage
        self.changes = changes
    }
}

/// What a client uses of its limits now, as the risk engine books it (`ClientExposure`): its open orders and
/// their value, realised P&L, premium reserved for option buys, and per instrument and product the net position
/// and what its working orders would buy or sell. Positions flat with nothing working are left out.
public struct LimitUsageDTO: Codable, Sendable, Equatable {
    public struct Position: Codable, Sendable, Equatable {
        public var instrumentKey: String
        public var product: String
        public var netQuantity: Int64
        /// Average open price (0 when flat).
        public var averagePrice: Price
        public var workingBuyQuantity: Int64
        public var workingSellQuantity: Int64

        public init(instrumentKey: String, product: String, netQuantity: Int64, averagePrice: Price,
                    workingBuyQuantity: Int64, workingSellQuantity: Int64) {
            self.instrumentKey = instrumentKey
            self.product = product
            self.netQuantity = netQuantity
            self.averagePrice = averagePrice
            self.workingBuyQuantity = workingBuyQuantity
            self.workingSellQuantity = workingSellQuantity
        }
    }

    public var openOrders: Int
    public var openOrderValue: Price
    public var realisedPnl: Price
    public var reservedPremium: Price
    /// By instrument key, then product.
    public var positions: [Position]

    public init(_ e: ClientExposure) {
        openOrders = e.openOrders
        openOrderValue = e.openOrderValue
        realisedPnl = e.realisedPnL
        reservedPremium = e.reservedPremium
        positions = e.positions
            .filter { $0.value.net != .zero || $0.value.workingBuy != .zero || $0.value.workingSell != .zero }
            .sorted { ($0.key.instrument.rawValue, $0.key.product.rawValue) < ($1.key.instrument.rawValue, $1.key.product.rawValue) }
            .map { key, p in
                Position(instrumentKey: key.instrument.rawValue, product: key.product.rawValue, netQuantity: p.net.value,
                         averagePrice: p.averagePrice, workingBuyQuantity: p.workingBuy.value,
                         workingSellQuantity: p.workingSell.value)
            }
    }
}

/// One audited change: who, when (`2026-11-25 10:15:00.000 IST`), which field, old and new value (nil = off).
public struct LimitChangeDTO: Codable, Sendable, Equatable {
    public var changedAt: String
    public var changedBy: String
    public var field: String
    public var instrument: String?
    public var oldValue: String?
    public var newValue: String?

    public init(changedAt: String, changedBy: String, field: String, instrument: String?, oldValue: String?,
                newValue: String?) {
        self.changedAt = changedAt
        self.changedBy = changedBy
        self.field = field
        self.instrument = instrument
        self.oldValue = oldValue
        self.newValue = newValue
    }
}

/// `PUT /api/limits/{client}`: the changes, applied in order in one transaction, and who makes them.
public struct LimitsUpdateRequest: Codable, Sendable, Equatable {
    public var by: String
    public var changes: [RiskLimitEdit]

    public init(by: String, changes: [RiskLimitEdit]) {
        self.by = by
        self.changes = changes
    }
}

/// `GET /api/margin/{client}`: the margin in use and its parts (`MarginStatement`): F&O and the cash market.
public struct MarginResponse: Codable, Sendable, Equatable {
    public struct Underlying: Codable, Sendable, Equatable {
        public var underlying: String
        public var scanningRisk: Price
        public var worstScenario: Int
        public var calendarSpreadCharge: Price
        public var shortOptionMinimum: Price
        public var exposureMargin: Price
        public var longOptionValue: Price
        public var required: Price
    }

    public var client: String
    public var scanningRisk: Price
    public var shortOptionMinimum: Price
    public var calendarSpreadCharge: Price
    public var spanRequirement: Price
    public var exposureMargin: Price
    public var longOptionValue: Price
    public var premiumReserved: Price
    /// The day's premium paid for filled option buys (less what selling long options took back).
    public var premiumPaid: Price
    /// Cash market: the day's delivery buys (CNC whole, MTF its margin).
    public var deliveryPaid: Price
    /// Cash market: funds blocked by working orders.
    public var cashOrdersBlocked: Price
    /// Cash market: margin of open MIS positions.
    public var intradayMargin: Price
    /// The day's loss, realised and mark-to-market (zero for a day in profit).
    public var dayLoss: Price
    public var utilised: Price
    public var available: Price?
    public var free: Price?
    public var underlyings: [Underlying]

    public init(_ s: MarginStatement) {
        client = s.client.rawValue
        scanningRisk = s.scanningRisk
        shortOptionMinimum = s.shortOptionMinimum
        calendarSpreadCharge = s.calendarSpreadCharge
        spanRequirement = s.spanRequirement
        exposureMargin = s.exposureMargin
        longOptionValue = s.longOptionValue
        premiumReserved = s.premiumReserved
        premiumPaid = s.premiumPaid
        deliveryPaid = s.deliveryPaid
        cashOrdersBlocked = s.cashOrdersBlocked
        intradayMargin = s.intradayMargin
        dayLoss = s.dayLoss
        utilised = s.utilised
        available = s.available
        free = s.free
        underlyings = s.underlyings.map {
            Underlying(underlying: $0.key.rawValue, scanningRisk: $0.margin.scanningRisk,
                       worstScenario: $0.margin.worstScenario, calendarSpreadCharge: $0.margin.calendarSpreadCharge,
                       shortOptionMinimum: $0.margin.shortOptionMinimum, exposureMargin: $0.margin.exposureMargin,
                       longOptionValue: $0.margin.longOptionValue, required: $0.margin.netRequirement)
        }
    }
}
