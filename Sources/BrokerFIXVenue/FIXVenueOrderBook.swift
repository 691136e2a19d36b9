import OMSCore

/// What the adapter knows about its orders at the venue, and the one place that turns the venue's reports into
/// Vega's `BrokerOrderEvent`s (a pure value: reports in, events out).
struct FIXVenueOrderBook: Sendable {
    struct Order: Sendable {
        var request: BrokerOrderRequest
        /// The ClOrdID the venue knows the order by now: Vega's tag, then the last accepted replace's.
        var clOrdID: String
        var venueOrderID: String?
        var exchangeOrderID: String?
        /// An `acknowledged` event was published (explicitly on 150=0, or implied by a later report).
        var acknowledged = false
        /// The venue has said anything at all about the order.
        var answered = false
        /// The venue's OrdStatus (39), as last reported.
        var ordStatus = ""
        var cumQty = Quantity.zero
        var avgPx = Price.zero
        var isTerminal = false
        var fills: [(quantity: Quantity, price: Price)] = []
        /// Being taken up after a restart (`takeUp` … `endTakeUp`): reports update the order, their events are
        /// held back — the state the engine catches up to covers them, and publishing them too would count a
        /// fill twice.
        var takingUp = false
    }

    enum PendingKind: Sendable, Equatable {
        case cancel
        case replace(quantity: Quantity, limitPrice: Price?, triggerPrice: Price?)
    }

    /// What one report meant, besides its events.
    struct Outcome: Sendable {
        var tag: String?
        var events: [BrokerOrderEvent] = []
        /// An answer to a status request (150=I), or nil.
        var status: StatusAnswer?
    }

    enum StatusAnswer: Sendable, Equatable {
        case known(BrokerOrderState)
        case unknownOrder
    }

    private(set) var orders: [String: Order] = [:]
    private var tags: [String: String] = [:]
    private(set) var pending: [String: (tag: String, kind: PendingKind)] = [:]
    private var execIDs: Set<String> = []
    private var sequence: [String] = []
    private var requestCount = 0
    /// Makes derived ClOrdIDs unique across restarts of the adapter.
    let runID: String

    init(runID: String) { self.runID = runID }

    // MARK: Requests

    func order(_ tag: String) -> Order? { orders[tag] }

    func owner(of clOrdID: String?) -> String? { clOrdID.flatMap { tags[$0] } }

    /// The order the venue knows by `venueOrderID` (a report without ClOrdID names it so).
    func owner(venueOrderID: String?) -> String? {
        guard let v = venueOrderID, v != "NONE" else { return nil }
        return sequence.last { orders[$0]?.venueOrderID == v }
    }

    mutating func track(_ request: BrokerOrderRequest) {
        guard orders[request.tag] == nil else { return }
        orders[request.tag] = Order(request: request, clOrdID: request.tag)
        tags[request.tag] = request.tag
        sequence.append(request.tag)
    }

    /// An order from before a restart, tracked under its tag (the ClOrdID it was placed with) and taken as
    /// acknowledged (the engine catches up to what the venue says); its reports' events are held back until
    /// `endTakeUp`.
    mutating func takeUp(_ request: BrokerOrderRequest) {
        track(request)
        orders[request.tag]?.acknowledged = true
        orders[request.tag]?.takingUp = true
    }

    /// The take-up is over: what the venue has said of the order so far, every report held back included (nil
    /// when it said nothing); from now on its reports publish events. Its fills so far count as one (for a later
    /// report without LastQty, whose fill is the change in CumQty).
    mutating func endTakeUp(_ tag: String) -> BrokerOrderState? {
        guard var o = orders[tag] else { return nil }
        o.takingUp = false
        o.fills = o.cumQty.value > 0 ? [(o.cumQty, o.avgPx)] : []
        orders[tag] = o
        return o.answered ? state(o) : nil
    }

    /// The venue refused the placement outright: it has no such order.
    mutating func forget(_ tag: String) {
        guard orders.removeValue(forKey: tag) != nil else { return }
        tags = tags.filter { $0.value != tag }
        pending = pending.filter { $0.value.tag != tag }
        sequence.removeAll { $0 == tag }
    }

