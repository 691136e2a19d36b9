import GRDB
import GRDBSQLite

/// Binds one row's values straight into a prepared statement with SQLite's C API and runs it. The journal
/// writes several rows per order on the hot path; building GRDB `StatementArguments` (an array of
/// existentials per row) cost more than SQLite itself. Use only inside a write on the statement's database.
struct SQLiteRowWriter {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private let statement: Statement
    private let handle: OpaquePointer
    private var index: Int32 = 0

    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    mutating func int(_ v: Int64?) {
        index += 1
        if let v { sqlite3_bind_int64(handle, index, v) } else { sqlite3_bind_null(handle, index) }
    }

    mutating func int(_ v: Int?) { int(v.map(Int64.init)) }
    mutating func int(_ v: Int32?) { int(v.map(Int64.init)) }
    mutating func bool(_ v: Bool) { int(v ? 1 : 0) }

    /// The row's texts, back to back, bound when the row runs (SQLite reads them in place: binding each with a
    /// copy of its own cost SQLite a malloc, a copy and a free per value, ~17 % of the journal's time).
    private var textBytes: [UInt8] = []
    private var texts: [(index: Int32, start: Int, count: Int)] = []

    mutating func text(_ v: String?) {
        index += 1
        guard var text = v else { sqlite3_bind_null(handle, index); return }
        if textBytes.isEmpty { textBytes.reserveCapacity(256) }
        let start = textBytes.count
        text.withUTF8 { textBytes.append(contentsOf: $0) }
        texts.append((index, start, textBytes.count - start))
    }

    mutating func null() {
        index += 1
        sqlite3_bind_null(handle, index)
    }

    /// The row's blobs (held, not copied), bound in place when the row runs: a group commit's message blocks are
    /// tens of kilobytes, which SQLite would otherwise copy.
    private var blobs: [(index: Int32, bytes: [UInt8])] = []

    mutating func blob(_ v: [UInt8]) {
        index += 1
        // An empty array has no base address, and a null pointer would bind NULL: bind a zero-length blob.
        if v.isEmpty { sqlite3_bind_zeroblob(handle, index, 0); return }
        blobs.append((index, v))
    }

    /// Binds blobs `i…` in place and runs `body` while their storage is pinned.
    private func withBlobsBound<R>(from i: Int, _ body: () throws -> R) rethrows -> R {
        guard i < blobs.count else { return try body() }
        return try blobs[i].bytes.withUnsafeBytes { p in
            sqlite3_bind_blob(handle, blobs[i].index, p.baseAddress, Int32(p.count), nil)
            return try withBlobsBound(from: i + 1, body)
        }
    }

    /// Runs the statement (every parameter must have been given); returns the number of rows it changed.
    @discardableResult
    func run() throws -> Int {
        precondition(index == sqlite3_bind_parameter_count(handle),
                     "\(index) values bound for \(sqlite3_bind_parameter_count(handle)) parameters in \(statement.sql)")
        return try textBytes.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                for t in texts {
                    // An empty text still needs an address: a NULL pointer would bind SQL NULL.
                    if t.count == 0 || chars.baseAddress == nil {
                        sqlite3_bind_text(handle, t.index, "", 0, Self.transient)
                    } else {
                        sqlite3_bind_text(handle, t.index, chars.baseAddress! + t.start, Int32(t.count), nil)
                    }
                }
                return try withBlobsBound(from: 0) { try step() }
            }
        }
    }

    /// Runs the bound statement; the texts and blobs bound without a copy are valid only during this call.
    private func step() throws -> Int {
        let code = sqlite3_step(handle)
        // Reset and bindings cleared: nothing keeps a pointer into this row's texts and blobs.
        defer { sqlite3_reset(handle); sqlite3_clear_bindings(handle) }
        guard code == SQLITE_DONE else {
            let message = sqlite3_db_handle(handle).map { String(cString: sqlite3_errmsg($0)) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        return Int(sqlite3_changes(sqlite3_db_handle(handle)))
    }
}
