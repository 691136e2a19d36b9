import OMSCore

/// Turns successive snapshots of broker orders (stream updates, order-book polls) into Vega's order events.
/// One Vega order may be several broker orders (an order the broker sliced). Fills come from increases in
/// the filled quantity, attributed to the broker's trades where the trade book already shows them and
/// otherwise derived from the average price (and matched to the trade when it shows up later), so that a
/// snapshot seen twice, late or after a reconnect never reports a fill twice nor loses one.
public struct OrderTracker: Sendable {
    struct Child: Sendable {
        var phase: BrokerOrderPhase?
        var rawStatus = ""
        var message: String?
        var errorCode: String?
        var filled: Int64 = 0
        var notional: Int64 = 0
        /// Quantity reported as derived fills whose trades have not been seen yet.
        var derivedUnmatched: Int64 = 0
    }

    struct Tracked: Sendable {
        var request: BrokerOrderRequest
        var children: [String: Child] = [:]
        var childOrder: [String] = []
        var acknowledged = false
        var closed = false
        /// The placement's answer (or the look-up of an unanswered placement) gave every broker id: until then a
        /// stream update may show one slice of a sliced order, whose quantity is not the order's.
        var placementAnswered = false
        var terms: Terms
        var seenTrades: Set<String> = []
    }

    struct Terms: Sendable, Hashable {
        var quantity: Quantity
        var limitPrice: Price?
        var triggerPrice: Price?
    }

    private var orders: [String: Tracked] = [:]
    private var byBrokerID: [String: String] = [:]

    public init() {}

    /// Starts tracking an order under its broker id(s). `answered`: these are all its ids (the placement's
    /// answer, or a look-up by tag), not one seen on the stream before the answer.
    public mutating func track(_ request: BrokerOrderRequest, brokerOrderIDs: [String], answered: Bool = false) {
        var t = orders[request.tag] ?? Tracked(request: request, terms: Terms(
            quantity: request.quantity, limitPrice: Self.price(request.limitPrice),
            triggerPrice: Self.price(request.triggerPrice)))
        for id in brokerOrderIDs where t.children[id] == nil {
            t.children[id] = Child()
            t.childOrder.append(id)
            byBrokerID[id] = request.tag
        }
        if answered { t.placementAnswered = true }
        orders[request.tag] = t
    }

    /// Stops tracking an order the broker refused (only while no broker order is known for it).
    public mutating func forget(tag: String) {
        if orders[tag]?.childOrder.isEmpty == true { orders[tag] = nil }
    }

    public func request(tag: String) -> BrokerOrderRequest? { orders[tag]?.request }
    public func brokerOrderIDs(tag: String) -> [String] { orders[tag]?.childOrder ?? [] }
    public func openBrokerOrderIDs(tag: String) -> [String] {
        guard let t = orders[tag] else { return [] }
        return t.childOrder.filter { !(t.children[$0]?.phase?.isTerminal ?? false) }
    }
    public func tag(brokerOrderID: String) -> String? { byBrokerID[brokerOrderID] }
    public var openTags: [String] { orders.filter { !$0.value.closed }.map(\.key).sorted() }

    /// True when the snapshot shows more filled than already reported (the trades are worth fetching).
    public func needsTrades(_ record: BrokerOrderRecord) -> Bool {
        guard let tag = byBrokerID[record.brokerOrderID], let child = orders[tag]?.children[record.brokerOrderID]
        else { return false }
        return record.filledQuantity.value > child.filled
    }

