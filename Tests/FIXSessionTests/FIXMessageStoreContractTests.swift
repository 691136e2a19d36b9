import FIXProtocol
import FIXSession
import Foundation
import GRDB
import NIOConcurrencyHelpers
import OMSPersistence
import Testing

/// One contract, run against every store.
struct FIXMessageStoreContractTests {
    enum Kind: String, CaseIterable, Sendable { case memory, sqliteInMemory, sqliteFile }

    static func make(_ kind: Kind) throws -> FIXMessageStore {
        switch kind {
        case .memory: return InMemoryFIXMessageStore()
        case .sqliteInMemory: return GRDBFIXMessageStore(writer: try VegaDatabase.inMemory())
        case .sqliteFile:
            let path = NSTemporaryDirectory() + "store-\(UUID().uuidString).db"
            return GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path))
        }
    }

    let id = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1")
    let t0 = FIXTimestamp(secondsSince1970: 1_788_840_000)

    @Test(arguments: Kind.allCases)
    func newSessionStartsAtOne(kind: Kind) throws {
        let s = try Self.make(kind)
        let snap = try s.open(id, now: t0)
        #expect(snap == FIXStoreSnapshot(nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1, creationTime: t0))
    }

    @Test(arguments: Kind.allCases)
    func enqueuedWritesAreVisibleAndBecomeDurable(kind: Kind) async throws {
        let s = try Self.make(kind)
        _ = try s.open(id, now: t0)
        var last: FIXStoreTicket = 0
        for seq in 1...50 {
            last = s.enqueue(id, [.storeSent(seqNum: seq, bytes: Array("msg\(seq)".utf8)), .setNextSender(seq + 1)])
        }
        s.enqueue(id, [.setNextTarget(9)])
        // Visible before commit.
        #expect(try s.sentMessages(id, from: 10, to: 12).map(\.seqNum) == [10, 11, 12])
        try await s.waitDurable(last + 1)
        #expect(s.durableTicket >= last + 1)
        let got = try s.sentMessages(id, from: 49, to: 60)
        #expect(got.map(\.seqNum) == [49, 50])
        #expect(got.first?.bytes == Array("msg49".utf8))
        let snap = try s.open(id, now: t0)
        #expect(snap.nextSenderMsgSeqNum == 51 && snap.nextTargetMsgSeqNum == 9)
    }

    /// An inbound sequence number alone waits for a commit to ride with, but never longer than a waiter
    /// asks, nor forever.
    @Test(arguments: Kind.allCases)
    func anInboundSequenceNumberAloneIsCommittedWhenWaitedForOrSoonAfter(kind: Kind) async throws {
        let s = try Self.make(kind)
        _ = try s.open(id, now: t0)
        let waited = s.enqueue(id, [.setNextTarget(4)])
        try await s.waitDurable(waited)
        #expect(try s.open(id, now: t0).nextTargetMsgSeqNum == 4)
        let unwaited = s.enqueue(id, [.setNextTarget(7)])
        // Nobody waits: the store commits it on its own within its lazy delay (bounded wait, no timing asserted).
        var seen = s.durableTicket
        for _ in 0..<500 where seen < unwaited {
            try await Task.sleep(for: .milliseconds(10))
            seen = s.durableTicket
        }
        #expect(seen >= unwaited)
        #expect(try s.open(id, now: t0).nextTargetMsgSeqNum == 7)
    }

    /// Storing a number again (sequence numbers set back by hand) replaces that message only, whether the
    /// first one is committed or not, and whatever block it was stored in.
    @Test(arguments: Kind.allCases)
    func aMessageStoredAgainReplacesOnlyItself(kind: Kind) async throws {
        let s = try Self.make(kind)
        _ = try s.open(id, now: t0)
        for seq in [1, 2, 4, 5, 6, 8] { s.enqueue(id, [.storeSent(seqNum: seq, bytes: Array("a\(seq)".utf8))]) }
        try await s.waitDurable(s.enqueue(id, [.setNextSender(9)]))
        s.enqueue(id, [.storeSent(seqNum: 5, bytes: Array("b5".utf8))])
        s.enqueue(id, [.storeSent(seqNum: 3, bytes: Array("b3".utf8))])
        s.enqueue(id, [.storeSent(seqNum: 5, bytes: Array("c5".utf8))])
        try await s.waitDurable(s.enqueue(id, [.storeSent(seqNum: 9, bytes: Array("b9".utf8))]))
        let got = try s.sentMessages(id, from: 2, to: 9).map { "\($0.seqNum)=\(String(decoding: $0.bytes, as: UTF8.self))" }
        #expect(got == ["2=a2", "3=b3", "4=a4", "5=c5", "6=a6", "8=a8", "9=b9"])
        #expect(try s.sentMessages(id, from: 5, to: 5).map(\.bytes) == [Array("c5".utf8)])
    }

    @Test(arguments: Kind.allCases)
    func resetDropsMessagesAndStartsAgain(kind: Kind) async throws {
        let s = try Self.make(kind)
        _ = try s.open(id, now: t0)
        s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2), .setNextTarget(5)])
        let t1 = t0.adding(seconds: 60)
        let ticket = s.enqueue(id, [.reset(creationTime: t1)])
        #expect(try s.sentMessages(id, from: 1, to: 10).isEmpty)
        try await s.waitDurable(ticket)
        #expect(try s.open(id, now: t0) == FIXStoreSnapshot(nextSenderMsgSeqNum: 1, nextTargetMsgSeqNum: 1, creationTime: t1))
    }

    @Test(arguments: Kind.allCases)
    func sessionsAreKeptApart(kind: Kind) async throws {
        let s = try Self.make(kind)
        let other = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "DROPCOPY")
        _ = try s.open(id, now: t0)
        _ = try s.open(other, now: t0)
        s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2)])
        let t = s.enqueue(other, [.storeSent(seqNum: 1, bytes: [2]), .setNextSender(7)])
        try await s.waitDurable(t)
        #expect(try s.sentMessages(other, from: 1, to: 1).first?.bytes == [2])
        #expect(try s.open(id, now: t0).nextSenderMsgSeqNum == 2)
        #expect(try s.open(other, now: t0).nextSenderMsgSeqNum == 7)
    }

    @Test func sqliteStoreSurvivesReopeningTheFile() async throws {
        let path = NSTemporaryDirectory() + "reopen-\(UUID().uuidString).db"
        do {
            let pool = try VegaDatabase.open(path: path)
            let s = GRDBFIXMessageStore(writer: pool)
            _ = try s.open(id, now: t0)
            let t = s.enqueue(id, [.storeSent(seqNum: 1, bytes: Array("ER".utf8)), .setNextSender(2), .setNextTarget(3)])
            try await s.waitDurable(t)
            try pool.close()
        }
        let s2 = GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path))
        #expect(try s2.open(id, now: t0) == FIXStoreSnapshot(nextSenderMsgSeqNum: 2, nextTargetMsgSeqNum: 3, creationTime: t0))
        #expect(try s2.sentMessages(id, from: 1, to: 1).first?.bytes == Array("ER".utf8))
    }

    /// What is enqueued inside a group (by anyone) is committed in one transaction once the group ends: a
    /// crash before finds none of it, after finds all of it; commits from before the group are not held up.
    @Test func aGroupIsDurableAllOrNoneOnceItEnds() async throws {
        let path = NSTemporaryDirectory() + "group-\(UUID().uuidString).db"
        let s = GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path))
        let other = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "DROPCOPY")
        _ = try s.open(id, now: t0)
        _ = try s.open(other, now: t0)
        let before = s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2)])
        let group = s.beginGroup()
        let report = s.enqueue(id, [.storeSent(seqNum: 2, bytes: [2]), .setNextSender(3)])
        try await s.waitDurable(before)
        let copy = s.enqueue(other, [.storeSent(seqNum: 1, bytes: [9]), .setNextSender(2)])
        // Someone waiting for the group's messages waits for its end.
        let waited = NIOLockedValueBox(false)
        let waiter = Task { try await s.waitDurable(copy); waited.withLockedValue { $0 = true } }
        try await Task.sleep(for: .milliseconds(100))
        // What another connection (or a restart) sees on disk: the commit before the group, nothing of it.
        let disk = try DatabaseQueue(path: path)
        func nextSender(_ session: FIXSessionID) throws -> Int? {
            try disk.read { try Int.fetchOne($0, sql: "SELECT nextSenderMsgSeqNum FROM fixSession WHERE id = ?",
                                               arguments: [session.description]) }
        }
        #expect(s.durableTicket >= before && s.durableTicket < report)
        #expect(try nextSender(id) == 2 && nextSender(other) == 1)
        #expect(!waited.withLockedValue { $0 })
        // Still readable for a resend meanwhile.
        #expect(try s.sentMessages(other, from: 1, to: 1).map(\.bytes) == [[9]])
        s.endGroup(group)
        try await waiter.value
        #expect(s.durableTicket >= copy)
        #expect(try nextSender(id) == 3 && nextSender(other) == 2)
    }

    struct Poison: FIXStoreAttachment {}
    struct WriteFailed: Error {}

    /// A commit that fails fails every waiter, and nothing after it is committed: the durable ticket never
    /// passes a lost message, so a connection never sends what is not stored.
    @Test func aFailedCommitStopsTheStoreAndTheDurableTicketNeverPassesIt() async throws {
        let db = try VegaDatabase.inMemory()
        let s = GRDBFIXMessageStore(writer: db, attachmentWriter: { attachments, _ in
            if attachments.contains(where: { $0 is Poison }) { throw WriteFailed() }
        })
        _ = try s.open(id, now: t0)
        let good = s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2)])
        try await s.waitDurable(good)
        let bad = s.enqueue(id, [.storeSent(seqNum: 2, bytes: [2]), .setNextSender(3)], attachments: [Poison()])
        await #expect(throws: WriteFailed.self) { try await s.waitDurable(bad) }
        let after = s.enqueue(id, [.storeSent(seqNum: 3, bytes: [3]), .setNextSender(4)])
        await #expect(throws: WriteFailed.self) { try await s.waitDurable(after) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(s.durableTicket == good)
        #expect(try s.sentMessages(id, from: 1, to: 3).map(\.seqNum) == [1])   // the lost ones are not resent
        let stored = try await db.read { try Int.fetchOne($0, sql: "SELECT nextSenderMsgSeqNum FROM fixSession") }
        #expect(stored == 2)
    }

    /// A commit that fails because the database is full (here its size limit, `max_page_count`; a full disk
    /// gives SQLite the same SQLITE_FULL) stores nothing, and nothing waiting for it goes on; once there is
    /// room it is committed, once, without a restart.
    @Test func aFullDatabaseHoldsCommitsUntilThereIsRoomAgain() async throws {
        let path = NSTemporaryDirectory() + "full-\(UUID().uuidString).db"
        let db = try VegaDatabase.open(path: path)
        let reports = NIOLockedValueBox<[String]>([])
        let s = GRDBFIXMessageStore(writer: db, report: { m in reports.withLockedValue { $0.append(m) } })
        _ = try s.open(id, now: t0)
        let first = s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2)])
        try await s.waitDurable(first)
        let pages = try await db.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
        try await db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        let big = s.enqueue(id, [.storeSent(seqNum: 2, bytes: [UInt8](repeating: 7, count: 200_000)), .setNextSender(3)])
        let done = NIOLockedValueBox(false)
        let waiting = Task { try await s.waitDurable(big); done.withLockedValue { $0 = true } }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!done.withLockedValue { $0 })
        #expect(s.durableTicket < big)
        #expect(try s.sentMessages(id, from: 2, to: 2).map(\.seqNum) == [2])   // still offered to a resend
        #expect(await s.waitDurable(big, atMost: .milliseconds(100)) == false)   // a bounded wait ends (shutdown)
        try await db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        try await waiting.value
        #expect(s.durableTicket >= big)
        #expect(await s.waitDurable(big, atMost: .milliseconds(100)))
        let rows = try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM fixMessage") }
        #expect(rows == 2)
        #expect(try s.open(id, now: t0).nextSenderMsgSeqNum == 3)
        let told = reports.withLockedValue { $0 }
        #expect(told.count == 2 && told.first?.contains("full") == true, "\(told)")
    }

    /// Observers are told after each commit, with the ticket already durable, and once at a failure; a
    /// removed observer is told nothing more.
    @Test func observersAreToldAfterEachCommitAndAtAFailure() async throws {
        let s = GRDBFIXMessageStore(writer: try VegaDatabase.inMemory(), attachmentWriter: { attachments, _ in
            if attachments.contains(where: { $0 is Poison }) { throw WriteFailed() }
        })
        _ = try s.open(id, now: t0)
        let seen = NIOLockedValueBox<[(FIXStoreTicket, Bool)]>([])
        let token = s.addDurableObserver { failed in seen.withLockedValue { $0.append((s.durableTicket, failed)) } }
        let first = s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2)])
        try await s.waitDurable(first)
        #expect(seen.withLockedValue { $0.contains { $0.0 >= first && !$0.1 } })
        let removed = s.addDurableObserver { _ in preconditionFailure("removed observer called") }
        s.removeDurableObserver(removed)
        let bad = s.enqueue(id, [.storeSent(seqNum: 2, bytes: [2]), .setNextSender(3)], attachments: [Poison()])
        await #expect(throws: WriteFailed.self) { try await s.waitDurable(bad) }
        #expect(seen.withLockedValue { $0.last?.1 } == true)
        #expect(seen.withLockedValue { $0.allSatisfy { $0.0 < bad } })
        // Added after the failure: told at once.
        let late = NIOLockedValueBox(false)
        _ = s.addDurableObserver { failed in late.withLockedValue { $0 = failed } }
        #expect(late.withLockedValue { $0 })
        s.removeDurableObserver(token)
    }

    /// `waitForFailure` returns what stopped the store when it stops, at once when it has stopped already, and
    /// nil when the waiting task is cancelled while the store is healthy.
    @Test func waitingForAFailureReturnsItsErrorOrNilWhenCancelled() async throws {
        let s = GRDBFIXMessageStore(writer: try VegaDatabase.inMemory(), attachmentWriter: { attachments, _ in
            if attachments.contains(where: { $0 is Poison }) { throw WriteFailed() }
        })
        _ = try s.open(id, now: t0)
        let healthy = Task { await s.waitForFailure() }
        try await s.waitDurable(s.enqueue(id, [.storeSent(seqNum: 1, bytes: [1]), .setNextSender(2)]))
        healthy.cancel()
        #expect(await healthy.value == nil)
        #expect(s.failure == nil)
        let waiting = Task { await s.waitForFailure() }
        try await Task.sleep(for: .milliseconds(20))
        let bad = s.enqueue(id, [.storeSent(seqNum: 2, bytes: [2]), .setNextSender(3)], attachments: [Poison()])
        await #expect(throws: WriteFailed.self) { try await s.waitDurable(bad) }
        #expect(await waiting.value is WriteFailed)
        #expect(await s.waitForFailure() is WriteFailed)
        #expect(s.failure is WriteFailed)
    }

    /// With automatic checkpoints off, the log only starts again from its beginning when a write transaction
    /// begins on a fully copied log: the writer checkpoints itself when asked, and the next commit starts the
    /// log again, so the file stops growing (a background checkpointer alone rarely sees that moment under
    /// load). Without the request the same writes double the file.
    @Test(arguments: [true, false])
    func aRequestedWALResetStartsTheLogAgain(requested: Bool) async throws {
        let path = NSTemporaryDirectory() + "walreset-\(UUID().uuidString).db"
        let s = GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path, backgroundCheckpoints: true))
        _ = try s.open(id, now: t0)
        let big = [UInt8](repeating: 65, count: 3000)
        func commit(_ seq: Int) async throws {
            try await s.waitDurable(s.enqueue(id, [.storeSent(seqNum: seq, bytes: big), .setNextSender(seq + 1)]))
        }
        func walSize() throws -> Int { (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
        for seq in 1...60 { try await commit(seq) }
        let first = try walSize()
        #expect(first > 60 * 3000)
        if requested { s.requestWALReset() }
        for seq in 61...120 { try await commit(seq) }
        let second = try walSize()
        if requested {
            // Written over from the beginning (the commit that carried the request still appended).
            #expect(second < first + first / 10)
        } else {
            #expect(second > first * 3 / 2)       // appended
        }
        #expect(try s.sentMessages(id, from: 1, to: 120).count == 120)
    }
}
