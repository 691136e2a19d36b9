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

    mutating func text(_ v: String?) {
        index += 1
        guard var text = v else { sqlite3_bind_null(handle, index); return }
        _ = text.withUTF8 { p in
            p.withMemoryRebound(to: CChar.self) { c in
                // An empty buffer may have no address, and a NULL pointer would bind SQL NULL.
                guard let base = c.baseAddress, !c.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
                return sqlite3_bind_text(handle, index, base, Int32(c.count), Self.transient)
            }
        }
    }

    mutating func null() {
        index += 1
        sqlite3_bind_null(handle, index)
    }

    mutating func blob(_ v: [UInt8]) {
        index += 1
        // An empty array has no base address, and a null pointer would bind NULL: bind a zero-length blob.
        if v.isEmpty { sqlite3_bind_zeroblob(handle, index, 0); return }
        _ = v.withUnsafeBytes { p in sqlite3_bind_blob(handle, index, p.baseAddress, Int32(p.count), Self.transient) }
    }

    /// Runs the statement (every parameter must have been given); returns the number of rows it changed.
    @discardableResult
    func run() throws -> Int {
        precondition(index == sqlite3_bind_parameter_count(handle),
                     "\(index) values bound for \(sqlite3_bind_parameter_count(handle)) parameters in \(statement.sql)")
        let code = sqlite3_step(handle)
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            let message = sqlite3_db_handle(handle).map { String(cString: sqlite3_errmsg($0)) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
        return Int(sqlite3_changes(sqlite3_db_handle(handle)))
    }
}
