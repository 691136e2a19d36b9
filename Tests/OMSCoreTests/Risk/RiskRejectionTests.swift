import OMSCore
import Testing

struct RiskRejectionTests {
    typealias F = RiskFixtures
    static let key = InstrumentKey("NSE_FO|52168")

    /// One of every case (and every code-changing variant), with its 5006 code and 103 OrdRejReason.
    static let cases: [(RiskRejection, String, Int)] = [
        (.clientLimit(.maxOrderValue, limit: .money(F.p("500000")), value: .money(F.p("701250"))),
         "RISK_CLIENT_LIMIT", 3),
        (.limitsNotConfigured(client: ClientID("C9")), "RISK_CLIENT_LIMIT", 3),
        (.quantityCap(.freezeQuantity, instrument: key, limit: 1800, value: 1820), "RISK_QTY_CAP", 3),
        (.insufficientMargin(required: F.p("18250"), available: F.p("12000")), "RISK_MARGIN", 3),
        (.intradayVaR(limit: F.p("20000"), value: F.p("21152.47")), "RISK_MARGIN", 3),
        (.missingMarketData(.spanMargin, instrument: key), "RISK_MARGIN", 3),
        (.missingMarketData(.intradayVaR, instrument: key), "RISK_MARGIN", 3),
        (.missingMarketData(.marketProtection, instrument: key), "RISK_PRICE_BAND", 99),
        (.priceBand(.limitPrice, lower: F.p("1260"), upper: F.p("1540"), value: F.p("1540.10")), "RISK_PRICE_BAND", 99),
        (.badTick(.limitPrice, tick: F.p("0.10"), value: F.p("1402.55")), "BAD_TICK", 99),
        (.badQuantity(.notLotMultiple, lotSize: 65, value: Quantity(100)), "BAD_QTY", 13),
        (.unsupported(.marketProtectionOutOfRange(value: 30, maximum: 25)), "UNSUPPORTED", 11),
        (.insufficientHoldings(instrument: F.reliance.key, product: .cnc, free: 4, value: 5), "RISK_HOLDINGS", 3),
    ]

    @Test(arguments: cases)
    func everyRejectionHasItsCodeAndOrdRejReason(rejection: RiskRejection, code: String, reason: Int) {
        #expect(rejection.code.rawValue == code)
        #expect(rejection.ordRejReason == reason)
        #expect(rejection.description.hasPrefix(code + ": "))
    }

    @Test func everyCodeMapsToTheFixMappingTable() {
        // fix-mapping.md §6; RISK_HOLDINGS (no short delivery) is Vega's own, an exceeded limit like the others.
        let table: [RiskRejectCode: Int] = [.clientLimit: 3, .quantityCap: 3, .margin: 3, .holdings: 3, .priceBand: 99,
                                            .badTick: 99, .badQuantity: 13, .unsupported: 11]
        for code in RiskRejectCode.allCases { #expect(code.ordRejReason == table[code], "\(code)") }
    }

    @Test(arguments: [
        (RiskRejection.clientLimit(.maxOrderValue, limit: .money(F.p("500000")), value: .money(F.p("701250"))),
         "RISK_CLIENT_LIMIT: rule=maxOrderValue limit=500000.00 value=701250.00"),
        (.clientLimit(.maxOpenOrders, limit: .count(10), value: .count(11)),
         "RISK_CLIENT_LIMIT: rule=maxOpenOrders limit=10 value=11"),
        (.limitsNotConfigured(client: ClientID("C9")), "RISK_CLIENT_LIMIT: rule=limitsNotConfigured client=C9"),
        (.quantityCap(.freezeQuantity, instrument: key, limit: 1800, value: 1820),
         "RISK_QTY_CAP: rule=freezeQuantity instrument=NSE_FO|52168 limit=1800 value=1820"),
        (.insufficientMargin(required: F.p("18250"), available: F.p("12000")),
         "RISK_MARGIN: rule=spanMargin required=18250.00 available=12000.00"),
        (.intradayVaR(limit: F.p("20000"), value: F.p("21152.47")),
         "RISK_MARGIN: rule=intradayVaR limit=20000.00 value=21152.47"),
        (.missingMarketData(.marketProtection, instrument: key),
         "RISK_PRICE_BAND: rule=missingMarketData use=marketProtection instrument=NSE_FO|52168"),
        (.priceBand(.limitPrice, lower: F.p("1260"), upper: F.p("1540"), value: F.p("1540.1")),
         "RISK_PRICE_BAND: field=limitPrice lower=1260.00 upper=1540.00 value=1540.10"),
        (.badTick(.triggerPrice, tick: F.p("0.1"), value: F.p("1402.55")),
         "BAD_TICK: field=triggerPrice tick=0.10 value=1402.55"),
        (.badQuantity(.notLotMultiple, lotSize: 65, value: Quantity(100)),
         "BAD_QTY: rule=notLotMultiple lot=65 value=100"),
        (.unsupported(.marketProtectionOutOfRange(value: 30, maximum: 25)),
         "UNSUPPORTED: rule=marketProtectionPct lower=0 upper=25 value=30"),
        (.unsupported(.missingPrice(.limitPrice, orderType: .limit)),
         "UNSUPPORTED: rule=missingPrice field=limitPrice orderType=LIMIT"),
    ])
    func rendersCodeThenKeyValuePairs(rejection: RiskRejection, text: String) {
        #expect(rejection.description == text)
    }

    @Test func decisionExposesAcceptanceOrRejection() {
        let engine = F.engine(RiskLimits(maxOrderValue: F.p("500000")))
        let rejected = engine.check(F.order(qty: 500, limit: "1402.50"), market: F.market)
        #expect(rejected.rejection?.description
            == "RISK_CLIENT_LIMIT: rule=maxOrderValue limit=500000.00 value=701250.00")
        #expect(rejected.acceptance == nil && !rejected.isAccepted)
        let accepted = engine.check(F.order(qty: 100, limit: "1402.50"), market: F.market)
        #expect(accepted.acceptance?.orderValue == F.p("140250"))
        #expect(accepted.rejection == nil)
    }
}
