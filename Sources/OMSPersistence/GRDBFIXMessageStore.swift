import FIXProtocol
import Foundation
import FIXSession
import GRDB
import NIOConcurrencyHelpers

/// The FIX message store in SQLite. Enqueued operations are committed by one writer task in groups:
/// everything pending goes into one transaction, then every waiter up to that point is released.
///
/// An inbound sequence number alone (`setNextTarget`, no message, no attachment) does not start a commit:
/// it rides with the next one (the reply to the message, usually), or is committed after `lazyDelay`, or
/// as soon as someone waits for it. It is never committed before the effects of the messages it counts, so
/// a crash can only make the peer send again what was not yet acted upon durably.
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
        var lazyScheduled = false
        var failure: Error?
        var waiters: [(UInt64, CheckedContinuation<Void, Error>)] = []
    }

    /// Writes the application data of one group commit (all its attachments, in order) inside its transaction.
    public typealias AttachmentWriter = @Sendable ([any FIXStoreAttachment], Database) throws -> Void

    let writer: any DatabaseWriter
    let attachmentWriter: AttachmentWriter?
    /// Per session, the highest sequence number in `fixMessage` (nil: not read yet). Used by `apply` only,
    /// which runs inside the database writer, one commit at a time.
    private var highestStored: [String: Int] = [:]
    private let state = NIOLockedValueBox(State())

    /// How long an inbound sequence number alone may wait for a commit to ride with.
    static let lazyDelay = Duration.milliseconds(5)

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
        let lazy = p.attachments.isEmpty && !p.operations.isEmpty && p.operations.allSatisfy {
            if case .setNextTarget = $0 { return true } else { return false }
        }
        let (ticket, start, schedule) = state.withLockedValue { s -> (UInt64, Bool, Bool) in
            s.enqueued += 1
            s.pending.append(p)
            if lazy && !s.writerRunning {
                defer { s.lazyScheduled = true }
                return (s.enqueued, false, !s.lazyScheduled)
            }
            let start = !s.writerRunning
            s.writerRunning = true
            return (s.enqueued, start, false)
        }
        if start { Task.detached { await self.drain() } }
        if schedule {
            Task.detached {
                try? await Task.sleep(for: Self.lazyDelay)
                self.startWriterIfIdle(clearingSchedule: true)
            }
        }
        return ticket
    }

    /// Starts the writer when something is pending and no writer runs.
    private func startWriterIfIdle(clearingSchedule: Bool = false) {
        let start = state.withLockedValue { s -> Bool in
            if clearingSchedule { s.lazyScheduled = false }
            guard !s.writerRunning, !s.pending.isEmpty else { return false }
            s.writerRunning = true
            return true
        }
        if start { Task.detached { await self.drain() } }
    }

    static let trace = ProcessInfo.processInfo.environment["VEGA_STORE_TRACE"] != nil
    public static let traceStats = NIOLockedValueBox<(Int, Int, Duration)>((0, 0, .zero))
    public var durableTicket: FIXStoreTicket { state.withLockedValue { $0.durable } }

    public func waitDurable(_ ticket: FIXStoreTicket) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            let result: Result<Void, Error>? = state.withLockedValue { s in
                if let f = s.failure { return .failure(f) }
                if s.durable >= ticket { return .success(()) }
                s.waiters.append((ticket, c))
                return nil
            }
            if let r = result { c.resume(with: r) } else { startWriterIfIdle() }
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
                let t0 = ContinuousClock.now
                try await writer.write { db in try self.apply(batch, db) }
                if Self.trace { Self.traceStats.withLockedValue { $0.0 += 1; $0.1 += batch.count; $0.2 += ContinuousClock.now - t0 } }
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
        // Sessions of this commit (a handful): found by comparison, not by hashing three strings per message.
        var sessions: [(id: FIXSessionID, key: String, sender: Int?, target: Int?, sent: [(seq: Int, bytes: [UInt8])])] = []
        func slot(_ id: FIXSessionID) -> Int {
            if let i = sessions.lastIndex(where: { $0.id == id }) { return i }
            sessions.append((id, Self.key(id), nil, nil, []))
            return sessions.count - 1
        }
        var current = -1
        for p in batch {
            guard let id = p.id else { continue }
            if current < 0 || sessions[current].id != id { current = slot(id) }
            for op in p.operations {
                switch op {
                case .setNextSender(let n): sessions[current].sender = n
                case .setNextTarget(let n): sessions[current].target = n
                case .storeSent(let seq, let bytes): sessions[current].sent.append((seq, bytes))
                case .reset(let t):
                    let key = sessions[current].key
                    sessions[current].sent.removeAll()
                    try db.execute(sql: "DELETE FROM fixMessage WHERE fixSessionID = ?", arguments: [key])
                    highestStored[key] = 0
                    try db.execute(sql: """
                        INSERT INTO fixSession (id, beginString, senderCompID, targetCompID, nextSenderMsgSeqNum,
                                                nextTargetMsgSeqNum, creationTime) VALUES (?, ?, ?, ?, 1, 1, ?)
                        ON CONFLICT(id) DO UPDATE SET nextSenderMsgSeqNum = 1, nextTargetMsgSeqNum = 1,
                                                      creationTime = excluded.creationTime
                        """, arguments: [key, id.beginString, id.senderCompID, id.targetCompID, t.nanoseconds])
                    sessions[current].sender = nil
                    sessions[current].target = nil
                }
            }
        }
        for s in sessions {
            if !s.sent.isEmpty {
                highestStored[s.key] = try FIXMessageBlocks.write(s.sent, session: s.key, highest: highestStored[s.key], db)
            }
            if let n = s.sender {
                try db.execute(sql: "UPDATE fixSession SET nextSenderMsgSeqNum = ? WHERE id = ?", arguments: [n, s.key])
            }
            if let n = s.target {
                try db.execute(sql: "UPDATE fixSession SET nextTargetMsgSeqNum = ? WHERE id = ?", arguments: [n, s.key])
            }
        }
    }

    public func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])] {
        // Committed rows, then what is in flight and pending, in order.
        let (inflight, pending) = state.withLockedValue { ($0.inflight, $0.pending) }
        var result: [Int: [UInt8]] = [:]
        let stored = try writer.read { db in try FIXMessageBlocks.read(session: Self.key(id), from: from, to: to, db) }
        for m in stored { result[m.seq] = m.bytes }
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
