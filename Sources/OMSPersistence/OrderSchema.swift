import GRDB

/// Orders, their events, executions and positions (migration `v3-orders`). Prices and money are
/// fixed-point INTEGERs (₹ × 10^4), quantities INTEGERs, times epoch milliseconds of the exchange clock.
enum OrderSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE clientOrder (
                id TEXT PRIMARY KEY,
                sequence INTEGER NOT NULL UNIQUE,
                source TEXT NOT NULL,
                clOrdID TEXT NOT NULL,
                pendingClOrdID TEXT,
                client TEXT NOT NULL,
                symbol TEXT,
                exchange TEXT,
                securityID TEXT,
                securityIDSource TEXT,
                securityType TEXT,
                maturityDate TEXT,
                maturityMonthYear TEXT,
                putOrCall TEXT,
                strikePrice INTEGER,
                side TEXT NOT NULL,
                orderType TEXT NOT NULL,
                timeInForce TEXT NOT NULL,
                requestQuantity INTEGER NOT NULL,
                requestLimitPrice INTEGER,
                requestTriggerPrice INTEGER,
                requestProduct TEXT,
                requestBroker TEXT,
                afterMarket INTEGER NOT NULL,
                marketProtectionPct INTEGER,
                algoID TEXT,
                slice INTEGER NOT NULL,
                instrumentKey TEXT,
                tradingSymbol TEXT,
                product TEXT,
                broker TEXT,
                state TEXT NOT NULL,
                status TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                limitPrice INTEGER,
                triggerPrice INTEGER,
                newQuantity INTEGER,
                newLimitPrice INTEGER,
                newTriggerPrice INTEGER,
                cumQty INTEGER NOT NULL,
                notional INTEGER NOT NULL,
                avgPx INTEGER NOT NULL,
                brokerOrderID TEXT,
                rawStatus TEXT,
                held INTEGER NOT NULL,
                rejectCode TEXT,
                rejectText TEXT,
                createdAt INTEGER NOT NULL,
                updatedAt INTEGER NOT NULL
            )
            """)
        try db.execute(sql: "CREATE INDEX clientOrder_clOrdID ON clientOrder(source, clOrdID)")
        // Every report (ExecutionReport or OrderCancelReject) Vega made, in order.
        try db.execute(sql: """
            CREATE TABLE orderEvent (
                execSequence INTEGER PRIMARY KEY,
                execID TEXT NOT NULL,
                orderID TEXT,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                clOrdID TEXT NOT NULL,
                origClOrdID TEXT,
                destination TEXT NOT NULL,
                code TEXT,
                text TEXT,
                lastQty INTEGER,
                lastPx INTEGER,
                cumQty INTEGER NOT NULL,
                leavesQty INTEGER NOT NULL,
                avgPx INTEGER NOT NULL,
                transactTime INTEGER NOT NULL
            )
            """)
        try db.execute(sql: "CREATE INDEX orderEvent_order ON orderEvent(orderID)")
        try db.execute(sql: """
            CREATE TABLE execution (
                execID TEXT PRIMARY KEY NOT NULL,
                orderID TEXT NOT NULL,
                tradeID TEXT NOT NULL,
                client TEXT NOT NULL,
                broker TEXT NOT NULL,
                instrumentKey TEXT NOT NULL,
                product TEXT NOT NULL,
                side TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                price INTEGER NOT NULL,
                transactTime INTEGER NOT NULL
            )
            """)
        try db.execute(sql: """
            CREATE TABLE position (
                client TEXT NOT NULL,
                broker TEXT NOT NULL,
                instrumentKey TEXT NOT NULL,
                product TEXT NOT NULL,
                symbol TEXT NOT NULL,
                tradingDay INTEGER NOT NULL,
                carriedQuantity INTEGER NOT NULL,
                dayBuyQuantity INTEGER NOT NULL,
                dayBuyValue INTEGER NOT NULL,
                daySellQuantity INTEGER NOT NULL,
                daySellValue INTEGER NOT NULL,
                netQuantity INTEGER NOT NULL,
                openCost INTEGER NOT NULL,
                realised INTEGER NOT NULL,
                updatedAt INTEGER NOT NULL,
                PRIMARY KEY (client, broker, instrumentKey, product)
            )
            """)
    }

    static let compactMigrationName = "v6-compact-order-tables"
    static let protectionMigrationName = "v8-order-protection-price"

    /// Every group commit writes FIX messages, an order row, events, maybe an execution and a position; each
    /// B-tree a row touches is at least one more page in the WAL. Rebuilt here as WITHOUT ROWID tables keyed
    /// by what they are looked up by (one B-tree each instead of a rowid table plus its key index): the FIX
    /// message store (its foreign key to `fixSession` dropped too: a reset deletes the messages explicitly),
    /// orders (their indexes on `sequence` and `(source, clOrdID)` dropped: only the start-up read used them,
    /// and it scans the table once), executions and positions.
    static func compact(_ db: Database) throws {
        func rebuild(_ table: String, primaryKey: [String]) throws {
            let columns = try db.columns(in: table).map { c in
                "\(c.name) \(c.type)\(c.isNotNull || primaryKey.contains(c.name) ? " NOT NULL" : "")"
            }
            try db.execute(sql: """
                CREATE TABLE \(table)_new (\(columns.joined(separator: ", ")),
                    PRIMARY KEY (\(primaryKey.joined(separator: ", ")))) WITHOUT ROWID
                """)
            try db.execute(sql: "INSERT INTO \(table)_new SELECT * FROM \(table)")
            try db.execute(sql: "DROP TABLE \(table)")
            try db.execute(sql: "ALTER TABLE \(table)_new RENAME TO \(table)")
        }
        try rebuild("fixMessage", primaryKey: ["fixSessionID", "msgSeqNum"])
        try rebuild("clientOrder", primaryKey: ["id"])
        try rebuild("execution", primaryKey: ["execID"])
        try rebuild("position", primaryKey: ["client", "broker", "instrumentKey", "product"])
    }
}
