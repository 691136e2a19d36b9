import FIXEngine
import FIXProtocol
import FIXSession
import Foundation
import Logging
import NIOConcurrencyHelpers
import OMSTestSupport

enum Files {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dictionary: FIXDataDictionary = {
        do { return try FIXDataDictionary.load(path: root.appendingPathComponent("specs/FIX44.xml").path) } catch {
            preconditionFailure("\(error)")
        }
    }()
}

/// A real acceptor on a real port (127.0.0.1, port chosen by the OS) running the conformance application.
struct AcceptorHarness {
    let acceptor: FIXAcceptor
    let port: Int
    let store: FIXMessageStore
    let sessions: [FIXSession]
    let runTask: Task<Void, Error>
    let log = RecordingSessionLog()

    static func settings(_ target: String = "CLIENT1", configure: (inout FIXSessionSettings) -> Void = { _ in }) -> FIXSessionSettings {
        var s = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: target))
        s.socketAcceptPort = 0
        s.maxMessageSize = 65536
        configure(&s)
        return s
    }

    init(settings: [FIXSessionSettings] = [AcceptorHarness.settings()], store: FIXMessageStore = InMemoryFIXMessageStore(),
         application: FIXApplication = FIXConformanceApplication(), logonTimeout: Double = 1,
         clock: any WallClock = SystemWallClock()) async throws {
        self.store = store
        let log = self.log
        sessions = try settings.map {
            try FIXSession(settings: $0, store: store, application: application, dictionary: Files.dictionary,
                           clock: clock, log: log)
        }
        var logger = Logger(label: "test-acceptor")
        logger.logLevel = .critical
        acceptor = FIXAcceptor(sessions: sessions, store: store, host: "127.0.0.1", port: 0, logger: logger,
                               logonTimeout: logonTimeout)
        port = try await acceptor.bind()
        let a = acceptor
        runTask = Task { try await a.run() }
    }

    func stop() async {
        await acceptor.shutdown()
        runTask.cancel()
    }

    func logon(_ client: FIXTestClient, sender: String = "CLIENT1", seq: Int = 1, extra: String = "") async throws -> FIXMessage? {
        try await client.send("8=FIX.4.4|35=A|34=\(seq)|49=\(sender)|52=<TIME>|56=VEGA|98=0|108=30|\(extra)")
        return await client.receive()
    }
}
