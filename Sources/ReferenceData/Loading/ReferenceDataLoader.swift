import Foundation
import GRDB
import OMSCore

/// Loads daily reference-data files into the database: each file in one write transaction, with a report,
/// recorded in `load_runs`. A file that is not gzip/JSON/CSV, is truncated or has the wrong shape is refused
/// whole and the reference data stays exactly as it was (the refusal itself is recorded in `load_runs`).
public struct ReferenceDataLoader: Sendable {
    public let writer: any DatabaseWriter
    public let clock: any InstantClock
    public let options: LoadOptions

    public init(writer: any DatabaseWriter, clock: any InstantClock = SystemInstantClock(), options: LoadOptions = .init()) {
        self.writer = writer
        self.clock = clock
        self.options = options
    }

    /// Loads one file.
    /// - Parameters:
    ///   - kind: the kind of file; nil to tell it from the file's name and content.
    ///   - progress: called as the file is read (from the database's writer thread).
    /// - Returns: the report; `status` is `.refused` (with `error`) when the file was refused.
    ///   - options: this load's guards instead of the loader's (an operator forcing a large deactivation).
    /// - Throws: only database failures.
    public func load(path: String, kind: ReferenceFileKind? = nil, options: LoadOptions? = nil,
                     progress: (@Sendable (LoadProgress) -> Void)? = nil) async throws -> LoadReport {
        let fileName = (path as NSString).lastPathComponent
        var report = LoadReport(fileName: fileName, kind: kind, startedAt: clock.now())
        do {
            let k = try kind ?? Self.detectKind(path: path)
            report.kind = k
            let start = report
            let now = clock.now()
            let options = options ?? self.options
            let clock = self.clock
            report = try await writer.write { db in
                var r = start
                let source = ByteSource(path: path)
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
                let onProgress: (Int64, Int64) -> Void = { done, total in
                    progress?(LoadProgress(fileName: fileName, bytesRead: done, totalBytes: total))
                }
                switch k {
                case .bod:
                    var load = InstrumentMasterLoad(db: db, options: options, now: now, report: r)
                    let sha = try load.run(source: source, progress: onProgress)
                    r = load.report
                    r.sha256 = sha
                case .mis, .mtf, .suspended:
                    var load = InstrumentListLoad(db: db, kind: k, now: now, fileName: fileName, report: r)
                    load.options = options
                    let sha = try load.run(source: source, progress: onProgress)
                    r = load.report
                    r.sha256 = sha
                default:
                    let (text, sha) = try Self.readText(source, limit: 64 << 20, progress: onProgress)
                    var load = DailyInputLoad(db: db, kind: k, report: r)
                    try load.run(text: text)
                    r = load.report
                    r.sha256 = sha
                }
                r.byteCount = size
                r.finishedAt = clock.now()
                r.runID = try Self.record(r, db)
                return r
            }
            return report
        } catch let error as ReferenceFileError {
            report.clearCounts()
            report.status = .refused
            report.error = error
            report.finishedAt = clock.now()
            report.sha256 = Self.sha256(path: path)
            let r = report
            report.runID = try await writer.write { db in try Self.record(r, db) }
            return report
        }
    }

    /// Loads several files in the order given; stops at nothing (each gets its own report).
    public func load(paths: [String], kind: ReferenceFileKind? = nil,
                     progress: (@Sendable (LoadProgress) -> Void)? = nil) async throws -> [LoadReport] {
        var out: [LoadReport] = []
        for p in paths { out.append(try await load(path: p, kind: kind, progress: progress)) }
        return out
    }

