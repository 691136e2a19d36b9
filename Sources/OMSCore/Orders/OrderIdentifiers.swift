/// The client's id for an order request (FIX ClOrdID 11), unique per session per trading day.
public struct ClientOrderID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// Vega's own order id (FIX OrderID 37), stable across replaces.
public struct OrderID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// Order type, as FIX 40 maps it (fix-mapping.md §4).
public enum OrderType: String, Sendable, Codable, CaseIterable {
    case market = "MARKET", limit = "LIMIT", stop = "SL-M", stopLimit = "SL"

    /// LIMIT and SL (stop-limit) orders carry a limit price.
    public var hasLimitPrice: Bool { self == .limit || self == .stopLimit }
    /// SL-M and SL orders carry a trigger price.
    public var hasTriggerPrice: Bool { self == .stop || self == .stopLimit }
}

/// Validity (FIX 59): only DAY and IOC are supported by Indian brokers' APIs.
public enum TimeInForce: String, Sendable, Codable {
    case day = "DAY", ioc = "IOC"
}

/// FIX OrdStatus (39) values the OMS uses.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case pendingNew = "A", new = "0", partiallyFilled = "1", filled = "2", pendingCancel = "6", canceled = "4"
    case pendingReplace = "E", rejected = "8", expired = "C"

    /// Filled, canceled, rejected and expired orders take no further events.
    public var isTerminal: Bool { [.filled, .canceled, .rejected, .expired].contains(self) }
}
