import GRDB
import OMSCore

/// Reads back what `OrderJournal` wrote: the order book at start, positions, one order and its history.
public struct OrderRepository: Sendable {
    public struct StoredEvent: Sendable, Hashable {
        public var execID: String
        public var kind: String
        public var status: String
        public var clientOrderID: String
        public var code: String?
        public var text: String?
        public var lastQuantity: Int64?
        public var lastPrice: Price?
        public var transactTime: Int64
    }

    let reader: any DatabaseReader

    public init(reader: any DatabaseReader) { self.reader = reader }

    /// Open orders and those changed since `recentSince` (epoch ms) — of the closed ones the latest `closedLimit`
    /// (by sequence) — the ClOrdIDs they used with their orders, and the next numbers.
    /// - Parameter instrument: looks an instrument up by key (orders keep only its key).
    public func bookState(recentSince: Int64, closedLimit: Int = .max,
                          instrument: (InstrumentKey) -> Instrument?) throws -> OrderBookState {
        try reader.read { db in
            let terminal = OrderStatus.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }.joined(separator: ",")
            // Open orders, then the latest closed ones: a restart late in a busy day does not read every order
            // of the day into memory (the engine keeps only `closedLimit` closed ones and reads others back).
            var rows = try Row.fetchAll(db, sql: "SELECT * FROM clientOrder WHERE status NOT IN (\(terminal))")
            rows += try Row.fetchAll(db, sql: """
                SELECT * FROM clientOrder WHERE status IN (\(terminal)) AND updatedAt >= ? ORDER BY sequence DESC LIMIT ?
                """, arguments: [recentSince, closedLimit])
            var orders: [OrderSnapshot] = []
            var unreadable: [String] = []
            for row in rows {
                guard let o = try Self.snapshot(row, instrument: instrument) else {
                    unreadable.append((row["id"] as String?) ?? "?")
                    continue
                }
                orders.append(o)
            }
            orders.sort { $0.sequence < $1.sequence }
            var used: [(OrderSource, ClientOrderID, OrderID?)] = []
            // The ClOrdIDs of the orders open or changed since `recentSince`: every one a report was made for
            // (an order's first, its replaces and cancels, through the orderEvent(orderID) index), in the order
            // they were first used, and those of requests still in flight. A ClOrdID is unique within a trading
            // day; older orders' are not read, so that a start does not read every event ever stored. A new
            // order refused for a ClOrdID already used and a status report do not use the ClOrdID they carry:
            // it stays with the order that used it first (the restore keeps the first it sees).
            let selected = "SELECT id FROM clientOrder WHERE status NOT IN (\(terminal)) OR updatedAt >= ?"
            for row in try Row.fetchAll(db, sql: """
                SELECT destination, clOrdID, orderID FROM (
                    SELECT e.destination, e.clOrdID, e.orderID, e.execSequence AS firstUse FROM orderEvent e
                        WHERE e.orderID IN (\(selected)) AND e.kind <> 'status'
                            AND NOT (e.kind = 'rejected' AND e.code IS '\(OrderRejection.duplicateCode)')
                    UNION ALL SELECT source, pendingClOrdID, id, \(Int64.max) FROM clientOrder
                        WHERE pendingClOrdID IS NOT NULL AND (status NOT IN (\(terminal)) OR updatedAt >= ?))
                ORDER BY firstUse
                """, arguments: [recentSince, recentSince]) {
                guard let source = Self.source(row[0]) else { continue }
                used.append((source, ClientOrderID(row[1]), (row[2] as String?).map { OrderID($0) }))
            }
            let nextOrder = (try Int.fetchOne(db, sql: "SELECT max(sequence) FROM clientOrder") ?? 0) + 1
            let nextExec = (try Int.fetchOne(db, sql: "SELECT max(execSequence) FROM orderEvent") ?? 0) + 1
            var state = OrderBookState(orders: orders, usedClientOrderIDs: used, nextOrderSequence: nextOrder,
                                       nextExecSequence: nextExec)
            state.unreadable = unreadable
            return state
        }
    }

    /// Every stored position.
    public func positions() throws -> [PortfolioPosition] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM position").compactMap { row in
                guard let product = Product(rawValue: row["product"]) else { return nil }
                let key = PortfolioKey(client: ClientID(row["client"]), broker: BrokerID(row["broker"]),
                                       instrumentKey: InstrumentKey(row["instrumentKey"]), product: product)
                var p = PortfolioPosition(key: key, symbol: row["symbol"], tradingDay: row["tradingDay"])
                p.carriedQuantity = row["carriedQuantity"]
                p.dayBuyQuantity = row["dayBuyQuantity"]
                p.dayBuyValueUnits = row["dayBuyValue"]
                p.daySellQuantity = row["daySellQuantity"]
                p.daySellValueUnits = row["daySellValue"]
                p.netQuantity = row["netQuantity"]
                p.openCostUnits = row["openCost"]
                p.realisedUnits = row["realised"]
                return p
            }
        }
    }

    /// One order as stored.
    public func order(_ id: OrderID, instrument: (InstrumentKey) -> Instrument?) throws -> OrderSnapshot? {
        try reader.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clientOrder WHERE id = ?", arguments: [id.rawValue])
            else { return nil }
            return try Self.snapshot(row, instrument: instrument)
        }
    }

    /// The latest stored orders below sequence `below`, newest first: `client`'s only when given, not closed
    /// when `openOnly`, at most `limit`. Orders are looked up by their ids (`O-<sequence>`, the table's key) in
    /// runs of 500 walking back from `below − 1`, and one call looks through at most `maxScan` numbers, so a
    /// page costs key lookups, never a scan of a table of millions of orders (the table has no index on
    /// sequence or client: each would cost every order's commit another B-tree). What is stored is what is
    /// durable, so nothing shown can be undone.
    public func recentOrders(client: ClientID?, openOnly: Bool, limit: Int, below: Int, maxScan: Int = 20_000,
                             instrument: @Sendable (InstrumentKey) -> Instrument?) async throws -> OrderListPage {
        let filter = (client != nil ? " AND client = ?" : "")
            + (openOnly ? " AND state <> '\(OrderLifecycleState.closed.rawValue)'" : "")
        let limit = max(0, limit)
        return try await reader.read { db in
            var page = OrderListPage()
            var top = below - 1          // the next sequence number to look at
            var scanned = 0
            while top >= 1 && page.orders.count < limit && scanned < maxScan {
                let run = min(500, top, maxScan - scanned)
                let ids = (0..<run).map { "O-\(top - $0)" }
                var arguments = StatementArguments(ids)
                if let client { arguments += [client.rawValue] }
                let marks = Array(repeating: "?", count: run).joined(separator: ",")
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM clientOrder WHERE id IN (\(marks))\(filter)",
                                            arguments: arguments)
                    .sorted { ($0["sequence"] as Int? ?? 0) > ($1["sequence"] as Int? ?? 0) }
                for row in rows {
                    if page.orders.count == limit {
                        // Full: the rest of this run is for the next page.
                        page.older = (row["sequence"] as Int? ?? 0) + 1
                        return page
                    }
                    if let o = try Self.snapshot(row, instrument: instrument) { page.orders.append(o) }
                    else { page.unreadable.append((row["id"] as String?) ?? "?") }
                }
                top -= run
                scanned += run
            }
            page.older = top >= 1 ? top + 1 : nil
            return page
        }
    }

    /// The order's reports, oldest first.
    public func events(_ id: OrderID) throws -> [StoredEvent] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM orderEvent WHERE orderID = ? ORDER BY execSequence",
                             arguments: [id.rawValue]).map { row in
                StoredEvent(execID: row["execID"], kind: row["kind"], status: row["status"], clientOrderID: row["clOrdID"],
                            code: row["code"], text: row["text"], lastQuantity: row["lastQty"],
                            lastPrice: (row["lastPx"] as Int64?).map { Price(units: $0) }, transactTime: row["transactTime"])
            }
        }
    }

    static func source(_ text: String) -> OrderSource? {
        if text == "cli" { return .cli }
        if text == "rest" { return .rest }
        if text.hasPrefix("fix:") { return .fix(session: String(text.dropFirst(4))) }
        return nil
    }

    static func price(_ row: Row, _ column: String) -> Price? { (row[column] as Int64?).map { Price(units: $0) } }

    static func snapshot(_ row: Row, instrument: (InstrumentKey) -> Instrument?) throws -> OrderSnapshot? {
        guard let source = source(row["source"]), let side = Side(rawValue: row["side"]),
              let type = OrderType(rawValue: row["orderType"]), let tif = TimeInForce(rawValue: row["timeInForce"]),
              let state = OrderLifecycleState(rawValue: row["state"]), let status = OrderStatus(rawValue: row["status"])
        else { return nil }
        let lookup = InstrumentLookup(symbol: row["symbol"], exchange: row["exchange"], securityID: row["securityID"],
                                      securityIDSource: row["securityIDSource"], securityType: row["securityType"],
                                      maturityDate: row["maturityDate"], maturityMonthYear: row["maturityMonthYear"],
                                      putOrCall: (row["putOrCall"] as String?).flatMap(OptionType.init(rawValue:)),
                                      strikePrice: price(row, "strikePrice"))
        let request = OrderRequest(source: source, clientOrderID: ClientOrderID(row["clOrdID"]), client: ClientID(row["client"]),
                                   lookup: lookup, side: side, orderType: type, timeInForce: tif,
                                   quantity: Quantity(row["requestQuantity"] as Int64),
                                   limitPrice: price(row, "requestLimitPrice"), triggerPrice: price(row, "requestTriggerPrice"),
                                   product: (row["requestProduct"] as String?).flatMap(Product.init(rawValue:)),
                                   broker: (row["requestBroker"] as String?).map(BrokerID.init),
                                   afterMarket: row["afterMarket"], marketProtectionPct: row["marketProtectionPct"],
                                   algoID: row["algoID"], slice: row["slice"])
        let terms = OrderTerms(quantity: Quantity(row["quantity"] as Int64), limitPrice: price(row, "limitPrice"),
                               triggerPrice: price(row, "triggerPrice"))
        let pending = (row["newQuantity"] as Int64?).map {
            OrderTerms(quantity: Quantity($0), limitPrice: price(row, "newLimitPrice"), triggerPrice: price(row, "newTriggerPrice"))
        }
        let fills = FillTotals(cumulative: Quantity(row["cumQty"] as Int64), notionalUnits: row["notional"])
        guard let lifecycle = OrderLifecycle.restored(state, terms: terms, fills: fills, finalStatus: status,
                                                      pendingTerms: pending) else { return nil }
        let key = (row["instrumentKey"] as String?).map(InstrumentKey.init)
        var snapshot = OrderSnapshot(id: OrderID(row["id"]), sequence: row["sequence"], source: source,
                             clientOrderID: ClientOrderID(row["clOrdID"]),
                             pendingClientOrderID: (row["pendingClOrdID"] as String?).map(ClientOrderID.init),
                             request: request, instrument: key.flatMap(instrument),
                             product: (row["product"] as String?).flatMap(Product.init(rawValue:)),
                             broker: (row["broker"] as String?).map(BrokerID.init), lifecycle: lifecycle,
                             brokerOrderID: row["brokerOrderID"], rawStatus: row["rawStatus"], held: row["held"],
                             rejectCode: row["rejectCode"], rejectText: row["rejectText"])
        snapshot.createdAt = row["createdAt"]
        snapshot.protectionPrice = price(row, "protectionPrice")
        return snapshot
    }
}
