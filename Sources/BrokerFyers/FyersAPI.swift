import BrokerKit
import OMSCore

/// Settings of the Fyers adapter (brokers.md §3).
public struct FyersConfiguration: Sendable {
    public var baseURL = "https://api-t1.fyers.in/api/v3"
    public var streamURL = "wss://socket.fyers.in/trade/v3"
    /// The order socket wants a text `ping` about every 10 s.
    public var pingInterval: Duration = .seconds(10)
    public var brokerID = BrokerID("FYERS")

    public init() {}
}

/// Fyers API v3: JSON bodies, `Authorization: app_id:access_token`, numeric order types, sides and statuses,
/// the order socket with short field names.
public struct FyersAPI: BrokerAPI {
    public let configuration: FyersConfiguration
    public static let environmentPrefix = "VEGA_FYERS"

    public init(configuration: FyersConfiguration = .init()) { self.configuration = configuration }

    public var id: BrokerID { configuration.brokerID }
    public var capabilities: BrokerCapabilities { .indianRetailAPI }

    public func authorize(_ request: inout BrokerHTTPRequest, credentials: BrokerCredentials) {
        request.headers.append(("Authorization", "\(credentials.apiKey):\(credentials.accessToken)"))
        if request.body != nil { request.headers.append(("Content-Type", "application/json")) }
    }

