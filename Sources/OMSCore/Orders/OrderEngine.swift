/// Owns order state: duplicate ClOrdIDs, the pipeline decision and its risk reservation, the order state
/// machine, broker routing and broker events. One actor, so that a check and the state it records are never
/// separated by an await.
public actor OrderEngine {
    struct Record {
        var id: OrderID
        var source: OrderSource
        var clientOrderID: ClientOrderID
        var request: OrderRequest
        var instrument: Instrument?
        var product: Product?
        var broker: BrokerID?
        var lifecycle: OrderLifecycle
        var pendingClientOrderID: ClientOrderID?
        var reservation: RiskReservationID?
        var brokerOrderID: String?
        var rawStatus: String?
    }

    let pipeline: OrderPipeline
    let risk: (any RiskEngine)?
    let brokers: [BrokerID: any BrokerAdapter]
    let defaultBroker: BrokerID
    let now: @Sendable () -> Int64
    let market: @Sendable () -> MarketSnapshot
    let sink: OrderReportSink

    var records: [OrderID: Record] = [:]
    var byClientOrderID: [String: OrderID] = [:]
    var nextOrder = 1
    var nextExec = 1
    /// After-market orders waiting for the next open, in arrival order.
    var held: [(id: OrderID, request: OrderRequest, releaseAt: Int64)] = []

    /// - Parameters:
    ///   - risk: owned by this actor from now on (every call to it happens inside the engine).
    ///   - now: epoch milliseconds (the exchange clock).
    public init(pipeline: OrderPipeline, risk: (any RiskEngine)? = nil, brokers: [any BrokerAdapter],
                defaultBroker: BrokerID, now: @escaping @Sendable () -> Int64,
                market: @escaping @Sendable () -> MarketSnapshot = { MarketSnapshot() }, sink: OrderReportSink) {
        self.pipeline = pipeline
        self.risk = risk
        var map: [BrokerID: any BrokerAdapter] = [:]
        for b in brokers { map[b.id] = b }
        self.brokers = map
        self.defaultBroker = defaultBroker
        self.now = now
        self.market = market
        self.sink = sink
    }

    /// Consumes every broker's event stream, and releases held after-market orders, until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for b in brokers.values {
                group.addTask { for await e in b.events { await self.handle(e) } }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    await self.releaseHeld()
                }
            }
        }
    }

    /// Sends the held after-market orders whose release time has come back through the pipeline.
    public func releaseHeld() {
        let t = now()
        let due = held.filter { $0.releaseAt <= t }
        guard !due.isEmpty else { return }
        held.removeAll { $0.releaseAt <= t }
        for h in due {
            var request = h.request
            request.afterMarket = false
            switch pipeline.decide(request, at: t, risk: risk, market: market()) {
            case .rejected(let rejection):
                guard var r = records[h.id], case .pendingNew(let p) = r.lifecycle else { continue }
                r.lifecycle = .closed(p.rejected())
                records[h.id] = r
                deliver(r, .rejected(rejection))
            case .held(_, let again):
                held.append((h.id, h.request, again))
            case .accepted(let a):
                records[h.id] = nil
                accept(h.id, h.request, a.resolved.instrument, a.resolved.product, reservation: a.risk?.reservation,
                       announce: false)
            }
        }
    }

    static func key(_ s: OrderSource, _ c: ClientOrderID) -> String { "\(s)#\(c.rawValue)" }

    // MARK: New orders

    public func submit(_ request: OrderRequest) {
        let id = OrderID("O-\(nextOrder)")
        nextOrder += 1
        let key = Self.key(request.source, request.clientOrderID)
        if byClientOrderID[key] != nil {
            let r = Record(id: id, source: request.source, clientOrderID: request.clientOrderID, request: request,
                           lifecycle: .closed(PendingNewOrder(terms: terms(request)).rejected()))
            deliver(r, .rejected(.duplicateClientOrderID(request.clientOrderID)))
            return
        }
        byClientOrderID[key] = id
        let decision = pipeline.decide(request, at: now(), risk: risk, market: market())
        switch decision {
        case .rejected(let rejection):
            let r = Record(id: id, source: request.source, clientOrderID: request.clientOrderID, request: request,
                           lifecycle: .closed(PendingNewOrder(terms: terms(request)).rejected()))
            records[id] = r
            deliver(r, .rejected(rejection))
        case .held(let resolved, let releaseAt):
            // After-market order outside hours: acknowledged as pending and held until the next open, when it
            // goes through the whole pipeline again.
            let r = Record(id: id, source: request.source, clientOrderID: request.clientOrderID, request: request,
                           instrument: resolved.instrument, product: resolved.product, lifecycle: .submitted(terms(request)))
            records[id] = r
            held.append((id, request, releaseAt))
            deliver(r, .pendingNew)
        case .accepted(let a):
            accept(id, request, a.resolved.instrument, a.resolved.product, reservation: a.risk?.reservation)
        }
    }

    private func accept(_ id: OrderID, _ request: OrderRequest, _ instrument: Instrument, _ product: Product,
                        reservation: RiskReservationID?, announce: Bool = true) {
        let brokerID = request.broker ?? defaultBroker
        var r = Record(id: id, source: request.source, clientOrderID: request.clientOrderID, request: request,
                       instrument: instrument, product: product, broker: brokerID,
                       lifecycle: .submitted(terms(request)), reservation: reservation)
        guard let broker = brokers[brokerID] else {
            r.lifecycle = .closed(PendingNewOrder(terms: terms(request)).rejected())
            records[id] = r
            if let res = reservation { risk?.release(res) }
            deliver(r, .brokerRejected(text: "Unknown broker \(brokerID)", code: "UNKNOWN_BROKER"))
            return
        }
        records[id] = r
        if announce { deliver(r, .pendingNew) }
        let order = BrokerOrderRequest(tag: id.rawValue, instrument: instrument, side: request.side, product: product,
                                       orderType: request.orderType, timeInForce: request.timeInForce,
                                       quantity: request.quantity, limitPrice: request.limitPrice,
                                       triggerPrice: request.triggerPrice, algoID: request.algoID,
                                       afterMarket: request.afterMarket)
        Task {
            do throws(BrokerError) {
                let placement = try await broker.place(order)
                await self.placed(id, placement)
            } catch {
                await self.placementFailed(id, error)
            }
        }
    }

    private func placed(_ id: OrderID, _ p: BrokerPlacement) {
        if records[id]?.brokerOrderID == nil { records[id]?.brokerOrderID = p.brokerOrderIDs.first }
    }

    private func placementFailed(_ id: OrderID, _ error: BrokerError) {
        guard var r = records[id], case .pendingNew(let p) = r.lifecycle else { return }
        r.lifecycle = .closed(p.rejected())
        records[id] = r
        if let res = r.reservation { risk?.release(res) }
        deliver(r, .brokerRejected(text: "Broker \(r.broker?.rawValue ?? "?") failed: \(error)", code: nil))
    }

    /// An order the interface could not turn into a request (unsupported side, order type, validity,
    /// quantity): reported as a rejected order with its reason, like any pipeline rejection.
    public func rejectUnmapped(source: OrderSource, clientOrderID: ClientOrderID, side: Side, symbol: String?,
                               rejection: OrderRejection) {
        let id = OrderID("O-\(nextOrder)")
        nextOrder += 1
        let request = OrderRequest(source: source, clientOrderID: clientOrderID, client: ClientID(""),
                                   lookup: InstrumentLookup(symbol: symbol), side: side, orderType: .limit,
                                   quantity: .zero)
        let r = Record(id: id, source: source, clientOrderID: clientOrderID, request: request,
                       lifecycle: .closed(PendingNewOrder(terms: terms(request)).rejected()))
        records[id] = r
        deliver(r, .rejected(rejection))
    }

    // MARK: Cancel, replace, status

    public func cancel(source: OrderSource, clientOrderID: ClientOrderID, origClientOrderID: ClientOrderID) {
        guard let id = byClientOrderID[Self.key(source, origClientOrderID)], var r = records[id] else {
            sink.deliver(unknown(source, clientOrderID, origClientOrderID, isReplace: false))
            return
        }
        let refuse = { (reason: CancelRejectReason, text: String) in
            var x = r
            x.pendingClientOrderID = clientOrderID
            self.deliver(x, .cancelRejected(reason: reason, text: text, isReplace: false), orig: origClientOrderID)
        }
        switch r.lifecycle {
        case .working(let w):
            r.lifecycle = .pendingCancel(w.requestCancel())
            r.pendingClientOrderID = clientOrderID
            records[id] = r
            deliver(r, .pendingCancel, orig: origClientOrderID)
            guard let broker = r.broker.flatMap({ brokers[$0] }) else { return }
            let tag = id.rawValue
            Task { try? await broker.cancel(tag: tag) }
        case .closed(let c): refuse(.tooLate, "Order is \(c.finalStatus)")
        case .pendingNew, .pendingCancel, .pendingReplace: refuse(.alreadyPending, "Order has a request pending")
        }
    }

    public func replace(source: OrderSource, clientOrderID: ClientOrderID, origClientOrderID: ClientOrderID,
                        quantity: Quantity, limitPrice: Price?) {
        guard let id = byClientOrderID[Self.key(source, origClientOrderID)], var r = records[id] else {
            sink.deliver(unknown(source, clientOrderID, origClientOrderID, isReplace: true))
            return
        }
        guard case .working(let w) = r.lifecycle else {
            var x = r
            x.pendingClientOrderID = clientOrderID
            let closed: Bool
            if case .closed = r.lifecycle { closed = true } else { closed = false }
            deliver(x, .cancelRejected(reason: closed ? .tooLate : .alreadyPending,
                                       text: closed ? "Order is closed" : "Order has a request pending", isReplace: true),
                    orig: origClientOrderID)
            return
        }
        guard let pending = w.requestReplace(OrderTerms(quantity: quantity, limitPrice: limitPrice ?? w.terms.limitPrice,
                                                        triggerPrice: w.terms.triggerPrice)) else {
            var x = r
            x.pendingClientOrderID = clientOrderID
            deliver(x, .cancelRejected(reason: .other, text: "New quantity must exceed the filled quantity", isReplace: true),
                    orig: origClientOrderID)
            return
        }
        r.lifecycle = .pendingReplace(pending)
        r.pendingClientOrderID = clientOrderID
        records[id] = r
        deliver(r, .pendingReplace, orig: origClientOrderID)
        guard let broker = r.broker.flatMap({ brokers[$0] }) else { return }
        let tag = id.rawValue
        Task { try? await broker.modify(tag: tag, quantity: quantity, limitPrice: limitPrice, triggerPrice: nil) }
    }

    public func status(source: OrderSource, clientOrderID: ClientOrderID) {
        guard let id = byClientOrderID[Self.key(source, clientOrderID)], let r = records[id] else {
            sink.deliver(unknown(source, clientOrderID, clientOrderID, isReplace: false))
            return
        }
        deliver(r, .status)
    }

    /// All orders (for the portfolio and the CLI).
    public func snapshot() -> [OrderReport] {
        records.values.sorted { $0.id.rawValue < $1.id.rawValue }.map { report($0, .status, orig: nil) }
    }

    // MARK: Broker events

    public func handle(_ e: BrokerOrderEvent) {
        let id = OrderID(e.tag)
        guard var r = records[id] else { return }
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
            if let res = r.reservation {
                risk?.applyFill(res, quantity: qty, price: px)
                if case .closed = n { risk?.orderClosed(res) }
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
            records[id] = r
            if let res = r.reservation { risk?.orderClosed(res) }
            deliver(r, .canceled, orig: r.clientOrderID)
            promotePending(id)
        case .replaced(_, _, _, let raw):
            r.rawStatus = raw
            guard case .pendingReplace(let pr) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = pr.replaced()
            records[id] = r
            deliver(r, .replaced, orig: r.clientOrderID)
            promotePending(id)
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
            case .pendingReplace(let pr): r.lifecycle = .working(pr.replaceRejected()); isReplace = true
            default: break
            }
            records[id] = r
            deliver(r, .cancelRejected(reason: .brokerOption, text: text, isReplace: isReplace), orig: r.clientOrderID)
            r.pendingClientOrderID = nil
            records[id] = r
        case .expired(_, let raw):
            r.rawStatus = raw
            guard case .working(let w) = r.lifecycle else { records[id] = r; return }
            r.lifecycle = .closed(w.expired())
            records[id] = r
            if let res = r.reservation { risk?.orderClosed(res) }
            deliver(r, .expired)
        }
    }

    /// After a cancel or replace took effect, the order answers to the request's ClOrdID.
    private func promotePending(_ id: OrderID) {
        guard var r = records[id], let next = r.pendingClientOrderID else { return }
        r.clientOrderID = next
        r.pendingClientOrderID = nil
        records[id] = r
        byClientOrderID[Self.key(r.source, next)] = id
    }

    // MARK: Reports

    private func terms(_ r: OrderRequest) -> OrderTerms {
        OrderTerms(quantity: r.quantity, limitPrice: r.limitPrice, triggerPrice: r.triggerPrice)
    }

    private func deliver(_ r: Record, _ kind: OrderReport.Kind, orig: ClientOrderID? = nil) {
        sink.deliver(report(r, kind, orig: orig))
    }

    private func report(_ r: Record, _ kind: OrderReport.Kind, orig: ClientOrderID?) -> OrderReport {
        let exec = "E-\(nextExec)"
        nextExec += 1
        let clOrd: ClientOrderID
        switch kind {
        case .pendingCancel, .pendingReplace, .canceled, .replaced, .cancelRejected: clOrd = r.pendingClientOrderID ?? r.clientOrderID
        default: clOrd = r.clientOrderID
        }
        return OrderReport(destination: r.source, kind: kind, orderID: r.id, clientOrderID: clOrd,
                           origClientOrderID: orig, execID: exec, status: r.lifecycle.status, side: r.request.side,
                           symbol: r.instrument?.tradingSymbol ?? r.request.lookup.symbol ?? "",
                           instrument: r.instrument, product: r.product, broker: r.broker,
                           quantity: r.lifecycle.terms.quantity, limitPrice: r.lifecycle.terms.limitPrice,
                           cumulativeQuantity: r.lifecycle.fills.cumulative, leavesQuantity: r.lifecycle.leavesQuantity,
                           averagePrice: r.lifecycle.fills.averagePrice, brokerRawStatus: r.rawStatus,
                           brokerOrderID: r.brokerOrderID)
    }

    private func unknown(_ s: OrderSource, _ c: ClientOrderID, _ orig: ClientOrderID, isReplace: Bool) -> OrderReport {
        let exec = "E-\(nextExec)"
        nextExec += 1
        return OrderReport(destination: s, kind: .cancelRejected(reason: .unknownOrder, text: "Unknown order \(orig)",
                                                                  isReplace: isReplace),
                           orderID: OrderID("NONE"), clientOrderID: c, origClientOrderID: orig, execID: exec,
                           status: .rejected, side: .buy, symbol: "", instrument: nil, product: nil, broker: nil,
                           quantity: .zero, limitPrice: nil, cumulativeQuantity: .zero, leavesQuantity: .zero,
                           averagePrice: .zero, brokerRawStatus: nil, brokerOrderID: nil)
    }
}
