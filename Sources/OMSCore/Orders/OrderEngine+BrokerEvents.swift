extension OrderEngine {
    /// A broker's event moves the order through its state machine and becomes a report.
    public func handle(_ e: BrokerOrderEvent) {
        let id = OrderID(e.tag)
        guard var r = records[id] else { return }
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
            r.rawStatus = raw
            var next: OrderLifecycle?
            switch r.lifecycle {
            case .working(let w):
                switch w.fill(qty, at: px) {
                case .partiallyFilled(let w2): next = .working(w2)
                case .filled(let c): next = .closed(c)
                case .overfill: next = nil
                }
            case .pendingCancel(let pc):
                switch pc.fill(qty, at: px) {
                case .stillPending(let p): next = .pendingCancel(p)
                case .filled(let c): next = .closed(c)
                case .overfill: next = nil
                }
            case .pendingReplace(let pr):
                switch pr.fill(qty, at: px) {
                case .stillPending(let p): next = .pendingReplace(p)
                case .filled(let c): next = .closed(c)
                case .overfill: next = nil
                }
            case .pendingNew, .closed:
                next = nil
            }
            guard let n = next else { records[id] = r; return }
            r.lifecycle = n
            records[id] = r
            if let res = r.reservation, risk?.applyFill(res, quantity: qty, price: px) == true {
                if case .closed = n { risk?.orderClosed(res) }
            } else if let i = r.instrument, let product = r.product {
                // No reservation (its client has no limits here), or one already used up (a fill beyond what
                // was reserved): the fill still moves the books.
                limitEngine?.recordTrade(client: r.request.client, instrument: i, product: product,
                                         side: r.request.side, quantity: qty, price: px)
            }
            deliver(r, .fill(quantity: qty, price: px, tradeID: "\(r.broker?.rawValue ?? "BROKER"):\(tradeID)"))
        case .canceled(_, let raw):
            r.rawStatus = raw
            switch r.lifecycle {
            case .pendingCancel(let pc): r.lifecycle = .closed(pc.canceled())
            case .working(let w): r.lifecycle = .closed(w.canceledUnsolicited())
            case .pendingReplace(let pr): r.lifecycle = .closed(pr.working.canceledUnsolicited())
            default: records[id] = r; return
            }
            let orig = promotePending(&r)
            records[id] = r
            if let res = r.reservation { risk?.orderClosed(res) }
            deliver(r, .canceled, orig: orig)
        case .replaced(_, _, _, let raw):
            r.rawStatus = raw
            guard case .pendingReplace(let pr) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = pr.replaced()
            settleReservation(&r)
            let orig = promotePending(&r)
            records[id] = r
            deliver(r, .replaced, orig: orig)
        case .rejected(_, let text, let code, let raw):
            r.rawStatus = raw
            guard case .pendingNew(let p) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = .closed(p.rejected())
            records[id] = r
            if let res = r.reservation { risk?.release(res) }
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
            guard case .working(let w) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = .closed(w.expired())
            records[id] = r
            if let res = r.reservation { risk?.orderClosed(res) }
            deliver(r, .expired)
        }
    }
}
