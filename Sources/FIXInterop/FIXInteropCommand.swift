import ArgumentParser
import FIXEngine
import FIXProtocol
import FIXSession
import Foundation
import Logging
import OMSPersistence

/// Interoperability tool: runs Vega's FIX engine against QuickFIX C++ peers (see scripts/interop-quickfix.sh).
@main
struct FIXInteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix-interop",
        abstract: "Vega FIX engine interop peer for QuickFIX C++ (executor acceptor, order-sending initiator, venue adapter client).",
        subcommands: [Executor.self, OrderClient.self, VenueClient.self])
}

/// Options every subcommand shares.
struct InteropCommonOptions: ParsableArguments {
    @Option(help: "QuickFIX-format FIX 4.4 data dictionary.")
    var dictionary: String = "specs/FIX44.xml"

    @Option(help: "Folder for the per-session message and event logs (default: session events on standard error).")
    var logDir: String?

    @Flag(help: "Log session events (logons, resends, rejects) on standard error even with --log-dir.")
    var verbose = false

    func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = .info
            return h
        }
    }

    func sessionLog(logger: Logger) throws -> FIXSessionLog {
        if let dir = logDir { return try FIXFileLog(directory: dir) }
        return LoggerFIXSessionLog(logger: logger)
    }

    func loadDictionary(command: String) throws -> FIXDataDictionary {
        do {
            return try FIXDataDictionary.load(path: dictionary)
        } catch {
            InteropOutput.error("\(command): cannot load data dictionary \(dictionary): \(error)")
            throw ExitCode(2)
        }
    }
}

/// Options of the two order-sending initiators (`order-client`, `venue-client`).
struct InteropInitiatorOptions: ParsableArguments {
    @Option(help: "Acceptor (venue) address.")
    var host: String = "127.0.0.1"

    @Option(help: "Acceptor (venue) port.")
    var port: Int

    @Option(help: "This side's CompID (SenderCompID of what it sends).")
    var sender: String = "VEGA"

    @Option(help: "The acceptor's CompID.")
    var target: String = "EXECUTOR"

    @Option(help: "Number of orders to send.")
    var count: Int = 10

    @Option(help: "Seconds to wait for logon and all fills before giving up (exit 1).")
    var timeout: Double = 30

    @Option(help: "HeartBtInt sent on Logon.")
    var heartBtInt: Int = 30

    func validate() throws {
        if !(1...65535).contains(port) { throw ValidationError("--port must be 1…65535") }
        if count < 1 { throw ValidationError("--count must be at least 1") }
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        if heartBtInt < 0 { throw ValidationError("--heart-bt-int must not be negative") }
    }
}

enum InteropOutput {
    static func line(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    static func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }
}

