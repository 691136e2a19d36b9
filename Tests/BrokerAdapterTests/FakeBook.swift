import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// One order in a fake broker's book, in the broker's own vocabulary.
struct FakeOrder: Sendable {
    var id: String
    var tag: String
    var symbol: String
    var side: String
    var quantity: Int
    var filled = 0
    var averagePrice = 0.0
    var price: Double
    var triggerPrice: Double
    var orderType: String
    var product: String
    var validity: String
    var variety = "regular"
    var status: String
    var message = ""
    var exchangeOrderID = ""
    /// Every status the order went through, oldest first (Upstox order history).
    var history: [String] = []
}

struct FakeTrade: Sendable {
    var id: String
    var orderID: String
    var quantity: Int
    var price: Double
}

/// One request the adapter sent, as the fake saw it.
struct SeenRequest: Sendable {
    var method: String
    var path: String
    var query: String
    var headers: [String: String]
    var body: String

    /// A header by name, in any case.
    func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

/// What the fake does with the next placement (scripted by a test).
enum PlacementScript: Sendable {
    case rateLimit
    case delay(Duration)
    case refuse
    /// A refusal whose text quotes the access token back (the adapter must not pass it on).
    case refuseQuotingToken
}

/// Shared state of a fake broker: its book, what it was sent, broken rules, and its stream connections.
actor FakeBook {
    let vocabulary: FakeVocabulary
    var orders: [String: FakeOrder] = [:]
    var orderSequence: [String] = []
    var trades: [FakeTrade] = []
    var requests: [SeenRequest] = []
    var violations: [String] = []
    var scripts: [PlacementScript] = []
    var tokenValid = true
    var holdStreams = false
    /// How long the next order-book read waits after taking its snapshot (so that the answer is older than what the
    /// stream pushes meanwhile); nil: none.
    var orderBookDelay: Duration?
    func delayOrderBook(_ d: Duration?) { orderBookDelay = d }
    func takeOrderBookDelay() -> Duration? {
        defer { orderBookDelay = nil }
        return orderBookDelay
    }
    var streamConnections = 0
    private var streams: [Int: (WebSocketOutboundWriter, AsyncStream<Void>.Continuation)] = [:]
    private var nextStream = 0
    /// Fyers only pushes to connections that sent SUB_ORD.
    var requiresSubscription = false
    private var subscribed: Set<Int> = []
    func subscribe(_ id: Int) { subscribed.insert(id) }
    private var nextOrder: Int
    private var nextTrade = 1
    /// Renders an order (and a trade) as the broker's stream frames.
    let streamFrames: @Sendable (FakeOrder, FakeTrade?) -> [String]

    init(vocabulary: FakeVocabulary, firstOrderID: Int, streamFrames: @escaping @Sendable (FakeOrder, FakeTrade?) -> [String]) {
        self.vocabulary = vocabulary
        self.nextOrder = firstOrderID
        self.streamFrames = streamFrames
    }

    // MARK: What the adapter sent

    func record(_ r: SeenRequest) { requests.append(r) }
    func violation(_ text: String) { violations.append(text) }
    func script(_ s: PlacementScript) { scripts.append(s) }
    func nextScript() -> PlacementScript? { scripts.isEmpty ? nil : scripts.removeFirst() }
    func expireToken() { tokenValid = false }
    func seen(_ method: String, _ pathSuffix: String) -> [SeenRequest] {
        requests.filter { $0.method == method && $0.path.hasSuffix(pathSuffix) }
    }

    // MARK: Book

    func newOrderID() -> String {
        defer { nextOrder += 1 }
        return String(nextOrder)
    }

    func add(_ order: FakeOrder) async {
        var o = order
        o.history = [o.status]
        orders[o.id] = o
        orderSequence.append(o.id)
        await push(o, nil)
    }

    var allOrders: [FakeOrder] { orderSequence.compactMap { orders[$0] } }
    func order(_ id: String) -> FakeOrder? { orders[id] }
    func orders(tag: String) -> [FakeOrder] { allOrders.filter { $0.tag == tag } }
    var placements: Int { orderSequence.count }

    func set(_ id: String, push: Bool = true, _ change: (inout FakeOrder) -> Void) async {
        guard var o = orders[id] else { return }
        change(&o)
        if o.history.last != o.status { o.history.append(o.status) }
        orders[id] = o
        if push { await self.push(o, nil) }
    }

    /// The exchange accepted the order.
    func open(_ id: String) async {
        await set(id) {
            $0.status = vocabulary.open
            $0.exchangeOrderID = "1100000000\($0.id.suffix(5))"
        }
    }

    func reject(_ id: String, message: String) async {
        await set(id) {
            $0.status = vocabulary.rejected
            $0.message = message
        }
    }

    /// A trade on the order; `push: false` books it without telling the stream (a lost message).
    @discardableResult
    func fill(_ id: String, quantity: Int, price: Double, push: Bool = true) async -> FakeTrade? {
        guard var o = orders[id] else { return nil }
        let trade = FakeTrade(id: "T\(nextTrade)", orderID: id, quantity: quantity, price: price)
        nextTrade += 1
        trades.append(trade)
        o.averagePrice = (o.averagePrice * Double(o.filled) + price * Double(quantity)) / Double(o.filled + quantity)
        o.filled += quantity
        o.status = o.filled >= o.quantity ? vocabulary.complete : vocabulary.open
        if o.history.last != o.status { o.history.append(o.status) }
        orders[id] = o
        if push { await self.push(o, trade) }
        return trade
    }

    // MARK: Stream

    func setRequiresSubscription() { requiresSubscription = true }

    func connect(_ writer: WebSocketOutboundWriter) -> (Int, AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        nextStream += 1
        streams[nextStream] = (writer, continuation)
        streamConnections += 1
        return (nextStream, stream)
    }

    func disconnect(_ id: Int) { streams[id] = nil }
    var liveStreams: Int { streams.count }

    /// Closes every stream connection; with `hold`, refuses new ones until `releaseStreams()`.
    func dropStreams(hold: Bool) {
        holdStreams = hold
        for (_, s) in streams { s.1.finish() }
        streams = [:]
    }

    func releaseStreams() { holdStreams = false }

    /// Sends the frames to every connection, in order.
    func push(_ order: FakeOrder, _ trade: FakeTrade?) async {
        let frames = streamFrames(order, trade)
        for key in streams.keys.sorted() where !requiresSubscription || subscribed.contains(key) {
            guard let writer = streams[key]?.0 else { continue }
            for f in frames { try? await writer.write(.text(f)) }
        }
    }
}

/// The broker's words for the steps an order goes through in the fake.
struct FakeVocabulary: Sendable {
    var received: String
    var open: String
    var complete: String
    var cancelled: String
    var rejected: String
    var modifyPending: String?
    var modified: String
}
