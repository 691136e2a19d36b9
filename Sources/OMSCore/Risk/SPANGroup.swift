/// One client's F&O legs on one underlying (positions and working orders, netted across products) and the two
/// SPAN aggregates the engine checks: "every working buy fills" and "every working sell fills". Kept in step by
/// `ClientRiskBook.store` as orders, fills and releases move a leg (O(16) each), so an order's margin check costs
/// O(16) instead of revaluing every leg; rebuilt from the books when a new contract appears or on `revalue`.
struct SPANGroup: Sendable {
    struct Leg: Sendable {
        /// The valuation the leg entered with (kept until the group is rebuilt).
        var valued: SPANValuedContract
        var net: Int64
        var buy: Int64
        var sell: Int64

        var buysSide: Int64 { net + buy }
        var sellsSide: Int64 { net - sell }
    }

    let calculator: SPANCalculator
    var legs: [InstrumentKey: Leg] = [:]
    var buys: SPANAggregate
    var sells: SPANAggregate
    /// False once a change came for a contract the group does not hold: it must be rebuilt.
    var valid = true

    init(calculator: SPANCalculator) {
        self.calculator = calculator
        buys = SPANAggregate(scenarios: calculator.scenarios.count)
        sells = buys
    }

    mutating func insert(_ valued: SPANValuedContract, net: Int64, buy: Int64, sell: Int64) {
        let leg = Leg(valued: valued, net: net, buy: buy, sell: sell)
        calculator.add(valued, quantity: leg.buysSide, sign: 1, to: &buys)
        calculator.add(valued, quantity: leg.sellsSide, sign: 1, to: &sells)
        legs[valued.contract.key] = leg
    }

    /// A leg's position or working quantities changed by the given amounts.
    mutating func adjust(_ key: InstrumentKey, net: Int64, buy: Int64, sell: Int64) {
        guard var leg = legs[key] else {
            valid = false
            return
        }
        let (oldBuys, oldSells) = (leg.buysSide, leg.sellsSide)
        leg.net += net
        leg.buy += buy
        leg.sell += sell
        calculator.move(leg.valued, from: oldBuys, to: leg.buysSide, in: &buys)
        calculator.move(leg.valued, from: oldSells, to: leg.sellsSide, in: &sells)
        legs[key] = leg
    }

    /// The margin of the side whose net requirement is larger.
    var margin: SPANMargin { Self.worse(calculator.margin(buys), calculator.margin(sells)) }

    /// The margin with one more order of `quantity` units on `side` (`valued`: the contract, used when the group
    /// has no leg for it yet), without changing the group.
    func margin(adding side: Side, quantity: Int64, of valued: SPANValuedContract) -> SPANMargin {
        let leg = legs[valued.contract.key]
        let v = leg?.valued ?? valued
        if side == .buy {
            var b = buys
            let old = leg?.buysSide ?? 0
            calculator.move(v, from: old, to: old + quantity, in: &b)
            return Self.worse(calculator.margin(b), calculator.margin(sells))
        }
        var s = sells
        let old = leg?.sellsSide ?? 0
        calculator.move(v, from: old, to: old - quantity, in: &s)
        return Self.worse(calculator.margin(buys), calculator.margin(s))
    }

    static func worse(_ a: SPANMargin, _ b: SPANMargin) -> SPANMargin { a.netRequirement >= b.netRequirement ? a : b }
}
