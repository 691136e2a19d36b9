import BrokerKit
import OMSCore

/// Settings of the Upstox adapter (brokers.md §1). Hosts can point at the sandbox or a test server.
public struct UpstoxConfiguration: Sendable {
    /// Order entry host (`https://api-hft.upstox.com`).
    public var orderBaseURL = "https://api-hft.upstox.com"
    /// Everything else (`https://api.upstox.com`).
    public var apiBaseURL = "https://api.upstox.com"
    /// Ask the exchange-slicing v3 API to slice orders above the freeze quantity.
    public var slice = true
    /// Market protection sent with MARKET and SL-M orders: -1 (auto) or 0–25 %.
    public var marketProtection: Int64 = -1
    public var brokerID = BrokerID("UPSTOX")

    public init() {}
}

/// Upstox v2/v3: JSON bodies, `Authorization: Bearer`, orders on the HFT host, the portfolio stream feed.
public struct UpstoxAPI: BrokerAPI {
    public let configuration: UpstoxConfiguration
    public static let environmentPrefix = "VEGA_UPSTOX"

    public init(configuration: UpstoxConfiguration = .init()) { self.configuration = configuration }

    public var id: BrokerID { configuration.brokerID }
    public var capabilities: BrokerCapabilities { .indianRetailAPI }

    public func authorize(_ request: inout BrokerHTTPRequest, credentials: BrokerCredentials) {
        request.headers.append(("Authorization", "Bearer \(credentials.accessToken)"))
        request.headers.append(("Accept", "application/json"))
        if request.body != nil { request.headers.append(("Content-Type", "application/json")) }
    }

    public func wireTag(_ tag: String) throws(BrokerError) -> String {
        guard tag.count <= 40 else { throw .refused(code: nil, message: "tag longer than 40 characters") }
        return tag
    }

    /// Upstox names instruments by their instrument key, which is Vega's.
    public func symbol(_ instrument: Instrument) -> String { instrument.key.rawValue }

    static func product(_ p: Product) -> String {
        switch p {
        case .cnc, .nrml: return "D"
        case .mis: return "I"
        case .mtf: return "MTF"
        }
    }

    static func product(_ raw: String?, exchange: String?) -> Product {
        switch raw {
        case "I": return .mis
        case "MTF": return .mtf
        default: return ["NSE", "BSE"].contains(exchange ?? "NSE") ? .cnc : .nrml
        }
    }

    public func place(_ order: BrokerOrderRequest) throws(BrokerError) -> BrokerHTTPRequest {
        var body = JSONObjectWriter()
        body.add("quantity", order.quantity.value)
        body.add("product", Self.product(order.product))
        body.add("validity", order.timeInForce.rawValue)
        body.add("price", order.limitPrice ?? .zero)
        body.add("tag", try wireTag(order.tag))
        body.add("instrument_token", order.instrument.key.rawValue)
        body.add("order_type", order.orderType.rawValue)
        body.add("transaction_type", order.side.rawValue)
        body.add("disclosed_quantity", Int64(0))
        body.add("trigger_price", order.triggerPrice ?? .zero)
        body.add("is_amo", order.afterMarket)
        body.add("slice", configuration.slice)
        if order.orderType == .market || order.orderType == .stop {
            body.add("market_protection", configuration.marketProtection)
        }
        var r = BrokerHTTPRequest(method: "POST", url: configuration.orderBaseURL + "/v3/order/place", body: body.bytes)
        if let algo = order.algoID { r.headers.append(("X-Algo-Name", algo)) }
        return r
    }

    public func placedOrderIDs(_ body: JSONValue) throws(BrokerError) -> [String] {
        let ids = (body["data"]?["order_ids"]?.array ?? []).compactMap(\.text)
        if !ids.isEmpty { return ids }
        if let one = body["data"]?["order_id"]?.text { return [one] }  // v2 shape
        throw .malformed("no data.order_ids")
    }

    public func modify(_ order: BrokerOrderContext, quantity: Quantity, limitPrice: Price?,
                       triggerPrice: Price?) throws(BrokerError) -> BrokerHTTPRequest {
        var body = JSONObjectWriter()
        body.add("order_id", order.brokerOrderID)
        body.add("quantity", quantity.value)
        body.add("validity", order.request.timeInForce.rawValue)
        body.add("price", limitPrice ?? order.request.limitPrice ?? .zero)
        body.add("order_type", order.request.orderType.rawValue)
        body.add("disclosed_quantity", Int64(0))
        body.add("trigger_price", triggerPrice ?? order.request.triggerPrice ?? .zero)
        var r = BrokerHTTPRequest(method: "PUT", url: configuration.orderBaseURL + "/v3/order/modify", body: body.bytes)
        if let algo = order.request.algoID { r.headers.append(("X-Algo-Name", algo)) }
        return r
    }

    public func cancel(_ order: BrokerOrderContext) -> BrokerHTTPRequest {
        var r = BrokerHTTPRequest(method: "DELETE", url: configuration.orderBaseURL
                                    + "/v3/order/cancel?order_id=\(FormWriter.escape(order.brokerOrderID))")
        if let algo = order.request.algoID { r.headers.append(("X-Algo-Name", algo)) }
        return r
    }

