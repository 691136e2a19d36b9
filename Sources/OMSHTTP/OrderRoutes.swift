import Foundation
import Hummingbird
import OMSAPIModels
import OMSCore

/// What the order routes need from the server: the same pipeline and engine as FIX orders.
public protocol OrderService: Sendable {
    /// Submits an order and returns it once its first state is durable (PendingNew, or Rejected).
    func place(_ request: OrderRequest) async throws -> OrderSnapshot
    func order(_ id: OrderID) async throws -> OrderSnapshot?
    /// Asks to cancel; returns the order once the request is durable (PendingCancel), nil when unknown.
    func cancel(_ id: OrderID) async throws -> OrderCancelOutcome
    /// Positions merged across brokers, marked to market.
    func portfolio(client: ClientID?) async -> [MergedPosition]
    /// The latest stored orders below sequence `before` (the newest when nil), newest first: `client`'s only
    /// when given, not closed when `openOnly`, at most `limit`.
    func orders(client: ClientID?, openOnly: Bool, limit: Int, before: Int?) async throws -> OrderListPage
}

/// `/api/order/place`, `/api/order/status`, `/api/order/cancel` and `/api/portfolio`.
public struct OrderRoutes<Context: RequestContext>: Sendable {
    public let service: OrderService
    public let defaultClient: ClientID

    public init(service: OrderService, defaultClient: ClientID) {
        self.service = service
        self.defaultClient = defaultClient
    }

