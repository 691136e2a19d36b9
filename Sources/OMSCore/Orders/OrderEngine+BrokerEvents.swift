extension OrderEngine {
    /// A broker's event moves the order through its state machine and becomes a report.
    public func handle(_ e: BrokerOrderEvent) {
        let id = OrderID(e.tag)
        // An order that left memory (closed long ago) is read back: a trade reported for it is still booked.
        guard var r = record(id) else { return }
        unknownOutcome.remove(id)
        switch e {
        case .acknowledged(_, let brokerOrderID, _, let raw):
            r.brokerOrderID = brokerOrderID
            r.rawStatus = raw
            guard case .pendingNew(let p) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = .working(p.accepted())
            records[id] = r
            deliver(r, .new)
        case .fill(_, let tradeID, let qty, let px, let raw):
            guard qty.value > 0 else { return }   // no trade
            r.rawStatus = raw
            if case .pendingNew(let p) = r.lifecycle {
                // A fill before the broker's acknowledgement (a venue may send a trade first): the fill implies
                // it — the order is reported New, then filled, instead of the trade being lost.
                r.lifecycle = .working(p.accepted())
                records[id] = r
                deliver(r, .new)
            }
            if case .pendingReplace(let pr) = r.lifecycle, qty > pr.working.open,
               qty <= pr.newTerms.quantity - pr.working.fills.cumulative {
                // More than the old terms leave but within the new: the broker has made the replace and its
                // report of that is behind the fill — the replace is taken as done first.
                records[id] = r
                handle(.replaced(tag: e.tag, quantity: pr.newTerms.quantity, limitPrice: pr.newTerms.limitPrice, rawStatus: raw))
                guard let replaced = records[id] else { return }
                r = replaced
            }
            // A trade beyond what is open (an overfill) or on an order already closed here (reported late) is
            // booked as it happened, outside what the order reserved: the execution is never dropped.
            var next: OrderLifecycle?
            var outsideReservation = false
            switch r.lifecycle {
            case .working(let w):
                switch w.fill(qty, at: px) {
                case .partiallyFilled(let w2): next = .working(w2)
                case .filled(let c): next = .closed(c)
                case .overfill: next = .closed(w.overfilled(qty, at: px)); outsideReservation = true
                }
            case .pendingCancel(let pc):
                switch pc.fill(qty, at: px) {
                case .stillPending(let p): next = .pendingCancel(p)
                case .filled(let c): next = .closed(c)
                case .overfill: next = .closed(pc.working.overfilled(qty, at: px)); outsideReservation = true
                }
            case .pendingReplace(let pr):
                switch pr.fill(qty, at: px) {
                case .stillPending(let p): next = .pendingReplace(p)
                case .filled(let c): next = .closed(c)
                case .overfill: next = .closed(pr.working.overfilled(qty, at: px)); outsideReservation = true
                }
            case .closed(let c):
                next = .closed(c.tradedAfterClose(qty, at: px))
                outsideReservation = true
            case .pendingNew:
                next = nil
            }
            guard let n = next else { records[id] = r; return }
            let wasOpen = !r.lifecycle.status.isTerminal
            r.lifecycle = n
            records[id] = r
            if outsideReservation {
                // The order's reservation (if it was still open) is closed; the trade moves the books on its own.
                if wasOpen, let res = r.reservation { risk?.orderClosed(res) }
                if let i = r.instrument, let product = r.product {
                    limitEngine?.recordTrade(client: r.request.client, instrument: i, product: product,
                                             side: r.request.side, quantity: qty, price: px,
                                             productMargin: pipeline.productMargin(client: r.request.client,
                                                                                   instrument: i, product: product))
                }
            } else if let res = r.reservation, risk?.applyFill(res, quantity: qty, price: px) == true {
                if case .closed = n { risk?.orderClosed(res) }
            } else if let i = r.instrument, let product = r.product {
                // No reservation (its client has no limits here), or one already used up (a fill beyond what
                // was reserved): the fill still moves the books.
                limitEngine?.recordTrade(client: r.request.client, instrument: i, product: product,
                                         side: r.request.side, quantity: qty, price: px,
                                         productMargin: pipeline.productMargin(client: r.request.client,
                                                                               instrument: i, product: product))
            }
            deliver(r, .fill(quantity: qty, price: px, tradeID: "\(r.broker?.rawValue ?? "BROKER"):\(tradeID)"))
        case .canceled(_, let raw):
            r.rawStatus = raw
            var orig: ClientOrderID?
            switch r.lifecycle {
            case .pendingCancel(let pc):
                r.lifecycle = .closed(pc.canceled())
                orig = promotePending(&r)   // the cancel took effect: the order answers to its ClOrdID
            case .working(let w): r.lifecycle = .closed(w.canceledUnsolicited())
            case .pendingReplace(let pr):
                // Cancelled by the broker while a replace was pending: the replace is refused, and the order is
                // reported cancelled under the ClOrdID it had (not the replace's).
                r.lifecycle = .closed(pr.working.canceledUnsolicited())
                refusePending(&r, isReplace: true, "Order was cancelled at the broker")
            default: records[id] = r; return
            }
            records[id] = r
            if let res = r.reservation { risk?.orderClosed(res) }
            deliver(r, .canceled, orig: orig)
        case .replaced(_, let quantity, let limitPrice, let raw, let triggerPrice):
            r.rawStatus = raw
            if case .working(let w) = r.lifecycle {
                // New terms with no replace asked for: the order was changed at the broker (its own terminal or
                // app). It works at the broker's terms, its reservation is fitted to them, and the client is told
                // (a Restated report) — else fills beyond the old quantity would count as an overfill, and a
                // status would show terms the broker no longer has. A price counts for a limit or stop-limit order
                // only (a broker may show a market order's fill price there), a trigger price for a stop order only;
                // one the broker does not say is kept.
                let priced = r.request.orderType.hasLimitPrice
                let stop = r.request.orderType.hasTriggerPrice
                let terms = OrderTerms(quantity: quantity,
                                       limitPrice: priced ? limitPrice ?? w.terms.limitPrice : w.terms.limitPrice,
                                       triggerPrice: stop ? triggerPrice ?? w.terms.triggerPrice : w.terms.triggerPrice)
                guard terms != w.terms else { records[id] = r; return }
                if let restated = w.restated(terms) {
                    r.lifecycle = .working(restated)
                    settleReservation(&r)
                } else if let filled = w.restatedToFilled(terms) {
                    // Cut at the broker to what it has filled: the order is done.
                    r.lifecycle = .closed(filled)
                    if let res = r.reservation { risk?.orderClosed(res) }
                } else {
                    records[id] = r
                    return
                }
                records[id] = r
                deliver(r, .restated(text: Self.restatement(from: w.terms, to: terms)))
                return
            }
            guard case .pendingReplace(let pr) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = pr.replaced()
            settleReservation(&r)
            let orig = promotePending(&r)
            records[id] = r
            deliver(r, .replaced, orig: orig)
        case .rejected(_, let text, let code, let raw):
            r.rawStatus = raw
            switch r.lifecycle {
            case .pendingNew(let p):
                r.lifecycle = .closed(p.rejected())
                records[id] = r
                if let res = r.reservation { risk?.release(res) }
            case .working, .pendingCancel, .pendingReplace:
                // Rejected after the broker took it (its RMS, or the exchange): the order is over; a request
                // pending on it is refused first.
                guard let w = r.lifecycle.openWorking else { return }
                end(&r, w.rejectedAfterAcceptance(), refusing: "Order was rejected at the broker: \(text)")
            case .closed:
                records[id] = r
                return
            }
            deliver(r, .brokerRejected(text: text, code: code))
        case .cancelRejected(_, let text, let raw), .replaceRejected(_, let text, let raw):
            r.rawStatus = raw
            var isReplace = false
            switch r.lifecycle {
            case .pendingCancel(let pc): r.lifecycle = .working(pc.cancelRejected())
            case .pendingReplace(let pr):
                r.lifecycle = .working(pr.replaceRejected())
                settleReservation(&r)
                isReplace = true
            default: break
            }
            // The request is over: the order (and the row stored with the reject) has nothing pending.
            let request = r.pendingClientOrderID
            r.pendingClientOrderID = nil
            records[id] = r
            deliver(r, .cancelRejected(reason: .brokerOption, text: text, isReplace: isReplace), orig: r.clientOrderID,
                    request: request)
        case .expired(_, let raw):
            r.rawStatus = raw
            // Expired while a cancel or replace was pending too (the venue ends the day first): that request is
            // refused, the order expires.
            guard let w = r.lifecycle.openWorking else { records[id] = r; return }
            end(&r, w.expired(), refusing: "Order expired at the broker")
            deliver(r, .expired)
        }
    }

    /// Sets when a DAY order that has just gone to its broker (`openedAt`) ends, and makes sure the engine's
    /// tick looks then.
    func noteOpened(_ r: inout Record) {
        guard r.request.timeInForce == .day, r.openedAt > 0 else { r.dayEndsAt = 0; return }
        r.dayEndsAt = pipeline.dayOrderEnd(r.instrument, openedAt: r.openedAt)
        if let b = r.broker.flatMap({ brokers[$0] }), !b.capabilities.inProcess {
            // A broker outside the process ends the order itself, and reports the day's last trades on it
            // perhaps after the close: Vega ends it only if the broker has not said so a while later.
            r.dayEndsAt = r.dayEndsAt.addingSaturated(Self.outsideBrokerDayEndGrace)
        }
        nextDayEnd = min(nextDayEnd, r.dayEndsAt)
    }

    /// How long after the close Vega waits for a broker outside the process to end a DAY order (30 minutes).
    static var outsideBrokerDayEndGrace: Int64 { 30 * 60_000 }

    /// DAY orders end with the trading day they went to their broker on, as the exchange ends them: one still
    /// open when the exchange clock reaches the close of that day's last session for its market (16:00 for
    /// cash, after the post-close session; 15:30 or 15:40 for F&O; the next IST day when the session calendar
    /// does not know; 30 minutes later at a broker outside the process, which normally ends it first) is
    /// expired (ExecType C), a request pending on it refused. A broker in this process (the
    /// paper broker: its market is Vega's) is told to drop it; a broker outside ends it itself, and its report
    /// of that changes nothing more. Runs on the engine's tick, scanning the orders only once the earliest
    /// day end has come (and at the first tick after a restart, before orders from an earlier day are placed
    /// again).
    public func expireDayOrders() {
        for (broker, tag) in expireDueDayOrders() { Task { try? await broker.cancel(tag: tag) } }
    }

    /// `expireDayOrders`, returning the in-process brokers' orders to drop (for the caller to tell them).
    func expireDueDayOrders() -> [(any BrokerAdapter, String)] {
        let t = now()
        guard t >= nextDayEnd else { return [] }
        let due = records.values.filter {
            $0.dayEndsAt > 0 && $0.dayEndsAt <= t && !$0.held && !$0.lifecycle.status.isTerminal
                && !awaitingLookUp.contains($0.id)
        }
        defer {
            // The next scan: when the earliest day end of the DAY orders still open comes.
            nextDayEnd = records.values.lazy.filter { $0.dayEndsAt > t && !$0.held && !$0.lifecycle.status.isTerminal }
                .map(\.dayEndsAt).min() ?? .max
        }
        return due.sorted(by: { $0.sequence < $1.sequence }).compactMap {
            expire($0.id, rawStatus: "expired (end of day)", refusing: "Order expired at the end of its trading day")
        }
    }

    /// Ends an open order as expired (ExecType C), a request pending on it refused. Returns its broker and tag when
    /// that broker is in this process and must be told to drop it (a broker outside ends its orders itself).
    func expire(_ id: OrderID, rawStatus: String, refusing text: String) -> (any BrokerAdapter, String)? {
        guard var r = records[id] else { return nil }
        let closed: ClosedOrder
        switch r.lifecycle {
        case .pendingNew(let p): closed = p.expired()
        case .working, .pendingCancel, .pendingReplace:
            guard let w = r.lifecycle.openWorking else { return nil }
            closed = w.expired()
        case .closed: return nil
        }
        r.rawStatus = rawStatus
        end(&r, closed, refusing: text)
        deliver(r, .expired)
        guard let b = r.broker.flatMap({ brokers[$0] }), b.capabilities.inProcess else { return nil }
        return (b, r.id.rawValue)
    }

    /// Ends an open order as `closed` (its end at the broker, or its trading day's): a cancel or replace pending
    /// on it is refused (`refusePending`), the record is stored and its reservation closed. The caller reports
    /// the end.
    func end(_ r: inout Record, _ closed: ClosedOrder, refusing text: String) {
        let isReplace = r.lifecycle.isPendingReplace
        r.lifecycle = .closed(closed)
        refusePending(&r, isReplace: isReplace, text)
        records[r.id] = r
        if let res = r.reservation { risk?.orderClosed(res) }
    }

    /// A cancel or replace pending on `r`, overtaken by the order's end at the broker (`r` is closed already,
    /// so the reject shows the final status): an OrderCancelReject (too late) for it, and the order answers to
    /// the ClOrdID it had.
    func refusePending(_ r: inout Record, isReplace: Bool, _ text: String) {
        guard let request = r.pendingClientOrderID else { return }
        r.pendingClientOrderID = nil
        deliver(r, .cancelRejected(reason: .tooLate, text: text, isReplace: isReplace), orig: r.clientOrderID,
                request: request)
    }
}

