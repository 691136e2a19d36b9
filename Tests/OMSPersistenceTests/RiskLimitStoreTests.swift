import Foundation
import GRDB
import OMSCore
import Testing
@testable import OMSPersistence

struct RiskLimitStoreTests {
    let reliance = InstrumentKey("NSE_EQ|INE002A01018")

    func store() throws -> RiskLimitStore { RiskLimitStore(writer: try VegaDatabase.inMemory()) }

    @Test func v3MigrationComesAfterTheOrdersAndCreatesTheThreeTables() throws {
        let names = VegaDatabase.migrator.migrations
        #expect(names.firstIndex(of: "v3-risk-limits") == names.firstIndex(of: "v3-orders").map { $0 + 1 })
        let db = try VegaDatabase.inMemory()
        let tables = try db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(Set(["clientRiskLimit", "clientSymbolCap", "riskLimitAudit"]).isSubset(of: Set(tables)))
    }

    @Test func updateStoresFixedPointValuesAndAuditsEachChangedField() async throws {
        let s = try store()
        let first = try await s.update(ClientID("C1"), edits: [
            RiskLimitEdit(field: .maxOrderValue, value: "500000.50"),
            RiskLimitEdit(field: .maxOpenOrders, value: "5"),
            RiskLimitEdit(field: .symbolMaxOrderQuantity, instrument: reliance, value: "100"),
        ], by: "alice", at: 1_000)
        #expect(first.limits.maxOrderValue == Price(units: 5_000_005_000))
        #expect(first.changes.map(\.field) == ["maxOrderValue", "maxOpenOrders", "symbolMaxOrderQuantity"])
        #expect(first.changes.allSatisfy { $0.oldValue == nil && $0.changedBy == "alice" && $0.changedAt == 1_000 })
        // Money is an INTEGER of ₹ × 10^4 in the table, never a REAL.
        let raw = try await s.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT typeof(maxOrderValue) AS t, maxOrderValue AS v FROM clientRiskLimit")
        }
        #expect(raw?["t"] == "integer")
        #expect(raw?["v"] == 5_000_005_000 as Int64)
        // Setting the same value again and switching one off: only the real change is audited.
        let second = try await s.update(ClientID("C1"), edits: [
            RiskLimitEdit(field: .maxOpenOrders, value: "5"),
            RiskLimitEdit(field: .maxOrderValue, value: nil),
        ], by: "bob", at: 2_000)
        #expect(second.changes.count == 1)
        #expect(second.changes.first?.oldValue == "500000.50" && second.changes.first?.newValue == nil)
        let reloaded = try #require(try await s.load(ClientID("C1")))
        #expect(reloaded.maxOrderValue == nil && reloaded.maxOpenOrders == 5)
        #expect(reloaded.symbolCaps[reliance]?.maxOrderQuantity == Quantity(100))
        let audit = try await s.audit(ClientID("C1"))
        #expect(audit.map(\.changedBy) == ["bob", "alice", "alice", "alice"])
        #expect(audit.first?.field == "maxOrderValue")
    }

    @Test func aBadValueWritesNothing() async throws {
        let s = try store()
        await #expect(throws: RiskLimitEditError.self) {
            try await s.update(ClientID("C1"), edits: [RiskLimitEdit(field: .maxOpenOrders, value: "3"),
                                                       RiskLimitEdit(field: .maxDailyLoss, value: "-1")],
                               by: "alice", at: 1)
        }
        #expect(try await s.load(ClientID("C1")) == nil)
        #expect(try await s.audit(ClientID("C1")).isEmpty)
        await #expect(throws: RiskLimitStoreError.self) {
            try await s.update(ClientID("C1"), edits: [RiskLimitEdit(field: .maxOpenOrders, value: "3")], by: " ", at: 1)
        }
    }

    @Test func removingASymbolCapIsAuditedAndDeletesItsRow() async throws {
        let s = try store()
        _ = try await s.update(ClientID("C1"), edits: [
            RiskLimitEdit(field: .symbolMaxPositionQuantity, instrument: reliance, value: "1000"),
        ], by: "a", at: 1)
        let r = try await s.update(ClientID("C1"), edits: [
            RiskLimitEdit(field: .symbolMaxPositionQuantity, instrument: reliance, value: nil),
        ], by: "b", at: 2)
        #expect(r.changes.map { "\($0.field)[\($0.instrument?.rawValue ?? "")] \($0.oldValue ?? "off")->\($0.newValue ?? "off")" }
                == ["symbolMaxPositionQuantity[NSE_EQ|INE002A01018] 1000->off"])
        let rows = try await s.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM clientSymbolCap") }
        #expect(rows == 0)
    }

    @Test func seedLoadsOnlyAnEmptyTableAndIsAuditedAsSeed() async throws {
        let s = try store()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString).json")
        try Data(#"{"D1": {"maxOrderValue": "100.00", "symbolCaps": {"NSE_EQ|X": {"maxOrderQuantity": 7}}}, "D2": {}}"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try await s.seedIfEmpty(file: file, at: 5) == 2)
        #expect(try await s.seedIfEmpty(file: file, at: 6) == 0)
        let all = try await s.loadAll()
        #expect(all[ClientID("D1")]?.maxOrderValue == Price(rupees: 100))
        #expect(all[ClientID("D1")]?.symbolCaps[InstrumentKey("NSE_EQ|X")]?.maxOrderQuantity == Quantity(7))
        #expect(all[ClientID("D2")] == RiskLimits())
        #expect(try await s.audit(ClientID("D1")).allSatisfy { $0.changedBy == "seed" })
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data("[1]".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        await #expect(throws: RiskLimitStoreError.self) { try await (try store()).seedIfEmpty(file: bad, at: 1) }
    }
}
