import OMSCore
import Testing

struct OrderLifecycleTests {
    let terms = OrderTerms(quantity: Quantity(100), limitPrice: Price("1402.50"))

    @Test func newPartialFillThenFill() throws {
        var state = OrderLifecycle.submitted(terms)
        #expect(state.status == .pendingNew && state.leavesQuantity == Quantity(100))
        guard case .pendingNew(let p) = state else { Issue.record("not pending"); return }
        let w = p.accepted()
        state = .working(w)
        #expect(state.status == .new)
        guard case .partiallyFilled(let w2) = w.fill(Quantity(40), at: Price("1402.50")!) else { Issue.record("no partial"); return }
        state = .working(w2)
        #expect(state.status == .partiallyFilled && state.leavesQuantity == Quantity(60))
        guard case .filled(let done) = w2.fill(Quantity(60), at: Price("1402.00")!) else { Issue.record("not filled"); return }
        state = .closed(done)
        #expect(state.status == .filled && state.leavesQuantity == .zero)
        // AvgPx = (40 × 1402.50 + 60 × 1402.00) / 100 = 1402.20
        #expect(state.fills.averagePrice == Price("1402.20"))
        #expect(state.fills.cumulative == Quantity(100))
    }

    @Test func overfillIsRefusedAndLeavesTheOrderAsItWas() {
        let w = PendingNewOrder(terms: terms).accepted()
        #expect(w.fill(Quantity(101), at: Price(rupees: 1)) == .overfill(open: Quantity(100)))
        #expect(w.fill(Quantity(0), at: Price(rupees: 1)) == .overfill(open: Quantity(100)))
    }

    @Test func cancelAndCancelReject() {
        let w = PendingNewOrder(terms: terms).accepted()
        let pc = w.requestCancel()
        #expect(OrderLifecycle.pendingCancel(pc).status == .pendingCancel)
        #expect(OrderLifecycle.closed(pc.canceled()).status == OrderStatus.canceled)
        #expect(pc.cancelRejected() == w)
        // A fill racing the cancel is kept.
        guard case .stillPending(let pc2) = pc.fill(Quantity(30), at: Price(rupees: 1402)) else { Issue.record("lost fill"); return }
        let closed = pc2.canceled()
        #expect(closed.fills.cumulative == Quantity(30) && closed.finalStatus == .canceled)
    }

    @Test func replaceChangesTermsButNotBelowFilled() {
        let w = PendingNewOrder(terms: terms).accepted()
        guard case .partiallyFilled(let w2) = w.fill(Quantity(40), at: Price(rupees: 1402)) else { return }
        #expect(w2.requestReplace(OrderTerms(quantity: Quantity(40))) == nil)
        let pr = w2.requestReplace(OrderTerms(quantity: Quantity(150), limitPrice: Price("1403")))!
        guard case .working(let w3) = pr.replaced() else { Issue.record("not working"); return }
        #expect(w3.open == Quantity(110) && w3.terms.limitPrice == Price("1403"))
        #expect(pr.replaceRejected() == w2)
    }

    @Test func rejectedAndExpiredAreTerminal() {
        #expect(OrderLifecycle.closed(PendingNewOrder(terms: terms).rejected()).status == .rejected)
        #expect(OrderLifecycle.closed(PendingNewOrder(terms: terms).accepted().expired()).status == .expired)
        for s in OrderStatus.allCases {
            #expect(s.isTerminal == [.filled, .canceled, .rejected, .expired].contains(s))
        }
    }

    /// The illegal moves do not exist: `ClosedOrder` and `PendingNewOrder` expose no transition methods
    /// for them, so code such as `closed.fill(...)`, `closed.requestCancel()` or `pendingNew.fill(...)`
    /// does not compile. What remains checkable at run time is that every state reports the right status.
    @Test func everyStateHasItsFIXStatus() {
        let p = PendingNewOrder(terms: terms)
        let w = p.accepted()
        let states: [(OrderLifecycle, OrderStatus)] = [
            (.pendingNew(p), .pendingNew), (.working(w), .new), (.pendingCancel(w.requestCancel()), .pendingCancel),
            (.pendingReplace(w.requestReplace(OrderTerms(quantity: Quantity(200)))!), .pendingReplace),
            (.closed(p.rejected()), .rejected),
        ]
        for (state, status) in states { #expect(state.status == status) }
    }
}
