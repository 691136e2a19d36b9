import ArgumentParser
import BrokerSimulator
import FIXEngine
import FIXGateway
import FIXProtocol
import FIXSession
import Foundation
import GRDB
import Hummingbird
import Logging
import OMSCore
import OMSHTTP
import OMSPersistence
import ReferenceData
import ServiceLifecycle

@main
struct VegaOMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vega-oms",
        abstract: "Vega order management system: FIX 4.4 acceptor for Indian equity and derivatives markets.",
        subcommands: [Serve.self, HashPassword.self, RejectCodes.self],
        defaultSubcommand: Serve.self)
}

/// Prints the salted hash to put in a session's PasswordHash setting.
struct HashPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Print a PasswordHash value for a session's settings (the password itself is never stored).")

    @Argument(help: "The password.")
    var password: String

    @Option(help: "PBKDF2 iterations.")
    var iterations: Int = 20_000

    func validate() throws {
        guard password.count >= 4 else { throw ValidationError("password must have at least 4 characters") }
        guard (1_000...5_000_000).contains(iterations) else { throw ValidationError("--iterations must be 1000…5000000") }
    }

    func run() throws {
        print(FIXPasswordHash.make(password: password, iterations: iterations).encoded)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the server (the default).")

    @Option(help: "Session settings file.")
    var config: String = "sessions/vega.cfg"

    @Option(help: "SQLite database file.")
    var db: String = "var/vega_trade.db"

    @Option(help: "Broker settings file (e.g. sessions/brokers.cfg; default: only the embedded paper broker).")
    var brokers: String?

    @Option(help: "FIX port (overrides SocketAcceptPort).")
    var fixPort: Int?

    @Option(help: "HTTP port of the REST API (0: any free port).")
    var httpPort: Int = 8080

    @Option(help: "Folder of reference and demo data loaded into a new database.")
    var seeds: String = "seeds"

    @Option(help: "Exchange clock: `simulated` (default: next trading day 10:00 IST, running at real speed), `simulated=2026-11-26T10:00:00+05:30`, or `system` (the real clock, for production).")
    var clock: String = "simulated"

    @Option(help: "Folder for per-session FIX message and event logs.")
    var logDir: String = "var/log"

    @Option(help: "Client of REST and CLI orders that name none.")
    var defaultClient: String = "CLIENT1"

    @Option(help: "Paper broker: largest quantity filled per market step (default: the whole order at once).")
    var paperMaxFill: Int64?

    @Option(help: "Paper broker: standard deviation of one 1-second price step, in basis points (0: prices stand still).")
    var paperVolatilityBps: Int64 = 5

    @Option(help: "Paper broker: adverse slippage of market orders, in basis points.")
    var paperSlippageBps: Int64 = 0

    @Option(help: "Paper broker: replay this tick file (CSV offset_ms,exchange,symbol,price) instead of the random walk.")
    var paperTicks: String?

    @Option(help: "Paper broker: delay before it answers, in milliseconds.")
    var paperLatencyMs: Int = 0

    @Option(help: "SQLite durability: `full` (an fsync per group commit: survives a power cut) or `normal` (survives kill -9).")
    var durability: VegaDatabase.Durability = .full

    @Option(help: "Address the HTTP API listens on (default: 127.0.0.1 without API keys, 0.0.0.0 with VEGA_API_KEYS set).")
    var httpHost: String?

    /// How a browser on this machine reaches the HTTP server bound to `host` (any address: the loopback one).
    static func urlHost(_ host: String) -> String {
        if host == "0.0.0.0" || host == "::" || host.isEmpty { return "127.0.0.1" }
        return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    @Option(help: "Closed orders kept in memory; older ones are read back from the database when a request names them.")
    var closedOrdersInMemory: Int = 50_000

    func validate() throws {
        guard clock == "system" || clock == "simulated" || (clock.hasPrefix("simulated=") && ExchangeClock.parseInstant(String(clock.dropFirst(10))) != nil) else {
            throw ValidationError("--clock must be system, simulated or simulated=<ISO-8601 instant>")
        }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0…65535 (0: any free port)") }
        if let p = fixPort, !(0...65535).contains(p) { throw ValidationError("--fix-port must be 0…65535 (0: any free port)") }
        if let q = paperMaxFill, q <= 0 { throw ValidationError("--paper-max-fill must be positive") }
        guard (0...1000).contains(paperVolatilityBps) else { throw ValidationError("--paper-volatility-bps must be 0…1000") }
        guard (0...1000).contains(paperSlippageBps) else { throw ValidationError("--paper-slippage-bps must be 0…1000") }
        guard (0...60_000).contains(paperLatencyMs) else { throw ValidationError("--paper-latency-ms must be 0…60000") }
        guard closedOrdersInMemory >= 0 else { throw ValidationError("--closed-orders-in-memory must be 0 or more") }
    }

    /// Opens the database, or names it and why it cannot be opened (not a database, a directory that cannot
    /// be made, no permission) and exits with status 2.
    static func opening<T>(_ path: String, _ open: () throws -> T) throws -> T {
        do {
            return try open()
        } catch {
            var why = "\(error)"
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain {
                why = ns.localizedDescription
                if let path = ns.userInfo[NSFilePathErrorKey] as? String { why += " (\(path))" }
                if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError { why += ": \(posix.localizedDescription)" }
            }
            FileHandle.standardError.write(Data("vega-oms: cannot open the database \(path): \(why)\n".utf8))
            throw ExitCode(2)
        }
    }

    func run() async throws {
        do {
            try await serve()
        } catch let e as RowDecodingError {
            // A stored value its column should not hold (a hand edit, a damaged copy): named, never a trap.
            FileHandle.standardError.write(Data(
                "vega-oms: the database \(db) holds a row that cannot be read back (edited by hand or damaged?): \(e)\n".utf8))
            throw ExitCode(2)
        }
    }

    func serve() async throws {
        let debug = ProcessInfo.processInfo.environment["VEGA_LOG_LEVEL"] == "debug"
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            if debug { handler.logLevel = .debug }
            return handler
        }
        let logger = Logger(label: "vega-oms")
        let settings: FIXSettingsFile
        do {
            settings = try FIXSettingsFile.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("vega-oms: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let brokerFile: BrokerSettingsFile
        do {
            brokerFile = try brokers.map { try BrokerSettingsFile.load(path: $0) } ?? .paperOnly
        } catch {
            FileHandle.standardError.write(Data("vega-oms: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // The WAL is checkpointed by a connection of its own, off the writer's path.
        let pool = try Self.opening(db) { try VegaDatabase.open(path: db, durability: durability, backgroundCheckpoints: true) }
        let checkpointer = try Self.opening(db) { try WALCheckpointer(path: db) }
        // Orders, events, executions and positions are written by the FIX store's group commit, in the same
        // transaction as the outbound messages that report them.
        let store = GRDBFIXMessageStore(writer: pool, attachmentWriter: OrderJournal.writer)
        let orderRepository = OrderRepository(reader: pool)
        // Reference data: a new database is seeded from seeds/; the catalog and eligibility cache are built
        // now, after every load, and at 06:00 IST each day.
        // Demo policy: a client without a row in client_product_permissions may use every product.
        // The session calendar: the holiday files and special sessions in seeds/sessions/ (every year's, and holidays
        // announced later), plus the trading holidays the reference data holds (the daily holiday file, loaded at
        // start and whenever one is uploaded). Before, only holidays-2026.csv was read: from 2027 every weekday was a
        // trading day, and a holiday announced later or a special session could not be added without a code change.
        let holidays = HolidayCalendar()
        let specialSessions: [SpecialSession]
        do {
            specialSessions = try SessionCalendarFiles.load(directory: URL(fileURLWithPath: seeds).appendingPathComponent("sessions"),
                                                            into: holidays)
        } catch {
            FileHandle.standardError.write(Data("vega-oms: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let referenceData = ReferenceDataService(writer: pool, defaultClientProducts: .all, holidays: holidays)
        let seeded = try await ReferenceDataSeeder.seedIfEmpty(referenceData.loader, directory: seeds)
        try await referenceData.refresh()
        let clock = SystemWallClock()
        // The order flow: pipeline (resolver → session → eligibility) → OrderEngine → paper broker.
        let sessionEngine = try MarketSessionEngine(holidays: holidays, specialSessions: specialSessions,
                                                    options: .init(enforceTradeForTradeDeliveryOnly: false))
        let exchangeClock = ExchangeClock(mode: self.clock, holidays: holidays)
        var paperConfig = PaperBrokerConfiguration()
        paperConfig.maxFillPerStep = paperMaxFill.map { Quantity($0) }
        // A tick file drives the prices instead of the random walk.
        paperConfig.volatilityBps = paperTicks == nil ? paperVolatilityBps : 0
        paperConfig.slippageBps = paperSlippageBps
        paperConfig.latency = .milliseconds(paperLatencyMs)
        paperConfig.idPrefix = "R\(String(Int(Date().timeIntervalSince1970), radix: 36).uppercased())-"
        let paper = PaperBroker(configuration: paperConfig)
        let brokerSet: BrokerSet
        do {
            brokerSet = try BrokerFactory.build(brokerFile, paper: paper, environment: ProcessInfo.processInfo.environment,
                                                logger: Logger(label: "vega.broker"))
        } catch {
            FileHandle.standardError.write(Data("vega-oms: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let seededPrices = try await PaperPrices.seed(paper, from: URL(fileURLWithPath: seeds).appendingPathComponent("price_bands.csv"),
                                                      resolver: referenceData.resolver)
        var ticks: [PaperTickReplay.Tick] = []
        if let file = paperTicks {
            do {
                ticks = try PaperTickReplay.load(path: file, resolver: referenceData.resolver)
            } catch {
                FileHandle.standardError.write(Data("vega-oms: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        // The portfolio: positions as stored, and the carried positions of the demo data for the ones not stored.
        let storedPositions = try orderRepository.positions()
        let today = ISTDateTime.day(epochMilliseconds: exchangeClock.nowMilliseconds())
        let carried = CarriedPortfolio.load(seeds: seeds, resolver: referenceData.resolver, today: today,
                                            except: Set(storedPositions.map(\.key)))
        let app = OMSFIXApplication(store: store, journal: { OrderJournalEntry(report: $0, position: $1) },
                                    positions: storedPositions + carried)
        // The session flags (closing auction, IPO day, call auction, F&O pre-open) and the eligibility cache are for
        // the exchange clock's day — now, at every refresh after a load, and at its 06:00 (before, they followed
        // the machine's clock: with a simulated clock, an upload put back the machine's day).
        try await referenceData.useTradingClock(exchangeClock)
        let scheduler = referenceData.makeDailyScheduler()
        let sessionFlags = referenceData.sessionFlags
        let pipeline = OrderPipeline(resolver: referenceData.resolver, session: sessionEngine, eligibility: referenceData.eligibility,
                                     flags: { sessionFlags.flags(for: $0) })
        let (riskEngine, risk) = try await RiskWiring.build(pool: pool, seeds: seeds, resolver: referenceData.resolver,
                                                            paper: paper, now: { exchangeClock.nowMilliseconds() })
        // A DropCopyClients entry that names no session and no client with risk limits is most likely misspelt:
        // its drop copy would get nothing of it, silently.
        let compIDs = Set(settings.sessions.map(\.id.targetCompID))
        for s in settings.sessions where s.dropCopy {
            for c in s.dropCopyClients where !compIDs.contains(c) && riskEngine.limits(for: ClientID(c)) == nil {
                FileHandle.standardError.write(Data(("vega-oms: warning: \(config): DropCopyClients of \(s.id.targetCompID) "
                    + "names \(c), which is no session's CompID and no client with risk limits (misspelt?)\n").utf8))
            }
        }
        let catalogs = referenceData.catalogs
        let instrument: @Sendable (InstrumentKey) -> Instrument? = { catalogs.current.instrument(forKey: $0) }
        // A closed order read back for a request (status, cancel, replace) once it has left memory: a read of
        // the WAL database, which no writer blocks.
        let engine = OrderEngine(pipeline: pipeline, risk: riskEngine, brokers: brokerSet.adapters,
                                 defaultBroker: brokerSet.defaultBroker, failover: brokerSet.failover,
                                 now: { exchangeClock.nowMilliseconds() }, market: risk.market.snapshot, sink: app,
                                 closedInMemory: closedOrdersInMemory,
                                 archive: { try? orderRepository.order($0, instrument: instrument) })
        // Orders from before a restart: open ones carry on, recent ones answer status requests, and no
        // ClOrdID, order id or ExecID is used twice.
        let book = try orderRepository.bookState(recentSince: exchangeClock.nowMilliseconds() - 86_400_000,
                                                 closedLimit: closedOrdersInMemory,
                                                 instrument: instrument)
        if !book.unreadableOpen.isEmpty {
            // An order that may be live at its broker cannot be left out: its fills, its end and its risk would be
            // lost without a trace. Nothing starts until the row is repaired.
            FileHandle.standardError.write(Data(("vega-oms: the database \(db) holds \(book.unreadableOpen.count) open "
                + "orders whose rows cannot be read back (edited by hand or damaged?): "
                + book.unreadableOpen.joined(separator: ", ")
                + ". They may be live at their brokers; repair the rows and start again.\n").utf8))
            throw ExitCode(2)
        }
        await engine.restore(book)
        if !book.unreadable.isEmpty {
            FileHandle.standardError.write(Data("vega-oms: \(book.unreadable.count) stored orders cannot be read back and are not restored: \(book.unreadable.joined(separator: ", "))\n".utf8))
        }
        // Before the engine looks its open orders up at their brokers: the paper broker's book as it stood.
        let paperRestored = try await PaperBookRestore.run(
            paper, store: ReconciliationStore(writer: pool),
            dayStart: ISTDateTime.dayStart(epochMilliseconds: exchangeClock.nowMilliseconds()), instrument: instrument)
        await engine.restoreRisk(positions: storedPositions, tradingDay: today, instrument: instrument)
        let orderService = EngineOrderService(engine: engine, app: app, repository: orderRepository,
                                              instrument: instrument, paper: paper,
                                              now: { exchangeClock.nowMilliseconds() })
        let boundHTTP = AsyncOnce<Int>()
        let resumed = AsyncOnce<Bool>()
        // REST clients prove themselves with a key from VEGA_API_KEYS (comma-separated); without keys the API
        // answers only on the loopback interface unless --http-host says otherwise.
        let apiKeys = Set((ProcessInfo.processInfo.environment["VEGA_API_KEYS"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        let host = httpHost ?? (apiKeys.isEmpty ? "127.0.0.1" : "0.0.0.0")
        let router = OMSRouterBuilder.build(referenceData: referenceData, orders: orderService,
                                            defaultClient: ClientID(defaultClient), apiKeys: apiKeys)
        risk.mountRoutes(on: router, engine: engine)
        let reconciliation = BrokerReconciliation(brokers: brokerSet.ids, books: brokerSet.books,
                                                  store: ReconciliationStore(writer: pool),
                                                  flush: { try await app.reportsDurable() },
                                                  now: { exchangeClock.nowMilliseconds() }, instrument: instrument)
        BrokerRoutes<BasicRequestContext>(service: reconciliation).mount(on: router)
        let http = Application(router: router, configuration: .init(address: .hostname(host, port: httpPort)),
                               onServerRunning: { channel in boundHTTP.set(channel.localAddress?.port ?? 0) },
                               logger: logger)
        let sessions: [FIXSession]
        do {
            sessions = try FIXSessionFactory.makeSessions(
                settings.sessions.filter { $0.connectionType == .acceptor }, store: store,
                application: app, clock: clock, defaultLogDirectory: logDir,
                fallbackLog: LoggerFIXSessionLog(logger: logger))
        } catch let e as FIXDataDictionaryError {
            FileHandle.standardError.write(Data("vega-oms: \(e)\n".utf8))
            throw ExitCode(2)
        }
        app.register(sessions)
        let port = fixPort ?? settings.sessions.compactMap(\.socketAcceptPort).first ?? 9878
        // The address in the settings (SocketAcceptHost), else every interface.
        let fixHost = settings.sessions.compactMap(\.socketAcceptHost).first ?? "0.0.0.0"
        let acceptor = FIXAcceptor(sessions: sessions, store: store, host: fixHost, port: port, logger: logger)
        // The seeded data goes into the database file now, rather than by the checkpointer while serving.
        try await checkpointer.checkpoint(truncate: true)
        let bound = try await acceptor.bind()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: acceptor), .init(service: http), .init(service: DailyRebuildService(scheduler)),
            .init(service: OrderFlowService(app: app, engine: engine, paper: paper, resumed: resumed)),
            .init(service: MarketDataService(feed: risk.market, paper: paper, engine: engine)),
            .init(service: BrokerConnectionsService(connections: brokerSet.connections, reconciliation: reconciliation,
                                                    resumed: resumed,
                                                    logger: logger)),
            .init(service: PaperTickReplay(ticks: ticks, paper: paper, start: .now), successTerminationBehavior: .ignore),
            .init(service: CheckpointService(checkpointer: checkpointer, store: store)),
        ]
        // Each downstream FIX venue connects, logs on and reconnects as a service of its own.
        for venue in brokerSet.venues { services.append(.init(service: venue)) }
        services.append(.init(service: StoreWatchService(store: store), failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        let serving = Task { try await group.run() }
        let httpBound = await boundHTTP.wait() ?? 0
        let banner = """
            Vega OMS
              FIX 4.4 acceptor on port \(bound) (\(fixHost))
              HTTP API on port \(httpBound) (GET /api/instruments/search?query=RELIANCE, POST /api/order/place, GET /api/portfolio)
                on \(host), \(apiKeys.isEmpty ? "no API key asked for (set VEGA_API_KEYS to require one)" : "\(apiKeys.count) API key(s) required (Authorization: Bearer KEY)")
              dashboard: http://\(Self.urlHost(host)):\(httpBound)/
              database \(db)\(seeded.isEmpty ? "" : " (new: seeded from \(seeds)/, \(seeded.count) files)")
              sessions: \(sessions.map { "\($0.id.targetCompID) -> \($0.id.senderCompID)\($0.settings.dropCopy ? " (drop copy)" : "")" }.joined(separator: ", "))
              exchange clock: \(exchangeClock.description)
              paper broker: \(seededPrices) instruments priced from \(seeds)/price_bands.csv\(paperTicks.map { ", replaying \(ticks.count) ticks from \($0)" } ?? "")
              brokers: \(brokerSet.summary.joined(separator: ", ")); default \(brokerSet.defaultBroker)\(brokers.map { " (from \($0))" } ?? "") (POST /api/brokers/{id}/reconcile)
              orders: \(book.orders.filter { !$0.status.isTerminal }.count) open restored, next order O-\(book.nextOrderSequence)\(paperRestored > 0 ? "; paper broker's book: \(paperRestored) orders of today" : "")\(book.unreadable.isEmpty ? "" : "; \(book.unreadable.count) stored orders NOT restored (their rows cannot be read: \(book.unreadable.prefix(10).joined(separator: ", ")))")
              risk: limits of \(risk.clients) clients\(risk.seededClients > 0 ? " (seeded from \(seeds)/risk/limits.json)" : ""), \(risk.positions) carried positions (GET/PUT /api/limits/{client}, GET /api/margin/{client})

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        for p in risk.problems { FileHandle.standardError.write(Data("vega-oms: risk data: \(p)\n".utf8)) }
        do {
            try await serving.value
        } catch let stopped as StoreWatchService.StoreStopped {
            FileLogHandler.flushAll()
            FileHandle.standardError.write(Data("""
                vega-oms: stopped: the database failed (\(stopped.error)); nothing more could be stored, acknowledged \
                or sent. What was made durable comes back at the next start.

                """.utf8))
            throw ExitCode(1)
        }
        // What is still queued is stored before the database closes — unless the store cannot (a full disk for
        // longer than 10 s, or a failure): then it is named, and the process ends without it (none of it was
        // acknowledged or sent).
        let queued = store.enqueuedTicket
        let stored = await store.waitDurable(queued, atMost: .seconds(10))
        FileLogHandler.flushAll()
        if !stored {
            FileHandle.standardError.write(Data("vega-oms: \(queued - store.durableTicket) queued store writes could not be made durable; exiting without them\n".utf8))
            throw ExitCode(1)
        }
        if ProcessInfo.processInfo.environment["VEGA_STORE_TRACE"] != nil {
            let (n, items, d) = GRDBFIXMessageStore.traceStats.withLockedValue { $0 }
            FileHandle.standardError.write(Data("store: \(n) commits, \(items) items, \(d) in write\n".utf8))
        }
        try pool.close()
    }
}

/// Checkpoints the database's WAL in the background until shutdown.
struct CheckpointService: Service {
    let checkpointer: WALCheckpointer
    let store: GRDBFIXMessageStore
    func run() async throws {
        await cancelWhenGracefulShutdown { await checkpointer.run { store.requestWALReset() } }
    }
}

/// Stops the server when its store stops (a commit failure other than a full disk: an I/O error, a corrupt
/// file). Without the store nothing can be acknowledged or sent: running on would refuse every logon and order
/// while `/health` said ok. The group shuts down (connections close, the HTTP server stops) and vega-oms exits
/// 1, naming the failure, for a supervisor to start it again.
struct StoreWatchService: Service {
    struct StoreStopped: Error {
        let error: any Error
    }

    let store: GRDBFIXMessageStore

    func run() async throws {
        if let failure = await cancelWhenGracefulShutdown({ await store.waitForFailure() }) {
            throw StoreStopped(error: failure)
        }
    }
}

/// Runs the 06:00 IST reference-data rebuild inside the service group.
struct DailyRebuildService: Service {
    let scheduler: DailyRebuildScheduler
    init(_ scheduler: DailyRebuildScheduler) { self.scheduler = scheduler }
    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await scheduler.run() }
    }
}

extension VegaDatabase.Durability: ExpressibleByArgument {}
