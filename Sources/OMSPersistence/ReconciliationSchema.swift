import GRDB

/// Migration "v5-reconciliation": every comparison of Vega's books with a broker's (a run) and every difference it
/// found. Quantities and prices are stored as the text shown to people (`100`, `1402.50`), since a difference
/// compares values of different kinds (a status, a quantity, a trade).
enum ReconciliationSchema {
    static let migrationName = "v5-reconciliation"

    static func migrate(_ db: Database) throws {
        try db.create(table: "reconciliationRun") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("broker", .text).notNull()
            /// Epoch milliseconds of the exchange clock.
            t.column("startedAt", .integer).notNull()
            /// `start` (after the restore at start-up) or `request` (REST / trader-cli).
            t.column("trigger", .text).notNull()
            t.column("vegaOrders", .integer).notNull()
            t.column("differences", .integer).notNull()
            /// Why the broker's books could not be read (NULL: the run compared them).
            t.column("error", .text)
        }
        try db.create(table: "reconciliationDifference") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("runID", .integer).notNull().references("reconciliationRun", onDelete: .cascade)
            t.column("broker", .text).notNull()
            t.column("kind", .text).notNull()
            /// Vega's order id (the tag at the broker), when the difference is about an order.
            t.column("orderID", .text)
            t.column("brokerOrderID", .text)
            t.column("instrumentKey", .text)
            t.column("product", .text)
            t.column("vegaValue", .text)
            t.column("brokerValue", .text)
            t.column("detail", .text).notNull()
        }
        try db.create(index: "reconciliationDifference_run", on: "reconciliationDifference", columns: ["runID"])
    }
}
