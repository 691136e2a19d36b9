import BrokerFIXVenue
import FIXEngine
import FIXProtocol
import FIXSession
import Foundation
import Logging
import OMSCore

enum Files {
    static let dictionaryPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("specs/FIX44.xml").path
    static let dictionary: FIXDataDictionary = {
        do { return try FIXDataDictionary.load(path: dictionaryPath) } catch { preconditionFailure("\(error)") }
    }()
}

func quietLogger(_ label: String) -> Logger {
    var l = Logger(label: label)
    l.logLevel = .critical
    return l
}

/// The scripted venue on a Vega acceptor, on 127.0.0.1 (port chosen by the OS), as VENUE for VEGA.
struct VenueHarness {
    let venue = ScriptedVenue()
    let acceptor: FIXAcceptor
    let port: Int
    let runTask: Task<Void, Error>

    init() async throws {
        var s = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "VENUE", targetCompID: "VEGA"))
        s.socketAcceptPort = 0
        s.resetOnLogon = true
        let store = InMemoryFIXMessageStore()
        let session = try FIXSession(settings: s, store: store, application: venue, dictionary: Files.dictionary,
                                     clock: SystemWallClock(), log: LoggerFIXSessionLog(logger: quietLogger("venue")))
        acceptor = FIXAcceptor(sessions: [session], store: store, host: "127.0.0.1", port: 0,
                               logger: quietLogger("venue-acceptor"))
        port = try await acceptor.bind()
        let a = acceptor
        runTask = Task { try await a.run() }
    }

    func stop() async {
        await acceptor.shutdown()
        runTask.cancel()
    }
}

/// A `FIXVenueBroker` to `port` as VEGA → VENUE, with short timeouts for the tests.
func makeBroker(port: Int, answerTimeout: Duration = .seconds(10)) throws -> FIXVenueBroker {
    var settings = FIXVenueSettings(brokerID: BrokerID("FIXVENUE"), host: "127.0.0.1", port: port,
                                    senderCompID: "VEGA", targetCompID: "VENUE")
    settings.session.resetOnLogon = true
    settings.session.reconnectInterval = 1
    settings.session.heartBtInt = 30
    settings.answerTimeout = answerTimeout
    settings.statusTimeout = .seconds(10)
    settings.account = "AB1234"
    return try FIXVenueBroker(settings: settings, dictionary: Files.dictionary, logger: quietLogger("venue-broker"))
}

/// Waits (up to 10 s) until `condition` holds.
func eventually(_ condition: () async -> Bool) async throws -> Bool {
    for _ in 0..<500 {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// A venue, a broker logged on to it, and the broker's events.
struct VenueScenario {
    let harness: VenueHarness
    let broker: FIXVenueBroker
    let events: EventCollector

    static func start(answerTimeout: Duration = .seconds(10)) async throws -> VenueScenario {
        let harness = try await VenueHarness()
        let (broker, events) = try await startBroker(port: harness.port, answerTimeout: answerTimeout)
        return VenueScenario(harness: harness, broker: broker, events: events)
    }

    /// A broker to the venue on `port`, started and (within 10 s) logged on, with a collector of its events —
    /// also a restarted process's adapter, after the first one shut down.
    static func startBroker(port: Int, answerTimeout: Duration = .seconds(10)) async throws
        -> (FIXVenueBroker, EventCollector)
    {
        let broker = try makeBroker(port: port, answerTimeout: answerTimeout)
        let events = EventCollector()
        await events.start(broker.events)
        broker.start()
        _ = try await eventually { await broker.isLoggedOn }
        return (broker, events)
    }

    var venue: ScriptedVenue { harness.venue }

    func stop() async {
        await broker.shutdown()
        await harness.stop()
        await events.stop()
    }

    /// Waits until the order has `count` events, then returns them.
    func events(_ tag: String, count: Int) async throws -> [BrokerOrderEvent] {
        _ = try await eventually { await events.of(tag).count >= count }
        return await events.of(tag)
    }
}

let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                          name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                          isin: "INE002A01018", exchangeToken: "2885")

func order(_ tag: String, quantity: Int64 = 100, price: Price = Price("1402.5")!, side: Side = .buy) -> BrokerOrderRequest {
    BrokerOrderRequest(tag: tag, instrument: reliance, side: side, product: .mis, orderType: .limit, timeInForce: .day,
                       quantity: Quantity(quantity), limitPrice: price, algoID: "ALGO-5005")
}

/// Collects an adapter's events.
actor EventCollector {
    private(set) var all: [BrokerOrderEvent] = []
    private var task: Task<Void, Never>?

    func start(_ stream: AsyncStream<BrokerOrderEvent>) {
        task = Task { for await e in stream { self.append(e) } }
    }

    private func append(_ e: BrokerOrderEvent) { all.append(e) }

    func stop() { task?.cancel() }

    func of(_ tag: String) -> [BrokerOrderEvent] { all.filter { $0.tag == tag } }
}
