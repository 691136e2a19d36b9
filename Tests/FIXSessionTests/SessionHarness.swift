import FIXProtocol
import FIXSession
import Foundation
import NIOConcurrencyHelpers
import OMSTestSupport

enum TestFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dictionary: FIXDataDictionary = {
        do { return try FIXDataDictionary.load(path: root.appendingPathComponent("specs/FIX44.xml").path) } catch {
            preconditionFailure("\(error)")
        }
    }()
    static let demoHash = FIXPasswordHash.make(password: "demo", iterations: 1000).encoded
}

/// Records what the session hands the application, in order.
final class RecordingApplication: FIXApplication {
    let received = NIOLockedValueBox<[FIXMessage]>([])
    let logons = NIOLockedValueBox(0)
    let logouts = NIOLockedValueBox(0)
    func onLogon(_ session: FIXSession) { logons.withLockedValue { $0 += 1 } }
    func onLogout(_ session: FIXSession) { logouts.withLockedValue { $0 += 1 } }
    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        received.withLockedValue { $0.append(message) }
        return message.msgType == "D" ? .accepted : .unsupportedMessageType
    }
    var seqs: [Int] { received.withLockedValue { $0.compactMap { $0.int(FIXTag.msgSeqNum) } } }
}

/// One acceptor session (VEGA, counterparty CLIENT1) with a manual clock and a recording connection.
struct SessionHarness {
    let clock = ManualWallClock(FIXTimestamp(secondsSince1970: 1_788_840_000))
    let store: FIXMessageStore
    let app = RecordingApplication()
    let log = RecordingSessionLog()
    let session: FIXSession
    let conn = RecordingConnection()

    init(store: FIXMessageStore = InMemoryFIXMessageStore(), configure: (inout FIXSessionSettings) -> Void = { _ in }) throws {
        var s = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1"))
        s.socketAcceptPort = 0
        configure(&s)
        self.store = store
        session = try FIXSession(settings: s, store: store, application: app, dictionary: TestFiles.dictionary,
                                 clock: clock, log: log)
    }

    /// Attaches the connection and delivers `text` (FIXTestMessage notation, `<TIME>` = the manual clock).
    func send(_ text: String, on c: RecordingConnection? = nil) async {
        let bytes = FIXTestMessage.raw(text, now: clock.now())
        await session.received(.message(bytes), from: c ?? conn)
    }

    func logon(seq: Int = 1, heartBtInt: Int = 30, extra: String = "") async -> Bool {
        guard await session.attach(conn) else { return false }
        await send("8=FIX.4.4|35=A|34=\(seq)|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=\(heartBtInt)|\(extra)")
        return true
    }

    /// A session open every day 00:00–23:00 UTC.
    static let dailyUTC: @Sendable (inout FIXSessionSettings) -> Void = {
        $0.schedule = FIXSessionSchedule(startSeconds: 0, endSeconds: 23 * 3600, timeZone: .init(identifier: "UTC")!)
    }

    /// An ExecutionReport for order `orderID`, as the application sends it.
    static func report(_ orderID: String) -> FIXOutboundMessage {
        var er = FIXOutboundMessage(msgType: "8")
        er.append(37, orderID)
        return er
    }

    /// The counterparty connects again, logs on with MsgSeqNum `logonSeq` and asks for everything from
    /// `resendFrom`; what it receives.
    func reconnectAndAskForResend(logonSeq: Int, resendFrom: Int) async -> [FIXMessage] {
        let again = RecordingConnection()
        guard await session.attach(again) else { return [] }
        await send("8=FIX.4.4|35=A|34=\(logonSeq)|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|", on: again)
        await send("8=FIX.4.4|35=2|34=\(logonSeq + 1)|49=CLIENT1|52=<TIME>|56=VEGA|7=\(resendFrom)|16=0|", on: again)
        return again.drain()
    }

    func advance(_ seconds: Double) async {
        clock.advance(seconds: seconds)
        await session.tick()
    }
}

extension FIXMessage {
    var seq: Int? { int(FIXTag.msgSeqNum) }
}