    /// `orderTag` takes 1–30 alphanumerics: other characters become `Z` + two hex digits (and `Z` itself `Z5A`).
    public func wireTag(_ tag: String) throws(BrokerError) -> String {
        var out = ""
        for b in tag.utf8 {
            let c = Character(UnicodeScalar(b))
            if c.isASCII && (c.isLetter || c.isNumber) && c != "Z" { out.append(c) } else {
                out += "Z" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        guard (1...30).contains(out.count) else { throw .refused(code: nil, message: "tag does not fit Fyers' orderTag") }
        return out
    }

    public func vegaTag(_ wire: String) -> String? {
        guard !wire.isEmpty else { return nil }
        var bytes: [UInt8] = []
        var it = Array(wire.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "Z"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `NSE:SBIN-EQ` for cash, `NSE:NIFTY25DECFUT` for derivatives (Fyers names F&O on NSE/BSE/MCX).
    public func symbol(_ instrument: Instrument) -> String {
        let exchange: String
        switch instrument.segment {
        case .bseEQ, .bseFO, .bseIndex, .bcdFO: exchange = "BSE"
        case .mcxFO, .nseCOM: exchange = "MCX"
        default: exchange = "NSE"
        }
        if instrument.segment.isCash { return "\(exchange):\(instrument.tradingSymbol)-\(instrument.instrumentType)" }
        return "\(exchange):\(instrument.tradingSymbol)"
    }

    static func product(_ p: Product) -> String {
        switch p {
        case .cnc: return "CNC"
        case .mis: return "INTRADAY"
        case .nrml: return "MARGIN"
        case .mtf: return "MTF"
        }
    }

    static func product(_ raw: String?) -> Product {
        switch raw {
        case "INTRADAY": return .mis
        case "MARGIN": return .nrml
        case "MTF": return .mtf
        default: return .cnc
        }
    }

    static func type(_ t: OrderType) -> Int64 {
        switch t {
        case .limit: return 1
        case .market: return 2
        case .stop: return 3
        case .stopLimit: return 4
        }
    }

    static func phase(_ status: Int64?) -> BrokerOrderPhase {
        switch status {
        case 1: return .canceled
        case 2: return .filled
        case 5: return .rejected
        case 6: return .open
        case 7: return .expired
        default: return .pendingNew  // 4 Transit
        }
    }

    public func place(_ order: BrokerOrderRequest) throws(BrokerError) -> BrokerHTTPRequest {
        var body = JSONObjectWriter()
        body.add("symbol", symbol(order.instrument))
        body.add("qty", order.quantity.value)
        body.add("type", Self.type(order.orderType))
        body.add("side", order.side == .buy ? Int64(1) : -1)
        body.add("productType", Self.product(order.product))
        body.add("limitPrice", order.limitPrice ?? .zero)
        body.add("stopPrice", order.triggerPrice ?? .zero)
        body.add("disclosedQty", Int64(0))
        body.add("validity", order.timeInForce.rawValue)
        body.add("offlineOrder", order.afterMarket)
        body.add("stopLoss", Int64(0))
        body.add("takeProfit", Int64(0))
        body.add("orderTag", try wireTag(order.tag))
        body.add("isSliceOrder", false)
        return BrokerHTTPRequest(method: "POST", url: configuration.baseURL + "/orders/sync", body: body.bytes)
    }

    public func placedOrderIDs(_ body: JSONValue) throws(BrokerError) -> [String] {
        guard let id = body["id"]?.text else { throw .malformed("no id") }
        return [id]
    }

    public func modify(_ order: BrokerOrderContext, quantity: Quantity, limitPrice: Price?,
                       triggerPrice: Price?) throws(BrokerError) -> BrokerHTTPRequest {
        var body = JSONObjectWriter()
        body.add("id", order.brokerOrderID)
        body.add("type", Self.type(order.request.orderType))
        body.add("limitPrice", limitPrice ?? order.request.limitPrice ?? .zero)
        body.add("stopPrice", triggerPrice ?? order.request.triggerPrice ?? .zero)
        body.add("qty", quantity.value)
        return BrokerHTTPRequest(method: "PATCH", url: configuration.baseURL + "/orders/sync", body: body.bytes)
    }

    public func cancel(_ order: BrokerOrderContext) -> BrokerHTTPRequest {
        var body = JSONObjectWriter()
        body.add("id", order.brokerOrderID)
        return BrokerHTTPRequest(method: "DELETE", url: configuration.baseURL + "/orders/sync", body: body.bytes)
    }

    public func orderBook() -> BrokerHTTPRequest { BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/orders") }

    public func ordersByTag(_ wireTag: String) -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/orders?order_tag=\(FormWriter.escape(wireTag))")
    }

    public func orderRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerOrderRecord] {
        body.list("orderBook").compactMap { o in
            guard let id = o["id"]?.text else { return nil }
            let status = o["status"]?.int
            return BrokerOrderRecord(
                brokerOrderID: id, tag: o["orderTag"]?.text.flatMap(vegaTag), exchangeOrderID: o["exchOrdId"]?.text,
                symbol: o["symbol"]?.string ?? "", side: o["side"]?.int == -1 ? .sell : .buy,
                quantity: Quantity(o["qty"]?.int ?? 0), filledQuantity: Quantity(o["filledQty"]?.int ?? 0),
                averagePrice: o["tradedPrice"]?.price ?? .zero, limitPrice: o["limitPrice"]?.price,
                triggerPrice: o["stopPrice"]?.price, phase: Self.phase(status), rawStatus: status.map(String.init) ?? "",
                message: o["message"]?.text)
        }
    }

    /// Fyers has one trade book for the day; the adapter picks an order's trades out of it.
    public func trades(brokerOrderID: String?) -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/tradebook")
    }

    public func tradeRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerTrade] {
        body.list("tradeBook").compactMap { t in
            guard let tradeID = t["tradeNumber"]?.text, let orderID = t["orderNumber"]?.text else { return nil }
            return BrokerTrade(tradeID: tradeID, brokerOrderID: orderID, tag: t["orderTag"]?.text.flatMap(vegaTag),
                               symbol: t["symbol"]?.string ?? "", side: t["side"]?.int == -1 ? .sell : .buy,
                               quantity: Quantity(t["tradedQty"]?.int ?? 0), price: t["tradePrice"]?.price ?? .zero)
        }
    }

    public func positionsRequest() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/positions")
    }