    private static func record(_ r: LoadReport, _ db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO load_runs (file_name, kind, sha256, byte_count, started_at, finished_at, read_count,
                inserted_count, updated_count, unchanged_count, deactivated_count, rejected_count, status, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.fileName, r.kind?.rawValue ?? "unknown", r.sha256, r.byteCount, r.startedAt, r.finishedAt,
                             r.read, r.inserted, r.updated, r.unchanged, r.deactivated, r.rejectedCount,
                             r.status.rawValue, r.error?.description])
        let id = db.lastInsertedRowID
        let stmt = try db.cachedStatement(sql: "INSERT INTO load_run_rejections (load_run_id, record_index, reason) VALUES (?, ?, ?)")
        for rej in r.rejections { try stmt.execute(arguments: [id, rej.index, rej.reason]) }
        return id
    }

    private static func sha256(path: String) -> String? {
        try? ByteSource(path: path).stream(consume: { _ in })
    }

    private static func readText(_ source: ByteSource, limit: Int,
                                 progress: (Int64, Int64) -> Void) throws -> (String, String) {
        var data: [UInt8] = []
        let sha = try source.stream(progress: progress) { chunk in
            guard data.count + chunk.count <= limit else {
                throw ReferenceFileError(.wrongShape, "a CSV daily input larger than \(limit >> 20) MB")
            }
            data.append(contentsOf: chunk)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ReferenceFileError(.notJSON, "not text: the file is not UTF-8")
        }
        return (text, sha)
    }

    private struct Enough: Error {}

    /// The first `max` plain bytes of a file (inflated if gzip); errors past them are ignored here.
    static func plainHead(path: String, max: Int = 256 * 1024) throws -> [UInt8] {
        var head: [UInt8] = []
        do {
            _ = try ByteSource(path: path).stream { chunk in
                head.append(contentsOf: chunk.prefix(max - head.count))
                if head.count >= max { throw Enough() }
            }
        } catch is Enough {
        } catch let e as ReferenceFileError where e.code == .truncated && !head.isEmpty {
        }
        return head
    }

    /// Tells the kind from the file name (Upstox names) or, failing that, from the content:
    /// a CSV header's columns, or the first records of a JSON array.
    public static func detectKind(path: String) throws -> ReferenceFileKind {
        let head = try plainHead(path: path)
        var i = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < head.count, JSONArrayScanner.isSpace(head[i]) { i += 1 }
        guard i < head.count else { throw ReferenceFileError(.notJSON, "the file is empty") }
        let first = head[i]
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            if let k = ReferenceFileKind.fromFileName(path), k.isInstrumentJSON { return k }
            return try sniffJSON(head)
        }
        // CSV: the first line that is not blank or a `#` comment is the header.
        var lineStart = i
        while lineStart < head.count, head[lineStart] == UInt8(ascii: "#") || head[lineStart] == 0x0A
                || head[lineStart] == 0x0D {
            guard let nl = head[lineStart...].firstIndex(of: 0x0A) else { break }
            lineStart = nl + 1
        }
        if lineStart < head.count,
           let nl = head[lineStart...].firstIndex(of: 0x0A) ?? (head.count < 256 * 1024 ? head.count : nil),
           let line = String(validating: head[lineStart..<nl], as: UTF8.self), line.contains(",") {
            let columns = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0).trimmingSpaces.trimmingCharacters(in: CharacterSet(charactersIn: "\"\r")).lowercased() }
            if let k = ReferenceFileKind.fromCSVHeader(columns) { return k }
            throw ReferenceFileError(.unknownKind, "CSV header `\(line.prefix(120))` names no known daily input; pass --kind")
        }
        if ReferenceFileKind.fromFileName(path) != nil || path.lowercased().contains(".json") {
            throw ReferenceFileError(.notJSON, "not JSON: the file starts with byte 0x\(String(first, radix: 16))")
        }
        throw ReferenceFileError(.notJSON, "neither JSON nor CSV: the file starts with byte 0x\(String(first, radix: 16))")
    }

    private static func sniffJSON(_ head: [UInt8]) throws -> ReferenceFileKind {
        var scanner = JSONArrayScanner()
        var decoder = InstrumentRecordDecoder()
        var sawDerivativeOrIndex = false
        var sawMIS = false
        var records = 0
        do {
            try head.withUnsafeBytes { buf in
                try scanner.feed(buf) { element, index in
                    records += 1
                    guard let row = try? decoder.decode(element, index: index) else { return }
                    if row.intradayMargin != nil { sawMIS = true }
                    if row.segment.isDerivative || row.segment.isIndex { sawDerivativeOrIndex = true }
                }
            }
        } catch let e as ReferenceFileError where e.code == .wrongShape || e.code == .notJSON {
            throw e
        }
        if sawMIS { return .mis }
        if sawDerivativeOrIndex { return .bod }
        throw ReferenceFileError(.unknownKind, records == 0
            ? "an empty list: its kind cannot be told from its content; pass --kind"
            : "cannot tell a BOD master from an MTF or suspended list by content (no derivatives or indices); pass --kind")
    }
}
