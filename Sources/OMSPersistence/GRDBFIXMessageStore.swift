import FIXProtocol
import Foundation
import FIXSession
import GRDB
import NIOConcurrencyHelpers

/// The FIX message store in SQLite. Enqueued operations are committed by one writer task in groups:
/// everything pending goes into one transaction, then every waiter up to that point is released.
public final class GRDBFIXMessageStore: FIXMessageStore, @unchecked Sendable {
    // @unchecked: all mutable state is in `state`, guarded by its lock; `writer` is GRDB's thread-safe writer.
    private struct Pending {
        var id: FIXSessionID?
        var operations: [FIXStoreOperation]
        var attachments: [any FIXStoreAttachment] = []
    }

    private struct State {
        var pending: [Pending] = []
        var inflight: [Pending] = []
        var enqueued: UInt64 = 0
        var durable: UInt64 = 0
        var writerRunning = false
        var failure: Error?
        var waiters: [(UInt64, CheckedContinuation<Void, Error>)] = []
    }

    /// Writes the application data of one group commit (all its attachments, in order) inside its transaction.
    public typealias AttachmentWriter = @Sendable ([any FIXStoreAttachment], Database) throws -> Void

    let writer: any DatabaseWriter
    let attachmentWriter: AttachmentWriter?
    private let state = NIOLockedValueBox(State())

    public init(writer: any DatabaseWriter, attachmentWriter: AttachmentWriter? = nil) {
        self.writer = writer
        self.attachmentWriter = attachmentWriter
    }

    static func key(_ id: FIXSessionID) -> String { id.description }

