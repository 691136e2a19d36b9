import OMSCore

/// `GET /api/limits/{client}` and the answer to `PUT`: the limits the engine applies (money as decimal strings,
/// rules that are off left out) and audit rows (GET: the latest changes; PUT: the changes just made).
public struct LimitsResponse: Codable, Sendable, Equatable {
    public var client: String
    public var limits: RiskLimits
    public var changes: [LimitChangeDTO]

    public init(client: String, limits: RiskLimits, changes: [LimitChangeDTO]) {
        self.client = client
        self.limits = limits
        self.changes = changes
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

/// `GET /api/margin/{client}`: the F&O margin requirement and its parts (`MarginStatement`).
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
