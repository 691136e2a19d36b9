import Foundation
import GRDB

/// Opens `vega_trade.db` (WAL mode) and applies the migrations.
public enum VegaDatabase {
    /// How hard each commit is pushed to disk. `.normal` survives a killed process (kill -9);
    /// `.full` also survives a power cut, at the cost of an fsync per group commit.
    public enum Durability: String, Sendable { case normal, full }

    /// Opens (creating if needed) the database file and migrates it to the current schema.
    /// - Parameter backgroundCheckpoints: SQLite's automatic checkpoint (done by the writer after a commit)
    ///   is turned off; the caller runs a `WALCheckpointer` instead.
    public static func open(path: String, durability: Durability = .full,
                            backgroundCheckpoints: Bool = false) throws -> DatabasePool {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(10)
        let sync = durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(sync)")
            if backgroundCheckpoints { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
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
        // Reference data (issue 3): instrument master, load audit, daily lists. The `instruments` table keeps
        // the design's columns, constraints and indexes; the columns after `qty_multiplier` are Vega's.
        // Units: tick_size in paise and the other design REAL columns as published; strike_price and the
        // price-band limits are fixed-point INTEGERs (₹ × 10^4); expiry is epoch milliseconds.
        m.registerMigration("v2-reference-data") { db in
            try db.execute(sql: """
                CREATE TABLE instruments (
                    instrument_key TEXT PRIMARY KEY,
                    segment TEXT NOT NULL,
                    name TEXT NOT NULL,
                    exchange TEXT NOT NULL,
                    instrument_type TEXT NOT NULL,
                    trading_symbol TEXT NOT NULL,
                    lot_size INTEGER,
                    tick_size REAL,
                    freeze_quantity REAL,
                    security_type TEXT,
                    mtf_enabled BOOLEAN DEFAULT FALSE,
                    mtf_bracket REAL,
                    intraday_margin REAL,
                    intraday_leverage REAL,
                    qty_multiplier REAL,
                    isin TEXT,
                    exchange_token TEXT,
                    expiry INTEGER,
                    strike_price INTEGER,
                    option_type TEXT,
                    underlying_key TEXT,
                    underlying_symbol TEXT,
                    underlying_type TEXT,
                    weekly BOOLEAN,
                    short_name TEXT,
                    minimum_lot INTEGER,
                    active BOOLEAN NOT NULL DEFAULT TRUE,
                    suspended BOOLEAN NOT NULL DEFAULT FALSE,
                    content_hash INTEGER NOT NULL DEFAULT 0,
                    updated_at INTEGER,
                    UNIQUE(trading_symbol, segment)
                )
                """)
            try db.execute(sql: "CREATE INDEX idx_instruments_instrument_key ON instruments(instrument_key)")
            try db.execute(sql: "CREATE INDEX idx_instruments_trading_symbol ON instruments(trading_symbol)")
            try db.execute(sql: "CREATE INDEX idx_instruments_segment ON instruments(segment)")
            try db.execute(sql: """
                CREATE TABLE load_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file_name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    sha256 TEXT,
                    byte_count INTEGER,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    read_count INTEGER NOT NULL DEFAULT 0,
                    inserted_count INTEGER NOT NULL DEFAULT 0,
                    updated_count INTEGER NOT NULL DEFAULT 0,
                    unchanged_count INTEGER NOT NULL DEFAULT 0,
                    deactivated_count INTEGER NOT NULL DEFAULT 0,
                    rejected_count INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL CHECK (status IN ('succeeded', 'refused', 'failed')),
                    error TEXT
                )
                """)
            try db.execute(sql: """
                CREATE TABLE load_run_rejections (
                    load_run_id INTEGER NOT NULL REFERENCES load_runs(id) ON DELETE CASCADE,
                    record_index INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (load_run_id, record_index)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE price_bands (
                    trade_date TEXT NOT NULL,
                    instrument_key TEXT NOT NULL REFERENCES instruments(instrument_key),
                    lower_limit INTEGER NOT NULL,
                    upper_limit INTEGER NOT NULL,
                    PRIMARY KEY (trade_date, instrument_key),
                    CHECK (lower_limit > 0 AND lower_limit <= upper_limit)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE surveillance_list (
                    trade_date TEXT NOT NULL,
                    instrument_key TEXT NOT NULL REFERENCES instruments(instrument_key),
                    framework TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    PRIMARY KEY (trade_date, instrument_key, framework)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE ipo_listings (
                    listing_date TEXT NOT NULL,
                    instrument_key TEXT NOT NULL REFERENCES instruments(instrument_key),
                    event TEXT NOT NULL CHECK (event IN ('IPO', 'RELISTING')),
                    issue_price INTEGER,
                    PRIMARY KEY (listing_date, instrument_key)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE t2t_series (
                    exchange TEXT NOT NULL,
                    series TEXT NOT NULL,
                    description TEXT,
                    PRIMARY KEY (exchange, series)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE exchange_holidays (
                    holiday_date TEXT NOT NULL,
                    exchange TEXT NOT NULL,
                    holiday_type TEXT NOT NULL
                        CHECK (holiday_type IN ('TRADING_HOLIDAY', 'SETTLEMENT_HOLIDAY', 'SPECIAL_TIMING')),
                    description TEXT NOT NULL,
                    open_time TEXT,
                    close_time TEXT,
                    PRIMARY KEY (holiday_date, exchange, holiday_type)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE client_product_permissions (
                    client_id TEXT PRIMARY KEY,
                    products TEXT NOT NULL
                )
                """)
        }
        // Orders (issue 5): orders, every report, executions and positions, written in the transactions that
        // hold the outbound FIX messages (see OrderJournal).
        m.registerMigration("v3-orders") { db in try OrderSchema.create(db) }
        // Risk limits (issue 4): per-client limits, symbol caps and their audit (RiskLimitSchema.swift).
        m.registerMigration(RiskLimitSchema.migrationName, migrate: RiskLimitSchema.migrate)
        // Reconciliation with the brokers' books (issue 6): runs and the differences found (ReconciliationSchema.swift).
        m.registerMigration(ReconciliationSchema.migrationName, migrate: ReconciliationSchema.migrate)
        // Fewer B-trees per commit on the order path (OrderSchema.compact).
        m.registerMigration(OrderSchema.compactMigrationName, migrate: OrderSchema.compact)
        // Sent FIX messages in blocks, one row per session per group commit (FIXMessageBlocks.swift).
        m.registerMigration(FIXMessageBlocks.migrationName, migrate: FIXMessageBlocks.migrate)
        // An order's market-protection price, so that an order placed again after a restart goes with it.
        m.registerMigration(OrderSchema.protectionMigrationName) { db in
            try db.execute(sql: "ALTER TABLE clientOrder ADD COLUMN protectionPrice INTEGER")
        }
        return m
    }
}
