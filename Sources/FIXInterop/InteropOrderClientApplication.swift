import FIXProtocol
import FIXSession
import Foundation

/// One order the client sent, to check the ExecutionReport against.
struct InteropOrder: Sendable {
    var clOrdID: String
    var symbol: String
    var side: String
    var quantity: Int
    var price: String

    /// The NewOrderSingle (35=D) for this limit order, body fields in ascending tag order.
    func newOrderSingle(transactTime: FIXTimestamp) -> FIXOutboundMessage {
        var m = FIXOutboundMessage(msgType: "D")
        m.append(FIXTag.clOrdID, clOrdID)
        m.append(21, "1")  // HandlInst: automated, no broker intervention
        m.append(FIXTag.orderQty, quantity)
        m.append(FIXTag.ordType, "2")  // limit
        m.append(FIXTag.price, price)
        m.append(FIXTag.side, side)
        m.append(FIXTag.symbol, symbol)
        m.append(FIXTag.timeInForce, "0")  // day
        m.append(FIXTag.transactTime, transactTime)
        return m
    }
}

/// The order-sending side: collects ExecutionReports (35=8) and checks each fill against its order.
final class InteropOrderClientApplication: FIXApplication, @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private var orders: [String: InteropOrder] = [:]
    private var filled: Set<String> = []
    private var problems: [String] = []
    private var reports = 0

    init() {}

    /// Registers an order before it is sent.
    func expect(_ order: InteropOrder) {
        lock.withLock { orders[order.clOrdID] = order }
    }

    /// Orders filled so far, ExecutionReports received, and what did not match.
    var status: (filled: Int, reports: Int, problems: [String]) {
        lock.withLock { (filled.count, reports, problems) }
    }

    /// ClOrdIDs registered but not filled yet.
    var unfilled: [String] {
        lock.withLock { orders.keys.filter { !filled.contains($0) }.sorted() }
    }

    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        switch message.msgType {
        case "8":
            record(message)
            return .accepted
        case "j":
            let text = message.string(FIXTag.text) ?? ""
            lock.withLock { problems.append("BusinessMessageReject for MsgSeqNum \(message.string(FIXTag.refSeqNum) ?? "?"): \(text)") }
            return .accepted
        default:
            return .unsupportedMessageType
        }
    }

    private func record(_ m: FIXMessage) {
        let clOrdID = m.string(FIXTag.clOrdID) ?? ""
        let ordStatus = m.string(FIXTag.ordStatus) ?? ""
        lock.withLock {
            reports += 1
            guard let order = orders[clOrdID] else {
                problems.append("ExecutionReport for unknown ClOrdID '\(clOrdID)': \(m.description)")
                return
            }
            guard ordStatus == "2" else {
                // Not a fill (e.g. a reject, 39=8): report it, the order stays unfilled.
                problems.append("ExecutionReport for \(clOrdID) with OrdStatus=\(ordStatus): \(m.string(FIXTag.text) ?? m.description)")
                return
            }
            var bad: [String] = []
            func num(_ tag: Int) -> Double? { m.string(tag).flatMap(Double.init) }
            if m.string(FIXTag.execType) != "F" { bad.append("ExecType=\(m.string(FIXTag.execType) ?? "-") (want F)") }
            if m.string(FIXTag.symbol) != order.symbol { bad.append("Symbol=\(m.string(FIXTag.symbol) ?? "-")") }
            if m.string(FIXTag.side) != order.side { bad.append("Side=\(m.string(FIXTag.side) ?? "-")") }
            let qty = Double(order.quantity)
            let px = Double(order.price)
            if num(FIXTag.orderQty) != qty { bad.append("OrderQty=\(m.string(FIXTag.orderQty) ?? "-")") }
            if num(FIXTag.cumQty) != qty { bad.append("CumQty=\(m.string(FIXTag.cumQty) ?? "-")") }
            if num(FIXTag.lastQty) != qty { bad.append("LastQty=\(m.string(FIXTag.lastQty) ?? "-")") }
            if num(FIXTag.leavesQty) != 0 { bad.append("LeavesQty=\(m.string(FIXTag.leavesQty) ?? "-")") }
            if num(FIXTag.lastPx) != px { bad.append("LastPx=\(m.string(FIXTag.lastPx) ?? "-")") }
            if num(FIXTag.avgPx) != px { bad.append("AvgPx=\(m.string(FIXTag.avgPx) ?? "-")") }
            if (m.string(FIXTag.orderID) ?? "").isEmpty { bad.append("no OrderID") }
            if (m.string(FIXTag.execID) ?? "").isEmpty { bad.append("no ExecID") }
            if bad.isEmpty {
                filled.insert(clOrdID)
            } else {
                problems.append("ExecutionReport for \(clOrdID) does not match the order: \(bad.joined(separator: ", "))")
            }
        }
    }
}
