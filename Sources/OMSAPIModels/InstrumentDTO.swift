import OMSCore

/// An instrument as the REST API and the CLI show it. Prices are decimal strings in rupees (`"0.05"`).
public struct InstrumentDTO: Codable, Sendable, Equatable {
    public var instrumentKey: String
    public var tradingSymbol: String
    public var name: String
    public var shortName: String?
    public var segment: String
    public var exchange: String
    public var instrumentType: String
    public var isin: String?
    public var exchangeToken: String?
    public var lotSize: Int64
    public var tickSize: Price
    public var freezeQuantity: Int64?
    /// `yyyy-MM-dd` (IST) for derivatives.
    public var expiry: String?
    public var strikePrice: Price?
    public var optionType: String?
    public var underlyingSymbol: String?
    public var weekly: Bool?
    public var active: Bool

    public init(_ i: Instrument) {
        instrumentKey = i.key.rawValue
        tradingSymbol = i.tradingSymbol
        name = i.name
        shortName = i.shortName
        segment = i.segment.rawValue
        exchange = i.exchange
        instrumentType = i.instrumentType
        isin = i.isin
        exchangeToken = i.exchangeToken
        lotSize = i.lotSize
        tickSize = i.tickSize
        freezeQuantity = i.freezeQuantity
        expiry = i.expiryDay.map(ISTCalendar.isoDate)
        strikePrice = i.optionType == nil ? nil : i.strikePrice
        optionType = i.optionType?.rawValue
        underlyingSymbol = i.underlyingSymbol
        weekly = i.isDerivative ? i.weekly : nil
        active = i.active
    }
}

/// `GET /api/instruments/search` answer.
public struct InstrumentSearchResponse: Codable, Sendable, Equatable {
    public var query: String
    public var limit: Int
    public var count: Int
    public var results: [InstrumentDTO]

    public init(query: String, limit: Int, results: [InstrumentDTO]) {
        self.query = query
        self.limit = limit
        self.count = results.count
        self.results = results
    }
}

/// The body of every 4xx/5xx answer: `{"code": "INVALID_LIMIT", "message": "…"}`.
public struct APIErrorBody: Codable, Sendable, Equatable, Error {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// The report of one reference-data load (`POST /api/instruments/loads`, `trader-cli load-instruments --json`).
public struct LoadReportDTO: Codable, Sendable, Equatable {
    public struct Rejection: Codable, Sendable, Equatable {
        public var index: Int
        public var reason: String
        public init(index: Int, reason: String) {
            self.index = index
            self.reason = reason
        }
    }

    public var fileName: String
    public var kind: String?
    /// `succeeded` or `refused`.
    public var status: String
    public var sha256: String?
    public var runID: Int64?
    public var read: Int
    public var inserted: Int
    public var updated: Int
    public var unchanged: Int
    public var deactivated: Int
    public var rejected: Int
    public var rejections: [Rejection]
    public var error: APIErrorBody?

    public init(fileName: String, kind: String?, status: String, sha256: String?, runID: Int64?, read: Int,
                inserted: Int, updated: Int, unchanged: Int, deactivated: Int, rejected: Int,
                rejections: [Rejection], error: APIErrorBody?) {
        self.fileName = fileName
        self.kind = kind
        self.status = status
        self.sha256 = sha256
        self.runID = runID
        self.read = read
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.deactivated = deactivated
        self.rejected = rejected
        self.rejections = rejections
        self.error = error
    }
}
