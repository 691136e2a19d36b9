import Foundation
import GRDB
import OMSCore

/// Options for a load.
public struct LoadOptions: Sendable {
    /// A BOD file that would deactivate more than this fraction of the active instruments of its segments
    /// is refused (a partial or wrong file at 06:00 must not switch the market off).
    public var maxDeactivationFraction: Double = 0.5
    /// The guard above applies only when the segments hold at least this many active instruments.
    public var deactivationGuardMinimum = 100
    public init(maxDeactivationFraction: Double = 0.5, deactivationGuardMinimum: Int = 100) {
        self.maxDeactivationFraction = maxDeactivationFraction
        self.deactivationGuardMinimum = deactivationGuardMinimum
    }

    /// True when taking `removed` of `count` instruments off (out of the master, or off a list) looks like a partial
    /// file: more than the fraction allowed, of at least the minimum.
    func isPartial(removing removed: Int, of count: Int) -> Bool {
        count >= deactivationGuardMinimum && Double(removed) > maxDeactivationFraction * Double(count)
    }

    /// "(more than 50 %); is it a partial file?"
    var partialFileHint: String { "(more than \(Int(maxDeactivationFraction * 100)) %); is it a partial file?" }
}

/// One BOD (full master) load inside one write transaction: upserts changed rows, leaves unchanged rows
/// alone (content hash), marks instruments of the file's segments that are missing from it inactive.
///
/// Memory does not grow with the file: each record is looked up by primary key, and the load remembers
/// the rows it has seen as a bit set of rowids.
struct InstrumentMasterLoad {
    private static let columns = [
        "segment", "name", "exchange", "instrument_type", "trading_symbol", "lot_size", "tick_size",
        "freeze_quantity", "security_type", "qty_multiplier", "isin", "exchange_token", "expiry", "strike_price",
        "option_type", "underlying_key", "underlying_symbol", "underlying_type", "weekly", "short_name",
        "minimum_lot", "active", "content_hash", "updated_at",
    ]
    static let insertSQL = "INSERT INTO instruments (instrument_key, \(columns.joined(separator: ", "))) VALUES (?"
        + String(repeating: ", ?", count: columns.count) + ")"
    static let updateSQL = "UPDATE instruments SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) "
        + "WHERE instrument_key = ?"

    private struct Existing {
        var rowid: Int64
        var hash: Int64
        var active: Bool
    }

    let db: Database
    let options: LoadOptions
    let now: Date
    var report: LoadReport

    /// Rows named by a valid record of this file.
    private var seen = RowIDSet()
    /// Rows named by a malformed record: kept as they are, not deactivated.
    private var kept = RowIDSet()
    private var seenSegments = Set<Segment>()
    /// Records whose trading symbol is held by an instrument that may still leave the file.
    private var deferred: [(row: InstrumentRow, index: Int)] = []
    private var deferredKeys = Set<String>()
    private let nowMillis: Int64
    private var find: Statement?
    /// The table was empty when the load began: no lookups needed (a repeated key fails the primary key).
    private var startedEmpty = false
    private var insert: Statement?
    private var update: Statement?

    init(db: Database, options: LoadOptions, now: Date, report: LoadReport) {
        self.db = db
        self.options = options
        self.now = now
        self.report = report
        self.nowMillis = Int64(now.timeIntervalSince1970 * 1000)
    }

