import GRDB
import OMSCore

/// One difference between Vega's books and a broker's, as stored and reported.
public struct StoredReconciliationDifference: Sendable, Hashable, Codable {
    /// `MISSING_FILL`, `STATUS_MISMATCH`, `QUANTITY_MISMATCH`, `MISSING_AT_BROKER`, `UNKNOWN_BROKER_ORDER`,
    /// `POSITION_MISMATCH`.
    public var kind: String
    public var orderID: String?
    public var brokerOrderID: String?
    public var instrumentKey: String?
    public var product: String?
    public var vegaValue: String?
    public var brokerValue: String?
    /// The whole difference in one line (`MISSING_FILL: tag=O-3 tradeID=T1 quantity=10 price=1402.50`).
    public var detail: String

    public init(kind: String, orderID: String? = nil, brokerOrderID: String? = nil, instrumentKey: String? = nil,
                product: String? = nil, vegaValue: String? = nil, brokerValue: String? = nil, detail: String) {
        self.kind = kind
        self.orderID = orderID
        self.brokerOrderID = brokerOrderID
        self.instrumentKey = instrumentKey
        self.product = product
        self.vegaValue = vegaValue
        self.brokerValue = brokerValue
        self.detail = detail
    }
}

/// One of Vega's orders at a broker, as stored: what reconciliation compares with the broker's books, and what
/// the embedded paper broker's book held of it (its terms as they stand, its broker order id and status).
public struct StoredBrokerOrder: Sendable, Hashable {
    /// An execution, named by the broker's trade id (without Vega's `BROKER:` prefix).
    public typealias Fill = TradeFill

    public var orderID: OrderID
    public var quantity: Quantity
    public var status: OrderStatus
    public var fills: [Fill]
    public var instrumentKey: InstrumentKey?
    public var side: Side
    public var product: Product?
    public var orderType: OrderType
    public var timeInForce: TimeInForce
    public var limitPrice: Price?
    public var triggerPrice: Price?
    /// A market or stop-market order's worst price (market protection).
    public var protectionPrice: Price? = nil
    public var algoID: String?
    public var brokerOrderID: String?
    public var rawStatus: String?
}

