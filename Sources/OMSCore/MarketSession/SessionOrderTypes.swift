/// A set of order types as a bit mask.
public struct SessionOrderTypes: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let market = SessionOrderTypes(rawValue: 1)
    public static let limit = SessionOrderTypes(rawValue: 2)
    public static let stop = SessionOrderTypes(rawValue: 4)
    public static let stopLimit = SessionOrderTypes(rawValue: 8)
    public static let all: SessionOrderTypes = [.market, .limit, .stop, .stopLimit]

    @inline(__always)
    public init(_ type: OrderType) {
        switch type {
        case .market: self = .market
        case .limit: self = .limit
        case .stop: self = .stop
        case .stopLimit: self = .stopLimit
        }
    }

    @inline(__always)
    public func contains(_ type: OrderType) -> Bool { contains(SessionOrderTypes(type)) }

    public var types: [OrderType] { OrderType.allCases.filter { contains($0) } }

    /// `market,limit` (the timetable files' names).
    public var description: String { types.map(\.sessionName).joined(separator: ",") }
}

extension OrderType {
    /// The name the session timetable files use: `market`, `limit`, `stop` (SL-M), `stopLimit` (SL).
    public var sessionName: String {
        switch self {
        case .market: "market"
        case .limit: "limit"
        case .stop: "stop"
        case .stopLimit: "stopLimit"
        }
    }

    public init?(sessionName: String) {
        guard let t = OrderType.allCases.first(where: { $0.sessionName == sessionName }) else { return nil }
        self = t
    }
}