    mutating func run(source: ByteSource, progress: (Int64, Int64) -> Void) throws -> String {
        find = try db.cachedStatement(sql: "SELECT rowid, content_hash, active FROM instruments WHERE instrument_key = ?")
        insert = try db.cachedStatement(sql: Self.insertSQL)
        update = try db.cachedStatement(sql: Self.updateSQL)
        startedEmpty = try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM instruments)") ?? false)
        var scanner = JSONArrayScanner()
        var decoder = InstrumentRecordDecoder()
        let sha = try source.stream(progress: progress) { chunk in
            try scanner.feed(chunk) { element, index in
                report.read += 1
                let row: InstrumentRow
                do {
                    row = try decoder.decode(element, index: index)
                } catch let m as InstrumentRecordDecoder.Malformed {
                    report.reject(index, m.reason)
                    // A known instrument with a broken record today is kept as it is, not deactivated.
                    if let key = m.instrumentKey, let e = try lookup(key) { kept.insert(e.rowid) }
                    return
                }
                try apply(row, index: index, final: false)
            }
        }
        try scanner.finish()
        try deactivateMissing()
        for d in deferred { try apply(d.row, index: d.index, final: true) }
        return sha
    }

    private func lookup(_ key: String) throws -> Existing? {
        guard let row = try Row.fetchOne(find!, arguments: [key]) else { return nil }
        return Existing(rowid: try row.decode(atIndex: 0), hash: try row.decode(atIndex: 1),
                        active: try row.decode(atIndex: 2))
    }

    private mutating func apply(_ row: InstrumentRow, index: Int, final: Bool) throws {
        let key = row.instrumentKey
        seenSegments.insert(row.segment)
        if !final && deferredKeys.contains(key) {
            report.reject(index, "duplicate instrument_key \(key) in this file")
            return
        }
        let hash = row.contentHash
        let existing = startedEmpty && !final ? nil : try lookup(key)
        if let e = existing {
            if !final && seen.contains(e.rowid) {
                report.reject(index, "duplicate instrument_key \(key) in this file")
                return
            }
            seen.insert(e.rowid)
            if e.hash == hash && e.active {
                report.unchanged += 1
                return
            }
        }
        do {
            if existing == nil {
                try insert!.execute(arguments: StatementArguments([key] + values(row, hash: hash)))
                seen.insert(db.lastInsertedRowID)
                report.inserted += 1
            } else {
                try update!.execute(arguments: StatementArguments(values(row, hash: hash) + [key]))
                report.updated += 1
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            try clearFailedStatements()
            report.reject(index, "duplicate instrument_key \(key) in this file")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            try clearFailedStatements()
            try symbolConflict(row, index: index, isNew: existing == nil, final: final)
        }
    }

    /// A statement whose step failed reports that error again on its next reset (sqlite3_reset), so it is
    /// replaced by a freshly prepared one.
    private mutating func clearFailedStatements() throws {
        insert = try db.makeStatement(sql: Self.insertSQL)
        update = try db.makeStatement(sql: Self.updateSQL)
    }

    /// The (trading_symbol, segment) is held by another instrument.
    private mutating func symbolConflict(_ row: InstrumentRow, index: Int, isNew: Bool, final: Bool) throws {
        guard let holder = try Row.fetchOne(
            db, sql: "SELECT rowid, instrument_key, active FROM instruments WHERE trading_symbol = ? AND segment = ?",
            arguments: [row.tradingSymbol, row.segment.rawValue])
        else {
            report.reject(index, "cannot store \(row.instrumentKey): constraint violation")
            return
        }
        let holderRowID: Int64 = holder[0]
        let holderKey: String = holder[1]
        let holderActive: Bool = holder[2]
        if seen.contains(holderRowID) {
            report.reject(index, "trading_symbol \(row.tradingSymbol) is already used in \(row.segment.rawValue) by "
                          + "\(holderKey) in this file")
            return
        }
        if holderActive && !final {
            // The holder may still appear later in the file, or be deactivated at the end: decide then.
            deferred.append((row, index))
            if isNew { deferredKeys.insert(row.instrumentKey) }
            return
        }
        if holderActive {
            report.reject(index, "trading_symbol \(row.tradingSymbol) is held by active instrument \(holderKey)")
            return
        }
        // An inactive instrument keeps its row (orders refer to it) but gives its symbol up.
        try db.execute(sql: "UPDATE instruments SET trading_symbol = trading_symbol || ' [' || instrument_key || ']', "
                       + "updated_at = ? WHERE rowid = ?", arguments: [nowMillis, holderRowID])
        let hash = row.contentHash
        if isNew {
            try insert!.execute(arguments: StatementArguments([row.instrumentKey] + values(row, hash: hash)))
            seen.insert(db.lastInsertedRowID)
            report.inserted += 1
        } else {
            try update!.execute(arguments: StatementArguments(values(row, hash: hash) + [row.instrumentKey]))
            report.updated += 1
        }
    }

    private mutating func deactivateMissing() throws {
        guard !seenSegments.isEmpty else { return }
        let segments = seenSegments.map(\.rawValue).sorted()
        var missing: [Int64] = []
        // Per segment: a file whole for one segment and cut short for another (10 of 5,000 BSE equities beside
        // every NSE contract) is partial, however small the part missing is of the whole.
        var perSegment: [String: (active: Int, missing: Int)] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT rowid, segment FROM instruments WHERE active AND segment IN (\(segments.map { _ in "?" }.joined(separator: ","))) "
                + "ORDER BY instrument_key",
            arguments: StatementArguments(segments))
        while let r = try rows.next() {
            let rowid: Int64 = r[0]
            let segment: String = r[1]
            perSegment[segment, default: (0, 0)].active += 1
            if !seen.contains(rowid) && !kept.contains(rowid) {
                missing.append(rowid)
                perSegment[segment, default: (0, 0)].missing += 1
            }
        }
        // And over all of them, for several small segments cut short together.
        let total = perSegment.values.reduce((active: 0, missing: 0)) { ($0.active + $1.active, $0.missing + $1.missing) }
        let checked = perSegment.sorted(by: { $0.key < $1.key }).map { ($0.key + " ", $0.value) } + [("", total)]
        for (segment, n) in checked where options.isPartial(removing: n.missing, of: n.active) {
            throw ReferenceFileError(
                .massDeactivation,
                "the file would deactivate \(n.missing) of \(n.active) active \(segment)instruments " + options.partialFileHint)
        }
        let stmt = try db.cachedStatement(sql: "UPDATE instruments SET active = 0, updated_at = ? WHERE rowid = ?")
        for rowid in missing {
            try stmt.execute(arguments: [nowMillis, rowid])
            report.deactivated += 1
        }
    }

    private func values(_ r: InstrumentRow, hash: Int64) -> [(any DatabaseValueConvertible)?] {
        [
            r.segment.rawValue, r.name, r.exchange, r.instrumentType, r.tradingSymbol, r.lotSize,
            r.tickSize.map { Double($0.units) / 100 },  // paise, as published
            r.freezeQuantity.map { Double($0) }, r.securityType,
            r.qtyMultiplier.map { Double($0.units) / Double(Rate.scale) },
            r.isin, r.exchangeToken, r.expiry, r.strikePrice?.units, r.optionType?.rawValue, r.underlyingKey,
            r.underlyingSymbol, r.underlyingType, r.weekly, r.shortName, r.minimumLot, true, hash, nowMillis,
        ]
    }
}
