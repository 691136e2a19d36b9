import OMSCore
import Testing

struct RiskPipelineStageTests {
    typealias F = RiskFixtures

    @Test func acceptedOrderCarriesEligibilityTermsAndAcceptance() throws {
        let stage = RiskPipelineStage(engine: F.engine(RiskLimits(maxOrderValue: F.p("200000"))))
        let terms = ProductTerms(product: .mis, marginPercent: Rate(whole: 20), leverage: Rate(whole: 5))
        let result = stage.check(F.order(qty: 100, product: .mis), eligibility: terms, market: F.market)
        let checked = try result.get()
        #expect(checked.productTerms == terms)
        #expect(checked.acceptance.orderValue == F.p("140000"))
        #expect(checked.order.quantity == Quantity(100))
    }

    @Test func rejectionIsTheTypedFailure() {
        let stage = RiskPipelineStage(engine: F.engine(RiskLimits(maxOrderValue: F.p("100000"))))
        let result = stage.check(F.order(qty: 100), eligibility: ProductTerms(product: .cnc), market: F.market)
        guard case .failure(let r) = result else {
            Issue.record("expected a rejection")
            return
        }
        #expect(r.code == .clientLimit && r.ordRejReason == 3)
    }
}
