import Foundation
import GRDB

/// Sent FIX messages are stored in blocks: one row holds the messages one session sent within one group
/// commit (up to `maxSpan` sequence numbers), instead of one row per message. Under load a commit carries
/// hundreds of messages, and one row per message made the message store the larger part of the writer's work.
///
/// Row: `msgSeqNum` (the first), `lastMsgSeqNum`, `blockIndex` (per message: sequence number minus the first,
/// then length; two little-endian UInt32s; NULL for a block of one message) and `message` (the messages
/// back to back). Blocks of a session never overlap: storing a sequence number again (after sequence
/// numbers were set back by hand) rewrites the blocks it falls in.
enum FIXMessageBlocks {
    /// The most sequence numbers one block spans; bounds the search for the blocks that hold a number.
    static let maxSpan = 4096

    static let insertSQL = """
        INSERT INTO fixMessage (fixSessionID, msgSeqNum, lastMsgSeqNum, blockIndex, message) VALUES (?, ?, ?, ?, ?)
        """

    /// Writes `messages` (sequence number, bytes) of one session. `highest`: the highest number stored for the
    /// session so far (nil: unknown, read from the table). Returns the new highest.
    static func write(_ messages: [(seq: Int, bytes: [UInt8])], session key: String, highest: Int?,
                      _ db: Database) throws -> Int {
        guard !messages.isEmpty else { return highest ?? 0 }
        var sorted = messages
        if !zip(messages, messages.dropFirst()).allSatisfy({ $0.seq < $1.seq }) { sorted = lastWins(messages) }
        let stored = try highest ?? highestStored(session: key, db)
        if sorted[0].seq <= stored { sorted = try merge(sorted, session: key, db) }
        let insert = try db.cachedStatement(sql: insertSQL)
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].seq - sorted[start].seq < maxSpan { end += 1 }
            let block = sorted[start..<end]
            var row = SQLiteRowWriter(insert)
            row.text(key)
            row.int(block.first!.seq)
            row.int(block.last!.seq)
            if block.count == 1 {
                row.null()
                row.blob(block.first!.bytes)
            } else {
                var index = [UInt8]()
                index.reserveCapacity(block.count * 8)
                var body = [UInt8]()
                body.reserveCapacity(block.reduce(0) { $0 + $1.bytes.count })
                let first = block.first!.seq
                for m in block {
                    append(UInt32(m.seq - first), to: &index)
                    append(UInt32(m.bytes.count), to: &index)
                    body.append(contentsOf: m.bytes)
                }
                row.blob(index)
                row.blob(body)
            }
            try row.run()
            start = end
        }
        return max(stored, sorted.last!.seq)
    }

    /// The stored messages with `from <= seq <= to`, and the blocks that could not be read (their messages left out).
    static func read(session key: String, from: Int, to: Int,
                     _ db: Database) throws -> (messages: [(seq: Int, bytes: [UInt8])], damaged: [CorruptBlock]) {
        let rows = try Row.fetchAll(db, sql: """
            SELECT msgSeqNum, blockIndex, message FROM fixMessage
            WHERE fixSessionID = ? AND msgSeqNum BETWEEN ? AND ? AND lastMsgSeqNum >= ?
            ORDER BY msgSeqNum
            """, arguments: [key, from - maxSpan, to, from])
        var messages: [(seq: Int, bytes: [UInt8])] = []
        var damaged: [CorruptBlock] = []
        for r in rows {
            do {
                let block = try decode(first: try r.decode(atIndex: 0), index: try r.decode(atIndex: 1),
                                       body: try r.decode(atIndex: 2))
                messages += block.filter { $0.seq >= from && $0.seq <= to }
            } catch let e as CorruptBlock {
                damaged.append(e)
            }
        }
        return (messages, damaged)
    }

    /// A block whose index does not describe its body (cut short, lengths that do not add up, numbers out of
    /// order): read, it is an error naming the block (a resend then says so and gap-fills, instead of silently
    /// leaving out what the index no longer reaches).
    struct CorruptBlock: Error, CustomStringConvertible {
        var first: Int
        var problem: String
        var description: String { "stored message block from MsgSeqNum \(first) is corrupt: \(problem)" }
    }

    static func decode(first: Int, index: Data?, body: Data) throws -> [(seq: Int, bytes: [UInt8])] {
        guard let index else { return [(first, [UInt8](body))] }
        let idx = [UInt8](index)
        let bytes = [UInt8](body)
        guard idx.count % 8 == 0, !idx.isEmpty else { throw CorruptBlock(first: first, problem: "index of \(idx.count) bytes") }
        var out: [(seq: Int, bytes: [UInt8])] = []
        var offset = 0
        var i = 0
        var last = -1
        while i + 8 <= idx.count {
            let delta = Int(uint32(idx, i))
            let length = Int(uint32(idx, i + 4))
            guard delta > last, delta < maxSpan else { throw CorruptBlock(first: first, problem: "sequence offsets out of order") }
            guard offset + length <= bytes.count else { throw CorruptBlock(first: first, problem: "lengths past its body") }
            out.append((first + delta, Array(bytes[offset..<offset + length])))
            offset += length
            last = delta
            i += 8
        }
        guard offset == bytes.count else { throw CorruptBlock(first: first, problem: "lengths short of its body") }
        return out
    }

    private static func highestStored(session key: String, _ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT lastMsgSeqNum FROM fixMessage WHERE fixSessionID = ? ORDER BY msgSeqNum DESC LIMIT 1",
                         arguments: [key]) ?? 0
    }

    /// The blocks the new messages fall in are read, deleted and written again with the new messages in them.
    private static func merge(_ messages: [(seq: Int, bytes: [UInt8])], session key: String,
                              _ db: Database) throws -> [(seq: Int, bytes: [UInt8])] {
        let lo = messages.first!.seq, hi = messages.last!.seq
        let rows = try Row.fetchAll(db, sql: """
            SELECT msgSeqNum, blockIndex, message FROM fixMessage
            WHERE fixSessionID = ? AND msgSeqNum BETWEEN ? AND ? AND lastMsgSeqNum >= ?
            """, arguments: [key, lo - maxSpan, hi, lo])
        var merged: [(seq: Int, bytes: [UInt8])] = []
        for r in rows {
            let first: Int = try r.decode(atIndex: 0)
            merged += try decode(first: first, index: try r.decode(atIndex: 1), body: try r.decode(atIndex: 2))
            try db.execute(sql: "DELETE FROM fixMessage WHERE fixSessionID = ? AND msgSeqNum = ?", arguments: [key, first])
        }
        return lastWins(merged.sorted { $0.seq < $1.seq } + messages)
    }

    /// Sorted by sequence number; of two messages with one number, the later in `messages` stays.
    private static func lastWins(_ messages: [(seq: Int, bytes: [UInt8])]) -> [(seq: Int, bytes: [UInt8])] {
        var bySeq: [Int: [UInt8]] = [:]
        for m in messages { bySeq[m.seq] = m.bytes }
        return bySeq.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private static func append(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private static func uint32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static let migrationName = "v7-fix-message-blocks"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE fixMessage_new (
                fixSessionID TEXT NOT NULL,
                msgSeqNum INTEGER NOT NULL,
                lastMsgSeqNum INTEGER NOT NULL,
                blockIndex BLOB,
                message BLOB NOT NULL,
                PRIMARY KEY (fixSessionID, msgSeqNum)
            ) WITHOUT ROWID
            """)
        try db.execute(sql: "INSERT INTO fixMessage_new SELECT fixSessionID, msgSeqNum, msgSeqNum, NULL, message FROM fixMessage")
        try db.execute(sql: "DROP TABLE fixMessage")
        try db.execute(sql: "ALTER TABLE fixMessage_new RENAME TO fixMessage")
    }
}