    /// Applies one snapshot of a broker order (with the trades fetched for it, if any) and returns the events.
    public mutating func apply(_ record: BrokerOrderRecord, trades: [BrokerTrade] = []) -> [BrokerOrderEvent] {
        guard let tag = byBrokerID[record.brokerOrderID], var t = orders[tag],
              var child = t.children[record.brokerOrderID] else { return [] }
        var events: [BrokerOrderEvent] = []
        if child.phase?.isTerminal == true || t.closed {
            return []
        }
        let raw = record.rawStatus
        let atExchange = record.phase != .pendingNew && record.phase != .rejected
        if !t.acknowledged && atExchange {
            t.acknowledged = true
            events.append(.acknowledged(tag: tag, brokerOrderID: record.brokerOrderID,
                                        exchangeOrderID: record.exchangeOrderID, rawStatus: raw))
        }
        // Modifications: a confirmed `modified`, or new terms on a resting order (brokers without that status) —
        // before the fills, so that a fill within new terms the same snapshot shows is not taken for an overfill
        // of the old ones. Only for an order of one broker order whose ids the placement's answer gave: the
        // first slice of a sliced order, seen on the stream before that answer, has a quantity of its own.
        let terms = Terms(quantity: record.quantity, limitPrice: Self.price(record.limitPrice),
                          triggerPrice: Self.price(record.triggerPrice))
        // A filled order whose quantity is no more than it filled was cut at the broker to what it had filled.
        let cutToFilled = record.phase == .filled && record.quantity.value > 0 && record.quantity <= record.filledQuantity
        if t.placementAnswered, t.childOrder.count == 1, [.open, .replaced].contains(record.phase) || cutToFilled,
           terms != t.terms, record.quantity.value > 0 {
            t.terms = terms
            events.append(.replaced(tag: tag, quantity: terms.quantity, limitPrice: terms.limitPrice, rawStatus: raw,
                                    triggerPrice: terms.triggerPrice))
        }
        // Fills: trades first, then whatever the filled quantity says beyond them.
        let target = record.filledQuantity.value
        for trade in trades where trade.brokerOrderID == record.brokerOrderID && !t.seenTrades.contains(trade.tradeID) {
            if child.derivedUnmatched >= trade.quantity.value {
                child.derivedUnmatched -= trade.quantity.value
                t.seenTrades.insert(trade.tradeID)
            } else if child.filled.addingSaturated(trade.quantity.value) <= target {
                // Broker figures are not trusted into plain arithmetic: a hostile or broken answer saturates.
                t.seenTrades.insert(trade.tradeID)
                child.filled += trade.quantity.value
                child.notional = child.notional.addingSaturated(trade.quantity.value.multipliedSaturated(by: trade.price.units))
                events.append(.fill(tag: tag, tradeID: trade.tradeID, quantity: trade.quantity, price: trade.price,
                                    rawStatus: raw))
            }
        }
        if target > child.filled {
            let delta = target - child.filled
            let total = record.averagePrice.units.multipliedSaturated(by: target)
            let px = total > child.notional ? Price(units: total.addingSaturated(-child.notional) / delta) : record.averagePrice
            events.append(.fill(tag: tag, tradeID: "\(record.brokerOrderID)-\(target)", quantity: Quantity(delta),
                                price: px, rawStatus: raw))
            child.derivedUnmatched += delta
            child.filled = target
            child.notional = child.notional.addingSaturated(delta.multipliedSaturated(by: px.units))
        }
        switch record.phase {
        case .replaceRejected:
            events.append(.replaceRejected(tag: tag, text: record.message ?? raw, rawStatus: raw))
        case .cancelRejected:
            events.append(.cancelRejected(tag: tag, text: record.message ?? raw, rawStatus: raw))
        default: break
        }
        child.phase = record.phase
        child.rawStatus = raw
        child.message = record.message
        child.errorCode = record.errorCode
        t.children[record.brokerOrderID] = child
        if let closing = Self.closingEvent(t, tag: tag) {
            t.closed = true
            if let closing = closing { events.append(closing) }
        }
        orders[tag] = t
        return events
    }

    /// A trade the stream pushed on its own (Fyers' trades channel).
    public mutating func apply(trade: BrokerTrade) -> [BrokerOrderEvent] {
        guard let tag = byBrokerID[trade.brokerOrderID], var t = orders[tag], !t.closed,
              var child = t.children[trade.brokerOrderID], !t.seenTrades.contains(trade.tradeID) else { return [] }
        t.seenTrades.insert(trade.tradeID)
        var events: [BrokerOrderEvent] = []
        if child.derivedUnmatched >= trade.quantity.value {
            child.derivedUnmatched -= trade.quantity.value
        } else {
            child.filled = child.filled.addingSaturated(trade.quantity.value)
            child.notional = child.notional.addingSaturated(trade.quantity.value.multipliedSaturated(by: trade.price.units))
            events.append(.fill(tag: tag, tradeID: trade.tradeID, quantity: trade.quantity, price: trade.price,
                                rawStatus: child.rawStatus))
        }
        t.children[trade.brokerOrderID] = child
        orders[tag] = t
        return events
    }

    /// Brokers send 0 for "no price" (market orders, no trigger).
    static func price(_ p: Price?) -> Price? { p == .zero ? nil : p }

    /// When every broker order of a Vega order is terminal: the closing event (nil inside: closed by its fills).
    private static func closingEvent(_ t: Tracked, tag: String) -> BrokerOrderEvent?? {
        let children = t.childOrder.compactMap { t.children[$0] }
        guard children.allSatisfy({ $0.phase?.isTerminal == true }) else { return nil }
        if children.allSatisfy({ $0.phase == .filled }) { return .some(nil) }
        if children.allSatisfy({ $0.phase == .rejected }), let first = children.first {
            return .rejected(tag: tag, text: first.message ?? first.rawStatus, errorCode: first.errorCode,
                             rawStatus: first.rawStatus)
        }
        if let expired = children.first(where: { $0.phase == .expired }) {
            return .expired(tag: tag, rawStatus: expired.rawStatus)
        }
        let last = children.last { $0.phase == .canceled || $0.phase == .rejected } ?? children[0]
        return .canceled(tag: tag, rawStatus: last.rawStatus)
    }
}
