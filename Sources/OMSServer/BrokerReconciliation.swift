import BrokerKit
import Foundation
import Logging
import OMSAPIModels
import OMSCore
import OMSHTTP
import OMSPersistence

/// Compares Vega's orders, trades and positions at a broker (today's, from SQLite) with the broker's order book,
/// trade book and positions (`Reconciler`), records the run and every difference (migration v5-reconciliation),
/// and returns the report. Runs at start, after the restore, and on demand (REST, `trader-cli reconcile`).
struct BrokerReconciliation: BrokerReconciling {
    let brokers: [BrokerID]
    let books: [BrokerID: BrokerBooks]
    let store: ReconciliationStore
    /// Makes every report so far durable, so that the comparison reads what clients were told.
    let flush: @Sendable () async throws -> Void
    let now: @Sendable () -> Int64
    let instrument: @Sendable (InstrumentKey) -> Instrument?

    func reconcile(_ broker: BrokerID) async throws -> ReconciliationReportDTO {
        try await run(broker, trigger: "request")
    }

    func run(_ broker: BrokerID, trigger: String) async throws -> ReconciliationReportDTO {
        guard brokers.contains(broker) else { throw BrokerReconciliationError.unknownBroker(broker, known: brokers) }
        guard let source = books[broker] else { throw BrokerReconciliationError.notSupported(broker) }
        try await flush()
        let at = now()
        let dayStart = ISTDateTime.dayStart(epochMilliseconds: at)
        let orders = try await store.orders(broker: broker, since: dayStart)
        let views = orders.map { o in
            VegaOrderView(tag: o.orderID.rawValue, quantity: o.quantity, status: o.status,
                          fills: o.fills)
        }
        let vegaPositions = try await store.positions(broker: broker)
        // The broker keys positions by its own symbol: map those of instruments Vega holds back to Vega's keys.
        var keyOfSymbol: [String: InstrumentKey] = [:]
        for p in vegaPositions { if let i = instrument(p.instrumentKey) { keyOfSymbol[source.symbol(i)] = p.instrumentKey } }
        let differences: [ReconciliationDifference]
        do {
            let brokerOrders = try await source.books.orders()
            let trades = try await source.books.trades()
            let positions = try await source.books.positions().map { p in
                var q = p
                if let key = keyOfSymbol[p.instrumentKey.rawValue] { q.instrumentKey = key }
                return q
            }
            differences = Reconciler().compare(
                orders: views,
                positions: vegaPositions.map { BrokerPosition(instrumentKey: $0.instrumentKey, product: $0.product,
                                                              netQuantity: $0.net, averagePrice: .zero) },
                brokerOrders: brokerOrders, brokerTrades: trades, brokerPositions: positions)
        } catch {
            let why = "\(error)"
            try await store.record(broker: broker, at: at, trigger: trigger, vegaOrders: views.count, differences: [],
                                   error: why)
            throw BrokerReconciliationError.brokerFailed(broker, why)
        }
        let stored = differences.map(Self.stored)
        let run = try await store.record(broker: broker, at: at, trigger: trigger, vegaOrders: views.count,
                                         differences: stored)
        return ReconciliationReportDTO(
            runId: run, broker: broker.rawValue, at: at, vegaOrders: views.count,
            differences: stored.map {
                .init(kind: $0.kind, orderId: $0.orderID, brokerOrderId: $0.brokerOrderID, instrumentKey: $0.instrumentKey,
                      product: $0.product, vega: $0.vegaValue, broker: $0.brokerValue, detail: $0.detail)
            })
    }

    /// One difference as a row: kind, the order or instrument, Vega's value and the broker's.
    static func stored(_ d: ReconciliationDifference) -> StoredReconciliationDifference {
        let detail = d.description
        switch d {
        case .missingAtBroker(let tag):
            return .init(kind: "MISSING_AT_BROKER", orderID: tag, vegaValue: "order", brokerValue: "none", detail: detail)
        case .unknownBrokerOrder(let r):
            return .init(kind: "UNKNOWN_BROKER_ORDER", orderID: r.tag, brokerOrderID: r.brokerOrderID, instrumentKey: r.symbol,
                         vegaValue: "none", brokerValue: "\(r.rawStatus) filled=\(r.filledQuantity)/\(r.quantity)",
                         detail: detail)
        case .statusMismatch(let tag, let v, let b, let raw):
            return .init(kind: "STATUS_MISMATCH", orderID: tag, vegaValue: OrderDTO.name(v),
                         brokerValue: "\(OrderDTO.name(b)) (\(raw))", detail: detail)
        case .quantityMismatch(let tag, let v, let b):
            return .init(kind: "QUANTITY_MISMATCH", orderID: tag, vegaValue: "filled \(v)", brokerValue: "filled \(b)",
                         detail: detail)
        case .missingFill(let tag, let t):
            return .init(kind: "MISSING_FILL", orderID: tag, brokerOrderID: t.brokerOrderID, instrumentKey: t.symbol,
                         vegaValue: "none", brokerValue: "trade \(t.tradeID): \(t.quantity) @ \(t.price.rupeesString)",
                         detail: detail)
        case .positionMismatch(let key, let product, let v, let b):
            return .init(kind: "POSITION_MISMATCH", instrumentKey: key.rawValue, product: product.rawValue,
                         vegaValue: "\(v)", brokerValue: "\(b)", detail: detail)
        }
    }
}
