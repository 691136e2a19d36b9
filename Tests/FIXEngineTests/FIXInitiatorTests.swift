import FIXEngine
import FIXProtocol
import FIXSession
import Logging
import NIOConcurrencyHelpers
import OMSTestSupport
import Testing

/// Collects what an initiator's application receives.
final class CollectingApplication: FIXApplication {
    let received = NIOLockedValueBox<[FIXMessage]>([])
    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        received.withLockedValue { $0.append(message) }
        return .accepted
    }
}

struct FIXInitiatorTests {
    @Test func initiatorLogsOnToTheAcceptorAndOrdersCrossBothWays() async throws {
        let h = try await AcceptorHarness(settings: [AcceptorHarness.settings("DESK") { $0.resetOnLogon = true }])
        defer { Task { await h.stop() } }
        var s = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "DESK", targetCompID: "VEGA"))
        s.connectionType = .initiator
        s.socketConnectHost = "127.0.0.1"
        s.socketConnectPort = h.port
        s.heartBtInt = 30
        s.resetOnLogon = true
        let app = CollectingApplication()
        let store = InMemoryFIXMessageStore()
        let session = try FIXSession(settings: s, store: store, application: app, dictionary: Files.dictionary,
                                     clock: SystemWallClock(), log: RecordingSessionLog())
        var logger = Logger(label: "initiator")
        logger.logLevel = .critical
        let initiator = FIXInitiator(session: session, store: store, logger: logger)
        let task = Task { try await initiator.connectOnce() }
        for _ in 0..<200 where !(await session.isLoggedOn) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await session.isLoggedOn)
        for i in 1...3 {
            var order = FIXOutboundMessage(msgType: "D")
            order.append(11, "ORD-\(i)")
            order.append(21, "1")
            order.append(38, 100 * i)
            order.append(40, "2")
            order.append(44, "2500.50")
            order.append(54, "1")
            order.append(55, "TCS")
            order.append(60, FIXTimestamp(secondsSince1970: 1_788_840_000))
            #expect(await session.send(order) == i + 1)
        }
        for _ in 0..<200 where app.received.withLockedValue({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        let echoes = app.received.withLockedValue { $0 }
        #expect(echoes.map { $0.string(11) } == ["ORD-1", "ORD-2", "ORD-3"])
        #expect(echoes.map { $0.int(38) } == [100, 200, 300])
        await session.logout(reason: nil)
        for _ in 0..<300 where await session.isConnected { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!(await session.isConnected))
        _ = try? await task.value
    }
}
