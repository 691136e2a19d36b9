import FIXProtocol
import NIOConcurrencyHelpers

/// What a store remembers of one session.
public struct FIXStoreSnapshot: Sendable, Equatable {
    public var nextSenderMsgSeqNum: Int
    public var nextTargetMsgSeqNum: Int
    public var creationTime: FIXTimestamp

    public init(nextSenderMsgSeqNum: Int, nextTargetMsgSeqNum: Int, creationTime: FIXTimestamp) {
        self.nextSenderMsgSeqNum = nextSenderMsgSeqNum
        self.nextTargetMsgSeqNum = nextTargetMsgSeqNum
        self.creationTime = creationTime
    }
}

/// One change to a session's stored state.
public enum FIXStoreOperation: Sendable, Equatable {
    case setNextSender(Int)
    case setNextTarget(Int)
    /// A sent application message, kept for resend.
    case storeSent(seqNum: Int, bytes: [UInt8])
    /// Sequence numbers back to 1, sent messages dropped, new creation time.
    case reset(creationTime: FIXTimestamp)
}

/// Application data committed in the same transaction as an outbound message (for example the order
/// change that the message reports), so that the two never disagree. Opaque to the FIX layer: a store that
/// knows the concrete type writes it (see OMSPersistence); others keep it as it is.
public protocol FIXStoreAttachment: Sendable {}

/// Position in a store's write queue: once durable, every operation enqueued before it is on disk.
public typealias FIXStoreTicket = UInt64

/// Per-session sequence numbers and sent messages.
///
/// Writes are enqueued synchronously in order and made durable in groups: `enqueue` returns a ticket,
/// and `waitDurable` returns once everything up to that ticket is committed. Reads see every enqueued write.
public protocol FIXMessageStore: AnyObject, Sendable {
    /// Loads the session's state, creating it at 1/1 if it is new.
    func open(_ id: FIXSessionID, now: FIXTimestamp) throws -> FIXStoreSnapshot
    /// Queues operations for one session; they commit together, in order.
    @discardableResult
    func enqueue(_ id: FIXSessionID, _ operations: [FIXStoreOperation]) -> FIXStoreTicket
    /// Queues operations and attachments that commit together (`id` nil: attachments alone).
    @discardableResult
    func enqueue(_ id: FIXSessionID?, _ operations: [FIXStoreOperation], attachments: [any FIXStoreAttachment]) -> FIXStoreTicket
    /// Returns when everything enqueued up to `ticket` is durable.
    func waitDurable(_ ticket: FIXStoreTicket) async throws
    /// The highest ticket known to be durable.
    var durableTicket: FIXStoreTicket { get }
    /// Sent application messages with `from <= seq <= to`, ascending. Throws `FIXStoredMessagesPartlyUnreadable`
    /// (with the messages it could read) when part of the range is damaged.
    func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])]
    /// Calls `observer` after each commit that moved `durableTicket` on, and once with `failed` true when the
    /// store has failed (nothing more will become durable). It runs on the store's writer, without the
    /// store's locks held: it must be short and must not wait (a connection hands its durable messages to
    /// the socket from it, without waking a task first). Returns a token for `removeDurableObserver`.
    func addDurableObserver(_ observer: @escaping @Sendable (_ failed: Bool) -> Void) -> Int
    func removeDurableObserver(_ token: Int)
    /// Opens a group: what is enqueued from now on (by anyone) becomes durable only after `endGroup`, in one
    /// commit with the rest of the group, so that messages to several sessions that tell the same thing (a
    /// client's ExecutionReport and its drop copies) are stored all or none. Keep groups short: they hold
    /// back every later commit.
    func beginGroup() -> FIXStoreGroup
    func endGroup(_ group: FIXStoreGroup)
}

/// An open group of enqueues (`FIXMessageStore.beginGroup`).
public struct FIXStoreGroup: Sendable, Hashable {
    public let id: Int
    public init(id: Int) { self.id = id }
}