extension FIXInteropCommand {
    /// A FIX 4.4 acceptor whose application fills every NewOrderSingle like QuickFIX's executor example.
    struct Executor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "executor",
            abstract: "FIX 4.4 acceptor that fills every NewOrderSingle with an ExecutionReport (QuickFIX executor example).")

        @Option(help: "Address to listen on.")
        var host: String = "127.0.0.1"

        @Option(help: "TCP port to listen on (0: any free port; the port bound is printed).")
        var port: Int

        @Option(help: "This side's CompID (SenderCompID of what it sends).")
        var sender: String = "VEGA"

        @Option(help: "The counterparty's CompID.")
        var target: String = "QFCLIENT"

        @Option(help: "SQLite message store (group-committed, synchronous=FULL); default: in memory.")
        var db: String?

        @OptionGroup var common: InteropCommonOptions

        func validate() throws {
            if !(0...65535).contains(port) { throw ValidationError("--port must be 0…65535") }
        }

        func run() async throws {
            common.bootstrapLogging()
            let logger = Logger(label: "fix-interop.executor")
            let dictionary = try common.loadDictionary(command: "fix-interop executor")
            var settings = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: sender, targetCompID: target))
            settings.connectionType = .acceptor
            settings.socketAcceptHost = host
            settings.socketAcceptPort = port
            settings.dataDictionaryPath = common.dictionary
            settings.fileLogPath = common.logDir
            let store: FIXMessageStore = try db.map { GRDBFIXMessageStore(writer: try VegaDatabase.open(path: $0)) }
                ?? InMemoryFIXMessageStore()
            let app = InteropExecutorApplication { clOrdID, symbol, side, qty, price in
                logger.info("Filled ClOrdID=\(clOrdID) \(side == "1" ? "buy" : side == "2" ? "sell" : "side \(side)") \(qty) \(symbol) @ \(price)")
            }
            let session = try FIXSession(settings: settings, store: store, application: app, dictionary: dictionary,
                                         clock: SystemWallClock(), log: try common.sessionLog(logger: logger))
            let acceptor = FIXAcceptor(sessions: [session], store: store, host: host, port: port, logger: logger)
            let bound = try await acceptor.bind()
            InteropOutput.line("fix-interop executor listening on \(host):\(bound) as \(sender) for \(target)")
            try await acceptor.run()
        }
    }

    /// A FIX 4.4 initiator that sends N limit orders and waits until each is filled.
    struct OrderClient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "order-client",
            abstract: "FIX 4.4 initiator: logs on, sends N NewOrderSingle, waits for a filled ExecutionReport for each, logs out.")

        @OptionGroup var initiator: InteropInitiatorOptions

        @Option(help: "Seconds to stay logged on after the last fill (heartbeats keep the session up) before logging out.")
        var hold: Double = 0

        @OptionGroup var common: InteropCommonOptions

        func validate() throws {
            if hold < 0 { throw ValidationError("--hold must not be negative") }
        }

        func run() async throws {
            let (host, port, sender, target) = (initiator.host, initiator.port, initiator.sender, initiator.target)
            let (count, timeout, heartBtInt) = (initiator.count, initiator.timeout, initiator.heartBtInt)
            common.bootstrapLogging()
            let logger = Logger(label: "fix-interop.order-client")
            let dictionary = try common.loadDictionary(command: "fix-interop order-client")
            var settings = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: sender, targetCompID: target))
            settings.connectionType = .initiator
            settings.socketConnectHost = host
            settings.socketConnectPort = port
            settings.heartBtInt = heartBtInt
            settings.resetOnLogon = true
            settings.dataDictionaryPath = common.dictionary
            settings.fileLogPath = common.logDir
            let store = InMemoryFIXMessageStore()
            let app = InteropOrderClientApplication()
            let clock = SystemWallClock()
            let session = try FIXSession(settings: settings, store: store, application: app, dictionary: dictionary,
                                         clock: clock, log: try common.sessionLog(logger: logger))
            let initiator = FIXInitiator(session: session, store: store, host: host, port: port, logger: logger)
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))

            // One connection; a refused connect (peer not listening yet) is retried until the deadline.
            let connection = Task {
                var attempts = 0
                while ContinuousClock.now < deadline && !Task.isCancelled {
                    do {
                        try await initiator.connectOnce()
                        return
                    } catch {
                        attempts += 1
                        if attempts == 1 { logger.info("Cannot connect to \(host):\(port): \(error); retrying until the timeout") }
                        try? await Task.sleep(for: .milliseconds(250))
                    }
                }
            }

            /// Logs out and waits (bounded) for the peer's Logout and the connection to close.
            func logOut(reason: String?) async {
                await session.logout(reason: reason)
                let closeBy = ContinuousClock.now + .seconds(settings.logoutTimeout + 2)
                while await session.isConnected, ContinuousClock.now < closeBy {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                connection.cancel()
            }

            func fail(_ why: String) async throws -> Never {
                InteropOutput.error("fix-interop order-client: \(why)")
                await logOut(reason: nil)
                throw ExitCode(1)
            }

            while !(await session.isLoggedOn) {
                if ContinuousClock.now >= deadline {
                    try await fail("timed out after \(timeout)s waiting for logon to \(target) at \(host):\(port)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            logger.info("Logged on to \(target) at \(host):\(port); sending \(count) orders")

            let symbols = ["INFY", "TCS", "RELIANCE", "HDFCBANK", "SBIN"]
            let runID = String(clock.now().nanoseconds / 1_000_000, radix: 36).uppercased()
            var sent = 0
            for i in 1...count {
                let order = InteropOrder(clOrdID: "\(sender)-\(runID)-\(i)", symbol: symbols[(i - 1) % symbols.count],
                                         side: i % 2 == 1 ? "1" : "2", quantity: 100 * i,
                                         price: "\(1000 + i).\(["50", "25", "75", "05"][i % 4])")
                app.expect(order)
                guard await session.send(order.newOrderSingle(transactTime: clock.now())) != nil else {
                    try await fail("order \(order.clOrdID) was not sent (session no longer logged on)")
                }
                sent += 1
            }

            while true {
                let s = app.status
                if !s.problems.isEmpty {
                    InteropOutput.line("sent \(sent) orders, \(s.filled) filled")
                    try await fail("unexpected reply: " + s.problems.joined(separator: "; "))
                }
                if s.filled == count { break }
                if ContinuousClock.now >= deadline {
                    InteropOutput.line("sent \(sent) orders, \(s.filled) filled")
                    let missing = app.unfilled
                    try await fail("timed out after \(timeout)s: \(s.filled) of \(count) orders filled; no fill for "
                        + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : ""))
                }
                if !(await session.isConnected) {
                    InteropOutput.line("sent \(sent) orders, \(s.filled) filled")
                    try await fail("connection to \(target) lost with \(count - s.filled) orders unfilled")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            InteropOutput.line("sent \(sent) orders, \(app.status.filled) filled")

            if hold > 0 {
                let holdUntil = ContinuousClock.now + .milliseconds(Int(hold * 1000))
                while ContinuousClock.now < holdUntil {
                    guard await session.isLoggedOn else {
                        try await fail("session with \(target) ended while holding it open for \(hold)s")
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }

            await logOut(reason: nil)
        }
    }
}