/// Reads Vega's side of a reconciliation and records runs and their differences (migration v5-reconciliation).
public struct ReconciliationStore: Sendable {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    /// Vega's orders routed to `broker` since `since` (epoch ms) that reached it or may have (an order refused before
    /// the broker took it has no broker order id and is left out), by sequence, with their executions.
    public func orders(broker: BrokerID, since: Int64) async throws -> [StoredBrokerOrder] {
        try await writer.read { db in
            // The broker's fills since `since`, read in one pass and grouped by order (an order made since then
            // has no fill before it); one query per order scanned the whole table each time, hours for a busy day.
            let prefix = broker.rawValue + ":"
            var fills: [String: [StoredBrokerOrder.Fill]] = [:]
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT orderID, tradeID, quantity, price FROM execution WHERE broker = ? AND transactTime >= ?
                ORDER BY transactTime, execID
                """, arguments: [broker.rawValue, since])
            while let f = try cursor.next() {
                let trade: String = try f.decode(forColumn: "tradeID")
                fills[try f.decode(String.self, forColumn: "orderID"), default: []].append(
                    StoredBrokerOrder.Fill(tradeID: trade.hasPrefix(prefix) ? String(trade.dropFirst(prefix.count)) : trade,
                                           quantity: Quantity(try f.decode(Int64.self, forColumn: "quantity")),
                                           price: Price(units: try f.decode(Int64.self, forColumn: "price"))))
            }
            var out: [StoredBrokerOrder] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, quantity, status, instrumentKey, side, product, orderType, timeInForce, limitPrice, triggerPrice,
                    protectionPrice, algoID, brokerOrderID, rawStatus FROM clientOrder
                WHERE broker = ? AND createdAt >= ? AND (brokerOrderID IS NOT NULL OR status NOT IN ('8', '4', 'C'))
                ORDER BY sequence
                """, arguments: [broker.rawValue, since])
            while let row = try rows.next() {
                guard let status = OrderStatus(rawValue: try row.decode(forColumn: "status")),
                      let side = Side(rawValue: try row.decode(forColumn: "side")),
                      let type = OrderType(rawValue: try row.decode(forColumn: "orderType")),
                      let tif = TimeInForce(rawValue: try row.decode(forColumn: "timeInForce")) else { continue }
                let id: String = try row.decode(forColumn: "id")
                out.append(StoredBrokerOrder(
                    orderID: OrderID(id), quantity: Quantity(try row.decode(Int64.self, forColumn: "quantity")),
                    status: status,
                    fills: fills.removeValue(forKey: id) ?? [],
                    instrumentKey: try row.decode(String?.self, forColumn: "instrumentKey").map(InstrumentKey.init),
                    side: side, product: try row.decode(String?.self, forColumn: "product").flatMap(Product.init(rawValue:)),
                    orderType: type, timeInForce: tif,
                    limitPrice: try row.decode(Int64?.self, forColumn: "limitPrice").map { Price(units: $0) },
                    triggerPrice: try row.decode(Int64?.self, forColumn: "triggerPrice").map { Price(units: $0) },
                    protectionPrice: try row.decode(Int64?.self, forColumn: "protectionPrice").map { Price(units: $0) },
                    algoID: try row.decode(forColumn: "algoID"), brokerOrderID: try row.decode(forColumn: "brokerOrderID"),
                    rawStatus: try row.decode(forColumn: "rawStatus")))
            }
            return out
        }
    }

    /// Vega's net positions at `broker`, summed over clients: (instrument, product, net quantity).
    public func positions(broker: BrokerID) async throws -> [(instrumentKey: InstrumentKey, product: Product, net: Quantity)] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT instrumentKey, product, SUM(netQuantity) AS net FROM position WHERE broker = ?
                GROUP BY instrumentKey, product ORDER BY instrumentKey, product
                """, arguments: [broker.rawValue]).compactMap { row -> (instrumentKey: InstrumentKey, product: Product, net: Quantity)? in
                guard let product = Product(rawValue: try row.decode(forColumn: "product")) else { return nil }
                return (InstrumentKey(try row.decode(String.self, forColumn: "instrumentKey")), product,
                        Quantity(try row.decode(Int64.self, forColumn: "net")))
            }
        }
    }

    /// Records a run and its differences in one transaction; returns the run's id.
    @discardableResult
    public func record(broker: BrokerID, at: Int64, trigger: String, vegaOrders: Int,
                       differences: [StoredReconciliationDifference], error: String? = nil) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO reconciliationRun (broker, startedAt, trigger, vegaOrders, differences, error)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [broker.rawValue, at, trigger, vegaOrders, differences.count, error])
            let run = db.lastInsertedRowID
            for d in differences {
                try db.execute(sql: """
                    INSERT INTO reconciliationDifference (runID, broker, kind, orderID, brokerOrderID, instrumentKey,
                        product, vegaValue, brokerValue, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [run, broker.rawValue, d.kind, d.orderID, d.brokerOrderID, d.instrumentKey,
                                     d.product, d.vegaValue, d.brokerValue, d.detail])
            }
            return run
        }
    }

    /// The differences recorded for a run, in the order found.
    public func differences(run: Int64) async throws -> [StoredReconciliationDifference] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reconciliationDifference WHERE runID = ? ORDER BY id",
                             arguments: [run]).map { r in
                StoredReconciliationDifference(kind: try r.decode(forColumn: "kind"), orderID: try r.decode(forColumn: "orderID"),
                                               brokerOrderID: try r.decode(forColumn: "brokerOrderID"),
                                               instrumentKey: try r.decode(forColumn: "instrumentKey"),
                                               product: try r.decode(forColumn: "product"),
                                               vegaValue: try r.decode(forColumn: "vegaValue"),
                                               brokerValue: try r.decode(forColumn: "brokerValue"),
                                               detail: try r.decode(forColumn: "detail"))
            }
        }
    }
}
