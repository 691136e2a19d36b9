import Foundation
import OMSCore

/// `POST /api/order/place` body (and `trader-cli place-order`). Prices are decimal strings in rupees.
public struct PlaceOrderRequest: Codable, Sendable, Equatable {
    public var symbol: String
    /// `NSE` (default) or `BSE`.
    public var exchange: String?
    public var quantity: Int64
    /// `BUY` or `SELL` (default BUY).
    public var side: String?
    /// `CNC`, `MIS`, `MTF`, `NRML` (default: CNC for cash, NRML for derivatives).
    public var product: String?
    /// `LIMIT` when a price is given, else `MARKET`; also `SL`, `SL-M`.
    public var orderType: String?
    public var price: Price?
    public var triggerPrice: Price?
    /// `DAY` (default) or `IOC`.
    public var validity: String?
    public var broker: String?
    public var client: String?
    /// Your id for the order (default: one is made up).
    public var clientOrderId: String?
    public var afterMarket: Bool?

    public init(symbol: String, exchange: String? = nil, quantity: Int64, side: String? = nil, product: String? = nil,
                orderType: String? = nil, price: Price? = nil, triggerPrice: Price? = nil, validity: String? = nil,
                broker: String? = nil, client: String? = nil, clientOrderId: String? = nil, afterMarket: Bool? = nil) {
        self.symbol = symbol
        self.exchange = exchange
        self.quantity = quantity
        self.side = side
        self.product = product
        self.orderType = orderType
        self.price = price
        self.triggerPrice = triggerPrice
        self.validity = validity
        self.broker = broker
        self.client = client
        self.clientOrderId = clientOrderId
        self.afterMarket = afterMarket
    }

    private enum CodingKeys: String, CodingKey {
        case symbol, exchange, quantity, side, product, orderType, price, triggerPrice, validity, broker, client,
             clientOrderId, afterMarket
    }

    /// Any key of a JSON object, to find those an order does not have.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        // A field an order does not have is refused, not ignored: a mistyped `prce` would otherwise place a
        // market order, a mistyped `quantty` fail as a missing quantity.
        for key in try decoder.container(keyedBy: AnyKey.self).allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: "not a field of an order ("
                + Self.fieldNames + ")"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.decode(String.self, forKey: .symbol)
        exchange = try c.decodeIfPresent(String.self, forKey: .exchange)
        quantity = try Self.wholeNumber(c, .quantity)
        side = try c.decodeIfPresent(String.self, forKey: .side)
        product = try c.decodeIfPresent(String.self, forKey: .product)
        orderType = try c.decodeIfPresent(String.self, forKey: .orderType)
        price = try c.decodeIfPresent(Price.self, forKey: .price)
        triggerPrice = try c.decodeIfPresent(Price.self, forKey: .triggerPrice)
        validity = try c.decodeIfPresent(String.self, forKey: .validity)
        broker = try c.decodeIfPresent(String.self, forKey: .broker)
        client = try c.decodeIfPresent(String.self, forKey: .client)
        clientOrderId = try c.decodeIfPresent(String.self, forKey: .clientOrderId)
        afterMarket = try c.decodeIfPresent(Bool.self, forKey: .afterMarket)
    }

    public static let fieldNames = "symbol, exchange, quantity, side, product, orderType, price, triggerPrice, validity, "
        + "broker, client, clientOrderId, afterMarket"

    /// A whole number. Foundation's decoder reports a fraction or a number beyond Int64 (`1.5`, `1e30`) as
    /// "not valid JSON" for the whole body, naming no field; this names the field and the number.
    private static func wholeNumber(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int64 {
        guard c.contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: c.codingPath, debugDescription: "missing"))
        }
        if let n = try? c.decode(Int64.self, forKey: key) { return n }
        if let d = try? c.decode(Decimal.self, forKey: key) {
            throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                   debugDescription: "must be a whole number within Int64, got \(d)")
        }
        return try c.decode(Int64.self, forKey: key)   // not a number: the decoder's own type error
    }
}

/// An order as the REST API and the CLI show it.
public struct OrderDTO: Codable, Sendable, Equatable {
    public var orderId: String
    public var clientOrderId: String
    public var client: String
    public var source: String
    public var symbol: String
    /// `NSE`, `BSE`: the instrument's, or the one asked for when the symbol did not resolve.
    public var exchange: String?
    public var instrumentKey: String?
    public var side: String
    public var orderType: String
    /// `SL` and `SL-M` orders: the trigger price.
    public var triggerPrice: Price?
    /// `DAY` or `IOC` (absent from servers before 2026-11-27 k).
    public var validity: String?
    public var product: String?
    public var broker: String?
    /// `PENDING_NEW`, `NEW`, `PARTIALLY_FILLED`, `FILLED`, `PENDING_CANCEL`, `CANCELED`, `PENDING_REPLACE`,
    /// `REJECTED`, `EXPIRED`.
    public var status: String
    /// FIX OrdStatus (39).
    public var ordStatus: String
    public var quantity: Int64
    public var price: Price?
    public var filledQuantity: Int64
    public var leavesQuantity: Int64
    public var averagePrice: Price
    public var brokerOrderId: String?
    public var brokerStatus: String?
    public var rejectCode: String?
    public var rejectReason: String?
    public var afterMarketHeld: Bool
    /// When the order was first stored: epoch milliseconds of the exchange clock. Present in answers read from
    /// the store (`GET /api/orders`, closed orders); absent in those taken from the engine's memory.
    public var createdAt: Int64?

