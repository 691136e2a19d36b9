import FIXEngine
import FIXProtocol
import FIXSession
import Foundation
import NIOConcurrencyHelpers
import OMSPersistence
import OMSTestSupport
import Testing

@Suite(.serialized)
struct FIXAcceptorTests {
    @Test func logonAndOrderEchoOverTCP() async throws {
        let h = try await AcceptorHarness()
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        let reply = try #require(try await h.logon(c))
        #expect(reply.msgType == "A" && reply.string(56) == "CLIENT1" && reply.int(34) == 1)
        try await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=C1|21=1|38=10|40=2|44=1402.50|54=1|55=RELIANCE|60=<TIME>|5001=CNC|")
        let echo = try #require(await c.receive())
        #expect(echo.msgType == "D" && echo.string(11) == "C1" && echo.string(5001) == "CNC" && echo.int(34) == 2)
        try await c.send("8=FIX.4.4|35=5|34=3|49=CLIENT1|52=<TIME>|56=VEGA|")
        #expect(await c.receive()?.msgType == "5")
        #expect(await c.waitClosed())
    }

    /// A session without a connection is reset when its next window starts (QuickFIX times every session), so
    /// what it stores meanwhile keeps its numbers at the next Logon.
    @Test func aSessionWithoutAConnectionIsResetWhenItsWindowStarts() async throws {
        let clock = ManualWallClock(SystemWallClock().now())
        let settings = AcceptorHarness.settings {
            $0.schedule = FIXSessionSchedule(startSeconds: 0, endSeconds: 86_399, timeZone: .init(identifier: "UTC")!)
        }
        let h = try await AcceptorHarness(settings: [settings], clock: clock)
        defer { Task { await h.stop() } }
        let session = h.sessions[0]
        let c = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(c)?.msgType == "A")
        try await c.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        await c.close()
        for _ in 0..<1500 {
            if await !session.isConnected, await session.expectedTargetNum == 3 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await session.expectedTargetNum == 3)
        clock.advance(seconds: 24 * 3600)
        for _ in 0..<1500 where await session.expectedTargetNum != 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await session.expectedTargetNum == 1)
        #expect(await session.expectedSenderNum == 1)
    }

    @Test func manySessionsShareOnePort() async throws {
        let h = try await AcceptorHarness(settings: (1...5).map { AcceptorHarness.settings("DESK\($0)") })
        defer { Task { await h.stop() } }
        for i in 1...5 {
            let c = try await FIXTestClient.connect(port: h.port)
            let r = try await h.logon(c, sender: "DESK\(i)")
            #expect(r?.string(56) == "DESK\(i)")
            await c.close()
        }
    }

    @Test func unknownCompIDIsClosedWithoutAReply() async throws {
        let h = try await AcceptorHarness()
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        try await c.send("8=FIX.4.4|35=A|34=1|49=NOBODY|52=<TIME>|56=VEGA|98=0|108=30|")
        #expect(await c.waitClosed())
        #expect(c.pendingCount == 0)
    }

    @Test func firstMessageThatIsNotALogonClosesTheConnection() async throws {
        let h = try await AcceptorHarness()
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        try await c.send("8=FIX.4.4|35=0|34=1|49=CLIENT1|52=<TIME>|56=VEGA|")
        #expect(await c.waitClosed())
        #expect(c.pendingCount == 0)
    }

    @Test func garbageBytesAreDroppedAndTheSilentConnectionClosed() async throws {
        let h = try await AcceptorHarness(logonTimeout: 0.5)
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        var rng = SystemRandomNumberGenerator()
        try await c.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) })
        #expect(await c.waitClosed(timeout: .seconds(5)))
        // The server is still fine.
        let d = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(d)?.msgType == "A")
    }

    @Test func connectionThatNeverLogsOnIsClosedAfterLogonTimeout() async throws {
        let h = try await AcceptorHarness(logonTimeout: 0.5)
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        #expect(await c.waitClosed(timeout: .seconds(5)))
    }

    @Test func halfAMessageThenSilenceIsClosed() async throws {
        let h = try await AcceptorHarness(logonTimeout: 0.5)
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        let logon = FIXTestMessage.raw("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        try await c.send(Array(logon.prefix(25)))
        #expect(await c.waitClosed(timeout: .seconds(5)))
        #expect(!(await h.sessions[0].isConnected))
    }

    @Test(arguments: ["8=FIX.4.4|9=5|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|",
                      "8=FIX.4.4|9=500|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|",
                      "8=FIX.4.4|9=x1|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|"])
    func logonWithLyingBodyLengthIsRefused(text: String) async throws {
        let h = try await AcceptorHarness(logonTimeout: 0.5)
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        try await c.send(text)
        #expect(await c.waitClosed(timeout: .seconds(5)))
        #expect(c.pendingCount == 0)
        #expect(await h.sessions[0].expectedTargetNum == 1)
    }

    @Test func tenMegabyteMessageIsRefusedByItsDeclaredLengthAndDisconnects() async throws {
        let h = try await AcceptorHarness()
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(c)?.msgType == "A")
        let big = String(repeating: "X", count: 10 << 20)
        try? await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=C1|21=1|40=1|54=1|55=INFY|58=\(big)|60=<TIME>|")
        #expect(await c.waitClosed(timeout: .seconds(10)))
        #expect(!(await h.sessions[0].isConnected))
    }

    @Test func wrongPasswordGetsLogoutAndNoChangeToTheStore() async throws {
        let hash = FIXPasswordHash.make(password: "demo", iterations: 1000).encoded
        let store = InMemoryFIXMessageStore()
        let h = try await AcceptorHarness(settings: [AcceptorHarness.settings { $0.username = "CLIENT1"; $0.passwordHash = hash }],
                                          store: store)
        defer { Task { await h.stop() } }
        let id = h.sessions[0].id
        let before = try store.open(id, now: FIXTimestamp(nanoseconds: 0))
        let c = try await FIXTestClient.connect(port: h.port)
        let reply = try #require(try await h.logon(c, extra: "553=CLIENT1|554=nope|"))
        #expect(reply.msgType == "5" && reply.string(58) == "Logon rejected: invalid username or password")
        #expect(await c.waitClosed())
        #expect(try store.open(id, now: FIXTimestamp(nanoseconds: 0)) == before)
        #expect(h.log.lines.contains { $0.contains("invalid Username or Password") })
        let ok = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(ok, extra: "553=CLIENT1|554=demo|")?.msgType == "A")
    }

    @Test func secondConnectionForALiveSessionIsRefusedAndTheFirstKeepsWorking() async throws {
        let h = try await AcceptorHarness()
        defer { Task { await h.stop() } }
        let first = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(first)?.msgType == "A")
        let second = try await FIXTestClient.connect(port: h.port)
        try await second.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        #expect(await second.waitClosed())
        try await first.send("8=FIX.4.4|35=1|34=2|49=CLIENT1|52=<TIME>|56=VEGA|112=STILL-HERE|")
        #expect(await first.receive()?.string(112) == "STILL-HERE")
    }

    @Test func thousandConnectionsAtOnce() async throws {
        let h = try await AcceptorHarness(logonTimeout: 2)
        defer { Task { await h.stop() } }
        let clients = try await withThrowingTaskGroup(of: FIXTestClient.self) { g in
            for _ in 0..<1000 { g.addTask { try await FIXTestClient.connect(port: h.port) } }
            var all: [FIXTestClient] = []
            for try await c in g { all.append(c) }
            return all
        }
        #expect(clients.count == 1000)
        // Half of them send garbage; all are closed by the server in the end.
        for (i, c) in clients.enumerated() where i % 2 == 0 { try? await c.send(Array("garbage\u{1}".utf8)) }
        // A real client still logs on while they hang around.
        let real = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(real)?.msgType == "A")
        var closed = 0
        for c in clients where await c.waitClosed(timeout: .seconds(15)) { closed += 1 }
        #expect(closed == 1000)
        for c in clients { await c.close() }
    }

    @Test func sequenceNumbersSurviveARestartOnTheSQLiteStore() async throws {
        let path = NSTemporaryDirectory() + "restart-\(UUID().uuidString).db"
        do {
            let store = GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path))
            let h = try await AcceptorHarness(store: store)
            let c = try await FIXTestClient.connect(port: h.port)
            #expect(try await h.logon(c)?.int(34) == 1)
            for seq in 2...4 {
                try await c.send("8=FIX.4.4|35=D|34=\(seq)|49=CLIENT1|52=<TIME>|56=VEGA|11=C\(seq)|21=1|40=1|54=1|55=INFY|60=<TIME>|")
                #expect(await c.receive()?.int(34) == seq)
            }
            await c.close()
            // Wait until the server has seen the close: stopping a live session would send a Logout (seq 5).
            for _ in 0..<500 where await h.sessions[0].isConnected { try await Task.sleep(for: .milliseconds(10)) }
            #expect(!(await h.sessions[0].isConnected))
            await h.stop()
            try await store.flush()
        }
        let store = GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path))
        let h = try await AcceptorHarness(store: store)
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        // We continue at 5; the server's Logon reply is its 5 too; a ResendRequest brings back the echoes.
        let reply = try #require(try await h.logon(c, seq: 5))
        #expect(reply.int(34) == 5)
        try await c.send("8=FIX.4.4|35=2|34=6|49=CLIENT1|52=<TIME>|56=VEGA|7=2|16=4|")
        var resent: [String] = []
        for _ in 0..<3 { if let m = await c.receive() { resent.append("\(m.msgType):\(m.string(11) ?? ""):\(m.bool(43))") } }
        #expect(resent == ["D:C2:true", "D:C3:true", "D:C4:true"])
    }

    /// With the database full (its size limit here; a full disk is the same SQLITE_FULL) the reply is held,
    /// not lost: it reaches the client once there is room, and the connection never dropped.
    @Test func aFullDatabaseHoldsTheReplyUntilThereIsRoom() async throws {
        let path = NSTemporaryDirectory() + "full-\(UUID().uuidString).db"
        let db = try VegaDatabase.open(path: path)
        let told = NIOLockedValueBox<[String]>([])
        let h = try await AcceptorHarness(store: GRDBFIXMessageStore(writer: db, report: { m in told.withLockedValue { $0.append(m) } }))
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        #expect(try await h.logon(c)?.msgType == "A")
        let pages = try await db.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
        try await db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pages)") }
        let text = String(repeating: "x", count: 40_000)
        try await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=C2|21=1|40=1|54=1|55=INFY|60=<TIME>|58=\(text)|")
        #expect(await c.receive(timeout: .milliseconds(500)) == nil)
        #expect(told.withLockedValue { $0.first?.contains("full") } == true)
        try await db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let echo = await c.receive(timeout: .seconds(10))
        #expect(echo?.msgType == "D" && echo?.string(11) == "C2" && echo?.int(34) == 2 && echo?.string(58)?.count == 40_000)
        #expect(!c.isClosed)
    }

    /// A connection that closes while the store cannot make its last messages durable (a full disk) does
    /// not wait for ever: it closes after `closingWait` without them.
    @Test func aClosingConnectionDoesNotWaitForEverForAStoreThatIsHeldUp() async throws {
        let store = GatedStore()
        let h = try await AcceptorHarness(store: store)
        let c = try await FIXTestClient.connect(port: h.port)
        try await c.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        var reply: FIXMessage?
        for _ in 0..<100 where reply == nil {   // committed once the server has queued its reply
            store.commit()
            reply = await c.receive(timeout: .milliseconds(50))
        }
        #expect(reply?.msgType == "A")
        // The client logs out; the server's Logout reply is never made durable.
        try await c.send("8=FIX.4.4|35=5|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        #expect(await c.waitClosed(timeout: .seconds(10)))
        #expect(c.pendingCount == 0)
        await h.stop()
    }

    /// Nothing reaches the socket before the store says it is durable; the commit's observer puts it on the
    /// wire (no later event needed); a store that fails closes the connection without sending what it lost.
    @Test func messagesGoOutOnlyOnceDurableAndAFailedStoreClosesTheConnection() async throws {
        let store = GatedStore()
        let h = try await AcceptorHarness(store: store)
        defer { Task { await h.stop() } }
        let c = try await FIXTestClient.connect(port: h.port)
        try await c.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        #expect(await c.receive(timeout: .milliseconds(300)) == nil)   // the Logon reply is not durable yet
        store.commit()
        #expect(await c.receive(timeout: .seconds(5))?.msgType == "A")
        try await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=C2|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(await c.receive(timeout: .milliseconds(300)) == nil)
        store.fail()
        #expect(await c.waitClosed())
        #expect(c.pendingCount == 0)   // the echo was never stored, so never sent
    }
}

