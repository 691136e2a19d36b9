import OMSCore

/// Instruments, market data and engines shared by the risk tests.
enum RiskFixtures {
    static let client = ClientID("C1")
    static let otherClient = ClientID("C2")

    static func p(_ text: String) -> Price { Price(text)! }

    /// 2026-09-01 (a Tuesday).
    static let today = TradingDate(year: 2026, month: 9, day: 1)!.daysSinceEpoch
    static let niftyIndex = InstrumentKey("NSE_INDEX|Nifty 50")

    /// RELIANCE EQ: tick ₹0.10, lot 1, freeze 100000.
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ",
                                     tradingSymbol: "RELIANCE", isin: "INE002A01018", lotSize: 1,
                                     tickSize: Price(paise: 10), freezeQuantity: 100_000)
    /// TCS EQ: tick ₹0.10.
    static let tcs = Instrument(key: InstrumentKey("NSE_EQ|INE467B01029"), segment: .nseEQ, exchange: "NSE",
                                name: "TATA CONSULTANCY SERV LT", instrumentType: "EQ", tradingSymbol: "TCS",
                                isin: "INE467B01029", lotSize: 1, tickSize: Price(paise: 10),
                                freezeQuantity: 100_000)

    /// NIFTY future expiring `days` after today: lot 65, tick ₹0.10, freeze 1800.
    static func niftyFuture(days: Int32 = 28, key: String = "NSE_FO|52168") -> Instrument {
        Instrument(key: InstrumentKey(key), segment: .nseFO, exchange: "NSE", name: "NIFTY", instrumentType: "FUT",
                   tradingSymbol: "NIFTY FUT", lotSize: 65, tickSize: Price(paise: 10), freezeQuantity: 1800,
                   expiryDay: today + days, underlyingKey: niftyIndex, underlyingSymbol: "NIFTY")
    }

    static let nearFuture = niftyFuture(days: 28, key: "NSE_FO|52168")
    static let farFuture = niftyFuture(days: 63, key: "NSE_FO|52169")

    /// NIFTY option: lot 65, tick ₹0.05, freeze 1800.
    static func niftyOption(_ type: OptionType, strike: Int64, days: Int32 = 73, key: String = "NSE_FO|61544")
        -> Instrument
    {
        Instrument(key: InstrumentKey(key), segment: .nseFO, exchange: "NSE", name: "NIFTY",
                   instrumentType: type.rawValue, tradingSymbol: "NIFTY \(strike) \(type.rawValue)", lotSize: 65,
                   tickSize: Price(paise: 5), freezeQuantity: 1800, expiryDay: today + days,
                   strikePrice: Price(rupees: strike), optionType: type, underlyingKey: niftyIndex,
                   underlyingSymbol: "NIFTY")
    }

    static let market = MarketSnapshot(
        lastPrices: [reliance.key: p("1400"), tcs.key: p("3000"), niftyIndex: p("25000"),
                     nearFuture.key: p("25000"), farFuture.key: p("25150")],
        volatilities: [niftyIndex: Rate(whole: 15)], tradingDay: today)

    static func order(_ instrument: Instrument = reliance, _ side: Side = .buy, qty: Int64, limit: String? = "1400",
                      type: OrderType = .limit, trigger: String? = nil, product: Product = .cnc,
                      protection: Int? = nil, slice: Bool = false, client: ClientID = client) -> RiskOrder {
        RiskOrder(client: client, instrument: instrument, side: side, product: product, orderType: type,
                  quantity: Quantity(qty), limitPrice: limit.map(p), triggerPrice: trigger.map(p),
                  marketProtectionPct: protection, slice: slice)
    }

    /// A RELIANCE order.
    static func order(_ side: Side, qty: Int64, limit: String? = "1400", type: OrderType = .limit,
                      trigger: String? = nil, product: Product = .cnc, protection: Int? = nil) -> RiskOrder {
        order(reliance, side, qty: qty, limit: limit, type: type, trigger: trigger, product: product,
              protection: protection)
    }

    /// The other rules' tests sell RELIANCE CNC without holding it (to go short, to reduce, to cross zero): the
    /// no-short-delivery rule is off here and tested on its own (`DeliverySellTests`).
    static func engine(_ limits: RiskLimits = .unlimited, bands: PriceBands = PriceBands(),
                       configuration: RiskConfiguration = RiskConfiguration(deliverySellsNeedHoldings: false),
                       varModel: IntradayVaRModel? = nil) -> LimitRiskEngine {
        LimitRiskEngine(configuration: configuration, limits: [client: limits], priceBands: bands,
                        varModel: varModel)
    }

    /// `ok`, or the rejection's code and rule (`RISK_QTY_CAP freezeQuantity`), for table-driven tests.
    static func summary(_ d: RiskDecision) -> String {
        switch d {
        case .accepted: "ok"
        case .rejected(let r): "\(r.code.rawValue) \(rule(r))"
        }
    }

    static func rule(_ r: RiskRejection) -> String {
        switch r {
        case .clientLimit(let rule, _, _): rule.rawValue
        case .limitsNotConfigured: "limitsNotConfigured"
        case .quantityCap(let rule, _, _, _): rule.rawValue
        case .insufficientMargin: "spanMargin"
        case .insufficientFunds: "funds"
        case .intradayVaR: "intradayVaR"
        case .insufficientHoldings: "deliverySell"
        case .missingMarketData(let use, _): use.rawValue
        case .priceBand(let f, _, _, _), .badTick(let f, _, _): f.rawValue
        case .badQuantity(let rule, _, _): rule.rawValue
        case .unsupported(let u):
            switch u {
            case .marketProtectionOutOfRange: "marketProtectionPct"
            case .missingPrice: "missingPrice"
            case .nonPositivePrice: "nonPositivePrice"
            }
        }
    }
}
