import GRDB

/// Migration "v3-risk-limits": per-client risk limits, per-client symbol caps and the audit of every change.
/// Money is fixed-point INTEGER (₹ × 10^4, `Price.units`); NULL switches a rule off.
enum RiskLimitSchema {
    static let migrationName = "v3-risk-limits"

    static func migrate(_ db: Database) throws {
        try db.create(table: "clientRiskLimit") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("clientID", .text).notNull().unique()
            t.column("maxOrderValue", .integer).check { $0 >= 0 }
            t.column("maxOrderQuantity", .integer).check { $0 >= 0 }
            t.column("maxOpenOrders", .integer).check { $0 >= 0 }
            t.column("maxOpenValue", .integer).check { $0 >= 0 }
            t.column("maxDailyLoss", .integer).check { $0 >= 0 }
            t.column("availableMargin", .integer).check { $0 >= 0 }
            t.column("intradayVaRLimit", .integer).check { $0 >= 0 }
            /// Epoch milliseconds of the last change.
            t.column("updatedAt", .integer).notNull()
        }
        try db.create(table: "clientSymbolCap") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("clientID", .text).notNull()
                .references("clientRiskLimit", column: "clientID", onDelete: .cascade)
            t.column("instrumentKey", .text).notNull()
            t.column("maxOrderQuantity", .integer).check { $0 >= 0 }
            t.column("maxPositionQuantity", .integer).check { $0 >= 0 }
            t.uniqueKey(["clientID", "instrumentKey"])
        }
        try db.create(table: "riskLimitAudit") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("changedAt", .integer).notNull()
            t.column("changedBy", .text).notNull()
            t.column("clientID", .text).notNull()
            t.column("field", .text).notNull()
            t.column("instrumentKey", .text)
            /// As shown to people (`500000.00`, `10`); NULL = off.
            t.column("oldValue", .text)
            t.column("newValue", .text)
        }
        try db.create(index: "riskLimitAudit_clientID", on: "riskLimitAudit", columns: ["clientID", "id"])
    }
}
