import OMSCore

/// Settings of the embedded paper broker.
public struct PaperBrokerConfiguration: Sendable {
    /// Delay before the broker answers (simulated network and exchange).
    public var latency: Duration = .zero
    /// Largest quantity filled per market step (nil: whole order at once).
    public var maxFillPerStep: Quantity? = nil
    /// Adverse slippage on market orders, in basis points.
    public var slippageBps: Int64 = 0
    /// Standard deviation of one price step, in basis points (random walk).
    public var volatilityBps: Int64 = 5
    /// Seed of the price process, so that a run can be replayed.
    public var seed: UInt64 = 42
    /// Start of the broker's order ids (`PB1`…) and trade ids (`T1`…): a server gives each run its own, so
    /// that ids stay unique across restarts.
    public var idPrefix: String = ""

    public init() {}
}

/// The embedded paper broker: fills against a simulated market (a per-instrument random walk seeded from
/// the demo prices, or prices set from a tick file). Market orders fill at once (with slippage, within
/// their protection price); limit orders rest until the price crosses; exchange-like rejects for orders
/// with no market data, a zero quantity or a price off the tick.
public actor PaperBroker: BrokerAdapter {
    public nonisolated let id: BrokerID
    public nonisolated let capabilities = BrokerCapabilities(
        orderTypes: [.market, .limit, .stop, .stopLimit], validities: [.day, .ioc], products: Set(Product.allCases),
        supportsAfterMarketOrders: true, maxOrdersPerSecond: 1_000_000, inProcess: true)
    public nonisolated let events: AsyncStream<BrokerOrderEvent>
    private let continuation: AsyncStream<BrokerOrderEvent>.Continuation
    private let config: PaperBrokerConfiguration

    struct PaperOrder {
        var request: PaperRequest
        var brokerOrderID: String
        var filled: Quantity = .zero
        var notional: Int64 = 0
        var open = true
        var rawStatus = "open"
        var triggered: Bool
    }

    /// One copy of each instrument, shared by its orders (an `Instrument` is a few hundred bytes; the book
    /// keeps every order of the day).
    private var instruments: [InstrumentKey: InstrumentRef] = [:]
    private var prices: [InstrumentKey: Price] = [:]
    private var ticks: [InstrumentKey: Price] = [:]
    /// The day's price band per instrument, where known: the walk stays inside it, as an exchange's does.
    private var bands: [InstrumentKey: PriceBand] = [:]
    // Internal (not private) for the bookkeeping extension (PaperBroker+Bookkeeping.swift).
    var book = BoxedDictionary<String, PaperOrder>()
    var orderSequence = ChunkedList<String>()
    /// Every execution, oldest first (the trade book).
    var tradeBook = ChunkedList<BrokerTrade>()
    /// Open orders per instrument, in arrival order: matching looks at these only.
    private var resting: [InstrumentKey: [String]] = [:]
    private var nextID = 1
    /// An order was placed: the book is no longer restored from Vega's records.
    private var tookOrders = false
    /// Restored open orders do not trade until `resumeMatching()`: the engine first takes each one up (reads its
    /// state here); a fill in between would be in that state and in an event after it — counted twice. Orders
    /// placed meanwhile trade as usual.
    private var awaitingTakeUp: Set<String> = []
    private var nextTrade = 1
    private var rng: SplitMix64

    /// The status of a stop order not yet triggered, in every event about it.
    static let triggerPending = "trigger pending"

    public init(id: BrokerID = .paper, configuration: PaperBrokerConfiguration = .init()) {
        self.id = id
        self.config = configuration
        (events, continuation) = AsyncStream.makeStream(of: BrokerOrderEvent.self)
        rng = SplitMix64(seed: configuration.seed)
    }

    // MARK: Market data

    /// Sets the last price of an instrument (demo seed or a tick-file replay) and matches resting orders.
    public func setPrice(_ price: Price, for instrument: Instrument) {
        prices[instrument.key] = price
        ticks[instrument.key] = instrument.tickSize
        match(instrument.key)
    }

    /// Sets the day's price band of an instrument: the random walk does not leave it.
    public func setBand(lower: Price, upper: Price, for key: InstrumentKey) {
        guard lower <= upper else { return }
        bands[key] = PriceBand(lower: lower, upper: upper)
    }

    public func lastPrice(_ key: InstrumentKey) -> Price? { prices[key] }

    public func lastPrices() -> [InstrumentKey: Price] { prices }

    /// One step of the price process for every instrument, then matching.
    public func step() {
        for key in prices.keys.sorted() {
            guard let p = prices[key] else { continue }
            let tick = Price(units: max(ticks[key]?.units ?? 500, 1))
            // Approximately normal: sum of four uniforms, scaled to the configured volatility.
            var z: Int64 = 0
            for _ in 0..<4 { z += Int64(rng.next() % 2001) - 1000 }
            let moveUnits = p.units * config.volatilityBps * z / (10_000 * 1155)
            // To the nearest tick (rounding down made the walk drift down by half a tick a step: RELIANCE
            // fell from 1542.30 to ~1318 in an hour, below its band), and inside the day's band.
            var next = Price(units: p.units + moveUnits).rounded(toMultipleOf: tick)
            if let band = bands[key] {
                next = min(max(next, band.lower.roundedUp(toMultipleOf: tick)), band.upper.roundedDown(toMultipleOf: tick))
            }
            prices[key] = max(tick, next)
        }
        for key in prices.keys.sorted() { match(key) }
    }

    // MARK: BrokerAdapter

    public func place(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement {
        if config.latency > .zero { try? await Task.sleep(for: config.latency) }
        return placeNow(order)
    }

    /// Every order in one visit to the broker (after one simulated latency).
    public func place(batch orders: [BrokerOrderRequest]) async -> [Result<BrokerPlacement, BrokerError>] {
        if config.latency > .zero { try? await Task.sleep(for: config.latency) }
        return orders.map { .success(placeNow($0)) }
    }

    private func placeNow(_ order: BrokerOrderRequest) -> BrokerPlacement {
        if let existing = book[order.tag] { return BrokerPlacement(brokerOrderIDs: [existing.brokerOrderID]) }
        tookOrders = true
        let brokerID = "\(config.idPrefix)PB\(nextID)"
        nextID += 1
        var o = PaperOrder(request: PaperRequest(order, instrument: shared(order.instrument)), brokerOrderID: brokerID,
                           triggered: !order.orderType.hasTriggerPrice)
        if let reason = rejection(order) {
            o.open = false
            o.rawStatus = "rejected"
            book[order.tag] = o
            orderSequence.append(order.tag)
            continuation.yield(.rejected(tag: order.tag, text: reason, errorCode: "PAPER_REJECT", rawStatus: "rejected"))
            return BrokerPlacement(brokerOrderIDs: [brokerID])
        }
        if !o.triggered { o.rawStatus = Self.triggerPending }
        book[order.tag] = o
        orderSequence.append(order.tag)
        resting[order.instrument.key, default: []].append(order.tag)
        continuation.yield(.acknowledged(tag: order.tag, brokerOrderID: brokerID, exchangeOrderID: "X\(brokerID)",
                                         rawStatus: o.rawStatus))
        match(order.instrument.key, only: order.tag)
        return BrokerPlacement(brokerOrderIDs: [brokerID])
    }

    /// The one copy of `instrument` the book's orders share (a new one when the instrument changed).
    private func shared(_ instrument: Instrument) -> InstrumentRef {
        if let ref = instruments[instrument.key], ref.instrument == instrument { return ref }
        let ref = InstrumentRef(instrument)
        instruments[instrument.key] = ref
        return ref
    }

    /// After a restart: the book as it stood, from Vega's records of the day's orders at this broker. The
    /// paper broker's book lives in the process, where a real broker's outlives Vega's restarts; without this
    /// every earlier order of the day would be missing from it and its positions empty. Open orders rest again
    /// with what they had filled; every execution is back in the trade book under its trade id. Only before the
    /// broker has taken an order (in as many calls as suit the caller); returns how many orders it took.
    @discardableResult
    public func restore(_ entries: [PaperBookEntry]) -> Int {
        guard !tookOrders else { return 0 }
        var taken = 0
        for e in entries where book[e.order.tag] == nil {
            taken += 1
            let r = e.order
            // A stop order is triggered when it has traded or its last status says so; an untriggered one reports
            // "trigger pending" in every event (a modify too), and no status at all is taken as untriggered.
            let isStop = r.orderType.hasTriggerPrice
            var o = PaperOrder(request: PaperRequest(r, instrument: shared(r.instrument)), brokerOrderID: e.brokerOrderID,
                               triggered: !isStop || !e.fills.isEmpty
                                   || (e.rawStatus != nil && e.rawStatus != Self.triggerPending))
            for f in e.fills {
                o.filled = o.filled + f.quantity
                o.notional += f.quantity.value * f.price.units
                tradeBook.append(BrokerTrade(tradeID: f.tradeID, brokerOrderID: e.brokerOrderID, tag: r.tag,
                                             symbol: r.instrument.key.rawValue, side: r.side, quantity: f.quantity,
                                             price: f.price))
            }
            switch e.state {
            case .open where o.filled >= r.quantity: (o.open, o.rawStatus) = (false, "complete")
            case .open: o.rawStatus = o.triggered ? "open" : Self.triggerPending
            case .filled: (o.open, o.rawStatus) = (false, "complete")
            case .canceled: (o.open, o.rawStatus) = (false, "cancelled")
            case .rejected: (o.open, o.rawStatus) = (false, "rejected")
            }
            book[r.tag] = o
            orderSequence.append(r.tag)
            if o.open {
                resting[r.instrument.key, default: []].append(r.tag)
                awaitingTakeUp.insert(r.tag)
            }
        }
        return taken
    }

    /// After the engine has taken up the restored orders: matching starts again, against the prices as they are.
    public func resumeMatching() {
        guard !awaitingTakeUp.isEmpty else { return }
        awaitingTakeUp = []
        for key in prices.keys.sorted() { match(key) }
    }

    private func rejection(_ o: BrokerOrderRequest) -> String? {
        if o.quantity.value <= 0 { return "Quantity must be greater than zero" }
        if o.instrument.lotSize > 1, o.quantity.value % o.instrument.lotSize != 0 {
            return "Quantity \(o.quantity) is not a multiple of lot size \(o.instrument.lotSize)"
        }
        for p in [o.limitPrice, o.triggerPrice].compactMap({ $0 }) where !p.isMultiple(of: o.instrument.tickSize) {
            return "Price \(p) is not a multiple of tick size \(o.instrument.tickSize)"
        }
        if o.orderType.hasLimitPrice && o.limitPrice == nil { return "Limit price required" }
        guard let market = prices[o.instrument.key] else { return "No market data for \(o.instrument.tradingSymbol)" }
        // A stop order must wait for its trigger, as the exchange requires: a buy's above the last price, a sell's
        // below (one already crossed was taken and filled at once); a stop-limit's limit on the far side of it.
        if o.orderType.hasTriggerPrice, let trigger = o.triggerPrice {
            let buy = o.side == .buy
            if buy && trigger <= market {
                return "Trigger price \(trigger) for a stop-loss buy order should be higher than the last traded price \(market)"
            }
            if !buy && trigger >= market {
                return "Trigger price \(trigger) for a stop-loss sell order should be lower than the last traded price \(market)"
            }
            if o.orderType == .stopLimit, let limit = o.limitPrice, buy ? limit < trigger : limit > trigger {
                return "Limit price \(limit) of a stop-loss \(buy ? "buy" : "sell") order should be \(buy ? "at or above" : "at or below") its trigger price \(trigger)"
            }
        }
        return nil
    }

    public func modify(tag: String, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?) async throws(BrokerError) {
        if config.latency > .zero { try? await Task.sleep(for: config.latency) }
        guard var o = book[tag] else { throw .unknownOrder(tag: tag) }
        guard o.open else {
            continuation.yield(.replaceRejected(tag: tag, text: "Order is \(o.rawStatus)", rawStatus: "not modified"))
            return
        }
        let notModified = o.triggered ? "not modified" : Self.triggerPending
        guard quantity > o.filled else {
            continuation.yield(.replaceRejected(tag: tag, text: "Quantity below filled quantity", rawStatus: notModified))
            return
        }
        for p in [limitPrice, triggerPrice].compactMap({ $0 }) where !p.isMultiple(of: o.request.instrument.tickSize) {
            continuation.yield(.replaceRejected(tag: tag, text: "Price \(p) is not a multiple of tick size", rawStatus: notModified))
            return
        }
        o.request.quantity = quantity
        if let p = limitPrice { o.request.limitPrice = p }
        if let t = triggerPrice { o.request.triggerPrice = t }
        o.rawStatus = o.triggered ? "modified" : Self.triggerPending
        book[tag] = o
        continuation.yield(.replaced(tag: tag, quantity: quantity, limitPrice: o.request.limitPrice, rawStatus: o.rawStatus,
                                     triggerPrice: o.request.triggerPrice))
        match(o.request.instrument.key)
    }

    public func cancel(tag: String) async throws(BrokerError) {
        if config.latency > .zero { try? await Task.sleep(for: config.latency) }
        guard var o = book[tag] else { throw .unknownOrder(tag: tag) }
        guard o.open else {
            continuation.yield(.cancelRejected(tag: tag, text: "Order is \(o.rawStatus)", rawStatus: "not cancelled"))
            return
        }
        o.open = false
        o.rawStatus = "cancelled"
        book[tag] = o
        continuation.yield(.canceled(tag: tag, rawStatus: "cancelled"))
    }

    public func orderState(tag: String) async throws(BrokerError) -> BrokerOrderState? {
        guard let o = book[tag] else { return nil }
        let avg = o.filled.value > 0 ? Price(units: o.notional / o.filled.value) : .zero
        return BrokerOrderState(tag: tag, brokerOrderID: o.brokerOrderID, rawStatus: o.rawStatus, filledQuantity: o.filled,
                                averagePrice: avg, isOpen: o.open, quantity: o.request.quantity,
                                limitPrice: o.request.limitPrice,
                                end: ["complete": .filled, "cancelled": .canceled, "rejected": .rejected][o.rawStatus])
    }

    public func positions() async throws(BrokerError) -> [BrokerPosition] {
        var net: [String: (InstrumentKey, Product, Int64, Int64)] = [:]
        for tag in orderSequence {
            guard let o = book[tag], o.filled.value > 0 else { continue }
            let k = "\(o.request.instrument.key.rawValue)#\(o.request.product.rawValue)"
            let signed = o.request.side == .buy ? o.filled.value : -o.filled.value
            var e = net[k] ?? (o.request.instrument.key, o.request.product, 0, 0)
            e.2 += signed
            e.3 += o.request.side == .buy ? o.notional : -o.notional
            net[k] = e
        }
        return net.values.sorted { $0.0 < $1.0 }.map { e in
            BrokerPosition(instrumentKey: e.0, product: e.1, netQuantity: Quantity(e.2),
                           averagePrice: e.2 != 0 ? Price(units: abs(e.3 / e.2)) : .zero)
        }
    }

    /// Ends the event stream (shutdown).
    public func finish() { continuation.finish() }

    // MARK: Matching

    /// Matches the instrument's resting orders (or only `only`, a new order) against its price.
    private func match(_ key: InstrumentKey, only: String? = nil) {
        guard let market = prices[key], let all = resting[key] else { return }
        let candidates = only.map { [$0] } ?? all
        var closed = false
        defer { if closed { resting[key] = resting[key]?.filter { book[$0]?.open == true } } }
        for tag in candidates where awaitingTakeUp.isEmpty || !awaitingTakeUp.contains(tag) {
            guard var o = book[tag], o.open else { continue }
            let r = o.request
            let buy = r.side == .buy
            if !o.triggered, let trigger = r.triggerPrice {
                guard (buy && market >= trigger) || (!buy && market <= trigger) else { continue }
                // Kept in the book whether or not it can trade now: a stop-limit triggered past its limit rests
                // as a limit order (it used to be armed again when it could not trade at once).
                o.triggered = true
                o.rawStatus = "open"
                book[tag] = o
            }
            let executable: Price?
            switch r.orderType {
            case .market, .stop:
                // Slippage against the order, on the tick grid (a buy's price up to the next tick, a sell's down).
                let slip = market.units * config.slippageBps / 10_000
                let tick = Price(units: max(r.instrument.tickSize.units, 1))
                var px = buy ? Price(units: market.units + slip).roundedUp(toMultipleOf: tick)
                             : max(tick, Price(units: market.units - slip).roundedDown(toMultipleOf: tick))
                if let protection = r.protectionPrice {
                    if buy && px > protection { px = protection }
                    if !buy && px < protection { px = protection }
                    if (buy && market > protection) || (!buy && market < protection) { executable = nil; break }
                }
                executable = px
            case .limit, .stopLimit:
                guard let limit = r.limitPrice else { executable = nil; break }
                executable = (buy && market <= limit) || (!buy && market >= limit) ? (buy ? min(market, limit) : max(market, limit)) : nil
            }
            guard let px = executable else {
                if r.timeInForce == .ioc {
                    o.open = false
                    closed = true
                    o.rawStatus = "cancelled"
                    book[tag] = o
                    continuation.yield(.canceled(tag: tag, rawStatus: "cancelled"))
                }
                continue
            }
            let remaining = r.quantity - o.filled
            var qty = remaining
            if let cap = config.maxFillPerStep, cap < qty {
                qty = cap
                if r.instrument.lotSize > 1 { qty = Quantity(max(r.instrument.lotSize, qty.value / r.instrument.lotSize * r.instrument.lotSize)) }
            }
            o.filled = o.filled + qty
            o.notional += qty.value * px.units
            o.rawStatus = o.filled == r.quantity ? "complete" : "open"
            if o.filled == r.quantity {
                o.open = false
                closed = true
            }
            book[tag] = o
            let trade = "\(config.idPrefix)T\(nextTrade)"
            nextTrade += 1
            tradeBook.append(BrokerTrade(tradeID: trade, brokerOrderID: o.brokerOrderID, tag: tag,
                                         symbol: r.instrument.key.rawValue, side: r.side, quantity: qty, price: px))
            continuation.yield(.fill(tag: tag, tradeID: trade, quantity: qty, price: px, rawStatus: o.rawStatus))
            if o.open && r.timeInForce == .ioc {
                o.open = false
                closed = true
                o.rawStatus = "cancelled"
                book[tag] = o
                continuation.yield(.canceled(tag: tag, rawStatus: "cancelled"))
            }
        }
    }
}

/// One of Vega's orders of the day at the paper broker, as Vega stored it: what the broker's book held of it
/// before a restart (`PaperBroker.restore`).
public struct PaperBookEntry: Sendable, Hashable {
    public enum State: Sendable, Hashable { case open, filled, canceled, rejected }
    public typealias Fill = TradeFill

    /// The order's tag, instrument and terms as they stand.
    public var order: BrokerOrderRequest
    public var brokerOrderID: String
    public var state: State
    /// The broker's last status text for it (`open`, `trigger pending`, …), when Vega has one.
    public var rawStatus: String?
    /// Its executions, oldest first.
    public var fills: [Fill]

    public init(order: BrokerOrderRequest, brokerOrderID: String, state: State, rawStatus: String? = nil,
                fills: [Fill] = []) {
        self.order = order
        self.brokerOrderID = brokerOrderID
        self.state = state
        self.rawStatus = rawStatus
        self.fills = fills
    }
}

/// A small deterministic generator for the price process.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An instrument shared by the paper orders for it.
final class InstrumentRef: Sendable {
    let instrument: Instrument
    init(_ instrument: Instrument) { self.instrument = instrument }
}

/// What the paper broker keeps of an order's request: its terms, and its instrument by reference.
struct PaperRequest {
    let instrumentRef: InstrumentRef
    var side: Side
    var product: Product
    var orderType: OrderType
    var timeInForce: TimeInForce
    var quantity: Quantity
    var limitPrice: Price?
    var triggerPrice: Price?
    var protectionPrice: Price?

    var instrument: Instrument { instrumentRef.instrument }

    init(_ r: BrokerOrderRequest, instrument: InstrumentRef) {
        instrumentRef = instrument
        side = r.side
        product = r.product
        orderType = r.orderType
        timeInForce = r.timeInForce
        quantity = r.quantity
        limitPrice = r.limitPrice
        triggerPrice = r.triggerPrice
        protectionPrice = r.protectionPrice
    }
}
