import ArgumentParser
import FIXEngine
import FIXProtocol
import FIXSession
import Foundation
import Logging
import OMSPersistence

/// Runs the FIX engine with the acceptance-suite application on one port.
@main
struct FIXConformanceAcceptorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix-at-acceptor",
        abstract: "FIX 4.4 acceptor for the QuickFIX acceptance suite (echo application).")

    @Option(help: "TCP port to listen on (overrides SocketAcceptPort).")
    var port: Int?

    @Option(help: "Session settings file.")
    var config: String = "sessions/conformance.cfg"

    @Option(help: "Message store: sqlite or memory.")
    var store: String = "sqlite"

    @Option(help: "SQLite file for the message store (default: a new temporary file).")
    var db: String?

    @Option(help: "Folder for the per-session message and event logs (default: none).")
    var logDir: String?

    func validate() throws {
        guard ["sqlite", "memory"].contains(store) else { throw ValidationError("--store must be sqlite or memory") }
        if let p = port, !(0...65535).contains(p) { throw ValidationError("--port must be 0…65535") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "fix-at-acceptor")
        let settingsFile: FIXSettingsFile
        do {
            settingsFile = try FIXSettingsFile.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("fix-at-acceptor: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let messageStore: FIXMessageStore
        if store == "memory" {
            messageStore = InMemoryFIXMessageStore()
        } else {
            let path = db ?? NSTemporaryDirectory() + "fix-at-\(ProcessInfo.processInfo.processIdentifier).db"
            messageStore = GRDBFIXMessageStore(writer: try VegaDatabase.open(path: path, durability: .normal))
        }
        let clock = SystemWallClock()
        let sessions = try FIXSessionFactory.makeSessions(
            settingsFile.sessions, store: messageStore, application: FIXConformanceApplication(), clock: clock,
            defaultLogDirectory: logDir, fallbackLog: LoggerFIXSessionLog(logger: logger))
        let listenPort = port ?? settingsFile.sessions.first?.socketAcceptPort ?? 5001
        let acceptor = FIXAcceptor(sessions: sessions, store: messageStore, host: "127.0.0.1", port: listenPort, logger: logger)
        let bound = try await acceptor.bind()
        FileHandle.standardOutput.write(Data("fix-at-acceptor listening on 127.0.0.1:\(bound)\n".utf8))
        try await acceptor.run()
    }
}