    /// A new ClOrdID for a cancel (`<tag>.C<n>.<run>`) or replace (`<tag>.R<n>.<run>`) of the order.
    mutating func newRequest(_ tag: String, _ kind: PendingKind) -> String {
        requestCount += 1
        let id = "\(tag).\(kind == .cancel ? "C" : "R")\(requestCount).\(runID)"
        tags[id] = tag
        pending[id] = (tag, kind)
        return id
    }

    /// The venue refused a cancel or replace without an OrderCancelReject (a session Reject 35=3, or a
    /// BusinessMessageReject 35=j): the request is over, the order as it was.
    mutating func refuse(request clOrdID: String, text: String) -> Outcome {
        guard let p = pending.removeValue(forKey: clOrdID) else { return Outcome(tag: nil) }
        var out = Outcome(tag: p.tag)
        let raw = orders[p.tag]?.ordStatus ?? ""
        out.events.append(p.kind == .cancel ? .cancelRejected(tag: p.tag, text: text, rawStatus: raw)
                                            : .replaceRejected(tag: p.tag, text: text, rawStatus: raw))
        return out
    }

    /// The request could not be sent.
    mutating func dropRequest(_ clOrdID: String) {
        pending[clOrdID] = nil
        tags[clOrdID] = nil
    }

    mutating func newStatusRequestID() -> String {
        requestCount += 1
        return "S\(requestCount).\(runID)"
    }

    /// OrdStatusReqIDs of the status requests sent after a reconnect (`sweepTargets`): their answers publish
    /// what the order missed.
    static let sweepPrefix = "SW"

    mutating func newSweepRequestID() -> String {
        requestCount += 1
        return "\(Self.sweepPrefix)\(requestCount).\(runID)"
    }

    /// The orders to ask the venue about after a reconnect: acknowledged, not closed, not being taken up. With
    /// ResetOnLogon neither side resends what was sent while the session was down (fills, answers to cancels and
    /// replaces); a status request per order brings it back.
    func sweepTargets() -> [Order] {
        sequence.compactMap { orders[$0] }.filter { $0.acknowledged && !$0.isTerminal && !$0.takingUp }
    }

    /// The cancels and replaces pending when the session came back: their answers may have been lost with it. A
    /// reconnect's status answer refuses only these (one sent after the Logon is answered on the new session).
    private(set) var pendingAtLogon: Set<String> = []

    mutating func loggedOn() { pendingAtLogon = Set(pending.keys) }

    // MARK: Reports → events

