/// The pre-trade risk stage (STYLE.md §2: after product eligibility). `check` decides and, when it accepts,
/// records the order's reservation in the same synchronous call: nothing may be awaited between a check and
/// recording its effect, so two concurrent orders cannot both pass a limit only one of them fits. Call every
/// method from one isolation domain (the `OrderEngine` actor).
public protocol RiskEngine: AnyObject {
    /// Checks every rule in order; on acceptance the order's reservation is already recorded.
    func check(_ order: RiskOrder, market: MarketSnapshot) -> RiskDecision
    /// The accepted order never went out (a later step failed): undo its reservation.
    func release(_ reservation: RiskReservationID)
    /// A fill (or part fill) of an accepted order: moves quantity from working to the position.
    /// - Returns: false when the reservation is unknown (already closed).
    @discardableResult
    func applyFill(_ reservation: RiskReservationID, quantity: Quantity, price: Price) -> Bool
    /// The order is done (canceled, expired, rejected by the broker): frees what is still reserved.
    func orderClosed(_ reservation: RiskReservationID)
    /// A replace: checks the order's new terms (`order.quantity` the new total, `order.filled` what is filled)
    /// as if it were new, with its current reservation taken out first, since the new terms replace it rather
    /// than add to it. Refused: the current reservation stands as before. Accepted: the new reservation
    /// stands and the current one is gone — unless `keepingCurrent` (a replace that makes the order smaller:
    /// until the broker confirms it the old, larger order can still fill), then the current one stands and
    /// the acceptance's reservation is not kept.
    func checkReplace(_ reservation: RiskReservationID?, with order: RiskOrder, market: MarketSnapshot,
                      keepingCurrent: Bool) -> RiskDecision
    /// Reserves an order that is live whatever the checks would say now (restored after a restart, or back
    /// at its old terms after the broker refused a replace), so that it counts for every order that follows.
    func reserveLive(_ order: RiskOrder, market: MarketSnapshot) -> RiskReservationID?
}
