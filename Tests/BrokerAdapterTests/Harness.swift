import BrokerKit
import Foundation
import Logging
import OMSCore
import Testing

/// The brokers the shared suite runs against.
enum BrokerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case upstox, kite, fyers

    var testDescription: String { rawValue }

    func startFake() async throws -> any FakeBroker {
        switch self {
        case .upstox: return try await UpstoxFake.start()
        case .kite: return try await KiteFake.start()
        case .fyers: return try await FyersFake.start()
        }
    }

    var vocabulary: FakeVocabulary {
        switch self {
        case .upstox: return UpstoxFake.vocabulary
        case .kite: return KiteFake.vocabulary
        case .fyers: return FyersFake.vocabulary
        }
    }

    /// The error code the fake refuses a placement with (`PlacementScript.refuse`).
    var refusalCode: String {
        switch self {
        case .upstox: return "UDAPI1026"
        case .kite: return "InputException"
        case .fyers: return "-300"
        }
    }

    /// The request an adapter uses to find an order by its tag.
    var lookupPath: String {
        switch self {
        case .upstox: return "/v2/order/history"
        case .kite: return "/orders"
        case .fyers: return "/api/v3/orders"
        }
    }

    var modifyMethod: String { self == .fyers ? "PATCH" : "PUT" }

    /// The holdings request (brokers.md: Upstox long-term holdings, Kite `/portfolio/holdings`, Fyers `/holdings`).
    var holdingsPath: String {
        switch self {
        case .upstox: return "/v2/portfolio/long-term-holdings"
        case .kite: return "/portfolio/holdings"
        case .fyers: return "/api/v3/holdings"
        }
    }

    /// A cash instrument as the broker names it in its holdings (Upstox: by Vega's instrument key).
    func holdingKey(_ h: FakeHolding) -> InstrumentKey {
        switch self {
        case .upstox: return InstrumentKey(h.instrumentKey)
        case .kite: return InstrumentKey("\(h.exchange):\(h.tradingSymbol)")
        case .fyers: return InstrumentKey("\(h.exchange):\(h.tradingSymbol)-EQ")
        }
    }
}

let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                          name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                          isin: "INE002A01018", exchangeToken: "2885")

func order(_ tag: String, quantity: Int64 = 100, type: OrderType = .limit, price: Price? = Price("1402.5"),
           product: Product = .mis) -> BrokerOrderRequest {
    BrokerOrderRequest(tag: tag, instrument: reliance, side: .buy, product: product, orderType: type,
                       timeInForce: .day, quantity: Quantity(quantity), limitPrice: type == .market ? nil : price,
                       algoID: "ALGO-5005")
}

/// Collects an adapter's events.
actor EventCollector {
    private(set) var events: [BrokerOrderEvent] = []
    private var task: Task<Void, Never>?

    func start(_ stream: AsyncStream<BrokerOrderEvent>) {
        task = Task { for await e in stream { self.append(e) } }
    }

    private func append(_ e: BrokerOrderEvent) { events.append(e) }

    func stop() { task?.cancel() }

    func of(_ tag: String) -> [BrokerOrderEvent] { events.filter { $0.tag == tag } }
}

/// Captures every log line (message and metadata) an adapter writes.
final class LogCapture: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    var logger: Logger {
        var l = Logger(label: "vega.broker.test") { _ in CapturingHandler(capture: self) }
        l.logLevel = .trace
        return l
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let all = self.metadata.merging(extra ?? [:]) { $1 }
        capture.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
}

/// A started fake broker and an adapter connected to it.
struct Harness {
    let kind: BrokerKind
    let fake: any FakeBroker
    let adapter: any BrokerConnection
    let events: EventCollector
    let logs: LogCapture

    var book: FakeBook { fake.book }

    static func run(_ kind: BrokerKind, settings tweak: (inout BrokerSettings) -> Void = { _ in },
                    _ body: (Harness) async throws -> Void) async throws {
        var settings = BrokerSettings()
        settings.requestTimeout = .seconds(5)
        settings.backoffBase = .milliseconds(50)
        settings.lookupInterval = .milliseconds(200)
        settings.streamReconnectDelay = .milliseconds(100)
        tweak(&settings)
        let fake = try await kind.startFake()
        let logs = LogCapture()
        let adapter = fake.makeAdapter(credentials: TestCredentials.credentials, settings: settings, logger: logs.logger)
        let events = EventCollector()
        await events.start(adapter.events)
        let h = Harness(kind: kind, fake: fake, adapter: adapter, events: events, logs: logs)
        await adapter.start()
        do {
            try await h.until("the order stream is connected") { await fake.book.liveStreams > 0 }
            try await body(h)
        } catch {
            await h.close()
            throw error
        }
        await h.close()
    }

    func close() async {
        await adapter.shutdown()
        await events.stop()
        fake.stop()
    }

    /// Waits (up to a generous 15 s, only so that a broken adapter cannot hang the suite) for a condition.
    func until(_ what: String, _ condition: () async -> Bool) async throws {
        for _ in 0..<1500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }

    /// Waits for the tag's events to reach `count`, then returns them.
    func events(_ tag: String, count: Int) async throws -> [BrokerOrderEvent] {
        try await until("\(count) events for \(tag)") { await events.of(tag).count >= count }
        return await events.of(tag)
    }

    func placementRequests() async -> [SeenRequest] { await book.seen(fake.placeMethod, fake.placePath) }
}

extension BrokerOrderEvent {
    var fill: (tradeID: String, quantity: Quantity, price: Price)? {
        if case .fill(_, let id, let q, let p, _) = self { return (id, q, p) }
        return nil
    }
}
