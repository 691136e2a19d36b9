/// Quantities and prices every order state carries.
public struct OrderTerms: Hashable, Sendable, Codable {
    public var quantity: Quantity
    public var limitPrice: Price?
    public var triggerPrice: Price?

    public init(quantity: Quantity, limitPrice: Price? = nil, triggerPrice: Price? = nil) {
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.triggerPrice = triggerPrice
    }
}

/// Filled quantity and its value, from which CumQty, LeavesQty and AvgPx follow.
public struct FillTotals: Hashable, Sendable, Codable {
    public private(set) var cumulative: Quantity = .zero
    /// Σ lastQty × lastPx, in Price units × quantity.
    public private(set) var notionalUnits: Int64 = 0

    public init() {}

    mutating func add(_ qty: Quantity, at price: Price) {
        cumulative = cumulative + qty
        notionalUnits += qty.value * price.units
    }

    /// Average fill price (rounded to the nearest Price unit), zero before any fill.
    public var averagePrice: Price {
        guard cumulative.value > 0 else { return .zero }
        let q = cumulative.value
        return Price(units: (notionalUnits + q / 2) / q)
    }
}

/// The order state machine (FIX 4.4). Each state is its own type, and only legal moves exist as methods:
/// a filled, canceled, rejected or expired order (`ClosedOrder`) has no method that changes it, and a
/// fill cannot be applied to an order that was never accepted (`PendingNewOrder` has no `fill`).
public enum OrderLifecycle: Sendable, Hashable, Codable {
    case pendingNew(PendingNewOrder)
    case working(WorkingOrder)
    case pendingCancel(PendingCancelOrder)
    case pendingReplace(PendingReplaceOrder)
    case closed(ClosedOrder)

    public static func submitted(_ terms: OrderTerms) -> OrderLifecycle { .pendingNew(PendingNewOrder(terms: terms)) }

    public var status: OrderStatus {
        switch self {
        case .pendingNew: return .pendingNew
        case .working(let w): return w.fills.cumulative.value > 0 ? .partiallyFilled : .new
        case .pendingCancel: return .pendingCancel
        case .pendingReplace: return .pendingReplace
        case .closed(let c): return c.finalStatus
        }
    }

    public var terms: OrderTerms {
        switch self {
        case .pendingNew(let o): return o.terms
        case .working(let o): return o.terms
        case .pendingCancel(let o): return o.working.terms
        case .pendingReplace(let o): return o.working.terms
        case .closed(let o): return o.terms
        }
    }

    public var fills: FillTotals {
        switch self {
        case .pendingNew: return FillTotals()
        case .working(let o): return o.fills
        case .pendingCancel(let o): return o.working.fills
        case .pendingReplace(let o): return o.working.fills
        case .closed(let o): return o.fills
        }
    }

    /// LeavesQty: 0 once the order is closed.
    public var leavesQuantity: Quantity {
        if case .closed = self { return .zero }
        return terms.quantity - fills.cumulative
    }
}

public struct PendingNewOrder: Sendable, Hashable, Codable {
    public let terms: OrderTerms

    /// A new order, before any broker has seen it.
    public init(terms: OrderTerms) { self.terms = terms }

    /// The broker (or exchange) acknowledged the order.
    public func accepted() -> WorkingOrder { WorkingOrder(terms: terms, fills: FillTotals()) }

    /// Refused: by Vega's pipeline or by the broker.
    public func rejected() -> ClosedOrder { ClosedOrder(terms: terms, fills: FillTotals(), finalStatus: .rejected) }
    /// Its trading day ended before the broker acknowledged it.
    public func expired() -> ClosedOrder { ClosedOrder(terms: terms, fills: FillTotals(), finalStatus: .expired) }
    /// Cancelled before it reached a broker (an after-market order held for the next open).
    public func canceledBeforeSent() -> ClosedOrder { ClosedOrder(terms: terms, fills: FillTotals(), finalStatus: .canceled) }
}

