extension OrderEngine {
    /// Takes back what was stored before a restart: orders (open ones become live again), the ClOrdIDs they
    /// used (a ClOrdID is unique within a trading day), and the next order and execution numbers. Call before
    /// `run()` and before any order.
    public func restore(_ state: OrderBookState) {
        nextOrder = max(nextOrder, state.nextOrderSequence)
        nextExec = max(nextExec, state.nextExecSequence)
        for (source, clOrdID, order) in state.usedClientOrderIDs {
            byClientOrderID[Self.key(source, clOrdID)] = byClientOrderID[Self.key(source, clOrdID)] ?? order ?? OrderID("")
        }
        for o in state.orders {
            var r = Record(o)
            if !o.held && o.request.afterMarket, let i = o.instrument, let created = o.createdAt {
                r.openedAt = amoOpenedAt(i, o, created: created)
            }
            noteOpened(&r)
            records[o.id] = r
            // Closed ones beyond `closedInMemory` leave memory again at once (read back when asked for).
            if archive != nil, o.status.isTerminal { noteClosed(o.id) }
            // A ClOrdID stays with the order that used it first: an order refused as its duplicate (later in
            // `orders`, which are in sequence order) does not take it over.
            if o.rejectCode != OrderRejection.duplicateCode {
                let key = Self.key(o.source, o.clientOrderID)
                if byClientOrderID[key] == nil { byClientOrderID[key] = o.id }
            }
            if let p = o.pendingClientOrderID { byClientOrderID[Self.key(o.source, p)] = o.id }
            if o.held, case .pendingNew = o.lifecycle {
                // Decided again by the pipeline at the next release tick (held again if still closed).
                held.append((o.id, o.request, 0))
                restoredHeld.insert(o.id)
            }
        }
    }

    /// After `restore`: asks each open order's broker (and that broker's backup, which may have taken it in
    /// a failover the record did not yet show) what it knows of the order, by Vega's tag. An order a broker
    /// has is brought up to date (fills it made while Vega was down, or its end); one no broker saw (it was
    /// stored but not yet sent, or the broker is the embedded paper market, whose book lives in this
    /// process) is placed for its open quantity, under the same tag.
    ///
    /// An order of an earlier trading day (a DAY order past its day end, or an IOC order opened on an earlier day)
    /// is looked up too — its broker may have filled it before the end, while Vega was down — but never placed
    /// again: not found, it expires. DAY orders past their end expire after the look-ups (`expireDayOrders`).
    /// Returns once the orders that expire are ended, an in-process broker told to drop them too.
    public func resumeAtBrokers() async {
        let t = now()
        var stale: [OrderID] = []
        let open = records.values.filter { !$0.held && $0.broker != nil && !$0.lifecycle.status.isTerminal }
            .sorted { $0.sequence < $1.sequence }
        awaitingLookUp = Set(open.map(\.id))
        for r in open {
            defer { awaitingLookUp.remove(r.id) }
            guard let brokerID = r.broker, brokers[brokerID] != nil, r.instrument != nil, r.product != nil else {
                continue
            }
            let tag = r.id.rawValue
            let found: (BrokerID, BrokerOrderState)?
            do throws(BrokerError) { found = try await find(r.id, at: candidates(brokerID)) } catch {
                unknownOutcome.insert(r.id)
                continue
            }
            guard let current = records[r.id] else { continue }
            if let (holder, state) = found {
                takeUp(r.id, at: holder, state)
                continue
            }
            if current.dayEndsAt > 0 && current.dayEndsAt <= t { continue }   // expired below
            if current.openedAt > 0, ISTDateTime.day(epochMilliseconds: current.openedAt) < ISTDateTime.day(epochMilliseconds: t) {
                stale.append(r.id)
                continue
            }
            switch current.lifecycle {
            case .pendingCancel:
                handle(.canceled(tag: tag, rawStatus: "not at broker after restart"))
            case .pendingNew, .working, .pendingReplace:
                let open = current.lifecycle.leavesQuantity
                guard open.value > 0 else { continue }
                await attemptPlacement(r.id, brokerOrder(current, quantity: open), at: brokerID)
            case .closed:
                continue
            }
        }
        awaitingLookUp = []
        var drop = expireDueDayOrders()
        for id in stale {
            if let d = expire(id, rawStatus: "expired (not at its broker after a restart on a later day)",
                              refusing: "Order of an earlier trading day, not at its broker") { drop.append(d) }
        }
        // Awaited, so that the paper market, resuming after this, does not trade an order already reported expired.
        for (broker, tag) in drop { try? await broker.cancel(tag: tag) }
    }

