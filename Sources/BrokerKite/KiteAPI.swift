import BrokerKit
import OMSCore

/// Settings of the Zerodha Kite Connect adapter (brokers.md §2).
public struct KiteConfiguration: Sendable {
    public var baseURL = "https://api.kite.trade"
    /// The order-update WebSocket (`wss://ws.kite.trade`); `api_key` and `access_token` go in its query.
    public var streamURL = "wss://ws.kite.trade"
    /// Market protection sent with MARKET and SL-M orders: -1 (auto) or 0–100 (0 is rejected for API orders).
    public var marketProtection: Int64 = -1
    public var autoslice = false
    public var brokerID = BrokerID("ZERODHA")

    public init() {}
}

/// Kite Connect v3: form-encoded bodies, `Authorization: token api_key:access_token`, orders by variety,
/// order updates as text frames on the ticker WebSocket.
public struct KiteAPI: BrokerAPI {
    public let configuration: KiteConfiguration
    public static let environmentPrefix = "VEGA_KITE"

    public init(configuration: KiteConfiguration = .init()) { self.configuration = configuration }

    public var id: BrokerID { configuration.brokerID }
    public var capabilities: BrokerCapabilities { .indianRetailAPI }

    public func authorize(_ request: inout BrokerHTTPRequest, credentials: BrokerCredentials) {
        request.headers.append(("X-Kite-Version", "3"))
        request.headers.append(("Authorization", "token \(credentials.apiKey):\(credentials.accessToken)"))
        if request.body != nil { request.headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
    }

    public func wireTag(_ tag: String) throws(BrokerError) -> String {
        guard tag.count <= 20 else { throw .refused(code: nil, message: "Kite tags are at most 20 characters") }
        return tag
    }

    /// Kite's exchange for a segment (F&O on NFO/BFO, currency on CDS/BCD).
    static func exchange(_ instrument: Instrument) -> String {
        switch instrument.segment {
        case .nseEQ, .nseIndex: return "NSE"
        case .bseEQ, .bseIndex: return "BSE"
        case .nseFO: return "NFO"
        case .bseFO: return "BFO"
        case .ncdFO: return "CDS"
        case .bcdFO: return "BCD"
        case .mcxFO, .nseCOM: return "MCX"
        }
    }

    public func symbol(_ instrument: Instrument) -> String { "\(Self.exchange(instrument)):\(instrument.tradingSymbol)" }

    static func variety(_ order: BrokerOrderRequest) -> String { order.afterMarket ? "amo" : "regular" }

    public func place(_ order: BrokerOrderRequest) throws(BrokerError) -> BrokerHTTPRequest {
        var form = FormWriter()
        form.add("tradingsymbol", order.instrument.tradingSymbol)
        form.add("exchange", Self.exchange(order.instrument))
        form.add("transaction_type", order.side.rawValue)
        form.add("order_type", order.orderType.rawValue)
        form.add("quantity", String(order.quantity.value))
        form.add("product", order.product.rawValue)
        form.add("price", order.limitPrice?.description)
        form.add("trigger_price", order.triggerPrice?.description)
        form.add("validity", order.timeInForce.rawValue)
        if order.orderType == .market || order.orderType == .stop {
            form.add("market_protection", String(configuration.marketProtection))
        }
        if configuration.autoslice { form.add("autoslice", "true") }
        form.add("algo_id", order.algoID)
        form.add("tag", try wireTag(order.tag))
        return BrokerHTTPRequest(method: "POST", url: "\(configuration.baseURL)/orders/\(Self.variety(order))",
                                 body: form.bytes)
    }

    public func placedOrderIDs(_ body: JSONValue) throws(BrokerError) -> [String] {
        let children = (body["data"]?["children"]?.array ?? []).compactMap { $0["order_id"]?.text }
        if !children.isEmpty { return children }
        guard let id = body["data"]?["order_id"]?.text else { throw .malformed("no data.order_id") }
        return [id]
    }

    public func modify(_ order: BrokerOrderContext, quantity: Quantity, limitPrice: Price?,
                       triggerPrice: Price?) throws(BrokerError) -> BrokerHTTPRequest {
        var form = FormWriter()
        form.add("order_type", order.request.orderType.rawValue)
        form.add("quantity", String(quantity.value))
        form.add("price", (limitPrice ?? order.request.limitPrice)?.description)
        form.add("trigger_price", (triggerPrice ?? order.request.triggerPrice)?.description)
        form.add("validity", order.request.timeInForce.rawValue)
        return BrokerHTTPRequest(method: "PUT", url: orderURL(order), body: form.bytes)
    }

    public func cancel(_ order: BrokerOrderContext) -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "DELETE", url: orderURL(order))
    }

    func orderURL(_ order: BrokerOrderContext) -> String {
        "\(configuration.baseURL)/orders/\(Self.variety(order.request))/\(FormWriter.escape(order.brokerOrderID))"
    }

    public func orderBook() -> BrokerHTTPRequest { BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/orders") }

    /// Kite has no tag filter: the day's order book, filtered by the adapter.
    public func ordersByTag(_ wireTag: String) -> BrokerHTTPRequest { orderBook() }

    public func orderRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerOrderRecord] {
        body.list("data").compactMap(Self.order)
    }

    static func order(_ o: JSONValue) -> BrokerOrderRecord? {
        BrokerStatusVocabulary.order(o, symbol: "\(o["exchange"]?.string ?? ""):\(o["tradingsymbol"]?.string ?? "")")
    }

    public func trades(brokerOrderID: String?) -> BrokerHTTPRequest {
        guard let id = brokerOrderID else { return BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/trades") }
        return BrokerHTTPRequest(method: "GET", url: "\(configuration.baseURL)/orders/\(FormWriter.escape(id))/trades")
    }

    public func tradeRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerTrade] {
        body.list("data").compactMap { t in
            BrokerStatusVocabulary.trade(t, symbol: "\(t["exchange"]?.string ?? ""):\(t["tradingsymbol"]?.string ?? "")")
        }
    }

    public func positionsRequest() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/portfolio/positions")
    }

    public func positionRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, position: BrokerPosition)] {
        (body["data"]?["net"]?.array ?? []).compactMap { p in
            guard let ts = p["tradingsymbol"]?.text, let exchange = p["exchange"]?.text else { return nil }
            let symbol = "\(exchange):\(ts)"
            let product = Product(rawValue: p["product"]?.string ?? "") ?? .cnc
            return (symbol, BrokerPosition(instrumentKey: InstrumentKey(symbol), product: product,
                                           netQuantity: Quantity(p["quantity"]?.int ?? 0),
                                           averagePrice: p["average_price"]?.price ?? .zero))
        }
    }

    public func holdingsRequest() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/portfolio/holdings")
    }

    /// `data[]` of `{tradingsymbol, exchange, instrument_token, isin, quantity, t1_quantity, average_price,
    /// last_price, pnl, …}`, keyed `EXCHANGE:TRADINGSYMBOL` as the adapter names instruments.
    public func holdingRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, holding: BrokerHolding)] {
        body.list("data").compactMap { h in
            guard let ts = h["tradingsymbol"]?.text, let exchange = h["exchange"]?.text else { return nil }
            let symbol = "\(exchange):\(ts)"
            return (symbol, BrokerHolding(instrumentKey: InstrumentKey(symbol), isin: h["isin"]?.text, tradingSymbol: ts,
                                          exchange: exchange, quantity: Quantity(h["quantity"]?.int ?? 0),
                                          t1Quantity: h["t1_quantity"]?.int.map(Quantity.init),
                                          averagePrice: h["average_price"]?.price ?? .zero,
                                          lastPrice: h["last_price"]?.price ?? .zero, pnl: h["pnl"]?.price ?? .zero))
        }
    }

    public func failure(status: Int, body: JSONValue?) -> BrokerError? {
        let type = body?["error_type"]?.text
        let message = body?["message"]?.string ?? "HTTP \(status)"
        if (200..<300).contains(status), body?["status"]?.string != "error" { return nil }
        if status == 429 { return .rateLimited }
        if type == "TokenException" || status == 403 && type == nil { return .tokenExpired }
        if status >= 500 || type == "NetworkException" || type == "DataException" {
            return .unavailable("\(type ?? "HTTP \(status)"): \(message)")
        }
        return .refused(code: type, message: message)
    }

    public func streamEndpoint(authorization: JSONValue?, credentials: BrokerCredentials) throws(BrokerError)
        -> BrokerStreamEndpoint {
        // `wss://ws.kite.trade?api_key=…`: the request target of a URL without a path is `/`.
        let base = configuration.streamURL.split(separator: "/").count <= 2 ? configuration.streamURL + "/" : configuration.streamURL
        return BrokerStreamEndpoint(url: "\(base)?api_key=\(FormWriter.escape(credentials.apiKey))"
                                + "&access_token=\(FormWriter.escape(credentials.accessToken))")
    }

    /// Text frames `{"type":"order","data":{…}}`; binary frames are ticks and are not asked for.
    public func streamUpdates(_ text: String) -> [BrokerStreamUpdate] {
        guard let message = JSONValue.parse(text), message["type"]?.string == "order",
              let data = message["data"], let record = Self.order(data) else { return [] }
        return [.order(record)]
    }
}

/// The Zerodha Kite Connect adapter.
public typealias KiteBroker = RESTBroker<KiteAPI>
