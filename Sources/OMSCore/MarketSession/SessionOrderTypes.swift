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
    public init(_ type: SessionOrderType) {
        switch type {
        case .market: self = .market
        case .limit: self = .limit
        case .stop: self = .stop
        case .stopLimit: self = .stopLimit
        }
    }

    @inline(__always)
    public func contains(_ type: SessionOrderType) -> Bool { contains(SessionOrderTypes(type)) }

    public var types: [SessionOrderType] { SessionOrderType.allCases.filter { contains($0) } }

    public var description: String { types.map(\.rawValue).joined(separator: ",") }
}

/// A set of products as a bit mask.
public struct SessionProducts: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let cnc = SessionProducts(rawValue: 1)
    public static let mis = SessionProducts(rawValue: 2)
    public static let mtf = SessionProducts(rawValue: 4)
    public static let nrml = SessionProducts(rawValue: 8)
    public static let all: SessionProducts = [.cnc, .mis, .mtf, .nrml]

    @inline(__always)
    public init(_ product: Product) {
        switch product {
        case .cnc: self = .cnc
        case .mis: self = .mis
        case .mtf: self = .mtf
        case .nrml: self = .nrml
        }
    }

    @inline(__always)
    public func contains(_ product: Product) -> Bool { contains(SessionProducts(product)) }

    public var products: [Product] { Product.allCases.filter { contains($0) } }

    public var description: String { products.map(\.rawValue).joined(separator: ",") }
}