    public init(_ o: OrderSnapshot) {
        orderId = o.id.rawValue
        clientOrderId = o.clientOrderID.rawValue
        client = o.client.rawValue
        source = o.source.description
        symbol = o.instrument?.tradingSymbol ?? o.request.lookup.symbol ?? ""
        exchange = o.instrument?.exchange ?? o.request.lookup.exchange
        instrumentKey = o.instrument?.key.rawValue
        side = o.request.side == .buy ? "BUY" : "SELL"
        orderType = o.request.orderType.rawValue
        triggerPrice = o.lifecycle.terms.triggerPrice
        validity = o.request.timeInForce.rawValue
        product = o.product?.rawValue
        broker = o.broker?.rawValue
        status = Self.name(o.status)
        ordStatus = o.status.rawValue
        quantity = o.lifecycle.terms.quantity.value
        price = o.lifecycle.terms.limitPrice
        filledQuantity = o.lifecycle.fills.cumulative.value
        leavesQuantity = o.lifecycle.leavesQuantity.value
        averagePrice = o.lifecycle.fills.averagePrice
        brokerOrderId = o.brokerOrderID
        brokerStatus = o.rawStatus
        rejectCode = o.rejectCode
        rejectReason = o.rejectText
        afterMarketHeld = o.held
        createdAt = o.createdAt
    }

    public static func name(_ s: OrderStatus) -> String {
        switch s {
        case .pendingNew: return "PENDING_NEW"
        case .new: return "NEW"
        case .partiallyFilled: return "PARTIALLY_FILLED"
        case .filled: return "FILLED"
        case .pendingCancel: return "PENDING_CANCEL"
        case .canceled: return "CANCELED"
        case .pendingReplace: return "PENDING_REPLACE"
        case .rejected: return "REJECTED"
        case .expired: return "EXPIRED"
        }
    }
}

/// `GET /api/orders`: the latest stored orders, newest first.
public struct OrderListDTO: Codable, Sendable, Equatable {
    public var client: String?
    public var openOnly: Bool
    public var limit: Int
    /// The `before` asked for; absent for the newest orders.
    public var before: Int?
    public var count: Int
    public var orders: [OrderDTO]
    /// Ids of stored orders this version cannot read back (left out of `orders`); absent when there are none.
    public var unreadable: [String]?
    /// Ask again with `before=<older>` for older orders; absent when there are none. A page can be short with
    /// `older` set: one request looks through at most 20,000 order numbers.
    public var older: Int?

    public init(client: String?, openOnly: Bool, limit: Int, before: Int?, page: OrderListPage) {
        self.client = client
        self.openOnly = openOnly
        self.limit = limit
        self.before = before
        orders = page.orders.map(OrderDTO.init)
        count = orders.count
        unreadable = page.unreadable.isEmpty ? nil : page.unreadable
        older = page.older
    }
}

/// `GET /api/portfolio`: positions merged across brokers, marked to market. Money in rupees (decimal strings).
public struct PortfolioDTO: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var client: String
        public var instrumentKey: String
        public var symbol: String
        public var product: String
        public var brokers: [String]
        public var carriedQuantity: Int64
        public var dayBuyQuantity: Int64
        public var daySellQuantity: Int64
        public var netQuantity: Int64
        public var averagePrice: Price
        public var lastPrice: Price?
        public var realisedPnl: Price
        /// nil when there is no market price.
        public var unrealisedPnl: Price?

        public init(_ m: MergedPosition) {
            client = m.client.rawValue
            instrumentKey = m.instrumentKey.rawValue
            symbol = m.symbol
            product = m.product.rawValue
            brokers = m.brokers.map(\.rawValue)
            carriedQuantity = m.carriedQuantity
            dayBuyQuantity = m.dayBuyQuantity
            daySellQuantity = m.daySellQuantity
            netQuantity = m.netQuantity
            averagePrice = m.averagePrice
            lastPrice = m.mark
            realisedPnl = Price(units: m.realisedUnits)
            unrealisedPnl = m.unrealisedUnits.map { Price(units: $0) }
        }
    }

    public var client: String?
    public var positions: [Line]
    public var realisedPnl: Price
    public var unrealisedPnl: Price

    public init(client: String?, positions: [MergedPosition]) {
        self.client = client
        self.positions = positions.map(Line.init)
        realisedPnl = Price(units: positions.reduce(0) { $0.addingSaturated($1.realisedUnits) })
        unrealisedPnl = Price(units: positions.reduce(0) { $0.addingSaturated($1.unrealisedUnits ?? 0) })
    }
}
