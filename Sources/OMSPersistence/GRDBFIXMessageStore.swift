import FIXProtocol
import Foundation
import FIXSession
import GRDB
import NIOConcurrencyHelpers
import OMSCore

/// The FIX message store in SQLite. Enqueued operations are committed by one writer thread in groups:
/// everything pending goes into one transaction, then every waiter up to that point is released.
///
/// An inbound sequence number alone (`setNextTarget`, no message, no attachment) does not start a commit:
/// it rides with the next one (the reply to the message, usually), or is committed after `lazyDelay`, or
/// as soon as someone waits for it. The session never hands the store a number past a message whose effects
/// are not yet with the store (`FIXApplicationResult.handedOn`): what it counts is committed with those effects
/// or after them, in enqueue order.
///
/// An open group (`beginGroup`) holds back everything enqueued since it opened until `endGroup`: the
/// group commits in one transaction, so messages that belong together (a report and its drop copies)
/// are durable all or none.
public final class GRDBFIXMessageStore: FIXMessageStore, @unchecked Sendable {
    // @unchecked: all mutable state is in `state`, guarded by `condition`; `highestStored` is used by the
    // writer thread only; `writer` is GRDB's thread-safe writer.
    private struct Pending {
        var id: FIXSessionID?
        var operations: [FIXStoreOperation]
        var attachments: [any FIXStoreAttachment] = []
        var ticket: FIXStoreTicket = 0
    }

    private struct State {
        var pending: [Pending] = []
        var inflight: [Pending] = []
        var enqueued: UInt64 = 0
        var durable: UInt64 = 0
        var writerRunning = false
        /// Something pending must be committed now (not only inbound sequence numbers), or someone waits.
        var urgent = false
        /// When the oldest uncommitted inbound sequence number alone was enqueued.
        var lazySince: ContinuousClock.Instant?
        var failure: Error?
        /// `requestWALReset` was called: checkpoint after the next commit.
        var walResetDue = false
        var waiters: [(UInt64, CheckedContinuation<Void, Error>)] = []
        /// Open groups (`beginGroup`): their first ticket. Nothing from the lowest on is committed meanwhile.
        var groups: [Int: FIXStoreTicket] = [:]
        var lastGroup = 0
    }

    /// Writes the application data of one group commit (all its attachments, in order) inside its transaction.
    public typealias AttachmentWriter = @Sendable ([any FIXStoreAttachment], Database) throws -> Void

    let writer: any DatabaseWriter
    let attachmentWriter: AttachmentWriter?
    /// Per session, the highest sequence number in `fixMessage` (nil: not read yet). Used by `apply` only,
    /// which runs inside the database writer, one commit at a time.
    private var highestStored: [String: Int] = [:]
    /// Told after each commit, and at a failure (`addDurableObserver`).
    private let observers = NIOLockedValueBox<(next: Int, all: [Int: @Sendable (Bool) -> Void])>((1, [:]))
    /// Guards `state` and wakes the writer thread.
    private let condition = NSCondition()
    private var state = State()

    /// How long an inbound sequence number alone may wait for a commit to ride with.
    static let lazyDelay = Duration.milliseconds(5)

    /// - Parameter report: told when commits start failing with a condition that may pass (a full disk) and
    ///   when they succeed again; standard error by default.
    public init(writer: any DatabaseWriter, attachmentWriter: AttachmentWriter? = nil,
                report: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) {
        self.writer = writer
        self.attachmentWriter = attachmentWriter
        self.report = report
    }

    private let report: @Sendable (String) -> Void

    /// A commit that failed on a condition that may pass (the disk or the database's size limit is full; the
    /// database is locked) is tried again; any other failure stops the store.
    static func mayPass(_ error: any Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return [.SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED].contains(e.resultCode)
    }

    /// The first pause after a commit failed on a condition that may pass; it doubles up to `maxRetryPause`.
    static let firstRetryPause = Duration.milliseconds(50)
    static let maxRetryPause = Duration.seconds(2)