    mutating func apply(_ r: VenueExecutionReport) -> Outcome {
        guard let tag = owner(of: r.clOrdID) ?? owner(of: r.origClOrdID) ?? owner(venueOrderID: r.orderID),
              var o = orders[tag] else {
            return Outcome(tag: nil)
        }
        var out = Outcome(tag: tag)
        if r.execType == "I" {
            if r.ordStatus == "8" && r.ordRejReason == "5" {
                out.status = .unknownOrder  // "Unknown order": the venue never saw it
                return out
            }
            note(r, in: &o)
            if r.ordStatusReqID?.hasPrefix(Self.sweepPrefix) == true && !o.takingUp {
                caughtUp(r, &o, tag, into: &out)
            } else if let cum = r.cumQty, !o.takingUp {
                // The engine's own look-up: it catches up to this state itself, so what it counts beyond the fills
                // seen is counted here too, without an event (a later report's CumQty would book it again).
                var silent = Outcome(tag: tag)
                fillGap(to: cum, r, &o, tag, into: &silent)
            }
            orders[tag] = o
            out.status = .known(state(o))
            return out
        }
        if !r.execID.isEmpty {
            // A report seen before (a resend after a reconnect) publishes nothing twice. Per order: a venue that
            // restarts may number its ExecIDs from 1 again (QuickFIX's executor does), and a new order's fill is not
            // an old one's.
            guard execIDs.insert(tag + "\u{1}" + r.execID).inserted else { return out }
        }
        let answersPending = pending[r.clOrdID]
        note(r, in: &o)
        let raw = r.ordStatus
        // Trades the report's CumQty counts that no report of them reached us (lost in a disconnect): before the
        // report's own fill, or its order's end.
        let ownFill = ["1", "2", "F"].contains(r.execType) ? (r.lastQty?.value ?? 0) : 0
        if let cum = r.cumQty, cum.value - ownFill > counted(o), r.lastQty != nil || !["1", "2", "F"].contains(r.execType) {
            let own = ownFill > 0 ? (Quantity(ownFill), r.lastPx ?? r.avgPx ?? .zero) : nil
            fillGap(to: Quantity(cum.value - ownFill), r, &o, tag, excluding: own, into: &out)
        }
        switch r.execType {
        case "0":
            acknowledge(&o, raw, into: &out)
        case "1", "2", "F":
            let qty = r.lastQty ?? Quantity(max(0, (r.cumQty ?? .zero).value - counted(o)))
            guard qty.value > 0, let px = r.lastPx ?? r.avgPx ?? o.request.limitPrice else { break }
            acknowledge(&o, raw, into: &out)
            o.fills.append((qty, px))
            let tradeID = r.execID.isEmpty ? "\(tag)#\(o.fills.count)" : r.execID
            out.events.append(.fill(tag: tag, tradeID: tradeID, quantity: qty, price: px, rawStatus: raw))
        case "4":
            acknowledge(&o, raw, into: &out)
            if answersPending != nil { o.clOrdID = r.clOrdID }
            pending = pending.filter { $0.value.tag != tag }
            out.events.append(.canceled(tag: tag, rawStatus: raw))
        case "5":
            acknowledge(&o, raw, into: &out)
            var quantity = r.orderQty
            var limit = r.price
            if case .replace(let q, let p, let t)? = answersPending?.kind {
                quantity = quantity ?? q
                limit = limit ?? p ?? o.request.limitPrice
                if let t { o.request.triggerPrice = t }
            }
            if let q = quantity { o.request.quantity = q }
            if let p = limit { o.request.limitPrice = p }
            if !r.clOrdID.isEmpty { o.clOrdID = r.clOrdID }
            pending[r.clOrdID] = nil
            out.events.append(.replaced(tag: tag, quantity: o.request.quantity, limitPrice: o.request.limitPrice,
                                        rawStatus: raw, triggerPrice: o.request.triggerPrice))
        case "8":
            let text = r.text ?? "Rejected by the venue" + (r.ordRejReason.map { " (OrdRejReason \($0))" } ?? "")
            if let p = answersPending {
                // A venue that answers a refused cancel or replace with 150=8 instead of 35=9.
                pending[r.clOrdID] = nil
                o.isTerminal = ["2", "4", "C"].contains(raw)  // 39=8 here describes the request, not the order
                out.events.append(p.kind == .cancel ? .cancelRejected(tag: tag, text: text, rawStatus: raw)
                                                    : .replaceRejected(tag: tag, text: text, rawStatus: raw))
            } else {
                out.events.append(.rejected(tag: tag, text: text, errorCode: r.ordRejReason, rawStatus: raw))
            }
        case "C":
            acknowledge(&o, raw, into: &out)
            out.events.append(.expired(tag: tag, rawStatus: raw))
        case "D":
            // Restated: the venue changed the order's terms on its own (no request of Vega's): its new quantity
            // and price, when it gives them, become the order's (the engine restates it to the client).
            // Not while a request of Vega's is pending for the order: the engine would take it for the answer.
            acknowledge(&o, raw, into: &out)
            let quantity = r.orderQty ?? o.request.quantity, limit = r.price ?? o.request.limitPrice
            let trigger = r.stopPx ?? o.request.triggerPrice
            guard !pending.values.contains(where: { $0.tag == tag }),
                  quantity != o.request.quantity || limit != o.request.limitPrice || trigger != o.request.triggerPrice
            else { break }
            o.request.quantity = quantity
            o.request.limitPrice = limit
            o.request.triggerPrice = trigger
            out.events.append(.replaced(tag: tag, quantity: quantity, limitPrice: limit, rawStatus: raw, triggerPrice: trigger))
        default:
            break  // 6/E/A pending, 3 done for day, H trade cancel: state only
        }
        if o.takingUp { out.events = [] }   // covered by the take-up's state
        orders[tag] = o
        return out
    }