    /// Applies what the broker did while Vega was not listening: missing fills (one event for the
    /// difference, at the price that makes the averages agree) and the order's end.
    private func catchUp(_ stored: Record, with state: BrokerOrderState) {
        let tag = stored.id.rawValue
        // An order the broker rejected before it traded goes from PendingNew to Rejected, not through New.
        let rejectedUntraded = state.end == .rejected && state.filledQuantity.value == 0
        if case .pendingNew = stored.lifecycle, !rejectedUntraded {
            handle(.acknowledged(tag: tag, brokerOrderID: state.brokerOrderID, exchangeOrderID: nil, rawStatus: state.rawStatus))
        }
        // A replace pending when Vega stopped: settled first, so that the fills below count against the terms
        // that stand.
        settleReplace(stored, with: state, why: "after a restart")
        guard let r = records[stored.id] else { return }
        let ours = r.lifecycle.fills
        let missing = state.filledQuantity.value - ours.cumulative.value
        if missing > 0 {
            let theirNotional = state.averagePrice.units * state.filledQuantity.value
            let price = Price(units: (theirNotional - ours.notionalUnits) / missing)
            handle(.fill(tag: tag, tradeID: "RESUME-\(tag)-\(state.filledQuantity.value)", quantity: Quantity(missing),
                         price: price, rawStatus: state.rawStatus))
        }
        if !state.isOpen, let now = records[r.id], !now.lifecycle.status.isTerminal {
            // Ended as the broker says (it was always reported cancelled).
            switch state.end {
            case .rejected?:
                handle(.rejected(tag: tag, text: "Rejected at the broker while Vega was down (\(state.rawStatus))",
                                 errorCode: nil, rawStatus: state.rawStatus))
            case .expired?: handle(.expired(tag: tag, rawStatus: state.rawStatus))
            default: handle(.canceled(tag: tag, rawStatus: state.rawStatus))
            }
        }
    }

    /// A pending replace settled by the order's terms at the broker: the new quantity (or, when the replace
    /// kept the quantity, the new limit price), replaced; the old one, refused. A broker that does not say,
    /// or terms that match neither, leave it pending, for the broker's own answer.
    func settleReplace(_ r: Record, with state: BrokerOrderState, why: String) {
        guard case .pendingReplace(let pr) = r.lifecycle else { return }
        let old = pr.working.terms
        let new = pr.newTerms
        let applied: Bool
        if new.quantity != old.quantity, let q = state.quantity, q == new.quantity || q == old.quantity {
            applied = q == new.quantity
        } else if new.quantity == old.quantity, new.limitPrice != old.limitPrice, let p = state.limitPrice,
                  p == new.limitPrice || p == old.limitPrice {
            applied = p == new.limitPrice
        } else {
            return
        }
        let tag = r.id.rawValue
        if applied {
            handle(.replaced(tag: tag, quantity: new.quantity, limitPrice: new.limitPrice, rawStatus: state.rawStatus))
        } else {
            handle(.replaceRejected(tag: tag, text: "The broker has the order at its old terms (\(why))", rawStatus: state.rawStatus))
        }
    }

    /// A modify whose outcome is unknown (timeout, connection lost after sending): the order is looked up by
    /// tag and the replace settled by what the broker has; still unknown, it stays pending.
    func settleUnknownReplace(_ id: OrderID, _ clientOrderID: ClientOrderID, at broker: any BrokerAdapter) async {
        let state: BrokerOrderState?
        do throws(BrokerError) { state = try await broker.orderState(tag: id.rawValue) } catch { return }
        guard let state, isPendingReplace(id, clientOrderID), let r = records[id] else { return }
        settleReplace(r, with: state, why: "looked up after the modify's answer was lost")
    }

    /// An order's broker, then its backup: where an order may be after a failover.
    func candidates(_ brokerID: BrokerID) -> [BrokerID] {
        [brokerID] + (failover[brokerID].map { [$0] } ?? [])
    }

