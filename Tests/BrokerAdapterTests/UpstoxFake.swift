import BrokerKit
import BrokerUpstox
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import OMSCore

/// Upstox as brokers.md §1 describes it: orders on the HFT host (v3), books on the API host, JSON bodies,
/// `Authorization: Bearer`, `{"status":"error","errors":[…]}` errors, the portfolio stream feed behind an
/// authorize call that hands out a one-time WebSocket URL.
final class UpstoxFake: FakeBroker {
    let book: FakeBook
    let hft: FakeServer
    let api: FakeServer
    let placeMethod = "POST"
    let placePath = "/v3/order/place"
    /// Orders above this quantity are sliced when `slice` is true (the freeze quantity in the fake).
    static let freezeQuantity = 1800

    static let vocabulary = FakeVocabulary(received: "put order req received", open: "open", complete: "complete",
                                           cancelled: "cancelled", rejected: "rejected",
                                           modifyPending: "modify pending", modified: "modified")

    static func start() async throws -> UpstoxFake {
        let book = FakeBook(vocabulary: vocabulary, firstOrderID: 240_108_010_445_130) { order, _ in
            var o = UpstoxFake.render(order)
            o["update_type"] = "order"
            o["user_id"] = "AB1234"
            o["instrument_key"] = order.symbol
            return [UpstoxFake.text(o)]
        }
        let codes = OneTimeCodes()
        let apiRouter = FakeRouter(context: BasicWebSocketRequestContext.self)
        let hftRouter = FakeRouter(context: BasicWebSocketRequestContext.self)
        let port = PortBox()
        addOrderRoutes(hftRouter, book)
        addBookRoutes(apiRouter, book, codes: codes, port: port)
        let api = try await FakeServer.start(apiRouter)
        await port.set(api.port)
        let hft = try await FakeServer.start(hftRouter)
        return UpstoxFake(book: book, hft: hft, api: api)
    }

    init(book: FakeBook, hft: FakeServer, api: FakeServer) {
        self.book = book
        self.hft = hft
        self.api = api
    }

    func stop() {
        hft.stop()
        api.stop()
    }

    func stopAndWait() async {
        await hft.stopAndWait()
        await api.stopAndWait()
    }

    func algoID(_ placement: SeenRequest) -> String? { placement.header("X-Algo-Name") }

    func makeAdapter(credentials: BrokerCredentials, settings: BrokerSettings, logger: Logger) -> any BrokerConnection {
        var c = UpstoxConfiguration()
        c.orderBaseURL = "http://127.0.0.1:\(hft.port)"
        c.apiBaseURL = "http://127.0.0.1:\(api.port)"
        return UpstoxBroker(api: UpstoxAPI(configuration: c), credentials: credentials, settings: settings, logger: logger)
    }

    // MARK: Shapes

