import Foundation
import GRDB
import OMSCore

/// Eligibility of one instrument, before client permissions.
struct InstrumentEligibility: Sendable, Hashable {
    var allowed: ProductSet = []
    /// Why each product is not allowed, indexed CNC, MIS, MTF, NRML.
    var reasons: [IneligibilityReason?] = [nil, nil, nil, nil]
    var misMargin: Rate?
    var misLeverage: Rate?
    var mtfBracket: Rate?

    static func slot(_ p: Product) -> Int {
        switch p {
        case .cnc: 0
        case .mis: 1
        case .mtf: 2
        case .nrml: 3
        }
    }

    mutating func allow(_ p: Product) { allowed.insert(ProductSet(p)); reasons[Self.slot(p)] = nil }
    mutating func deny(_ p: Product, _ r: IneligibilityReason) { allowed.remove(ProductSet(p)); reasons[Self.slot(p)] = r }
}

/// What the eligibility rules read about one instrument.
struct EligibilityInput: Sendable {
    var key: InstrumentKey
    var segment: Segment
    var exchange: String
    var instrumentType: String
    var active: Bool
    var suspended: Bool
    var intradayMargin: Rate?
    var intradayLeverage: Rate?
    var mtfEnabled: Bool
    var mtfBracket: Rate?
    var onSurveillance: Bool
    var ipoOrRelistingDay: Bool
    var tradeForTrade: Bool
}

/// An immutable view of which products may be used, for one trading day. Swapped in whole.
public final class EligibilitySnapshot: Sendable {
    /// The IST trading day the lists were read for.
    public let tradingDay: Int32
    public let builtAt: Date
    let instruments: [InstrumentKey: InstrumentEligibility]
    let clients: [ClientID: ProductSet]
    /// Products for clients without a row in `client_product_permissions` (nil: such clients are refused).
    let defaultClientProducts: ProductSet?

    init(tradingDay: Int32, builtAt: Date, instruments: [InstrumentKey: InstrumentEligibility],
         clients: [ClientID: ProductSet], defaultClientProducts: ProductSet?) {
        self.tradingDay = tradingDay
        self.builtAt = builtAt
        self.instruments = instruments
        self.clients = clients
        self.defaultClientProducts = defaultClientProducts
    }

    public static let empty = EligibilitySnapshot(tradingDay: 0, builtAt: Date(timeIntervalSince1970: 0),
                                                  instruments: [:], clients: [:], defaultClientProducts: nil)

    public var instrumentCount: Int { instruments.count }
    public var clientCount: Int { clients.count }

    /// Vega's policy (documented in docs/reference-data.md):
    /// - indices: nothing; suspended or inactive: nothing;
    /// - derivatives: NRML and MIS (terms from the MIS list when it names them); CNC/MTF do not apply;
    /// - cash: CNC; MIS when on the MIS list and not T2T, not under surveillance, not on its IPO/relisting day;
    ///   MTF when on the MTF list under the same conditions; NRML does not apply.
    static func rules(_ i: EligibilityInput) -> InstrumentEligibility {
        var e = InstrumentEligibility()
        func denyAll(_ r: IneligibilityReason) { for p in Product.allCases { e.deny(p, r) } }
        guard i.active else { denyAll(.instrumentInactive); return e }
        if i.segment.isIndex { denyAll(.notTradable); return e }
        if i.suspended { denyAll(.suspended); return e }
        if i.segment.isDerivative || i.segment == .nseCOM {
            e.deny(.cnc, .notApplicable)
            e.deny(.mtf, .notApplicable)
            e.allow(.nrml)
            // Intraday derivatives are margined by SPAN + exposure; the MIS list, when it names the
            // contract, only adds its margin and leverage.
            e.allow(.mis)
            e.misMargin = i.intradayMargin
            e.misLeverage = i.intradayLeverage
            return e
        }
        e.allow(.cnc)
        e.deny(.nrml, .notApplicable)
        let blocker: IneligibilityReason? =
            i.tradeForTrade ? .tradeForTrade : i.onSurveillance ? .surveillance : i.ipoOrRelistingDay ? .ipoOrRelistingDay : nil
        if let b = blocker {
            e.deny(.mis, b)
            e.deny(.mtf, b)
            return e
        }
        if let m = i.intradayMargin, let l = i.intradayLeverage {
            e.allow(.mis)
            e.misMargin = m
            e.misLeverage = l
        } else {
            e.deny(.mis, .notInMISList)
        }
        if i.mtfEnabled {
            e.allow(.mtf)
            e.mtfBracket = i.mtfBracket
        } else {
            e.deny(.mtf, .notInMTFList)
        }
        return e
    }