    /// The first of `candidates` that knows the order by Vega's tag, with what it knows; nil when none
    /// does. Throws when one could not be asked (then the order's fate is unknown). The broker that has it
    /// follows it from then on (`BrokerAdapter.resume`).
    func find(_ id: OrderID, at candidates: [BrokerID]) async throws(BrokerError) -> (BrokerID, BrokerOrderState)? {
        // (An order without an instrument or product never went to a broker; it is only looked up.)
        let order = records[id].flatMap { r in
            r.instrument != nil && r.product != nil ? brokerOrder(r, quantity: r.lifecycle.terms.quantity) : nil
        }
        for b in candidates {
            guard let broker = brokers[b] else { continue }
            let state = if let order { try await broker.resume(order) }
                        else { try await broker.orderState(tag: id.rawValue) }
            if let state { return (b, state) }
        }
        return nil
    }

    /// A held order taken back from storage and now released: placed only if no broker has it already
    /// (it may have been released and placed before the restart, while its record still said held).
    func placeUnlessKnown(_ id: OrderID, _ order: BrokerOrderRequest, at brokerID: BrokerID) async {
        let found: (BrokerID, BrokerOrderState)?
        do throws(BrokerError) { found = try await find(id, at: candidates(brokerID)) } catch {
            unknownOutcome.insert(id)
            return
        }
        guard let (holder, state) = found else {
            await attemptPlacement(id, order, at: brokerID)
            return
        }
        takeUp(id, at: holder, state)
    }

    /// An order found at `holder` (its broker, or the backup a failover took it to): it is now that broker's,
    /// and caught up with what the broker did.
    private func takeUp(_ id: OrderID, at holder: BrokerID, _ state: BrokerOrderState) {
        records[id]?.broker = holder
        if let r = records[id] { catchUp(r, with: state) }
    }

    /// Orders whose placement timed out: asked for by tag at their broker (and its backup). Found: the order
    /// carries on. Still unknown: it stays PendingNew and is asked for again later; it is never sent a
    /// second time.
    func lookUp(_ id: OrderID) async {
        guard unknownOutcome.contains(id), let r = records[id], let brokerID = r.broker else { return }
        let found: (BrokerID, BrokerOrderState)?
        do throws(BrokerError) { found = try await find(id, at: candidates(brokerID)) } catch { return }
        guard let (holder, state) = found, let current = records[id] else { return }
        unknownOutcome.remove(id)
        if current.brokerOrderID == nil { records[id]?.brokerOrderID = state.brokerOrderID }
        takeUp(id, at: holder, state)
    }

    /// Asks again for every order whose fate is unknown (the run loop does this every few seconds).
    public func lookUpUnknownOutcomes() async {
        for id in unknownOutcome.sorted(by: { $0.rawValue < $1.rawValue }) { await lookUp(id) }
    }
}

extension OrderEngine {
    /// When a stored after-market order that is no longer held went to its broker: at once if its session took it
    /// when it was entered, else at the release the session engine gives for that instant (its record keeps only
    /// when it was first stored). Without this a restored released AMO had no day, and was never expired — nor, at
    /// a paper broker that does not expire orders, ever ended.
    func amoOpenedAt(_ instrument: Instrument, _ o: OrderSnapshot, created: Int64) -> Int64 {
        let traits = SessionOrderTraits(orderType: o.request.orderType, timeInForce: o.request.timeInForce,
                                        isAfterMarketOrder: true, product: o.product ?? o.request.product ?? .cnc,
                                        side: o.request.side)
        if case .holdAfterMarket(let release) = pipeline.session.isTradingAllowed(instrument, at: created, order: traits,
                                                                                   flags: pipeline.flags(instrument)) {
            return release
        }
        return created
    }
}

extension OrderEngine.Record {
    /// A stored order as the engine holds it (no risk reservation: restored open orders get theirs again).
    init(_ o: OrderSnapshot) {
        self.init(id: o.id, sequence: o.sequence, held: o.held, source: o.source, clientOrderID: o.clientOrderID,
                  request: o.request, instrument: o.instrument, product: o.product, broker: o.broker,
                  lifecycle: o.lifecycle, pendingClientOrderID: o.pendingClientOrderID, reservation: nil,
                  brokerOrderID: o.brokerOrderID, rawStatus: o.rawStatus, rejectCode: o.rejectCode,
                  rejectText: o.rejectText)
        protectionPrice = o.protectionPrice
        // An after-market order taken one evening and released at the next open was not opened when it was
        // stored: the engine works out its release (`amoOpenedAt`) rather than expire it a day early.
        if !o.held && !o.request.afterMarket { openedAt = o.createdAt ?? 0 }
    }
}