    static func text(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    static func render(_ o: FakeOrder, status: String? = nil) -> [String: Any] {
        ["exchange": "NSE", "product": o.product, "price": o.price, "quantity": o.quantity, "status": status ?? o.status,
         "tag": o.tag, "instrument_token": o.symbol, "placed_by": "AB1234", "trading_symbol": "RELIANCE",
         "tradingsymbol": "RELIANCE", "order_type": o.orderType, "validity": o.validity, "trigger_price": o.triggerPrice,
         "disclosed_quantity": 0, "transaction_type": o.side, "average_price": o.averagePrice,
         "filled_quantity": o.filled, "pending_quantity": o.quantity - o.filled, "status_message": o.message,
         "status_message_raw": o.message, "exchange_order_id": o.exchangeOrderID, "parent_order_id": NSNull(),
         "order_id": o.id, "variety": "SIMPLE", "order_timestamp": "2026-11-25 10:15:00",
         "exchange_timestamp": "2026-11-25 10:15:01", "is_amo": false, "order_request_id": "1",
         "order_ref_id": "1-\(o.id)", "guid": NSNull()]
    }

    static func render(_ t: FakeTrade, _ o: FakeOrder) -> [String: Any] {
        ["exchange": "NSE", "product": o.product, "trading_symbol": "RELIANCE", "instrument_token": o.symbol,
         "order_type": o.orderType, "transaction_type": o.side, "quantity": t.quantity,
         "exchange_order_id": o.exchangeOrderID, "order_id": o.id, "exchange_timestamp": "2026-11-25 10:15:02",
         "average_price": t.price, "trade_id": t.id, "order_ref_id": "1-\(o.id)", "order_timestamp": "2026-11-25 10:15:00"]
    }

    static func error(_ code: String, _ message: String, status: Int) -> Response {
        Fake.json(["status": "error", "errors": [["error_code": code, "message": message, "property_path": NSNull(),
                                                  "invalid_value": NSNull(), "errorCode": code,
                                                  "propertyPath": NSNull(), "invalidValue": NSNull()]]], status: status)
    }

    static func success(_ data: Any) -> Response { Fake.json(["status": "success", "data": data]) }

    // MARK: Routes

    /// Common checks: auth headers, a live token, a JSON content type on bodies.
    static func gate(_ book: FakeBook, _ request: Request, _ checks: inout FakeChecks) async -> (SeenRequest, Response?) {
        let body = await Fake.body(request)
        let seen = Fake.seen(request, body: body)
        checks.header(seen, "Accept", "application/json")
        if !body.isEmpty { checks.header(seen, "Content-Type", "application/json") }
        let auth = seen.header("Authorization")
        checks.require(auth?.hasPrefix("Bearer ") == true, "Authorization is not a Bearer token")
        let ok = await book.admit(seen, checks)
        if !ok { return (seen, error("UDAPI100036", "Invalid input: \(checks.violations.joined(separator: "; "))", status: 400)) }
        if await !book.tokenValid || auth != "Bearer \(TestCredentials.accessToken)" {
            return (seen, error("UDAPI100050", "Invalid token used to access API", status: 401))
        }
        return (seen, nil)
    }

    static func addOrderRoutes(_ router: FakeRouter, _ book: FakeBook) {
        router.post("/v3/order/place") { request, _ -> Response in
            var checks = FakeChecks()
            let body = await Fake.body(request)
            let fields = Fake.object(body) ?? [:]
            checks.int(fields, "quantity")
            checks.require((fields["quantity"]?.int ?? 0) > 0, "quantity must be positive")
            checks.oneOf(fields, "product", ["I", "D", "MTF"])
            checks.oneOf(fields, "validity", ["DAY", "IOC"])
            checks.number(fields, "price")
            checks.string(fields, "instrument_token")
            checks.oneOf(fields, "order_type", ["MARKET", "LIMIT", "SL", "SL-M"])
            checks.oneOf(fields, "transaction_type", ["BUY", "SELL"])
            checks.int(fields, "disclosed_quantity")
            checks.number(fields, "trigger_price")
            checks.bool(fields, "is_amo")
            checks.bool(fields, "slice")
            checks.require((fields["tag"]?.string?.count ?? 0) <= 40, "tag longer than 40")
            if ["MARKET", "SL-M"].contains(fields["order_type"]?.string ?? "") {
                checks.require((fields["market_protection"]?.int).map { $0 == -1 || (0...25).contains($0) } == true,
                               "market_protection must be -1 or 0–25 on market orders")
            }
            let (_, refusal) = await gate(book, request.with(body: body), &checks)
            if let refusal { return refusal }
            switch await book.nextScript() {
            case .rateLimit: return error("UDAPI10005", "Too Many Request Sent", status: 429)
            case .refuse: return error("UDAPI1026", "Instrument key is required / invalid", status: 400)
            case .refuseQuotingToken:
                return error("UDAPI1154", "Static IP not whitelisted for token \(TestCredentials.accessToken)", status: 403)
            case .delay(let d):
                let ids = await place(book, fields)
                try? await Task.sleep(for: d)
                return Fake.json(["status": "success", "data": ["order_ids": ids], "metadata": ["latency": 30]])
            case nil:
                let ids = await place(book, fields)
                return Fake.json(["status": "success", "data": ["order_ids": ids], "metadata": ["latency": 30]])
            }
        }
        router.put("/v3/order/modify") { request, _ -> Response in
            var checks = FakeChecks()
            let body = await Fake.body(request)
            let fields = Fake.object(body) ?? [:]
            checks.string(fields, "order_id")
            checks.number(fields, "trigger_price")
            checks.oneOf(fields, "validity", ["DAY", "IOC"])
            checks.oneOf(fields, "order_type", ["MARKET", "LIMIT", "SL", "SL-M"])
            checks.number(fields, "price")
            checks.int(fields, "quantity", optional: true)
            let (_, refusal) = await gate(book, request.with(body: body), &checks)
            if let refusal { return refusal }
            guard let id = fields["order_id"]?.string, let o = await book.order(id) else {
                return error("UDAPI100010", "Order not found", status: 404)
            }
            guard ![vocabulary.complete, vocabulary.cancelled, vocabulary.rejected].contains(o.status) else {
                return error("UDAPI100040", "Order is already \(o.status)", status: 400)
            }
            await book.set(id) { $0.status = vocabulary.modifyPending! }
            await book.set(id) {
                $0.status = vocabulary.modified
                $0.quantity = Int(fields["quantity"]?.int ?? Int64($0.quantity))
                $0.price = fields["price"]?.number ?? $0.price
                $0.triggerPrice = fields["trigger_price"]?.number ?? $0.triggerPrice
            }
            await book.set(id) { $0.status = vocabulary.open }
            return Fake.json(["status": "success", "data": ["order_id": id], "metadata": ["latency": 40]])
        }
        router.delete("/v3/order/cancel") { request, _ -> Response in
            var checks = FakeChecks()
            checks.require(Fake.query(request, "order_id") != nil, "cancel without order_id")
            let (_, refusal) = await gate(book, request, &checks)
            if let refusal { return refusal }
            guard let id = Fake.query(request, "order_id"), let o = await book.order(id) else {
                return error("UDAPI100010", "Order not found", status: 404)
            }
            guard ![vocabulary.complete, vocabulary.cancelled, vocabulary.rejected].contains(o.status) else {
                return error("UDAPI100040", "Order is already \(o.status)", status: 400)
            }
            await book.set(id) { $0.status = "cancel pending" }
            await book.set(id) { $0.status = vocabulary.cancelled }
            return Fake.json(["status": "success", "data": ["order_id": id], "metadata": ["latency": 40]])
        }
    }

    static func place(_ book: FakeBook, _ f: [String: FJSON]) async -> [String] {
        let quantity = Int(f["quantity"]?.int ?? 0)
        let slices = f["slice"]?.bool == true ? (quantity + freezeQuantity - 1) / freezeQuantity : 1
        var ids: [String] = []
        var left = quantity
        for _ in 0..<max(slices, 1) {
            let q = min(left, slices > 1 ? freezeQuantity : quantity)
            left -= q
            let id = await book.newOrderID()
            ids.append(id)
            await book.add(FakeOrder(
                id: id, tag: f["tag"]?.string ?? "", symbol: f["instrument_token"]?.string ?? "",
                side: f["transaction_type"]?.string ?? "", quantity: q, price: f["price"]?.number ?? 0,
                triggerPrice: f["trigger_price"]?.number ?? 0, orderType: f["order_type"]?.string ?? "",
                product: f["product"]?.string ?? "", validity: f["validity"]?.string ?? "", status: vocabulary.received))
        }
        return ids
    }

    static func addBookRoutes(_ router: FakeRouter, _ book: FakeBook, codes: OneTimeCodes, port: PortBox) {
        router.get("/v2/order/retrieve-all") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            return success(await book.allOrders.map { render($0) })
        }
        router.get("/v2/order/details") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            guard let id = Fake.query(request, "order_id"), let o = await book.order(id) else {
                return error("UDAPI100010", "Order not found", status: 404)
            }
            return success(render(o))
        }
        router.get("/v2/order/history") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            let matching: [FakeOrder]
            if let tag = Fake.query(request, "tag") { matching = await book.orders(tag: tag) }
            else if let id = Fake.query(request, "order_id"), let o = await book.order(id) { matching = [o] }
            else { return error("UDAPI1023", "Order id or tag is required", status: 400) }
            return success(matching.flatMap { o in o.history.map { render(o, status: $0) } })
        }
        router.get("/v2/order/trades") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            let id = Fake.query(request, "order_id")
            let rows = await book.trades.filter { $0.orderID == id }
            var out: [[String: Any]] = []
            for t in rows { if let o = await book.order(t.orderID) { out.append(render(t, o)) } }
            return success(out)
        }
        router.get("/v2/order/trades/get-trades-for-day") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            var out: [[String: Any]] = []
            for t in await book.trades { if let o = await book.order(t.orderID) { out.append(render(t, o)) } }
            return success(out)
        }
        router.get("/v2/portfolio/short-term-positions") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            return success(await book.netPositions().map { p -> [String: Any] in
                ["exchange": "NSE", "multiplier": 1, "value": 0, "pnl": 0, "product": p.product,
                 "instrument_token": p.symbol, "average_price": p.average, "buy_value": 0, "sell_value": 0,
                 "overnight_quantity": 0, "day_buy_quantity": max(p.net, 0), "day_sell_quantity": max(-p.net, 0),
                 "quantity": p.net, "last_price": p.average, "close_price": p.average, "realised": 0,
                 "unrealised": 0, "trading_symbol": "RELIANCE"]
            })
        }
        router.get("/v2/portfolio/long-term-holdings") { request, _ -> Response in
            let body = await Fake.body(request)
            var checks = FakeChecks()
            checks.bodyless(request, body: body)
            if let r = await gate(book, request.with(body: body), &checks).1 { return r }
            return success(FakeHolding.rows.map { h -> [String: Any] in
                ["isin": h.isin, "cnc_used_quantity": 0, "collateral_type": "WC", "company_name": "\(h.tradingSymbol) LTD",
                 "haircut": 0.2, "product": "D", "quantity": h.quantity, "trading_symbol": h.tradingSymbol,
                 "last_price": h.lastPrice, "close_price": h.lastPrice,
                 "pnl": h.pnl, "day_change": 0, "day_change_percentage": 0, "instrument_token": h.instrumentKey,
                 "average_price": h.averagePrice, "collateral_quantity": 0, "t1_quantity": h.t1Quantity, "exchange": h.exchange]
            })
        }
        router.get("/v2/feed/portfolio-stream-feed/authorize") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, &checks).1 { return r }
            let code = await codes.issue()
            return success(["authorized_redirect_uri": "ws://127.0.0.1:\(await port.value)/portfolio-stream?code=\(code)"])
        }
        router.ws("/portfolio-stream") { request, _ in
            guard await !book.holdStreams, let code = Fake.query(request, "code"), await codes.redeem(code) else {
                return .dontUpgrade
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            await Fake.serveStream(book, inbound: inbound, outbound: outbound)
        }
    }
}

actor PortBox {
    var value = 0
    func set(_ v: Int) { value = v }
}

/// Upstox's authorize call hands out single-use stream URLs.
actor OneTimeCodes {
    private var issued: Set<String> = []
    private var n = 0
    func issue() -> String {
        n += 1
        let code = "otc\(n)"
        issued.insert(code)
        return code
    }
    func redeem(_ code: String) -> Bool { issued.remove(code) != nil }
}

extension Request {
    /// The same request with its body already read (so a handler can read it once and check it).
    func with(body: String) -> Request {
        var r = self
        r.body = .init(buffer: ByteBuffer(string: body))
        return r
    }
}
