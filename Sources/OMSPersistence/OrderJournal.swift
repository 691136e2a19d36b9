import FIXSession
import GRDB
import OMSCore

/// One report to store: the order as it now is, the event, the execution when it is a fill, and the
/// position the fill made. Travels with the outbound FIX message into the same transaction.
public final class OrderJournalEntry: FIXStoreAttachment {
    // A class: it travels as an existential through the store's queue, and a reference moves cheaply.
    public let report: OrderReport
    public let position: PortfolioPosition?

    public init(report: OrderReport, position: PortfolioPosition? = nil) {
        self.report = report
        self.position = position
    }
}

/// Writes journal entries inside the FIX store's group commit. Within one commit an order or a position
/// that changed several times is written once, in its last state; every event and execution is written.
public enum OrderJournal {
    public static let writer: GRDBFIXMessageStore.AttachmentWriter = { attachments, db in
        try write(attachments.map { a in
            guard let e = a as? OrderJournalEntry else {
                preconditionFailure("OrderJournal cannot write \(type(of: a))")
            }
            return e
        }, db)
    }

    static func write(_ entries: [OrderJournalEntry], _ db: Database) throws {
        var orders: [OrderID: (OrderSnapshot, Int64)] = [:]
        var orderSequence: [OrderID] = []
        var created: Set<OrderID> = []
        var positions: [PortfolioKey: (PortfolioPosition, Int64)] = [:]
        let event = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO orderEvent (execSequence, execID, orderID, kind, status, clOrdID, origClOrdID,
                destination, code, text, lastQty, lastPx, cumQty, leavesQty, avgPx, transactTime)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let execution = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO execution (execID, orderID, tradeID, client, broker, instrumentKey, product, side,
                quantity, price, transactTime) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for e in entries {
            let r = e.report
            let (kind, code, text) = describe(r.kind)
            var lastQty: Int64?
            var lastPx: Int64?
            if case .fill(let q, let p, _) = r.kind { (lastQty, lastPx) = (q.value, p.units) }
            var ev = SQLiteRowWriter(event)
            ev.int(r.execSequence)
            ev.text(r.execID)
            ev.text(r.order?.id.rawValue)
            ev.text(kind)
            ev.text(r.status.rawValue)
            ev.text(r.clientOrderID.rawValue)
            ev.text(r.origClientOrderID?.rawValue)
            ev.text(r.destination.description)
            ev.text(code)
            ev.text(text)
            ev.int(lastQty)
            ev.int(lastPx)
            ev.int(r.cumulativeQuantity.value)
            ev.int(r.leavesQuantity.value)
            ev.int(r.averagePrice.units)
            ev.int(r.transactTime)
            try ev.run()
            if case .fill(let q, let p, let tradeID) = r.kind, let o = r.order, let i = o.instrument, let product = o.product {
                var x = SQLiteRowWriter(execution)
                x.text(r.execID)
                x.text(o.id.rawValue)
                x.text(tradeID)
                x.text(o.client.rawValue)
                x.text((o.broker ?? .paper).rawValue)
                x.text(i.key.rawValue)
                x.text(product.rawValue)
                x.text(o.request.side.rawValue)
                x.int(q.value)
                x.int(p.units)
                x.int(r.transactTime)
                try x.run()
            }
            if let o = r.order {
                if orders[o.id] == nil {
                    orderSequence.append(o.id)
                    switch r.kind {
                    case .pendingNew, .rejected: created.insert(o.id)
                    default: break
                    }
                }
                orders[o.id] = (o, r.transactTime)
            }
            if let p = e.position { positions[p.key] = (p, r.transactTime) }
        }
        // An order already stored changes only in its state columns: an UPDATE of those, and the whole row
        // (insert or update) only for an order first seen in this commit or not found.
        let order = try db.cachedStatement(sql: upsertOrder)
        let update = try db.cachedStatement(sql: updateOrder)
        for id in orderSequence {
            guard let (o, at) = orders[id] else { continue }
            if !created.contains(id) {
                var u = SQLiteRowWriter(update)
                bindState(o, at: at, to: &u)
                u.text(o.id.rawValue)
                if try u.run() > 0 { continue }
            }
            var w = SQLiteRowWriter(order)
            bind(o, at: at, to: &w)
            try w.run()
        }
        let position = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO position (client, broker, instrumentKey, product, symbol, tradingDay, carriedQuantity,
                dayBuyQuantity, dayBuyValue, daySellQuantity, daySellValue, netQuantity, openCost, realised, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (p, at) in positions.values {
            var w = SQLiteRowWriter(position)
            w.text(p.key.client.rawValue)
            w.text(p.key.broker.rawValue)
            w.text(p.key.instrumentKey.rawValue)
            w.text(p.key.product.rawValue)
            w.text(p.symbol)
            w.int(p.tradingDay)
            w.int(p.carriedQuantity)
            w.int(p.dayBuyQuantity)
            w.int(p.dayBuyValueUnits)
            w.int(p.daySellQuantity)
            w.int(p.daySellValueUnits)
            w.int(p.netQuantity)
            w.int(p.openCostUnits)
            w.int(p.realisedUnits)
            w.int(at)
            try w.run()
        }
    }

    /// The event's kind, and for rejections its code and text.
    static func describe(_ k: OrderReport.Kind) -> (String, String?, String?) {
        switch k {
        case .pendingNew: return ("pendingNew", nil, nil)
        case .new: return ("new", nil, nil)
        case .pendingCancel: return ("pendingCancel", nil, nil)
        case .pendingReplace: return ("pendingReplace", nil, nil)
        case .fill(_, _, let tradeID): return ("fill", nil, tradeID)
        case .canceled: return ("canceled", nil, nil)
        case .replaced: return ("replaced", nil, nil)
        case .restated(let text): return ("restated", nil, text)
        case .expired: return ("expired", nil, nil)
        case .rejected(let r): return ("rejected", r.code, r.description)
        case .brokerRejected(let text, let code): return ("brokerRejected", code ?? "BROKER_REJECT", text)
        case .status: return ("status", nil, nil)
        case .unknownOrder(let text, _): return ("unknownOrder", nil, text)
        case .cancelRejected(let reason, let text, let isReplace):
            return (isReplace ? "replaceRejected" : "cancelRejected", "\(reason.rawValue)", text)
        }
    }

    static let upsertOrder = """
        INSERT INTO clientOrder (id, sequence, source, clOrdID, pendingClOrdID, client, symbol, exchange, securityID,
            securityIDSource, securityType, maturityDate, maturityMonthYear, putOrCall, strikePrice, side, orderType,
            timeInForce, requestQuantity, requestLimitPrice, requestTriggerPrice, requestProduct, requestBroker,
            afterMarket, marketProtectionPct, algoID, slice, instrumentKey, tradingSymbol, product, broker, state, status,
            quantity, limitPrice, triggerPrice, newQuantity, newLimitPrice, newTriggerPrice, cumQty, notional, avgPx,
            brokerOrderID, rawStatus, held, rejectCode, rejectText, protectionPrice, createdAt, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET clOrdID = excluded.clOrdID, pendingClOrdID = excluded.pendingClOrdID,
            instrumentKey = excluded.instrumentKey, tradingSymbol = excluded.tradingSymbol, product = excluded.product,
            broker = excluded.broker, state = excluded.state, status = excluded.status, quantity = excluded.quantity,
            limitPrice = excluded.limitPrice, triggerPrice = excluded.triggerPrice, newQuantity = excluded.newQuantity,
            newLimitPrice = excluded.newLimitPrice, newTriggerPrice = excluded.newTriggerPrice, cumQty = excluded.cumQty,
            notional = excluded.notional, avgPx = excluded.avgPx, brokerOrderID = excluded.brokerOrderID,
            rawStatus = excluded.rawStatus, held = excluded.held,
            rejectCode = excluded.rejectCode, rejectText = excluded.rejectText,
            protectionPrice = excluded.protectionPrice, updatedAt = excluded.updatedAt
        """

    static let updateOrder = """
        UPDATE clientOrder SET clOrdID = ?, pendingClOrdID = ?, instrumentKey = ?, tradingSymbol = ?, product = ?,
            broker = ?, state = ?, status = ?, quantity = ?, limitPrice = ?, triggerPrice = ?, newQuantity = ?,
            newLimitPrice = ?, newTriggerPrice = ?, cumQty = ?, notional = ?, avgPx = ?, brokerOrderID = ?, rawStatus = ?,
            held = ?, rejectCode = ?, rejectText = ?, protectionPrice = ?, updatedAt = ?
        WHERE id = ?
        """

    /// The columns `updateOrder` sets, in its order.
    static func bindState(_ o: OrderSnapshot, at: Int64, to w: inout SQLiteRowWriter) {
        w.text(o.clientOrderID.rawValue)
        w.text(o.pendingClientOrderID?.rawValue)
        bindStateColumns(o, to: &w)
        w.int(at)
    }

    /// `instrumentKey` … `protectionPrice`: what changes over an order's life, in both statements' order (the
    /// protection price too: an after-market order released at the open is priced again).
    static func bindStateColumns(_ o: OrderSnapshot, to w: inout SQLiteRowWriter) {
        let t = o.lifecycle.terms
        let f = o.lifecycle.fills
        let n = o.lifecycle.pendingTerms
        w.text(o.instrument?.key.rawValue)
        w.text(o.instrument?.tradingSymbol)
        w.text(o.product?.rawValue)
        w.text(o.broker?.rawValue)
        w.text(o.lifecycle.state.rawValue)
        w.text(o.status.rawValue)
        w.int(t.quantity.value)
        w.int(t.limitPrice?.units)
        w.int(t.triggerPrice?.units)
        w.int(n?.quantity.value)
        w.int(n?.limitPrice?.units)
        w.int(n?.triggerPrice?.units)
        w.int(f.cumulative.value)
        w.int(f.notionalUnits)
        w.int(f.averagePrice.units)
        w.text(o.brokerOrderID)
        w.text(o.rawStatus)
        w.bool(o.held)
        w.text(o.rejectCode)
        w.text(o.rejectText)
        w.int(o.protectionPrice?.units)
    }

    static func bind(_ o: OrderSnapshot, at: Int64, to w: inout SQLiteRowWriter) {
        let q = o.request
        let l = q.lookup
        w.text(o.id.rawValue)
        w.int(o.sequence)
        w.text(o.source.description)
        w.text(o.clientOrderID.rawValue)
        w.text(o.pendingClientOrderID?.rawValue)
        w.text(o.client.rawValue)
        w.text(l.symbol)
        w.text(l.exchange)
        w.text(l.securityID)
        w.text(l.securityIDSource)
        w.text(l.securityType)
        w.text(l.maturityDate)
        w.text(l.maturityMonthYear)
        w.text(l.putOrCall?.rawValue)
        w.int(l.strikePrice?.units)
        w.text(q.side.rawValue)
        w.text(q.orderType.rawValue)
        w.text(q.timeInForce.rawValue)
        w.int(q.quantity.value)
        w.int(q.limitPrice?.units)
        w.int(q.triggerPrice?.units)
        w.text(q.product?.rawValue)
        w.text(q.broker?.rawValue)
        w.bool(q.afterMarket)
        w.int(q.marketProtectionPct)
        w.text(q.algoID)
        w.bool(q.slice)
        bindStateColumns(o, to: &w)
        w.int(at)
        w.int(at)
    }
}