    mutating func apply(_ r: VenueCancelReject) -> Outcome {
        guard let tag = owner(of: r.clOrdID) ?? owner(of: r.origClOrdID), var o = orders[tag] else {
            return Outcome(tag: nil)
        }
        var out = Outcome(tag: tag)
        guard let p = pending.removeValue(forKey: r.clOrdID) else {
            // Not an answer to a cancel or replace of ours: Vega's own acceptor answers a status request for an
            // order it does not know with 35=9 102=1.
            if r.reason == "1" { out.status = .unknownOrder }
            return out
        }
        if let v = r.orderID, v != "NONE" { o.venueOrderID = v }
        if !r.ordStatus.isEmpty {
            o.ordStatus = r.ordStatus
            // Refused because the order is done (filled, cancelled, expired): it is closed here too.
            if ["2", "4", "C"].contains(r.ordStatus) { o.isTerminal = true }
        }
        orders[tag] = o
        let text = r.text ?? (p.kind == .cancel ? "Cancel" : "Replace") + " rejected by the venue"
            + (r.reason.map { " (CxlRejReason \($0))" } ?? "")
        let isReplace = r.responseTo == "2" || p.kind != .cancel
        out.events.append(isReplace ? .replaceRejected(tag: tag, text: text, rawStatus: r.ordStatus)
                                    : .cancelRejected(tag: tag, text: text, rawStatus: r.ordStatus))
        // Refused because the order was cancelled or expired already (its own report lost): it ends here too.
        if r.ordStatus == "4" { out.events.append(.canceled(tag: tag, rawStatus: r.ordStatus)) }
        if r.ordStatus == "C" { out.events.append(.expired(tag: tag, rawStatus: r.ordStatus)) }
        return out
    }

    private func counted(_ o: Order) -> Int64 { o.fills.reduce(0) { $0 + $1.quantity.value } }

    /// One fill for what `cum` counts beyond the fills seen, at the price that makes the averages agree (the
    /// report's AvgPx), else its LastPx or the order's limit.
    private func fillGap(to cum: Quantity, _ r: VenueExecutionReport, _ o: inout Order, _ tag: String,
                         excluding own: (Quantity, Price)? = nil, into out: inout Outcome) {
        let gap = cum.value - counted(o)
        guard gap > 0 else { return }
        let seenNotional = o.fills.reduce(Int64(0)) { $0.addingSaturated($1.quantity.value.multipliedSaturated(by: $1.price.units)) }
        var px = r.lastPx ?? o.request.limitPrice ?? .zero
        if let avg = r.avgPx, avg.units > 0 {
            // AvgPx covers the report's own fill too: what is left of it, after the fills seen and that one.
            let ownQty = own?.0.value ?? 0
            let total = avg.units.multipliedSaturated(by: cum.value + ownQty)
            let known = seenNotional.addingSaturated(ownQty.multipliedSaturated(by: own?.1.units ?? 0))
            if total > known { px = Price(units: (total - known) / gap) }
        }
        guard px.units > 0 else { return }
        acknowledge(&o, r.ordStatus, into: &out)
        o.fills.append((Quantity(gap), px))
        out.events.append(.fill(tag: tag, tradeID: "\(tag)-CUM-\(cum.value)", quantity: Quantity(gap), price: px,
                                rawStatus: r.ordStatus))
    }