    /// Series treated as trade-for-trade even without a `t2t_series` file.
    static let builtInT2T: Set<String> = ["NSE|BE", "NSE|BZ", "NSE|ST", "NSE|SZ", "BSE|T", "BSE|XT", "BSE|Z"]

    /// Reads the master and the day's lists and applies `rules`.
    static func build(_ db: Database, tradingDay: Int32, builtAt: Date,
                      defaultClientProducts: ProductSet?) throws -> EligibilitySnapshot {
        let date = ISTCalendar.isoDate(tradingDay)
        var t2t = builtInT2T
        for r in try Row.fetchAll(db, sql: "SELECT exchange, series FROM t2t_series") {
            t2t.insert((r[0] as String) + "|" + (r[1] as String))
        }
        // The latest surveillance list on or before today applies until the next replaces it: a day whose list
        // has not arrived yet (or failed to load) keeps yesterday's, rather than treating every stock as clear
        // (it did: MIS and MTF opened on GSM stocks whenever the file came after the 06:00 rebuild).
        let surveillance = Set(try String.fetchAll(db, sql: """
            SELECT instrument_key FROM surveillance_list
            WHERE trade_date = (SELECT max(trade_date) FROM surveillance_list WHERE trade_date <= ?)
            """, arguments: [date]))
        let ipo = Set(try String.fetchAll(db, sql: "SELECT instrument_key FROM ipo_listings WHERE listing_date = ?",
                                          arguments: [date]))
        func rate(_ d: Double?) -> Rate? { InstrumentRepository.units(d, scale: Rate.scale).map(Rate.init(units:)) }
        var instruments: [InstrumentKey: InstrumentEligibility] = [:]
        instruments.reserveCapacity(try InstrumentRepository.count(db))
        let rows = try Row.fetchCursor(db, sql: """
            SELECT instrument_key, segment, exchange, instrument_type, active, suspended, intraday_margin,
                   intraday_leverage, COALESCE(mtf_enabled, 0), mtf_bracket
            FROM instruments
            """)
        while let r = try rows.next() {
            let key: String = r[0]
            guard let segment = Segment(rawValue: r[1]) else { continue }
            let exchange: String = r[2]
            let type: String = r[3]
            let input = EligibilityInput(
                key: InstrumentKey(key), segment: segment, exchange: exchange, instrumentType: type, active: r[4],
                suspended: r[5], intradayMargin: rate(r[6]), intradayLeverage: rate(r[7]), mtfEnabled: r[8],
                mtfBracket: rate(r[9]), onSurveillance: surveillance.contains(key), ipoOrRelistingDay: ipo.contains(key),
                tradeForTrade: segment.isCash && t2t.contains(exchange + "|" + type))
            instruments[input.key] = rules(input)
        }
        var clients: [ClientID: ProductSet] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT client_id, products FROM client_product_permissions") {
            let text: String = r[1]
            clients[ClientID(r[0])] = ProductSet(products: text.split(separator: ",").compactMap { Product(rawValue: String($0)) })
        }
        return EligibilitySnapshot(tradingDay: tradingDay, builtAt: builtAt, instruments: instruments, clients: clients,
                                   defaultClientProducts: defaultClientProducts)
    }

    @inline(__always)
    func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
        guard let permitted = clients[client] ?? defaultClientProducts else {
            return .failure(ProductDenial(client: client, instrument: instrument, product: product, reason: .unknownClient))
        }
        guard let e = instruments[instrument] else {
            return .failure(ProductDenial(client: client, instrument: instrument, product: product, reason: .unknownInstrument))
        }
        let bit = ProductSet(product)
        guard e.allowed.contains(bit) else {
            return .failure(ProductDenial(client: client, instrument: instrument, product: product,
                                          reason: e.reasons[InstrumentEligibility.slot(product)] ?? .notApplicable))
        }
        guard permitted.contains(bit) else {
            return .failure(ProductDenial(client: client, instrument: instrument, product: product, reason: .clientNotPermitted))
        }
        switch product {
        case .mis: return .success(ProductTerms(product: .mis, marginPercent: e.misMargin, leverage: e.misLeverage))
        case .mtf: return .success(ProductTerms(product: .mtf, marginPercent: e.mtfBracket))
        default: return .success(ProductTerms(product: product))
        }
    }

    func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet {
        guard let permitted = clients[client] ?? defaultClientProducts, let e = instruments[instrument] else { return [] }
        return e.allowed.intersection(permitted)
    }
}
