/// One phase of a trading day: `[start, end)` in IST minutes and what it allows.
///
/// Boundary convention: a phase includes its start minute and excludes its end minute, so at exactly 09:08:00.000
/// the 09:00–09:08 entry window is over and the next phase applies.
public struct SessionPhase: Hashable, Sendable, CustomStringConvertible {
    public var name: SessionPhaseName
    public var start: SessionTime
    public var end: SessionTime
    public var entry: SessionPhaseEntry
    /// Order types accepted (only for `entry == .open`).
    public var orderTypes: SessionOrderTypes
    /// Order types that an earlier phase of the same auction accepted and this one no longer does: `TOO_LATE`
    /// rather than `UNSUPPORTED` (market orders after 15:25 in CAS, after 09:05 in the revised pre-open).
    public var tooLateOrderTypes: SessionOrderTypes
    /// IOC accepted (DAY always is in an open phase).
    public var allowsIOC: Bool
    /// Products accepted (post-close: CNC only).
    public var products: ProductSet
    /// After-market orders received in this open phase are held, not entered (post-close). Closed phases and
    /// time outside all phases always hold them.
    public var holdsAfterMarketOrders: Bool
    /// Held after-market orders may be released at the start of this phase (pre-open entry, normal market).
    public var releasesAfterMarketOrders: Bool

    public init(name: SessionPhaseName, start: SessionTime, end: SessionTime, entry: SessionPhaseEntry,
                orderTypes: SessionOrderTypes = [], tooLateOrderTypes: SessionOrderTypes = [], allowsIOC: Bool = false,
                products: ProductSet = .all, holdsAfterMarketOrders: Bool = false,
                releasesAfterMarketOrders: Bool = false) {
        self.name = name
        self.start = start
        self.end = end
        self.entry = entry
        self.orderTypes = orderTypes
        self.tooLateOrderTypes = tooLateOrderTypes
        self.allowsIOC = allowsIOC
        self.products = products
        self.holdsAfterMarketOrders = holdsAfterMarketOrders
        self.releasesAfterMarketOrders = releasesAfterMarketOrders
    }

    /// An open phase; times are `HH:mm` literals (`"09:00"`, `"09:08"`) and trap if malformed (built-in data only;
    /// files go through `Codable`, which reports errors).
    public static func open(_ name: SessionPhaseName, _ start: String, _ end: String, types: SessionOrderTypes,
                            tooLate: SessionOrderTypes = [], ioc: Bool, products: ProductSet = .all,
                            holdsAMO: Bool = false, releasesAMO: Bool = false) -> SessionPhase {
        SessionPhase(name: name, start: SessionTime(start)!, end: SessionTime(end)!, entry: .open, orderTypes: types,
                     tooLateOrderTypes: tooLate, allowsIOC: ioc, products: products, holdsAfterMarketOrders: holdsAMO,
                     releasesAfterMarketOrders: releasesAMO)
    }

    /// A phase of a running session with entry blocked.
    public static func noEntry(_ name: SessionPhaseName, _ start: String, _ end: String) -> SessionPhase {
        SessionPhase(name: name, start: SessionTime(start)!, end: SessionTime(end)!, entry: .noEntry)
    }

    /// A named gap between sessions.
    public static func closed(_ name: SessionPhaseName, _ start: String, _ end: String) -> SessionPhase {
        SessionPhase(name: name, start: SessionTime(start)!, end: SessionTime(end)!, entry: .closed)
    }

    /// The rule this order breaks in this open phase, or nil. Checked in this order: order type, validity, product.
    @inline(__always)
    func violation(of order: SessionOrderTraits) -> SessionRule? {
        let type = SessionOrderTypes(order.orderType)
        if !orderTypes.contains(type) {
            return tooLateOrderTypes.contains(type) ? .orderTypePastCutOff : .orderTypeNotAllowed
        }
        if order.timeInForce == .ioc && !allowsIOC { return .timeInForceNotAllowed }
        if !products.contains(order.product) { return .productNotAllowed }
        return nil
    }

    /// `preOpenEntry 09:00-09:08 open types=market,limit`.
    public var description: String {
        var s = "\(name) \(start)-\(end) \(entry.rawValue)"
        if entry == .open {
            s += " types=\(orderTypes)"
            if !tooLateOrderTypes.isEmpty { s += " tooLate=\(tooLateOrderTypes)" }
            s += " ioc=\(allowsIOC ? "Y" : "N")"
            if products != .all { s += " products=\(products)" }
        }
        if holdsAfterMarketOrders { s += " holdsAMO" }
        if releasesAfterMarketOrders { s += " releasesAMO" }
        return s
    }
}
