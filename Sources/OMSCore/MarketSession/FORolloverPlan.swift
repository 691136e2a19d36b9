/// An open F&O position as the rollover job sees it.
public struct FOPosition: Hashable, Sendable {
    public var instrumentKey: InstrumentKey
    /// Days since 1970-01-01 (IST), from the instrument master.
    public var expiryDay: Int32
    /// Units (contracts × lot size): positive long, negative short.
    public var netQuantity: Int64
    public var client: ClientID
    public var product: Product

    public init(instrumentKey: InstrumentKey, expiryDay: Int32, netQuantity: Int64, client: ClientID,
                product: Product = .nrml) {
        self.instrumentKey = instrumentKey
        self.expiryDay = expiryDay
        self.netQuantity = netQuantity
        self.client = client
        self.product = product
    }
}

/// One order of a roll.
public struct FORollLeg: Hashable, Sendable, CustomStringConvertible {
    public var instrumentKey: InstrumentKey
    public var side: Side
    public var quantity: Quantity
    public var product: Product

    public var description: String { "\(side.rawValue) \(quantity) \(instrumentKey) \(product.rawValue)" }
}

/// Close the expiring contract, open the same quantity in the next series.
public struct FORollProposal: Hashable, Sendable, CustomStringConvertible {
    public var client: ClientID
    public var close: FORollLeg
    public var open: FORollLeg

    public var description: String { "\(client): \(close) / \(open)" }
}

/// What the job does with one expiring position.
public enum FORolloverOutcome: Hashable, Sendable {
    case proposed(FORollProposal)
    /// The client's settings do not ask for rolls: listed only.
    case notRequested
    /// The expiring contract is not in the instrument list given.
    case unknownContract
    /// No later contract with the same underlying, type, strike and option type (monthly → monthly).
    case noNextSeries
    /// The next series' lot size does not divide the quantity (lot sizes are revised by circular).
    case lotSizeMismatch(next: InstrumentKey, lotSize: Int64)
}

public struct FORolloverItem: Hashable, Sendable {
    public var position: FOPosition
    public var outcome: FORolloverOutcome
}

/// The result of the rollover job for one day.
public struct FORolloverPlan: Hashable, Sendable {
    public var date: TradingDate
    /// One per position expiring today with a non-zero quantity, in input order.
    public var items: [FORolloverItem]

    public var expiring: [FOPosition] { items.map(\.position) }

    public var proposals: [FORollProposal] {
        items.compactMap { if case .proposed(let p) = $0.outcome { p } else { nil } }
    }
}