    public func open(_ id: FIXSessionID, now: FIXTimestamp) throws -> FIXStoreSnapshot {
        try writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT nextSenderMsgSeqNum, nextTargetMsgSeqNum, creationTime FROM fixSession WHERE id = ?",
                                          arguments: [Self.key(id)]) {
                return FIXStoreSnapshot(nextSenderMsgSeqNum: row[0], nextTargetMsgSeqNum: row[1],
                                        creationTime: FIXTimestamp(nanoseconds: row[2]))
            }
            try db.execute(sql: """
                INSERT INTO fixSession (id, beginString, senderCompID, targetCompID, nextSenderMsgSeqNum,
                                        nextTargetMsgSeqNum, creationTime) VALUES (?, ?, ?, ?, 1, 1, ?)
                """, arguments: [Self.key(id), id.beginString, id.senderCompID, id.targetCompID, now.nanoseconds])
            return FIXStoreSnapshot(nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1, creationTime: now)
        }
    }

    @discardableResult
    public func enqueue(_ id: FIXSessionID, _ operations: [FIXStoreOperation]) -> FIXStoreTicket {
        enqueue(Pending(id: id, operations: operations))
    }

    /// Attachments are written by `attachmentWriter`, in the same transaction.
    @discardableResult
    public func enqueue(_ id: FIXSessionID?, _ operations: [FIXStoreOperation],
                        attachments: [any FIXStoreAttachment]) -> FIXStoreTicket {
        enqueue(Pending(id: id, operations: operations, attachments: attachments))
    }

    private func enqueue(_ p: Pending) -> FIXStoreTicket {
        let (ticket, start) = state.withLockedValue { s -> (UInt64, Bool) in
            s.enqueued += 1
            s.pending.append(p)
            let start = !s.writerRunning
            s.writerRunning = true
            return (s.enqueued, start)
        }
        if start { Task.detached { await self.drain() } }
        return ticket
    }

    public var durableTicket: FIXStoreTicket { state.withLockedValue { $0.durable } }

    public func waitDurable(_ ticket: FIXStoreTicket) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            let result: Result<Void, Error>? = state.withLockedValue { s in
                if let f = s.failure { return .failure(f) }
                if s.durable >= ticket { return .success(()) }
                s.waiters.append((ticket, c))
                return nil
            }
            if let r = result { c.resume(with: r) }
        }
    }

    /// Waits until everything enqueued so far is durable.
    public func flush() async throws {
        let t = state.withLockedValue { $0.enqueued }
        try await waitDurable(t)
    }

    private func drain() async {
        while true {
            let (batch, upTo) = state.withLockedValue { s -> ([Pending], UInt64) in
                let b = s.pending
                s.pending.removeAll(keepingCapacity: true)
                s.inflight = b
                if b.isEmpty { s.writerRunning = false }
                return (b, s.enqueued)
            }
            if batch.isEmpty { return }
            do {
                try await writer.write { db in try self.apply(batch, db) }
                let ready = state.withLockedValue { s -> [CheckedContinuation<Void, Error>] in
                    s.durable = upTo
                    s.inflight.removeAll()
                    var done: [CheckedContinuation<Void, Error>] = []
                    s.waiters.removeAll { w in
                        if w.0 <= upTo { done.append(w.1); return true }
                        return false
                    }
                    return done
                }
                for c in ready { c.resume() }
            } catch {
                let all = state.withLockedValue { s -> [CheckedContinuation<Void, Error>] in
                    s.failure = error
                    s.writerRunning = false
                    let w = s.waiters.map(\.1)
                    s.waiters.removeAll()
                    return w
                }
                for c in all { c.resume(throwing: error) }
                return
            }
        }
    }

    private func apply(_ batch: [Pending], _ db: Database) throws {
        let attachments = batch.flatMap(\.attachments)
        if !attachments.isEmpty {
            guard let write = attachmentWriter else {
                preconditionFailure("GRDBFIXMessageStore was given attachments but has no attachmentWriter")
            }
            try write(attachments, db)
        }
        var seqs: [FIXSessionID: (sender: Int?, target: Int?)] = [:]
        let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO fixMessage (fixSessionID, msgSeqNum, message) VALUES (?, ?, ?)")
        for p in batch {
            guard let id = p.id else { continue }
            let key = Self.key(id)
            for op in p.operations {
                switch op {
                case .setNextSender(let n): seqs[id, default: (nil, nil)].sender = n
                case .setNextTarget(let n): seqs[id, default: (nil, nil)].target = n
                case .storeSent(let seq, let bytes):
                    try insert.execute(arguments: [key, seq, Data(bytes)])
                case .reset(let t):
                    try db.execute(sql: "DELETE FROM fixMessage WHERE fixSessionID = ?", arguments: [key])
                    try db.execute(sql: """
                        INSERT INTO fixSession (id, beginString, senderCompID, targetCompID, nextSenderMsgSeqNum,
                                                nextTargetMsgSeqNum, creationTime) VALUES (?, ?, ?, ?, 1, 1, ?)
                        ON CONFLICT(id) DO UPDATE SET nextSenderMsgSeqNum = 1, nextTargetMsgSeqNum = 1,
                                                      creationTime = excluded.creationTime
                        """, arguments: [key, id.beginString, id.senderCompID, id.targetCompID, t.nanoseconds])
                    seqs[id] = (nil, nil)
                }
            }
        }
        for (id, s) in seqs {
            if let n = s.sender {
                try db.execute(sql: "UPDATE fixSession SET nextSenderMsgSeqNum = ? WHERE id = ?", arguments: [n, Self.key(id)])
            }
            if let n = s.target {
                try db.execute(sql: "UPDATE fixSession SET nextTargetMsgSeqNum = ? WHERE id = ?", arguments: [n, Self.key(id)])
            }
        }
    }

    public func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])] {
        // Committed rows, then what is in flight and pending, in order.
        let (inflight, pending) = state.withLockedValue { ($0.inflight, $0.pending) }
        var result: [Int: [UInt8]] = [:]
        let rows = try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT msgSeqNum, message FROM fixMessage WHERE fixSessionID = ? AND msgSeqNum BETWEEN ? AND ?",
                             arguments: [Self.key(id), from, to])
        }
        for r in rows {
            let data: Data = r[1]
            result[r[0]] = [UInt8](data)
        }
        for p in inflight + pending where p.id == id {
            for op in p.operations {
                switch op {
                case .storeSent(let seq, let bytes) where seq >= from && seq <= to: result[seq] = bytes
                case .reset: result.removeAll()
                default: break
                }
            }
        }
        return result.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