/// A store whose commits the test makes: `durableTicket` stays where the last `commit()` left it.
final class GatedStore: FIXMessageStore, @unchecked Sendable {
    struct Failed: Error {}
    private let inner = InMemoryFIXMessageStore()
    private let gate = NIOLockedValueBox<(durable: FIXStoreTicket, failed: Bool, observers: [Int: @Sendable (Bool) -> Void])>((0, false, [:]))

    func commit() {
        let all = gate.withLockedValue { g in g.durable = inner.durableTicket; return Array(g.observers.values) }
        for o in all { o(false) }
    }

    func fail() {
        let all = gate.withLockedValue { g in g.failed = true; return Array(g.observers.values) }
        for o in all { o(true) }
    }

    func open(_ id: FIXSessionID, now: FIXTimestamp) throws -> FIXStoreSnapshot { try inner.open(id, now: now) }
    func enqueue(_ id: FIXSessionID, _ operations: [FIXStoreOperation]) -> FIXStoreTicket { inner.enqueue(id, operations) }
    func enqueue(_ id: FIXSessionID?, _ operations: [FIXStoreOperation], attachments: [any FIXStoreAttachment]) -> FIXStoreTicket {
        inner.enqueue(id, operations, attachments: attachments)
    }
    var durableTicket: FIXStoreTicket { gate.withLockedValue { $0.durable } }
    func waitDurable(_ ticket: FIXStoreTicket) async throws {
        // Polls for at most 30 s (a test that never commits leaves no task behind for the rest of the run).
        for _ in 0..<6_000 {
            let (durable, failed) = gate.withLockedValue { ($0.durable, $0.failed) }
            if failed { throw Failed() }
            if durable >= ticket { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw Failed()
    }
    func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])] {
        try inner.sentMessages(id, from: from, to: to)
    }
    func addDurableObserver(_ observer: @escaping @Sendable (Bool) -> Void) -> Int {
        gate.withLockedValue { g in let t = g.observers.count + 1; g.observers[t] = observer; return t }
    }
    func removeDurableObserver(_ token: Int) { _ = gate.withLockedValue { $0.observers.removeValue(forKey: token) } }
}
