import Foundation

/// After-market orders held until the session that takes them opens. A value owned by whoever owns order state
/// (the `OrderEngine` actor); the clock drives it through `release(now:)`.
///
/// Released orders go back through the whole pipeline, session gate included: if the day was declared a holiday
/// in the meantime, the gate answers `holdAfterMarket` again with a later instant and the order is held again.
public struct AfterMarketQueue<Order: Sendable>: Sendable {
    public struct Entry: Sendable {
        /// Arrival number, from 0.
        public let sequence: UInt64
        /// Epoch milliseconds (UTC).
        public let releaseAt: Int64
        public let order: Order
    }

    /// In arrival order.
    public private(set) var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The earliest release instant, to arm a timer; nil when empty.
    public var nextReleaseAt: Int64? { entries.lazy.map(\.releaseAt).min() }

    /// Holds `order` until `releaseAt`.
    public mutating func hold(_ order: Order, releaseAt: Int64) {
        entries.append(Entry(sequence: nextSequence, releaseAt: releaseAt, order: order))
        nextSequence += 1
    }

    /// Holds `order` if `decision` says so; false (and nothing held) for any other decision.
    @discardableResult
    public mutating func hold(_ order: Order, per decision: SessionDecision) -> Bool {
        guard case .holdAfterMarket(let releaseAt) = decision else { return false }
        hold(order, releaseAt: releaseAt)
        return true
    }

    /// Removes and returns the orders due at `now` (`releaseAt <= now`), in arrival order.
    public mutating func release(now: Int64) -> [Order] {
        guard entries.contains(where: { $0.releaseAt <= now }) else { return [] }
        var due: [Order] = []
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for e in entries {
            if e.releaseAt <= now { due.append(e.order) } else { kept.append(e) }
        }
        entries = kept
        return due
    }

    /// `release(now:)` at the clock's current instant.
    public mutating func release(clock: some InstantClock) -> [Order] {
        release(now: MarketSessionEngine.epochMilliseconds(clock.now()))
    }

    /// Removes held orders (cancelled by the client); returns them in arrival order.
    @discardableResult
    public mutating func removeAll(where shouldRemove: (Order) -> Bool) -> [Order] {
        var removed: [Order] = []
        entries.removeAll { e in
            if shouldRemove(e.order) {
                removed.append(e.order)
                return true
            }
            return false
        }
        return removed
    }
}