/// What a fill did to a working order.
public enum FillOutcome: Sendable, Hashable {
    case partiallyFilled(WorkingOrder)
    case filled(ClosedOrder)
    /// More than the open quantity: refused, the order stays as it was.
    case overfill(open: Quantity)
}

public struct WorkingOrder: Sendable, Hashable, Codable {
    public let terms: OrderTerms
    public let fills: FillTotals

    public var open: Quantity { terms.quantity - fills.cumulative }

    public func fill(_ qty: Quantity, at price: Price) -> FillOutcome {
        guard qty.value > 0, qty <= open else { return .overfill(open: open) }
        var f = fills
        f.add(qty, at: price)
        if f.cumulative == terms.quantity {
            return .filled(ClosedOrder(terms: terms, fills: f, finalStatus: .filled))
        }
        return .partiallyFilled(WorkingOrder(terms: terms, fills: f))
    }

    public func requestCancel() -> PendingCancelOrder { PendingCancelOrder(working: self) }

    /// Asks to change quantity and prices; the new quantity may not be below what is already filled.
    public func requestReplace(_ newTerms: OrderTerms) -> PendingReplaceOrder? {
        guard newTerms.quantity > fills.cumulative else { return nil }
        return PendingReplaceOrder(working: self, newTerms: newTerms)
    }

    /// New terms the broker reports without a request through Vega (the order changed at the broker's own
    /// terminal or app): the order works at them; nil when they leave nothing open (quantity ≤ filled).
    public func restated(_ newTerms: OrderTerms) -> WorkingOrder? {
        guard newTerms.quantity > fills.cumulative else { return nil }
        return WorkingOrder(terms: newTerms, fills: fills)
    }

    /// New terms that leave nothing open (the order cut at the broker to what it has filled): the order is
    /// filled, its quantity what was filled.
    public func restatedToFilled(_ newTerms: OrderTerms) -> ClosedOrder? {
        guard newTerms.quantity <= fills.cumulative, fills.cumulative.value > 0 else { return nil }
        return ClosedOrder(terms: OrderTerms(quantity: fills.cumulative, limitPrice: newTerms.limitPrice,
                                             triggerPrice: newTerms.triggerPrice),
                           fills: fills, finalStatus: .filled)
    }

    /// End of day for a DAY order, or an IOC remainder.
    public func expired() -> ClosedOrder { ClosedOrder(terms: terms, fills: fills, finalStatus: .expired) }

    /// A fill beyond the open quantity, as a broker reported it (an overfill): the trade happened, so it is
    /// booked — the order is filled, its CumQty above its OrderQty — rather than dropped.
    public func overfilled(_ qty: Quantity, at price: Price) -> ClosedOrder {
        var f = fills
        f.add(qty, at: price)
        return ClosedOrder(terms: terms, fills: f, finalStatus: .filled)
    }

    /// The broker or exchange cancelled the order on its own.
    public func canceledUnsolicited() -> ClosedOrder { ClosedOrder(terms: terms, fills: fills, finalStatus: .canceled) }
    /// Refused by the exchange after the broker had taken it (a broker's RMS or the exchange rejecting an open
    /// order); what filled before stays filled.
    public func rejectedAfterAcceptance() -> ClosedOrder { ClosedOrder(terms: terms, fills: fills, finalStatus: .rejected) }
}

public struct PendingCancelOrder: Sendable, Hashable, Codable {
    public let working: WorkingOrder

    public func canceled() -> ClosedOrder { ClosedOrder(terms: working.terms, fills: working.fills, finalStatus: .canceled) }
    public func cancelRejected() -> WorkingOrder { working }

    /// A fill can still arrive while the cancel is in flight.
    public func fill(_ qty: Quantity, at price: Price) -> PendingFillOutcome<PendingCancelOrder> {
        switch working.fill(qty, at: price) {
        case .partiallyFilled(let w): return .stillPending(PendingCancelOrder(working: w))
        case .filled(let c): return .filled(c)
        case .overfill(let open): return .overfill(open: open)
        }
    }
}

