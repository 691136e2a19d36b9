import OMSCore
import Testing

/// The engine inside one actor, as the OrderEngine holds it: check and reservation are one synchronous call,
/// so however the orders interleave, exactly as many pass as fit.
private actor RiskGate {
    let engine: LimitRiskEngine

    init(limits: RiskLimits) { engine = RiskFixtures.engine(limits) }

    func check(_ order: RiskOrder, market: MarketSnapshot) -> RiskDecision { engine.check(order, market: market) }
    func close(_ id: RiskReservationID) { engine.orderClosed(id) }
    func openOrders() -> Int? { engine.exposure(for: RiskFixtures.client)?.openOrders }
}

struct RiskReservationConcurrencyTests {
    typealias F = RiskFixtures

    /// 200 concurrent orders, room for 17 open orders: exactly 17 pass.
    @Test func concurrentOrdersCannotOverfillTheOpenOrderLimit() async {
        let gate = RiskGate(limits: RiskLimits(maxOpenOrders: 17))
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask { await gate.check(F.order(qty: 1), market: F.market).isAccepted }
            }
            var n = 0
            for await ok in group where ok { n += 1 }
            return n
        }
        #expect(accepted == 17)
        #expect(await gate.openOrders() == 17)
    }

    /// Margin for exactly 5 NIFTY future lots (5 × 183625.00); 60 concurrent one-lot buys: exactly 5 pass, and
    /// after closing them all, 5 pass again.
    @Test func concurrentOrdersCannotOverdrawMargin() async {
        let gate = RiskGate(limits: RiskLimits(availableMargin: F.p("918125")))
        for round in 0..<2 {
            let ids = await withTaskGroup(of: RiskReservationID?.self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        await gate.check(F.order(F.nearFuture, qty: 65, limit: "25000", product: .nrml),
                                         market: F.market).acceptance?.reservation
                    }
                }
                var ids: [RiskReservationID] = []
                for await id in group { if let id { ids.append(id) } }
                return ids
            }
            #expect(ids.count == 5, "round \(round)")
            for id in ids { await gate.close(id) }
        }
    }
}
