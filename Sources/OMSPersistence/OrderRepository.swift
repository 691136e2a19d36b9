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
            let open = try Row.fetchAll(db, sql: "SELECT * FROM clientOrder WHERE status NOT IN (\(terminal))")
            let closed = try Row.fetchAll(db, sql: """
                SELECT * FROM clientOrder WHERE status IN (\(terminal)) AND updatedAt >= ? ORDER BY sequence DESC LIMIT ?
                """, arguments: [recentSince, closedLimit])
            var orders: [OrderSnapshot] = []
            var unreadable: [String] = [], unreadableOpen: [String] = []
            for (rows, isOpen) in [(open, true), (closed, false)] {
                for row in rows {
                    guard let o = Self.snapshot(row, instrument: instrument) else {
                        if isOpen { unreadableOpen.append(Self.rowID(row)) } else { unreadable.append(Self.rowID(row)) }
                        continue
                    }
                    orders.append(o)
                }
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
                guard let source = Self.source(try row.decode(atIndex: 0)) else { continue }
                used.append((source, ClientOrderID(try row.decode(atIndex: 1)),
                             try row.decode(String?.self, atIndex: 2).map { OrderID($0) }))
            }
            let nextOrder = (try Int.fetchOne(db, sql: "SELECT max(sequence) FROM clientOrder") ?? 0) + 1
            let nextExec = (try Int.fetchOne(db, sql: "SELECT max(execSequence) FROM orderEvent") ?? 0) + 1
            var state = OrderBookState(orders: orders, usedClientOrderIDs: used, nextOrderSequence: nextOrder,
                                       nextExecSequence: nextExec)
            state.unreadable = unreadable
            state.unreadableOpen = unreadableOpen
            return state
        }
    }

    /// Every stored position.
    public func positions() throws -> [PortfolioPosition] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM position").compactMap { row in
                guard let product = Product(rawValue: try row.decode(forColumn: "product")) else { return nil }
                let key = PortfolioKey(client: ClientID(try row.decode(forColumn: "client")),
                                       broker: BrokerID(try row.decode(forColumn: "broker")),
                                       instrumentKey: InstrumentKey(try row.decode(forColumn: "instrumentKey")), product: product)
                var p = PortfolioPosition(key: key, symbol: try row.decode(forColumn: "symbol"),
                                          tradingDay: try row.decode(forColumn: "tradingDay"))
                p.carriedQuantity = try row.decode(forColumn: "carriedQuantity")
                p.dayBuyQuantity = try row.decode(forColumn: "dayBuyQuantity")
                p.dayBuyValueUnits = try row.decode(forColumn: "dayBuyValue")
                p.daySellQuantity = try row.decode(forColumn: "daySellQuantity")
                p.daySellValueUnits = try row.decode(forColumn: "daySellValue")
                p.netQuantity = try row.decode(forColumn: "netQuantity")
                p.openCostUnits = try row.decode(forColumn: "openCost")
                p.realisedUnits = try row.decode(forColumn: "realised")
                return p
            }
        }
    }

    /// One order as stored.
    public func order(_ id: OrderID, instrument: (InstrumentKey) -> Instrument?) throws -> OrderSnapshot? {
        try reader.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clientOrder WHERE id = ?", arguments: [id.rawValue])
            else { return nil }
            return Self.snapshot(row, instrument: instrument)
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
                    .sorted { Self.sequence($0) > Self.sequence($1) }
                for row in rows {
                    if page.orders.count == limit {
                        // Full: the rest of this run is for the next page.
                        page.older = Self.sequence(row) + 1
                        return page
                    }
                    if let o = Self.snapshot(row, instrument: instrument) { page.orders.append(o) }
                    else { page.unreadable.append(Self.rowID(row)) }
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
                StoredEvent(execID: try row.decode(forColumn: "execID"), kind: try row.decode(forColumn: "kind"),
                            status: try row.decode(forColumn: "status"), clientOrderID: try row.decode(forColumn: "clOrdID"),
                            code: try row.decode(forColumn: "code"), text: try row.decode(forColumn: "text"),
                            lastQuantity: try row.decode(forColumn: "lastQty"), lastPrice: try Self.price(row, "lastPx"),
                            transactTime: try row.decode(forColumn: "transactTime"))
            }
        }
    }

    static func source(_ text: String) -> OrderSource? {
        if text == "cli" { return .cli }
        if text == "rest" { return .rest }
        if text.hasPrefix("fix:") { return .fix(session: String(text.dropFirst(4))) }
        return nil
    }

    /// A row's order sequence; when it cannot be read (the row is then reported unreadable), the number in its
    /// id (`O-<sequence>`, the key it was looked up by), so that paging goes on past it.
    static func sequence(_ row: Row) -> Int {
        if let n = try? row.decode(Int.self, forColumn: "sequence") { return n }
        return rowID(row).split(separator: "-").last.flatMap { Int($0) } ?? 0
    }

    static func price(_ row: Row, _ column: String) throws -> Price? {
        try row.decode(Int64?.self, forColumn: column).map { Price(units: $0) }
    }

    /// A stored order, or nil when its row cannot be read back: a value its column should not hold (a state this
    /// version does not know, text in a number column, NULL in a required one — e.g. after a hand edit). Such
    /// rows are named as unreadable, never a crash (GRDB's subscripts trap on a value they cannot convert).
    static func snapshot(_ row: Row, instrument: (InstrumentKey) -> Instrument?) -> OrderSnapshot? {
        try? decodeSnapshot(row, instrument: instrument)
    }

    /// The id of a row `snapshot` could not read, for the report.
    static func rowID(_ row: Row) -> String { (try? row.decode(String.self, forColumn: "id")) ?? "?" }

    static func decodeSnapshot(_ row: Row, instrument: (InstrumentKey) -> Instrument?) throws -> OrderSnapshot? {
        func text(_ column: String) throws -> String { try row.decode(forColumn: column) }
        func optionalText(_ column: String) throws -> String? { try row.decode(forColumn: column) }
        guard let source = source(try text("source")), let side = Side(rawValue: try text("side")),
              let type = OrderType(rawValue: try text("orderType")),
              let tif = TimeInForce(rawValue: try text("timeInForce")),
              let state = OrderLifecycleState(rawValue: try text("state")),
              let status = OrderStatus(rawValue: try text("status"))
        else { return nil }
        let lookup = InstrumentLookup(symbol: try optionalText("symbol"), exchange: try optionalText("exchange"),
                                      securityID: try optionalText("securityID"),
                                      securityIDSource: try optionalText("securityIDSource"),
                                      securityType: try optionalText("securityType"),
                                      maturityDate: try optionalText("maturityDate"),
                                      maturityMonthYear: try optionalText("maturityMonthYear"),
                                      putOrCall: try optionalText("putOrCall").flatMap(OptionType.init(rawValue:)),
                                      strikePrice: try price(row, "strikePrice"))
        let request = OrderRequest(source: source, clientOrderID: ClientOrderID(try text("clOrdID")),
                                   client: ClientID(try text("client")), lookup: lookup, side: side, orderType: type,
                                   timeInForce: tif, quantity: Quantity(try row.decode(Int64.self, forColumn: "requestQuantity")),
                                   limitPrice: try price(row, "requestLimitPrice"),
                                   triggerPrice: try price(row, "requestTriggerPrice"),
                                   product: try optionalText("requestProduct").flatMap(Product.init(rawValue:)),
                                   broker: try optionalText("requestBroker").map(BrokerID.init),
                                   afterMarket: try row.decode(forColumn: "afterMarket"),
                                   marketProtectionPct: try row.decode(forColumn: "marketProtectionPct"),
                                   algoID: try optionalText("algoID"), slice: try row.decode(forColumn: "slice"))
        let terms = OrderTerms(quantity: Quantity(try row.decode(Int64.self, forColumn: "quantity")),
                               limitPrice: try price(row, "limitPrice"), triggerPrice: try price(row, "triggerPrice"))
        let pending = try row.decode(Int64?.self, forColumn: "newQuantity").map {
            OrderTerms(quantity: Quantity($0), limitPrice: try price(row, "newLimitPrice"),
                       triggerPrice: try price(row, "newTriggerPrice"))
        }
        let fills = FillTotals(cumulative: Quantity(try row.decode(Int64.self, forColumn: "cumQty")),
                               notionalUnits: try row.decode(forColumn: "notional"))
        guard let lifecycle = OrderLifecycle.restored(state, terms: terms, fills: fills, finalStatus: status,
                                                      pendingTerms: pending) else { return nil }
        let key = try optionalText("instrumentKey").map(InstrumentKey.init)
        var snapshot = OrderSnapshot(id: OrderID(try text("id")), sequence: try row.decode(forColumn: "sequence"),
                                     source: source, clientOrderID: ClientOrderID(try text("clOrdID")),
                                     pendingClientOrderID: try optionalText("pendingClOrdID").map(ClientOrderID.init),
                                     request: request, instrument: key.flatMap(instrument),
                                     product: try optionalText("product").flatMap(Product.init(rawValue:)),
                                     broker: try optionalText("broker").map(BrokerID.init), lifecycle: lifecycle,
                                     brokerOrderID: try optionalText("brokerOrderID"), rawStatus: try optionalText("rawStatus"),
                                     held: try row.decode(forColumn: "held"), rejectCode: try optionalText("rejectCode"),
                                     rejectText: try optionalText("rejectText"))
        snapshot.createdAt = try row.decode(forColumn: "createdAt")
        snapshot.protectionPrice = try price(row, "protectionPrice")
        return snapshot
    }
}
