import BrokerSimulator
import OMSCore
import OMSPersistence

/// The embedded paper broker's book after a restart: the day's orders Vega sent it, as Vega stored them. A
/// real broker's book outlives Vega's restarts; the paper broker's lives in the process, so without this a
/// restart left it empty (every earlier order of the day `MISSING_AT_BROKER` in the reconciliation, its
/// positions flat, and open orders placed a second time for their open quantity).
enum PaperBookRestore {
    /// Puts the day's orders (since `dayStart`, epoch ms) back into `paper`'s book; returns how many.
    static func run(_ paper: PaperBroker, store: ReconciliationStore, dayStart: Int64,
                    instrument: (InstrumentKey) -> Instrument?) async throws -> Int {
        let stored = try await store.orders(broker: paper.id, since: dayStart)
        var restored = 0
        // In slices, so that a busy day's orders are not all held twice at once.
        for start in stride(from: 0, to: stored.count, by: 10_000) {
            let slice = stored[start..<min(start + 10_000, stored.count)]
            restored += await paper.restore(slice.compactMap { entry($0, instrument: instrument) })
        }
        return restored
    }

    /// One stored order as the paper broker held it: its current terms, what it filled, and its state there.
    /// An order whose cancel was pending is taken as cancelled at the broker (the engine, finding it so,
    /// completes the cancel); one whose replace was pending, at its old terms (the replace is refused). An
    /// order the broker never acknowledged (no broker order id) is left out: the engine places it.
    static func entry(_ o: StoredBrokerOrder, instrument: (InstrumentKey) -> Instrument?) -> PaperBookEntry? {
        guard let brokerOrderID = o.brokerOrderID, let key = o.instrumentKey, let i = instrument(key),
              let product = o.product else { return nil }
        let state: PaperBookEntry.State
        switch o.status {
        case .filled: state = .filled
        case .canceled, .expired, .pendingCancel: state = .canceled
        case .rejected: state = .rejected
        case .pendingNew, .new, .partiallyFilled, .pendingReplace: state = .open
        }
        let order = BrokerOrderRequest(tag: o.orderID.rawValue, instrument: i, side: o.side, product: product,
                                       orderType: o.orderType, timeInForce: o.timeInForce, quantity: o.quantity,
                                       limitPrice: o.limitPrice, triggerPrice: o.triggerPrice,
                                       protectionPrice: o.protectionPrice, algoID: o.algoID)
        return PaperBookEntry(order: order, brokerOrderID: brokerOrderID, state: state, rawStatus: o.rawStatus,
                              fills: o.fills)
    }
}
