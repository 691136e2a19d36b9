import FIXProtocol
import FIXSession
import Foundation

/// QuickFIX's `executor` example, behind Vega's session layer: every NewOrderSingle (35=D) is filled at
/// once with one ExecutionReport (35=8, ExecType=F trade, OrdStatus=2 filled, LastQty=CumQty=OrderQty,
/// LeavesQty=0, LastPx=AvgPx=Price, or 1 for an order without a price). Any other application message
/// is answered with BusinessMessageReject "Unsupported Message Type".
final class InteropExecutorApplication: FIXApplication, @unchecked Sendable {
    // @unchecked: the counters are guarded by `lock`.
    private let lock = NSLock()
    private var orderID = 0
    private var execID = 0
    /// Called for each order filled (ClOrdID, Symbol, Side, OrderQty, price), for logs.
    private let onFill: @Sendable (String, String, String, String, String) -> Void

    init(onFill: @escaping @Sendable (String, String, String, String, String) -> Void = { _, _, _, _, _ in }) {
        self.onFill = onFill
    }

    func onLogon(_ session: FIXSession) {}
    func onLogout(_ session: FIXSession) {}

    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        guard message.msgType == "D" else { return .unsupportedMessageType }
        // As QuickFIX's `message.get(field)`: a field the executor needs but cannot find is a session Reject
        // "Required tag missing" with that tag.
        for tag in [FIXTag.clOrdID, FIXTag.side, FIXTag.symbol, FIXTag.orderQty] {
            guard let v = message.value(tag), !v.isEmpty else {
                return .reject(FIXValidationError(.requiredTagMissing, tag: tag))
            }
        }
        let clOrdID = message.value(FIXTag.clOrdID)!
        let side = message.value(FIXTag.side)!
        let symbol = message.value(FIXTag.symbol)!
        let qty = message.value(FIXTag.orderQty)!
        let price: ArraySlice<UInt8> = message.value(FIXTag.price).flatMap { $0.isEmpty ? nil : $0 } ?? [UInt8(ascii: "1")][...]
        let (oid, eid) = lock.withLock { () -> (Int, Int) in
            orderID += 1
            execID += 1
            return (orderID, execID)
        }

        var er = FIXOutboundMessage(msgType: "8")
        // Body fields in ascending tag order.
        if let account = message.value(FIXTag.account), !account.isEmpty { er.append(FIXTag.account, bytes: account) }
        er.append(FIXTag.avgPx, bytes: price)
        er.append(FIXTag.clOrdID, bytes: clOrdID)
        er.append(FIXTag.cumQty, bytes: qty)
        er.append(FIXTag.execID, String(eid))
        er.append(FIXTag.lastPx, bytes: price)
        er.append(FIXTag.lastQty, bytes: qty)
        er.append(FIXTag.orderID, String(oid))
        er.append(FIXTag.orderQty, bytes: qty)
        er.append(FIXTag.ordStatus, "2")
        er.append(FIXTag.side, bytes: side)
        er.append(FIXTag.symbol, bytes: symbol)
        er.append(FIXTag.execType, "F")
        er.append(FIXTag.leavesQty, 0)
        context.send(er)

        onFill(String(decoding: clOrdID, as: UTF8.self), String(decoding: symbol, as: UTF8.self),
               String(decoding: side, as: UTF8.self), String(decoding: qty, as: UTF8.self),
               String(decoding: price, as: UTF8.self))
        return .accepted
    }
}
