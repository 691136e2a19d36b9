import FIXProtocol
import OMSCore

extension OrderReport {
    /// The FIX message for this report: an ExecutionReport (35=8), an OrderCancelReject (35=9), or for a status
    /// request naming no order a BusinessMessageReject (35=j, 380=1 Unknown ID, 379 = the ClOrdID, 45 = the
    /// request's MsgSeqNum, as fix-mapping.md §8 asks).
    public var fixMessage: FIXOutboundMessage {
        if case .unknownOrder(let text, let reference) = kind {
            var m = FIXOutboundMessage(msgType: FIXMsgType.businessMessageReject)
            if let reference { m.append(FIXTag.refSeqNum, reference) }
            m.append(FIXTag.text, text)
            m.append(FIXTag.refMsgType, "H")
            m.append(FIXTag.businessRejectRefID, clientOrderID.rawValue)
            m.append(FIXTag.businessRejectReason, 1)
            return m
        }
        if case .cancelRejected(let reason, let text, let isReplace) = kind {
            var m = FIXOrderCancelReject(orderID: orderID.rawValue, clOrdID: clientOrderID.rawValue,
                                         origClOrdID: origClientOrderID?.rawValue ?? clientOrderID.rawValue,
                                         ordStatus: Character(status.rawValue), cxlRejResponseTo: isReplace ? "2" : "1",
                                         cxlRejReason: reason.rawValue, text: text)
            if let raw = brokerRawStatus { m.custom[5007] = raw }
            return m.message
        }
        let execType: Character
        switch kind {
        case .pendingNew: execType = "A"
        case .new: execType = "0"
        case .fill: execType = "F"
        case .pendingCancel: execType = "6"
        case .canceled: execType = "4"
        case .pendingReplace: execType = "E"
        case .replaced: execType = "5"
        case .restated: execType = "D"
        case .rejected, .brokerRejected: execType = "8"
        case .status: execType = "I"
        case .expired: execType = "C"
        case .cancelRejected, .unknownOrder: execType = "8"
        }
        var er = FIXExecutionReport(orderID: orderID.rawValue, clOrdID: clientOrderID.rawValue, execID: execID,
                                    execType: execType, ordStatus: Character(status.rawValue),
                                    side: side == .buy ? "1" : "2", leavesQty: leavesQuantity.description,
                                    cumQty: cumulativeQuantity.description, avgPx: averagePrice.rupeesString)
        er.origClOrdID = origClientOrderID?.rawValue
        er.secondaryOrderID = brokerOrderID
        er.symbol = symbol.isEmpty ? nil : symbol
        er.orderQty = quantity.description
        er.price = limitPrice?.rupeesString
        // Echoed from the order (fix-mapping.md §5): its type, trigger price and validity; without an order
        // (a request that could not be mapped) the type the limit price implies.
        if let o = order {
            switch o.request.orderType {
            case .market: er.ordType = "1"
            case .limit: er.ordType = "2"
            case .stop: er.ordType = "3"
            case .stopLimit: er.ordType = "4"
            }
            er.stopPx = o.lifecycle.terms.triggerPrice?.rupeesString
            er.timeInForce = o.request.timeInForce == .ioc ? "3" : "0"
            er.account = o.client.rawValue.isEmpty ? nil : o.client.rawValue
        } else {
            er.ordType = limitPrice == nil ? "1" : "2"
        }
        er.transactTime = FIXTimestamp(nanoseconds: transactTime &* 1_000_000)
        if case .fill(let q, let p, _) = kind {
            er.lastQty = q.description
            er.lastPx = p.rupeesString
        }
        switch kind {
        case .rejected(let r):
            er.ordRejReason = r.ordRejReason
            er.text = r.description
            er.custom[5006] = r.code
        case .brokerRejected(let text, let code):
            er.ordRejReason = 0
            er.text = text
            er.custom[5006] = "BROKER_REJECT"
            if let c = code { er.custom[5009] = c }
        case .restated(let text):
            er.text = text
            er.custom[378] = "99"   // ExecRestatementReason: Other (changed at the broker, not through Vega)
        default:
            break
        }
        if let p = product { er.custom[5001] = p.rawValue }
        if let b = broker { er.custom[5002] = b.rawValue }
        if let raw = brokerRawStatus { er.custom[5007] = raw }
        if let i = instrument {
            er.custom[5010] = i.key.rawValue
            er.custom[5011] = i.segment.rawValue
        }
        return er.message
    }

    /// Drop copies get every ExecutionReport and the OrderCancelRejects of known orders: without the refusal
    /// of a cancel or replace, a drop copy that saw PendingCancel (150=6) or PendingReplace (150=E) would show
    /// the order so until its next report.
    public var isCopiedToDropCopies: Bool {
        switch kind {
        case .cancelRejected: return order != nil
        case .unknownOrder: return false
        default: return true
        }
    }
}