    public func orderBook() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL + "/v2/order/retrieve-all")
    }

    /// The state history of the orders with this tag (the last state of each order is its current one).
    public func ordersByTag(_ wireTag: String) -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL + "/v2/order/history?tag=\(FormWriter.escape(wireTag))")
    }

    public func orderRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerOrderRecord] {
        var latest: [String: BrokerOrderRecord] = [:]
        var order: [String] = []
        for item in body.list("data") {
            guard let r = Self.order(item) else { continue }
            if latest[r.brokerOrderID] == nil { order.append(r.brokerOrderID) }
            latest[r.brokerOrderID] = r  // history lists the states oldest first
        }
        return order.compactMap { latest[$0] }
    }

    /// An order object (order book, details, history, stream).
    static func order(_ o: JSONValue) -> BrokerOrderRecord? {
        BrokerStatusVocabulary.order(o, symbol: o["instrument_token"]?.string ?? o["instrument_key"]?.string ?? "")
    }

    public func trades(brokerOrderID: String?) -> BrokerHTTPRequest {
        guard let id = brokerOrderID else {
            return BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL + "/v2/order/trades/get-trades-for-day")
        }
        return BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL + "/v2/order/trades?order_id=\(FormWriter.escape(id))")
    }

    public func tradeRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerTrade] {
        body.list("data").compactMap { t in BrokerStatusVocabulary.trade(t, symbol: t["instrument_token"]?.string ?? "") }
    }

    public func positionsRequest() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL + "/v2/portfolio/short-term-positions")
    }

    public func positionRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, position: BrokerPosition)] {
        body.list("data").compactMap { p in
            guard let token = p["instrument_token"]?.text else { return nil }
            let position = BrokerPosition(instrumentKey: InstrumentKey(token),
                                          product: Self.product(p["product"]?.string, exchange: p["exchange"]?.string),
                                          netQuantity: Quantity(p["quantity"]?.int ?? 0),
                                          averagePrice: p["average_price"]?.price ?? .zero)
            return (token, position)
        }
    }

    public func holdingsRequest() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL + "/v2/portfolio/long-term-holdings")
    }

    /// `data[]` of `{isin, quantity, t1_quantity, average_price, last_price, pnl, instrument_token, exchange,
    /// trading_symbol, …}`; the instrument token is Vega's instrument key.
    public func holdingRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, holding: BrokerHolding)] {
        body.list("data").compactMap { h in
            guard let token = h["instrument_token"]?.text else { return nil }
            return (token, BrokerHolding(instrumentKey: InstrumentKey(token), isin: h["isin"]?.text,
                                         tradingSymbol: h["trading_symbol"]?.string ?? h["tradingsymbol"]?.string ?? "",
                                         exchange: h["exchange"]?.string ?? "",
                                         quantity: Quantity(h["quantity"]?.int ?? 0),
                                         t1Quantity: h["t1_quantity"]?.int.map(Quantity.init),
                                         averagePrice: h["average_price"]?.price ?? .zero,
                                         lastPrice: h["last_price"]?.price ?? .zero, pnl: h["pnl"]?.price ?? .zero))
        }
    }

    public func failure(status: Int, body: JSONValue?) -> BrokerError? {
        let first = body?["errors"]?.array?.first
        let code = first?["error_code"]?.text ?? first?["errorCode"]?.text
        let message = first?["message"]?.string ?? "HTTP \(status)"
        if (200..<300).contains(status), body?["status"]?.string != "error" { return nil }
        if status == 429 || code == "UDAPI10005" { return .rateLimited }
        if status == 401 || code == "UDAPI100050" { return .tokenExpired }
        if status >= 500 { return .unavailable("\(code ?? "HTTP \(status)"): \(message)") }
        return .refused(code: code, message: message)
    }

    public func streamAuthorization() -> BrokerHTTPRequest? {
        BrokerHTTPRequest(method: "GET", url: configuration.apiBaseURL
                            + "/v2/feed/portfolio-stream-feed/authorize?update_types=order%2Cposition%2Cholding%2Cgtt_order")
    }

    public func streamEndpoint(authorization: JSONValue?, credentials: BrokerCredentials) throws(BrokerError)
        -> BrokerStreamEndpoint {
        guard let url = authorization?["data"]?["authorized_redirect_uri"]?.text else {
            throw .malformed("no data.authorized_redirect_uri")
        }
        return BrokerStreamEndpoint(url: url, headers: [("Authorization", "Bearer \(credentials.accessToken)")])
    }

    public func streamUpdates(_ text: String) -> [BrokerStreamUpdate] {
        guard let message = JSONValue.parse(text), message["update_type"]?.string == "order",
              let record = Self.order(message) else { return [] }
        return [.order(record)]
    }
}

/// The Upstox adapter.
public typealias UpstoxBroker = RESTBroker<UpstoxAPI>