extension FIXMessageStore {
    /// Waits until `ticket` is durable, at most `limit`: true when it is, false when the store failed or the
    /// time ran out (a store that keeps retrying a full disk). For shutdown paths that must end: a wait that
    /// ran out goes on in the background until the store answers.
    public func waitDurable(_ ticket: FIXStoreTicket, atMost limit: Duration) async -> Bool {
        if durableTicket >= ticket { return true }
        let once = NIOLockedValueBox<CheckedContinuation<Bool, Never>?>(nil)
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            once.withLockedValue { $0 = c }
            let finish: @Sendable (Bool) -> Void = { ok in once.withLockedValue { $0.take() }?.resume(returning: ok) }
            Task { finish((try? await self.waitDurable(ticket)) != nil) }
            Task { try? await Task.sleep(for: limit); finish(false) }
        }
    }

    /// A store whose messages are durable once enqueued has nothing to report.
    public func addDurableObserver(_ observer: @escaping @Sendable (_ failed: Bool) -> Void) -> Int { 0 }
    public func removeDurableObserver(_ token: Int) {}

    /// A store whose messages are durable once enqueued has nothing to group.
    public func beginGroup() -> FIXStoreGroup { FIXStoreGroup(id: 0) }
    public func endGroup(_ group: FIXStoreGroup) {}
}

/// A store that lives in memory: for tests, and for sessions with `PersistMessages=N`.
public final class InMemoryFIXMessageStore: FIXMessageStore {
    private struct SessionData {
        var snapshot: FIXStoreSnapshot
        var sent: [Int: [UInt8]] = [:]
    }

    private let state = NIOLockedValueBox<(sessions: [FIXSessionID: SessionData], ticket: UInt64)>(([:], 0))
    private let kept = NIOLockedValueBox<[any FIXStoreAttachment]>([])

    public init() {}

    /// Attachments enqueued so far, in order.
    public var attachments: [any FIXStoreAttachment] { kept.withLockedValue { $0 } }

    public func enqueue(_ id: FIXSessionID?, _ operations: [FIXStoreOperation],
                        attachments: [any FIXStoreAttachment]) -> FIXStoreTicket {
        kept.withLockedValue { $0.append(contentsOf: attachments) }
        guard let id else { return state.withLockedValue { s in s.ticket += 1; return s.ticket } }
        return enqueue(id, operations)
    }

    public func open(_ id: FIXSessionID, now: FIXTimestamp) throws -> FIXStoreSnapshot {
        state.withLockedValue { s in
            if let d = s.sessions[id] { return d.snapshot }
            let snap = FIXStoreSnapshot(nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1, creationTime: now)
            s.sessions[id] = SessionData(snapshot: snap)
            return snap
        }
    }

    public func enqueue(_ id: FIXSessionID, _ operations: [FIXStoreOperation]) -> FIXStoreTicket {
        state.withLockedValue { s in
            // Mutate in place: copying SessionData out would copy every stored message on each call.
            let fresh = SessionData(snapshot: FIXStoreSnapshot(nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1,
                                                               creationTime: FIXTimestamp(nanoseconds: 0)))
            for op in operations { Self.apply(op, to: &s.sessions[id, default: fresh]) }
            s.ticket += 1
            return s.ticket
        }
    }

    private static func apply(_ op: FIXStoreOperation, to d: inout SessionData) {
        switch op {
        case .setNextSender(let n): d.snapshot.nextSenderMsgSeqNum = n
        case .setNextTarget(let n): d.snapshot.nextTargetMsgSeqNum = n
        case .storeSent(let seq, let bytes): d.sent[seq] = bytes
        case .reset(let t):
            d.snapshot = FIXStoreSnapshot(nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1, creationTime: t)
            d.sent.removeAll()
        }
    }

    public func waitDurable(_ ticket: FIXStoreTicket) async throws {}

    public var durableTicket: FIXStoreTicket { state.withLockedValue { $0.ticket } }

    public func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])] {
        state.withLockedValue { s in
            guard let d = s.sessions[id] else { return [] }
            return d.sent.filter { $0.key >= from && $0.key <= to }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }
}

/// Part of the stored messages asked for could not be read (a damaged block): `readable` holds the rest, so that a
/// resend gap-fills only what was lost.
public struct FIXStoredMessagesPartlyUnreadable: Error, CustomStringConvertible {
    public var readable: [(seqNum: Int, bytes: [UInt8])]
    public var problems: [String]
    public init(readable: [(seqNum: Int, bytes: [UInt8])], problems: [String]) {
        self.readable = readable
        self.problems = problems
    }
    public var description: String { problems.joined(separator: "; ") }
}
