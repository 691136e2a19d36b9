import Foundation
import GRDB
@testable import OMSPersistence
import Testing

/// The journal's row writer: texts and blobs are bound in place (no copy), so each value must come back exactly
/// — empty text as empty text, not NULL — and one row's values never leak into the next row of the statement.
struct SQLiteRowWriterTests {
    @Test func valuesComeBackExactlyRowAfterRow() throws {
        let db = try DatabaseQueue()
        let long = String(repeating: "₹ 日本 héllo ", count: 500)
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let rows = try db.write { db -> [Row] in
            try db.execute(sql: "CREATE TABLE t (a TEXT, b TEXT, c TEXT, d BLOB, e INTEGER, f BLOB)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
            var w = SQLiteRowWriter(insert)
            w.text("")
            w.text(nil)
            w.text(long)
            w.blob([1, 2, 3])
            w.int(Int64(42))
            w.blob([])
            try w.run()
            var x = SQLiteRowWriter(insert)
            x.text("second")
            x.text("ünïcode")
            x.text("")
            x.null()
            x.int(nil as Int64?)
            x.blob([9])
            try x.run()
            var y = SQLiteRowWriter(insert)
            y.text("third")
            y.text(nil)
            y.text(nil)
            y.blob(big)
            y.int(Int64(3))
            y.blob([7, 7])
            try y.run()
            return try Row.fetchAll(db, sql: "SELECT a, b, c, d, e, f, typeof(a), typeof(f) FROM t ORDER BY rowid")
        }
        #expect(rows.count == 3)
        #expect(rows[0][0] as String? == "" && rows[0][6] as String == "text")
        #expect(rows[0][1] as String? == nil)
        #expect(rows[0][2] as String? == long)
        #expect(rows[0][3] as Data? == Data([1, 2, 3]) && rows[0][4] as Int64? == 42)
        #expect(rows[0][7] as String == "blob")
        #expect(rows[1][0] as String? == "second" && rows[1][1] as String? == "ünïcode" && rows[1][2] as String? == "")
        #expect(rows[1][3] as Data? == nil && rows[1][4] as Int64? == nil && rows[1][5] as Data? == Data([9]))
        #expect(rows[2][3] as Data? == Data(big) && rows[2][5] as Data? == Data([7, 7]) && rows[2][1] as String? == nil)
    }
}