    public func positionRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, position: BrokerPosition)] {
        body.list("netPositions").compactMap { p in
            guard let symbol = p["symbol"]?.text else { return nil }
            return (symbol, BrokerPosition(instrumentKey: InstrumentKey(symbol), product: Self.product(p["productType"]?.string),
                                           netQuantity: Quantity(p["netQty"]?.int ?? 0),
                                           averagePrice: p["netAvg"]?.price ?? .zero))
        }
    }

    public func holdingsRequest() -> BrokerHTTPRequest {
        BrokerHTTPRequest(method: "GET", url: configuration.baseURL + "/holdings")
    }

    /// `holdings[]` of `{holdingType (T1/HLD), quantity, remainingQuantity, costPrice, marketVal, pl, ltp, isin,
    /// qty_t1, collateralQuantity, symbol}`. The exchange and trading symbol come from `symbol` (`NSE:SBIN-EQ`:
    /// NSE, SBIN); T1 is `qty_t1`, or the whole quantity of a `T1` row that gives no `qty_t1`.
    public func holdingRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, holding: BrokerHolding)] {
        body.list("holdings").compactMap { h in
            guard let symbol = h["symbol"]?.text else { return nil }
            let parts = symbol.split(separator: ":", maxSplits: 1).map(String.init)
            let exchange = parts.count == 2 ? parts[0] : ""
            var name = parts.last ?? symbol
            if let dash = name.lastIndex(of: "-") { name = String(name[..<dash]) }  // the series (`-EQ`, `-BE`)
            let quantity = h["quantity"]?.int ?? 0
            let t1 = h["qty_t1"]?.int ?? (h["holdingType"]?.string == "T1" ? quantity : nil)
            return (symbol, BrokerHolding(instrumentKey: InstrumentKey(symbol), isin: h["isin"]?.text, tradingSymbol: name,
                                          exchange: exchange, quantity: Quantity(quantity), t1Quantity: t1.map(Quantity.init),
                                          averagePrice: h["costPrice"]?.price ?? .zero,
                                          lastPrice: h["ltp"]?.price ?? .zero, pnl: h["pl"]?.price ?? .zero))
        }
    }

    public func failure(status: Int, body: JSONValue?) -> BrokerError? {
        let code = body?["code"]?.int
        let message = body?["message"]?.string ?? "HTTP \(status)"
        if (200..<300).contains(status), body?["s"]?.string != "error" { return nil }
        if status == 429 || code == -429 { return .rateLimited }
        if let code, [-8, -15, -16, -17].contains(code) { return .tokenExpired }
        if status == 401 && code == nil { return .tokenExpired }
        if status >= 500 { return .unavailable("HTTP \(status): \(message)") }
        return .refused(code: code.map { String($0) }, message: message)
    }

    public func streamEndpoint(authorization: JSONValue?, credentials: BrokerCredentials) throws(BrokerError)
        -> BrokerStreamEndpoint {
        BrokerStreamEndpoint(url: configuration.streamURL,
                             headers: [("authorization", "\(credentials.apiKey):\(credentials.accessToken)")],
                             subscribe: [#"{"T":"SUB_ORD","SLIST":["orders","trades","positions"],"SUB_T":1}"#],
                             keepAlive: (text: "ping", every: configuration.pingInterval))
    }

    /// Frames `{"orders":{…}}` and `{"trades":{…}}` with the socket's short field names.
    public func streamUpdates(_ text: String) -> [BrokerStreamUpdate] {
        guard let message = JSONValue.parse(text) else { return [] }
        if let o = message["orders"], let id = o["id"]?.text {
            let status = o["org_ord_status"]?.int
            return [.order(BrokerOrderRecord(
                brokerOrderID: id, tag: o["ordertag"]?.text.flatMap(vegaTag), exchangeOrderID: o["id_exchange"]?.text,
                symbol: o["symbol"]?.string ?? "", side: o["tran_side"]?.int == -1 ? .sell : .buy,
                quantity: Quantity(o["qty"]?.int ?? 0), filledQuantity: Quantity(o["qty_filled"]?.int ?? 0),
                averagePrice: o["price_traded"]?.price ?? .zero, limitPrice: o["price_limit"]?.price,
                triggerPrice: o["price_stop"]?.price, phase: Self.phase(status), rawStatus: status.map(String.init) ?? "",
                message: o["oms_msg"]?.text))]
        }
        if let t = message["trades"], let tradeID = t["id_fill"]?.text, let orderID = t["id"]?.text {
            return [.trade(BrokerTrade(tradeID: tradeID, brokerOrderID: orderID, tag: t["ordertag"]?.text.flatMap(vegaTag),
                                       symbol: t["symbol"]?.string ?? "", side: t["tran_side"]?.int == -1 ? .sell : .buy,
                                       quantity: Quantity(t["qty_traded"]?.int ?? 0),
                                       price: t["price_traded"]?.price ?? .zero))]
        }
        return []
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The Fyers adapter.
public typealias FyersBroker = RESTBroker<FyersAPI>
