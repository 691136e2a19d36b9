/// Owns order state: duplicate ClOrdIDs, the pipeline decision and its risk reservation, the order state
/// machine, broker routing and broker events. One actor, so that a check and the state it records are never
/// separated by an await.
public actor OrderEngine {
    struct Record {
        var id: OrderID
        var sequence: Int
        var held: Bool
        var source: OrderSource
        var clientOrderID: ClientOrderID
        var requestBox: SharedValue<OrderRequest>
        var instrumentBox: SharedValue<Instrument>?
        var product: Product?
        var broker: BrokerID?
        var lifecycle: OrderLifecycle
        var pendingClientOrderID: ClientOrderID?
        var reservation: RiskReservationID?
        var brokerOrderID: String?
        var rawStatus: String?
        var rejectCode: String?
        var rejectText: String?
        /// The price a market or SL-M order may fill at worst (the risk engine's market protection), sent to
        /// the broker with the order (and stored with it).
        var protectionPrice: Price?
        /// When it went to its broker (exchange clock, epoch ms): a DAY order ends with that trading day.
        /// 0: not yet (held, or refused).
        var openedAt: Int64 = 0
        /// When a DAY order ends (`OrderPipeline.dayOrderEnd`: the close of its trading day's last session);
        /// 0: never by the day rule (not a DAY order, or not yet opened).
        var dayEndsAt: Int64 = 0

        var request: OrderRequest { requestBox.value }
        var instrument: Instrument? { instrumentBox?.value }

        init(id: OrderID, sequence: Int = 0, held: Bool = false, source: OrderSource, clientOrderID: ClientOrderID,
             request: OrderRequest, instrument: Instrument? = nil, product: Product? = nil, broker: BrokerID? = nil,
             lifecycle: OrderLifecycle, pendingClientOrderID: ClientOrderID? = nil, reservation: RiskReservationID? = nil,
             brokerOrderID: String? = nil, rawStatus: String? = nil, rejectCode: String? = nil, rejectText: String? = nil) {
            self.init(id: id, sequence: sequence, held: held, source: source, clientOrderID: clientOrderID,
                      requestBox: SharedValue(request), instrumentBox: instrument.map { SharedValue($0) }, product: product,
                      broker: broker, lifecycle: lifecycle, pendingClientOrderID: pendingClientOrderID,
                      reservation: reservation, brokerOrderID: brokerOrderID, rawStatus: rawStatus,
                      rejectCode: rejectCode, rejectText: rejectText)
        }

        init(id: OrderID, sequence: Int, held: Bool, source: OrderSource, clientOrderID: ClientOrderID,
             requestBox: SharedValue<OrderRequest>, instrumentBox: SharedValue<Instrument>?, product: Product?,
             broker: BrokerID?, lifecycle: OrderLifecycle, pendingClientOrderID: ClientOrderID?,
             reservation: RiskReservationID?, brokerOrderID: String?, rawStatus: String?, rejectCode: String?,
             rejectText: String?) {
            self.id = id
            self.sequence = sequence
            self.held = held
            self.source = source
            self.clientOrderID = clientOrderID
            self.requestBox = requestBox
            self.instrumentBox = instrumentBox
            self.product = product
            self.broker = broker
            self.lifecycle = lifecycle
            self.pendingClientOrderID = pendingClientOrderID
            self.reservation = reservation
            self.brokerOrderID = brokerOrderID
            self.rawStatus = rawStatus
            self.rejectCode = rejectCode
            self.rejectText = rejectText
        }
    }

    let pipeline: OrderPipeline
    let risk: (any RiskEngine)?
    let brokers: [BrokerID: any BrokerAdapter]
    let defaultBroker: BrokerID
    /// Broker → the broker that takes its orders when it is down (before the order was accepted).
    let failover: [BrokerID: BrokerID]
    let now: @Sendable () -> Int64
    let market: @Sendable () -> MarketSnapshot
    let sink: OrderReportSink

    /// The open orders, and the closed ones of the day still kept in memory (boxed: growing the table never
    /// stalls the engine).
    var records = BoxedDictionary<OrderID, Record>()
    /// How many closed orders stay in memory; beyond that the longest closed leaves memory (its ClOrdIDs stay
    /// known) and is read back from `archive` when a status, cancel or replace request names it. Without an
    /// archive every order stays in memory.
    let closedInMemory: Int
    let archive: (@Sendable (OrderID) -> OrderSnapshot?)?
    /// Orders as they closed, oldest first from `closedHead`.
    var closedOrders: [OrderID] = []
    var closedHead = 0
    var byClientOrderID = BoxedDictionary<String, OrderID>()
    var nextOrder = 1
    var nextExec = 1
    /// After-market orders waiting for the next open, in arrival order.
    var held: [(id: OrderID, request: OrderRequest, releaseAt: Int64)] = []
    /// Orders whose placement timed out: looked up at their broker by tag until found, never sent again.
    var unknownOutcome: Set<OrderID> = []
    /// Held orders taken back from storage: one may have been released and placed before the restart (its
    /// record still says held), so at release it is looked up at its brokers before it is placed.
    var restoredHeld: Set<OrderID> = []
    /// The earliest `dayEndsAt` of the DAY orders taken since the last scan, or an earlier one still open
    /// (`expireDayOrders` scans only once the clock reaches it); `.max`: none.
    var nextDayEnd: Int64 = .max
    /// The restored orders `resumeAtBrokers` has yet to look up: the tick does not expire them meanwhile (an order
    /// past its day end is looked up first, so that fills its broker made before the end are not lost).
    var awaitingLookUp: Set<OrderID> = []
    /// Orders accepted in this turn of the engine, placed together once it ends (for a broker outside the
    /// process, after their records are durable).
    var awaitingPlacement: [(id: OrderID, order: BrokerOrderRequest, broker: BrokerID)] = []
    var placementRunning = false

    /// - Parameters:
    ///   - risk: owned by this actor from now on (every call to it happens inside the engine).
    ///   - closedInMemory, archive: closed orders beyond the most recent `closedInMemory` leave memory and are
    ///     read back from `archive` (the order store) when named by a request. With a limit in the thousands an
    ///     order leaves memory long after its last report was stored; with a limit near 0 (tests) a request in
    ///     the moment between its close and that commit finds the stored order not yet closed, and is answered
    ///     as for an unknown order.
    ///   - now: epoch milliseconds (the exchange clock).
    public init(pipeline: OrderPipeline, risk: (any RiskEngine)? = nil, brokers: [any BrokerAdapter],
                defaultBroker: BrokerID, failover: [BrokerID: BrokerID] = [:], now: @escaping @Sendable () -> Int64,
                market: @escaping @Sendable () -> MarketSnapshot = { MarketSnapshot() }, sink: OrderReportSink,
                closedInMemory: Int = .max, archive: (@Sendable (OrderID) -> OrderSnapshot?)? = nil) {
        self.pipeline = pipeline
        self.closedInMemory = max(0, closedInMemory)
        self.archive = archive
        self.risk = risk
        var map: [BrokerID: any BrokerAdapter] = [:]
        for b in brokers { map[b.id] = b }
        self.brokers = map
        self.defaultBroker = defaultBroker
        self.failover = failover
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
                var ticks = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    await self.expireDayOrders()
                    await self.releaseHeld()
                    ticks += 1
                    if ticks % 20 == 0 { await self.lookUpUnknownOutcomes() }
                }
            }
        }
    }

    /// Sends the held after-market orders whose release time has come back through the pipeline — still as
    /// after-market orders, so that one whose market is closed after all (a restart in the evening re-queues every
    /// held order for the next tick; a holiday declared since it was held; a phase that takes no such order) is
    /// held again until the next phase that releases it, not refused (it was: SESSION_CLOSED at a 22:00 restart).
    public func releaseHeld() {
        let t = now()
        let due = held.filter { $0.releaseAt <= t }
        guard !due.isEmpty else { return }
        held.removeAll { $0.releaseAt <= t }
        for h in due {
            switch pipeline.decide(h.request, at: t, risk: risk, market: market()) {
            case .rejected(let rejection):
                guard var r = records[h.id], case .pendingNew(let p) = r.lifecycle else { continue }
                r.held = false
                r.lifecycle = .closed(p.rejected())
                records[h.id] = r
                deliver(r, .rejected(rejection))
            case .held(_, let again):
                held.append((h.id, h.request, again))
            case .accepted(let a):
                let sequence = records[h.id]?.sequence ?? 0
                records[h.id] = nil
                accept(h.id, sequence, h.request, a.resolved.instrument, a.resolved.product, at: t,
                       reservation: a.risk?.reservation, protection: a.risk?.protectionPrice, announce: false,
                       lookUpFirst: restoredHeld.remove(h.id) != nil)
            }
        }
    }

    static func key(_ s: OrderSource, _ c: ClientOrderID) -> String { "\(s)#\(c.rawValue)" }

    // MARK: New orders

    /// Takes a new order: duplicate check, pipeline, then the broker. Returns Vega's order id.
    @discardableResult
    public func submit(_ request: OrderRequest) -> OrderID {
        let (id, sequence) = newOrderID()
        let key = Self.key(request.source, request.clientOrderID)
        if byClientOrderID[key] != nil {
            let r = Record(id: id, sequence: sequence, source: request.source, clientOrderID: request.clientOrderID,
                           request: request, lifecycle: .closed(PendingNewOrder(terms: terms(request)).rejected()))
            records[id] = r
            deliver(r, .rejected(.duplicateClientOrderID(request.clientOrderID)))
            return id
        }
        byClientOrderID[key] = id
        let t = now()
        let decision = pipeline.decide(request, at: t, risk: risk, market: market())
        switch decision {
        case .rejected(let rejection):
            let r = Record(id: id, sequence: sequence, source: request.source, clientOrderID: request.clientOrderID,
                           request: request, lifecycle: .closed(PendingNewOrder(terms: terms(request)).rejected()))
            records[id] = r
            deliver(r, .rejected(rejection))
        case .held(let resolved, let releaseAt):
            // After-market order outside hours: acknowledged as pending and held until the next open, when it
            // goes through the whole pipeline again.
            let r = Record(id: id, sequence: sequence, held: true, source: request.source,
                           clientOrderID: request.clientOrderID, request: request, instrument: resolved.instrument,
                           product: resolved.product, lifecycle: .submitted(terms(request)))
            records[id] = r
            held.append((id, request, releaseAt))
            deliver(r, .pendingNew)
        case .accepted(let a):
            accept(id, sequence, request, a.resolved.instrument, a.resolved.product, at: t, reservation: a.risk?.reservation,
                   protection: a.risk?.protectionPrice)
        }
        return id
    }

    func newOrderID() -> (OrderID, Int) {
        defer { nextOrder += 1 }
        return (OrderID("O-\(nextOrder)"), nextOrder)
    }

    private func accept(_ id: OrderID, _ sequence: Int, _ request: OrderRequest, _ instrument: Instrument,
                        _ product: Product, at t: Int64, reservation: RiskReservationID?, protection: Price?,
                        announce: Bool = true,
                        lookUpFirst: Bool = false) {
        let brokerID = request.broker ?? defaultBroker
        var r = Record(id: id, sequence: sequence, source: request.source, clientOrderID: request.clientOrderID,
                       request: request, instrument: instrument, product: product, broker: brokerID,
                       lifecycle: .submitted(terms(request)), reservation: reservation)
        r.protectionPrice = protection
        r.openedAt = t   // the instant the pipeline took it
        noteOpened(&r)
        guard brokers[brokerID] != nil else {
            r.lifecycle = .closed(PendingNewOrder(terms: terms(request)).rejected())
            records[id] = r
            if let res = reservation { risk?.release(res) }
            deliver(r, .brokerRejected(text: "Unknown broker \(brokerID)", code: "UNKNOWN_BROKER"))
            return
        }
        records[id] = r
        if announce { deliver(r, .pendingNew) }
        if lookUpFirst {
            let order = brokerOrder(r, quantity: request.quantity)
            Task { await self.placeUnlessKnown(id, order, at: brokerID) }
        } else {
            queuePlacement(id, brokerOrder(r, quantity: request.quantity), at: brokerID)
        }
    }

    /// The order reaches a broker only once Vega's record of it is durable: the orders accepted in one turn
    /// of the engine wait together (one durability wait), and each broker then gets its orders in one call.
    /// An in-process broker (the paper broker, whose book dies with the process) is not waited for: its
    /// order cannot outlive Vega's record, and every report still reaches a client only once stored.
    private func queuePlacement(_ id: OrderID, _ order: BrokerOrderRequest, at brokerID: BrokerID) {
        awaitingPlacement.append((id, order, brokerID))
        guard !placementRunning else { return }
        placementRunning = true
        Task { self.placeQueued() }   // on this actor, after the current turn
    }

    private func placeQueued() {
        let batch = awaitingPlacement
        awaitingPlacement.removeAll()
        placementRunning = false
        var groups: [BrokerID: [(id: OrderID, order: BrokerOrderRequest)]] = [:]
        var brokerOrder: [BrokerID] = []
        for p in batch {
            if groups[p.broker] == nil { brokerOrder.append(p.broker) }
            groups[p.broker, default: []].append((p.id, p.order))
        }
        var waiting: [BrokerID] = []
        for b in brokerOrder {
            guard isInProcess(b) else { waiting.append(b); continue }
            let group = groups[b]!
            Task { await self.place(group, at: b) }
        }
        guard !waiting.isEmpty else { return }
        // Waited for apart, so that orders for in-process brokers queued meanwhile do not wait behind.
        let held = waiting.map { ($0, groups[$0]!) }
        Task {
            guard await self.durable(held.flatMap { $0.1.map(\.id) }) else { return }
            for (b, group) in held { Task { await self.place(group, at: b) } }
        }
    }

    private func isInProcess(_ b: BrokerID) -> Bool { brokers[b]?.capabilities.inProcess ?? false }

    /// Waits until the orders' records (their PendingNew reports, delivered already) are durable; false, the
    /// orders rejected, when storage failed.
    private func durable(_ ids: [OrderID]) async -> Bool {
        guard let last = ids.last else { return true }
        do {
            try await sink.waitUntilDurable(last)
            return true
        } catch {
            for id in ids { placementFailed(id, .unavailable("storage failed: \(error)")) }
            return false
        }
    }

    /// The order still waits for the replace that `clientOrderID` asked for.
    func isPendingReplace(_ id: OrderID, _ clientOrderID: ClientOrderID) -> Bool {
        guard let r = records[id], case .pendingReplace = r.lifecycle else { return false }
        return r.pendingClientOrderID == clientOrderID
    }

    /// What the broker is asked to place. Never an after-market order: Vega holds those itself and places them
    /// once their session takes them, so at the broker they are regular orders (sent as AMOs during market hours
    /// — Kite `variety=amo`, Upstox `is_amo`, Fyers `offlineOrder` — a broker would queue them for the next
    /// session, or refuse them).
    func brokerOrder(_ r: Record, quantity: Quantity) -> BrokerOrderRequest {
        BrokerOrderRequest(tag: r.id.rawValue, instrument: r.instrument!, side: r.request.side, product: r.product!,
                           orderType: r.request.orderType, timeInForce: r.request.timeInForce, quantity: quantity,
                           limitPrice: r.lifecycle.terms.limitPrice, triggerPrice: r.lifecycle.terms.triggerPrice,
                           protectionPrice: r.protectionPrice, algoID: r.request.algoID, afterMarket: false)
    }

    /// Places at `brokerID`; a broker that is down before accepting hands over to its backup; a timeout
    /// leaves the order's fate unknown, resolved by looking it up by tag (never by sending it again).
    func attemptPlacement(_ id: OrderID, _ order: BrokerOrderRequest, at brokerID: BrokerID, failedOver: Bool = false) async {
        await place([(id, order)], at: brokerID, failedOver: failedOver)
    }

    /// `attemptPlacement` for several orders at one broker, in one call to it.
    func place(_ group: [(id: OrderID, order: BrokerOrderRequest)], at brokerID: BrokerID, failedOver: Bool = false) async {
        guard let broker = brokers[brokerID] else { return }
        var results = await broker.place(batch: group.map(\.order))
        // An adapter that answered fewer orders than it was given: the rest are looked up, never sent again.
        while results.count < group.count { results.append(.failure(.outcomeUnknown)) }
        var handOver: [(id: OrderID, order: BrokerOrderRequest)] = []
        var unknown: [OrderID] = []
        for (p, result) in zip(group, results) {
            switch result {
            case .success(let placement): placed(p.id, placement)
            case .failure(let error):
                switch error {
                case .unavailable, .tokenExpired, .rateLimited:
                    if !failedOver, let backup = failover[brokerID], brokers[backup] != nil,
                       var r = records[p.id], case .pendingNew = r.lifecycle {
                        r.broker = backup
                        records[p.id] = r
                        handOver.append(p)
                    } else {
                        placementFailed(p.id, error)
                    }
                case .outcomeUnknown:
                    unknownOutcome.insert(p.id)
                    unknown.append(p.id)
                case .unknownOrder, .refused:
                    placementFailed(p.id, error)
                }
            }
        }
        // Failing over from an in-process broker to one outside: the orders wait for durability first (for any
        // other pair they waited before the first placement, or need not).
        if !handOver.isEmpty, let backup = failover[brokerID] {
            let mustWait = isInProcess(brokerID) && !isInProcess(backup)
            let ready = mustWait ? await durable(handOver.map(\.id)) : true
            if ready { await place(handOver, at: backup, failedOver: true) }
        }
        for id in unknown { await lookUp(id) }
    }

    private func placed(_ id: OrderID, _ p: BrokerPlacement) {
        if records[id]?.brokerOrderID == nil { records[id]?.brokerOrderID = p.brokerOrderIDs.first }
    }

    func placementFailed(_ id: OrderID, _ error: BrokerError) {
        guard var r = records[id], case .pendingNew(let p) = r.lifecycle else { return }
        r.lifecycle = .closed(p.rejected())
        records[id] = r
        if let res = r.reservation { risk?.release(res) }
        let code: String?
        if case .refused(let c, _) = error { code = c } else { code = nil }
        deliver(r, .brokerRejected(text: "Broker \(r.broker?.rawValue ?? "?") failed: \(error)", code: code))
    }

    /// An order the interface could not turn into a request (unsupported side, order type, validity,
    /// quantity): reported as a rejected order with its reason, like any pipeline rejection. `request` is what
    /// the interface could read of it, echoed on the rejection.
    public func rejectUnmapped(_ request: OrderRequest, rejection: OrderRejection) {
        let (id, sequence) = newOrderID()
        let r = Record(id: id, sequence: sequence, source: request.source, clientOrderID: request.clientOrderID,
                       request: request,
                       lifecycle: .closed(PendingNewOrder(terms: terms(request)).rejected()))
        records[id] = r
        deliver(r, .rejected(rejection))
    }

    // MARK: Cancel, replace, status

    public func cancel(source: OrderSource, clientOrderID: ClientOrderID, origClientOrderID: ClientOrderID) {
        guard let id = byClientOrderID[Self.key(source, origClientOrderID)], var r = record(id) else {
            takeRequestID(source, clientOrderID, for: OrderID(""))
            sink.deliver(unknown(source, clientOrderID, orig: origClientOrderID,
                                 .cancelRejected(reason: .unknownOrder, text: "Unknown order \(origClientOrderID)", isReplace: false)))
            return
        }
        func refuse(_ reason: CancelRejectReason, _ text: String) {
            refuseRequest(r, clientOrderID, orig: origClientOrderID, reason: reason, text: text, isReplace: false)
        }
        guard takeRequestID(source, clientOrderID, for: id) else {
            refuse(.duplicateClOrdID, "Duplicate ClOrdID \(clientOrderID)")
            return
        }
        switch r.lifecycle {
        case .working(let w):
            r.lifecycle = .pendingCancel(w.requestCancel())
            r.pendingClientOrderID = clientOrderID
            records[id] = r
            deliver(r, .pendingCancel, orig: origClientOrderID)
            sendCancel(r)
        case .closed(let c): refuse(.tooLate, "Order is \(c.finalStatus)")
        case .pendingNew(let p) where r.held: cancelHeld(&r, p, request: clientOrderID)
        case .pendingNew, .pendingCancel, .pendingReplace: refuse(.alreadyPending, "Order has a request pending")
        }
    }

    /// An after-market order held for the next open has reached no broker: cancelled here and now. `request`:
    /// the cancel's ClOrdID, which the order answers to from now on (nil: an operator's cancel by order id).
    func cancelHeld(_ r: inout Record, _ p: PendingNewOrder, request: ClientOrderID?) {
        let id = r.id
        held.removeAll { $0.id == id }
        restoredHeld.remove(id)
        r.held = false
        r.lifecycle = .closed(p.canceledBeforeSent())
        r.pendingClientOrderID = request
        let orig = request == nil ? nil : promotePending(&r)
        records[id] = r
        deliver(r, .canceled, orig: orig)
    }

    public func replace(source: OrderSource, clientOrderID: ClientOrderID, origClientOrderID: ClientOrderID,
                        quantity: Quantity, limitPrice: Price?) {
        guard var r = replaceTarget(source, clientOrderID, orig: origClientOrderID) else { return }
        let id = r.id
        func refuse(_ reason: CancelRejectReason, _ text: String) {
            refuseRequest(r, clientOrderID, orig: origClientOrderID, reason: reason, text: text, isReplace: true)
        }
        guard case .working(let w) = r.lifecycle else {
            if case .closed = r.lifecycle { refuse(.tooLate, "Order is closed") } else {
                refuse(.alreadyPending, "Order has a request pending")
            }
            return
        }
        let newTerms = OrderTerms(quantity: quantity, limitPrice: limitPrice ?? w.terms.limitPrice, triggerPrice: w.terms.triggerPrice)
        guard let pending = w.requestReplace(newTerms) else {
            refuse(.other, "New quantity must exceed the filled quantity")
            return
        }
        if let refusal = checkReplace(&r, newTerms) {
            refuse(.other, "Replace refused by the pre-trade checks: \(refusal)")
            return
        }
        r.lifecycle = .pendingReplace(pending)
        r.pendingClientOrderID = clientOrderID
        records[id] = r
        deliver(r, .pendingReplace, orig: origClientOrderID)
        guard let broker = r.broker.flatMap({ brokers[$0] }) else { return }
        let tag = id.rawValue
        let wait = !broker.capabilities.inProcess
        Task {
            // A broker outside the process changes the order only once the PendingReplace is durable, so that
            // a broker never holds terms Vega could forget. Meanwhile the order may have ended or moved on: then
            // the change is not sent at all.
            if wait {
                var failure: (any Error)?
                do { try await self.sink.waitUntilDurable(id) } catch { failure = error }
                guard self.isPendingReplace(id, clientOrderID) else { return }
                if let failure {
                    self.handle(.replaceRejected(tag: tag, text: "Not sent to the broker: storage failed: \(failure)",
                                                 rawStatus: self.records[id]?.rawStatus ?? ""))
                    return
                }
            }
            do throws(BrokerError) {
                try await broker.modify(tag: tag, quantity: quantity, limitPrice: limitPrice, triggerPrice: nil)
            } catch .outcomeUnknown {
                // The change may have been made: asked for by tag rather than taken as refused.
                await self.settleUnknownReplace(id, clientOrderID, at: broker)
            } catch {
                self.handle(.replaceRejected(tag: tag, text: "Broker \(broker.id) could not modify: \(error)", rawStatus: ""))
            }
        }
    }

    /// A replace request the interface could not read (its new quantity or price is not one Vega can hold):
    /// an OrderCancelReject (reason other, with `text`), the order left as it is.
    public func refuseReplace(source: OrderSource, clientOrderID: ClientOrderID, origClientOrderID: ClientOrderID,
                              text: String) {
        guard let r = replaceTarget(source, clientOrderID, orig: origClientOrderID) else { return }
        refuseRequest(r, clientOrderID, orig: origClientOrderID, reason: .other, text: text, isReplace: true)
    }

    /// The order a replace request names, its ClOrdID taken for it; nil when the request was answered already
    /// (an unknown order, a duplicate ClOrdID).
    private func replaceTarget(_ source: OrderSource, _ clientOrderID: ClientOrderID, orig: ClientOrderID) -> Record? {
        guard let id = byClientOrderID[Self.key(source, orig)], let r = record(id) else {
            takeRequestID(source, clientOrderID, for: OrderID(""))
            sink.deliver(unknown(source, clientOrderID, orig: orig,
                                 .cancelRejected(reason: .unknownOrder, text: "Unknown order \(orig)", isReplace: true)))
            return nil
        }
        guard takeRequestID(source, clientOrderID, for: id) else {
            refuseRequest(r, clientOrderID, orig: orig, reason: .duplicateClOrdID, text: "Duplicate ClOrdID \(clientOrderID)",
                          isReplace: true)
            return nil
        }
        return r
    }

    public func status(source: OrderSource, clientOrderID: ClientOrderID, reference: Int? = nil) {
        guard let id = byClientOrderID[Self.key(source, clientOrderID)], let r = record(id) else {
            sink.deliver(unknown(source, clientOrderID, orig: nil,
                                 .unknownOrder(text: "Unknown order \(clientOrderID)", reference: reference)))
            return
        }
        deliver(r, .status)
    }

    /// The orders in memory (the open ones, and the closed ones not yet archived), by sequence.
    public func orders() -> [OrderSnapshot] {
        records.values.sorted { $0.sequence < $1.sequence }.map(snapshot)
    }

    /// One order by Vega's id, or by `(source, ClOrdID)`.
    public func order(_ id: OrderID) -> OrderSnapshot? { record(id).map(snapshot) }
    public func order(source: OrderSource, clientOrderID: ClientOrderID) -> OrderSnapshot? {
        byClientOrderID[Self.key(source, clientOrderID)].flatMap { record($0) }.map(snapshot)
    }

    /// The number the next order will get (its id is `O-<number>`): orders so far are numbered below it.
    public var nextOrderSequence: Int { nextOrder }

    /// How many orders are held in memory.
    public var ordersInMemory: Int { records.count }

    func snapshot(_ r: Record) -> OrderSnapshot {
        var o = OrderSnapshot(id: r.id, sequence: r.sequence, source: r.source, clientOrderID: r.clientOrderID,
                              pendingClientOrderID: r.pendingClientOrderID, requestBox: r.requestBox,
                              lifecycle: r.lifecycle)
        o.instrumentBox = r.instrumentBox
        o.product = r.product
        o.broker = r.broker
        o.brokerOrderID = r.brokerOrderID
        o.rawStatus = r.rawStatus
        o.held = r.held
        o.rejectCode = r.rejectCode
        o.rejectText = r.rejectText
        o.protectionPrice = r.protectionPrice
        return o
    }

    /// A cancel's or replace's own ClOrdID, unique within the day like an order's: taken for the order it names
    /// (a status request by it then answers for that order, as after a restart, whose start reads every
    /// ClOrdID a report carried), or refused when already used by an order or an earlier request — which would
    /// otherwise take that ClOrdID over once the request took effect.
    /// - Returns: false when the ClOrdID was used before.
    @discardableResult
    func takeRequestID(_ source: OrderSource, _ clientOrderID: ClientOrderID, for id: OrderID) -> Bool {
        let key = Self.key(source, clientOrderID)
        guard byClientOrderID[key] == nil else { return false }
        byClientOrderID[key] = id
        return true
    }

    /// An OrderCancelReject for the cancel or replace `clientOrderID` of order `r`; the order is left as it is
    /// (a request it has pending stays pending, under its own ClOrdID, in the report's snapshot too: that is
    /// what the journal stores and a restart reads back).
    func refuseRequest(_ r: Record, _ clientOrderID: ClientOrderID, orig: ClientOrderID, reason: CancelRejectReason,
                       text: String, isReplace: Bool) {
        deliver(r, .cancelRejected(reason: reason, text: text, isReplace: isReplace), orig: orig, request: clientOrderID)
    }

    /// A cancel or replace took effect: the order answers to the request's ClOrdID from now on — in the report
    /// of it too, whose snapshot is what the journal stores and a restart reads back. Returns the ClOrdID the
    /// order had (the report's OrigClOrdID).
    func promotePending(_ r: inout Record) -> ClientOrderID {
        let previous = r.clientOrderID
        guard let next = r.pendingClientOrderID else { return previous }
        r.clientOrderID = next
        r.pendingClientOrderID = nil
        byClientOrderID[Self.key(r.source, next)] = r.id
        return previous
    }

    // MARK: Reports

    func terms(_ r: OrderRequest) -> OrderTerms {
        OrderTerms(quantity: r.quantity, limitPrice: r.limitPrice, triggerPrice: r.triggerPrice)
    }

    /// - Parameter request: the ClOrdID the report answers when it is not the order's own or pending one (a
    ///   refused cancel or replace).
    func deliver(_ r: Record, _ kind: OrderReport.Kind, orig: ClientOrderID? = nil, request: ClientOrderID? = nil) {
        var r = r
        switch kind {
        case .rejected(let why): (r.rejectCode, r.rejectText) = (why.code, why.description)
        case .brokerRejected(let text, let code): (r.rejectCode, r.rejectText) = (code ?? "BROKER_REJECT", text)
        default: break
        }
        if r.rejectCode != nil, records[r.id] != nil {
            records[r.id]?.rejectCode = r.rejectCode
            records[r.id]?.rejectText = r.rejectText
        }
        sink.deliver(report(r, kind, orig: orig, request: request))
        switch kind {
        case .status, .cancelRejected: break
        default: if archive != nil, r.lifecycle.status.isTerminal { noteClosed(r.id) }
        }
    }

    /// An order closed: once more than `closedInMemory` closed orders are held, the longest closed leaves memory.
    func noteClosed(_ id: OrderID) {
        closedOrders.append(id)
        while closedOrders.count - closedHead > closedInMemory {
            let old = closedOrders[closedHead]
            closedHead += 1
            if let r = records[old], r.lifecycle.status.isTerminal { records[old] = nil }
        }
        if closedHead > 4096, closedHead * 2 > closedOrders.count {
            closedOrders.removeFirst(closedHead)
            closedHead = 0
        }
    }

    /// An order in memory, or a closed one read back from the archive (for an answer; not kept).
    func record(_ id: OrderID) -> Record? {
        if let r = records[id] { return r }
        guard let archive, !id.rawValue.isEmpty, let o = archive(id), o.status.isTerminal else { return nil }
        return Record(o)
    }

    private func report(_ r: Record, _ kind: OrderReport.Kind, orig: ClientOrderID?, request: ClientOrderID?) -> OrderReport {
        let sequence = nextExec
        let exec = "E-\(sequence)"
        nextExec += 1
        let clOrd: ClientOrderID
        if let request {
            clOrd = request
        } else {
            switch kind {
            case .pendingCancel, .pendingReplace, .canceled, .replaced, .cancelRejected: clOrd = r.pendingClientOrderID ?? r.clientOrderID
            default: clOrd = r.clientOrderID
            }
        }
        return OrderReport(destination: r.source, kind: kind, orderID: r.id, clientOrderID: clOrd,
                           origClientOrderID: orig, execID: exec, status: r.lifecycle.status, side: r.request.side,
                           symbol: r.instrument?.tradingSymbol ?? r.request.lookup.symbol ?? "",
                           product: r.product, broker: r.broker,
                           quantity: r.lifecycle.terms.quantity, limitPrice: r.lifecycle.terms.limitPrice,
                           cumulativeQuantity: r.lifecycle.fills.cumulative, leavesQuantity: r.lifecycle.leavesQuantity,
                           averagePrice: r.lifecycle.fills.averagePrice, brokerRawStatus: r.rawStatus,
                           brokerOrderID: r.brokerOrderID, execSequence: sequence, order: snapshot(r),
                           transactTime: now())
    }

    /// The answer to a request `c` naming no order Vega knows (`kind`: a refused cancel or replace, or an
    /// unknown status).
    func unknown(_ s: OrderSource, _ c: ClientOrderID, orig: ClientOrderID?, _ kind: OrderReport.Kind) -> OrderReport {
        let sequence = nextExec
        let exec = "E-\(sequence)"
        nextExec += 1
        return OrderReport(destination: s, kind: kind,
                           orderID: OrderID("NONE"), clientOrderID: c, origClientOrderID: orig, execID: exec,
                           status: .rejected, side: .buy, symbol: "", product: nil, broker: nil,
                           quantity: .zero, limitPrice: nil, cumulativeQuantity: .zero, leavesQuantity: .zero,
                           averagePrice: .zero, brokerRawStatus: nil, brokerOrderID: nil, execSequence: sequence,
                           order: nil, transactTime: now())
    }
}
