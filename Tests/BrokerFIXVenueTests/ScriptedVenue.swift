import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers

/// A FIX 4.4 venue for the tests, behind Vega's own acceptor. What it does with an order depends on the prefix
/// of its ClOrdID (Vega's tag):
/// - `FILL…`: New, then fills of 40 % and 60 % of the quantity at the limit price;
/// - `REST…`: New, then rests; cancels and replaces are accepted (`RESTFILL…`: the first status request is
///   answered after a fill of 30 %, reported just before the answer);
/// - `NOCXL…`: New, rests, refuses cancels (35=9 102=2);
/// - `REJ…`: rejected (150=8, 103=3, 58 "Insufficient margin");
/// - `BMR…`: BusinessMessageReject (35=j 380=4 "Application not available");
/// - `SREJ…`: a session Reject (35=3 373=2, tag 5001) of the order, and of any cancel of it (`SREJOK…`: the
///   order is booked and rests; only its cancels get the Reject);
/// - `SWALLOW…`: books the order but sends nothing back (it answers a status request, though);
/// - `LOST…`: drops the order without booking it.
/// A replace above 10 000 is refused (35=9 434=2). A status request (35=H) is answered with 150=I, or with
/// 150=I 39=8 103=5 for an order it does not know.
final class ScriptedVenue: FIXApplication {
    struct Order: Sendable {
        var orderID: String
        var clOrdIDs: [String]
        var side: String
        var symbol: String
        var quantity: Int
        var price: String
        var cum = 0
        var status = "0"
    }

    struct State: Sendable {
        var received: [FIXMessage] = []
        var orders: [Order] = []
        var nextID = 1
    }

    let state = NIOLockedValueBox(State())

    /// Fills `quantity` of the order at its price without telling anyone (as if the report were sent while the
    /// session was down and lost with the ResetOnLogon).
    func fillQuietly(_ clOrdID: String, quantity: Int) {
        state.withLockedValue { s in
            guard let i = s.orders.firstIndex(where: { $0.clOrdIDs.contains(clOrdID) }) else { return }
            s.orders[i].cum += quantity
            s.orders[i].status = s.orders[i].cum >= s.orders[i].quantity ? "2" : "1"
        }
    }

    /// Application messages received, by MsgType.
    func received(_ msgType: String) -> [FIXMessage] {
        state.withLockedValue { $0.received.filter { $0.msgType == msgType } }
    }

    func fromApp(_ m: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        let id = m.msgType == "D" ? m.string(FIXTag.clOrdID) ?? "" : m.string(FIXTag.origClOrdID) ?? ""
        if id.hasPrefix("SREJ") && !(m.msgType == "D" && id.hasPrefix("SREJOK")) {
            state.withLockedValue { $0.received.append(m) }
            return .reject(FIXValidationError(.tagNotDefinedForMessageType, tag: 5001))
        }
        let replies: [FIXOutboundMessage] = state.withLockedValue { s in
            s.received.append(m)
            switch m.msgType {
            case "D": return Self.newOrder(m, &s)
            case "F": return Self.cancel(m, &s)
            case "G": return Self.replace(m, &s)
            case "H": return Self.status(m, &s)
            default: return []
            }
        }
        for r in replies { context.send(r) }
        return .accepted
    }

    private static func id(_ s: inout State, _ prefix: String) -> String {
        defer { s.nextID += 1 }
        return "\(prefix)\(s.nextID)"
    }

    private static func report(_ o: Order, _ s: inout State, clOrdID: String, execType: Character,
                               last: (Int, String)? = nil) -> FIXExecutionReport {
        var r = FIXExecutionReport(orderID: o.orderID, clOrdID: clOrdID, execID: id(&s, "X"), execType: execType,
                                   ordStatus: Character(o.status), side: o.side,
                                   leavesQty: String(["0", "1"].contains(o.status) ? o.quantity - o.cum : 0),
                                   cumQty: String(o.cum), avgPx: o.cum > 0 ? o.price : "0")
        r.symbol = o.symbol
        r.orderQty = String(o.quantity)
        r.price = o.price
        if let (q, p) = last {
            r.lastQty = String(q)
            r.lastPx = p
        }
        return r
    }

    private static func newOrder(_ m: FIXMessage, _ s: inout State) -> [FIXOutboundMessage] {
        let clOrdID = m.string(FIXTag.clOrdID) ?? ""
        if clOrdID.hasPrefix("LOST") { return [] }
        if clOrdID.hasPrefix("BMR") {
            var j = FIXOutboundMessage(msgType: "j")
            j.append(FIXTag.refSeqNum, m.int(FIXTag.msgSeqNum) ?? 0)
            j.append(FIXTag.text, "Application not available")
            j.append(FIXTag.refMsgType, "D")
            j.append(FIXTag.businessRejectRefID, clOrdID)
            j.append(FIXTag.businessRejectReason, 4)
            return [j]
        }
        var o = Order(orderID: id(&s, "V"), clOrdIDs: [clOrdID], side: m.string(FIXTag.side) ?? "1",
                      symbol: m.string(FIXTag.symbol) ?? "", quantity: m.int(FIXTag.orderQty) ?? 0,
                      price: m.string(FIXTag.price) ?? "0")
        var out: [FIXOutboundMessage] = []
        if clOrdID.hasPrefix("REJ") {
            o.status = "8"
            var r = report(o, &s, clOrdID: clOrdID, execType: "8")
            r.ordRejReason = 3
            r.text = "Insufficient margin"
            out.append(r.message)
        } else if !clOrdID.hasPrefix("SWALLOW") {
            out.append(report(o, &s, clOrdID: clOrdID, execType: "0").message)
            if clOrdID.hasPrefix("FILL") {
                let first = o.quantity * 4 / 10
                for part in [first, o.quantity - first] {
                    o.cum += part
                    o.status = o.cum == o.quantity ? "2" : "1"
                    out.append(report(o, &s, clOrdID: clOrdID, execType: "F", last: (part, o.price)).message)
                }
            }
        }
        s.orders.append(o)
        return out
    }