extension OrderLifecycle {
    /// The working order of an order the broker holds (working, or with a cancel or replace pending).
    var openWorking: WorkingOrder? {
        switch self {
        case .working(let w): return w
        case .pendingCancel(let pc): return pc.working
        case .pendingReplace(let pr): return pr.working
        case .pendingNew, .closed: return nil
        }
    }

    var isPendingReplace: Bool {
        if case .pendingReplace = self { return true } else { return false }
    }
}

extension OrderEngine {
    /// `changed at the broker: quantity 10 -> 15, price 1400.00 -> 1405.00` (the parts that changed).
    static func restatement(from old: OrderTerms, to new: OrderTerms) -> String {
        var parts: [String] = []
        if old.quantity != new.quantity { parts.append("quantity \(old.quantity) -> \(new.quantity)") }
        if old.limitPrice != new.limitPrice {
            parts.append("price \(old.limitPrice?.rupeesString ?? "market") -> \(new.limitPrice?.rupeesString ?? "market")")
        }
        if old.triggerPrice != new.triggerPrice {
            parts.append("trigger \(old.triggerPrice?.rupeesString ?? "none") -> \(new.triggerPrice?.rupeesString ?? "none")")
        }
        return "changed at the broker: " + parts.joined(separator: ", ")
    }
}