    /// Asks the writer to checkpoint the WAL itself after its next commit (a PASSIVE checkpoint between two
    /// commits). Call it after each background checkpoint (`WALCheckpointer.run(every:then:)`): a checkpoint
    /// from another connection copies the log into the database but, with this writer almost always inside
    /// a transaction, never finds the log fully copied when one begins, so the log is never started again
    /// from its beginning and grows without end (hundreds of MB a second under load, every commit writing
    /// into fresh file pages). Run by the writer, with nothing written meanwhile, the checkpoint copies only
    /// the frames committed since the background one (a short pause), and the next commit starts the log again.
    public func requestWALReset() { locked { $0.walResetDue = true } }

    static func key(_ id: FIXSessionID) -> String { id.description }

    public func open(_ id: FIXSessionID, now: FIXTimestamp) throws -> FIXStoreSnapshot {
        try writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT nextSenderMsgSeqNum, nextTargetMsgSeqNum, creationTime FROM fixSession WHERE id = ?",
                                          arguments: [Self.key(id)]) {
                return FIXStoreSnapshot(nextSenderMsgSeqNum: try row.decode(atIndex: 0),
                                        nextTargetMsgSeqNum: try row.decode(atIndex: 1),
                                        creationTime: FIXTimestamp(nanoseconds: try row.decode(atIndex: 2)))
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
        var p = p
        let lazy = p.attachments.isEmpty && !p.operations.isEmpty && p.operations.allSatisfy {
            if case .setNextTarget = $0 { return true } else { return false }
        }
        return locked { s in
            s.enqueued += 1
            // A failed store keeps nothing more (it will never commit it); the ticket is never durable.
            guard s.failure == nil else { return s.enqueued }
            p.ticket = s.enqueued
            s.pending.append(p)
            if lazy {
                if s.lazySince == nil { s.lazySince = .now }
            } else {
                s.urgent = true
            }
            wakeWriter(&s)
            return s.enqueued
        }
    }

    /// Under the lock: wakes the writer thread, starting it when it is not running.
    private func wakeWriter(_ s: inout State) {
        // After a failed commit nothing more is committed: `durable` never passes a ticket that was lost, so
        // no message is sent that is not stored (a store that failed stays failed; waiters get the error).
        if s.failure != nil { return }
        if s.writerRunning {
            condition.signal()
        } else {
            s.writerRunning = true
            let thread = Thread { [self] in writerLoop() }
            thread.name = "vega.store.writer"
            thread.start()
        }
    }

    private func locked<T>(_ body: (inout State) throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body(&state)
    }

    static let trace = ProcessInfo.processInfo.environment["VEGA_STORE_TRACE"] != nil
    public static let traceStats = NIOLockedValueBox<(Int, Int, Duration)>((0, 0, .zero))
    public var durableTicket: FIXStoreTicket { locked { $0.durable } }

    /// What stopped the store (a commit failure other than a full disk or a locked database), once it stopped.
    public var failure: (any Error)? { locked { $0.failure } }

    /// Returns what stopped the store once it stops (at once if it has), or nil when the task is cancelled
    /// first. A server waits on this to stop rather than run on without its store.
    public func waitForFailure() async -> (any Error)? {
        let stopped = AsyncOnce<any Error>()
        // Told at once when the store has stopped already.
        let token = addDurableObserver { [weak self] failed in
            if failed, let failure = self?.failure { stopped.set(failure) }
        }
        defer { removeDurableObserver(token) }
        return await stopped.wait()
    }

    public func addDurableObserver(_ observer: @escaping @Sendable (_ failed: Bool) -> Void) -> Int {
        let failed = locked { $0.failure != nil }
        let token = observers.withLockedValue { o in
            defer { o.next += 1 }
            o.all[o.next] = observer
            return o.next
        }
        if failed { observer(true) }
        return token
    }

    public func removeDurableObserver(_ token: Int) { _ = observers.withLockedValue { $0.all.removeValue(forKey: token) } }

