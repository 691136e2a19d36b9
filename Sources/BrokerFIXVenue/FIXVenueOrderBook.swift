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
        out.events.append(Self.refusal(isReplace: p.kind != .cancel, tag: p.tag, text: text,
                                       rawStatus: orders[p.tag]?.ordStatus ?? ""))
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
            // The report's terms, else the request's.
            var (quantity, limit, trigger) = (r.orderQty, r.price, Price?.none)
            if case .replace(let q, let p, let t)? = answersPending?.kind {
                (quantity, limit, trigger) = (quantity ?? q, limit ?? p, t)
            }
            replaced(&o, clOrdID: r.clOrdID, quantity: quantity, limitPrice: limit, triggerPrice: trigger, raw: raw,
                     into: &out)
        case "8":
            let text = r.text ?? "Rejected by the venue" + (r.ordRejReason.map { " (OrdRejReason \($0))" } ?? "")
            if let p = answersPending {
                // A venue that answers a refused cancel or replace with 150=8 instead of 35=9.
                pending[r.clOrdID] = nil
                o.isTerminal = ["2", "4", "C"].contains(raw)  // 39=8 here describes the request, not the order
                out.events.append(Self.refusal(isReplace: p.kind != .cancel, tag: tag, text: text, rawStatus: raw))
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
        out.events.append(Self.refusal(isReplace: isReplace, tag: tag, text: text, rawStatus: r.ordStatus))
        // Refused because the order was cancelled or expired already (its own report lost): it ends here too.
        if ["4", "C"].contains(r.ordStatus), let end = Self.end(ordStatus: r.ordStatus, tag: tag) { out.events.append(end) }
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
        switch r.ordStatus {
        case "2", "4", "8", "C":
            // Done at the venue (filled: by the fills above; cancelled, rejected or expired: its end, lost with the
            // session): nothing of it is pending any more.
            pending = pending.filter { $0.value.tag != tag }
            if let end = Self.end(ordStatus: r.ordStatus, tag: tag, text: r.text, errorCode: r.ordRejReason) {
                out.events.append(end)
            }
        case "6", "E", "A":
            break   // the venue is still working on a request: its answer comes on this session
        default:
            for (clOrdID, p) in pending where p.tag == tag && pendingAtLogon.contains(clOrdID) {
                pendingAtLogon.remove(clOrdID)
                if clOrdID == r.clOrdID, case .replace(let q, let limit, let trigger) = p.kind {
                    // The venue knows the order under the replace's ClOrdID: the replace was made.
                    replaced(&o, clOrdID: clOrdID, quantity: q, limitPrice: limit, triggerPrice: trigger, raw: r.ordStatus,
                             into: &out)
                } else {
                    pending[clOrdID] = nil
                    out.events.append(Self.refusal(isReplace: p.kind != .cancel, tag: tag,
                        text: "no answer from the venue (lost while the session was down); the order is open",
                        rawStatus: r.ordStatus))
                }
            }
        }
    }

    /// The replace with ClOrdID `clOrdID` was made: the order takes the terms given (the others stay) and is known
    /// by that ClOrdID from now on.
    private mutating func replaced(_ o: inout Order, clOrdID: String, quantity: Quantity?, limitPrice: Price?,
                                   triggerPrice: Price?, raw: String, into out: inout Outcome) {
        if let quantity { o.request.quantity = quantity }
        if let limitPrice { o.request.limitPrice = limitPrice }
        if let triggerPrice { o.request.triggerPrice = triggerPrice }
        if !clOrdID.isEmpty { o.clOrdID = clOrdID }
        pending[clOrdID] = nil
        out.events.append(.replaced(tag: o.request.tag, quantity: o.request.quantity, limitPrice: o.request.limitPrice,
                                    rawStatus: raw, triggerPrice: o.request.triggerPrice))
    }

    /// The refusal of a cancel (`cancelRejected`) or a replace (`replaceRejected`).
    static func refusal(isReplace: Bool, tag: String, text: String, rawStatus: String) -> BrokerOrderEvent {
        isReplace ? .replaceRejected(tag: tag, text: text, rawStatus: rawStatus)
                  : .cancelRejected(tag: tag, text: text, rawStatus: rawStatus)
    }

    /// The end an OrdStatus reports for an order that did not fill: cancelled (4), expired (C), rejected (8).
    static func end(ordStatus: String, tag: String, text: String? = nil, errorCode: String? = nil) -> BrokerOrderEvent? {
        switch ordStatus {
        case "4": .canceled(tag: tag, rawStatus: ordStatus)
        case "C": .expired(tag: tag, rawStatus: ordStatus)
        case "8": .rejected(tag: tag, text: text ?? "Rejected by the venue", errorCode: errorCode, rawStatus: ordStatus)
        default: nil
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
