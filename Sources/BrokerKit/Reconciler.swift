import OMSCore

/// One of Vega's orders as its own books show it, for reconciliation.
public struct VegaOrderView: Sendable, Hashable {
    public var tag: String
    public var quantity: Quantity
    public var status: OrderStatus
    public var fills: [VegaFillView]

    public init(tag: String, quantity: Quantity, status: OrderStatus, fills: [VegaFillView]) {
        self.tag = tag
        self.quantity = quantity
        self.status = status
        self.fills = fills
    }

    public var filledQuantity: Quantity { Quantity(fills.reduce(0) { $0 + $1.quantity.value }) }
}

public typealias VegaFillView = TradeFill

/// A difference between Vega's books and a broker's.
public enum ReconciliationDifference: Sendable, Hashable, CustomStringConvertible {
    /// Vega has the order; the broker's book does not.
    case missingAtBroker(tag: String)
    /// The broker has an order Vega does not know (placed elsewhere, or a lost placement).
    case unknownBrokerOrder(BrokerOrderRecord)
    case statusMismatch(tag: String, vega: OrderStatus, broker: OrderStatus, rawStatus: String)
    case quantityMismatch(tag: String, vegaFilled: Quantity, brokerFilled: Quantity)
    /// A broker trade Vega never booked.
    case missingFill(tag: String, trade: BrokerTrade)
    case positionMismatch(instrument: InstrumentKey, product: Product, vega: Quantity, broker: Quantity)

    public var description: String {
        switch self {
        case .missingAtBroker(let tag): return "MISSING_AT_BROKER: tag=\(tag)"
        case .unknownBrokerOrder(let r): return "UNKNOWN_BROKER_ORDER: brokerOrderID=\(r.brokerOrderID) status=\(r.rawStatus)"
        case .statusMismatch(let tag, let v, let b, let raw):
            return "STATUS_MISMATCH: tag=\(tag) vega=\(v.rawValue) broker=\(b.rawValue) raw=\(raw)"
        case .quantityMismatch(let tag, let v, let b): return "QUANTITY_MISMATCH: tag=\(tag) vega=\(v) broker=\(b)"
        case .missingFill(let tag, let t):
            return "MISSING_FILL: tag=\(tag) tradeID=\(t.tradeID) quantity=\(t.quantity) price=\(t.price)"
        case .positionMismatch(let key, let product, let v, let b):
            return "POSITION_MISMATCH: instrument=\(key) product=\(product.rawValue) vega=\(v) broker=\(b)"
        }
    }
}

/// Compares Vega's orders, fills and positions with a broker's order book, trade book and positions.
public struct Reconciler: Sendable {
    public init() {}

    /// Reads the broker's books and compares them with Vega's.
    public func reconcile(orders vega: [VegaOrderView], positions vegaPositions: [BrokerPosition],
                          with broker: some BrokerBookkeeping) async throws(BrokerError) -> [ReconciliationDifference] {
        let orders = try await broker.orders()
        let trades = try await broker.trades()
        let positions = try await broker.positions()
        return compare(orders: vega, positions: vegaPositions, brokerOrders: orders, brokerTrades: trades,
                       brokerPositions: positions)
    }

    public func compare(orders vega: [VegaOrderView], positions vegaPositions: [BrokerPosition],
                        brokerOrders: [BrokerOrderRecord], brokerTrades: [BrokerTrade],
                        brokerPositions: [BrokerPosition]) -> [ReconciliationDifference] {
        var out: [ReconciliationDifference] = []
        let vegaTags = Set(vega.map(\.tag))
        var byTag: [String: [BrokerOrderRecord]] = [:]
        var tagOfOrder: [String: String] = [:]
        for r in brokerOrders {
            guard let tag = r.tag, vegaTags.contains(tag) else {
                out.append(.unknownBrokerOrder(r))
                continue
            }
            byTag[tag, default: []].append(r)
            tagOfOrder[r.brokerOrderID] = tag
        }
        var tradesByTag: [String: [BrokerTrade]] = [:]
        for t in brokerTrades {
            guard let tag = tagOfOrder[t.brokerOrderID] ?? t.tag, vegaTags.contains(tag) else { continue }
            tradesByTag[tag, default: []].append(t)
        }
        for order in vega {
            guard let records = byTag[order.tag] else {
                out.append(.missingAtBroker(tag: order.tag))
                continue
            }
            let brokerFilled = Quantity(records.reduce(0) { $0 + $1.filledQuantity.value })
            let status = Self.status(records, filled: brokerFilled)
            if status.status != order.status {
                out.append(.statusMismatch(tag: order.tag, vega: order.status, broker: status.status,
                                           rawStatus: status.raw))
            }
            if brokerFilled != order.filledQuantity {
                out.append(.quantityMismatch(tag: order.tag, vegaFilled: order.filledQuantity, brokerFilled: brokerFilled))
            }
            let trades = tradesByTag[order.tag] ?? []
            let brokerTraded = trades.reduce(Int64(0)) { $0.addingSaturated($1.quantity.value) }
            var missing = brokerTraded - order.filledQuantity.value
            let booked = Set(order.fills.map(\.tradeID))
            for t in trades where missing > 0 && !booked.contains(t.tradeID) {
                out.append(.missingFill(tag: order.tag, trade: t))
                missing -= t.quantity.value
            }
        }
        out.append(contentsOf: comparePositions(vegaPositions, brokerPositions))
        return out
    }

    private func comparePositions(_ vega: [BrokerPosition], _ broker: [BrokerPosition]) -> [ReconciliationDifference] {
        struct Key: Hashable, Comparable {
            var key: InstrumentKey
            var product: Product
            static func < (a: Key, b: Key) -> Bool { (a.key, a.product.rawValue) < (b.key, b.product.rawValue) }
        }
        var v: [Key: Int64] = [:]
        var b: [Key: Int64] = [:]
        for p in vega { v[Key(key: p.instrumentKey, product: p.product), default: 0] += p.netQuantity.value }
        for p in broker { b[Key(key: p.instrumentKey, product: p.product), default: 0] += p.netQuantity.value }
        return Set(v.keys).union(b.keys).sorted().compactMap { k in
            let vq = v[k] ?? 0, bq = b[k] ?? 0
            return vq == bq ? nil : .positionMismatch(instrument: k.key, product: k.product, vega: Quantity(vq),
                                                      broker: Quantity(bq))
        }
    }

    /// The status of a Vega order made of one or more broker orders (slices).
    static func status(_ records: [BrokerOrderRecord], filled: Quantity) -> (status: OrderStatus, raw: String) {
        if let open = records.first(where: { !$0.phase.isTerminal }) {
            return (open.phase.orderStatus(filled: filled), open.rawStatus)
        }
        if records.allSatisfy({ $0.phase == .filled }) { return (.filled, records[0].rawStatus) }
        if records.allSatisfy({ $0.phase == .rejected }) { return (.rejected, records[0].rawStatus) }
        if let e = records.first(where: { $0.phase == .expired }) { return (.expired, e.rawStatus) }
        let c = records.first { $0.phase == .canceled } ?? records[0]
        return (.canceled, c.rawStatus)
    }
}
