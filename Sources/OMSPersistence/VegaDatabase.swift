import Foundation
import GRDB

/// Opens `vega_trade.db` (WAL mode) and applies the migrations.
public enum VegaDatabase {
    /// How hard each commit is pushed to disk. `.normal` survives a killed process (kill -9);
    /// `.full` also survives a power cut, at the cost of an fsync per group commit.
    public enum Durability: String, Sendable { case normal, full }

    /// Opens (creating if needed) the database file and migrates it to the current schema.
    public static func open(path: String, durability: Durability = .full) throws -> DatabasePool {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(10)
        let sync = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(sync)")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try migrator.migrate(pool)
        return pool
    }

    /// An in-memory database with the real migrations, for tests.
    public static func inMemory() throws -> DatabaseQueue {
        let q = try DatabaseQueue()
        try migrator.migrate(q)
        return q
    }

    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-fix-store") { db in
            try db.create(table: "fixSession") { t in
                t.primaryKey("id", .text)
                t.column("beginString", .text).notNull()
                t.column("senderCompID", .text).notNull()
                t.column("targetCompID", .text).notNull()
                t.column("nextSenderMsgSeqNum", .integer).notNull()
                t.column("nextTargetMsgSeqNum", .integer).notNull()
                t.column("creationTime", .integer).notNull()
            }
            try db.create(table: "fixMessage") { t in
                t.column("fixSessionID", .text).notNull().references("fixSession", onDelete: .cascade)
                t.column("msgSeqNum", .integer).notNull()
                t.column("message", .blob).notNull()
                t.primaryKey(["fixSessionID", "msgSeqNum"])
            }
        }
        return m
    }
}
