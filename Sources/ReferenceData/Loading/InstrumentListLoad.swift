import Foundation
import GRDB
import OMSCore

/// One MIS, MTF or suspended-list load inside one write transaction. These lists are overlays on the
/// master: each is the complete list for its scope (MIS: the exchanges in the file or its name; MTF and
/// suspended: all), so instruments no longer listed lose the flag ("deactivated" in the report).
struct InstrumentListLoad {
    private struct Overlay: Equatable {
        var a: Int64?
        var b: Int64?
        var flag: Bool
    }

    let db: Database
    let kind: ReferenceFileKind
    let now: Date
    /// MIS only: exchanges named by the file name (`NSE_MIS.json.gz` → NSE), even if the file is empty.
    let scopeHint: Set<String>
    var report: LoadReport

    /// Rows named by a valid record, and by a malformed one (kept as they are).
    private var seen = RowIDSet()
    private var kept = RowIDSet()
    private var seenExchanges = Set<String>()
    private var find: Statement?

    /// The partial-file guard (`LoadOptions.maxDeactivationFraction`, `deactivationGuardMinimum`).
    var options = LoadOptions()

    init(db: Database, kind: ReferenceFileKind, now: Date, fileName: String, report: LoadReport) {
        self.db = db
        self.kind = kind
        self.now = now
        self.report = report
        let upper = fileName.uppercased()
        scopeHint = Set(["NSE", "BSE", "MCX"].filter { upper.hasPrefix($0 + "_") })
    }

    /// rowid, exchange, value a, value b, flag.
    private var columnsSQL: String {
        switch kind {
        case .mis: "rowid, exchange, intraday_margin, intraday_leverage, intraday_margin IS NOT NULL"
        case .mtf: "rowid, exchange, mtf_bracket, NULL, COALESCE(mtf_enabled, 0)"
        default: "rowid, exchange, NULL, NULL, suspended"
        }
    }

    private var flaggedSQL: String {
        switch kind {
        case .mis: "intraday_margin IS NOT NULL"
        case .mtf: "COALESCE(mtf_enabled, 0) = 1"
        default: "suspended = 1"
        }
    }

    private var setSQL: String {
        switch kind {
        case .mis: "UPDATE instruments SET intraday_margin = ?, intraday_leverage = ?, updated_at = ? WHERE rowid = ?"
        case .mtf: "UPDATE instruments SET mtf_bracket = ?, mtf_enabled = ?, updated_at = ? WHERE rowid = ?"
        default: "UPDATE instruments SET suspended = ?, updated_at = ? WHERE rowid = ?"
        }
    }

    private func lookup(_ key: String) throws -> (rowid: Int64, exchange: String, overlay: Overlay)? {
        guard let r = try Row.fetchOne(find!, arguments: [key]) else { return nil }
        let a: Double? = r[2]
        let b: Double? = r[3]
        return (r[0], r[1], Overlay(a: InstrumentRepository.units(a, scale: Rate.scale),
                                    b: InstrumentRepository.units(b, scale: Rate.scale), flag: r[4]))
    }

    mutating func run(source: ByteSource, progress: (Int64, Int64) -> Void) throws -> String {
        find = try db.cachedStatement(sql: "SELECT \(columnsSQL) FROM instruments WHERE instrument_key = ?")
        let set = try db.cachedStatement(sql: setSQL)
        var scanner = JSONArrayScanner()
        var decoder = InstrumentRecordDecoder()
        let sha = try source.stream(progress: progress) { chunk in
            try scanner.feed(chunk) { element, index in
                report.read += 1
                do {
                    let row = try decoder.decode(element, index: index)
                    try apply(row, index: index, set: set)
                } catch let m as InstrumentRecordDecoder.Malformed {
                    report.reject(index, m.reason)
                    // Keep today's flag of a known instrument whose record is broken.
                    if let key = m.instrumentKey, let e = try lookup(key) { kept.insert(e.rowid) }
                }
            }
        }
        try scanner.finish()
        try clearUnlisted(set: set)
        return sha
    }

    private mutating func apply(_ row: InstrumentRow, index: Int, set: Statement) throws {
        let key = row.instrumentKey
        guard let e = try lookup(key) else {
            report.reject(index, "instrument_key \(key) is not in the instrument master")
            return
        }
        if seen.contains(e.rowid) {
            report.reject(index, "duplicate instrument_key \(key) in this file")
            return
        }
        seen.insert(e.rowid)
        let wanted: Overlay
        switch kind {
        case .mis:
            guard let m = row.intradayMargin, let l = row.intradayLeverage else {
                throw InstrumentRecordDecoder.Malformed(reason: "MIS record without intraday_margin and intraday_leverage",
                                                        instrumentKey: key)
            }
            guard m.units > 0, m.units <= 100 * Rate.scale, l.units > 0 else {
                throw InstrumentRecordDecoder.Malformed(
                    reason: "intraday_margin must be in (0, 100] and intraday_leverage positive", instrumentKey: key)
            }
            wanted = Overlay(a: m.units, b: l.units, flag: true)
        case .mtf:
            if let b = row.mtfBracket, b.units <= 0 || b.units > 100 * Rate.scale {
                throw InstrumentRecordDecoder.Malformed(reason: "mtf_bracket must be in (0, 100]", instrumentKey: key)
            }
            wanted = Overlay(a: row.mtfBracket?.units, b: nil, flag: row.mtfEnabled ?? true)
        default:
            wanted = Overlay(a: nil, b: nil, flag: true)
        }
        seenExchanges.insert(e.exchange)
        if e.overlay == wanted {
            report.unchanged += 1
            return
        }
        try write(e.rowid, wanted, set: set)
        if e.overlay.flag { report.updated += 1 } else { report.inserted += 1 }
    }

    private func write(_ rowid: Int64, _ o: Overlay, set: Statement) throws {
        let ms = Int64(now.timeIntervalSince1970 * 1000)
        func d(_ u: Int64?) -> Double? { u.map { Double($0) / Double(Rate.scale) } }
        switch kind {
        case .mis:
            try set.execute(arguments: [o.flag ? d(o.a) : nil, o.flag ? d(o.b) : nil, ms, rowid])
        case .mtf:
            try set.execute(arguments: [d(o.a), o.flag, ms, rowid])
        default:
            try set.execute(arguments: [o.flag, ms, rowid])
        }
    }

    private mutating func clearUnlisted(set: Statement) throws {
        let scope = seenExchanges.union(scopeHint)
        var clear: [Int64] = []
        var flagged = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, exchange FROM instruments WHERE \(flaggedSQL) ORDER BY instrument_key")
        while let r = try rows.next() {
            let rowid: Int64 = r[0]
            let exchange: String = r[1]
            if kind == .mis && !scope.contains(exchange) { continue }
            flagged += 1
            guard !seen.contains(rowid), !kept.contains(rowid) else { continue }
            clear.append(rowid)
        }
        // A list cut short (an empty suspended list, half a MIS list) would lift the flag from most instruments at
        // once: refused like a partial BOD file, unless allowed.
        // Of those on the list before this file (the ones it put on do not water the share down).
        let before = flagged - report.inserted
        if options.isPartial(removing: clear.count, of: before) {
            throw ReferenceFileError(
                .massDeactivation,
                "the file would take \(clear.count) of \(before) instruments off the \(kind.rawValue) list "
                    + options.partialFileHint)
        }
        for rowid in clear {
            try write(rowid, Overlay(a: nil, b: nil, flag: false), set: set)
            report.deactivated += 1
        }
    }
}