    public var orders: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("place") { request, context in try await self.place(request, context: context) }
        routes.get("status") { request, _ in try await self.status(request) }
        routes.post("cancel") { request, _ in try await self.cancel(request) }
        return routes
    }

    /// `POST /api/order/place` with a `PlaceOrderRequest`: 200 with the order, 422 with its rejection.
    func place(_ request: Request, context: Context) async throws -> OrderDTO {
        let body: PlaceOrderRequest
        do {
            body = try await JSONBody.decode(PlaceOrderRequest.self, from: request)
        } catch .invalid(let why) {
            throw APIError(.badRequest, code: "INVALID_BODY", message: "order body is not valid: \(why)")
        } catch .unreadable(let error) {
            throw APIError(.badRequest, code: "INVALID_BODY", message: "order body could not be read: \(error)")
        }
        let order = try await service.place(try Self.request(body, defaultClient: defaultClient))
        if order.status == .rejected {
            throw APIError(.unprocessableContent, code: order.rejectCode ?? "REJECTED",
                           message: "order \(order.id) rejected: \(order.rejectText ?? "no reason given")")
        }
        return OrderDTO(order)
    }

    /// `GET /api/order/status?id=O-12`.
    func status(_ request: Request) async throws -> OrderDTO {
        let id = try Self.orderID(request)
        guard let o = try await service.order(id) else {
            throw APIError(.notFound, code: "UNKNOWN_ORDER", message: "no order \(id)")
        }
        return OrderDTO(o)
    }

    /// `POST /api/order/cancel?id=O-12`.
    func cancel(_ request: Request) async throws -> OrderDTO {
        let id = try Self.orderID(request)
        switch try await service.cancel(id) {
        case .requested(let o): return OrderDTO(o)
        case .unknown: throw APIError(.notFound, code: "UNKNOWN_ORDER", message: "no order \(id)")
        case .refused(let reason, let text):
            throw APIError(.conflict, code: reason == .tooLate ? "TOO_LATE_TO_CANCEL" : "CANCEL_PENDING",
                           message: "order \(id) cannot be cancelled: \(text)")
        }
    }

    /// `GET /api/orders[?client=CLIENT1][&open=true][&limit=50][&before=N]`: the latest stored orders, newest
    /// first; `before` (a page's `older`) goes on with older ones.
    public func list(_ request: Request) async throws -> OrderListDTO {
        let query = request.uri.queryParameters
        let client = try Self.client(request)
        var openOnly = false
        if let open = query["open"] {
            switch open.lowercased() {
            case "true", "1": openOnly = true
            case "false", "0": openOnly = false
            default: throw APIError(.badRequest, code: "INVALID_OPEN", message: "open must be true or false, not `\(open.prefix(20))`")
            }
        }
        let limit = try limitParameter(query["limit"], default: Self.defaultListLimit, max: Self.maxListLimit)
        var before: Int?
        if let text = query["before"] {
            guard let n = Int(text), n >= 1 else {
                throw APIError(.badRequest, code: "INVALID_BEFORE",
                               message: "before must be an order number of at least 1 (a page's `older`), not `\(text.prefix(20))`")
            }
            before = n
        }
        let page = try await service.orders(client: client.map(ClientID.init), openOnly: openOnly, limit: limit, before: before)
        return OrderListDTO(client: client, openOnly: openOnly, limit: limit, before: before, page: page)
    }

    public static var defaultListLimit: Int { 50 }
    public static var maxListLimit: Int { 500 }

    /// The optional `client` query parameter: 1…64 characters, no control characters.
    static func client(_ request: Request) throws -> String? {
        let client = request.uri.queryParameters["client"].map { String($0) }
        if let c = client, c.isEmpty || c.count > 64 || c.hasControlCharacters {
            throw APIError(.badRequest, code: "INVALID_CLIENT", message: "client must be 1…64 characters, no control characters")
        }
        return client
    }

    /// `GET /api/portfolio[?client=CLIENT1]`.
    public func portfolio(_ request: Request) async throws -> PortfolioDTO {
        let client = try Self.client(request)
        return PortfolioDTO(client: client, positions: await service.portfolio(client: client.map(ClientID.init)))
    }

    static func orderID(_ request: Request) throws -> OrderID {
        guard let raw = request.uri.queryParameters["id"].map({ String($0) }), !raw.isEmpty else {
            throw APIError(.badRequest, code: "MISSING_ID", message: "query parameter `id` (an order id such as O-12) is required")
        }
        guard raw.count <= 64 else { throw APIError(.badRequest, code: "INVALID_ID", message: "order id is too long") }
        return OrderID(raw)
    }

    /// Checks a REST order and turns it into the pipeline's request (the same one FIX orders make).
    static func request(_ b: PlaceOrderRequest, defaultClient: ClientID) throws -> OrderRequest {
        func bad(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message: message) }
        // Texts that travel on into FIX messages (drop copies, a downstream venue) and rejection texts: no
        // control characters (an SOH would end a FIX field early and let the rest pass for fields of its own).
        for (field, value, code) in [("symbol", b.symbol, "INVALID_SYMBOL"), ("exchange", b.exchange, "INVALID_EXCHANGE"),
                                     ("broker", b.broker, "INVALID_BROKER"), ("client", b.client, "INVALID_CLIENT"),
                                     ("clientOrderId", b.clientOrderId, "INVALID_CLIENT_ORDER_ID")] {
            if let value, value.hasControlCharacters { throw bad(code, "\(field) must not contain control characters") }
        }
        let symbol = b.symbol.trimmingCharacters(in: .whitespaces)
        guard !symbol.isEmpty, symbol.count <= 64 else { throw bad("INVALID_SYMBOL", "symbol must be 1…64 characters") }
        if let e = b.exchange, e.isEmpty || e.count > 16 { throw bad("INVALID_EXCHANGE", "exchange must be 1…16 characters") }
        if let x = b.broker, x.isEmpty || x.count > 32 { throw bad("INVALID_BROKER", "broker must be 1…32 characters") }
        guard b.quantity > 0, b.quantity <= 100_000_000 else {
            throw bad("INVALID_QUANTITY", "quantity must be a whole number from 1 to 100000000, got \(b.quantity)")
        }
        let side: Side
        switch (b.side ?? "BUY").uppercased() {
        case "BUY", "B": side = .buy
        case "SELL", "S": side = .sell
        default: throw bad("INVALID_SIDE", "side must be BUY or SELL, got `\(b.side ?? "")`")
        }
        var product: Product?
        if let p = b.product {
            guard let x = Product(rawValue: p.uppercased()) else {
                throw bad("INVALID_PRODUCT", "product must be one of CNC, MIS, MTF, NRML, got `\(p)`")
            }
            product = x
        }
        let type: OrderType
        if let t = b.orderType {
            guard let x = OrderType(rawValue: t.uppercased()) else {
                throw bad("INVALID_ORDER_TYPE", "orderType must be MARKET, LIMIT, SL or SL-M, got `\(t)`")
            }
            type = x
        } else {
            type = b.price == nil ? .market : .limit
        }
        if let p = b.price, p.units <= 0 { throw bad("INVALID_PRICE", "price must be positive, got \(p)") }
        if let p = b.triggerPrice, p.units <= 0 {
            throw bad("INVALID_TRIGGER_PRICE", "triggerPrice must be positive, got \(p)")
        }
        if type.hasLimitPrice, b.price == nil {
            throw bad("MISSING_PRICE", "a \(type.rawValue) order needs a price")
        }
        if type.hasTriggerPrice, b.triggerPrice == nil {
            throw bad("MISSING_TRIGGER_PRICE", "a \(type.rawValue) order needs a triggerPrice")
        }
        // A price the order type would ignore is a mistake to show, not to drop.
        if !type.hasLimitPrice, let p = b.price {
            throw bad("UNEXPECTED_PRICE", "a \(type.rawValue) order takes no price (got \(p)); send orderType "
                      + (type == .market ? "LIMIT" : "SL") + " for a limit price")
        }
        if !type.hasTriggerPrice, let p = b.triggerPrice {
            throw bad("UNEXPECTED_TRIGGER_PRICE", "a \(type.rawValue) order takes no triggerPrice (got \(p)); send "
                      + "orderType " + (type == .market ? "SL-M" : "SL") + " for a stop order")
        }
        let tif: TimeInForce
        switch (b.validity ?? "DAY").uppercased() {
        case "DAY": tif = .day
        case "IOC": tif = .ioc
        default: throw bad("INVALID_VALIDITY", "validity must be DAY or IOC, got `\(b.validity ?? "")`")
        }
        let client = b.client.map { ClientID($0) } ?? defaultClient
        guard !client.rawValue.isEmpty, client.rawValue.count <= 64 else {
            throw bad("INVALID_CLIENT", "client must be 1…64 characters")
        }
        let clOrdID = b.clientOrderId ?? "REST-\(UUID().uuidString.prefix(12))"
        guard !clOrdID.isEmpty, clOrdID.count <= 64 else {
            throw bad("INVALID_CLIENT_ORDER_ID", "clientOrderId must be 1…64 characters")
        }
        return OrderRequest(source: .rest, clientOrderID: ClientOrderID(clOrdID), client: client,
                            lookup: InstrumentLookup(symbol: symbol, exchange: b.exchange ?? "NSE"), side: side, orderType: type,
                            timeInForce: tif, quantity: Quantity(b.quantity), limitPrice: b.price,
                            triggerPrice: b.triggerPrice, product: product, broker: b.broker.map { BrokerID($0) },
                            afterMarket: b.afterMarket ?? false)
    }
}

extension OrderDTO: ResponseEncodable {}
extension PortfolioDTO: ResponseEncodable {}
extension OrderListDTO: ResponseEncodable {}
