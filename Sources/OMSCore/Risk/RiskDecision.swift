/// Identifies what an accepted order reserved (open-order slot, order value, working quantity, margin, VaR).
/// Pass it back on every fill and when the order closes.
public struct RiskReservationID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: RiskReservationID, b: RiskReservationID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "R\(rawValue)" }
}

/// What an accepted order carries on: its reservation and what the engine worked out for it.
public struct RiskAcceptance: Hashable, Sendable {
    public var reservation: RiskReservationID
    /// Child quantities when the order was sliced at the freeze quantity (tag 5012); empty otherwise.
    /// The client still sees one parent order.
    public var childQuantities: [Quantity]
    /// Market and SL-M orders: the worst price they may fill at (send it to the broker).
    public var protectionPrice: Price?
    /// The price the order was valued at: the limit price, else the protection price.
    public var valuationPrice: Price
    /// Quantity × valuation price.
    public var orderValue: Price
    /// The order lowers the absolute position it trades against (sell on a long, buy on a short), counting
    /// working orders on the same side. Such orders pass the daily-loss, margin and VaR rules.
    public var reducesExposure: Bool
    /// F&O with a margin limit: the portfolio requirement after this order.
    public var marginRequired: Price?
    /// MIS with a VaR limit: the client's intraday VaR after this order.
    public var intradayVaR: Price?

    public init(reservation: RiskReservationID, childQuantities: [Quantity] = [], protectionPrice: Price? = nil,
                valuationPrice: Price, orderValue: Price, reducesExposure: Bool = false, marginRequired: Price? = nil,
                intradayVaR: Price? = nil) {
        self.reservation = reservation
        self.childQuantities = childQuantities
        self.protectionPrice = protectionPrice
        self.valuationPrice = valuationPrice
        self.orderValue = orderValue
        self.reducesExposure = reducesExposure
        self.marginRequired = marginRequired
        self.intradayVaR = intradayVaR
    }

    public var isSliced: Bool { !childQuantities.isEmpty }
}

/// What the risk engine says about an order. A decision, not an error.
public enum RiskDecision: Hashable, Sendable, CustomStringConvertible {
    case accepted(RiskAcceptance)
    case rejected(RiskRejection)

    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    public var acceptance: RiskAcceptance? {
        if case .accepted(let a) = self { return a }
        return nil
    }

    public var rejection: RiskRejection? {
        if case .rejected(let r) = self { return r }
        return nil
    }

    public var description: String {
        switch self {
        case .accepted(let a): "ACCEPTED: reservation=\(a.reservation) value=\(a.orderValue.rupeesString)"
        case .rejected(let r): r.description
        }
    }
}
