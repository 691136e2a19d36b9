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
                if orders[o.id] == nil { orderSequence.append(o.id) }
                orders[o.id] = (o, r.transactTime)
            }
            if let p = e.position { positions[p.key] = (p, r.transactTime) }
        }
        let order = try db.cachedStatement(sql: upsertOrder)
        for id in orderSequence {
            guard let (o, at) = orders[id] else { continue }
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
            for t in [p.key.client.rawValue, p.key.broker.rawValue, p.key.instrumentKey.rawValue, p.key.product.rawValue,
                      p.symbol] { w.text(t) }
            w.int(p.tradingDay)
            for v in [p.carriedQuantity, p.dayBuyQuantity, p.dayBuyValueUnits, p.daySellQuantity, p.daySellValueUnits,
                      p.netQuantity, p.openCostUnits, p.realisedUnits, at] { w.int(v) }
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
        case .expired: return ("expired", nil, nil)
        case .rejected(let r): return ("rejected", r.code, r.description)
        case .brokerRejected(let text, let code): return ("brokerRejected", code ?? "BROKER_REJECT", text)
        case .status: return ("status", nil, nil)
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
            brokerOrderID, rawStatus, held, rejectCode, rejectText, createdAt, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET clOrdID = excluded.clOrdID, pendingClOrdID = excluded.pendingClOrdID,
            instrumentKey = excluded.instrumentKey, tradingSymbol = excluded.tradingSymbol, product = excluded.product,
            broker = excluded.broker, state = excluded.state, status = excluded.status, quantity = excluded.quantity,
            limitPrice = excluded.limitPrice, triggerPrice = excluded.triggerPrice, newQuantity = excluded.newQuantity,
            newLimitPrice = excluded.newLimitPrice, newTriggerPrice = excluded.newTriggerPrice, cumQty = excluded.cumQty,
            notional = excluded.notional, avgPx = excluded.avgPx, brokerOrderID = excluded.brokerOrderID,
            rawStatus = excluded.rawStatus, held = excluded.held,
            rejectCode = excluded.rejectCode, rejectText = excluded.rejectText, updatedAt = excluded.updatedAt
        """

    static func bind(_ o: OrderSnapshot, at: Int64, to w: inout SQLiteRowWriter) {
        let q = o.request
        let l = q.lookup
        let t = o.lifecycle.terms
        let f = o.lifecycle.fills
        let n = o.lifecycle.pendingTerms
        w.text(o.id.rawValue)
        w.int(o.sequence)
        for s in [o.source.description, o.clientOrderID.rawValue, o.pendingClientOrderID?.rawValue, o.client.rawValue,
                  l.symbol, l.exchange, l.securityID, l.securityIDSource, l.securityType, l.maturityDate,
                  l.maturityMonthYear, l.putOrCall?.rawValue] { w.text(s) }
        w.int(l.strikePrice?.units)
        for s in [q.side.rawValue, q.orderType.rawValue, q.timeInForce.rawValue] { w.text(s) }
        w.int(q.quantity.value)
        w.int(q.limitPrice?.units)
        w.int(q.triggerPrice?.units)
        w.text(q.product?.rawValue)
        w.text(q.broker?.rawValue)
        w.bool(q.afterMarket)
        w.int(q.marketProtectionPct)
        w.text(q.algoID)
        w.bool(q.slice)
        for s in [o.instrument?.key.rawValue, o.instrument?.tradingSymbol, o.product?.rawValue, o.broker?.rawValue,
                  o.lifecycle.state.rawValue, o.status.rawValue] { w.text(s) }
        for v in [t.quantity.value, t.limitPrice?.units, t.triggerPrice?.units, n?.quantity.value, n?.limitPrice?.units,
                  n?.triggerPrice?.units, f.cumulative.value, f.notionalUnits, f.averagePrice.units] { w.int(v) }
        w.text(o.brokerOrderID)
        w.text(o.rawStatus)
        w.bool(o.held)
        w.text(o.rejectCode)
        w.text(o.rejectText)
        w.int(at)
        w.int(at)
    }
}
