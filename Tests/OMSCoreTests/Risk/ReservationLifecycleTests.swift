import OMSCore
import Testing

/// Fills, closes and releases move a reservation's quantity and value.
struct ReservationLifecycleTests {
    typealias F = RiskFixtures

    @Test func partialFillsMoveWorkingQuantityIntoThePosition() {
        let engine = F.engine()
        let id = engine.check(F.order(qty: 100), market: F.market).acceptance!.reservation
        let key = PositionKey(instrument: F.reliance.key, product: .cnc)
        #expect(engine.exposure(for: F.client)?.positions[key]?.workingBuy == Quantity(100))
        #expect(engine.exposure(for: F.client)?.openOrderValue == F.p("140000"))

        #expect(engine.applyFill(id, quantity: Quantity(40), price: F.p("1399")))
        var e = engine.exposure(for: F.client)!
        #expect(e.positions[key]?.net == Quantity(40))
        #expect(e.positions[key]?.averagePrice == F.p("1399"))
        #expect(e.positions[key]?.workingBuy == Quantity(60))
        #expect(e.openOrderValue == F.p("84000"))  // 60 × 1400 (the reserved price)
        #expect(e.openOrders == 1)

        #expect(engine.applyFill(id, quantity: Quantity(60), price: F.p("1400")))
        e = engine.exposure(for: F.client)!
        #expect(e.positions[key]?.net == Quantity(100))
        #expect(e.openOrders == 0 && e.openOrderValue == .zero)
        #expect(engine.openReservations == 0)
        #expect(!engine.applyFill(id, quantity: Quantity(1), price: F.p("1400")))
    }

    /// Long 100 at 1400, sell 150 at 1410: +1000.00 realised, then short 50 at 1410.
    @Test func aFillThroughZeroRealisesAndOpensTheOtherSide() {
        let engine = F.engine()
        engine.applyFill(engine.check(F.order(qty: 100), market: F.market).acceptance!.reservation,
                         quantity: Quantity(100), price: F.p("1400"))
        let sell = engine.check(F.order(.sell, qty: 150, limit: "1410"), market: F.market).acceptance!.reservation
        engine.applyFill(sell, quantity: Quantity(150), price: F.p("1410"))
        let e = engine.exposure(for: F.client)!
        let p = e.positions[PositionKey(instrument: F.reliance.key, product: .cnc)]!
        #expect(e.realisedPnL == F.p("1000"))
        #expect(p.net == Quantity(-50) && p.averagePrice == F.p("1410"))
        // MTM at 1400: short 50 from 1410 = +500.
        #expect(engine.dayPnL(for: F.client, market: F.market) == F.p("1500"))
    }

    @Test func closingAfterAPartialFillFreesTheRest() {
        let engine = F.engine(RiskLimits(maxOpenOrders: 1))
        let id = engine.check(F.order(qty: 100), market: F.market).acceptance!.reservation
        engine.applyFill(id, quantity: Quantity(30), price: F.p("1400"))
        engine.orderClosed(id)
        let e = engine.exposure(for: F.client)!
        #expect(e.openOrders == 0 && e.openOrderValue == .zero)
        #expect(e.positions[PositionKey(instrument: F.reliance.key, product: .cnc)]?.workingBuy == .zero)
        #expect(engine.check(F.order(qty: 1), market: F.market).isAccepted)
    }

    @Test func releaseUndoesAnOrderThatNeverWentOut() {
        let engine = F.engine(RiskLimits(maxOpenOrders: 1))
        let id = engine.check(F.order(qty: 100), market: F.market).acceptance!.reservation
        engine.release(id)
        engine.release(id)  // idempotent
        #expect(engine.exposure(for: F.client)?.openOrders == 0)
        #expect(engine.check(F.order(qty: 1), market: F.market).isAccepted)
    }

    @Test func reservationIDsAreUnique() {
        let engine = F.engine()
        let ids = (0..<50).map { _ in engine.check(F.order(qty: 1), market: F.market).acceptance!.reservation }
        #expect(Set(ids).count == 50)
    }

    @Test func reducesExposureIsDecidedFromPositionsAndWorkingOrders() {
        let engine = F.engine()
        engine.loadPosition(client: F.client, instrument: F.reliance, product: .cnc, quantity: 100,
                            averagePrice: F.p("1400"))
        #expect(engine.check(F.order(.sell, qty: 60), market: F.market).acceptance?.reducesExposure == true)
        #expect(engine.check(F.order(.sell, qty: 41), market: F.market).acceptance?.reducesExposure == false)
        #expect(engine.check(F.order(.buy, qty: 1), market: F.market).acceptance?.reducesExposure == false)
        // MIS is a different position.
        let mis = engine.check(F.order(.sell, qty: 1, product: .mis), market: F.market)
        #expect(mis.acceptance?.reducesExposure == false)
    }
}