    public func beginGroup() -> FIXStoreGroup {
        locked { s in
            s.lastGroup += 1
            s.groups[s.lastGroup] = s.enqueued + 1
            return FIXStoreGroup(id: s.lastGroup)
        }
    }

    public func endGroup(_ group: FIXStoreGroup) {
        locked { s in
            guard s.groups.removeValue(forKey: group.id) != nil else { return }
            // What the group held back (and whatever waited behind it) is committed now.
            if !s.pending.isEmpty {
                s.urgent = true
                wakeWriter(&s)
            }
        }
    }

    private func tellObservers(failed: Bool) {
        for o in observers.withLockedValue({ Array($0.all.values) }) { o(failed) }
    }

    public func waitDurable(_ ticket: FIXStoreTicket) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            let result: Result<Void, Error>? = locked { s in
                if let f = s.failure { return .failure(f) }
                if s.durable >= ticket { return .success(()) }
                s.waiters.append((ticket, c))
                // Someone waits: what is pending (an inbound sequence number alone too) is committed now.
                s.urgent = true
                wakeWriter(&s)
                return nil
            }
            if let r = result { c.resume(with: r) }
        }
    }

    /// The ticket of the last enqueue so far.
    public var enqueuedTicket: FIXStoreTicket { locked { $0.enqueued } }

    /// Waits until everything enqueued so far is durable.
    public func flush() async throws {
        try await waitDurable(enqueuedTicket)
    }

    /// The writer: a thread of its own that commits everything pending in one transaction (GRDB's
    /// synchronous write, so the commit runs right here rather than after two hops through queues), then
    /// releases the waiters. An inbound sequence number alone waits up to `lazyDelay` for company. The thread
    /// ends after `idleExit` without work, and starts again with the next enqueue.
    ///
    /// A commit that fails on a condition that may pass (`mayPass`: a full disk) stored nothing: its batch goes
    /// back in front of what came meanwhile and is tried again after a pause (doubling, up to
    /// `maxRetryPause`), until it succeeds. Meanwhile waiters wait and connections send nothing, so nothing
    /// the order flow did is lost, and it carries on without a restart once there is room again.
    private func writerLoop() {
        var retryPause: Duration?
        while true {
            condition.lock()
            var idleSince = ContinuousClock.now
            while !state.urgent {
                if let since = state.lazySince {
                    let due = since + Self.lazyDelay
                    if ContinuousClock.now >= due { break }
                    _ = condition.wait(until: Self.date(due))
                } else {
                    if ContinuousClock.now - idleSince >= Self.idleExit {
                        state.writerRunning = false
                        condition.unlock()
                        return
                    }
                    _ = condition.wait(until: Self.date(idleSince + Self.idleExit))
                    if !state.pending.isEmpty { idleSince = .now }
                }
            }
            // Everything pending, up to the first ticket an open group holds back (`endGroup` wakes us again).
            let batch: [Pending]
            let upTo: FIXStoreTicket
            if let held = state.groups.values.min(), let first = state.pending.firstIndex(where: { $0.ticket >= held }) {
                batch = Array(state.pending[..<first])
                upTo = state.pending[first].ticket - 1
                state.pending.removeSubrange(..<first)
            } else {
                batch = state.pending
                upTo = state.enqueued
                state.pending.removeAll(keepingCapacity: true)
            }
            state.inflight = batch
            state.urgent = false
            state.lazySince = nil
            condition.unlock()
            if batch.isEmpty { continue }
            do {
                let t0 = ContinuousClock.now
                try writer.writeWithoutTransaction { db in try Self.transaction(db) { try self.apply(batch, db) } }
                if retryPause != nil {
                    report("GRDBFIXMessageStore: commits succeed again; \(batch.count) waiting items stored")
                    retryPause = nil
                }
                if Self.trace {
                    let took = ContinuousClock.now - t0
                    Self.traceStats.withLockedValue { $0.0 += 1; $0.1 += batch.count; $0.2 += took }
                    if took > .milliseconds(5) {
                        FileHandle.standardError.write(Data("store: slow commit \(took) (\(batch.count) items) at \(Date())\n".utf8))
                    }
                }
                let ready = locked { s -> [CheckedContinuation<Void, Error>] in
                    s.durable = upTo
                    s.inflight.removeAll()
                    var done: [CheckedContinuation<Void, Error>] = []
                    s.waiters.removeAll { w in
                        if w.0 <= upTo { done.append(w.1); return true }
                        return false
                    }
                    return done
                }
                // Connections first: they put the messages on the wire from here, without a task's wake-up.
                tellObservers(failed: false)
                for c in ready { c.resume() }
                if locked({ s in defer { s.walResetDue = false }; return s.walResetDue }) {
                    // A failed checkpoint loses nothing (the log keeps the frames); the next request tries again.
                    try? writer.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
                }
            } catch {
                // The transaction rolled back: what the cache says about stored sequence numbers may be ahead.
                highestStored.removeAll()
                if Self.mayPass(error) {
                    locked { s in
                        s.pending = batch + s.pending
                        s.inflight.removeAll()
                        s.urgent = true
                    }
                    if retryPause == nil {
                        report("GRDBFIXMessageStore: a commit failed (\(error)); nothing is sent until it succeeds, trying again")
                    }
                    let pause = retryPause.map { min($0 * 2, Self.maxRetryPause) } ?? Self.firstRetryPause
                    retryPause = pause
                    Thread.sleep(forTimeInterval: Self.seconds(pause))
                    continue
                }
                let all = locked { s -> [CheckedContinuation<Void, Error>] in
                    s.failure = error
                    // Lost: not offered to a resend either (sentMessages reads committed rows only now).
                    s.inflight.removeAll()
                    s.pending.removeAll()
                    s.writerRunning = false
                    let w = s.waiters.map(\.1)
                    s.waiters.removeAll()
                    return w
                }
                tellObservers(failed: true)
                for c in all { c.resume(throwing: error) }
                return
            }
        }
    }

    static let idleExit = Duration.seconds(2)

    private static func date(_ instant: ContinuousClock.Instant) -> Date {
        Date(timeIntervalSinceNow: seconds(instant - ContinuousClock.now))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// One IMMEDIATE transaction whose BEGIN and COMMIT are cached statements: GRDB's `write` prepares both
    /// again for each transaction, and with the session updates below SQLite's parser was ~15 % of the
    /// writer's time at 2,000 orders/s (small commits).
    static func transaction(_ db: Database, _ body: () throws -> Void) throws {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            try body()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
            throw error
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
            if let n = s.sender { try Self.setNumber("nextSenderMsgSeqNum", n, session: s.key, db) }
            if let n = s.target { try Self.setNumber("nextTargetMsgSeqNum", n, session: s.key, db) }
        }
    }

    /// Stores one of a session's next sequence numbers (a cached statement per column).
    private static func setNumber(_ column: StaticString, _ n: Int, session key: String, _ db: Database) throws {
        var w = SQLiteRowWriter(try db.cachedStatement(sql: "UPDATE fixSession SET \(column) = ? WHERE id = ?"))
        w.int(n)
        w.text(key)
        try w.run()
    }

    public func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])] {
        // Committed rows, then what is in flight and pending, in order.
        let (inflight, pending) = locked { ($0.inflight, $0.pending) }
        var result: [Int: [UInt8]] = [:]
        let (stored, damaged) = try writer.read { db in
            try FIXMessageBlocks.read(session: Self.key(id), from: from, to: to, db)
        }
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
        let messages = result.sorted { $0.key < $1.key }.map { (seqNum: $0.key, bytes: $0.value) }
        // A damaged block costs only its own messages: the caller gets the rest with the error.
        if !damaged.isEmpty {
            throw FIXStoredMessagesPartlyUnreadable(readable: messages, problems: damaged.map(\.description))
        }
        return messages
    }
}
