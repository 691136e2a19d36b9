import Logging
import OMSCore

/// A broker behind a REST API and an order-update stream, driven by its dialect (`UpstoxAPI`, `KiteAPI`,
/// `FyersAPI`). Shared rules: every call is paced (orders at the SEBI rate), HTTP 429 is retried after a
/// backoff, an expired token throws `tokenExpired` and marks the broker unhealthy until a new token is set,
/// a placement without an answer is resolved by looking the order up by Vega's tag and is never resent,
/// and the broker's raw status and error code ride on every event. Credentials never reach a log or error.
public actor RESTBroker<API: BrokerAPI>: BrokerAdapter, BrokerBookkeeping, BrokerHealthReporting {
    public nonisolated let api: API
    public nonisolated var id: BrokerID { api.id }
    public nonisolated var capabilities: BrokerCapabilities { api.capabilities }
    public nonisolated let events: AsyncStream<BrokerOrderEvent>
    let continuation: AsyncStream<BrokerOrderEvent>.Continuation
    let transport: BrokerHTTPTransport
    let orderPacer: BrokerPacer
    let dataPacer: BrokerPacer
    let settings: BrokerSettings
    let logger: Logger
    var credentials: BrokerCredentials
    var tracker = OrderTracker()
    /// Orders being taken up (`resume`): their snapshots that arrive during the look-up, kept for it, and how
    /// many take-ups of the tag are under way (two may overlap: the buffer is theirs together).
    var resuming: [String: [BrokerOrderRecord]] = [:]
    var resumingCount: [String: Int] = [:]
    var tokenExpired = false
    var unreachable: String?
    var symbols: [String: InstrumentKey] = [:]
    var streamTask: Task<Void, Never>?
    /// How many times the order-update stream has connected (1 + reconnections).
    public internal(set) var streamConnections = 0
    public internal(set) var streamConnected = false

    public init(api: API, credentials: BrokerCredentials, settings: BrokerSettings = .init(),
                logger: Logger = Logger(label: "vega.broker")) {
        self.api = api
        self.credentials = credentials
        self.settings = settings
        var logger = logger
        logger[metadataKey: "broker"] = "\(api.id)"
        self.logger = logger
        transport = BrokerHTTPTransport(timeout: settings.requestTimeout, connectTimeout: settings.connectTimeout)
        orderPacer = BrokerPacer(rate: settings.ordersPerSecond)
        dataPacer = BrokerPacer(rate: settings.requestsPerSecond)
        (events, continuation) = AsyncStream.makeStream(of: BrokerOrderEvent.self)
    }

    /// Connects the order-update stream (reconnecting, with a catch-up from the order book, until shutdown).
    public func start() {
        guard settings.useStream, streamTask == nil else { return }
        streamTask = Task { await self.runStream() }
    }

    public func shutdown() async {
        streamTask?.cancel()
        streamTask = nil
        continuation.finish()
        await transport.shutdown()
    }

    /// The day's new access token (after the daily login): the broker is healthy again.
    public func updateAccessToken(_ token: String) {
        credentials.accessToken = token
        tokenExpired = false
        logger.notice("access token updated")
    }

    public func health() -> BrokerHealth {
        if tokenExpired { return .unhealthy(reason: "access token expired: the daily login is needed") }
        if let unreachable { return .unhealthy(reason: unreachable) }
        return .healthy
    }

    // MARK: BrokerAdapter

    public func place(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement {
        try checkToken()
        let request = try api.place(order)
        symbols[api.symbol(order.instrument)] = order.instrument.key
        tracker.track(order, brokerOrderIDs: [])
        let body: JSONValue
        do {
            body = try await call(request, kind: .order)
        } catch .outcomeUnknown {
            logger.warning("placement got no answer; looking the order up by its tag", metadata: ["tag": "\(order.tag)"])
            return try await resolveUnknownPlacement(order)
        } catch {
            tracker.forget(tag: order.tag)  // refused: the broker has no such order
            throw error
        }
        let ids: [String]
        do {
            ids = try api.placedOrderIDs(body)
        } catch {
            // A success we cannot read: the order may well exist, so look it up rather than assume.
            logger.warning("placement answer unreadable; looking the order up by its tag", metadata: ["tag": "\(order.tag)"])
            return try await resolveUnknownPlacement(order)
        }
        tracker.track(order, brokerOrderIDs: ids, answered: true)
        logger.info("order placed", metadata: ["tag": "\(order.tag)", "brokerOrderIDs": "\(ids.joined(separator: ","))"])
        return BrokerPlacement(brokerOrderIDs: ids)
    }

    public func modify(tag: String, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?) async throws(BrokerError) {
        try checkToken()
        guard let request = tracker.request(tag: tag) else { throw .unknownOrder(tag: tag) }
        let open = tracker.openBrokerOrderIDs(tag: tag)
        guard let brokerOrderID = open.first else { throw .refused(code: nil, message: "order \(tag) is closed") }
        guard open.count == 1 else {
            throw .refused(code: nil, message: "order \(tag) was sliced into \(open.count) broker orders; modify each slice")
        }
        let r = try api.modify(BrokerOrderContext(request: request, brokerOrderID: brokerOrderID), quantity: quantity,
                               limitPrice: limitPrice, triggerPrice: triggerPrice)
        _ = try await call(r, kind: .order)
    }

    public func cancel(tag: String) async throws(BrokerError) {
        try checkToken()
        guard let request = tracker.request(tag: tag) else { throw .unknownOrder(tag: tag) }
        let open = tracker.openBrokerOrderIDs(tag: tag)
        guard !open.isEmpty else { throw .refused(code: nil, message: "order \(tag) is closed") }
        for brokerOrderID in open {
            _ = try await call(api.cancel(BrokerOrderContext(request: request, brokerOrderID: brokerOrderID)), kind: .order)
        }
    }

    public func orderState(tag: String) async throws(BrokerError) -> BrokerOrderState? {
        Self.state(tag: tag, try await lookup(tag: tag))
    }

    /// Follows an order this process did not place: tracked under all its broker ids, with what the broker shows
    /// now taken as known (the caller catches up to the same records through the state returned), so that only
    /// what happens later becomes events. Before, an order from before a restart was unknown here: its stream
    /// updates were dropped (a fill lost until a reconciliation found it) and a modify or cancel was refused.
    public func resume(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerOrderState? {
        // Snapshots the stream brings during the look-up are kept (`ingest`) and merged with its answer — taking
        // them as events would start this order's fills from zero and report again what the engine has; dropping
        // them could lose a fill (an order that completes in that round trip sends nothing more).
        if resuming[order.tag] == nil { resuming[order.tag] = [] }
        resumingCount[order.tag, default: 0] += 1
        defer {
            resumingCount[order.tag, default: 1] -= 1
            if resumingCount[order.tag] == 0 {
                resumingCount[order.tag] = nil
                resuming[order.tag] = nil
            }
        }
        let records = try await lookup(tag: order.tag)
        let arrived = resuming[order.tag] ?? []
        let merged = Self.latest(records + arrived)
        guard !merged.isEmpty else { return nil }
        tracker.track(order, brokerOrderIDs: merged.map(\.brokerOrderID), answered: true)
        for r in merged { _ = tracker.apply(r) }
        return Self.state(tag: order.tag, merged)
    }

    /// One snapshot per broker order, in the order they first appear: the one furthest on (more filled, or ended
    /// where the other is not), as a look-up's answer and stream updates may arrive in either order.
    static func latest(_ records: [BrokerOrderRecord]) -> [BrokerOrderRecord] {
        var order: [String] = []
        var best: [String: BrokerOrderRecord] = [:]
        for r in records {
            guard let prior = best[r.brokerOrderID] else {
                order.append(r.brokerOrderID)
                best[r.brokerOrderID] = r
                continue
            }
            if r.filledQuantity > prior.filledQuantity
                || (r.filledQuantity == prior.filledQuantity && r.phase.isTerminal && !prior.phase.isTerminal) {
                best[r.brokerOrderID] = r
            }
        }
        return order.compactMap { best[$0] }
    }

    static func state(tag: String, _ records: [BrokerOrderRecord]) -> BrokerOrderState? {
        guard let first = records.first else { return nil }
        let filled = records.reduce(Int64(0)) { $0.addingSaturated($1.filledQuantity.value) }
        let notional = records.reduce(Int64(0)) {
            $0.addingSaturated($1.filledQuantity.value.multipliedSaturated(by: $1.averagePrice.units))
        }
        let open = records.contains { !$0.phase.isTerminal }
        let status = records.first { !$0.phase.isTerminal }?.rawStatus ?? records.last?.rawStatus ?? first.rawStatus
        // How its broker orders ended, the filled slices aside (a sliced order whose other slices expired ended
        // expired); none said when they ended differently.
        let phases = Set(records.map(\.phase))
        let unfilled = phases.subtracting([.filled])
        let ends = unfilled.isEmpty ? phases : unfilled
        return BrokerOrderState(tag: tag, brokerOrderID: first.brokerOrderID, rawStatus: status,
                                filledQuantity: Quantity(filled),
                                averagePrice: filled > 0 ? Price(units: notional / filled) : .zero, isOpen: open,
                                quantity: Quantity(records.reduce(Int64(0)) { $0 + $1.quantity.value }),
                                limitPrice: first.limitPrice, end: ends.count == 1 ? ends.first : nil)
    }

    // MARK: BrokerBookkeeping

    public func orders() async throws(BrokerError) -> [BrokerOrderRecord] {
        try api.orderRecords(try await call(api.orderBook(), kind: .data))
    }

    public func trades() async throws(BrokerError) -> [BrokerTrade] {
        try api.tradeRecords(try await call(api.trades(brokerOrderID: nil), kind: .data))
    }

    public func positions() async throws(BrokerError) -> [BrokerPosition] {
        let rows = try api.positionRecords(try await call(api.positionsRequest(), kind: .data))
        return rows.map { vegaKeyed($0.position, symbol: $0.symbol, \.instrumentKey) }
    }

    public func holdings() async throws(BrokerError) -> [BrokerHolding] {
        let rows = try api.holdingRecords(try await call(api.holdingsRequest(), kind: .data))
        return rows.map { vegaKeyed($0.holding, symbol: $0.symbol, \.instrumentKey) }
    }

    /// A book row keyed by Vega's instrument key when the adapter knows the broker's symbol (it sent an order in it).
    func vegaKeyed<Row>(_ row: Row, symbol: String, _ key: WritableKeyPath<Row, InstrumentKey>) -> Row {
        var row = row
        if let vega = symbols[symbol] { row[keyPath: key] = vega }
        return row
    }

    // MARK: Unknown outcomes

    /// Orders carrying Vega's tag, as the broker books them.
    func lookup(tag: String) async throws(BrokerError) -> [BrokerOrderRecord] {
        let wire = try api.wireTag(tag)
        return try api.orderRecords(try await call(api.ordersByTag(wire), kind: .data)).filter { $0.tag == tag }
    }

    /// A placement that got no answer: the broker may or may not have the order. Look it up by its tag a few
    /// times; never send it again. Still unknown afterwards: `outcomeUnknown` (reconciliation settles it).
    func resolveUnknownPlacement(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement {
        for attempt in 0..<max(settings.lookupAttempts, 1) {
            if attempt > 0 { try? await Task.sleep(for: settings.lookupInterval) }
            guard let records = try? await lookup(tag: order.tag), !records.isEmpty else { continue }
            let ids = records.map(\.brokerOrderID)
            tracker.track(order, brokerOrderIDs: ids, answered: true)
            for r in records { await ingest(r) }
            logger.notice("unknown placement found by its tag", metadata: ["tag": "\(order.tag)"])
            return BrokerPlacement(brokerOrderIDs: ids)
        }
        throw .outcomeUnknown
    }

    // MARK: Snapshots → events

    /// Applies one snapshot of a broker order (from the stream or a poll) and publishes the events.
    func ingest(_ record: BrokerOrderRecord) async {
        if let tag = record.tag, resuming[tag] != nil, tracker.tag(brokerOrderID: record.brokerOrderID) == nil {
            resuming[tag]?.append(record)   // taken up by `resume` with its look-up
            return
        }
        if tracker.tag(brokerOrderID: record.brokerOrderID) == nil {
            // An order of ours whose id we did not know yet (the stream beat the placement's answer, or a slice).
            guard let tag = record.tag, let request = tracker.request(tag: tag) else { return }
            tracker.track(request, brokerOrderIDs: [record.brokerOrderID])
        }
        var trades: [BrokerTrade] = []
        if tracker.needsTrades(record) {
            if let body = try? await call(api.trades(brokerOrderID: record.brokerOrderID), kind: .data),
               let all = try? api.tradeRecords(body) {
                trades = all.filter { $0.brokerOrderID == record.brokerOrderID }
            }
        }
        for event in tracker.apply(record, trades: trades) { continuation.yield(event) }
    }

    func ingest(trade: BrokerTrade) {
        for event in tracker.apply(trade: trade) { continuation.yield(event) }
    }

    // MARK: Calls

    enum CallKind { case order, data }

    func checkToken() throws(BrokerError) {
        if tokenExpired { throw .tokenExpired }
    }

    /// One REST call: paced, authorised, retried after HTTP 429, failures mapped and redacted.
    func call(_ request: BrokerHTTPRequest, kind: CallKind) async throws(BrokerError) -> JSONValue {
        var request = request
        api.authorize(&request, credentials: credentials)
        let pacer = kind == .order ? orderPacer : dataPacer
        var attempt = 0
        while true {
            await pacer.acquire()
            logger.debug("call", metadata: ["method": "\(request.method)", "path": "\(request.pathForLog)"])
            let response: BrokerHTTPResponse
            do {
                response = try await transport.send(request)
            } catch {
                switch error {
                case .notConnected(let text):
                    unreachable = "unreachable: \(credentials.redact(text))"
                    throw .unavailable(credentials.redact(text))
                case .noResponse(let text):
                    logger.warning("no answer", metadata: ["path": "\(request.pathForLog)",
                                                           "error": "\(credentials.redact(text))"])
                    if kind == .order { throw .outcomeUnknown }
                    throw .unavailable(credentials.redact(text))
                }
            }
            unreachable = nil
            let body = JSONValue.parse(response.body)
            guard let failure = api.failure(status: response.status, body: body) else { return body ?? .null }
            switch failure {
            case .tokenExpired:
                tokenExpired = true
                logger.error("access token expired or invalid: broker marked unhealthy until a new token is set")
                throw .tokenExpired
            case .rateLimited where attempt < settings.maxRetriesOn429:
                let retryAfter = response.header("Retry-After").flatMap { Int64($0) }.map { Duration.seconds($0) }
                logger.notice("HTTP 429: backing off", metadata: ["attempt": "\(attempt + 1)"])
                await pacer.backoff(retryAfter: retryAfter, attempt: attempt, base: settings.backoffBase)
                attempt += 1
            case .unavailable where kind == .order && response.status >= 500:
                throw .outcomeUnknown  // a server error on order entry: the broker may have acted on it
            case .refused(let code, let message):
                throw .refused(code: code, message: credentials.redact(message))
            case .unavailable(let message):
                throw .unavailable(credentials.redact(message))
            default:
                throw failure
            }
        }
    }
}

/// A broker adapter the composition root starts, feeds a new token and stops.
public protocol BrokerConnection: BrokerAdapter, BrokerBookkeeping, BrokerHealthReporting {
    func start() async
    func shutdown() async
    func updateAccessToken(_ token: String) async
    /// How many times the order-update stream has connected.
    var streamConnections: Int { get async }
}

extension RESTBroker: BrokerConnection {}