    /// A status answer after a reconnect: the trades and the end the order missed, and the requests whose answers
    /// were lost — a cancel or replace the venue did not act on is refused (it stayed pending for ever).
    private mutating func caughtUp(_ r: VenueExecutionReport, _ o: inout Order, _ tag: String, into out: inout Outcome) {
        if let cum = r.cumQty { fillGap(to: cum, r, &o, tag, into: &out) }
        let mine = pending.filter { $0.value.tag == tag }
        switch r.ordStatus {
        case "4":
            pending = pending.filter { $0.value.tag != tag }
            out.events.append(.canceled(tag: tag, rawStatus: r.ordStatus))
        case "C":
            pending = pending.filter { $0.value.tag != tag }
            out.events.append(.expired(tag: tag, rawStatus: r.ordStatus))
        case "2":
            pending = pending.filter { $0.value.tag != tag }   // filled: the fills above closed it
        case "8":
            // Rejected at the venue after it took the order (its answer lost with the session).
            pending = pending.filter { $0.value.tag != tag }
            out.events.append(.rejected(tag: tag, text: r.text ?? "Rejected by the venue", errorCode: r.ordRejReason,
                                        rawStatus: r.ordStatus))
        case "6", "E", "A":
            break   // the venue is still working on a request: its answer comes on this session
        default:
            for (clOrdID, p) in mine where pendingAtLogon.contains(clOrdID) {
                pending[clOrdID] = nil
                pendingAtLogon.remove(clOrdID)
                if clOrdID == r.clOrdID, case .replace(let q, let limit, let trigger) = p.kind {
                    // The venue knows the order under the replace's ClOrdID: the replace was made.
                    o.clOrdID = clOrdID
                    if let limit { o.request.limitPrice = limit }
                    if let trigger { o.request.triggerPrice = trigger }
                    o.request.quantity = q
                    out.events.append(.replaced(tag: tag, quantity: q, limitPrice: o.request.limitPrice, rawStatus: r.ordStatus,
                                                triggerPrice: o.request.triggerPrice))
                } else {
                    let text = "no answer from the venue (lost while the session was down); the order is open"
                    out.events.append(p.kind == .cancel ? .cancelRejected(tag: tag, text: text, rawStatus: r.ordStatus)
                                                        : .replaceRejected(tag: tag, text: text, rawStatus: r.ordStatus))
                }
            }
        }
    }

    /// Records what every report says about the order's standing.
    private func note(_ r: VenueExecutionReport, in o: inout Order) {
        o.answered = true
        if let v = r.orderID, v != "NONE" { o.venueOrderID = v }
        if let x = r.exchangeOrderID { o.exchangeOrderID = x }
        o.ordStatus = r.ordStatus
        if let c = r.cumQty { o.cumQty = c }
        if let a = r.avgPx { o.avgPx = a }
        o.isTerminal = ["2", "4", "8", "C"].contains(r.ordStatus)
    }

    /// An order the venue reports on without a 150=0 first (QuickFIX's executor fills at once) is acknowledged
    /// implicitly, so that Vega's order state machine leaves pending-new before the fill or cancel.
    private func acknowledge(_ o: inout Order, _ raw: String, into out: inout Outcome) {
        guard !o.acknowledged else { return }
        o.acknowledged = true
        out.events.append(.acknowledged(tag: o.request.tag, brokerOrderID: o.venueOrderID ?? o.request.tag,
                                        exchangeOrderID: o.exchangeOrderID, rawStatus: raw))
    }

    // MARK: Views

    func state(_ o: Order) -> BrokerOrderState {
        BrokerOrderState(tag: o.request.tag, brokerOrderID: o.venueOrderID ?? "", rawStatus: o.ordStatus,
                         filledQuantity: o.cumQty, averagePrice: o.avgPx, isOpen: !o.isTerminal, quantity: o.request.quantity,
                         limitPrice: o.request.limitPrice,
                         end: ["2": .filled, "4": .canceled, "8": .rejected, "C": .expired][o.ordStatus])
    }

    /// Net positions from the fills this adapter has seen (a FIX venue has no standard positions query answered
    /// by plain gateways).
    func positions() -> [BrokerPosition] {
        var net: [String: (key: InstrumentKey, product: Product, qty: Int64, notional: Int64)] = [:]
        for tag in sequence {
            guard let o = orders[tag], !o.fills.isEmpty else { continue }
            let k = "\(o.request.instrument.key.rawValue)#\(o.request.product.rawValue)"
            var e = net[k] ?? (o.request.instrument.key, o.request.product, 0, 0)
            for f in o.fills {
                let sign: Int64 = o.request.side == .buy ? 1 : -1
                // The venue's figures saturate rather than trap.
                e.qty = e.qty.addingSaturated(sign * f.quantity.value)
                e.notional = e.notional.addingSaturated((sign * f.quantity.value).multipliedSaturated(by: f.price.units))
            }
            net[k] = e
        }
        return net.values.sorted { $0.key < $1.key }.map { e in
            BrokerPosition(instrumentKey: e.key, product: e.product, netQuantity: Quantity(e.qty),
                           averagePrice: e.qty != 0 ? Price(units: abs(e.notional / e.qty)) : .zero)
        }
    }
}