public struct PendingReplaceOrder: Sendable, Hashable, Codable {
    public let working: WorkingOrder
    public let newTerms: OrderTerms

    /// The replace took effect; a new quantity equal to the filled quantity closes the order.
    public func replaced() -> OrderLifecycle {
        let w = WorkingOrder(terms: newTerms, fills: working.fills)
        if w.open.value <= 0 { return .closed(ClosedOrder(terms: newTerms, fills: working.fills, finalStatus: .filled)) }
        return .working(w)
    }

    public func replaceRejected() -> WorkingOrder { working }

    public func fill(_ qty: Quantity, at price: Price) -> PendingFillOutcome<PendingReplaceOrder> {
        switch working.fill(qty, at: price) {
        case .partiallyFilled(let w): return .stillPending(PendingReplaceOrder(working: w, newTerms: newTerms))
        case .filled(let c): return .filled(c)
        case .overfill(let open): return .overfill(open: open)
        }
    }
}

public enum PendingFillOutcome<Pending: Sendable & Hashable>: Sendable, Hashable {
    case stillPending(Pending)
    case filled(ClosedOrder)
    case overfill(open: Quantity)
}

/// A finished order. Nothing can cancel or replace it; only a trade its broker reports late is booked on it.
public struct ClosedOrder: Sendable, Hashable, Codable {
    public let terms: OrderTerms
    public let fills: FillTotals
    public let finalStatus: OrderStatus

    /// A trade the broker reports after the order closed here (a fill made before its cancel or expiry whose
    /// report came late, or more on a filled order): the trade happened, so it is booked; the order keeps its
    /// final status.
    public func tradedAfterClose(_ qty: Quantity, at price: Price) -> ClosedOrder {
        var f = fills
        f.add(qty, at: price)
        return ClosedOrder(terms: terms, fills: f, finalStatus: finalStatus)
    }
}

/// The states by name, as stored.
public enum OrderLifecycleState: String, Sendable, Codable {
    case pendingNew, working, pendingCancel, pendingReplace, closed
}

extension FillTotals {
    /// Totals read back from storage.
    public init(cumulative: Quantity, notionalUnits: Int64) {
        self.cumulative = cumulative
        self.notionalUnits = notionalUnits
    }
}

extension OrderLifecycle {
    public var state: OrderLifecycleState {
        switch self {
        case .pendingNew: return .pendingNew
        case .working: return .working
        case .pendingCancel: return .pendingCancel
        case .pendingReplace: return .pendingReplace
        case .closed: return .closed
        }
    }

    /// The requested terms of a replace in flight.
    public var pendingTerms: OrderTerms? {
        if case .pendingReplace(let p) = self { return p.newTerms }
        return nil
    }

    /// An order's state as it was stored (restart). Not a transition: it rebuilds a state the order
    /// already reached through the legal moves; nil when the stored values do not make such a state.
    public static func restored(_ state: OrderLifecycleState, terms: OrderTerms, fills: FillTotals,
                                finalStatus: OrderStatus?, pendingTerms: OrderTerms?) -> OrderLifecycle? {
        // Only a closed order can hold more than its quantity (an overfill, a trade reported after it closed).
        guard fills.cumulative.value >= 0, fills.cumulative <= terms.quantity || state == .closed else { return nil }
        let working = WorkingOrder(terms: terms, fills: fills)
        switch state {
        case .pendingNew:
            return fills.cumulative.value == 0 ? .pendingNew(PendingNewOrder(terms: terms)) : nil
        case .working:
            return .working(working)
        case .pendingCancel:
            return .pendingCancel(PendingCancelOrder(working: working))
        case .pendingReplace:
            guard let p = pendingTerms else { return nil }
            return .pendingReplace(PendingReplaceOrder(working: working, newTerms: p))
        case .closed:
            guard let f = finalStatus, f.isTerminal else { return nil }
            return .closed(ClosedOrder(terms: terms, fills: fills, finalStatus: f))
        }
    }
}
