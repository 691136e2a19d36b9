import Foundation
import GRDB
import OMSCore

/// One audited change of one limit field.
public struct RiskLimitAuditEntry: Hashable, Sendable, Codable {
    public var id: Int64
    /// Epoch milliseconds.
    public var changedAt: Int64
    public var changedBy: String
    public var client: ClientID
    public var field: String
    public var instrument: InstrumentKey?
    /// Shown as people read them (`500000.00`, `10`); nil = off.
    public var oldValue: String?
    public var newValue: String?
}

/// The outcome of `RiskLimitStore.update`: the limits now stored and the audit rows written (changed fields only).
public struct RiskLimitUpdate: Hashable, Sendable {
    public var limits: RiskLimits
    public var changes: [RiskLimitAuditEntry]
}

/// A change the store refuses; nothing was written.
public struct RiskLimitStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

/// Per-client risk limits in SQLite (migration "v3-risk-limits"): load them for the engine, change them with an
/// audit row per changed field (who, when, old, new) in the same transaction.
public struct RiskLimitStore: Sendable {
    public let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    /// Every client's limits.
    public func loadAll() async throws -> [ClientID: RiskLimits] {
        try await writer.read { db in
            var all: [ClientID: RiskLimits] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM clientRiskLimit") {
                all[ClientID(try row.decode(forColumn: "clientID"))] = try Self.limits(row)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM clientSymbolCap") {
                let client = ClientID(try row.decode(forColumn: "clientID"))
                let key = InstrumentKey(try row.decode(forColumn: "instrumentKey"))
                all[client]?.symbolCaps[key] = try Self.cap(row)
            }
            return all
        }
    }

    /// One client's limits, nil when the client has none.
    public func load(_ client: ClientID) async throws -> RiskLimits? {
        try await writer.read { db in try Self.fetch(db, client: client) }
    }

    /// Applies `edits` in order to the client's limits (a client without limits starts from every rule off) and
    /// writes the result with one audit row per changed field, in one transaction.
    /// - Throws: `RiskLimitEditError` for a bad value, `RiskLimitStoreError` for a missing user or client; then
    ///   nothing is written.
    public func update(_ client: ClientID, edits: [RiskLimitEdit], by user: String, at epochMilliseconds: Int64)
        async throws -> RiskLimitUpdate
    {
        try Self.validate(client: client, user: user)
        guard !edits.isEmpty else { throw RiskLimitStoreError("no change given") }
        return try await writer.write { db in
            let old = try Self.fetch(db, client: client)
            var new = old ?? RiskLimits()
            for e in edits { try new.apply(e) }
            let result = try Self.save(db, client: client, old: old, new: new, by: user, at: epochMilliseconds)
            // A first row that sets nothing would be a client with every limit off, stored without an audit row
            // (and so never handed to the engine until a restart gave it unlimited trading): refused, rolled back.
            if old == nil && result.changes.isEmpty {
                throw RiskLimitStoreError("client \(client.rawValue) has no limits yet and the change sets none: "
                                          + "give at least one limit a value")
            }
            return result
        }
    }

    /// Stores `limits` as they are (e.g. from the seed file), audited like any change.
    public func replace(_ client: ClientID, with limits: RiskLimits, by user: String, at epochMilliseconds: Int64)
        async throws -> RiskLimitUpdate
    {
        try Self.validate(client: client, user: user)
        return try await writer.write { db in
            try Self.save(db, client: client, old: try Self.fetch(db, client: client), new: limits, by: user,
                          at: epochMilliseconds)
        }
    }

    /// The client's audit trail, newest first.
    public func audit(_ client: ClientID, limit: Int = 100) async throws -> [RiskLimitAuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM riskLimitAudit WHERE clientID = ? ORDER BY id DESC LIMIT ?",
                             arguments: [client.rawValue, limit]).map { try Self.entry($0) }
        }
    }

    /// Loads the seed file (a JSON object of `RiskLimits` by client id) when no client has limits yet.
    /// - Returns: the number of clients stored (0 when the table already had rows or there is no file).
    public func seedIfEmpty(file: URL, at epochMilliseconds: Int64) async throws -> Int {
        guard FileManager.default.fileExists(atPath: file.path) else { return 0 }
        let count = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM clientRiskLimit") }
        guard count == 0 else { return 0 }
        let seeds: [String: RiskLimits]
        do {
            seeds = try JSONDecoder().decode([String: RiskLimits].self, from: Data(contentsOf: file))
        } catch {
            throw RiskLimitStoreError("\(file.path): not a JSON object of risk limits by client: \(error)")
        }
        for (client, limits) in seeds.sorted(by: { $0.key < $1.key }) {
            _ = try await replace(ClientID(client), with: limits, by: "seed", at: epochMilliseconds)
        }
        return seeds.count
    }

    // MARK: - Rows

    static func validate(client: ClientID, user: String) throws {
        guard !client.rawValue.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RiskLimitStoreError("the client id is empty")
        }
        guard !user.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RiskLimitStoreError("who made the change is missing (the audit needs a user)")
        }
    }

    static func fetch(_ db: Database, client: ClientID) throws -> RiskLimits? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clientRiskLimit WHERE clientID = ?",
                                         arguments: [client.rawValue]) else { return nil }
        var l = try limits(row)
        for r in try Row.fetchAll(db, sql: "SELECT * FROM clientSymbolCap WHERE clientID = ?",
                                  arguments: [client.rawValue]) {
            l.symbolCaps[InstrumentKey(try r.decode(forColumn: "instrumentKey"))] = try cap(r)
        }
        return l
    }

    static func save(_ db: Database, client: ClientID, old: RiskLimits?, new: RiskLimits, by user: String,
                     at time: Int64) throws -> RiskLimitUpdate {
        let money = { (p: Price?) in p?.units }
        try db.execute(sql: """
            INSERT INTO clientRiskLimit (clientID, maxOrderValue, maxOrderQuantity, maxOpenOrders, maxOpenValue,
                                         maxDailyLoss, availableMargin, intradayVaRLimit, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(clientID) DO UPDATE SET
                maxOrderValue = excluded.maxOrderValue, maxOrderQuantity = excluded.maxOrderQuantity,
                maxOpenOrders = excluded.maxOpenOrders, maxOpenValue = excluded.maxOpenValue,
                maxDailyLoss = excluded.maxDailyLoss, availableMargin = excluded.availableMargin,
                intradayVaRLimit = excluded.intradayVaRLimit, updatedAt = excluded.updatedAt
            """, arguments: [client.rawValue, money(new.maxOrderValue), new.maxOrderQuantity?.value,
                             new.maxOpenOrders, money(new.maxOpenValue), money(new.maxDailyLoss),
                             money(new.availableMargin), money(new.intradayVaRLimit), time])
        try db.execute(sql: "DELETE FROM clientSymbolCap WHERE clientID = ?", arguments: [client.rawValue])
        for (key, cap) in new.symbolCaps.caps.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: """
                INSERT INTO clientSymbolCap (clientID, instrumentKey, maxOrderQuantity, maxPositionQuantity)
                VALUES (?, ?, ?, ?)
                """, arguments: [client.rawValue, key.rawValue, cap.maxOrderQuantity?.value,
                                 cap.maxPositionQuantity?.value])
        }
        var changes: [RiskLimitAuditEntry] = []
        for (field, instrument) in fields(old, new) {
            let before = old?.text(of: field, instrument: instrument)
            let after = new.text(of: field, instrument: instrument)
            guard before != after else { continue }
            try db.execute(sql: """
                INSERT INTO riskLimitAudit (changedAt, changedBy, clientID, field, instrumentKey, oldValue, newValue)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [time, user, client.rawValue, field.rawValue, instrument?.rawValue, before, after])
            changes.append(RiskLimitAuditEntry(id: db.lastInsertedRowID, changedAt: time, changedBy: user,
                                               client: client, field: field.rawValue, instrument: instrument,
                                               oldValue: before, newValue: after))
        }
        return RiskLimitUpdate(limits: new, changes: changes)
    }

    /// Every field of either version: the client-wide ones, then the caps of every instrument in either.
    static func fields(_ old: RiskLimits?, _ new: RiskLimits) -> [(RiskLimitField, InstrumentKey?)] {
        var list: [(RiskLimitField, InstrumentKey?)] = RiskLimitField.allCases.filter { !$0.isSymbolCap }
            .map { ($0, nil) }
        let keys = Set(new.symbolCaps.caps.keys).union(old.map { Array($0.symbolCaps.caps.keys) } ?? [])
        for key in keys.sorted() {
            list.append((.symbolMaxOrderQuantity, key))
            list.append((.symbolMaxPositionQuantity, key))
        }
        return list
    }

    /// The stored row's limits; throws (naming the column and row) for a value that is not what its column holds.
    static func limits(_ row: Row) throws -> RiskLimits {
        let money = { (column: String) throws in try row.decode(Int64?.self, forColumn: column).map { Price(units: $0) } }
        return RiskLimits(maxOrderValue: try money("maxOrderValue"),
                          maxOrderQuantity: try row.decode(Int64?.self, forColumn: "maxOrderQuantity").map { Quantity($0) },
                          maxOpenOrders: try row.decode(forColumn: "maxOpenOrders"), maxOpenValue: try money("maxOpenValue"),
                          maxDailyLoss: try money("maxDailyLoss"), availableMargin: try money("availableMargin"),
                          intradayVaRLimit: try money("intradayVaRLimit"))
    }

    static func cap(_ row: Row) throws -> SymbolCap {
        SymbolCap(maxOrderQuantity: try row.decode(Int64?.self, forColumn: "maxOrderQuantity").map { Quantity($0) },
                  maxPositionQuantity: try row.decode(Int64?.self, forColumn: "maxPositionQuantity").map { Quantity($0) })
    }

    static func entry(_ row: Row) throws -> RiskLimitAuditEntry {
        RiskLimitAuditEntry(id: try row.decode(forColumn: "id"), changedAt: try row.decode(forColumn: "changedAt"),
                            changedBy: try row.decode(forColumn: "changedBy"),
                            client: ClientID(try row.decode(forColumn: "clientID")), field: try row.decode(forColumn: "field"),
                            instrument: try row.decode(String?.self, forColumn: "instrumentKey").map { InstrumentKey($0) },
                            oldValue: try row.decode(forColumn: "oldValue"), newValue: try row.decode(forColumn: "newValue"))
    }
}
