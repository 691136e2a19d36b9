/// A trading client (account) as the OMS knows it.
public struct ClientID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (a: ClientID, b: ClientID) -> Bool { a.rawValue < b.rawValue }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
}

/// A set of products as a bit mask (a lookup compares bits, it does not allocate).
public struct ProductSet: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let cnc = ProductSet(rawValue: 1)
    public static let mis = ProductSet(rawValue: 2)
    public static let mtf = ProductSet(rawValue: 4)
    public static let nrml = ProductSet(rawValue: 8)
    public static let all: ProductSet = [.cnc, .mis, .mtf, .nrml]

    public init(_ product: Product) {
        switch product {
        case .cnc: self = .cnc
        case .mis: self = .mis
        case .mtf: self = .mtf
        case .nrml: self = .nrml
        }
    }

    public init<S: Sequence>(products: S) where S.Element == Product {
        self = []
        for p in products { insert(ProductSet(p)) }
    }

    public func contains(_ product: Product) -> Bool { contains(ProductSet(product)) }

    /// In the order CNC, MIS, MTF, NRML.
    public var products: [Product] { Product.allCases.filter { contains($0) } }

    /// `CNC,MIS`.
    public var description: String { products.map(\.rawValue).joined(separator: ",") }
}

/// Why a product may not be used on an instrument (stable codes, e.g. for FIX Text (58)).
public enum IneligibilityReason: String, Sendable, Hashable, Codable, CaseIterable {
    case unknownInstrument = "UNKNOWN_INSTRUMENT"
    case instrumentInactive = "INSTRUMENT_INACTIVE"
    /// Indices: data only.
    case notTradable = "NOT_TRADABLE"
    case suspended = "SUSPENDED"
    /// CNC/MTF on a derivative, NRML on a cash instrument.
    case notApplicable = "PRODUCT_NOT_APPLICABLE"
    case notInMISList = "NOT_IN_MIS_LIST"
    case notInMTFList = "NOT_IN_MTF_LIST"
    /// Trade-for-trade series (BE, BZ, …): delivery only.
    case tradeForTrade = "TRADE_FOR_TRADE"
    /// On an ASM/GSM/ESM list today.
    case surveillance = "SURVEILLANCE"
    /// IPO listing day or relisting day (special pre-open session).
    case ipoOrRelistingDay = "IPO_OR_RELISTING_DAY"
    case unknownClient = "UNKNOWN_CLIENT"
    case clientNotPermitted = "CLIENT_NOT_PERMITTED"
}

/// What an eligible product costs: MIS carries the intraday margin % and leverage, MTF the margin bracket.
public struct ProductTerms: Hashable, Sendable {
    public var product: Product
    /// MIS: `intraday_margin` (% of value blocked); MTF: `mtf_bracket`.
    public var marginPercent: Rate?
    /// MIS: `intraday_leverage`.
    public var leverage: Rate?

    /// The percent of an order's value the product blocks from the client's funds: the margin %, else 100 ÷ the
    /// leverage (rounded up to the next 0.0001 %); nil when neither is known.
    public var blockedPercent: Rate? {
        if let m = marginPercent { return m }
        guard let l = leverage, l.units > 0 else { return nil }
        let numerator = Rate.hundredPercent.units * Rate.scale
        return Rate(units: (numerator + l.units - 1) / l.units)
    }

    public init(product: Product, marginPercent: Rate? = nil, leverage: Rate? = nil) {
        self.product = product
        self.marginPercent = marginPercent
        self.leverage = leverage
    }
}

/// A product that may not be used. A decision, not a failure.
public struct ProductDenial: Error, Hashable, Sendable, CustomStringConvertible {
    public var client: ClientID
    public var instrument: InstrumentKey
    public var product: Product
    public var reason: IneligibilityReason

    public init(client: ClientID, instrument: InstrumentKey, product: Product, reason: IneligibilityReason) {
        self.client = client
        self.instrument = instrument
        self.product = product
        self.reason = reason
    }

    public var code: String { "NOT_ELIGIBLE" }

    /// `NOT_ELIGIBLE: product=MIS instrument=NSE_EQ|INE839G01010 client=C1 reason=TRADE_FOR_TRADE`.
    public var description: String {
        "\(code): product=\(product.rawValue) instrument=\(instrument) client=\(client) reason=\(reason.rawValue)"
    }
}

/// Which products an order may use, per (client, instrument). Lookups are in memory and never block.
public protocol ProductEligibility: Sendable {
    func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial>
    /// All products the client may use on the instrument.
    func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet
}