    private static func find(_ clOrdID: String?, _ s: State) -> Int? {
        guard let c = clOrdID else { return nil }
        return s.orders.firstIndex { $0.clOrdIDs.contains(c) }
    }

    private static func cancelReject(_ m: FIXMessage, _ o: Order?, responseTo: Character, reason: Int,
                                     text: String) -> FIXOutboundMessage {
        FIXOrderCancelReject(orderID: o?.orderID ?? "NONE", clOrdID: m.string(FIXTag.clOrdID) ?? "",
                             origClOrdID: m.string(FIXTag.origClOrdID) ?? "", ordStatus: Character(o?.status ?? "8"),
                             cxlRejResponseTo: responseTo, cxlRejReason: reason, text: text).message
    }

    private static func cancel(_ m: FIXMessage, _ s: inout State) -> [FIXOutboundMessage] {
        guard let i = find(m.string(FIXTag.origClOrdID), s) else {
            return [cancelReject(m, nil, responseTo: "1", reason: 1, text: "Unknown order")]
        }
        var o = s.orders[i]
        if ["2", "4", "8"].contains(o.status) {
            return [cancelReject(m, o, responseTo: "1", reason: 0, text: "Too late to cancel")]
        }
        if o.clOrdIDs[0].hasPrefix("NOCXL") {
            return [cancelReject(m, o, responseTo: "1", reason: 2, text: "Exchange refused the cancel")]
        }
        let clOrdID = m.string(FIXTag.clOrdID) ?? ""
        o.clOrdIDs.append(clOrdID)
        o.status = "4"
        s.orders[i] = o
        var r = report(o, &s, clOrdID: clOrdID, execType: "4")
        r.origClOrdID = m.string(FIXTag.origClOrdID)
        return [r.message]
    }

    private static func replace(_ m: FIXMessage, _ s: inout State) -> [FIXOutboundMessage] {
        guard let i = find(m.string(FIXTag.origClOrdID), s) else {
            return [cancelReject(m, nil, responseTo: "2", reason: 1, text: "Unknown order")]
        }
        var o = s.orders[i]
        let quantity = m.int(FIXTag.orderQty) ?? o.quantity
        if ["2", "4", "8"].contains(o.status) || quantity > 10_000 {
            return [cancelReject(m, o, responseTo: "2", reason: quantity > 10_000 ? 99 : 0,
                                 text: quantity > 10_000 ? "Quantity above the venue's limit" : "Too late to replace")]
        }
        let clOrdID = m.string(FIXTag.clOrdID) ?? ""
        o.clOrdIDs.append(clOrdID)
        o.quantity = quantity
        o.price = m.string(FIXTag.price) ?? o.price
        s.orders[i] = o
        var r = report(o, &s, clOrdID: clOrdID, execType: "5")
        r.origClOrdID = m.string(FIXTag.origClOrdID)
        return [r.message]
    }

    private static func status(_ m: FIXMessage, _ s: inout State) -> [FIXOutboundMessage] {
        let clOrdID = m.string(FIXTag.clOrdID) ?? ""
        guard let i = find(clOrdID, s) else {
            var r = FIXExecutionReport(orderID: "NONE", clOrdID: clOrdID, execID: id(&s, "X"), execType: "I",
                                       ordStatus: "8", side: m.string(FIXTag.side) ?? "1", leavesQty: "0", cumQty: "0",
                                       avgPx: "0")
            r.symbol = m.string(FIXTag.symbol)
            r.ordRejReason = 5
            r.text = "Unknown order"
            r.custom[790] = m.string(790)
            return [r.message]
        }
        var out: [FIXOutboundMessage] = []
        if clOrdID.hasPrefix("RESTFILL"), s.orders[i].cum == 0 {
            // A fill the venue reports just before it answers the status request (30 % at the limit price).
            var o = s.orders[i]
            let q = o.quantity * 3 / 10
            o.cum = q
            o.status = "1"
            s.orders[i] = o
            out.append(report(o, &s, clOrdID: clOrdID, execType: "F", last: (q, o.price)).message)
        }
        var r = report(s.orders[i], &s, clOrdID: clOrdID, execType: "I")
        r.custom[790] = m.string(790)
        return out + [r.message]
    }
}
